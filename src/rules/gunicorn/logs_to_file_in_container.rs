//! GU010: see rules/gunicorn/GU010-logs-to-file-in-container.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

use super::runtime::{
    describe_origin, describe_places, group, gunicorn_runtimes, known_setting, places,
    report_location,
};

/// gunicorn writes a log to a file inside a container.
struct LogsToFileInContainer {
    /// `accesslog` or `errorlog`.
    setting: &'static str,
    /// The path.
    path: String,
    /// Where it is set.
    origin: String,
    /// Where it runs.
    place: String,
}

impl Violation for LogsToFileInContainer {
    const CODE: RuleCode = RuleCode::GU010;

    fn message(&self) -> String {
        let log = if self.setting == "accesslog" {
            "access log"
        } else {
            "error log"
        };
        format!(
            "gunicorn writes its {log} to the file `{}` (`{}`, {}) inside a container ({}): \
             `docker logs`, `kubectl logs` and the log collector never see it, and the file \
             grows in the container's writable layer until it is lost with the container",
            self.path, self.setting, self.origin, self.place
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "set `{} = \"-\"` so gunicorn logs to the standard streams the container runtime \
             collects",
            self.setting
        ))
    }
}

/// Whether a log destination is a file (not `-`, not a standard stream's device).
fn is_file_path(path: &str) -> bool {
    let path = path.trim();
    !(path.is_empty()
        || path == "-"
        || path.starts_with("/dev/")
        || path.starts_with("/proc/self/fd/")
        || path.starts_with("/proc/1/fd/"))
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let mut findings = Vec::new();
    for (_, runtime) in gunicorn_runtimes(project) {
        if !runtime.platform.is_containerised() {
            continue;
        }
        for setting in ["accesslog", "errorlog"] {
            let Some(fact) = known_setting(runtime, setting) else {
                continue;
            };
            let Some(path) = fact.value.as_str() else {
                continue;
            };
            if !is_file_path(path) || path.contains('$') {
                continue;
            }
            let path = path.to_string();
            let Some((file, span)) = report_location(runtime, &fact) else {
                continue;
            };
            findings.push((file, span, (setting, path, fact), runtime));
        }
    }
    for found in group(findings) {
        let Some(source) = project.source(found.file) else {
            continue;
        };
        let (setting, path, fact) = &found.item;
        let places = places(project, &found.runtimes);
        let violation = LogsToFileInContainer {
            setting,
            path: path.clone(),
            origin: describe_origin(project, fact),
            place: describe_places(&places),
        };
        let mut report = cx.report_in(source, violation, found.span);
        for (file, span, text) in &places {
            if let Some(place_source) = project.source(*file) {
                report = report.label(place_source, *span, format!("runs in {text}"));
            }
        }
        drop(report);
    }
}

#[cfg(test)]
mod tests {
    use super::is_file_path;

    #[test]
    fn standard_streams_are_not_files() {
        assert!(is_file_path("/var/log/gunicorn/access.log"));
        assert!(is_file_path("logs/error.log"));
        assert!(!is_file_path("-"));
        assert!(!is_file_path("/dev/stdout"));
        assert!(!is_file_path("/dev/stderr"));
        assert!(!is_file_path("/proc/self/fd/1"));
        assert!(!is_file_path(""));
    }
}
