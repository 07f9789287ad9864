//! K8S003: see rules/kubernetes/K8S003-same-liveness-readiness.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::{Handler, Manifests, PortRef, PortTarget};

use super::helpers::{container_label, workloads};

/// Liveness and readiness probes that check the same thing.
struct SameLivenessReadiness {
    workload: String,
    container: String,
    endpoint: String,
}

impl Violation for SameLivenessReadiness {
    const CODE: RuleCode = RuleCode::K8S003;

    fn message(&self) -> String {
        format!(
            "liveness and readiness probes of container {} in {} both check {}: when the app \
             is only overloaded or waiting on a dependency, the failing check also kills the \
             container, and restarts spread to every pod at once",
            self.container, self.workload, self.endpoint
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "give liveness its own cheap endpoint that only proves the process answers \
             (`livenessProbe: {httpGet: {path: /livez, port: http}}`) and keep dependency \
             checks in readiness (`readinessProbe: {httpGet: {path: /readyz, port: http}}`)"
                .to_string(),
        )
    }
}

/// What a probe checks, normalised for comparison (named ports resolved when possible).
#[derive(PartialEq, Eq)]
enum Endpoint {
    Http {
        path: String,
        port: Option<PortRef>,
        host: Option<String>,
    },
    Tcp(Option<PortRef>),
    Exec(Vec<String>),
    Grpc {
        port: Option<PortRef>,
        service: Option<String>,
    },
}

impl Endpoint {
    fn of(handler: &Handler) -> Option<Endpoint> {
        Some(match handler {
            Handler::HttpGet(http) => Endpoint::Http {
                path: http
                    .path
                    .as_ref()
                    .map_or_else(|| "/".to_string(), |p| p.value.clone()),
                port: port_key(&http.port),
                host: http.host.as_ref().map(|h| h.value.clone()),
            },
            Handler::TcpSocket(target) => Endpoint::Tcp(port_key(target)),
            Handler::Exec(command) if !command.is_empty() => {
                Endpoint::Exec(command.iter().map(|word| word.value.clone()).collect())
            }
            Handler::Grpc { port, service } => Endpoint::Grpc {
                port: port_key(port),
                service: service.as_ref().map(|s| s.value.clone()),
            },
            _ => return None,
        })
    }

    fn describe(&self) -> String {
        match self {
            Endpoint::Http { path, port, .. } => {
                format!("`GET {path}`{}", port_text(port.as_ref()))
            }
            Endpoint::Tcp(port) => format!("a TCP connection{}", port_text(port.as_ref())),
            Endpoint::Exec(_) => "the same command".to_string(),
            Endpoint::Grpc { port, service } => match service {
                Some(service) => {
                    format!("gRPC health of `{service}`{}", port_text(port.as_ref()))
                }
                None => format!("gRPC health{}", port_text(port.as_ref())),
            },
        }
    }
}

/// The port a probe targets: the number when the name resolves, else the name.
fn port_key(target: &PortTarget) -> Option<PortRef> {
    match target.resolved {
        Some(number) => Some(PortRef::Number(number)),
        None => target.port.as_ref().map(|p| p.value.clone()),
    }
}

fn port_text(port: Option<&PortRef>) -> String {
    match port {
        Some(PortRef::Number(number)) => format!(" on port {number}"),
        Some(PortRef::Name(name)) => format!(" on port `{name}`"),
        None => String::new(),
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        if !workload.is_long_running() {
            continue;
        }
        for container in workload.pod.all_containers() {
            let (Some(liveness), Some(readiness)) =
                (&container.liveness_probe, &container.readiness_probe)
            else {
                continue;
            };
            let Some(endpoint) = Endpoint::of(&liveness.handler) else {
                continue;
            };
            if Endpoint::of(&readiness.handler).as_ref() != Some(&endpoint) {
                continue;
            }
            let file = cx.file();
            let report = cx.report(
                SameLivenessReadiness {
                    workload: workload.display_name(),
                    container: container_label(container),
                    endpoint: endpoint.describe(),
                },
                liveness.key_span,
            );
            if let Some(file) = file {
                report.label(
                    file,
                    readiness.key_span,
                    "the readiness probe checks the same endpoint",
                );
            }
        }
    }
}
