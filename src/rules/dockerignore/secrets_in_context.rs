//! DI002: see rules/dockerignore/DI002-secrets-in-context.md

use super::{anchor, filtered_contexts, secret_probes};
use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// Secret paths that no pattern of the ignore file mentions.
struct SecretsInContext {
    leaks: Vec<String>,
}

impl Violation for SecretsInContext {
    const CODE: RuleCode = RuleCode::DI002;

    fn message(&self) -> String {
        format!(
            "this `.dockerignore` lets {} into the build context, and the whole context is \
             copied into the image",
            join_names(&self.leaks)
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "add `.env`, `.env.*`, `!.env.example` and `.git` to the `.dockerignore`; pass \
             secrets at run time or with `RUN --mount=type=secret`"
                .to_string(),
        )
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for context in filtered_contexts(project) {
        let leaks: Vec<String> = secret_probes(project, context.dir)
            .into_iter()
            .filter(|(path, _)| context.ignore.deciding_pattern(path).is_none())
            .map(|(_, name)| name)
            .fold(Vec::new(), |mut names, name| {
                if !names.contains(&name) {
                    names.push(name);
                }
                names
            });
        if leaks.is_empty() {
            continue;
        }
        let mut report = cx.report_in(context.file, SecretsInContext { leaks }, anchor(&context));
        for (dockerfile, _, source) in &context.copies {
            report = report.label(dockerfile, source.span, "the whole context is copied here");
        }
    }
}
