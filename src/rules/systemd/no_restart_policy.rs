//! SD001: see rules/systemd/SD001-no-restart-policy.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::systemd::Unit;

use super::{service_server, service_value};

/// The service is not restarted when the server dies.
struct NoRestartPolicy {
    server: Server,
    /// Whether `Restart=no` is written (rather than missing).
    explicit_no: bool,
}

impl Violation for NoRestartPolicy {
    const CODE: RuleCode = RuleCode::SD001;

    fn message(&self) -> String {
        let what = if self.explicit_no {
            "sets `Restart=no`"
        } else {
            "has no `Restart=`"
        };
        format!(
            "the service running {} {what}: when the process crashes, is OOM-killed or exits, \
             systemd leaves it down until someone restarts it by hand",
            self.server.name()
        )
    }

    fn help(&self) -> Option<String> {
        Some("add `Restart=always` (or `on-failure`) and `RestartSec=5` to `[Service]`".to_string())
    }
}

pub(crate) fn check(unit: &Unit, cx: &mut Context) {
    let Some((_, _, invocation)) = service_server(unit, cx) else {
        return;
    };
    // A oneshot unit runs to completion; systemd refuses `Restart=always` for it.
    if service_value(unit, "Type").is_some_and(|t| t.value.value == "oneshot") {
        return;
    }
    let server = invocation.server.value;
    let span = match service_value(unit, "Restart") {
        Some(restart) if restart.value.value == "no" || restart.is_empty() => {
            restart.value.span.cover(restart.key.span)
        }
        Some(_) => return,
        None => match unit.service() {
            Some(section) => section.header,
            None => return,
        },
    };
    let explicit_no = service_value(unit, "Restart").is_some();
    let file = cx.file();
    let report = cx.report(
        NoRestartPolicy {
            server,
            explicit_no,
        },
        span,
    );
    if let Some(file) = file {
        let _ = report.label(file, invocation.server.span, "the server started here");
    }
}
