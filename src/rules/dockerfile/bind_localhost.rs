//! DF003: see rules/dockerfile/DF003-bind-localhost.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{BindAddress, HostClass, Invocation, Server, classify_host};
use crate::parse::shell::program_basename;
use crate::project::DockerfileModel;
use crate::span::Span;

use super::helpers::{image_env, production_start, program_words};

/// The server listens on the loopback interface of its container only.
struct BindLocalhost {
    /// The loopback host as written, or `None` when it is the server's default.
    host: Option<String>,
    /// The server's name.
    server: &'static str,
}

impl Violation for BindLocalhost {
    const CODE: RuleCode = RuleCode::DF003;

    fn message(&self) -> String {
        let how = match &self.host {
            Some(host) => format!("{} listens on `{host}`", self.server),
            None => format!(
                "{} binds 127.0.0.1 by default and no host is given",
                self.server
            ),
        };
        format!(
            "{how}: inside a container that is the container's own loopback, so published \
             ports, other containers and Kubernetes probes and Services all get \
             \"connection refused\""
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "listen on every interface: `--host 0.0.0.0` (uvicorn, granian, fastapi), \
             `--bind 0.0.0.0:8000` (gunicorn, hypercorn), or `[::]` for IPv6"
                .to_string(),
        )
    }
}

/// Reverse proxies that may run next to the server in the same image and reach it over
/// the loopback interface.
const PROXIES: &[&str] = &["nginx", "caddy", "haproxy", "envoy", "traefik", "openresty"];

/// Whether the server's default host is the loopback one, as far as the image says:
/// uvicorn, hypercorn, granian and `fastapi dev` bind 127.0.0.1 unless an environment
/// variable (`UVICORN_HOST`, `GRANIAN_HOST`) or a hypercorn config file says otherwise.
/// `false` for the other servers, whose default the rule does not judge.
fn default_is_loopback(model: &DockerfileModel, invocation: &Invocation) -> bool {
    let env_set = |name: &str| {
        image_env(model, name).is_some()
            || invocation
                .env_value(name)
                .is_some_and(|value| !value.text.is_empty())
    };
    match invocation.server.value {
        Server::Uvicorn => !env_set("UVICORN_HOST"),
        Server::Hypercorn => invocation.config.is_none(),
        Server::Granian => !env_set("GRANIAN_HOST"),
        Server::FastApiDev => true,
        _ => false,
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(start) = production_start(model, cx.file().map(|f| f.path())) else {
        return;
    };
    let Some(invocation) = start.invocation() else {
        return;
    };
    if start.other_commands().iter().any(|command| {
        program_words(command)
            .first()
            .is_some_and(|w| PROXIES.contains(&program_basename(w.as_str())))
    }) {
        return;
    }
    // Every address must be a loopback one; the first one written is reported.
    let mut reported: Option<(Span, Option<String>)> = None;
    for bind in &invocation.binds {
        let loopback = match &bind.address {
            BindAddress::Tcp {
                host: Some(host), ..
            } => {
                if classify_host(host) != HostClass::Loopback {
                    return;
                }
                Some((host.span, Some(host.text.clone())))
            }
            BindAddress::Tcp { host: None, .. } => {
                if !default_is_loopback(model, invocation) {
                    return;
                }
                None
            }
            BindAddress::Unix(_) | BindAddress::Fd(_) | BindAddress::Templated(_) => return,
        };
        if reported.is_none() {
            reported = loopback;
        }
    }
    let (span, host) = match reported {
        Some(found) => found,
        None if default_is_loopback(model, invocation) => (invocation.server.span, None),
        None => return,
    };
    cx.report(
        BindLocalhost {
            host,
            server: invocation.server.value.name(),
        },
        span,
    );
}
