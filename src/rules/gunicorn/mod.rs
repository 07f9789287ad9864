//! Rules for gunicorn configuration files (`gunicorn.conf.py`).

pub mod cpu_formula_workers;
pub mod graceful_timeout_short;
pub mod no_worker_recycling;
pub mod recycling_without_jitter;
pub mod reload_enabled;
pub mod unknown_setting;

use crate::parse::python::gunicorn::GunicornConfig;
use crate::project::{PythonFile, PythonRole};

/// The settings a gunicorn config file sets on its own (defaults for the rest); `None` for
/// files that are not gunicorn configs or were not parsed.
pub(crate) fn config_of(file: &PythonFile) -> Option<GunicornConfig> {
    if file.role != PythonRole::GunicornConfig {
        return None;
    }
    let module = file.module.as_ref()?;
    let mut config = GunicornConfig::new();
    config.apply_config_file(module);
    Some(config)
}

/// A boolean setting's value as gunicorn's validator reads it: `True`/`False`, or the
/// strings `"true"`, `"yes"`, `"on"`, `"1"`, `"y"` (and their negatives); `None` otherwise.
pub(crate) fn gunicorn_bool(value: &crate::parse::python::Value) -> Option<bool> {
    use crate::parse::python::Value;
    match value {
        Value::Bool(value) => Some(*value),
        Value::Str(text) => match text.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" | "on" => Some(true),
            "n" | "no" | "false" | "0" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}
