//! Rules over systemd units (`*.service`).

pub mod env_file_world_readable;
pub mod no_restart_policy;
pub mod notify_without_sd_notify;
pub mod python_output_buffered;
pub mod reload_in_execstart;
pub mod runs_as_root;

use crate::engine::Context;
use crate::parse::command::Invocation;
use crate::parse::systemd::{Entry, ExecCommand, Unit, UnitType};

/// The server a `.service` unit starts, when the unit is a service and its `ExecStart=`
/// starts one the command-line model knows (a Python script or module counts).
pub(crate) fn service_server<'u>(
    unit: &'u Unit,
    cx: &Context,
) -> Option<(&'u Entry, ExecCommand, Invocation)> {
    if !is_service(cx) {
        return None;
    }
    unit.invocation()
}

/// Whether the current file is a `.service` unit (the only type the rules read).
pub(crate) fn is_service(cx: &Context) -> bool {
    cx.file()
        .is_some_and(|file| UnitType::of_path(file.path()) == UnitType::Service)
}

/// The effective value of a `[Service]` key, trimmed.
pub(crate) fn service_value<'u>(unit: &'u Unit, key: &str) -> Option<&'u Entry> {
    unit.get("Service", key)
}

/// systemd's boolean reading (`yes`, `true`, `on`, `1`).
pub(crate) fn is_true(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "1" | "yes" | "y" | "true" | "t" | "on"
    )
}

#[cfg(test)]
mod tests {
    use crate::{FileKind, Linter, Settings, SourceFile};

    /// The unit a recovery guide recommends for a FastAPI service: it must pass every
    /// rule that reads systemd units.
    const RECOVERY_GUIDE_UNIT: &str = "\
[Unit]
Description=Orders API
After=network-online.target
Wants=network-online.target

[Service]
User=orders
Group=orders
WorkingDirectory=/srv/orders
EnvironmentFile=/etc/orders/orders.env
Environment=PYTHONUNBUFFERED=1
ExecStart=/srv/orders/.venv/bin/gunicorn orders.main:app \\
    -k uvicorn.workers.UvicornWorker --bind 0.0.0.0:8000 --workers 3
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
";

    #[test]
    fn the_recovery_guide_unit_produces_no_finding() {
        let report = Linter::new(Settings::default()).lint_sources(vec![SourceFile::new(
            "deploy/orders.service",
            FileKind::SystemdUnit,
            RECOVERY_GUIDE_UNIT,
        )]);
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn the_same_unit_without_its_safeguards_fires_every_service_rule() {
        let stripped: String = RECOVERY_GUIDE_UNIT
            .lines()
            .filter(|l| !l.starts_with("User=") && !l.starts_with("Restart="))
            .filter(|l| !l.starts_with("Environment="))
            .map(|l| {
                l.replace("/etc/orders/orders.env", "/srv/orders/.env")
                    .replace("--workers 3", "--workers 3 --reload")
                    + "\n"
            })
            .collect();
        let report = Linter::new(Settings::default()).lint_sources(vec![SourceFile::new(
            "deploy/orders.service",
            FileKind::SystemdUnit,
            stripped,
        )]);
        let mut codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
        codes.sort_unstable();
        assert_eq!(codes, ["SD001", "SD002", "SD003", "SD004", "SD005"]);
    }
}
