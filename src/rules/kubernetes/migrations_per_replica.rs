//! K8S017: see rules/kubernetes/K8S017-migrations-per-replica.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::{ContainerRole, ObjectBody, WorkloadKind};
use crate::project::Project;
use crate::source::SourceFile;
use crate::span::Span;

use super::helpers::{WorkloadRef, command_line, describe, same_namespace, workloads};
use crate::rules::migrations::{MigrationTool, migration_commands};

/// An init container migrates the database in every replica of a scaled workload.
struct MigrationsPerReplica {
    container: String,
    tool: MigrationTool,
    /// "3 replicas", "up to 10 replicas (HorizontalPodAutoscaler/api)".
    replicas: String,
}

impl Violation for MigrationsPerReplica {
    const CODE: RuleCode = RuleCode::K8S017;

    fn message(&self) -> String {
        format!(
            "init {} runs `{}` in each of {}: the pods start together and their migrations \
             race against the same database",
            self.container,
            self.tool.name(),
            self.replicas
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "run the migration once per release in a Job (a Helm `pre-upgrade` hook or an \
             Argo CD `PreSync` hook) and drop it from the pod template"
                .to_string(),
        )
    }
}

/// Where the replica count comes from.
struct Scale<'p> {
    text: String,
    file: &'p SourceFile,
    span: Span,
}

/// The scale of a workload above one pod: its HPA's `maxReplicas` when an autoscaler in
/// the project targets it, else its `replicas`.
fn scale<'p>(
    project: &'p Project,
    file: &'p SourceFile,
    workload: &WorkloadRef<'p>,
) -> Option<Scale<'p>> {
    let name = workload.object.name.as_ref()?;
    for (hpa_file, manifests) in project.manifests() {
        for object in &manifests.objects {
            let ObjectBody::HorizontalPodAutoscaler(hpa) = &object.body else {
                continue;
            };
            let targets = hpa
                .target_kind
                .as_ref()
                .is_some_and(|k| k.value == workload.object.kind.value)
                && hpa
                    .target_name
                    .as_ref()
                    .is_some_and(|n| n.value == name.value)
                && same_namespace(object, workload.object);
            if !targets {
                continue;
            }
            let max = hpa.max_replicas.as_ref()?;
            return (max.value > 1).then(|| Scale {
                text: format!("up to {} replicas ({})", max.value, object.display_name()),
                file: hpa_file,
                span: max.span,
            });
        }
    }
    let replicas = workload.workload.replicas.as_ref()?;
    (replicas.value > 1).then(|| Scale {
        text: format!("{} replicas", replicas.value),
        file,
        span: replicas.span,
    })
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
            for container in &workload.pod.init_containers {
                if container.role != ContainerRole::Init {
                    continue;
                }
                let Some(words) = command_line(container) else {
                    continue;
                };
                let migrations = migration_commands(&words);
                let Some(migration) = migrations.first() else {
                    continue;
                };
                let Some(scale) = scale(project, file, &workload) else {
                    continue;
                };
                let violation = MigrationsPerReplica {
                    container: describe(&workload, container),
                    tool: migration.tool,
                    replicas: scale.text.clone(),
                };
                cx.report_in(file, violation, migration.span).label(
                    scale.file,
                    scale.span,
                    "replicas set here",
                );
            }
        }
    }
}
