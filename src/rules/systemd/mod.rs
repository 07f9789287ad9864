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
