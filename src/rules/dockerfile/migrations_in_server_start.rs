//! DF012: see rules/dockerfile/DF012-migrations-in-server-start.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::DockerfileModel;

use super::helpers::is_dev_image;
use crate::rules::migrations::migration_of;

/// The command that starts the server also migrates the database.
struct MigrationsInServerStart;

impl Violation for MigrationsInServerStart {
    const CODE: RuleCode = RuleCode::DF012;

    fn message(&self) -> String {
        "the start command migrates the database before starting the server: every \
         replica runs the migration on every start, concurrently during rollouts and \
         scale-ups, and a slow or failing migration keeps the new pods from ever serving"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "run migrations once per release (a Kubernetes Job, a Helm hook or a release \
             step, built from a separate `migrate` target stage) and start only the server \
             here"
                .to_string(),
        )
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    // A development image runs as one container: migrating at start is what it is for.
    if is_dev_image(model, cx.file().map(|f| f.path())) {
        return;
    }
    let Some(start) = model.start() else {
        return;
    };
    let Some(invocation) = start.invocation() else {
        return;
    };
    if !invocation.server.value.is_known() {
        return;
    }
    let Some(migration) = start
        .other_commands()
        .into_iter()
        .find(|c| migration_of(&c.words).is_some())
    else {
        return;
    };
    let file = cx.file();
    let report = cx.report(MigrationsInServerStart, migration.span);
    if let Some(file) = file {
        drop(report.label(file, invocation.server.span, "the server starts after it"));
    }
}
