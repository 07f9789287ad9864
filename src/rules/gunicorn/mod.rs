//! Rules for gunicorn configuration files (`gunicorn.conf.py`).

pub mod bind_localhost;
pub mod cpu_formula_workers;
pub mod graceful_timeout_short;
pub mod logs_to_file_in_container;
pub mod no_worker_recycling;
pub mod preload_with_import_time_pool;
pub mod recycling_without_jitter;
pub mod reload_enabled;
pub mod sync_worker_for_asgi;
pub mod unknown_setting;
pub mod worker_heartbeat_on_disk;

use crate::engine::Context;
use crate::parse::python::gunicorn::{self, GunicornConfig};
use crate::project::{Project, PythonFile, PythonRole, Tree};

/// The settings a gunicorn config file sets on its own (defaults for the rest); `None` for
/// files that are not gunicorn configs or were not parsed.
pub(crate) fn config_of(file: &PythonFile) -> Option<GunicornConfig> {
    if file.role != PythonRole::GunicornConfig {
        return None;
    }
    let module = file.module.as_ref()?;
    let mut config = GunicornConfig::new();
    config.apply_config_file(module);
    Some(config)
}

/// Runs a check of a gunicorn configuration file's own settings over every configuration
/// of the project, except those a runtime reads with one of `names` set some other way
/// (a command-line flag, `GUNICORN_CMD_ARGS`, an environment variable replacing the
/// file's `os.getenv` default): there the file's value is not the one in effect.
pub(crate) fn unless_set_elsewhere(
    project: &Project,
    cx: &mut Context,
    names: &[&str],
    check: fn(&PythonFile, &mut Context),
) {
    for (index, parsed) in project.files().iter().enumerate() {
        let Tree::Python(file) = &parsed.tree else {
            continue;
        };
        if file.role != PythonRole::GunicornConfig || set_elsewhere(project, index, names) {
            continue;
        }
        let mut file_cx = cx.for_file_of(&parsed.source);
        check(file, &mut file_cx);
        cx.absorb(file_cx);
    }
}

/// Whether a production runtime reading configuration file `file` gets one of `names`
/// from somewhere other than that file.
fn set_elsewhere(project: &Project, file: usize, names: &[&str]) -> bool {
    project
        .services()
        .iter()
        .flat_map(|service| &service.runtimes)
        .filter(|runtime| !runtime.development && runtime.gunicorn_file == Some(file))
        .any(|runtime| {
            names.iter().any(|name| {
                let from_flags = runtime
                    .gunicorn
                    .as_ref()
                    .and_then(|config| config.get(name))
                    .is_some_and(|setting| {
                        matches!(
                            setting.origin,
                            gunicorn::Origin::CommandLine | gunicorn::Origin::EnvArgs
                        )
                    });
                let from_env = runtime
                    .gunicorn_setting(name)
                    .is_some_and(|fact| fact.from_env.is_some());
                from_flags || from_env
            })
        })
}

/// A boolean setting's value as gunicorn's validator reads it: `True`/`False`, or the
/// strings `"true"`, `"yes"`, `"on"`, `"1"`, `"y"` (and their negatives); `None` otherwise.
pub(crate) fn gunicorn_bool(value: &crate::parse::python::Value) -> Option<bool> {
    use crate::parse::python::Value;
    match value {
        Value::Bool(value) => Some(*value),
        Value::Str(text) => match text.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" | "on" => Some(true),
            "n" | "no" | "false" | "0" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Helpers of the project-level gunicorn rules: the runtimes that run gunicorn, where a
/// resolved setting is reported, whether the service's app is ASGI.
pub(crate) mod runtime {
    use std::collections::HashSet;

    use crate::parse::python::Value;
    use crate::parse::python::app::{AppKind, AppObject};
    use crate::project::{Origin, Platform, Project, Runtime, Service, SettingFact};
    use crate::span::Span;

    /// Every production runtime (not a development setup) that runs gunicorn, with its
    /// service.
    pub(crate) fn gunicorn_runtimes(project: &Project) -> Vec<(&Service, &Runtime)> {
        project
            .services()
            .iter()
            .flat_map(|service| service.runtimes.iter().map(move |r| (service, r)))
            .filter(|(_, runtime)| {
                !runtime.development && runtime.gunicorn.is_some() && runtime.launch.is_some()
            })
            .collect()
    }

    /// The setting `name` as it holds in `runtime`, when it can be told: `None` when the
    /// configuration cannot be known (a `-c` file or a `GUNICORN_CMD_ARGS` value that was
    /// not read), when the value was set under an `if`/`try`, or when an environment
    /// variable may replace it from a source that was not read (`env_file`, an `envFrom`
    /// of an object not scanned).
    pub(crate) fn known_setting(runtime: &Runtime, name: &str) -> Option<SettingFact> {
        if configuration_unknown(runtime) {
            return None;
        }
        let fact = runtime.gunicorn_setting(name)?;
        if fact.conditional || matches!(fact.value, Value::Unknown) {
            return None;
        }
        let overridable = runtime
            .gunicorn
            .as_ref()
            .and_then(|config| config.get(name))
            .is_some_and(|setting| setting.value.env_override.is_some());
        if fact.from_env.is_none() && overridable && !runtime.env.is_complete() {
            return None;
        }
        Some(fact)
    }

    /// Whether gunicorn reads settings the model could not: a `-c`/`--config` file not
    /// found among the scanned files, or a `GUNICORN_CMD_ARGS` that is not a literal.
    pub(crate) fn configuration_unknown(runtime: &Runtime) -> bool {
        let names_config = runtime
            .launch
            .as_ref()
            .is_some_and(|launch| launch.invocation.config.is_some());
        (names_config && runtime.gunicorn_file.is_none())
            || runtime
                .env
                .get("GUNICORN_CMD_ARGS")
                .is_some_and(|var| var.value.literal().is_none())
    }

    /// Where a setting is reported: the file and span it is written at, else (a gunicorn
    /// default) the `gunicorn` word of the command that starts the server.
    pub(crate) fn report_location(runtime: &Runtime, fact: &SettingFact) -> Option<(usize, Span)> {
        match &fact.origin {
            Origin::File { file, span } => Some((*file, *span)),
            _ => {
                let launch = runtime.launch.as_ref()?;
                Some((launch.file, launch.invocation.server.span))
            }
        }
    }

    /// Where a runtime runs, for a label: the Kubernetes container's name, the compose
    /// service's name, or the image's start command; with its description. `None` for a
    /// systemd unit (the rules using it are about containers).
    pub(crate) fn runtime_place(
        project: &Project,
        runtime: &Runtime,
    ) -> Option<(usize, Span, String)> {
        if matches!(runtime.platform, Platform::Systemd { .. }) {
            return None;
        }
        let place = project.runtime_place(runtime)?;
        Some((place.file, place.span, place.description))
    }

    /// A gunicorn bind address's host and port (`127.0.0.1:8000`, `[::1]:8000`,
    /// `localhost`, `:8000`); `None` for a Unix socket (`unix:/run/app.sock`) or an inherited
    /// descriptor (`fd://3`).
    pub(crate) fn bind_host_port(text: &str) -> Option<(&str, Option<&str>)> {
        let text = text.trim();
        if text.starts_with("unix:") || text.starts_with("fd://") {
            return None;
        }
        if let Some(rest) = text.strip_prefix('[') {
            let end = rest.find(']')?;
            let host = text.get(..end + 2)?;
            let port = rest.get(end + 1..)?.strip_prefix(':');
            return Some((host, port));
        }
        match text.matches(':').count() {
            0 if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                Some(("", Some(text)))
            }
            1 => text.split_once(':').map(|(host, port)| (host, Some(port))),
            _ => Some((text, None)),
        }
    }

    /// Findings at one place (file and span), with every runtime that shares it.
    pub(crate) struct Grouped<'p, T> {
        /// The file.
        pub(crate) file: usize,
        /// The span.
        pub(crate) span: Span,
        /// The first finding there.
        pub(crate) item: T,
        /// The runtimes it holds in, in model order.
        pub(crate) runtimes: Vec<&'p Runtime>,
    }

    /// Groups findings by place, in the order the places are first met.
    pub(crate) fn group<'p, T>(
        findings: Vec<(usize, Span, T, &'p Runtime)>,
    ) -> Vec<Grouped<'p, T>> {
        let mut groups: Vec<Grouped<'p, T>> = Vec::new();
        for (file, span, item, runtime) in findings {
            match groups.iter_mut().find(|g| g.file == file && g.span == span) {
                Some(group) => group.runtimes.push(runtime),
                None => groups.push(Grouped {
                    file,
                    span,
                    item,
                    runtimes: vec![runtime],
                }),
            }
        }
        groups
    }

    /// Where the runtimes run, each place once: file, span and description.
    pub(crate) fn places(project: &Project, runtimes: &[&Runtime]) -> Vec<(usize, Span, String)> {
        let mut found: Vec<(usize, Span, String)> = Vec::new();
        for runtime in runtimes {
            if let Some(place) = runtime_place(project, runtime)
                && !found.iter().any(|(f, s, _)| (*f, *s) == (place.0, place.1))
            {
                found.push(place);
            }
        }
        found
    }

    /// The places' descriptions for a message (`compose service api, container api of
    /// Deployment/api`).
    pub(crate) fn describe_places(places: &[(usize, Span, String)]) -> String {
        if places.is_empty() {
            return "a container".to_string();
        }
        // The same workload in several kustomize overlays reads the same: name it once,
        // and say how many more places there are past three.
        let mut names: Vec<&str> = Vec::new();
        for (_, _, text) in places {
            if !names.contains(&text.as_str()) {
                names.push(text);
            }
        }
        const SHOWN: usize = 3;
        let mut text = names
            .iter()
            .take(SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > SHOWN {
            text.push_str(&format!(" and {} more", names.len() - SHOWN));
        }
        text
    }

    /// Remembers the (file, span) pairs already reported, so a setting several runtimes
    /// share (a Deployment and a compose service running one image) is reported once.
    #[derive(Default)]
    pub(crate) struct Reported(HashSet<(usize, u32, u32)>);

    impl Reported {
        /// `true` the first time a location is seen.
        pub(crate) fn first(&mut self, file: usize, span: Span) -> bool {
            self.0.insert((file, span.start, span.end))
        }
    }

    /// The FastAPI or Starlette application the service serves, with its file: the
    /// service's app target when it names one, else the only such app of its modules.
    pub(crate) fn asgi_app<'p>(
        project: &'p Project,
        service: &Service,
    ) -> Option<(&'p AppObject, usize)> {
        let link = service.app.as_ref()?;
        let app = project.python().app.apps.iter().find(|app| {
            app.module == link.module
                && app.name == link.attribute
                && matches!(app.kind, AppKind::FastApi | AppKind::Starlette)
        })?;
        Some((app, link.file))
    }

    /// The framework's name for messages.
    pub(crate) fn framework(kind: AppKind) -> &'static str {
        match kind {
            AppKind::FastApi => "FastAPI",
            AppKind::Starlette => "Starlette",
            AppKind::Router => "APIRouter",
        }
    }

    /// Describes where a setting's value comes from, for messages: `gunicorn.conf.py:3`,
    /// `Dockerfile:9 (GUNICORN_CMD_ARGS)`, or the default's own words.
    pub(crate) fn describe_origin(project: &Project, fact: &SettingFact) -> String {
        match &fact.origin {
            Origin::File { file, span } => {
                let place = project.file_line(*file, *span);
                match &fact.from_env {
                    Some(var) => format!("{place}, from `{var}`"),
                    None => place,
                }
            }
            Origin::Default(text) => text.clone(),
            Origin::Config(text) => text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::runtime::{bind_host_port, gunicorn_runtimes, known_setting};
    use crate::parse::python::Value;
    use crate::project::{Origin, ParsedFile, Project};
    use crate::source::{FileKind, SourceFile};

    fn project(files: &[(&str, &str)]) -> Project {
        let parsed = files
            .iter()
            .map(|(path, text)| {
                let kind = FileKind::detect(Path::new(path)).expect("known kind");
                ParsedFile::parse(SourceFile::new(*path, kind, *text))
            })
            .collect();
        Project::new(parsed, BTreeSet::new())
    }

    const DOCKERFILE: &str =
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"gunicorn\", \"app.main:app\"]\n";

    #[test]
    fn settings_resolve_from_the_config_file_with_their_origin() {
        let project = project(&[
            ("svc/Dockerfile", DOCKERFILE),
            (
                "svc/gunicorn.conf.py",
                "workers = 2\nworker_tmp_dir = \"/tmp\"\n",
            ),
        ]);
        let runtimes = gunicorn_runtimes(&project);
        let [(_, runtime)] = runtimes.as_slice() else {
            panic!("one gunicorn runtime expected, got {}", runtimes.len());
        };
        let fact = known_setting(runtime, "worker_tmp_dir").expect("known");
        assert_eq!(fact.value, Value::Str("/tmp".to_string()));
        assert_eq!(fact.origin, Origin::file(1, crate::span::Span::new(12, 35)));
        let default = known_setting(runtime, "preload_app").expect("known");
        assert!(matches!(default.origin, Origin::Default(_)));
    }

    #[test]
    fn a_config_file_that_was_not_scanned_leaves_every_setting_unknown() {
        let dockerfile = "FROM python:3.12-slim\nCMD [\"gunicorn\", \"-c\", \"/etc/gunicorn/prod.py\", \"app.main:app\"]\n";
        let project = project(&[("svc/Dockerfile", dockerfile)]);
        let runtimes = gunicorn_runtimes(&project);
        let [(_, runtime)] = runtimes.as_slice() else {
            panic!("one gunicorn runtime expected");
        };
        assert_eq!(known_setting(runtime, "worker_class"), None);
    }

    #[test]
    fn an_env_override_from_an_unread_env_file_is_unknown() {
        let project = project(&[
            ("svc/Dockerfile", DOCKERFILE),
            (
                "svc/gunicorn.conf.py",
                "import os\nbind = os.getenv(\"BIND\", \"127.0.0.1:8000\")\n",
            ),
            (
                "svc/docker-compose.yml",
                "services:\n  api:\n    build: .\n    env_file: .env\n",
            ),
        ]);
        let runtimes = gunicorn_runtimes(&project);
        let [(_, runtime)] = runtimes.as_slice() else {
            panic!("one gunicorn runtime expected");
        };
        assert_eq!(known_setting(runtime, "bind"), None);
        // `workers` has a documented variable (`WEB_CONCURRENCY`) the file may set too.
        assert_eq!(known_setting(runtime, "workers"), None);
        assert!(known_setting(runtime, "worker_tmp_dir").is_some());
    }

    #[test]
    fn paths_are_shown_relative_to_the_files_common_directory() {
        let project = project(&[
            ("repo/svc/Dockerfile", DOCKERFILE),
            ("repo/svc/gunicorn.conf.py", "workers = 2\n"),
        ]);
        assert_eq!(
            project.display_path(Path::new("repo/svc/gunicorn.conf.py")),
            "gunicorn.conf.py"
        );
    }

    #[test]
    fn bind_addresses_split_into_host_and_port() {
        assert_eq!(
            bind_host_port("127.0.0.1:8000"),
            Some(("127.0.0.1", Some("8000")))
        );
        assert_eq!(bind_host_port("[::1]:8000"), Some(("[::1]", Some("8000"))));
        assert_eq!(bind_host_port("[::]"), Some(("[::]", None)));
        assert_eq!(bind_host_port("localhost"), Some(("localhost", None)));
        assert_eq!(bind_host_port("::1"), Some(("::1", None)));
        assert_eq!(bind_host_port(":8000"), Some(("", Some("8000"))));
        assert_eq!(bind_host_port("8000"), Some(("", Some("8000"))));
        assert_eq!(bind_host_port("unix:/run/app.sock"), None);
        assert_eq!(bind_host_port("fd://3"), None);
    }
}
