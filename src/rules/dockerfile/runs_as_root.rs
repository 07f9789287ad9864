//! DF004: see rules/dockerfile/DF004-runs-as-root.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::InstructionKind;
use crate::parse::shell::program_basename;
use crate::project::DockerfileModel;

use super::helpers::{final_base_image, program_words};

/// The final stage runs its process as root.
struct RunsAsRoot {
    /// Whether a `USER root` says so (rather than no `USER` at all).
    explicit: bool,
}

impl Violation for RunsAsRoot {
    const CODE: RuleCode = RuleCode::DF004;

    fn message(&self) -> String {
        if self.explicit {
            "the last `USER` of the final stage is root: the server runs as root, so a remote \
             code execution bug owns the whole container"
                .to_string()
        } else {
            "the final stage sets no `USER`: the server runs as root, so a remote code \
             execution bug owns the whole container"
                .to_string()
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            "create an unprivileged user (`useradd --system --uid 10001 app`) and add \
             `USER app` (or `USER 10001`) before `CMD`"
                .to_string(),
        )
    }
}

/// Programs that drop privileges before starting the real command.
const PRIVILEGE_DROPPERS: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "chpst",
    "s6-setuidgid",
    "setuidgid",
];

/// Whether a `USER` value names root: `root`, `0`, with or without a group.
fn is_root(user: &str) -> bool {
    let name = user.split_once(':').map_or(user, |(name, _)| name);
    name == "root" || name == "0"
}

/// Whether an image is known to run as a non-root user by default.
fn is_known_non_root(image: &str) -> bool {
    image.contains("nonroot") || image.starts_with("cgr.dev/chainguard/")
}

/// Whether the final stage's `ENTRYPOINT` or `CMD` starts with a privilege-dropping
/// program (`gosu app uvicorn ...`).
fn drops_privileges(model: &DockerfileModel) -> bool {
    model.image_instructions().any(|(index, instruction)| {
        matches!(
            instruction.kind,
            InstructionKind::Entrypoint(_) | InstructionKind::Cmd(_)
        ) && model.script(index).commands.iter().any(|command| {
            program_words(command)
                .first()
                .is_some_and(|w| PRIVILEGE_DROPPERS.contains(&program_basename(w.as_str())))
        })
    })
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(final_stage) = model.ast.final_stage() else {
        return;
    };
    let user = model.ast.effective_user(final_stage.index);
    let span = match user {
        Some(user) if user.value.contains('$') || !is_root(&user.value) => return,
        Some(user) => user.span,
        None => {
            if final_base_image(model)
                .is_some_and(|image| image.contains('$') || is_known_non_root(image))
            {
                return;
            }
            let Some(InstructionKind::From(from)) = model
                .ast
                .instructions
                .get(final_stage.from)
                .map(|instruction| &instruction.kind)
            else {
                return;
            };
            from.image.span
        }
    };
    if drops_privileges(model) {
        return;
    }
    cx.report(
        RunsAsRoot {
            explicit: user.is_some(),
        },
        span,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_spellings() {
        for user in ["root", "0", "root:root", "0:0", "root:app"] {
            assert!(is_root(user), "{user}");
        }
        for user in ["app", "1000", "1000:0", "rootless", "10001:10001"] {
            assert!(!is_root(user), "{user}");
        }
    }

    #[test]
    fn non_root_images() {
        assert!(is_known_non_root(
            "gcr.io/distroless/python3-debian12:nonroot"
        ));
        assert!(is_known_non_root("cgr.dev/chainguard/python:latest"));
        assert!(!is_known_non_root("python:3.12-slim"));
    }
}
