//! K8S002: see rules/kubernetes/K8S002-missing-readiness-probe.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;

use super::helpers::{container_anchor, container_label, workloads};

/// A serving container that receives traffic before it can answer.
struct MissingReadinessProbe {
    workload: String,
    container: String,
}

impl Violation for MissingReadinessProbe {
    const CODE: RuleCode = RuleCode::K8S002;

    fn message(&self) -> String {
        format!(
            "container {} of {} has no readiness probe: its pod joins the Service as soon as \
             the process starts, before the app has loaded and connected, so every rollout \
             and restart sends requests to a server that refuses or fails them",
            self.container, self.workload
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "add a `readinessProbe` on an endpoint that answers once the app can serve: \
             `readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 5}`"
                .to_string(),
        )
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.serving_containers() {
            if container.readiness_probe.is_some() {
                continue;
            }
            cx.report(
                MissingReadinessProbe {
                    workload: workload.display_name(),
                    container: container_label(container),
                },
                container_anchor(container),
            );
        }
    }
}
