//! K8S006: see rules/kubernetes/K8S006-grace-period-too-short.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{Invocation, Server};
use crate::parse::kubernetes::{Container, Handler, Manifests};
use crate::parse::python::gunicorn;
use crate::parse::shell::{Word, program_basename, shell_command_string};
use crate::project::{Platform, Project, Tree};
use crate::rules::gunicorn::runtime::known_setting;
use crate::source::SourceFile;
use crate::span::Span;

use super::helpers::{
    container_anchor, describe, invocation, is_templated, literal_u64, sets_env, workloads,
};

/// gunicorn's documented default `graceful_timeout`, in seconds.
const GUNICORN_DEFAULT_GRACEFUL_TIMEOUT: u64 = 30;

/// How long the server drains in-flight requests after SIGTERM.
struct Drain {
    seconds: u64,
    server: Server,
    /// Where it is set: a file index (the manifest, `gunicorn.conf.py`, the Dockerfile)
    /// and span, or `None` for gunicorn's default.
    at: Option<(usize, Span)>,
    /// The server's command word (file index and span), for a default.
    server_at: Option<(usize, Span)>,
}

/// A `preStop` sleep.
struct PreStopSleep {
    seconds: u64,
    span: Span,
}

/// The pod's grace period is shorter than the preStop sleep plus the server's drain.
struct GracePeriodTooShort {
    container: String,
    grace: i64,
    grace_is_default: bool,
    sleep: Option<u64>,
    /// Seconds, server, and where they come from when not the manifest itself
    /// (`gunicorn default`, `gunicorn.conf.py:7`).
    drain: Option<(u64, Server, Option<String>)>,
}

impl Violation for GracePeriodTooShort {
    const CODE: RuleCode = RuleCode::K8S006;

    fn message(&self) -> String {
        let grace = if self.grace_is_default {
            format!("{}s (the Kubernetes default)", self.grace)
        } else {
            format!("{}s", self.grace)
        };
        let mut parts = Vec::new();
        let mut total = 0;
        if let Some(sleep) = self.sleep {
            parts.push(format!("preStop sleep {sleep}s"));
            total += sleep;
        }
        if let Some((seconds, server, origin)) = &self.drain {
            let origin = origin
                .as_ref()
                .map_or_else(String::new, |origin| format!(" ({origin})"));
            parts.push(format!(
                "{} graceful timeout {seconds}s{origin}",
                server.name()
            ));
            total += *seconds;
        }
        let sum = if parts.len() > 1 {
            format!("{} = {total}s", parts.join(" + "))
        } else {
            parts.join("")
        };
        format!(
            "{}: terminationGracePeriodSeconds {grace} < {sum}, so the kubelet kills the \
             server while it is still draining requests",
            self.container
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "set `terminationGracePeriodSeconds` above the preStop sleep plus the server's \
             graceful timeout (with a few seconds to spare), or shorten them"
                .to_string(),
        )
    }
}

/// The preStop sleep of a container: `sleep.seconds`, `exec: [sleep, N]` or
/// `exec: [sh, -c, "sleep N ..."]` (the first `sleep` of the string). `Ok(None)` when
/// there is no sleep; `Err(())` when its length is not a literal.
fn pre_stop_sleep(container: &Container) -> Result<Option<PreStopSleep>, ()> {
    match &container.pre_stop {
        Some(Handler::Sleep(Some(seconds))) => {
            let value = u64::try_from(seconds.value).map_err(|_| ())?;
            Ok(Some(PreStopSleep {
                seconds: value,
                span: seconds.span,
            }))
        }
        Some(Handler::Sleep(None)) => Err(()),
        Some(Handler::Exec(command)) => {
            let words: Vec<Word> = command
                .iter()
                .map(|item| Word::literal(item.value.clone(), item.span))
                .collect();
            match shell_command_string(&words) {
                Some(string) => {
                    let script = string.parse_as_script();
                    match script
                        .commands
                        .iter()
                        .find(|c| c.name().map(program_basename) == Some("sleep"))
                    {
                        Some(command) => sleep_of(&command.words).map(Some),
                        None => Ok(None),
                    }
                }
                None if words
                    .first()
                    .is_some_and(|w| program_basename(w.as_str()) == "sleep") =>
                {
                    sleep_of(&words).map(Some)
                }
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// `sleep N` (`N`, `Ns`, `Nm`) in seconds.
fn sleep_of(words: &[Word]) -> Result<PreStopSleep, ()> {
    let [_, duration] = words else {
        return Err(());
    };
    let text = duration.as_str();
    if duration.has_expansion || text.contains('$') {
        return Err(());
    }
    let (number, unit) = match text.strip_suffix('s') {
        Some(number) => (number, 1),
        None => match text.strip_suffix('m') {
            Some(number) => (number, 60),
            None => (text, 1),
        },
    };
    let seconds: u64 = number.parse().map_err(|_| ())?;
    Ok(PreStopSleep {
        seconds: seconds.saturating_mul(unit),
        span: duration.span,
    })
}

/// The server's drain time, when the command line decides it: gunicorn's
/// `--graceful-timeout` (default 30s unless a config file or `GUNICORN_CMD_ARGS` may set
/// it), uvicorn's `--timeout-graceful-shutdown`, hypercorn's `--graceful-timeout`.
/// `Err(())` when it is unknown.
fn drain(invocation: &Invocation, container: &Container, file: usize) -> Result<Drain, ()> {
    let server = invocation.server.value;
    if !matches!(
        server,
        Server::Gunicorn | Server::Uvicorn | Server::Hypercorn
    ) {
        return Err(());
    }
    if let Some(value) = &invocation.graceful_timeout {
        if is_templated(value) {
            return Err(());
        }
        let seconds = literal_u64(value).ok_or(())?;
        return Ok(Drain {
            seconds,
            server,
            at: Some((file, value.span)),
            server_at: Some((file, invocation.server.span)),
        });
    }
    let configurable_elsewhere = invocation.config.is_some()
        || sets_env(container, "GUNICORN_CMD_ARGS")
        || invocation.env_value("GUNICORN_CMD_ARGS").is_some()
        || !container.env_from.is_empty();
    if server == Server::Gunicorn && !configurable_elsewhere {
        return Ok(Drain {
            seconds: GUNICORN_DEFAULT_GRACEFUL_TIMEOUT,
            server,
            at: None,
            server_at: Some((file, invocation.server.span)),
        });
    }
    Err(())
}

/// The gunicorn drain of the runtime the model links to this container: its resolved
/// `graceful_timeout` (config file, `GUNICORN_CMD_ARGS`, an environment override, the
/// command line, or gunicorn's default), which also covers a container that runs the
/// image's own `CMD`. `None` when no production gunicorn runtime runs the container;
/// `Some(Err(()))` when the value cannot be told.
fn runtime_drain(project: &Project, platform: Platform) -> Option<Result<Drain, ()>> {
    let runtime = project
        .services()
        .iter()
        .flat_map(|service| service.runtimes.iter())
        .find(|runtime| runtime.platform == platform && !runtime.development)?;
    if runtime.server() != Some(Server::Gunicorn) {
        return None;
    }
    let resolved = runtime.gunicorn.as_ref()?.get("graceful_timeout")?.origin;
    // `GUNICORN_CMD_ARGS` may come from an env source that was not read.
    if resolved != gunicorn::Origin::CommandLine
        && !runtime.env.is_complete()
        && runtime.env.get("GUNICORN_CMD_ARGS").is_none()
    {
        return Some(Err(()));
    }
    let Some(fact) = known_setting(runtime, "graceful_timeout") else {
        return Some(Err(()));
    };
    let Some(seconds) = fact.value.as_int().and_then(|s| u64::try_from(s).ok()) else {
        return Some(Err(()));
    };
    Some(Ok(Drain {
        seconds,
        server: Server::Gunicorn,
        at: fact.origin.location(),
        server_at: runtime
            .launch
            .as_ref()
            .map(|launch| (launch.file, launch.invocation.server.span)),
    }))
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file_index, parsed) in project.files().iter().enumerate() {
        let Tree::Kubernetes(manifests) = &parsed.tree else {
            continue;
        };
        check_manifests(project, file_index, &parsed.source, manifests, cx);
    }
}

fn check_manifests(
    project: &Project,
    file_index: usize,
    file: &SourceFile,
    manifests: &Manifests,
    cx: &mut Context,
) {
    for (object_index, object) in manifests.objects.iter().enumerate() {
        let Some(workload) = workloads(std::slice::from_ref(object)).next() else {
            continue;
        };
        let grace = workload.pod.effective_termination_grace_period_seconds();
        let grace_field = workload.pod.termination_grace_period_seconds.as_ref();
        for container in workload.serving_containers() {
            let Ok(sleep) = pre_stop_sleep(container) else {
                continue;
            };
            let platform = workload
                .pod
                .containers
                .iter()
                .position(|c| std::ptr::eq(c, container))
                .map(|container_index| Platform::Kubernetes {
                    file: file_index,
                    object: object_index,
                    container: container_index,
                });
            let server = invocation(container);
            let linked = platform.and_then(|platform| runtime_drain(project, platform));
            let is_gunicorn = linked.is_some()
                || server
                    .as_ref()
                    .is_some_and(|i| i.server.value == Server::Gunicorn);
            let drain = match linked {
                Some(drain) => Some(drain),
                None => server.as_ref().map(|i| drain(i, container, file_index)),
            };
            if sleep.is_none() && !is_gunicorn {
                continue;
            }
            // An unknown drain counts only when the sleep alone already overruns.
            let drain = match drain {
                Some(Ok(drain)) => Some(drain),
                _ => None,
            };
            let total =
                sleep.as_ref().map_or(0, |s| s.seconds) + drain.as_ref().map_or(0, |d| d.seconds);
            if drain.is_none() && sleep.is_none() {
                continue;
            }
            if i128::from(grace) >= i128::from(total) {
                continue;
            }
            let span = grace_field.map_or_else(|| container_anchor(container), |g| g.span);
            let drain_origin = |drain: &Drain| match drain.at {
                None => Some("gunicorn default".to_string()),
                Some((at, span)) if at != file_index => Some(project.file_line(at, span)),
                Some(_) => None,
            };
            let violation = GracePeriodTooShort {
                container: describe(&workload, container),
                grace,
                grace_is_default: grace_field.is_none(),
                sleep: sleep.as_ref().map(|s| s.seconds),
                drain: drain
                    .as_ref()
                    .map(|d| (d.seconds, d.server, drain_origin(d))),
            };
            let mut report = cx.report_in(file, violation, span);
            if let Some(sleep) = &sleep {
                report = report.label(file, sleep.span, "preStop sleep");
            }
            match &drain {
                Some(Drain {
                    at: Some((at, span)),
                    ..
                }) => {
                    if let Some(source) = project.source(*at) {
                        report = report.label(source, *span, "graceful timeout");
                    }
                }
                Some(Drain {
                    at: None,
                    server_at: Some((at, span)),
                    ..
                }) => {
                    if let Some(source) = project.source(*at) {
                        report = report.label(source, *span, "gunicorn drains for 30s by default");
                    }
                }
                _ => {}
            }
            drop(report);
        }
    }
}
