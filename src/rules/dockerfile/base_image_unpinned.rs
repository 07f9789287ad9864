//! DF014: see rules/dockerfile/DF014-base-image-unpinned.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::{InstructionKind, StageBase};
use crate::project::DockerfileModel;

/// A `FROM` image with no version: no tag, or the `latest` tag, and no digest.
struct BaseImageUnpinned {
    image: String,
    /// Whether the tag is `latest` (rather than missing).
    latest: bool,
}

impl Violation for BaseImageUnpinned {
    const CODE: RuleCode = RuleCode::DF014;

    fn message(&self) -> String {
        if self.latest {
            format!(
                "base image `{}` uses the `latest` tag, which moves: two builds of the same \
                 commit can get different system libraries and Python versions",
                self.image
            )
        } else {
            format!(
                "base image `{}` has no tag: it means `latest`, which moves, so two builds of \
                 the same commit can get different system libraries and Python versions",
                self.image
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            "name a version tag (`python:3.12-slim-bookworm`), or a digest (`@sha256:...`) \
             for fully reproducible builds"
                .to_string(),
        )
    }
}

/// The tag of an image reference (`python:3.12` → `3.12`), ignoring a registry port
/// (`localhost:5000/app` has none); `None` when untagged.
fn tag(reference: &str) -> Option<&str> {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    name.split_once(':').map(|(_, tag)| tag)
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    for stage in &model.ast.stages {
        if !matches!(stage.base, StageBase::Image(_)) {
            continue;
        }
        let Some(instruction) = model.ast.instructions.get(stage.from) else {
            continue;
        };
        let InstructionKind::From(from) = &instruction.kind else {
            continue;
        };
        let image = &from.image;
        if image.value.contains(['$', '@']) {
            continue;
        }
        let latest = match tag(&image.value) {
            None => false,
            Some("latest") => true,
            Some(_) => continue,
        };
        cx.report(
            BaseImageUnpinned {
                image: image.value.clone(),
                latest,
            },
            image.span,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn tags_ignore_registry_ports() {
        assert_eq!(tag("python"), None);
        assert_eq!(tag("python:3.12-slim"), Some("3.12-slim"));
        assert_eq!(tag("localhost:5000/app"), None);
        assert_eq!(tag("localhost:5000/app:latest"), Some("latest"));
        assert_eq!(tag("ghcr.io/org/app:1.2"), Some("1.2"));
    }
}
