//! Workloads, pod templates, pod specs and containers.

use crate::parse::yaml::{NodeId, NodeRef};
use crate::span::{Span, Spanned};

use super::quantity::Quantity;
use super::read;
use super::selector::LabelSelector;
use super::{Labels, PortRef};

/// The workload kinds that run pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkloadKind {
    /// `apps/v1 Deployment`.
    Deployment,
    /// `apps/v1 StatefulSet`.
    StatefulSet,
    /// `apps/v1 DaemonSet` (one pod per node, no replica count).
    DaemonSet,
    /// `apps/v1 ReplicaSet`.
    ReplicaSet,
    /// `v1 ReplicationController`.
    ReplicationController,
    /// `v1 Pod`.
    Pod,
    /// `batch/v1 Job`.
    Job,
    /// `batch/v1 CronJob`.
    CronJob,
}

impl WorkloadKind {
    /// The kind for a `kind:` value, if it is a workload.
    pub fn from_kind(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "ReplicationController" => WorkloadKind::ReplicationController,
            "Pod" => WorkloadKind::Pod,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            _ => return None,
        })
    }

    /// Whether pods of this kind serve continuously (not Job/CronJob).
    pub fn is_long_running(self) -> bool {
        !matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }
}

/// A workload: its replica count, selector and pod template.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Which kind.
    pub kind: WorkloadKind,
    /// `spec.replicas` as written (`spec.parallelism` for Job and CronJob's job template).
    pub replicas: Option<Spanned<i64>>,
    /// `spec.selector` (a `LabelSelector`; ReplicationController's plain map is read as its
    /// `matchLabels`).
    pub selector: Option<LabelSelector>,
    /// The pod template (`spec.template`, `spec.jobTemplate.spec.template` for CronJob, the
    /// object itself for Pod).
    pub template: Option<PodTemplate>,
}

impl Workload {
    /// Reads the workload parts of `object` (the whole manifest mapping).
    pub(super) fn read(kind: WorkloadKind, object: NodeRef<'_>) -> Workload {
        let spec = read::mapping_at(object, "spec");
        let (replica_spec, template_node) = match kind {
            WorkloadKind::Pod => (None, Some(object)),
            WorkloadKind::CronJob => {
                let job_spec = spec.and_then(|s| s.get_path(&["jobTemplate", "spec"]));
                (
                    job_spec,
                    job_spec.and_then(|s| read::mapping_at(s, "template")),
                )
            }
            _ => (spec, spec.and_then(|s| read::mapping_at(s, "template"))),
        };
        let replicas_key = match kind {
            WorkloadKind::Job | WorkloadKind::CronJob => "parallelism",
            _ => "replicas",
        };
        let replicas = match kind {
            WorkloadKind::Pod | WorkloadKind::DaemonSet => None,
            _ => replica_spec.and_then(|s| read::int_at(s, replicas_key)),
        };
        let selector = match kind {
            WorkloadKind::ReplicationController => spec
                .and_then(|s| read::mapping_at(s, "selector"))
                .map(LabelSelector::from_plain_map),
            WorkloadKind::Pod => None,
            _ => replica_spec
                .and_then(|s| read::mapping_at(s, "selector"))
                .map(LabelSelector::read),
        };
        let template = template_node.map(PodTemplate::read);
        Workload {
            kind,
            replicas,
            selector,
            template,
        }
    }

    /// The replica count Kubernetes uses: the written value, else 1; `None` for a
    /// DaemonSet (one per node).
    pub fn effective_replicas(&self) -> Option<i64> {
        match self.kind {
            WorkloadKind::DaemonSet => None,
            _ => Some(self.replicas.as_ref().map_or(1, |r| r.value)),
        }
    }

    /// The pod spec, if the template has one.
    pub fn pod_spec(&self) -> Option<&PodSpec> {
        self.template.as_ref()?.spec.as_ref()
    }
}

/// A pod template: its labels and spec.
#[derive(Clone, Debug, PartialEq)]
pub struct PodTemplate {
    /// `metadata.labels`.
    pub labels: Labels,
    /// `metadata.annotations`.
    pub annotations: Labels,
    /// `spec`.
    pub spec: Option<PodSpec>,
    /// The template mapping.
    pub span: Span,
}

impl PodTemplate {
    fn read(node: NodeRef<'_>) -> PodTemplate {
        let metadata = read::mapping_at(node, "metadata");
        PodTemplate {
            labels: read::labels(metadata.and_then(|m| m.get("labels"))),
            annotations: read::labels(metadata.and_then(|m| m.get("annotations"))),
            spec: read::mapping_at(node, "spec").map(PodSpec::read),
            span: node.span(),
        }
    }
}

/// A pod spec.
#[derive(Clone, Debug, PartialEq)]
pub struct PodSpec {
    /// `containers`.
    pub containers: Vec<Container>,
    /// `initContainers`, native sidecars (`restartPolicy: Always`) included with
    /// [`ContainerRole::Sidecar`].
    pub init_containers: Vec<Container>,
    /// `terminationGracePeriodSeconds` as written (Kubernetes' default is 30).
    pub termination_grace_period_seconds: Option<Spanned<i64>>,
    /// Pod-level `securityContext`.
    pub security_context: Option<SecurityContext>,
    /// `volumes`.
    pub volumes: Vec<Volume>,
    /// `restartPolicy`.
    pub restart_policy: Option<Spanned<String>>,
    /// `serviceAccountName`.
    pub service_account_name: Option<Spanned<String>>,
    /// The spec mapping.
    pub span: Span,
    /// The spec node, to read fields this view does not cover.
    pub node: NodeId,
}

/// Kubernetes' default `terminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;

impl PodSpec {
    pub(super) fn read(node: NodeRef<'_>) -> PodSpec {
        let containers = read::items_at(node, "containers")
            .into_iter()
            .filter(|c| c.is_mapping())
            .map(|c| Container::read(c, ContainerRole::Main))
            .collect();
        let init_containers = read::items_at(node, "initContainers")
            .into_iter()
            .filter(|c| c.is_mapping())
            .map(|c| {
                let sidecar =
                    read::string_at(c, "restartPolicy").is_some_and(|p| p.value == "Always");
                let role = if sidecar {
                    ContainerRole::Sidecar
                } else {
                    ContainerRole::Init
                };
                Container::read(c, role)
            })
            .collect();
        PodSpec {
            containers,
            init_containers,
            termination_grace_period_seconds: read::int_at(node, "terminationGracePeriodSeconds"),
            security_context: read::mapping_at(node, "securityContext").map(SecurityContext::read),
            volumes: read::items_at(node, "volumes")
                .into_iter()
                .filter(|v| v.is_mapping())
                .map(Volume::read)
                .collect(),
            restart_policy: read::string_at(node, "restartPolicy"),
            service_account_name: read::string_at(node, "serviceAccountName"),
            span: node.span(),
            node: node.id(),
        }
    }

    /// The grace period Kubernetes applies: the written value, else 30 seconds.
    pub fn effective_termination_grace_period_seconds(&self) -> i64 {
        self.termination_grace_period_seconds
            .as_ref()
            .map_or(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, |g| g.value)
    }

    /// Every container: main containers, then init containers and sidecars.
    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        self.containers.iter().chain(&self.init_containers)
    }

    /// Native sidecars (init containers with `restartPolicy: Always`).
    pub fn sidecars(&self) -> impl Iterator<Item = &Container> {
        self.init_containers
            .iter()
            .filter(|c| c.role == ContainerRole::Sidecar)
    }
}

/// Where a container sits in the pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContainerRole {
    /// Listed under `containers`.
    Main,
    /// Listed under `initContainers`, runs to completion before the main containers.
    Init,
    /// Listed under `initContainers` with `restartPolicy: Always`: runs beside the main ones.
    Sidecar,
}

/// A container.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// Where it is listed.
    pub role: ContainerRole,
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `image`.
    pub image: Option<Spanned<String>>,
    /// `command`, each item spanned (`None` when absent).
    pub command: Option<Vec<Spanned<String>>>,
    /// `args`, each item spanned (`None` when absent).
    pub args: Option<Vec<Spanned<String>>>,
    /// `ports`.
    pub ports: Vec<ContainerPort>,
    /// `env`.
    pub env: Vec<EnvVar>,
    /// `envFrom`.
    pub env_from: Vec<EnvFromSource>,
    /// `resources`.
    pub resources: Resources,
    /// `livenessProbe`.
    pub liveness_probe: Option<Probe>,
    /// `readinessProbe`.
    pub readiness_probe: Option<Probe>,
    /// `startupProbe`.
    pub startup_probe: Option<Probe>,
    /// `lifecycle.preStop`.
    pub pre_stop: Option<Handler>,
    /// `lifecycle.postStart`.
    pub post_start: Option<Handler>,
    /// `securityContext`.
    pub security_context: Option<SecurityContext>,
    /// `restartPolicy` (only meaningful on init containers).
    pub restart_policy: Option<Spanned<String>>,
    /// The container mapping.
    pub span: Span,
    /// The container node, to read fields this view does not cover.
    pub node: NodeId,
}

impl Container {
    fn read(node: NodeRef<'_>, role: ContainerRole) -> Container {
        let ports: Vec<ContainerPort> = read::items_at(node, "ports")
            .into_iter()
            .filter(|p| p.is_mapping())
            .map(|p| ContainerPort {
                name: read::string_at(p, "name"),
                container_port: read::int_at(p, "containerPort"),
                protocol: read::string_at(p, "protocol"),
                span: p.span(),
            })
            .collect();
        let probe = |key: &str| {
            let (key_node, value) = node.get_entry(key)?;
            value
                .is_mapping()
                .then(|| Probe::read(key_node.span(), value, &ports))
        };
        let liveness_probe = probe("livenessProbe");
        let readiness_probe = probe("readinessProbe");
        let startup_probe = probe("startupProbe");
        let lifecycle = read::mapping_at(node, "lifecycle");
        let hook = |key: &str| {
            let hook = lifecycle.and_then(|l| read::mapping_at(l, key))?;
            Some(Handler::read(hook, &ports))
        };
        Container {
            role,
            name: read::string_at(node, "name"),
            image: read::string_at(node, "image"),
            command: read::strings_at(node, "command"),
            args: read::strings_at(node, "args"),
            env: read::items_at(node, "env")
                .into_iter()
                .filter_map(EnvVar::read)
                .collect(),
            env_from: read::items_at(node, "envFrom")
                .into_iter()
                .filter_map(EnvFromSource::read)
                .collect(),
            resources: read::mapping_at(node, "resources")
                .map_or_else(Resources::default, Resources::read),
            liveness_probe,
            readiness_probe,
            startup_probe,
            pre_stop: hook("preStop"),
            post_start: hook("postStart"),
            security_context: read::mapping_at(node, "securityContext").map(SecurityContext::read),
            restart_policy: read::string_at(node, "restartPolicy"),
            ports,
            span: node.span(),
            node: node.id(),
        }
    }

    /// The number of the container port called `name`.
    pub fn port_by_name(&self, name: &str) -> Option<i64> {
        resolve_named_port(&self.ports, name)
    }

    /// The probes that are present, with their kind.
    pub fn probes(&self) -> impl Iterator<Item = (ProbeKind, &Probe)> {
        [
            (ProbeKind::Liveness, self.liveness_probe.as_ref()),
            (ProbeKind::Readiness, self.readiness_probe.as_ref()),
            (ProbeKind::Startup, self.startup_probe.as_ref()),
        ]
        .into_iter()
        .filter_map(|(kind, probe)| Some((kind, probe?)))
    }
}

fn resolve_named_port(ports: &[ContainerPort], name: &str) -> Option<i64> {
    ports
        .iter()
        .find(|p| p.name.as_ref().is_some_and(|n| n.value == name))
        .and_then(|p| p.container_port.as_ref().map(|n| n.value))
}

fn resolve_port(port: &Option<Spanned<PortRef>>, ports: &[ContainerPort]) -> Option<i64> {
    match &port.as_ref()?.value {
        PortRef::Number(number) => Some(*number),
        PortRef::Name(name) => resolve_named_port(ports, name),
    }
}

/// A `ports[]` entry of a container.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerPort {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `containerPort`.
    pub container_port: Option<Spanned<i64>>,
    /// `protocol`.
    pub protocol: Option<Spanned<String>>,
    /// The entry.
    pub span: Span,
}

/// An `env[]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    /// `name`.
    pub name: Spanned<String>,
    /// `value` as written (raw text of the scalar, whatever its style).
    pub value: Option<Spanned<String>>,
    /// `valueFrom`.
    pub value_from: Option<EnvValueSource>,
    /// The entry.
    pub span: Span,
    /// The entry node.
    pub node: NodeId,
}

impl EnvVar {
    fn read(node: NodeRef<'_>) -> Option<EnvVar> {
        let name = read::string_at(node, "name")?;
        let value_from = read::mapping_at(node, "valueFrom").map(EnvValueSource::read);
        Some(EnvVar {
            name,
            value: read::string_at(node, "value"),
            value_from,
            span: node.span(),
            node: node.id(),
        })
    }
}

/// Where an `env[].valueFrom` takes its value.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EnvValueSource {
    /// `secretKeyRef`.
    SecretKey(KeyRef),
    /// `configMapKeyRef`.
    ConfigMapKey(KeyRef),
    /// `fieldRef.fieldPath`.
    Field(Option<Spanned<String>>),
    /// `resourceFieldRef.resource`.
    ResourceField(Option<Spanned<String>>),
    /// Something else (span of the `valueFrom` mapping).
    Other(Span),
}

impl EnvValueSource {
    fn read(node: NodeRef<'_>) -> EnvValueSource {
        if let Some(r) = read::mapping_at(node, "secretKeyRef") {
            return EnvValueSource::SecretKey(KeyRef::read(r));
        }
        if let Some(r) = read::mapping_at(node, "configMapKeyRef") {
            return EnvValueSource::ConfigMapKey(KeyRef::read(r));
        }
        if let Some(r) = read::mapping_at(node, "fieldRef") {
            return EnvValueSource::Field(read::string_at(r, "fieldPath"));
        }
        if let Some(r) = read::mapping_at(node, "resourceFieldRef") {
            return EnvValueSource::ResourceField(read::string_at(r, "resource"));
        }
        EnvValueSource::Other(node.span())
    }
}

/// A reference to one key of a Secret or ConfigMap.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRef {
    /// `name` of the Secret/ConfigMap.
    pub name: Option<Spanned<String>>,
    /// `key`.
    pub key: Option<Spanned<String>>,
    /// `optional: true`.
    pub optional: bool,
    /// The reference mapping.
    pub span: Span,
}

impl KeyRef {
    fn read(node: NodeRef<'_>) -> KeyRef {
        KeyRef {
            name: read::string_at(node, "name"),
            key: read::string_at(node, "key"),
            optional: read::bool_at(node, "optional").is_some_and(|o| o.value),
            span: node.span(),
        }
    }
}

/// Which kind of object an `envFrom` entry or volume reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefKind {
    /// A Secret.
    Secret,
    /// A ConfigMap.
    ConfigMap,
}

/// An `envFrom[]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvFromSource {
    /// `secretRef` or `configMapRef`.
    pub kind: RefKind,
    /// Its `name`.
    pub name: Option<Spanned<String>>,
    /// `prefix` added to every key.
    pub prefix: Option<Spanned<String>>,
    /// `optional: true`.
    pub optional: bool,
    /// The entry.
    pub span: Span,
}

impl EnvFromSource {
    fn read(node: NodeRef<'_>) -> Option<EnvFromSource> {
        let (kind, reference) = if let Some(r) = read::mapping_at(node, "secretRef") {
            (RefKind::Secret, r)
        } else {
            (RefKind::ConfigMap, read::mapping_at(node, "configMapRef")?)
        };
        Some(EnvFromSource {
            kind,
            name: read::string_at(reference, "name"),
            prefix: read::string_at(node, "prefix"),
            optional: read::bool_at(reference, "optional").is_some_and(|o| o.value),
            span: node.span(),
        })
    }
}

/// `resources`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    /// `limits`.
    pub limits: ResourceList,
    /// `requests`.
    pub requests: ResourceList,
    /// The `resources` mapping, if present.
    pub span: Option<Span>,
}

impl Resources {
    fn read(node: NodeRef<'_>) -> Resources {
        Resources {
            limits: read::mapping_at(node, "limits")
                .map_or_else(ResourceList::default, ResourceList::read),
            requests: read::mapping_at(node, "requests")
                .map_or_else(ResourceList::default, ResourceList::read),
            span: Some(node.span()),
        }
    }
}

/// `limits` or `requests`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceList {
    /// `cpu` (see [`Quantity::millicores`]).
    pub cpu: Option<Quantity>,
    /// `memory` (see [`Quantity::bytes`]).
    pub memory: Option<Quantity>,
    /// The mapping, if present.
    pub span: Option<Span>,
}

impl ResourceList {
    fn read(node: NodeRef<'_>) -> ResourceList {
        ResourceList {
            cpu: read::string_at(node, "cpu").map(Quantity::new),
            memory: read::string_at(node, "memory").map(Quantity::new),
            span: Some(node.span()),
        }
    }
}

/// Which probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProbeKind {
    /// `livenessProbe`.
    Liveness,
    /// `readinessProbe`.
    Readiness,
    /// `startupProbe`.
    Startup,
}

/// A probe: its handler and timings.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// What it runs.
    pub handler: Handler,
    /// `initialDelaySeconds`.
    pub initial_delay_seconds: Option<Spanned<i64>>,
    /// `periodSeconds`.
    pub period_seconds: Option<Spanned<i64>>,
    /// `timeoutSeconds`.
    pub timeout_seconds: Option<Spanned<i64>>,
    /// `successThreshold`.
    pub success_threshold: Option<Spanned<i64>>,
    /// `failureThreshold`.
    pub failure_threshold: Option<Spanned<i64>>,
    /// `terminationGracePeriodSeconds` (probe-level override).
    pub termination_grace_period_seconds: Option<Spanned<i64>>,
    /// The key (`livenessProbe`), where "this probe" diagnostics point.
    pub key_span: Span,
    /// The probe mapping.
    pub span: Span,
}

impl Probe {
    fn read(key_span: Span, node: NodeRef<'_>, ports: &[ContainerPort]) -> Probe {
        Probe {
            handler: Handler::read(node, ports),
            initial_delay_seconds: read::int_at(node, "initialDelaySeconds"),
            period_seconds: read::int_at(node, "periodSeconds"),
            timeout_seconds: read::int_at(node, "timeoutSeconds"),
            success_threshold: read::int_at(node, "successThreshold"),
            failure_threshold: read::int_at(node, "failureThreshold"),
            termination_grace_period_seconds: read::int_at(node, "terminationGracePeriodSeconds"),
            key_span,
            span: node.span(),
        }
    }
}

/// What a probe or lifecycle hook does.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Handler {
    /// `httpGet`.
    HttpGet(HttpGet),
    /// `tcpSocket`.
    TcpSocket(PortTarget),
    /// `exec.command`.
    Exec(Vec<Spanned<String>>),
    /// `grpc` (port and optional service).
    Grpc {
        /// The port.
        port: PortTarget,
        /// `service`.
        service: Option<Spanned<String>>,
    },
    /// `sleep.seconds` (lifecycle hooks only).
    Sleep(Option<Spanned<i64>>),
    /// No handler recognised.
    None,
}

impl Handler {
    fn read(node: NodeRef<'_>, ports: &[ContainerPort]) -> Handler {
        if let Some(http) = read::mapping_at(node, "httpGet") {
            return Handler::HttpGet(HttpGet {
                path: read::string_at(http, "path"),
                port: PortTarget::read(http, ports),
                scheme: read::string_at(http, "scheme"),
                host: read::string_at(http, "host"),
                span: http.span(),
            });
        }
        if let Some(tcp) = read::mapping_at(node, "tcpSocket") {
            return Handler::TcpSocket(PortTarget::read(tcp, ports));
        }
        if let Some(exec) = read::mapping_at(node, "exec") {
            return Handler::Exec(read::strings_at(exec, "command").unwrap_or_default());
        }
        if let Some(grpc) = read::mapping_at(node, "grpc") {
            return Handler::Grpc {
                port: PortTarget::read(grpc, ports),
                service: read::string_at(grpc, "service"),
            };
        }
        if let Some(sleep) = read::mapping_at(node, "sleep") {
            return Handler::Sleep(read::int_at(sleep, "seconds"));
        }
        Handler::None
    }

    /// The HTTP GET handler, if that is what this is.
    pub fn http_get(&self) -> Option<&HttpGet> {
        match self {
            Handler::HttpGet(http) => Some(http),
            _ => None,
        }
    }

    /// The port this handler connects to, resolved to a number when possible.
    pub fn port(&self) -> Option<&PortTarget> {
        match self {
            Handler::HttpGet(http) => Some(&http.port),
            Handler::TcpSocket(target) | Handler::Grpc { port: target, .. } => Some(target),
            _ => None,
        }
    }
}

/// An `httpGet` handler.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpGet {
    /// `path` (Kubernetes' default is `/`).
    pub path: Option<Spanned<String>>,
    /// `port`.
    pub port: PortTarget,
    /// `scheme`.
    pub scheme: Option<Spanned<String>>,
    /// `host`.
    pub host: Option<Spanned<String>>,
    /// The `httpGet` mapping.
    pub span: Span,
}

/// A port as written (number or name) and its number once named ports are resolved
/// against the container's `ports`.
#[derive(Clone, Debug, PartialEq)]
pub struct PortTarget {
    /// `port` as written.
    pub port: Option<Spanned<PortRef>>,
    /// The number: the written one, or the `containerPort` of the port with that name.
    pub resolved: Option<i64>,
}

impl PortTarget {
    fn read(node: NodeRef<'_>, ports: &[ContainerPort]) -> PortTarget {
        let port = read::port(node.get("port"));
        let resolved = resolve_port(&port, ports);
        PortTarget { port, resolved }
    }
}

/// A container or pod `securityContext`.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityContext {
    /// `runAsNonRoot`.
    pub run_as_non_root: Option<Spanned<bool>>,
    /// `runAsUser`.
    pub run_as_user: Option<Spanned<i64>>,
    /// `runAsGroup`.
    pub run_as_group: Option<Spanned<i64>>,
    /// `readOnlyRootFilesystem`.
    pub read_only_root_filesystem: Option<Spanned<bool>>,
    /// `allowPrivilegeEscalation`.
    pub allow_privilege_escalation: Option<Spanned<bool>>,
    /// `privileged`.
    pub privileged: Option<Spanned<bool>>,
    /// The mapping.
    pub span: Span,
}

impl SecurityContext {
    fn read(node: NodeRef<'_>) -> SecurityContext {
        SecurityContext {
            run_as_non_root: read::bool_at(node, "runAsNonRoot"),
            run_as_user: read::int_at(node, "runAsUser"),
            run_as_group: read::int_at(node, "runAsGroup"),
            read_only_root_filesystem: read::bool_at(node, "readOnlyRootFilesystem"),
            allow_privilege_escalation: read::bool_at(node, "allowPrivilegeEscalation"),
            privileged: read::bool_at(node, "privileged"),
            span: node.span(),
        }
    }
}

/// A pod volume.
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// What backs it.
    pub source: VolumeSource,
    /// The entry.
    pub span: Span,
}

/// What backs a volume (only Secret/ConfigMap references are read in detail).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum VolumeSource {
    /// `secret`, `configMap`, or the sources of a `projected` volume.
    Objects(Vec<VolumeObjectRef>),
    /// Any other source, by its key (`emptyDir`, `persistentVolumeClaim`, ...).
    Other(Option<Spanned<String>>),
}

/// A Secret or ConfigMap mounted as a volume.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeObjectRef {
    /// Secret or ConfigMap.
    pub kind: RefKind,
    /// `secretName` / `name`.
    pub name: Option<Spanned<String>>,
    /// `items[].key`: the keys it needs.
    pub keys: Vec<Spanned<String>>,
    /// `optional: true`.
    pub optional: bool,
}

impl Volume {
    fn read(node: NodeRef<'_>) -> Volume {
        let object_ref = |kind: RefKind, source: NodeRef<'_>, name_key: &str| VolumeObjectRef {
            kind,
            name: read::string_at(source, name_key),
            keys: read::items_at(source, "items")
                .into_iter()
                .filter_map(|item| read::string(item.get("key")))
                .collect(),
            optional: read::bool_at(source, "optional").is_some_and(|o| o.value),
        };
        let source = if let Some(secret) = read::mapping_at(node, "secret") {
            VolumeSource::Objects(vec![object_ref(RefKind::Secret, secret, "secretName")])
        } else if let Some(config) = read::mapping_at(node, "configMap") {
            VolumeSource::Objects(vec![object_ref(RefKind::ConfigMap, config, "name")])
        } else if let Some(projected) = read::mapping_at(node, "projected") {
            let refs = read::items_at(projected, "sources")
                .into_iter()
                .filter_map(|source| {
                    if let Some(secret) = read::mapping_at(source, "secret") {
                        Some(object_ref(RefKind::Secret, secret, "name"))
                    } else {
                        read::mapping_at(source, "configMap")
                            .map(|config| object_ref(RefKind::ConfigMap, config, "name"))
                    }
                })
                .collect();
            VolumeSource::Objects(refs)
        } else {
            let kind = node
                .entries()
                .into_iter()
                .find(|(key, _)| key.as_str() != Some("name"))
                .and_then(|(key, _)| read::string(Some(key)));
            VolumeSource::Other(kind)
        };
        Volume {
            name: read::string_at(node, "name"),
            source,
            span: node.span(),
        }
    }
}
