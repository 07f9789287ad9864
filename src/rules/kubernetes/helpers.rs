//! Shared knowledge of the Kubernetes rules: which workloads run continuously, which of
//! their containers serve traffic, which server a container's `command`/`args` start,
//! how to name a container in a message, and how objects of different files relate
//! (autoscalers, namespaces).
//!
//! Kubernetes runs `command` as the entrypoint and `args` as its arguments; without
//! `command`, the image's `ENTRYPOINT` (unknown here) receives `args`. `$(VAR)` inside
//! `command`/`args` is Kubernetes' own expansion of the container's environment: the
//! value is only known at run time, so any value holding `$(` counts as templated, never
//! as a literal (see [`literal`]).
//!
//! Definitions (the lead's decisions):
//! - a *long-running workload* is any workload but Job and CronJob, and not a bare Pod
//!   with `restartPolicy: Never`/`OnFailure`;
//! - a *serving container* is a main container (not an init container, not a native
//!   sidecar) of a long-running workload that declares a `containerPort` or whose
//!   command/args start a known Python server, and whose image is not a well-known proxy or
//!   agent (service mesh, database proxy, log/metrics agent).

use crate::parse::command::{Invocation, Value, parse_invocation};
use crate::parse::kubernetes::{
    Container, ContainerRole, HorizontalPodAutoscaler, Object, PodSpec, Workload, WorkloadKind,
};
use crate::parse::shell::Word;
use crate::project::Project;
use crate::source::SourceFile;
use crate::span::Span;

/// Image name parts of proxies and agents that run beside the app (they serve, but are not
/// the app this linter is about). Matched against the image's last path segment and the
/// path segments before it.
const PROXY_IMAGES: &[&str] = &[
    "proxyv2",
    "istio",
    "envoy",
    "envoy-alpine",
    "distroless-envoy",
    "linkerd-proxy",
    "linkerd",
    "cloud-sql-proxy",
    "gce-proxy",
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
    /// Whether the pods run for good: not a Job or CronJob, nor a bare Pod that is not
    /// restarted when it exits.
    pub fn is_long_running(&self) -> bool {
        if !self.workload.kind.is_long_running() {
            return false;
        }
        !(self.workload.kind == WorkloadKind::Pod
            && self
                .pod
                .restart_policy
                .as_ref()
                .is_some_and(|p| matches!(p.value.as_str(), "Never" | "OnFailure")))
    }

    /// The serving containers (see [`is_serving`]); none for a workload that does not run
    /// for good.
    pub fn serving_containers(&self) -> impl Iterator<Item = &Container> {
        let long_running = self.is_long_running();
        self.pod
            .containers
            .iter()
            .filter(move |c| long_running && is_serving(c))
    }

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

/// Whether a main container serves traffic: it declares a `containerPort` or its command
/// line starts a known server, and its image is not a well-known proxy or agent. Init
/// containers and native sidecars never serve.
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
    declares_port || invocation(container).is_some_and(|i| i.server.value.is_known())
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

/// The argument vector of a container whose start command is known, as words spanned
/// in the file: `command` followed by `args`; or `args` alone (the image's entrypoint
/// unknown) when they start a known server or a `sh -c` string.
pub(crate) fn command_line(container: &Container) -> Option<Vec<Word>> {
    crate::project::container_command_line(container)
}

/// The server the container's command line starts, if it is known (see
/// [`command_line`]).
pub(crate) fn invocation(container: &Container) -> Option<Invocation> {
    parse_invocation(&command_line(container)?)
}

/// The text of `value` when it is written out in full: not a shell expansion and not a
/// Kubernetes `$(VAR)` reference.
pub(crate) fn literal(value: &Value) -> Option<&str> {
    value.literal().filter(|text| !text.contains("$("))
}

/// [`literal`] as a whole number.
pub(crate) fn literal_u64(value: &Value) -> Option<u64> {
    literal(value)?.trim().parse().ok()
}

/// Whether `value` is decided at run time (a shell expansion or a `$(VAR)` reference).
pub(crate) fn is_templated(value: &Value) -> bool {
    literal(value).is_none()
}

/// Whether the container's `env` sets `name` (by value or reference).
pub(crate) fn sets_env(container: &Container, name: &str) -> bool {
    container.env.iter().any(|var| var.name.value == name)
}

/// "container `api` of Deployment/api" for messages.
pub(crate) fn describe(workload: &WorkloadRef<'_>, container: &Container) -> String {
    match &container.name {
        Some(name) => format!("container `{}` of {}", name.value, workload.display_name()),
        None => format!("a container of {}", workload.display_name()),
    }
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
    crate::project::namespaces_agree(
        a.namespace.as_ref().map(|n| n.value.as_str()),
        b.namespace.as_ref().map(|n| n.value.as_str()),
    )
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
    use crate::parse::command::Server;
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

    fn starts_known_server(container: &Container) -> bool {
        invocation(container).is_some_and(|i| i.server.value.is_known())
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
            "registry.local:5000/envoy",
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
            assert!(
                starts_known_server(&first_container(&pod_with(text))),
                "{text}"
            );
        }
        let not_serving = [
            "          command: [python, worker.py]\n",
            "          command: [celery, -A, app.tasks, worker]\n",
            "          command: [sh, -c, \"echo uvicorn\"]\n",
            "          image: python:3.12\n",
        ];
        for text in not_serving {
            assert!(
                !starts_known_server(&first_container(&pod_with(text))),
                "{text}"
            );
        }
    }

    #[test]
    fn command_and_args_are_one_command_line() {
        let container = first_container(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: api\n    command: [gunicorn]\n    args: [-w, '4', app:app]\n",
        );
        let inv = invocation(&container).unwrap();
        assert_eq!(inv.server.value, Server::Gunicorn);
        assert_eq!(inv.workers.as_ref().and_then(literal_u64), Some(4));
    }

    #[test]
    fn args_alone_only_when_they_start_a_server_or_shell() {
        let server = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    args: [uvicorn, app:app]\n",
        );
        assert_eq!(invocation(&server).unwrap().server.value, Server::Uvicorn);
        let shell = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    args: [sh, -c, 'exec uvicorn app:app']\n",
        );
        assert_eq!(invocation(&shell).unwrap().server.value, Server::Uvicorn);
        let flags = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    args: ['--workers', '4']\n",
        );
        assert!(command_line(&flags).is_none());
    }

    #[test]
    fn kubernetes_references_are_templated() {
        let container = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    command: [uvicorn, app:app, --workers, $(WORKERS)]\n",
        );
        let workers = invocation(&container).unwrap().workers.unwrap();
        assert!(is_templated(&workers));
        assert_eq!(literal_u64(&workers), None);
    }

    #[test]
    fn long_running_workloads() {
        let parsed = parse_manifests(
            "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers: [{name: m, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: Never\n  containers: [{name: m, ports: [{containerPort: 80}]}]\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{name: m, ports: [{containerPort: 80}]}, {name: proxy, image: 'envoyproxy/envoy:v1', ports: [{containerPort: 9901}]}, {name: worker, image: 'acme/worker:1'}]\n",
        );
        let serving: Vec<usize> = workloads(&parsed.tree.objects)
            .map(|w| w.serving_containers().count())
            .collect();
        assert_eq!(serving, vec![0, 0, 1]);
    }
}
