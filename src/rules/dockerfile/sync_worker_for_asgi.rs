//! DF013: see rules/dockerfile/DF013-sync-worker-for-asgi.md

use std::path::Path;

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{Invocation, Server};
use crate::parse::dockerfile::InstructionKind;
use crate::parse::shell::program_basename;
use crate::project::{DockerfileModel, Project};
use crate::span::Span;

use super::helpers::{image_env, pip_install, requirement_name};

/// gunicorn runs an ASGI application with a WSGI worker class.
struct SyncWorkerForAsgi {
    /// The worker class as written, or `None` for gunicorn's default (`sync`).
    worker_class: Option<String>,
    /// The ASGI package installed in the image.
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
            "{worker} but the app is ASGI (the image installs `{}`): a WSGI worker calls it \
             as `app(environ, start_response)`, so every request fails with a `TypeError`",
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
fn is_wsgi_worker_class(class: &str) -> bool {
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

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, model) in project.dockerfiles() {
        let Some(invocation) = model.start().and_then(|s| s.invocation()) else {
            continue;
        };
        if invocation.server.value != Server::Gunicorn {
            continue;
        }
        let (worker_class, span) = match &invocation.worker_class {
            Some(class) => match class.literal() {
                Some(text) if is_wsgi_worker_class(text) => (Some(text.to_string()), class.span),
                _ => continue,
            },
            None => {
                let context = project.build_context(file).dir;
                if set_elsewhere(project, context, model, invocation) {
                    continue;
                }
                (None, invocation.server.span)
            }
        };
        let Some((framework, installed)) = asgi_install(model) else {
            continue;
        };
        drop(
            cx.report_in(
                file,
                SyncWorkerForAsgi {
                    worker_class,
                    framework: framework.clone(),
                },
                span,
            )
            .label(file, installed, format!("`{framework}` is installed here")),
        );
    }
}
