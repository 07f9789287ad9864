//! GU005: see rules/gunicorn/GU005-recycling-without-jitter.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::{Project, PythonFile};

use super::config_of;

/// `max_requests` without `max_requests_jitter`.
struct RecyclingWithoutJitter {
    max_requests: i64,
}

impl Violation for RecyclingWithoutJitter {
    const CODE: RuleCode = RuleCode::GU005;

    fn message(&self) -> String {
        format!(
            "`max_requests = {}` with no jitter (`max_requests_jitter` unset or 0): workers that started together \
             reach the limit together and restart at the same moment, dropping capacity at once",
            self.max_requests
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "add `max_requests_jitter = {}` (about a tenth of `max_requests`)",
            (self.max_requests / 10).max(1)
        ))
    }
}

/// The check over every configuration file whose value is the one in effect.
pub(crate) fn check_project(project: &Project, cx: &mut Context) {
    super::unless_set_elsewhere(project, cx, &["max_requests", "max_requests_jitter"], check);
}

fn check(file: &PythonFile, cx: &mut Context) {
    let Some(config) = config_of(file) else {
        return;
    };
    let Some(max_requests) = config
        .get("max_requests")
        .filter(|setting| setting.is_set())
    else {
        return;
    };
    if max_requests.value.conditional {
        return;
    }
    let Some(limit) = max_requests.value.value.as_int().filter(|limit| *limit > 0) else {
        return;
    };
    let Some(jitter) = config.get("max_requests_jitter") else {
        return;
    };
    // An explicit jitter that is not a plain 0 (unknown, conditional) may well be positive.
    if jitter.is_set() && (jitter.value.conditional || jitter.value.value.as_int() != Some(0)) {
        return;
    }
    let span = max_requests.span.cover(max_requests.value.span);
    let file = cx.file();
    let report = cx.report(
        RecyclingWithoutJitter {
            max_requests: limit,
        },
        span,
    );
    if jitter.is_set()
        && let Some(file) = file
    {
        let jitter_span = jitter.span.cover(jitter.value.span);
        let _ = report.label(file, jitter_span, "jitter set to 0 here");
    }
}
