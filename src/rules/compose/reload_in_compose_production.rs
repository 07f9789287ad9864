//! DC002: see rules/compose/DC002-reload-in-compose-production.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::compose::{ComposeFile, Service, is_dev_compose_file};
use crate::project::is_dev_name;

/// A service of a production compose file starts its server with auto-reload.
struct ReloadInComposeProduction {
    service: String,
    server: Server,
}

impl Violation for ReloadInComposeProduction {
    const CODE: RuleCode = RuleCode::DC002;

    fn message(&self) -> String {
        if self.server == Server::FastApiDev {
            format!(
                "service `{}` runs `fastapi dev` (auto-reload) in a compose file that is not \
                 a development or override file",
                self.service
            )
        } else {
            format!(
                "service `{}` starts {} with `--reload` in a compose file that is not a \
                 development or override file",
                self.service,
                self.server.name()
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            "remove the reload flag here and set it in `compose.override.yaml` (merged \
             automatically by `docker compose up` on developer machines) or a \
             `compose.dev.yaml`"
                .to_string(),
        )
    }
}

/// Whether the service itself says it is for development: its name, a profile, or the
/// build target (`api-dev`, `profiles: [dev]`, `target: development`).
fn is_dev_service(service: &Service) -> bool {
    is_dev_name(&service.name.value)
        || service.profiles.iter().any(|p| is_dev_name(&p.value))
        || service
            .build
            .as_ref()
            .and_then(|b| b.target.as_ref())
            .is_some_and(|t| is_dev_name(&t.value))
}

pub(crate) fn check(compose: &ComposeFile, cx: &mut Context) {
    if cx
        .file()
        .is_some_and(|file| is_dev_compose_file(file.path()))
    {
        return;
    }
    for service in &compose.services {
        if is_dev_service(service) {
            continue;
        }
        let Some(invocation) = service.invocation() else {
            continue;
        };
        let Some(span) = invocation.reload else {
            continue;
        };
        cx.report(
            ReloadInComposeProduction {
                service: service.name.value.clone(),
                server: invocation.server.value,
            },
            span,
        );
    }
}
