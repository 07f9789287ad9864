//! K8S001: see rules/kubernetes/K8S001-missing-liveness-probe.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;

use super::helpers::{container_anchor, container_label, workloads};

/// A serving container that Kubernetes never restarts when it hangs.
struct MissingLivenessProbe {
    workload: String,
    container: String,
}

impl Violation for MissingLivenessProbe {
    const CODE: RuleCode = RuleCode::K8S001;

    fn message(&self) -> String {
        format!(
            "container {} of {} has no liveness probe: a worker that hangs (deadlock, blocked \
             event loop) keeps its pod running and in the Service, failing requests until \
             someone restarts it by hand",
            self.container, self.workload
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "add a `livenessProbe` on a cheap endpoint that only proves the process answers: \
             `livenessProbe: {httpGet: {path: /livez, port: http}, periodSeconds: 10, \
             failureThreshold: 3}`"
                .to_string(),
        )
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.serving_containers() {
            if container.liveness_probe.is_some() {
                continue;
            }
            cx.report(
                MissingLivenessProbe {
                    workload: workload.display_name(),
                    container: container_label(container),
                },
                container_anchor(container),
            );
        }
    }
}
