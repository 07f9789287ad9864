//! Shared knowledge of the Kubernetes rules: which workloads run continuously, which of
//! their containers serve traffic, how to name a container in a message, and how objects
//! of different files relate (autoscalers, namespaces).
//!
//! Definitions (the lead's decisions):
//! - a *long-running workload* is any workload but Job and CronJob, and not a bare Pod
//!   with `restartPolicy: Never`/`OnFailure`;
//! - a *serving container* is a main container (not an init container, not a native
//!   sidecar) of a long-running workload that declares a `containerPort` or whose
//!   command/args start a known Python server, and whose image is not a well-known proxy or
//!   agent (service mesh, database proxy, log/metrics agent).

use crate::parse::kubernetes::{
    Container, ContainerRole, HorizontalPodAutoscaler, Object, PodSpec, Workload, WorkloadKind,
};
use crate::parse::shell::{Word, program_basename, shell_command_string};
use crate::project::Project;
use crate::rules::dockerfile::helpers::program_words;
use crate::source::SourceFile;
use crate::span::{Span, Spanned};

/// Servers whose presence in `command`/`args` makes a container a serving one.
const SERVERS: &[&str] = &["uvicorn", "gunicorn", "hypercorn", "granian", "daphne"];

/// Image name parts of proxies and agents that run beside the app (they serve, but are not
/// the app this linter is about). Matched against the image's last path segment and the
/// path segments before it.
const PROXY_IMAGES: &[&str] = &[
    "proxyv2",
    "istio",
    "envoy",
    "linkerd-proxy",
    "linkerd",
    "cloud-sql-proxy",
    "cloudsql-docker",
    "cloudsql-proxy",
    "oauth2-proxy",
    "datadog",
    "datadoghq",
    "fluent-bit",
    "fluentbit",
    "opentelemetry-collector",
    "opentelemetry-collector-contrib",
    "otel-collector",
    "otelcol",
    "otelcol-contrib",
];

/// A workload object with its parts, for rules that walk containers.
pub(crate) struct WorkloadRef<'a> {
    /// The object (its kind, name, namespace, labels).
    pub object: &'a Object,
    /// The workload view.
    pub workload: &'a Workload,
    /// Its pod spec.
    pub pod: &'a PodSpec,
}

impl WorkloadRef<'_> {
    /// `Deployment/api`.
    pub fn display_name(&self) -> String {
        self.object.display_name()
    }

    /// Where a finding about the whole workload points: its `metadata.name` value, else
    /// its `kind` value.
    pub fn anchor(&self) -> Span {
        self.object
            .name
            .as_ref()
            .map_or(self.object.kind.span, |name| name.span)
    }
}

/// Every workload of `objects` that has a pod spec.
pub(crate) fn workloads(objects: &[Object]) -> impl Iterator<Item = WorkloadRef<'_>> {
    objects.iter().filter_map(|object| {
        let workload = object.workload()?;
        let pod = workload.pod_spec()?;
        Some(WorkloadRef {
            object,
            workload,
            pod,
        })
    })
}

/// Whether the workload's pods run continuously (see the module docs).
pub(crate) fn is_long_running(workload: &WorkloadRef<'_>) -> bool {
    if !workload.workload.kind.is_long_running() {
        return false;
    }
    if workload.workload.kind == WorkloadKind::Pod {
        let policy = workload.pod.restart_policy.as_ref().map(|p| p.as_str());
        return !matches!(policy, Some("Never" | "OnFailure"));
    }
    true
}

/// The serving containers of a long-running workload (none for other workloads).
pub(crate) fn serving_containers<'a>(
    workload: &WorkloadRef<'a>,
) -> impl Iterator<Item = &'a Container> + 'a {
    let long_running = is_long_running(workload);
    workload
        .pod
        .containers
        .iter()
        .filter(move |c| long_running && is_serving(c))
}

/// Whether a main container serves traffic: it declares a port or starts a known server,
/// and its image is not a known proxy or agent.
pub(crate) fn is_serving(container: &Container) -> bool {
    if container.role != ContainerRole::Main {
        return false;
    }
    if container
        .image
        .as_ref()
        .is_some_and(|image| is_proxy_image(&image.value))
    {
        return false;
    }
    let declares_port = container
        .ports
        .iter()
        .any(|port| port.container_port.is_some());
    declares_port || starts_server(container)
}

/// Whether an image reference names a well-known proxy or agent
/// (`docker.io/istio/proxyv2:1.22.0`, `gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11`).
pub(crate) fn is_proxy_image(image: &str) -> bool {
    let without_digest = image.split('@').next().unwrap_or(image);
    let mut parts: Vec<&str> = without_digest.split('/').collect();
    let has_registry = parts.len() > 1
        && parts
            .first()
            .is_some_and(|first| first.contains(['.', ':']) || *first == "localhost");
    if has_registry {
        parts.remove(0);
    }
    if let Some(last) = parts.last_mut() {
        *last = last.split(':').next().unwrap_or(last);
    }
    parts
        .iter()
        .any(|part| PROXY_IMAGES.contains(&part.to_ascii_lowercase().as_str()))
}

/// Whether the container's `command` + `args` start a known Python server, directly
/// (`uvicorn app.main:app`, `python -m gunicorn`, `fastapi run`) or through `sh -c`.
pub(crate) fn starts_server(container: &Container) -> bool {
    let argv: Vec<Spanned<String>> = container
        .command
        .iter()
        .flatten()
        .chain(container.args.iter().flatten())
        .cloned()
        .collect();
    let words = Word::from_exec_form(&argv);
    if let Some(script) = shell_command_string(&words) {
        return script
            .parse_as_script()
            .commands
            .iter()
            .any(|command| runs_server(program_words(command)));
    }
    runs_server(&words)
}

/// Whether an argument vector runs a known server.
fn runs_server(words: &[Word]) -> bool {
    let Some(program) = words.first().map(|w| program_basename(w.as_str())) else {
        return false;
    };
    if SERVERS.contains(&program) {
        return true;
    }
    let next = words.get(1).map(Word::as_str);
    if program == "fastapi" {
        return matches!(next, Some("run" | "dev"));
    }
    if is_python(program) && next == Some("-m") {
        return words
            .get(2)
            .is_some_and(|module| SERVERS.contains(&module.as_str()));
    }
    false
}

fn is_python(program: &str) -> bool {
    program == "python"
        || program
            .strip_prefix("python")
            .is_some_and(|version| version.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// How a container is named in messages: `` `api` ``, or its position when unnamed.
pub(crate) fn container_label(container: &Container) -> String {
    match &container.name {
        Some(name) => format!("`{}`", name.value),
        None => "(unnamed)".to_string(),
    }
}

/// Where a finding about a missing container field points: the `name:` value, else the
/// `image:` value, else the container mapping.
pub(crate) fn container_anchor(container: &Container) -> Span {
    container
        .name
        .as_ref()
        .or(container.image.as_ref())
        .map_or(container.span, |n| n.span)
}

/// Whether two objects can see each other: namespaces differ only when both are written
/// (an unset namespace is the one `kubectl apply -n` chooses, which may be either).
pub(crate) fn same_namespace(a: &Object, b: &Object) -> bool {
    match (&a.namespace, &b.namespace) {
        (Some(a), Some(b)) => a.value == b.value,
        _ => true,
    }
}

/// An autoscaler targeting a workload, with its file and object.
pub(crate) struct ScalingBy<'p> {
    /// The file of the HorizontalPodAutoscaler.
    pub file: &'p SourceFile,
    /// The HorizontalPodAutoscaler object.
    pub object: &'p Object,
    /// Its view.
    pub hpa: &'p HorizontalPodAutoscaler,
}

/// The first HorizontalPodAutoscaler of the project whose `scaleTargetRef` names
/// `workload` (same kind and name, compatible namespace).
pub(crate) fn autoscaler_for<'p>(project: &'p Project, workload: &Object) -> Option<ScalingBy<'p>> {
    let name = workload.name.as_ref()?;
    project
        .autoscalers_targeting(&workload.kind.value, &name.value)
        .find_map(|(file, object, hpa)| {
            let targets = hpa
                .target_kind
                .as_ref()
                .is_some_and(|k| k.value == workload.kind.value)
                && hpa
                    .target_name
                    .as_ref()
                    .is_some_and(|n| n.value == name.value)
                && same_namespace(object, workload);
            targets.then_some(ScalingBy { file, object, hpa })
        })
}

/// How many pods a workload may run at once, and what says so.
pub(crate) enum ReplicaSource<'p> {
    /// `spec.replicas` (the count).
    Replicas(i64),
    /// An autoscaler whose `maxReplicas` (or `minReplicas`) is above one.
    Autoscaler(ScalingBy<'p>, i64),
}

/// Why a Deployment-like workload runs more than one pod, if it does: `spec.replicas` > 1,
/// or an autoscaler targeting it with `maxReplicas` (or `minReplicas`) > 1. DaemonSets,
/// Pods, Jobs and CronJobs never count.
pub(crate) fn multiple_replicas<'p>(
    project: &'p Project,
    workload: &WorkloadRef<'_>,
) -> Option<ReplicaSource<'p>> {
    if !matches!(
        workload.workload.kind,
        WorkloadKind::Deployment
            | WorkloadKind::StatefulSet
            | WorkloadKind::ReplicaSet
            | WorkloadKind::ReplicationController
    ) {
        return None;
    }
    if let Some(scaling) = autoscaler_for(project, workload.object) {
        let max = scaling.hpa.max_replicas.as_ref().map_or(0, |m| m.value);
        let min = scaling.hpa.min_replicas.as_ref().map_or(1, |m| m.value);
        let most = max.max(min);
        if most > 1 {
            return Some(ReplicaSource::Autoscaler(scaling, most));
        }
        return None;
    }
    match workload.workload.effective_replicas() {
        Some(count) if count > 1 => Some(ReplicaSource::Replicas(count)),
        _ => None,
    }
}

impl ReplicaSource<'_> {
    /// `3 replicas` / `up to 10 replicas (HorizontalPodAutoscaler/api)`.
    pub fn describe(&self) -> String {
        match self {
            ReplicaSource::Replicas(count) => format!("{count} replicas"),
            ReplicaSource::Autoscaler(scaling, count) => format!(
                "up to {count} replicas with {}",
                scaling.object.display_name()
            ),
        }
    }

    /// The autoscaler's `maxReplicas` (else its name), to label.
    pub fn autoscaler_span(&self) -> Option<(&SourceFile, Span)> {
        let ReplicaSource::Autoscaler(scaling, _) = self else {
            return None;
        };
        let span = scaling
            .hpa
            .max_replicas
            .as_ref()
            .map(|m| m.span)
            .or(scaling.object.name.as_ref().map(|n| n.span))
            .unwrap_or(scaling.object.kind.span);
        Some((scaling.file, span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::kubernetes::parse_manifests;

    fn first_container(yaml: &str) -> Container {
        let parsed = parse_manifests(yaml);
        let object = parsed.tree.objects.into_iter().next().expect("one object");
        let pod = object
            .workload()
            .and_then(|w| w.pod_spec())
            .cloned()
            .expect("a pod spec");
        pod.containers.into_iter().next().expect("a container")
    }

    fn pod_with(container: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n{container}"
        )
    }

    #[test]
    fn proxy_images() {
        for image in [
            "docker.io/istio/proxyv2:1.22.0",
            "envoyproxy/envoy:v1.30.1",
            "cr.l5d.io/linkerd/proxy:stable-2.14.10",
            "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
            "gcr.io/cloudsql-docker/gce-proxy:1.33.2",
            "quay.io/oauth2-proxy/oauth2-proxy:v7.6.0",
            "gcr.io/datadoghq/agent:7",
            "datadog/agent:7",
            "fluent/fluent-bit:3.0",
            "otel/opentelemetry-collector-contrib:0.98.0",
        ] {
            assert!(is_proxy_image(image), "{image}");
        }
        for image in [
            "registry.example.com/api:1.4.2",
            "nginx:1.27",
            "python:3.12-slim",
            "ghcr.io/acme/agent-api:2.0",
            "localhost:5000/envoy-config-api:1",
            "acme/agent:3",
        ] {
            assert!(!is_proxy_image(image), "{image}");
        }
    }

    #[test]
    fn server_commands() {
        let serving = [
            "          command: [uvicorn, app.main:app, --host, 0.0.0.0]\n",
            "          command: [python, -m, gunicorn]\n          args: [-k, uvicorn.workers.UvicornWorker, app.main:app]\n",
            "          command: [/usr/local/bin/fastapi, run, app/main.py]\n",
            "          command: [sh, -c]\n          args: [\"alembic upgrade head && exec gunicorn app.main:app\"]\n",
            "          args: [/bin/bash, -ec, \"exec /venv/bin/hypercorn app:app\"]\n",
        ];
        for text in serving {
            assert!(starts_server(&first_container(&pod_with(text))), "{text}");
        }
        let not_serving = [
            "          command: [python, worker.py]\n",
            "          command: [celery, -A, app.tasks, worker]\n",
            "          command: [sh, -c, \"echo uvicorn\"]\n",
            "          image: python:3.12\n",
        ];
        for text in not_serving {
            assert!(!starts_server(&first_container(&pod_with(text))), "{text}");
        }
    }
}
