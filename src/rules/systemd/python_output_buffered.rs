//! SD003: see rules/systemd/SD003-python-output-buffered.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::systemd::Unit;

use super::service_server;

/// The service runs Python with block-buffered standard output.
struct PythonOutputBuffered;

impl Violation for PythonOutputBuffered {
    const CODE: RuleCode = RuleCode::SD003;

    fn message(&self) -> String {
        "the service runs Python without `PYTHONUNBUFFERED=1` or `-u`: its standard output \
         is a pipe to the journal, so Python block-buffers it and `print` lines reach \
         `journalctl` late, or never when the process is killed"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some("add `Environment=PYTHONUNBUFFERED=1` to `[Service]`".to_string())
    }
}

/// The variable that makes Python's standard streams unbuffered.
const UNBUFFERED: &str = "PYTHONUNBUFFERED";

pub(crate) fn check(unit: &Unit, cx: &mut Context) {
    let Some((_, command, invocation)) = service_server(unit, cx) else {
        return;
    };
    let set_by_unit = unit
        .env_value(UNBUFFERED)
        .is_some_and(|a| !a.value.value.is_empty());
    let set_on_command = invocation
        .env_value(UNBUFFERED)
        .is_some_and(|v| !v.text.is_empty());
    let unbuffered_flag = invocation
        .python
        .as_ref()
        .is_some_and(|p| p.unbuffered.is_some());
    if set_by_unit || set_on_command || unbuffered_flag {
        return;
    }
    cx.report(PythonOutputBuffered, command.span);
}
