//! DI001: see rules/dockerignore/DI001-dockerignore-missing.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// A whole-context copy with no ignore file at all.
struct DockerignoreMissing;

impl Violation for DockerignoreMissing {
    const CODE: RuleCode = RuleCode::DI001;

    fn message(&self) -> String {
        "the whole build context is copied and no `.dockerignore` filters it: `.env`, `.git/` \
         and local virtualenvs end up in the image"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "add a `.dockerignore` beside the Dockerfile with at least `.env`, `.env.*`, \
             `!.env.example`, `.git`, `.venv`, `venv` and `**/__pycache__`"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (dockerfile, model) in project.dockerfiles() {
        let Some((_, source)) = model.whole_context_copies().next() else {
            continue;
        };
        if project.build_context(dockerfile).ignore.is_some() {
            continue;
        }
        cx.report_in(dockerfile, DockerignoreMissing, source.span);
    }
}
