//! GU009: see rules/gunicorn/GU009-graceful-timeout-short.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::{Project, PythonFile};

use super::config_of;

/// The seconds gunicorn's own default gives workers to finish.
const RECOMMENDED_SECONDS: f64 = 30.0;

/// `graceful_timeout` below 30 seconds.
struct GracefulTimeoutShort {
    seconds: String,
}

impl Violation for GracefulTimeoutShort {
    const CODE: RuleCode = RuleCode::GU009;

    fn message(&self) -> String {
        format!(
            "`graceful_timeout = {}` gives workers less than 30 seconds to finish in-flight \
             requests on shutdown or restart; slower requests are cut off",
            self.seconds
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "set `graceful_timeout` to at least 30 (and keep the orchestrator's grace period \
             longer than it)"
                .to_string(),
        )
    }
}

/// The check over every configuration file whose value is the one in effect.
pub(crate) fn check_project(project: &Project, cx: &mut Context) {
    super::unless_set_elsewhere(project, cx, &["graceful_timeout"], check);
}

fn check(file: &PythonFile, cx: &mut Context) {
    let Some(config) = config_of(file) else {
        return;
    };
    let Some(timeout) = config
        .get("graceful_timeout")
        .filter(|setting| setting.is_set())
    else {
        return;
    };
    if timeout.value.conditional {
        return;
    }
    let Some(seconds) = timeout.value.value.as_number() else {
        return;
    };
    if seconds >= RECOMMENDED_SECONDS {
        return;
    }
    let Some(text) = timeout.value.value.python_repr() else {
        return;
    };
    let span = timeout.span.cover(timeout.value.span);
    cx.report(GracefulTimeoutShort { seconds: text }, span);
}
