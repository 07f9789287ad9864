//! DF009: see rules/dockerfile/DF009-secret-in-image.md
//!
//! Values are never copied into a message or help: a finding names the variable or the
//! file, and says `(value redacted)`.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::{InstructionKind, KeyValue};
use crate::project::DockerfileModel;
use crate::rules::secrets::{has_url_password, is_literal_secret_value, is_secret_name};

/// A secret baked into the image's configuration, history or layers.
struct SecretInImage {
    finding: Finding,
    /// Whether the instruction's stage ends up in the image (global `ARG`s and builder
    /// stages do not).
    in_image: bool,
}

/// What was found; never holds the secret value.
enum Finding {
    /// `ENV`/`ARG` with a secret-looking name and a literal value.
    Variable {
        instruction: &'static str,
        name: String,
    },
    /// `ENV`/`ARG` holding a URL with a password.
    UrlCredentials {
        instruction: &'static str,
        name: String,
    },
    /// `COPY`/`ADD` of a `.env` file.
    EnvFile {
        instruction: &'static str,
        path: String,
    },
}

impl Violation for SecretInImage {
    const CODE: RuleCode = RuleCode::DF009;

    fn message(&self) -> String {
        let (instruction, subject) = match &self.finding {
            Finding::Variable { instruction, name } => (
                *instruction,
                format!("`{instruction} {name}` sets a secret to a literal value (value redacted)"),
            ),
            Finding::UrlCredentials { instruction, name } => (
                *instruction,
                format!(
                    "`{instruction} {name}` holds a URL with an embedded password (value redacted)"
                ),
            ),
            Finding::EnvFile { instruction, path } => (
                *instruction,
                format!("`{instruction}` puts the environment file `{path}` into the image"),
            ),
        };
        if !self.in_image {
            return format!(
                "{subject}: it is committed with the Dockerfile and kept in the build cache and \
                 in any image built from this stage"
            );
        }
        let place = match instruction {
            "ARG" => "in the image history (`docker history`)",
            "ENV" => "in the image config (`docker inspect`) of every container",
            _ => "in an image layer",
        };
        format!("{subject}: it is stored {place}, readable by anyone who can pull the image")
    }

    fn help(&self) -> Option<String> {
        let text = match self.finding {
            Finding::EnvFile { .. } => {
                "pass the variables at run time (`docker run --env-file`, a Kubernetes Secret) \
                 and add `.env` and `.env.*` to `.dockerignore`; treat the values as leaked and \
                 rotate them"
            }
            _ => {
                "inject the value at run time (an orchestrator secret, `docker run -e`), or \
                 use `RUN --mount=type=secret` for build steps; treat the value as leaked and \
                 rotate it"
            }
        };
        Some(text.to_string())
    }
}

/// `.env.*` files meant to be shared (templates without real values).
const SHAREABLE_ENV_FILES: &[&str] = &[".env.example", ".env.sample", ".env.template", ".env.dist"];

/// Whether a copied path is a `.env` file with real values (`.env`, `.env.production`;
/// not `.env.example` and the like, not a glob).
fn is_env_file(path: &str) -> bool {
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    if name.contains(['*', '?', '[', '$']) {
        return false;
    }
    (name == ".env" || name.starts_with(".env.")) && !SHAREABLE_ENV_FILES.contains(&name)
}

/// The finding for one `ENV`/`ARG` pair, if any.
fn check_pair(instruction: &'static str, pair: &KeyValue) -> Option<Finding> {
    let value = &pair.value.as_ref()?.value;
    let name = pair.key.value.clone();
    if has_url_password(value) {
        return Some(Finding::UrlCredentials { instruction, name });
    }
    (is_secret_name(&name) && is_literal_secret_value(value))
        .then_some(Finding::Variable { instruction, name })
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    for (index, instruction) in model.ast.instructions.iter().enumerate() {
        let in_image = model
            .ast
            .stage_of(index)
            .is_some_and(|stage| model.is_image_stage(stage.index));
        match &instruction.kind {
            InstructionKind::Env(pairs) | InstructionKind::Arg(pairs) => {
                let keyword = if matches!(instruction.kind, InstructionKind::Env(_)) {
                    "ENV"
                } else {
                    "ARG"
                };
                for pair in pairs {
                    if let Some(finding) = check_pair(keyword, pair) {
                        let file = cx.file();
                        let mut report = cx.report(SecretInImage { finding, in_image }, pair.span);
                        if let (Some(file), Some(value)) = (file, &pair.value) {
                            // The value must not reach any output, snippets included.
                            report = report.redact(file, value.span);
                        }
                        drop(report);
                    }
                }
            }
            InstructionKind::Copy(copy) | InstructionKind::Add(copy) => {
                if instruction.flag("from").is_some() {
                    continue;
                }
                let keyword = if matches!(instruction.kind, InstructionKind::Copy(_)) {
                    "COPY"
                } else {
                    "ADD"
                };
                for source in &copy.sources {
                    if is_env_file(&source.value) {
                        let finding = Finding::EnvFile {
                            instruction: keyword,
                            path: source.value.clone(),
                        };
                        cx.report(SecretInImage { finding, in_image }, source.span);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files() {
        for path in [".env", "./.env", "config/.env.production", ".env.local"] {
            assert!(is_env_file(path), "{path}");
        }
        for path in [
            ".env.example",
            ".env.sample",
            ".env*",
            "env",
            ".envrc",
            "app/.env.template",
        ] {
            assert!(!is_env_file(path), "{path}");
        }
    }
}
