//! SD006: see rules/systemd/SD006-notify-without-sd-notify.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::systemd::Unit;

use super::{service_server, service_value};

/// `Type=notify` with a server that never tells systemd it is ready.
struct NotifyWithoutSdNotify {
    server: Server,
    unit_type: String,
}

impl Violation for NotifyWithoutSdNotify {
    const CODE: RuleCode = RuleCode::SD006;

    fn message(&self) -> String {
        format!(
            "`Type={}` waits for a readiness notification (`sd_notify(READY=1)`) that {} \
             never sends: systemd keeps the unit \"activating\", then kills the server when \
             `TimeoutStartSec` (90 s by default) runs out, and starts it again",
            self.unit_type,
            self.server.name()
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "use `Type=exec` (or `simple`); keep `Type=notify` only with gunicorn, which \
             notifies systemd when it is ready"
                .to_string(),
        )
    }
}

/// Servers known not to call `sd_notify`.
fn never_notifies(server: Server) -> bool {
    matches!(
        server,
        Server::Uvicorn | Server::Hypercorn | Server::FastApiRun | Server::FastApiDev
    )
}

pub(crate) fn check(unit: &Unit, cx: &mut Context) {
    let Some(unit_type) = service_value(unit, "Type") else {
        return;
    };
    if !matches!(unit_type.value.value.as_str(), "notify" | "notify-reload") {
        return;
    }
    let Some((_, _, invocation)) = service_server(unit, cx) else {
        return;
    };
    let server = invocation.server.value;
    if !never_notifies(server) {
        return;
    }
    let file = cx.file();
    let report = cx.report(
        NotifyWithoutSdNotify {
            server,
            unit_type: unit_type.value.value.clone(),
        },
        unit_type.value.span,
    );
    if let Some(file) = file {
        let _ = report.label(file, invocation.server.span, "this server never notifies");
    }
}
