//! SD002: see rules/systemd/SD002-reload-in-execstart.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::systemd::Unit;

use super::is_service;

/// `ExecStart=` starts the server with auto-reload.
struct ReloadInExecStart {
    server: Server,
}

impl Violation for ReloadInExecStart {
    const CODE: RuleCode = RuleCode::SD002;

    fn message(&self) -> String {
        if self.server == Server::FastApiDev {
            "`ExecStart=` runs `fastapi dev`, the development mode with auto-reload".to_string()
        } else {
            format!(
                "`ExecStart=` starts {} with `--reload`: a file watcher restarts the server \
                 whenever a file under it changes, in production",
                self.server.name()
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(if self.server == Server::FastApiDev {
            "use `fastapi run` and deploy code changes with `systemctl restart`".to_string()
        } else {
            "remove `--reload`; deploy code changes with `systemctl restart` (or \
             `ExecReload=` sending SIGHUP to gunicorn)"
                .to_string()
        })
    }
}

pub(crate) fn check(unit: &Unit, cx: &mut Context) {
    if !is_service(cx) {
        return;
    }
    for (_, command) in unit.exec_start() {
        let Some(invocation) = command.invocation() else {
            continue;
        };
        if let Some(span) = invocation.reload {
            cx.report(
                ReloadInExecStart {
                    server: invocation.server.value,
                },
                span,
            );
        }
    }
}
