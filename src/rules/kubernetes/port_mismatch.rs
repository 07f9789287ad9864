//! K8S015: see rules/kubernetes/K8S015-port-mismatch.md

use std::collections::HashMap;
use std::path::Path;

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{BindAddress, Invocation};
use crate::parse::kubernetes::{Container, ContainerRole, Object, PortRef, ProbeKind, Service};
use crate::parse::python::gunicorn;
use crate::project::{Platform, Project, Tree};
use crate::rules::gunicorn::runtime::{bind_host_port, known_setting};
use crate::source::SourceFile;
use crate::span::Span;

use super::helpers::{WorkloadRef, describe, invocation, literal_u64, same_namespace, workloads};

/// Two places that should name the same port disagree.
struct PortMismatch {
    message: String,
    help: &'static str,
}

impl Violation for PortMismatch {
    const CODE: RuleCode = RuleCode::K8S015;

    fn message(&self) -> String {
        self.message.clone()
    }

    fn help(&self) -> Option<String> {
        Some(self.help.to_string())
    }
}

/// The TCP ports a server invocation listens on, written literally; `None` when one of
/// them is templated (comparisons must then stay silent).
fn literal_ports(invocation: &Invocation) -> Option<Vec<(u64, Span)>> {
    let mut ports = Vec::new();
    for bind in &invocation.binds {
        match &bind.address {
            BindAddress::Tcp {
                port: Some(port), ..
            } => ports.push((literal_u64(port)?, port.span)),
            BindAddress::Tcp { port: None, .. } | BindAddress::Unix(_) | BindAddress::Fd(_) => {}
            BindAddress::Templated(_) => return None,
        }
    }
    Some(ports)
}

/// What is known about the ports of one container.
struct ContainerPorts<'m> {
    container: &'m Container,
    /// `(port, span)` of the server's literal binds, the span in `server_file`; `None`
    /// when one is templated.
    server: Option<Vec<(u64, Span)>>,
    /// The file the server's ports are written in: the manifest, or (for a container that
    /// runs the image's command or reads a gunicorn configuration) the Dockerfile,
    /// `gunicorn.conf.py` or the file setting `GUNICORN_CMD_ARGS`.
    server_file: &'m SourceFile,
    server_name: &'static str,
}

/// The file a runtime's ports are written in, the ports (`None` when one is templated) and
/// the server's name.
type RuntimePorts<'p> = (&'p SourceFile, Option<Vec<(u64, Span)>>, &'static str);

/// The ports the linked runtime listens on when the manifest's command line says nothing:
/// gunicorn's resolved `bind` when set anywhere but its default (config file,
/// `GUNICORN_CMD_ARGS`, an environment override, the image's command), else the literal
/// binds of the image's own command. `None` when the model links no runtime or the
/// manifest's command line already decides; `Some((file, None))` when a port is
/// templated.
fn runtime_ports(
    project: &Project,
    platform: Platform,
    manifest_decides: bool,
) -> Option<RuntimePorts<'_>> {
    let runtime = project
        .services()
        .iter()
        .flat_map(|service| service.runtimes.iter())
        .find(|runtime| runtime.platform == platform && !runtime.development)?;
    let launch = runtime.launch.as_ref()?;
    let server = launch.invocation.server.value;
    if runtime.gunicorn.is_some() {
        let config = runtime.gunicorn.as_ref()?;
        let resolved = config.get("bind")?;
        if resolved.origin == gunicorn::Origin::Default
            || (manifest_decides && resolved.origin == gunicorn::Origin::CommandLine)
        {
            return None;
        }
        let fact = known_setting(runtime, "bind")?;
        let (file, _) = fact.origin.location()?;
        let source = project.source(file)?;
        let values: Vec<(crate::parse::python::Value, Span)> = if fact.from_env.is_some() {
            vec![(fact.value.clone(), fact.origin.location()?.1)]
        } else {
            config
                .bind_addresses()
                .into_iter()
                .map(|item| (item.value, item.span))
                .collect()
        };
        let mut ports = Vec::new();
        for (value, span) in values {
            let Some(text) = value.as_str() else {
                return Some((source, None, server.name()));
            };
            if text.contains('$') {
                return Some((source, None, server.name()));
            }
            let Some((_, Some(port))) = bind_host_port(text) else {
                continue;
            };
            let Ok(port) = port.trim().parse::<u64>() else {
                return Some((source, None, server.name()));
            };
            ports.push((port, span));
        }
        return Some((source, Some(ports), server.name()));
    }
    if manifest_decides || !server.is_known() {
        return None;
    }
    let source = project.source(launch.file)?;
    Some((source, literal_ports(&launch.invocation), server.name()))
}

/// The containers of a pod that listen (regular containers and native sidecars).
fn listening_containers<'m>(
    project: &'m Project,
    file: &'m SourceFile,
    file_index: usize,
    object_index: usize,
    workload: &WorkloadRef<'m>,
) -> Vec<ContainerPorts<'m>> {
    workload
        .pod
        .all_containers()
        .filter(|c| c.role != ContainerRole::Init)
        .map(|container| {
            let invocation = invocation(container).filter(|i| i.server.value.is_known());
            let platform = workload
                .pod
                .containers
                .iter()
                .position(|c| std::ptr::eq(c, container))
                .map(|index| Platform::Kubernetes {
                    file: file_index,
                    object: object_index,
                    container: index,
                });
            let from_runtime = platform.and_then(|platform| {
                runtime_ports(project, platform, invocation_binds(invocation.as_ref()))
            });
            match from_runtime {
                Some((server_file, server, server_name)) => ContainerPorts {
                    container,
                    server,
                    server_file,
                    server_name,
                },
                None => ContainerPorts {
                    container,
                    server: invocation.as_ref().map_or(Some(Vec::new()), literal_ports),
                    server_file: file,
                    server_name: invocation.map_or("the server", |i| i.server.value.name()),
                },
            }
        })
        .collect()
}

/// Whether the manifest's own command line binds an address.
fn invocation_binds(invocation: Option<&Invocation>) -> bool {
    invocation.is_some_and(|i| !i.binds.is_empty())
}

/// Every numeric `containerPort` of the pod with its span.
fn declared_ports(containers: &[ContainerPorts<'_>]) -> Vec<(u64, Span)> {
    containers
        .iter()
        .flat_map(|c| &c.container.ports)
        .filter_map(|p| {
            let port = p.container_port.as_ref()?;
            Some((u64::try_from(port.value).ok()?, port.span))
        })
        .collect()
}

/// `gunicorn.conf.py:1` for a span of a project file.
fn file_line_of(project: &Project, file: &SourceFile, span: Span) -> String {
    let line = file
        .text()
        .get(..span.start as usize)
        .map_or(1, |before| before.matches('\n').count() + 1);
    format!("{}:{line}", project.display_path(file.path()))
}

fn list(ports: &[(u64, Span)]) -> String {
    let mut numbers: Vec<u64> = ports.iter().map(|&(n, _)| n).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let numbers: Vec<String> = numbers.iter().map(u64::to_string).collect();
    numbers.join(", ")
}

fn probe_name(kind: ProbeKind) -> &'static str {
    match kind {
        ProbeKind::Liveness => "livenessProbe",
        ProbeKind::Readiness => "readinessProbe",
        ProbeKind::Startup => "startupProbe",
    }
}

/// Checks the server's ports against the container's own `containerPort`s, and each
/// probe's port against what the pod listens on.
fn check_containers(
    project: &Project,
    file: &SourceFile,
    workload: &WorkloadRef<'_>,
    containers: &[ContainerPorts<'_>],
    cx: &mut Context,
) {
    let pod_declared = declared_ports(containers);
    for entry in containers {
        let container = entry.container;
        let own_declared = declared_ports(std::slice::from_ref(entry));
        if let Some(server) = &entry.server
            && let Some(&(_, declared_span)) = own_declared.first()
        {
            for &(port, span) in server {
                if own_declared.iter().any(|&(p, _)| p == port) {
                    continue;
                }
                let place = if std::ptr::eq(entry.server_file, file) {
                    String::new()
                } else {
                    format!(" ({})", file_line_of(project, entry.server_file, span))
                };
                let message = format!(
                    "{}{place} in {} listens on port {port}, but the container declares \
                     containerPort {}",
                    entry.server_name,
                    describe(workload, container),
                    list(&own_declared)
                );
                let help = "make the server's port, the containerPort, the probes and the \
                            Service's targetPort one number (or refer to the port by name)";
                cx.report_in(entry.server_file, PortMismatch { message, help }, span)
                    .label(file, declared_span, "containerPort declared here");
            }
        }
        for (kind, probe) in container.probes() {
            let Some(target) = probe.handler.port() else {
                continue;
            };
            let Some(port) = &target.port else {
                continue;
            };
            match (&port.value, target.resolved) {
                (PortRef::Name(name), None) if is_placeholder(name) => {}
                (PortRef::Name(name), None) => {
                    let message = format!(
                        "the {} port `{name}` of {} names no containerPort: the probe \
                         always fails",
                        probe_name(kind),
                        describe(workload, container)
                    );
                    let help = "name one of the container's `ports` this way, or use the \
                                port number";
                    cx.report_in(file, PortMismatch { message, help }, port.span);
                }
                (_, Some(number)) => {
                    // A port nothing declares may still be open (`containerPort` is
                    // informational): only a server whose binds are known says which
                    // ports are not.
                    let Some(server) = entry.server.as_ref().filter(|s| !s.is_empty()) else {
                        continue;
                    };
                    let Ok(number) = u64::try_from(number) else {
                        continue;
                    };
                    let known: Vec<(u64, Span)> =
                        server.iter().chain(&pod_declared).copied().collect();
                    if known.is_empty() || known.iter().any(|&(p, _)| p == number) {
                        continue;
                    }
                    let (label_file, label_span, label) = match server.first() {
                        Some(&(_, span)) => (entry.server_file, span, "the server listens here"),
                        None => (file, known[0].1, "containerPort declared here"),
                    };
                    let message = format!(
                        "the {} of {} checks port {number}, but the pod listens on {}: the \
                         probe always fails",
                        probe_name(kind),
                        describe(workload, container),
                        list(&known)
                    );
                    let help = "point the probe at the port the server listens on (by the \
                                containerPort's name, ideally)";
                    cx.report_in(file, PortMismatch { message, help }, port.span)
                        .label(label_file, label_span, label);
                }
                (PortRef::Number(_), None) => {}
            }
        }
    }
}

/// Checks the target ports of a Service that selects the workload's pods.
fn check_service(
    service_file: &SourceFile,
    service_object: &Object,
    service: &Service,
    workload_file: &SourceFile,
    workload: &WorkloadRef<'_>,
    containers: &[ContainerPorts<'_>],
    cx: &mut Context,
) {
    let workload_anchor = workload
        .object
        .name
        .as_ref()
        .map_or(workload.object.span, |n| n.span);
    for service_port in &service.ports {
        let Some((target, span)) = service_port
            .target_port
            .as_ref()
            .map(|t| (t.value.clone(), t.span))
            .or_else(|| {
                let port = service_port.port.as_ref()?;
                Some((PortRef::Number(port.value), port.span))
            })
        else {
            continue;
        };
        match target {
            // `${PORT}`, `{{ .Values.port }}`: filled in by a tool before applying.
            PortRef::Name(name) if is_placeholder(&name) => {}
            PortRef::Name(name) => {
                let found = containers.iter().any(|c| {
                    c.container
                        .ports
                        .iter()
                        .any(|p| p.name.as_ref().is_some_and(|n| n.value == name))
                });
                if found {
                    continue;
                }
                let message = format!(
                    "targetPort `{name}` of {} names no containerPort of {}: the Service has \
                     no endpoints to send traffic to",
                    service_object.display_name(),
                    workload.display_name()
                );
                let help = "name the container's port this way, or use the port number";
                cx.report_in(service_file, PortMismatch { message, help }, span)
                    .label(workload_file, workload_anchor, "pods selected here");
            }
            PortRef::Number(number) => {
                let Ok(number) = u64::try_from(number) else {
                    continue;
                };
                let declared = declared_ports(containers);
                let mut known: Vec<(u64, Span, &SourceFile)> = declared
                    .iter()
                    .map(|&(port, span)| (port, span, workload_file))
                    .collect();
                for entry in containers {
                    match &entry.server {
                        Some(ports) => known.extend(
                            ports
                                .iter()
                                .map(|&(port, span)| (port, span, entry.server_file)),
                        ),
                        None => return,
                    }
                }
                // Without a server whose binds are known, undeclared ports may be open.
                if !containers
                    .iter()
                    .any(|c| c.server.as_ref().is_some_and(|s| !s.is_empty()))
                {
                    continue;
                }
                let Some(&(_, label_span, label_file)) = known.first() else {
                    continue;
                };
                let known_ports: Vec<(u64, Span)> =
                    known.iter().map(|&(port, span, _)| (port, span)).collect();
                if known_ports.iter().any(|&(p, _)| p == number) {
                    continue;
                }
                let message = format!(
                    "{} sends traffic to port {number}, but the pods of {} listen on {}",
                    service_object.display_name(),
                    workload.display_name(),
                    list(&known_ports)
                );
                let help = "set the Service's `targetPort` to the container's port, best by \
                            its name";
                cx.report_in(service_file, PortMismatch { message, help }, span)
                    .label(label_file, label_span, "the pod's port");
            }
        }
    }
}

/// Whether a port name is a placeholder a tool replaces before the manifest is applied.
fn is_placeholder(name: &str) -> bool {
    name.contains('$') || name.contains('{')
}

/// How far a Service is from a workload it selects: in the same file, the same
/// directory, or elsewhere. A repository of independent examples reuses labels (`app:
/// web`) across directories that are never applied together, so a Service is compared
/// only with the nearest workloads it selects.
fn distance(service_file: &SourceFile, workload_file: &SourceFile) -> u8 {
    if service_file.path() == workload_file.path() {
        0
    } else if service_file.path().parent() == workload_file.path().parent() {
        1
    } else {
        2
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    struct Selected<'p> {
        workload: usize,
        service_file: &'p SourceFile,
        object: &'p Object,
        service: &'p Service,
        distance: u8,
    }
    let mut workloads_seen = Vec::new();
    let mut selected: Vec<Selected<'_>> = Vec::new();
    for (file_index, parsed) in project.files().iter().enumerate() {
        let Tree::Kubernetes(manifests) = &parsed.tree else {
            continue;
        };
        let file = &parsed.source;
        for (object_index, object) in manifests.objects.iter().enumerate() {
            let Some(workload) = workloads(std::slice::from_ref(object)).next() else {
                continue;
            };
            if !workload.is_long_running() {
                continue;
            }
            let containers =
                listening_containers(project, file, file_index, object_index, &workload);
            check_containers(project, file, &workload, &containers, cx);
            if let Some(template) = &workload.workload.template {
                for (service_file, service_object, service) in
                    project.services_selecting(&template.labels)
                {
                    let selects = service
                        .selector
                        .as_ref()
                        .is_some_and(|s| s.selects(&template.labels));
                    if selects && same_namespace(service_object, workload.object) {
                        selected.push(Selected {
                            workload: workloads_seen.len(),
                            service_file,
                            object: service_object,
                            service,
                            distance: distance(service_file, file),
                        });
                    }
                }
            }
            workloads_seen.push((file, workload, containers));
        }
    }
    // The nearest distance at which each Service selects a workload.
    let mut nearest: HashMap<(&Path, u32), u8> = HashMap::new();
    for pair in &selected {
        let key = (pair.service_file.path(), pair.object.span.start);
        let entry = nearest.entry(key).or_insert(pair.distance);
        *entry = (*entry).min(pair.distance);
    }
    // How many workloads each Service selects at its nearest distance: a Service far from
    // several workloads of the same labels (examples in other directories) cannot be told
    // which one it is applied with.
    let mut at_nearest: HashMap<(&Path, u32), usize> = HashMap::new();
    for pair in &selected {
        let key = (pair.service_file.path(), pair.object.span.start);
        if nearest.get(&key) == Some(&pair.distance) {
            *at_nearest.entry(key).or_default() += 1;
        }
    }
    for pair in &selected {
        let key = (pair.service_file.path(), pair.object.span.start);
        if nearest.get(&key).is_some_and(|&d| d < pair.distance) {
            continue;
        }
        if pair.distance == 2 && at_nearest.get(&key).is_some_and(|&n| n > 1) {
            continue;
        }
        let Some((file, workload, containers)) = workloads_seen.get(pair.workload) else {
            continue;
        };
        check_service(
            pair.service_file,
            pair.object,
            pair.service,
            file,
            workload,
            containers,
            cx,
        );
    }
}
