//! FA003: see rules/app/FA003-health-endpoint-touches-dependencies.md

use std::collections::HashSet;

use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// A liveness-style endpoint reaches a database or cache.
struct HealthEndpointTouchesDependencies {
    /// The route's path as served.
    path: String,
}

impl Violation for HealthEndpointTouchesDependencies {
    const CODE: RuleCode = RuleCode::FA003;

    fn message(&self) -> String {
        format!(
            "`{}` looks like a liveness endpoint but reaches the database or cache: when \
             that dependency is slow or down, a liveness probe on it restarts every \
             replica at once",
            self.path
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "keep liveness to \"the process answers\" (return a constant) and check \
             dependencies in a separate readiness endpoint (`/ready`, `/readyz`)"
                .to_string(),
        )
    }
}

/// Last path segments that name a liveness endpoint.
const LIVENESS_SEGMENTS: &[&str] = &["health", "healthz", "live", "livez", "liveness", "ping"];

/// Whether the served path names a liveness endpoint (`/health`, `/api/healthz`,
/// `/health/live`); readiness paths (`/health/ready`) do not.
fn is_liveness_path(path: &str) -> bool {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LIVENESS_SEGMENTS.contains(&last.as_str())
}

/// Reports liveness-named routes whose handler reaches storage.
pub fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    let app = &project.python().app;
    let mut seen = HashSet::new();
    for route in &app.routes {
        if !matches!(route.method.as_str(), "GET" | "HEAD")
            || !is_liveness_path(&route.full_path)
            || !seen.insert((route.module, route.span))
        {
            continue;
        }
        let Some(handler) = app.functions.get(route.function) else {
            continue;
        };
        if !handler.touches_storage {
            continue;
        }
        let Some(file) = files.get(route.module) else {
            continue;
        };
        let report = cx.report_in(
            file,
            HealthEndpointTouchesDependencies {
                path: route.full_path.clone(),
            },
            route.span,
        );
        let storage = handler
            .storage_calls
            .first()
            .and_then(|call| Some((files.get(handler.module)?, call.span)));
        if let Some((handler_file, span)) = storage {
            report.label(handler_file, span, "reaches the database or cache here");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liveness_paths() {
        assert!(is_liveness_path("/health"));
        assert!(is_liveness_path("/api/healthz/"));
        assert!(is_liveness_path("/health/live"));
        assert!(!is_liveness_path("/health/ready"));
        assert!(!is_liveness_path("/readyz"));
        assert!(!is_liveness_path("/items/{id}"));
    }
}
