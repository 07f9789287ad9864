//! K8S015: see rules/kubernetes/K8S015-port-mismatch.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{BindAddress, Invocation};
use crate::parse::kubernetes::{
    Container, ContainerRole, Object, ObjectBody, PortRef, ProbeKind, Service,
};
use crate::project::Project;
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
    /// `(port, span)` of the server's literal binds; `None` when one is templated.
    server: Option<Vec<(u64, Span)>>,
    server_name: &'static str,
}

/// The containers of a pod that listen (regular containers and native sidecars).
fn listening_containers<'m>(workload: &WorkloadRef<'m>) -> Vec<ContainerPorts<'m>> {
    workload
        .pod
        .all_containers()
        .filter(|c| c.role != ContainerRole::Init)
        .map(|container| {
            let invocation = invocation(container).filter(|i| i.server.value.is_known());
            ContainerPorts {
                container,
                server: invocation.as_ref().map_or(Some(Vec::new()), literal_ports),
                server_name: invocation.map_or("the server", |i| i.server.value.name()),
            }
        })
        .collect()
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
                let message = format!(
                    "{} in {} listens on port {port}, but the container declares \
                     containerPort {}",
                    entry.server_name,
                    describe(workload, container),
                    list(&own_declared)
                );
                let help = "make the server's port, the containerPort, the probes and the \
                            Service's targetPort one number (or refer to the port by name)";
                cx.report_in(file, PortMismatch { message, help }, span)
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
                    let Some(server) = &entry.server else {
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
                    let (label_span, label) = match server.first() {
                        Some(&(_, span)) => (span, "the server listens here"),
                        None => (known[0].1, "containerPort declared here"),
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
                        .label(file, label_span, label);
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
                let mut known = declared_ports(containers);
                for entry in containers {
                    match &entry.server {
                        Some(ports) => known.extend(ports.iter().copied()),
                        None => return,
                    }
                }
                let Some(&(_, label_span)) = known.first() else {
                    continue;
                };
                if known.iter().any(|&(p, _)| p == number) {
                    continue;
                }
                let message = format!(
                    "{} sends traffic to port {number}, but the pods of {} listen on {}",
                    service_object.display_name(),
                    workload.display_name(),
                    list(&known)
                );
                let help = "set the Service's `targetPort` to the container's port, best by \
                            its name";
                cx.report_in(service_file, PortMismatch { message, help }, span)
                    .label(workload_file, label_span, "the pod's port");
            }
        }
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, manifests) in project.manifests() {
        for workload in workloads(&manifests.objects) {
            if !workload.is_long_running() {
                continue;
            }
            let containers = listening_containers(&workload);
            check_containers(file, &workload, &containers, cx);
            let Some(template) = &workload.workload.template else {
                continue;
            };
            for (service_file, service_manifests) in project.manifests() {
                for object in &service_manifests.objects {
                    let ObjectBody::Service(service) = &object.body else {
                        continue;
                    };
                    let selects = service
                        .selector
                        .as_ref()
                        .is_some_and(|s| s.selects(&template.labels));
                    if !selects || !same_namespace(object, workload.object) {
                        continue;
                    }
                    check_service(
                        service_file,
                        object,
                        service,
                        file,
                        &workload,
                        &containers,
                        cx,
                    );
                }
            }
        }
    }
}
