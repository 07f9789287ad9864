//! K8S007: see rules/kubernetes/K8S007-memory-limit.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;
use crate::span::Span;

use super::helpers::{container_anchor, describe, invocation, literal_u64, workloads};

/// The smallest memory limit a Python ASGI server is expected to live in.
const FLOOR_BYTES: u64 = 512 * MIB;

/// What one worker process is expected to need.
const PER_WORKER_BYTES: u64 = 150 * MIB;

const MIB: u64 = 1024 * 1024;

/// What is wrong with a serving container's memory limit.
enum Problem {
    /// No `resources.limits.memory`.
    Missing,
    /// Below [`FLOOR_BYTES`].
    BelowFloor { limit: String },
    /// Below workers × [`PER_WORKER_BYTES`].
    BelowWorkers { limit: String, workers: u64 },
}

/// A serving container has no memory limit, or one too small for its workers.
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
            Problem::BelowWorkers { limit, workers } => format!(
                "{container} runs {workers} workers in a memory limit of {limit}: {workers} x \
                 150Mi = {}Mi needed, the kernel OOM-kills workers under load",
                workers * 150
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
            Problem::BelowWorkers { workers, .. } => format!(
                "raise `resources.limits.memory` to at least {}Mi, or run fewer workers",
                (workers * 150).max(512)
            ),
        })
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.serving_containers() {
            let workers =
                invocation(container).and_then(|i| i.workers.map(|w| (literal_u64(&w), w.span)));
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
            let limit = memory.raw.value.clone();
            let mut label: Option<Span> = None;
            let problem = match workers {
                Some((Some(count), span)) if bytes < count.saturating_mul(PER_WORKER_BYTES) => {
                    label = Some(span);
                    Problem::BelowWorkers {
                        limit,
                        workers: count,
                    }
                }
                _ if bytes < FLOOR_BYTES => Problem::BelowFloor { limit },
                _ => continue,
            };
            let file = cx.file();
            let violation = MemoryLimit {
                container: describe(&workload, container),
                problem,
            };
            let mut report = cx.report(violation, memory.raw.span);
            if let (Some(span), Some(file)) = (label, file) {
                report = report.label(file, span, "workers set here");
            }
            drop(report);
        }
    }
}
