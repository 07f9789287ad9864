//! K8S004: see rules/kubernetes/K8S004-liveness-touches-dependencies.md
//!
//! The path's name decides, or the app model: the route the path reaches in the service
//! the container runs, and whether its handler reaches a database or cache.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::app::{FunctionFacts, Route};
use crate::project::{Platform, Project, Tree};

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
    /// The handler the path reaches and what it touches (`` `health` (app/main.py:9)
    /// reaches the database or cache ``), when the app model shows it.
    handler: Option<String>,
}

impl Violation for LivenessTouchesDependencies {
    const CODE: RuleCode = RuleCode::K8S004;

    fn message(&self) -> String {
        let what = match &self.handler {
            Some(handler) => format!("whose handler {handler}"),
            None => "which looks like a readiness or dependency check".to_string(),
        };
        format!(
            "liveness probe of container {} in {} checks `{}`, {what}: when the database or \
             another dependency is slow or down, Kubernetes restarts every pod at once and a \
             partial outage becomes a full one",
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

/// The route a probe path reaches in the service a container runs, when its handler
/// reaches a database or cache: the route (preferring `GET`) and the handler's facts.
fn storage_route<'p>(
    project: &'p Project,
    platform: Platform,
    path: &str,
) -> Option<(&'p Route, &'p FunctionFacts)> {
    let service = project
        .services()
        .iter()
        .find(|service| service.runtimes.iter().any(|r| r.platform == platform))?;
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let normalized = |p: &str| {
        let trimmed = p.trim_end_matches('/');
        if trimmed.is_empty() {
            "/".to_string()
        } else {
            trimmed.to_string()
        }
    };
    let wanted = normalized(path);
    let app = &project.python().app;
    let mut routes: Vec<&Route> = app
        .routes
        .iter()
        .filter(|route| {
            route.mounted
                && service.modules.contains(&route.module)
                && normalized(&route.full_path) == wanted
                && matches!(route.method.as_str(), "GET" | "HEAD")
        })
        .collect();
    if routes.is_empty() {
        return None;
    }
    routes.sort_by_key(|route| route.method != "GET");
    let route = routes.first()?;
    let function = app.functions.get(route.function)?;
    function.touches_storage.then_some((*route, function))
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let module_files = project.python_module_file_indices();
    for (file_index, parsed) in project.files().iter().enumerate() {
        let Tree::Kubernetes(manifests) = &parsed.tree else {
            continue;
        };
        let file = &parsed.source;
        for (object_index, object) in manifests.objects.iter().enumerate() {
            let Some(workload) = workloads(std::slice::from_ref(object)).next() else {
                continue;
            };
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
                let linked = workload
                    .pod
                    .containers
                    .iter()
                    .position(|c| std::ptr::eq(c, container))
                    .and_then(|index| {
                        storage_route(
                            project,
                            Platform::Kubernetes {
                                file: file_index,
                                object: object_index,
                                container: index,
                            },
                            &path.value,
                        )
                    });
                if linked.is_none() && !is_dependency_path(&path.value) {
                    continue;
                }
                let handler_file = linked.and_then(|(_, function)| {
                    let index = *module_files.get(function.module)?;
                    Some((index, project.source(index)?))
                });
                let handler = match (linked, handler_file) {
                    (Some((_, function)), Some((index, _))) => Some(format!(
                        "`{}` ({}) reaches the database or cache",
                        function.name,
                        project.file_line(index, function.name_span)
                    )),
                    _ => None,
                };
                let mut report = cx.report_in(
                    file,
                    LivenessTouchesDependencies {
                        workload: workload.display_name(),
                        container: container_label(container),
                        path: path.value.clone(),
                        handler,
                    },
                    path.span,
                );
                if let (Some((route, function)), Some((_, source))) = (linked, handler_file) {
                    report = report.label(
                        source,
                        route.span,
                        format!("`{}` serves `{}`", function.name, route.full_path),
                    );
                    if let Some(call) = function.storage_calls.first() {
                        report = report.label(
                            source,
                            call.span,
                            format!("`{}` reaches storage here", call.callee),
                        );
                    }
                }
                drop(report);
            }
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
