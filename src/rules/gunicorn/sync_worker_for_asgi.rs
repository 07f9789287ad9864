//! GU002: see rules/gunicorn/GU002-sync-worker-for-asgi.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::python::Value;
use crate::parse::python::gunicorn;
use crate::project::{Origin, Project, Runtime, Tree};
use crate::rules::dockerfile::sync_worker_for_asgi::{
    dockerfile_decides_default, is_wsgi_worker_class,
};

use super::runtime::{
    Reported, asgi_app, describe_origin, framework, gunicorn_runtimes, known_setting,
    report_location,
};

/// gunicorn runs an ASGI application with a WSGI worker class.
struct SyncWorkerForAsgi {
    /// The worker class.
    class: String,
    /// Where it comes from (`gunicorn.conf.py:4`, `gunicorn default worker_class = 'sync'`).
    origin: String,
    /// `FastAPI` or `Starlette`.
    framework: &'static str,
    /// The app's variable and where it is created (`` `app` (app/main.py:5) ``).
    app: String,
}

impl Violation for SyncWorkerForAsgi {
    const CODE: RuleCode = RuleCode::GU002;

    fn message(&self) -> String {
        format!(
            "gunicorn runs the WSGI worker class `{}` ({}) but the app {} is a {} app (ASGI): \
             a WSGI worker calls it as `app(environ, start_response)`, so every request fails \
             with a `TypeError`",
            self.class, self.origin, self.app, self.framework
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "set `worker_class = \"uvicorn.workers.UvicornWorker\"` (or \
             `uvicorn_worker.UvicornWorker`) in the gunicorn configuration"
                .to_string(),
        )
    }
}

/// The worker class as written: a string, or an imported class named by reference.
fn class_name(value: &Value) -> Option<&str> {
    match value {
        Value::Str(text) => Some(text),
        Value::Reference(name) => Some(name),
        _ => None,
    }
}

/// Whether DF013 reports this runtime's worker class (a class written on the Dockerfile's
/// command line, or gunicorn's default when nothing but that command line could set it).
fn reported_by_dockerfile_rule(project: &Project, runtime: &Runtime, origin: &Origin) -> bool {
    let Some(launch) = &runtime.launch else {
        return false;
    };
    let Some(file) = project.files().get(launch.file) else {
        return false;
    };
    let Tree::Dockerfile(model) = &file.tree else {
        return false;
    };
    let resolved = runtime
        .gunicorn
        .as_ref()
        .and_then(|config| config.get("worker_class"))
        .map(|setting| setting.origin);
    match (resolved, origin) {
        (Some(gunicorn::Origin::CommandLine), _) => true,
        (Some(gunicorn::Origin::Default), Origin::Default(_)) => {
            dockerfile_decides_default(project, &file.source, model, &launch.invocation)
        }
        _ => false,
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let mut reported = Reported::default();
    for (service, runtime) in gunicorn_runtimes(project) {
        if runtime.server() != Some(Server::Gunicorn) {
            continue;
        }
        let Some((app, app_file)) = asgi_app(project, service) else {
            continue;
        };
        let Some(fact) = known_setting(runtime, "worker_class") else {
            continue;
        };
        let Some(class) = class_name(&fact.value) else {
            continue;
        };
        if !is_wsgi_worker_class(class)
            || reported_by_dockerfile_rule(project, runtime, &fact.origin)
        {
            continue;
        }
        let Some((file, span)) = report_location(runtime, &fact) else {
            continue;
        };
        if !reported.first(file, span) {
            continue;
        }
        let (Some(source), Some(app_source)) = (project.source(file), project.source(app_file))
        else {
            continue;
        };
        let framework = framework(app.kind);
        let violation = SyncWorkerForAsgi {
            class: class.to_string(),
            origin: describe_origin(project, &fact),
            framework,
            app: format!("`{}` ({})", app.name, project.file_line(app_file, app.span)),
        };
        drop(cx.report_in(source, violation, span).label(
            app_source,
            app.span,
            format!("the {framework} app (ASGI) is created here"),
        ));
    }
}
