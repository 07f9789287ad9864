//! K8S016: see rules/kubernetes/K8S016-runs-as-root.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;
use crate::span::Span;

use super::helpers::{container_anchor, container_label, workloads};

/// A serving container that may run as root.
struct RunsAsRoot {
    workload: String,
    container: String,
    reason: Reason,
}

/// Why the container may be root.
enum Reason {
    /// `runAsUser: 0`.
    UserZero,
    /// `runAsNonRoot: false`.
    NonRootFalse,
    /// Nothing says which user.
    Unset,
}

impl Violation for RunsAsRoot {
    const CODE: RuleCode = RuleCode::K8S016;

    fn message(&self) -> String {
        let why = match self.reason {
            Reason::UserZero => "runs as root: `runAsUser: 0` is set",
            Reason::NonRootFalse => {
                "may run as root: `runAsNonRoot: false` lets the image's user (root unless its \
                 Dockerfile sets `USER`) through"
            }
            Reason::Unset => {
                "may run as root: neither the pod nor the container sets `runAsNonRoot: true` \
                 or a non-zero `runAsUser`, so the image's user (root unless its Dockerfile \
                 sets `USER`) is used"
            }
        };
        format!(
            "container {} of {} {why}; a flaw in the app then gives an attacker root inside \
             the container, one step from the node",
            self.container, self.workload
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "run as an unprivileged user: `securityContext: {runAsNonRoot: true, runAsUser: \
             10001}` on the pod or the container (and a matching `USER 10001` in the image)"
                .to_string(),
        )
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        let pod_context = workload.pod.security_context.as_ref();
        for container in workload.serving_containers() {
            let container_context = container.security_context.as_ref();
            let user = container_context
                .and_then(|c| c.run_as_user.as_ref())
                .or(pod_context.and_then(|p| p.run_as_user.as_ref()));
            let non_root = container_context
                .and_then(|c| c.run_as_non_root.as_ref())
                .or(pod_context.and_then(|p| p.run_as_non_root.as_ref()));
            let (reason, span): (Reason, Span) = match (user, non_root) {
                (Some(user), _) if user.value == 0 => (Reason::UserZero, user.span),
                (Some(_), _) => continue,
                (None, Some(flag)) if flag.value => continue,
                (None, Some(flag)) => (Reason::NonRootFalse, flag.span),
                (None, None) => (Reason::Unset, container_anchor(container)),
            };
            cx.report(
                RunsAsRoot {
                    workload: workload.display_name(),
                    container: container_label(container),
                    reason,
                },
                span,
            );
        }
    }
}
