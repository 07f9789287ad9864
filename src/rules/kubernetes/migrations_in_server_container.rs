//! K8S013: see rules/kubernetes/K8S013-migrations-in-server-container.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;

use super::helpers::{command_line, describe, invocation, workloads};
use crate::rules::migrations::{MigrationTool, migration_commands};

/// A serving container migrates the database at start.
struct MigrationsInServerContainer {
    container: String,
    tool: MigrationTool,
}

impl Violation for MigrationsInServerContainer {
    const CODE: RuleCode = RuleCode::K8S013;

    fn message(&self) -> String {
        format!(
            "{} runs `{}` at start: every replica migrates the database, concurrently, on \
             every rollout, restart and scale-up",
            self.container,
            self.tool.name()
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "run the migration once per release: a Job (a Helm `pre-upgrade` hook or an \
             Argo CD `PreSync` hook), and start only the server here"
                .to_string(),
        )
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.serving_containers() {
            let Some(words) = command_line(container) else {
                continue;
            };
            let server = invocation(container).filter(|i| i.server.value.is_known());
            for migration in migration_commands(&words) {
                let violation = MigrationsInServerContainer {
                    container: describe(&workload, container),
                    tool: migration.tool,
                };
                let file = cx.file();
                let mut report = cx.report(violation, migration.span);
                if let (Some(server), Some(file)) = (&server, file) {
                    report = report.label(
                        file,
                        server.server.span,
                        format!("then {} starts here", server.server.value.name()),
                    );
                }
                drop(report);
            }
        }
    }
}
