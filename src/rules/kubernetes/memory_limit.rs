//! K8S007: see rules/kubernetes/K8S007-memory-limit.md
//!
//! Workers x per-worker memory against the limit is XF005 (worker-memory-exceeds-limit),
//! which knows the workers from every file (gunicorn configuration, environment, image
//! command), not only the manifest's command line; this rule keeps the per-container
//! triggers so the two never report the same comparison.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;

use super::helpers::{container_anchor, describe, workloads};

/// The smallest memory limit a Python ASGI server is expected to live in.
const FLOOR_BYTES: u64 = 512 * MIB;

const MIB: u64 = 1024 * 1024;

/// What is wrong with a serving container's memory limit.
enum Problem {
    /// No `resources.limits.memory`.
    Missing,
    /// Below [`FLOOR_BYTES`].
    BelowFloor { limit: String },
}

/// A serving container has no memory limit, or one too small for a Python server.
struct MemoryLimit {
    container: String,
    problem: Problem,
}

impl Violation for MemoryLimit {
    const CODE: RuleCode = RuleCode::K8S007;

    fn message(&self) -> String {
        let container = &self.container;
        match &self.problem {
            Problem::Missing => format!(
                "{container} has no memory limit: one leaking worker can take the node's \
                 memory and get other pods evicted"
            ),
            Problem::BelowFloor { limit } => format!(
                "{container} has a memory limit of {limit}, below 512Mi: a Python server is \
                 OOM-killed at the first traffic spike"
            ),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match &self.problem {
            Problem::Missing => "set `resources.limits.memory` (and a matching \
                                 `requests.memory`) from the measured usage of the pod"
                .to_string(),
            Problem::BelowFloor { .. } => {
                "raise `resources.limits.memory` to at least 512Mi".to_string()
            }
        })
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.serving_containers() {
            let Some(memory) = &container.resources.limits.memory else {
                let violation = MemoryLimit {
                    container: describe(&workload, container),
                    problem: Problem::Missing,
                };
                cx.report(violation, container_anchor(container));
                continue;
            };
            // A malformed or templated quantity is another tool's business.
            let Some(bytes) = memory.bytes() else {
                continue;
            };
            if bytes >= FLOOR_BYTES {
                continue;
            }
            let violation = MemoryLimit {
                container: describe(&workload, container),
                problem: Problem::BelowFloor {
                    limit: memory.raw.value.clone(),
                },
            };
            cx.report(violation, memory.raw.span);
        }
    }
}
