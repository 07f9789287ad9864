//! GU007: see rules/gunicorn/GU007-bind-localhost.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{HostClass, classify_host_text};
use crate::parse::kubernetes::ContainerRole;
use crate::parse::python::Value;
use crate::parse::python::gunicorn;
use crate::project::{Platform, Project, Runtime, Tree};

use super::runtime::{
    bind_host_port, describe_origin, describe_places, group, gunicorn_runtimes, known_setting,
    places, report_location,
};

/// gunicorn listens on loopback only inside a container.
struct BindLocalhost {
    /// The addresses (`127.0.0.1:8000`).
    addresses: String,
    /// Where they are set.
    origin: String,
    /// Where it runs (`container api of Deployment/api`).
    place: String,
}

impl Violation for BindLocalhost {
    const CODE: RuleCode = RuleCode::GU007;

    fn message(&self) -> String {
        format!(
            "gunicorn binds only {} ({}) but runs in a container ({}): loopback is the \
             container's own, so no other container, probe or load balancer can connect",
            self.addresses, self.origin, self.place
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "bind every interface: `bind = \"0.0.0.0:8000\"` (or `[::]:8000`), and restrict \
             access with the network policy or the port mapping"
                .to_string(),
        )
    }
}

/// The bound addresses when every one of them is a loopback address; `None` otherwise
/// (all interfaces, a Unix socket, a templated or unknown value).
fn loopback_only(values: &[&Value]) -> Option<Vec<String>> {
    let mut addresses = Vec::new();
    for value in values {
        let text = value.as_str()?;
        let (host, _) = bind_host_port(text)?;
        if classify_host_text(host) != HostClass::Loopback {
            return None;
        }
        addresses.push(text.trim().to_string());
    }
    (!addresses.is_empty()).then_some(addresses)
}

/// The resolved bind's values, when the config file or `GUNICORN_CMD_ARGS` sets it (the
/// command line's `--bind` is DF003's, K8S012's and SD's to report).
fn bind_values(runtime: &Runtime, value: &Value, from_env: bool) -> Option<Vec<Value>> {
    let config = runtime.gunicorn.as_ref()?;
    let setting = config.get("bind")?;
    if !matches!(
        setting.origin,
        gunicorn::Origin::ConfigFile | gunicorn::Origin::EnvArgs
    ) {
        return None;
    }
    if from_env {
        return Some(vec![value.clone()]);
    }
    let addresses = config.bind_addresses();
    if addresses.iter().any(|a| a.conditional) {
        return None;
    }
    Some(addresses.into_iter().map(|a| a.value).collect())
}

/// Whether another container shares the runtime's network namespace (a Kubernetes pod
/// with more than one container: a proxy sidecar reaches the app on loopback).
fn shares_pod_network(project: &Project, runtime: &Runtime) -> bool {
    let Platform::Kubernetes { file, object, .. } = runtime.platform else {
        return false;
    };
    let Some(Tree::Kubernetes(manifests)) = project.files().get(file).map(|f| &f.tree) else {
        return true;
    };
    manifests
        .objects
        .get(object)
        .and_then(|object| object.workload()?.pod_spec())
        .is_none_or(|pod| {
            pod.all_containers()
                .filter(|c| c.role != ContainerRole::Init)
                .count()
                > 1
        })
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let mut findings = Vec::new();
    for (_, runtime) in gunicorn_runtimes(project) {
        if !runtime.platform.is_containerised() || shares_pod_network(project, runtime) {
            continue;
        }
        let Some(fact) = known_setting(runtime, "bind") else {
            continue;
        };
        let Some(values) = bind_values(runtime, &fact.value, fact.from_env.is_some()) else {
            continue;
        };
        let Some(addresses) = loopback_only(&values.iter().collect::<Vec<_>>()) else {
            continue;
        };
        let Some((file, span)) = report_location(runtime, &fact) else {
            continue;
        };
        findings.push((file, span, (fact, addresses), runtime));
    }
    for found in group(findings) {
        let Some(source) = project.source(found.file) else {
            continue;
        };
        let (fact, addresses) = &found.item;
        let places = places(project, &found.runtimes);
        let violation = BindLocalhost {
            addresses: addresses.join(", "),
            origin: describe_origin(project, fact),
            place: describe_places(&places),
        };
        let mut report = cx.report_in(source, violation, found.span);
        for (file, span, text) in &places {
            if let Some(place_source) = project.source(*file) {
                report = report.label(place_source, *span, format!("runs in {text}"));
            }
        }
        drop(report);
    }
}
