//! K8S012: see rules/kubernetes/K8S012-bind-localhost.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{BindAddress, HostClass, Invocation, Server, classify_host};
use crate::parse::kubernetes::{Container, Manifests};
use crate::span::Span;

use super::helpers::{describe, invocation, literal, sets_env, workloads};

/// A container's server listens on loopback only.
struct BindLocalhost {
    container: String,
    server: Server,
    /// The host as written; `None` when it is the server's default.
    host: Option<String>,
}

impl Violation for BindLocalhost {
    const CODE: RuleCode = RuleCode::K8S012;

    fn message(&self) -> String {
        match &self.host {
            Some(host) => format!(
                "{} binds {} to `{host}`: only the pod's loopback interface, never reached by \
                 probes or Services",
                self.container,
                self.server.name()
            ),
            None => format!(
                "{} starts {} without a host, and it binds 127.0.0.1 by default: probes and \
                 Services cannot reach it",
                self.container,
                self.server.name()
            ),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self.server {
            Server::Gunicorn => "bind all interfaces: `-b 0.0.0.0:8000`".to_string(),
            Server::Hypercorn => "bind all interfaces: `--bind 0.0.0.0:8000`".to_string(),
            _ => "bind all interfaces: `--host 0.0.0.0`".to_string(),
        })
    }
}

/// The explicit loopback host of an invocation, if one is bound.
fn loopback_host(invocation: &Invocation) -> Option<(String, Span)> {
    invocation.binds.iter().find_map(|bind| {
        let host = bind.host()?;
        let text = literal(host)?;
        (classify_host(host) == HostClass::Loopback).then(|| (text.to_string(), host.span))
    })
}

/// Whether the server falls back to its 127.0.0.1 default in this container: no host,
/// socket or descriptor on the command line, and nothing in the environment or a config
/// file that could set one.
fn binds_loopback_by_default(invocation: &Invocation, container: &Container) -> bool {
    let sets_address = invocation.binds.iter().any(|bind| match &bind.address {
        BindAddress::Tcp { host, .. } => host.is_some(),
        _ => true,
    });
    if sets_address || container.ports.is_empty() || !container.env_from.is_empty() {
        return false;
    }
    let env_sets = |name: &str| sets_env(container, name) || invocation.env_value(name).is_some();
    match invocation.server.value {
        Server::Uvicorn => !env_sets("UVICORN_HOST"),
        Server::Granian => !env_sets("GRANIAN_HOST"),
        Server::Hypercorn => invocation.config.is_none(),
        Server::FastApiDev => true,
        _ => false,
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.pod.all_containers() {
            let Some(invocation) = invocation(container) else {
                continue;
            };
            let (host, span) = if let Some((host, span)) = loopback_host(&invocation) {
                (Some(host), span)
            } else if binds_loopback_by_default(&invocation, container) {
                (None, invocation.server.span)
            } else {
                continue;
            };
            let violation = BindLocalhost {
                container: describe(&workload, container),
                server: invocation.server.value,
                host,
            };
            cx.report(violation, span);
        }
    }
}
