//! DF016: see rules/dockerfile/DF016-dev-server-in-production.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::project::DockerfileModel;

use super::helpers::production_start;

/// The production image starts a development server.
struct DevServerInProduction {
    /// The server (`flask run`, `fastapi dev`, ...).
    server: Server,
}

impl Violation for DevServerInProduction {
    const CODE: RuleCode = RuleCode::DF016;

    fn message(&self) -> String {
        match self.server {
            Server::FlaskRun => "`flask run` serves the production image with Werkzeug's \
                development server: one process, not hardened, and with `--debug` an \
                interactive debugger that runs code for whoever triggers an error"
                .to_string(),
            Server::DjangoRunserver => "`manage.py runserver` serves the production image \
                with Django's development server, which Django says is neither security \
                audited nor performance tested, and which restarts on code changes"
                .to_string(),
            Server::HttpServer => "`python -m http.server` serves the production image: it \
                implements only basic security checks and Python's documentation says not \
                to use it in production"
                .to_string(),
            Server::FastApiDev => "`fastapi dev` starts the production image in development \
                mode: auto-reload on every file change, one process, and 127.0.0.1 as the \
                default host"
                .to_string(),
            _ => "uvicorn is started with `--debug`: releases before 0.19 send the traceback \
                of every error to the client, later ones reject the flag and the container \
                exits at start"
                .to_string(),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self.server {
            Server::FlaskRun | Server::DjangoRunserver => {
                "serve the app with a production server (gunicorn, or uvicorn for ASGI), and \
                 keep the development server for a stage named `dev` or a `Dockerfile.dev`"
                    .to_string()
            }
            Server::HttpServer => {
                "serve static files from a web server (nginx, caddy) or from the application"
                    .to_string()
            }
            Server::FastApiDev => "use `fastapi run` (or uvicorn, gunicorn) in the production \
                                   image"
                .to_string(),
            _ => "remove `--debug` from the production command".to_string(),
        })
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(invocation) =
        production_start(model, cx.file().map(|f| f.path())).and_then(|s| s.invocation())
    else {
        return;
    };
    let server = invocation.server.value;
    let span = if server.is_dev_server() {
        invocation.server.span
    } else if server == Server::Uvicorn
        && let Some(debug) = invocation.debug
    {
        debug
    } else {
        return;
    };
    cx.report(DevServerInProduction { server }, span);
}
