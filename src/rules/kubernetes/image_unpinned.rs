//! K8S010: see rules/kubernetes/K8S010-image-unpinned.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;

use super::helpers::{container_label, workloads};

/// A container image without a version.
struct ImageUnpinned {
    workload: String,
    container: String,
    image: String,
    /// Whether the tag is `latest` (rather than missing).
    latest: bool,
}

impl Violation for ImageUnpinned {
    const CODE: RuleCode = RuleCode::K8S010;

    fn message(&self) -> String {
        let what = if self.latest {
            "uses the `latest` tag"
        } else {
            "has no tag, which means `latest`"
        };
        format!(
            "image `{}` of container {} in {} {what}: nodes pull whatever `latest` is when a \
             pod starts, so replicas can run different code and a rollback does not bring \
             the old version back",
            self.image, self.container, self.workload
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "pin a version tag or a digest: `image: registry.example.com/api:1.4.2` \
             (or `...@sha256:<digest>`), and change it to roll out"
                .to_string(),
        )
    }
}

/// Whether an image reference has no version: no digest, and no tag or the `latest` tag.
/// Returns `Some(true)` for `latest`, `Some(false)` for no tag, `None` when pinned. A
/// registry port (`localhost:5000/api`) is not a tag.
fn unpinned(image: &str) -> Option<bool> {
    if image.contains('@') {
        return None;
    }
    let name = image.rsplit('/').next().unwrap_or(image);
    match name.split_once(':') {
        None => Some(false),
        Some((_, "latest")) => Some(true),
        Some(_) => None,
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.pod.all_containers() {
            let Some(image) = &container.image else {
                continue;
            };
            let text = image.value.trim();
            if text.is_empty() || text.contains('$') || text.contains("{{") {
                continue;
            }
            let Some(latest) = unpinned(text) else {
                continue;
            };
            cx.report(
                ImageUnpinned {
                    workload: workload.display_name(),
                    container: container_label(container),
                    image: text.to_string(),
                    latest,
                },
                image.span,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn image_references() {
        assert_eq!(unpinned("python"), Some(false));
        assert_eq!(unpinned("registry.example.com/api"), Some(false));
        assert_eq!(unpinned("localhost:5000/api"), Some(false));
        assert_eq!(unpinned("localhost:5000/api:latest"), Some(true));
        assert_eq!(unpinned("api:latest"), Some(true));
        assert_eq!(unpinned("api:1.4.2"), None);
        assert_eq!(unpinned("api@sha256:0123abcd"), None);
        assert_eq!(unpinned("api:latest@sha256:0123abcd"), None);
    }
}
