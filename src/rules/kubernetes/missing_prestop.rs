//! K8S005: see rules/kubernetes/K8S005-missing-prestop.md
//!
//! A project rule: the autoscaler that makes a workload multi-replica may live in another
//! file.

use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

use super::helpers::{container_anchor, container_label, multiple_replicas, workloads};

/// A serving container of a multi-replica workload that stops without waiting for the
/// load balancers to forget it.
struct MissingPrestop {
    workload: String,
    container: String,
    replicas: String,
}

impl Violation for MissingPrestop {
    const CODE: RuleCode = RuleCode::K8S005;

    fn message(&self) -> String {
        format!(
            "container {} of {} ({}) has no `lifecycle.preStop`: on every rollout and \
             scale-down the pod gets SIGTERM while Services and ingress still route new \
             requests to it, and those requests fail with connection errors",
            self.container, self.workload, self.replicas
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "wait a few seconds before shutdown so endpoints are removed first: \
             `lifecycle: {preStop: {sleep: {seconds: 5}}}` (Kubernetes 1.30+) or \
             `lifecycle: {preStop: {exec: {command: [\"sleep\", \"5\"]}}}`; keep \
             `terminationGracePeriodSeconds` above the pause plus the server's graceful timeout"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, manifests) in project.manifests() {
        for workload in workloads(&manifests.objects) {
            let Some(replicas) = multiple_replicas(project, &workload) else {
                continue;
            };
            for container in workload.serving_containers() {
                if container.pre_stop.is_some() {
                    continue;
                }
                let report = cx.report_in(
                    file,
                    MissingPrestop {
                        workload: workload.display_name(),
                        container: container_label(container),
                        replicas: replicas.describe(),
                    },
                    container_anchor(container),
                );
                if let Some((hpa_file, span)) = replicas.autoscaler_span() {
                    report.label(
                        hpa_file,
                        span,
                        "this autoscaler scales it above one replica",
                    );
                }
            }
        }
    }
}
