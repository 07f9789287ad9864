//! DF013: see rules/dockerfile/DF013-sync-worker-for-asgi.md

use std::path::Path;

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{Invocation, Server};
use crate::parse::dockerfile::InstructionKind;
use crate::parse::shell::program_basename;
use crate::project::{DockerfileModel, Project, Service};
use crate::rules::gunicorn::runtime::{self, asgi_app};
use crate::span::Span;

use super::helpers::{image_env, pip_install, requirement_name};

/// gunicorn runs an ASGI application with a WSGI worker class.
struct SyncWorkerForAsgi {
    /// The worker class as written, or `None` for gunicorn's default (`sync`).
    worker_class: Option<String>,
    /// The evidence that the app is ASGI (`the image installs `fastapi``).
    framework: String,
}

impl Violation for SyncWorkerForAsgi {
    const CODE: RuleCode = RuleCode::DF013;

    fn message(&self) -> String {
        let worker = match &self.worker_class {
            Some(class) => format!("gunicorn runs the WSGI worker class `{class}`"),
            None => "gunicorn runs its default `sync` worker (no `-k`, no config file)".to_string(),
        };
        format!(
            "{worker} but the app is ASGI ({}): a WSGI worker calls it as \
             `app(environ, start_response)`, so every request fails with a `TypeError`",
            self.framework
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "run an ASGI worker: `-k uvicorn.workers.UvicornWorker` (or \
             `uvicorn_worker.UvicornWorker`), or `worker_class` in `gunicorn.conf.py`"
                .to_string(),
        )
    }
}

/// The packages that make an application ASGI.
const ASGI_PACKAGES: &[&str] = &["fastapi", "starlette", "litestar", "quart", "uvicorn"];

/// gunicorn's own worker classes, all WSGI, by short name or module path.
pub(crate) fn is_wsgi_worker_class(class: &str) -> bool {
    let class = class
        .strip_prefix("egg:gunicorn#")
        .unwrap_or(class)
        .to_ascii_lowercase();
    matches!(
        class.as_str(),
        "sync" | "gthread" | "gevent" | "eventlet" | "tornado" | "gevent_wsgi" | "gevent_pywsgi"
    ) || class.starts_with("gunicorn.workers.")
}

/// The package of [`ASGI_PACKAGES`] a `pip install` in the image names (the first of
/// the list, so a framework before uvicorn), with the span of its word.
fn asgi_install(model: &DockerfileModel) -> Option<(String, Span)> {
    let rank = |name: &str| ASGI_PACKAGES.iter().position(|p| *p == name);
    model
        .image_instructions()
        .filter(|(_, instruction)| matches!(instruction.kind, InstructionKind::Run(_)))
        .flat_map(|(index, _)| model.script(index).commands.iter())
        .filter_map(pip_install)
        .flat_map(|pip| {
            pip.requirements()
                .into_iter()
                .filter_map(|word| Some((requirement_name(word)?, word.span)))
                .collect::<Vec<_>>()
        })
        .filter_map(|(name, span)| Some((rank(&name)?, name, span)))
        .min_by_key(|(rank, _, _)| *rank)
        .map(|(_, name, span)| (name, span))
}

/// Whether gunicorn's default worker class is decided by the Dockerfile alone: its
/// command runs gunicorn without `-k`, and no config file or `GUNICORN_CMD_ARGS` could
/// set the class (GU002 leaves those cases to this rule).
pub(crate) fn dockerfile_decides_default(
    project: &Project,
    file: &crate::source::SourceFile,
    model: &DockerfileModel,
    invocation: &Invocation,
) -> bool {
    invocation.worker_class.is_none()
        && !set_elsewhere(project, project.build_context(file).dir, model, invocation)
}

/// Where the worker class could come from when the command line names none: a config
/// file (`-c`, or `gunicorn.conf.py` in the build context) or `GUNICORN_CMD_ARGS`.
fn set_elsewhere(
    project: &Project,
    context: &Path,
    model: &DockerfileModel,
    invocation: &Invocation,
) -> bool {
    invocation.config.is_some()
        || image_env(model, "GUNICORN_CMD_ARGS").is_some()
        || invocation.env_value("GUNICORN_CMD_ARGS").is_some()
        || project
            .inventory_under(context)
            .iter()
            .any(|path| program_basename(path) == "gunicorn.conf.py")
}

/// The service built from the Dockerfile at `path`, if the model linked one.
fn service_of<'p>(project: &'p Project, path: &Path) -> Option<(usize, &'p Service)> {
    project.services().iter().find_map(|service| {
        let index = service.dockerfile?;
        (project.source(index)?.path() == path).then_some((index, service))
    })
}

/// Whether a runtime that starts the image's own command sets the worker class through
/// its environment (`GUNICORN_CMD_ARGS` in a Deployment or compose file): the class is then
/// not the Dockerfile's default, and GU002 judges it where it is set.
fn class_set_by_runtime_env(service: &Service, dockerfile: usize) -> bool {
    service
        .runtimes
        .iter()
        .filter(|runtime| {
            runtime
                .launch
                .as_ref()
                .is_some_and(|l| l.file == dockerfile)
        })
        .any(|runtime| {
            runtime
                .gunicorn
                .as_ref()
                .and_then(|config| config.get("worker_class"))
                .is_some_and(|setting| setting.is_set())
        })
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, model) in project.dockerfiles() {
        let Some(invocation) = model.start().and_then(|s| s.invocation()) else {
            continue;
        };
        if invocation.server.value != Server::Gunicorn {
            continue;
        }
        let service = service_of(project, file.path());
        let (worker_class, span) = match &invocation.worker_class {
            Some(class) => match class.literal() {
                Some(text) if is_wsgi_worker_class(text) => (Some(text.to_string()), class.span),
                _ => continue,
            },
            None => {
                if !dockerfile_decides_default(project, file, model, invocation)
                    || service
                        .is_some_and(|(index, service)| class_set_by_runtime_env(service, index))
                {
                    continue;
                }
                (None, invocation.server.span)
            }
        };
        if let Some((framework, installed)) = asgi_install(model) {
            drop(
                cx.report_in(
                    file,
                    SyncWorkerForAsgi {
                        worker_class,
                        framework: format!("the image installs `{framework}`"),
                    },
                    span,
                )
                .label(file, installed, format!("`{framework}` is installed here")),
            );
            continue;
        }
        // No ASGI package installed by name (a requirements file): the app model decides.
        let Some((app, app_file)) = service.and_then(|(_, service)| asgi_app(project, service))
        else {
            continue;
        };
        let Some(app_source) = project.source(app_file) else {
            continue;
        };
        let framework = runtime::framework(app.kind);
        drop(
            cx.report_in(
                file,
                SyncWorkerForAsgi {
                    worker_class,
                    framework: format!(
                        "`{}` in {} is a {framework} app",
                        app.name,
                        project.file_line(app_file, app.span)
                    ),
                },
                span,
            )
            .label(
                app_source,
                app.span,
                format!("the {framework} app (ASGI) is created here"),
            ),
        );
    }
}
