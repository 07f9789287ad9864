//! GU011: see rules/gunicorn/GU011-worker-heartbeat-on-disk.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;

use super::runtime::{
    describe_origin, describe_places, group, gunicorn_runtimes, known_setting, places,
    report_location,
};

/// gunicorn's worker heartbeat files live on the container's disk.
struct WorkerHeartbeatOnDisk {
    /// The directory, or `None` for the system's temporary directory.
    directory: Option<String>,
    /// Where it is set (or the default).
    origin: String,
    /// Where it runs.
    place: String,
}

impl Violation for WorkerHeartbeatOnDisk {
    const CODE: RuleCode = RuleCode::GU011;

    fn message(&self) -> String {
        let directory = match &self.directory {
            Some(path) => format!("in `{path}`"),
            None => "in the temporary directory (`/tmp`)".to_string(),
        };
        format!(
            "gunicorn keeps its worker heartbeat files {directory} ({}) inside a container \
             ({}): on the container's overlay filesystem the heartbeat can block on disk I/O, \
             and the arbiter kills workers that look stuck",
            self.origin, self.place
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "set `worker_tmp_dir = \"/dev/shm\"` (memory-backed) in the gunicorn configuration, \
             or `--worker-tmp-dir /dev/shm`"
                .to_string(),
        )
    }
}

/// Whether a heartbeat directory is memory-backed.
fn in_memory(path: &str) -> bool {
    let path = path.trim().trim_end_matches('/');
    path == "/dev/shm" || path.starts_with("/dev/shm/")
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let mut findings = Vec::new();
    for (_, runtime) in gunicorn_runtimes(project) {
        if !runtime.platform.is_containerised() {
            continue;
        }
        let Some(fact) = known_setting(runtime, "worker_tmp_dir") else {
            continue;
        };
        let directory = match &fact.value {
            Value::None => None,
            Value::Str(path) if !in_memory(path) && !path.contains('$') => Some(path.clone()),
            _ => continue,
        };
        let Some((file, span)) = report_location(runtime, &fact) else {
            continue;
        };
        findings.push((file, span, (directory, fact), runtime));
    }
    for found in group(findings) {
        let Some(source) = project.source(found.file) else {
            continue;
        };
        let (directory, fact) = &found.item;
        let places = places(project, &found.runtimes);
        let violation = WorkerHeartbeatOnDisk {
            directory: directory.clone(),
            origin: describe_origin(project, fact),
            place: describe_places(&places),
        };
        let mut report = cx.report_in(source, violation, found.span);
        for (file, span, text) in &places {
            if (*file, *span) == (found.file, found.span) {
                continue;
            }
            if let Some(place_source) = project.source(*file) {
                report = report.label(place_source, *span, format!("runs in {text}"));
            }
        }
        drop(report);
    }
}

#[cfg(test)]
mod tests {
    use super::in_memory;

    #[test]
    fn dev_shm_and_below_are_in_memory() {
        assert!(in_memory("/dev/shm"));
        assert!(in_memory("/dev/shm/"));
        assert!(in_memory("/dev/shm/gunicorn"));
        assert!(!in_memory("/tmp"));
        assert!(!in_memory("/dev/shmx"));
    }
}
