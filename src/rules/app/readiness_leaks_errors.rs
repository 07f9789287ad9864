//! FA009: see rules/app/FA009-readiness-leaks-errors.md

use std::collections::HashSet;

use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// A health or readiness handler hands exception text to its caller.
struct ReadinessLeaksErrors {
    /// The route's path as served.
    path: String,
}

impl Violation for ReadinessLeaksErrors {
    const CODE: RuleCode = RuleCode::FA009;

    fn message(&self) -> String {
        format!(
            "`{}` returns the exception text to the client: probes and load balancers call \
             it without authentication, so the internal errors it carries (hostnames, \
             DSNs, SQL) reach anyone who can reach the service",
            self.path
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "log the exception (`logger.exception(...)`) and return a fixed status text \
             with status 503"
                .to_string(),
        )
    }
}

/// Last path segments of health, readiness and liveness endpoints.
const PROBE_SEGMENTS: &[&str] = &[
    "health",
    "healthz",
    "healthcheck",
    "health-check",
    "ready",
    "readyz",
    "readiness",
    "live",
    "livez",
    "liveness",
    "ping",
    "status",
];

/// Whether the served path is a probe endpoint (`/health`, `/api/v1/readyz`,
/// `/health/live`); a path with parameters (`/orders/{id}/status`) is a resource, not a
/// probe.
fn is_probe_path(path: &str) -> bool {
    if path.contains('{') {
        return false;
    }
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    PROBE_SEGMENTS.contains(&last.as_str())
}

/// Words that may come with a probe word in a handler name (`get_readiness`,
/// `liveness_check`).
const FILLER_WORDS: &[&str] = &[
    "get", "check", "probe", "endpoint", "is", "api", "route", "handler", "k8s", "kube",
];

/// Whether a handler's name says it is a probe: any word starting with `health`
/// (`db_health`, `healthcheck`), or `ready`/`live` words with only filler words beside
/// them (`readiness_check`, `get_liveness`); `deliver` and `get_live_scores` are not.
fn is_probe_handler(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split('_').filter(|word| !word.is_empty()).collect();
    if words.iter().any(|word| word.starts_with("health")) {
        return true;
    }
    let is_probe_word = |word: &&str| {
        matches!(
            *word,
            "ready" | "readyz" | "readiness" | "live" | "livez" | "liveness"
        )
    };
    words.iter().any(is_probe_word)
        && words
            .iter()
            .all(|word| is_probe_word(word) || FILLER_WORDS.contains(word))
}

/// Reports exception text returned by health and readiness handlers.
pub(crate) fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    let app = &project.python().app;
    let mut seen = HashSet::new();
    for route in &app.routes {
        if !matches!(route.method.as_str(), "GET" | "HEAD") {
            continue;
        }
        if !is_probe_path(&route.full_path) && !is_probe_handler(&route.handler) {
            continue;
        }
        if !seen.insert(route.function) {
            continue;
        }
        let Some(handler) = app.functions.get(route.function) else {
            continue;
        };
        let (Some(handler_file), Some(route_file)) =
            (files.get(handler.module), files.get(route.module))
        else {
            continue;
        };
        for &leak in &handler.leaked_exceptions {
            let report = cx.report_in(
                handler_file,
                ReadinessLeaksErrors {
                    path: route.full_path.clone(),
                },
                leak,
            );
            report.label(
                route_file,
                route.span,
                "the probe endpoint is declared here",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_paths() {
        for path in [
            "/health",
            "/healthz/",
            "/api/v1/health",
            "/health/ready",
            "/status",
        ] {
            assert!(is_probe_path(path), "{path}");
        }
        for path in ["/", "/items", "/orders/{id}/status", "/healthy-food"] {
            assert!(!is_probe_path(path), "{path}");
        }
    }

    #[test]
    fn probe_handler_names() {
        for name in [
            "health",
            "db_health",
            "readiness_check",
            "get_liveness",
            "healthcheck",
            "ready",
        ] {
            assert!(is_probe_handler(name), "{name}");
        }
        for name in ["deliver", "already_done", "list_items", "get_live_scores"] {
            assert!(!is_probe_handler(name), "{name}");
        }
    }
}
