//! DF001: see rules/dockerfile/DF001-reload-in-production.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::project::DockerfileModel;

use super::helpers::production_start;

/// The production image starts its server with auto-reload.
struct ReloadInProduction {
    /// `fastapi dev` rather than a `--reload` flag.
    fastapi_dev: bool,
    /// Whether reload mode also drops to one server process (uvicorn and the FastAPI
    /// CLI ignore `--workers` when reloading).
    single_process: bool,
}

impl Violation for ReloadInProduction {
    const CODE: RuleCode = RuleCode::DF001;

    fn message(&self) -> String {
        let what = if self.fastapi_dev {
            "`fastapi dev` turns on auto-reload"
        } else {
            "the server starts with `--reload`"
        };
        let workers = if self.single_process {
            ", and `--workers` is ignored: one process serves everything"
        } else {
            ""
        };
        format!(
            "{what} in the production image: a file watcher runs in every replica and \
             restarts the server whenever a file under the app changes, dropping the \
             requests in flight{workers}"
        )
    }

    fn help(&self) -> Option<String> {
        Some(if self.fastapi_dev {
            "use `fastapi run` in the production image; keep `fastapi dev` for a stage \
             named `dev` or a `Dockerfile.dev`"
                .to_string()
        } else {
            "remove `--reload`; for live reload while developing, use a stage named `dev` \
             (`docker build --target dev`) or a `Dockerfile.dev`"
                .to_string()
        })
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(invocation) =
        production_start(model, cx.file().map(|f| f.path())).and_then(|s| s.invocation())
    else {
        return;
    };
    // Django's `runserver` reloads by default: dev-server-in-production (DF016) says so.
    if invocation.server.value == Server::DjangoRunserver {
        return;
    }
    let Some(span) = invocation.reload else {
        return;
    };
    cx.report(
        ReloadInProduction {
            fastapi_dev: invocation.server.value == Server::FastApiDev,
            single_process: matches!(
                invocation.server.value,
                Server::Uvicorn | Server::FastApiDev | Server::FastApiRun
            ),
        },
        span,
    );
}
