//! GU001: see rules/gunicorn/GU001-reload-enabled.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::PythonFile;

use super::{config_of, gunicorn_bool};

/// `reload = True` in a gunicorn config.
struct ReloadEnabled {
    /// The environment variable that can turn it off, when the value is its default.
    env_override: Option<String>,
}

impl Violation for ReloadEnabled {
    const CODE: RuleCode = RuleCode::GU001;

    fn message(&self) -> String {
        let base = "`reload` is on: every worker watches the source tree and restarts when a \
                    file changes, which costs CPU in production and restarts workers mid-request";
        match &self.env_override {
            Some(variable) => format!("{base} (unless `{variable}` is set otherwise)"),
            None => base.to_string(),
        }
    }

    fn help(&self) -> Option<String> {
        Some("remove `reload = True`; enable it only in a development command line".to_string())
    }
}

pub(crate) fn check(file: &PythonFile, cx: &mut Context) {
    let Some(config) = config_of(file) else {
        return;
    };
    let Some(reload) = config.get("reload").filter(|setting| setting.is_set()) else {
        return;
    };
    if reload.value.conditional || gunicorn_bool(&reload.value.value) != Some(true) {
        return;
    }
    let span = reload.span.cover(reload.value.span);
    cx.report(
        ReloadEnabled {
            env_override: reload.value.env_override.clone(),
        },
        span,
    );
}
