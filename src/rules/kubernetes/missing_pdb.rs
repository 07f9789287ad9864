//! K8S014: see rules/kubernetes/K8S014-missing-pdb.md
//!
//! A project rule: the PodDisruptionBudget and the autoscaler usually live in other files.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::{Labels, WorkloadKind};
use crate::project::Project;

use super::helpers::{multiple_replicas, same_namespace, workloads};

/// A multi-replica workload that voluntary disruptions may empty at once.
struct MissingPdb {
    workload: String,
    replicas: String,
    match_labels: String,
}

impl Violation for MissingPdb {
    const CODE: RuleCode = RuleCode::K8S014;

    fn message(&self) -> String {
        format!(
            "{} runs {} but no PodDisruptionBudget selects its pods: a node drain, cluster \
             upgrade or autoscaler scale-down may evict all of them at the same time",
            self.workload, self.replicas
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "add a PodDisruptionBudget in the same namespace: `apiVersion: policy/v1`, \
             `kind: PodDisruptionBudget`, `spec: {{maxUnavailable: 1, selector: \
             {{matchLabels: {}}}}}`",
            self.match_labels
        ))
    }
}

/// `{app: api}` from the pod template's labels (`{app: <name>}` when it has none).
fn flow_map(labels: &Labels) -> String {
    if labels.is_empty() {
        return "{app: <name>}".to_string();
    }
    let pairs: Vec<String> = labels
        .iter()
        .map(|label| format!("{}: {}", label.key.value, label.value.value))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, manifests) in project.manifests() {
        for workload in workloads(&manifests.objects) {
            if !matches!(
                workload.workload.kind,
                WorkloadKind::Deployment | WorkloadKind::StatefulSet
            ) {
                continue;
            }
            let Some(replicas) = multiple_replicas(project, &workload) else {
                continue;
            };
            let Some(template) = &workload.workload.template else {
                continue;
            };
            let covered =
                project
                    .disruption_budgets_selecting(&template.labels)
                    .any(|(_, object, pdb)| {
                        same_namespace(object, workload.object)
                            && pdb
                                .selector
                                .as_ref()
                                .is_some_and(|s| s.matches(&template.labels))
                    });
            if covered {
                continue;
            }
            let report = cx.report_in(
                file,
                MissingPdb {
                    workload: workload.display_name(),
                    replicas: replicas.describe(),
                    match_labels: flow_map(&template.labels),
                },
                workload.anchor(),
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
