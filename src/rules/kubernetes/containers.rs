//! Shared knowledge of the Kubernetes rules about containers: which workloads run for
//! good, which containers serve traffic, which server a container's `command`/`args`
//! start, and which migration commands they run.
//!
//! Kubernetes runs `command` as the entrypoint and `args` as its arguments; without
//! `command`, the image's `ENTRYPOINT` (unknown here) receives `args`. `$(VAR)` inside
//! `command`/`args` is Kubernetes' own expansion of the container's environment: the
//! value is only known at run time, so any value holding `$(` counts as templated, never
//! as a literal (see [`literal`]).

use crate::parse::command::{Invocation, Value, parse_invocation};
use crate::parse::kubernetes::{Container, ContainerRole, Object, PodSpec, Workload};
use crate::parse::shell::{Script, Word, program_basename, shell_command_string};
use crate::span::{Span, Spanned};

/// How many nested `sh -c` strings [`migration_commands`] looks into.
const MAX_SHELL_DEPTH: u32 = 4;

/// How many wrapper layers (`exec env poetry run python -m ...`) are looked through.
const MAX_WRAPPERS: usize = 8;

/// A workload object with its pod spec.
#[derive(Clone, Copy)]
pub(crate) struct PodWorkload<'m> {
    /// The object (kind, name, namespace).
    pub object: &'m Object,
    /// The workload view.
    pub workload: &'m Workload,
    /// Its pod spec.
    pub spec: &'m PodSpec,
}

impl PodWorkload<'_> {
    /// Whether the pods run for good: not a Job or CronJob, nor a bare Pod that is not
    /// restarted when it exits.
    pub fn is_long_running(&self) -> bool {
        if !self.workload.kind.is_long_running() {
            return false;
        }
        !self
            .spec
            .restart_policy
            .as_ref()
            .is_some_and(|p| matches!(p.value.as_str(), "Never" | "OnFailure"))
    }

    /// The serving containers (see [`is_serving`]); none for a workload that does not
    /// run for good.
    pub fn serving_containers(&self) -> impl Iterator<Item = &Container> {
        let long_running = self.is_long_running();
        self.spec
            .containers
            .iter()
            .filter(move |c| long_running && is_serving(c))
    }

    /// `Kind/name` for messages.
    pub fn display_name(&self) -> String {
        self.object.display_name()
    }
}

/// Every workload of `objects` that has a pod spec.
pub(crate) fn pod_workloads(objects: &[Object]) -> impl Iterator<Item = PodWorkload<'_>> {
    objects.iter().filter_map(|object| {
        let workload = object.workload()?;
        let spec = workload.pod_spec()?;
        Some(PodWorkload {
            object,
            workload,
            spec,
        })
    })
}

/// Whether a regular container serves traffic: it declares a `containerPort` or its
/// command line starts a known server, and its image is not a well-known proxy or
/// agent. Init containers and native sidecars never serve.
pub(crate) fn is_serving(container: &Container) -> bool {
    if container.role != ContainerRole::Main {
        return false;
    }
    if container
        .image
        .as_ref()
        .is_some_and(|image| is_proxy_or_agent_image(&image.value))
    {
        return false;
    }
    !container.ports.is_empty() || invocation(container).is_some_and(|i| i.server.value.is_known())
}

/// Repository names (last path segment, tag removed) of proxies and agents that run
/// beside applications.
const PROXY_REPOSITORIES: &[&str] = &[
    "proxyv2",
    "envoy",
    "envoy-alpine",
    "distroless-envoy",
    "linkerd-proxy",
    "cloud-sql-proxy",
    "cloudsql-proxy",
    "gce-proxy",
    "oauth2-proxy",
    "fluent-bit",
    "opentelemetry-collector",
    "opentelemetry-collector-contrib",
    "otelcol",
    "otelcol-contrib",
];

/// Whether an image is a well-known service-mesh proxy, database proxy, auth proxy, log
/// shipper or telemetry agent (never the application itself).
pub(crate) fn is_proxy_or_agent_image(image: &str) -> bool {
    let without_digest = image.split('@').next().unwrap_or(image);
    let path = match without_digest.rsplit_once(':') {
        // A colon after the last `/` starts the tag; one before it is a registry port.
        Some((path, tag)) if !tag.contains('/') => path,
        _ => without_digest,
    };
    let path = path.to_ascii_lowercase();
    let repository = path.rsplit('/').next().unwrap_or(&path);
    PROXY_REPOSITORIES.contains(&repository)
        || path.contains("istio/proxy")
        || path.contains("linkerd/proxy")
        || path.contains("cloudsql-docker")
        || (path.contains("datadog") && repository == "agent")
}

/// The argument vector of a container whose start command is known, as words spanned
/// in the file: `command` followed by `args`; or `args` alone (the image's entrypoint
/// unknown) when they start a known server or a `sh -c` string.
pub(crate) fn command_line(container: &Container) -> Option<Vec<Word>> {
    let to_words = |items: &[Spanned<String>]| -> Vec<Word> {
        items
            .iter()
            .map(|item| Word::literal(item.value.clone(), item.span))
            .collect()
    };
    match (&container.command, &container.args) {
        (Some(command), args) => {
            let mut words = to_words(command);
            if let Some(args) = args {
                words.extend(to_words(args));
            }
            (!words.is_empty()).then_some(words)
        }
        (None, Some(args)) => {
            let words = to_words(args);
            let starts_shell = shell_command_string(&words).is_some();
            let starts_server = parse_invocation(&words).is_some_and(|i| i.server.value.is_known());
            (starts_shell || starts_server).then_some(words)
        }
        (None, None) => None,
    }
}

/// The server the container's command line starts, if it is known (see
/// [`command_line`]).
pub(crate) fn invocation(container: &Container) -> Option<Invocation> {
    parse_invocation(&command_line(container)?)
}

/// The text of `value` when it is written out in full: not a shell expansion and not a
/// Kubernetes `$(VAR)` reference.
pub(crate) fn literal(value: &Value) -> Option<&str> {
    value.literal().filter(|text| !text.contains("$("))
}

/// [`literal`] as a whole number.
pub(crate) fn literal_u64(value: &Value) -> Option<u64> {
    literal(value)?.trim().parse().ok()
}

/// Whether `value` is decided at run time (a shell expansion or a `$(VAR)` reference).
pub(crate) fn is_templated(value: &Value) -> bool {
    literal(value).is_none()
}

/// Whether the container's `env` sets `name` (by value or reference).
pub(crate) fn sets_env(container: &Container, name: &str) -> bool {
    container.env.iter().any(|var| var.name.value == name)
}

/// "container `api` of Deployment/api" for messages.
pub(crate) fn describe(workload: &PodWorkload<'_>, container: &Container) -> String {
    match &container.name {
        Some(name) => format!("container `{}` of {}", name.value, workload.display_name()),
        None => format!("a container of {}", workload.display_name()),
    }
}

/// Where a finding about the container as a whole goes: its `name` value, else the
/// container mapping.
pub(crate) fn container_anchor(container: &Container) -> Span {
    container.name.as_ref().map_or(container.span, |n| n.span)
}

/// What a migration command migrates with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MigrationTool {
    /// `alembic upgrade`.
    Alembic,
    /// `manage.py migrate` / `django-admin migrate`.
    Django,
    /// `flask db upgrade` (Flask-Migrate).
    FlaskMigrate,
}

impl MigrationTool {
    /// The command as users know it.
    pub fn name(self) -> &'static str {
        match self {
            MigrationTool::Alembic => "alembic upgrade",
            MigrationTool::Django => "manage.py migrate",
            MigrationTool::FlaskMigrate => "flask db upgrade",
        }
    }
}

/// A database migration run by a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Migration {
    /// Which tool.
    pub tool: MigrationTool,
    /// From the program word to the last word of the command.
    pub span: Span,
}

/// The migrations `words` run: the argument vector itself, or the commands of its
/// `sh -c` string (nested strings too, to a small depth).
pub(crate) fn migration_commands(words: &[Word]) -> Vec<Migration> {
    let mut found = Vec::new();
    collect_migrations(words, 0, &mut found);
    found
}

fn collect_migrations(words: &[Word], depth: u32, found: &mut Vec<Migration>) {
    if let Some(string) = shell_command_string(words) {
        if depth < MAX_SHELL_DEPTH {
            let script: Script = string.parse_as_script();
            for command in &script.commands {
                collect_migrations(&command.words, depth + 1, found);
            }
        }
        return;
    }
    if let Some(migration) = migration_of(words) {
        found.push(migration);
    }
}

/// The migration an argument vector runs, looking through wrappers.
fn migration_of(words: &[Word]) -> Option<Migration> {
    let program = program_words(words);
    let first = program.first()?;
    let name = program_basename(first.as_str());
    let rest = program.get(1..).unwrap_or(&[]);
    let span = first.span.cover(program.last()?.span);
    let tool = if name == "alembic" {
        (verb(rest, ALEMBIC_VALUE_OPTIONS) == Some("upgrade")).then_some(MigrationTool::Alembic)
    } else if name == "django-admin" || name == "manage.py" {
        (verb(rest, DJANGO_VALUE_OPTIONS) == Some("migrate")).then_some(MigrationTool::Django)
    } else if name == "flask" {
        // `flask --app web db upgrade`: `db` then `upgrade`, options anywhere before.
        rest.windows(2)
            .any(|pair| pair[0].as_str() == "db" && pair[1].as_str() == "upgrade")
            .then_some(MigrationTool::FlaskMigrate)
    } else if is_python(name) {
        // `python manage.py migrate` (`python -m ...` was unwrapped already).
        let script = rest.first()?;
        (program_basename(script.as_str()) == "manage.py"
            && verb(rest.get(1..).unwrap_or(&[]), DJANGO_VALUE_OPTIONS) == Some("migrate"))
        .then_some(MigrationTool::Django)
    } else {
        None
    }?;
    Some(Migration { tool, span })
}

/// alembic's global options that take the next word as their value.
const ALEMBIC_VALUE_OPTIONS: &[&str] = &["-c", "--config", "-n", "--name", "-x"];

/// Django's global options that take the next word as their value.
const DJANGO_VALUE_OPTIONS: &[&str] = &["--settings", "--pythonpath"];

/// The first word of `words` that is neither an option nor the value of one of
/// `with_value` (written as a separate word).
fn verb<'w>(words: &'w [Word], with_value: &[&str]) -> Option<&'w str> {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let text = word.as_str();
        if !text.starts_with('-') {
            return Some(text);
        }
        i += if with_value.contains(&text) { 2 } else { 1 };
    }
    None
}

fn is_python(name: &str) -> bool {
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The words of the program an argument vector really runs: after `exec`, `env` and
/// its assignments, `poetry|pipenv|pdm|hatch|uv run` and their options, and
/// `python -m module` (which becomes `module ...`).
fn program_words(words: &[Word]) -> &[Word] {
    let mut words = words;
    for _ in 0..MAX_WRAPPERS {
        let Some(first) = words.first() else {
            return words;
        };
        let name = program_basename(first.as_str());
        let second = words.get(1).map(Word::as_str);
        let skip = match name {
            "exec" | "nohup" => 1 + count_options(words.get(1..).unwrap_or(&[])),
            "env" => {
                1 + words
                    .get(1..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|w| w.as_str().contains('=') || w.as_str().starts_with('-'))
                    .count()
            }
            "poetry" | "pipenv" | "pdm" | "hatch" | "uv" if second == Some("run") => {
                2 + count_options(words.get(2..).unwrap_or(&[]))
            }
            _ if is_python(name) && second == Some("-m") => 2,
            _ => return words,
        };
        words = words.get(skip..).unwrap_or(&[]);
    }
    words
}

/// How many leading words are options (`-x`, `--flag`).
fn count_options(words: &[Word]) -> usize {
    words
        .iter()
        .take_while(|w| w.as_str().starts_with('-') && w.as_str().len() > 1)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::command::Server;
    use crate::parse::kubernetes::parse_manifests;

    fn words(items: &[&str]) -> Vec<Word> {
        let mut offset = 0;
        items
            .iter()
            .map(|item| {
                let word = Word::literal(*item, Span::new(offset, offset + item.len() as u32));
                offset += item.len() as u32 + 1;
                word
            })
            .collect()
    }

    fn first_container(yaml: &str) -> Container {
        let parsed = parse_manifests(yaml);
        let workload = parsed.tree.objects[0].workload().cloned().unwrap();
        workload.pod_spec().unwrap().containers[0].clone()
    }

    #[test]
    fn proxy_images() {
        for image in [
            "docker.io/istio/proxyv2:1.22.0",
            "envoyproxy/envoy:v1.30.1",
            "cr.l5d.io/linkerd/proxy:stable-2.14.10",
            "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
            "gcr.io/cloudsql-docker/gce-proxy:1.33.2",
            "quay.io/oauth2-proxy/oauth2-proxy:v7.6.0",
            "gcr.io/datadoghq/agent:7",
            "fluent/fluent-bit:3.0",
            "otel/opentelemetry-collector-contrib:0.98.0",
            "registry.local:5000/envoy",
        ] {
            assert!(is_proxy_or_agent_image(image), "{image}");
        }
        for image in [
            "ghcr.io/acme/orders-api:1.4.2",
            "nginx:1.27",
            "registry.local:5000/agent-api",
            "python:3.12-slim",
        ] {
            assert!(!is_proxy_or_agent_image(image), "{image}");
        }
    }

    #[test]
    fn command_and_args_are_one_command_line() {
        let container = first_container(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: api\n    command: [gunicorn]\n    args: [-w, '4', app:app]\n",
        );
        let inv = invocation(&container).unwrap();
        assert_eq!(inv.server.value, Server::Gunicorn);
        assert_eq!(inv.workers.as_ref().and_then(literal_u64), Some(4));
    }

    #[test]
    fn args_alone_only_when_they_start_a_server_or_shell() {
        let server = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    args: [uvicorn, app:app]\n",
        );
        assert_eq!(invocation(&server).unwrap().server.value, Server::Uvicorn);
        let shell = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    args: [sh, -c, 'exec uvicorn app:app']\n",
        );
        assert_eq!(invocation(&shell).unwrap().server.value, Server::Uvicorn);
        let flags = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    args: ['--workers', '4']\n",
        );
        assert!(command_line(&flags).is_none());
    }

    #[test]
    fn kubernetes_references_are_templated() {
        let container = first_container(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: api\n    command: [uvicorn, app:app, --workers, $(WORKERS)]\n",
        );
        let workers = invocation(&container).unwrap().workers.unwrap();
        assert!(is_templated(&workers));
        assert_eq!(literal_u64(&workers), None);
    }

    #[test]
    fn migrations_in_argv_and_shell_strings() {
        let table: &[(&[&str], Option<MigrationTool>)] = &[
            (
                &["alembic", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["alembic", "-c", "alembic.ini", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["python", "manage.py", "migrate"],
                Some(MigrationTool::Django),
            ),
            (
                &["./manage.py", "migrate", "--noinput"],
                Some(MigrationTool::Django),
            ),
            (
                &["flask", "--app", "web", "db", "upgrade"],
                Some(MigrationTool::FlaskMigrate),
            ),
            (
                &["poetry", "run", "alembic", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["python", "-m", "alembic", "upgrade", "head"],
                Some(MigrationTool::Alembic),
            ),
            (&["alembic", "downgrade", "-1"], None),
            (&["alembic", "current"], None),
            (&["python", "manage.py", "collectstatic"], None),
            (
                &["sh", "-c", "alembic upgrade head && exec gunicorn app:app"],
                Some(MigrationTool::Alembic),
            ),
            (
                &["bash", "-ec", "python manage.py migrate; exec uvicorn a:b"],
                Some(MigrationTool::Django),
            ),
            (&["gunicorn", "app:app"], None),
        ];
        for (argv, expected) in table {
            let found = migration_commands(&words(argv));
            assert_eq!(found.first().map(|m| m.tool), *expected, "{argv:?}");
        }
    }

    #[test]
    fn migration_span_covers_the_command() {
        let found = migration_commands(&words(&["sh", "-c", "alembic upgrade head && exec x"]));
        // `sh -c ` is 6 bytes; the string starts at 6 and `alembic upgrade head` is 20.
        assert_eq!(found[0].span, Span::new(6, 26));
    }

    #[test]
    fn long_running_workloads() {
        let parsed = parse_manifests(
            "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers: [{name: m, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: Never\n  containers: [{name: m, ports: [{containerPort: 80}]}]\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{name: m, ports: [{containerPort: 80}]}, {name: proxy, image: 'envoyproxy/envoy:v1', ports: [{containerPort: 9901}]}, {name: worker, image: 'acme/worker:1'}]\n",
        );
        let serving: Vec<usize> = pod_workloads(&parsed.tree.objects)
            .map(|w| w.serving_containers().count())
            .collect();
        assert_eq!(serving, vec![0, 0, 1]);
    }
}
