//! XF006: see rules/project/XF006-too-many-workers-for-cpu.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::project::{Project, Runtime};

use super::plural;

/// Async workers per CPU core beyond which more workers add no throughput.
const WORKERS_PER_CORE: u64 = 2;

/// More async worker processes than the container's CPU limit can run.
struct TooManyWorkersForCpu {
    container: String,
    workers: i64,
    workers_origin: String,
    worker: String,
    cpu: String,
    millicores: u64,
}

impl TooManyWorkersForCpu {
    /// The most workers the limit justifies (at least one).
    fn advised(&self) -> u64 {
        (self.millicores * WORKERS_PER_CORE / 1000).max(1)
    }
}

impl Violation for TooManyWorkersForCpu {
    const CODE: RuleCode = RuleCode::XF006;

    fn message(&self) -> String {
        let cores = format_cores(self.millicores);
        let limit = if cores == self.cpu.trim() {
            format!("{cores} cores")
        } else {
            format!("{} ({cores} cores)", self.cpu)
        };
        format!(
            "{} ({}) of {} for a CPU limit of {limit} in {}: more than {} async workers per \
             core add memory and context switches, not throughput, as each worker already \
             serves many requests at once",
            plural(self.workers, "worker"),
            self.workers_origin,
            self.worker,
            self.container,
            WORKERS_PER_CORE
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "run at most {} workers here, or raise `resources.limits.cpu`",
            self.advised()
        ))
    }
}

/// `0.5`, `2`.
fn format_cores(millicores: u64) -> String {
    if millicores.is_multiple_of(1000) {
        (millicores / 1000).to_string()
    } else {
        let text = format!("{:.3}", millicores as f64 / 1000.0);
        text.trim_end_matches('0').to_string()
    }
}

/// The async worker a runtime runs, named for the message: uvicorn itself, or gunicorn
/// with a uvicorn worker class.
fn async_worker(runtime: &Runtime) -> Option<String> {
    match runtime.server()? {
        Server::Uvicorn => Some("uvicorn".to_string()),
        Server::FastApiRun => Some("`fastapi run` (uvicorn)".to_string()),
        Server::Gunicorn => {
            let class = runtime.worker_class()?;
            class
                .value
                .to_ascii_lowercase()
                .contains("uvicorn")
                .then(|| format!("gunicorn's `{}`", class.value))
        }
        _ => None,
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for service in project.services() {
        for runtime in service.runtimes.iter().filter(|r| !r.development) {
            let Some((source, object, container)) = project.kubernetes_container(runtime) else {
                continue;
            };
            let Some(cpu) = &container.resources.limits.cpu else {
                continue;
            };
            let (Some(millicores), Some(workers), Some(worker)) =
                (cpu.millicores(), runtime.workers(), async_worker(runtime))
            else {
                continue;
            };
            let Ok(count) = u64::try_from(workers.value) else {
                continue;
            };
            // One worker is the least a server runs: only more than the limit justifies
            // (at least one) is too many.
            let justified = (WORKERS_PER_CORE * millicores / 1000).max(1);
            if millicores == 0 || count <= justified {
                continue;
            }
            let violation = TooManyWorkersForCpu {
                container: project
                    .runtime_place(runtime)
                    .map_or_else(|| object.display_name(), |place| place.description),
                workers: workers.value,
                workers_origin: project.describe_origin(&workers.origin),
                worker,
                cpu: cpu.raw.value.clone(),
                millicores,
            };
            cx.report_in(source, violation, cpu.raw.span).label_origin(
                project,
                &workers.origin,
                format!("{} per pod", plural(workers.value, "worker")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_are_written_without_trailing_zeros() {
        assert_eq!(format_cores(500), "0.5");
        assert_eq!(format_cores(2000), "2");
        assert_eq!(format_cores(1250), "1.25");
    }
}
