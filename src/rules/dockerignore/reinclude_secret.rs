//! DI004: see rules/dockerignore/DI004-reinclude-secret.md

use super::{filtered_contexts, secret_probes};
use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// A `!pattern` that puts a secret file back into the context.
struct ReincludeSecret {
    pattern: String,
    path: String,
}

impl Violation for ReincludeSecret {
    const CODE: RuleCode = RuleCode::DI004;

    fn message(&self) -> String {
        format!(
            "`{}` re-includes `{}`, a secrets file, into the build context",
            self.pattern, self.path
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "narrow the exception to the example file (`!.env.example`) or remove it; \
             provide the real values at run time"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for context in filtered_contexts(project) {
        let mut reported = Vec::new();
        for (path, _) in secret_probes(project, context.dir) {
            let Some(pattern) = context.ignore.deciding_pattern(&path) else {
                continue;
            };
            if !pattern.negated || reported.contains(&pattern.raw.span) {
                continue;
            }
            reported.push(pattern.raw.span);
            let violation = ReincludeSecret {
                pattern: pattern.raw.value.clone(),
                path,
            };
            cx.report_in(context.file, violation, pattern.raw.span);
        }
    }
}
