//! GU004: see rules/gunicorn/GU004-no-worker-recycling.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::{Project, PythonFile};

use super::config_of;

/// A production config that never recycles workers.
struct NoWorkerRecycling {
    /// Whether `max_requests = 0` is written (rather than missing).
    explicit_zero: bool,
}

impl Violation for NoWorkerRecycling {
    const CODE: RuleCode = RuleCode::GU004;

    fn message(&self) -> String {
        let what = if self.explicit_zero {
            "`max_requests = 0`"
        } else {
            "no `max_requests`"
        };
        format!(
            "{what}: workers are never recycled, so a slow memory leak in the app or a library \
             grows until the container is OOM-killed"
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "set `max_requests = 1000` and `max_requests_jitter = 100` (tune to the app)"
                .to_string(),
        )
    }
}

/// The check over every configuration file whose value is the one in effect.
pub(crate) fn check_project(project: &Project, cx: &mut Context) {
    super::unless_set_elsewhere(project, cx, &["max_requests"], check);
}

fn check(file: &PythonFile, cx: &mut Context) {
    let Some(config) = config_of(file) else {
        return;
    };
    // Only a production config (one that sizes the workers) is expected to recycle them.
    let Some(anchor) = ["workers", "worker_class"]
        .into_iter()
        .filter_map(|name| config.get(name))
        .find(|setting| setting.is_set())
    else {
        return;
    };
    let Some(max_requests) = config.get("max_requests") else {
        return;
    };
    let span = if max_requests.is_set() {
        if max_requests.value.conditional || max_requests.value.value.as_int() != Some(0) {
            return;
        }
        max_requests.span.cover(max_requests.value.span)
    } else {
        anchor.span
    };
    cx.report(
        NoWorkerRecycling {
            explicit_zero: max_requests.is_set(),
        },
        span,
    );
}
