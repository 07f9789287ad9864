//! XF005: see rules/project/XF005-worker-memory-exceeds-limit.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::{Fact, Origin, Project};

use super::{format_memory, plural};

/// What one worker process is expected to need when the configuration does not say.
pub(crate) const DEFAULT_WORKER_MEMORY: u64 = 150 * 1024 * 1024;

/// A container's worker processes need more memory than its limit.
struct WorkerMemoryExceedsLimit {
    container: String,
    workers: i64,
    /// Where the worker count comes from.
    workers_origin: String,
    per_worker: u64,
    /// Where the per-worker size comes from.
    per_worker_origin: String,
    needed: u64,
    limit: String,
}

impl Violation for WorkerMemoryExceedsLimit {
    const CODE: RuleCode = RuleCode::XF005;

    fn message(&self) -> String {
        format!(
            "{} ({}) x {} per worker ({}) = {} > the memory limit {} of {}: under load the \
             kernel OOM-kills workers and requests in flight fail",
            plural(self.workers, "worker"),
            self.workers_origin,
            format_memory(self.per_worker),
            self.per_worker_origin,
            format_memory(self.needed),
            self.limit,
            self.container
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "raise `resources.limits.memory` to at least {}, run fewer workers, or set \
             `worker-memory` in the configuration to the measured size of one worker",
            format_memory(self.needed)
        ))
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let per_worker = match project.facts().worker_memory {
        Some(bytes) => Fact::new(bytes, Origin::Config("worker-memory".to_string())),
        None => Fact::new(
            DEFAULT_WORKER_MEMORY,
            Origin::default_of("default `worker-memory`"),
        ),
    };
    for service in project.services() {
        for runtime in service.runtimes.iter().filter(|r| !r.development) {
            let Some((source, object, container)) = project.kubernetes_container(runtime) else {
                continue;
            };
            let Some(memory) = &container.resources.limits.memory else {
                continue;
            };
            let (Some(limit), Some(workers)) = (memory.bytes(), runtime.workers()) else {
                continue;
            };
            let Ok(count) = u64::try_from(workers.value) else {
                continue;
            };
            // A single worker under a small limit is K8S007's finding (limit below
            // 512Mi); this rule is about what the worker count multiplies.
            let needed = count.saturating_mul(per_worker.value);
            if count < 2 || needed <= limit {
                continue;
            }
            let violation = WorkerMemoryExceedsLimit {
                container: project
                    .runtime_place(runtime)
                    .map_or_else(|| object.display_name(), |place| place.description),
                workers: workers.value,
                workers_origin: project.describe_origin(&workers.origin),
                per_worker: per_worker.value,
                per_worker_origin: project.describe_origin(&per_worker.origin),
                needed,
                limit: memory.raw.value.clone(),
            };
            cx.report_in(source, violation, memory.raw.span)
                .label_origin(
                    project,
                    &workers.origin,
                    format!("{} per pod", plural(workers.value, "worker")),
                );
        }
    }
}
