//! K8S004: see rules/kubernetes/K8S004-liveness-touches-dependencies.md
//!
//! For now the path alone decides; linking the path to the app's route handler (and the
//! database calls it makes) comes with the application model.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;

use super::helpers::{container_label, workloads};

/// Path words that name a readiness or dependency check.
const DEPENDENCY_WORDS: &[&str] = &[
    "ready",
    "readyz",
    "readiness",
    "db",
    "database",
    "databases",
    "deps",
    "dependencies",
    "dependency",
];

/// A liveness probe aimed at a readiness or dependency check.
struct LivenessTouchesDependencies {
    workload: String,
    container: String,
    path: String,
}

impl Violation for LivenessTouchesDependencies {
    const CODE: RuleCode = RuleCode::K8S004;

    fn message(&self) -> String {
        format!(
            "liveness probe of container {} in {} checks `{}`, which looks like a readiness \
             or dependency check: when the database or another dependency is slow or down, \
             Kubernetes restarts every pod at once and a partial outage becomes a full one",
            self.container, self.workload, self.path
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "point `livenessProbe` at an endpoint that only proves the process answers \
             (`httpGet: {path: /livez, port: http}`) and move the dependency check to \
             `readinessProbe`"
                .to_string(),
        )
    }
}

/// Whether an HTTP path names a readiness or dependency check: one of its segments, or a
/// `-`/`_`/`.` separated word of a segment, is a dependency word (`/health/db`,
/// `/readyz`, `/api/deps-check`). The query string is ignored.
fn is_dependency_path(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.split('/')
        .flat_map(|segment| segment.split(['-', '_', '.']))
        .any(|word| DEPENDENCY_WORDS.contains(&word.to_ascii_lowercase().as_str()))
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        if !workload.is_long_running() {
            continue;
        }
        for container in workload.pod.all_containers() {
            let Some(path) = container
                .liveness_probe
                .as_ref()
                .and_then(|probe| probe.handler.http_get())
                .and_then(|http| http.path.as_ref())
            else {
                continue;
            };
            if !is_dependency_path(&path.value) {
                continue;
            }
            cx.report(
                LivenessTouchesDependencies {
                    workload: workload.display_name(),
                    container: container_label(container),
                    path: path.value.clone(),
                },
                path.span,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_dependency_path;

    #[test]
    fn dependency_paths() {
        for path in [
            "/ready",
            "/readyz",
            "/readiness",
            "/db",
            "/health/db",
            "/health/ready",
            "/api/v1/deps-check",
            "/healthz/database?verbose=1",
            "/Health/Ready",
            "/status/dependencies",
        ] {
            assert!(is_dependency_path(path), "{path}");
        }
        for path in [
            "/",
            "/health",
            "/healthz",
            "/livez",
            "/already-up",
            "/ping",
            "/dbx",
            "/health?check=db",
        ] {
            assert!(!is_dependency_path(path), "{path}");
        }
    }
}
