//! FA008: see rules/app/FA008-uvicorn-run-reload.md

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{Invocation, Server};
use crate::project::{Project, module_name};
use crate::source::SourceFile;
use crate::span::Span;

/// What is wrong with the `uvicorn.run(...)` call.
enum Problem {
    /// `reload=` is on (unless the variable, if any, turns it off).
    Reload { env: Option<String> },
    /// `host=` is a loopback address.
    Loopback { host: String },
}

/// A `uvicorn.run(...)` in a script that a container starts runs a dev setting.
struct UvicornRunReload {
    problem: Problem,
}

impl Violation for UvicornRunReload {
    const CODE: RuleCode = RuleCode::FA008;

    fn message(&self) -> String {
        match &self.problem {
            Problem::Reload { env } => {
                let unless = env
                    .as_ref()
                    .map(|var| format!(" (unless `{var}` turns it off)"))
                    .unwrap_or_default();
                format!(
                    "`uvicorn.run(...)` turns `reload` on{unless} in a script that a container \
                     starts: production then runs a single process under a file watcher \
                     that restarts it whenever a file changes"
                )
            }
            Problem::Loopback { host } => format!(
                "`uvicorn.run(...)` binds `{host}` in a script that a container starts: the \
                 server only accepts connections from inside the container, so the \
                 published port, probes and the load balancer are refused"
            ),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match &self.problem {
            Problem::Reload { .. } => "drop the `reload` argument (keep it for local runs \
                 behind a development-only flag), or start the container with \
                 `uvicorn app.main:app` instead of the script"
                .to_string(),
            Problem::Loopback { .. } => "bind `0.0.0.0` (or read the host from the \
                 environment) when the server runs in a container"
                .to_string(),
        })
    }
}

/// How a container starts Python.
enum Launch {
    /// `python path/to/script.py`: the path's components.
    Script(Vec<String>),
    /// `python -m package.module`.
    Module(String),
}

/// A container start command that runs a Python script or module.
struct Starter<'p> {
    /// The file with the command (Dockerfile, compose file, manifest).
    file: &'p SourceFile,
    /// The command.
    span: Span,
    /// Where the code is looked for: the build context, the compose service's context;
    /// `None`: anywhere in the project.
    base: Option<PathBuf>,
    launch: Launch,
}

/// Path components without `.`, `/` and `..` (a script path as written, or a file path).
fn components(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The launch of an invocation that starts Python on a script or a module of its own
/// (not `python -m uvicorn`, which is the server itself), when written out literally.
fn launch_of(invocation: &Invocation) -> Option<Launch> {
    let python = invocation.python.as_ref()?;
    match invocation.server.value {
        Server::PythonScript => {
            let script = python.script.as_ref()?.literal()?;
            let parts = components(Path::new(script));
            (!parts.is_empty()).then_some(Launch::Script(parts))
        }
        Server::PythonModule => {
            let module = python.module.as_ref()?.literal()?;
            (!module.is_empty()).then(|| Launch::Module(module.to_string()))
        }
        _ => None,
    }
}

/// Every production start command of the project's services that runs a Python script
/// or module (the service model has already set development runtimes apart: dev
/// Dockerfiles, compose files and services for development, development servers).
fn starters(project: &Project) -> Vec<Starter<'_>> {
    let mut found: Vec<Starter<'_>> = Vec::new();
    for service in project.services() {
        for runtime in service.runtimes.iter().filter(|r| !r.development) {
            let Some(started) = &runtime.launch else {
                continue;
            };
            let Some(launch) = launch_of(&started.invocation) else {
                continue;
            };
            let Some(file) = project.source(started.file) else {
                continue;
            };
            let span = started.invocation.span;
            // A pod running the image's own command starts it from the Dockerfile too.
            if found
                .iter()
                .any(|s| s.file.path() == file.path() && s.span == span)
            {
                continue;
            }
            found.push(Starter {
                file,
                span,
                base: service.root.clone(),
                launch,
            });
        }
    }
    found
}

/// The Python module (index into the app model) a starter runs: the file whose path
/// (relative to the starter's base) is the script's path, or, failing that, the only file
/// whose path ends with it (or is the end of it: `/app/main.py` copied from `main.py`).
/// Modules match by dotted name the same way (`app.main`, or `app/__main__.py` for
/// `-m app`).
fn resolve(starter: &Starter<'_>, files: &[&SourceFile]) -> Option<usize> {
    let mut exact = Vec::new();
    let mut partial = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let relative = match &starter.base {
            Some(base) => {
                let base = components(base);
                let path = components(file.path());
                if !path.starts_with(&base) {
                    continue;
                }
                path[base.len()..].to_vec()
            }
            None => components(file.path()),
        };
        match &starter.launch {
            Launch::Script(script) => {
                if relative == *script {
                    exact.push(index);
                } else if relative.ends_with(script) || script.ends_with(&relative) {
                    partial.push(index);
                }
            }
            Launch::Module(module) => {
                let name = module_name(&relative.iter().collect::<PathBuf>());
                let package_main = format!("{module}.__main__");
                if name == *module || name == package_main {
                    exact.push(index);
                } else if name.ends_with(&format!(".{module}"))
                    || name.ends_with(&format!(".{package_main}"))
                {
                    partial.push(index);
                }
            }
        }
    }
    match (exact.as_slice(), partial.as_slice()) {
        ([only], _) | ([], [only]) => Some(*only),
        _ => None,
    }
}

/// A problem with the commands that start its file (file and span of each).
type Finding<'p> = (Problem, Vec<(&'p SourceFile, Span)>);

/// Whether a host is a loopback address.
fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "::1") || host.starts_with("127.")
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    let app = &project.python().app;
    if app.uvicorn_runs.is_empty() {
        return;
    }
    // Each finding (module, span) with its problem and the commands that start it.
    let mut findings: BTreeMap<(usize, Span), Finding<'_>> = BTreeMap::new();
    for starter in starters(project) {
        let Some(module) = resolve(&starter, &files) else {
            continue;
        };
        for run in &app.uvicorn_runs {
            if run.module != module || !run.runs_as_script || run.conditional {
                continue;
            }
            let mut problems = Vec::new();
            if let Some(reload) = &run.reload
                && !reload.value.conditional
                && reload.value.value.truthy() == Some(true)
            {
                let env = reload.value.env_override.clone();
                problems.push((reload.span, Problem::Reload { env }));
            }
            if let Some(host) = &run.host
                && !host.value.conditional
                && host.value.env_override.is_none()
                && let Some(text) = host.value.value.as_str()
                && is_loopback(text)
            {
                let host_text = text.to_string();
                problems.push((host.value.span, Problem::Loopback { host: host_text }));
            }
            for (span, problem) in problems {
                findings
                    .entry((module, span))
                    .or_insert_with(|| (problem, Vec::new()))
                    .1
                    .push((starter.file, starter.span));
            }
        }
    }
    for ((module, span), (problem, started_by)) in findings {
        let Some(file) = files.get(module) else {
            continue;
        };
        let mut report = cx.report_in(file, UvicornRunReload { problem }, span);
        for (starter_file, starter_span) in started_by {
            report = report.label(starter_file, starter_span, "started here");
        }
        drop(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in ["127.0.0.1", "localhost", "::1", "127.0.1.1"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["0.0.0.0", "::", "10.0.0.5", "api.internal"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn script_components_ignore_dots_and_roots() {
        assert_eq!(
            components(Path::new("./app/main.py")),
            vec!["app", "main.py"]
        );
        assert_eq!(
            components(Path::new("/srv/main.py")),
            vec!["srv", "main.py"]
        );
    }
}
