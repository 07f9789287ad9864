//! The services of a repository, linked across files by evidence.
//!
//! A service is the code of one deployed program (a build context, its app module and
//! settings classes) and every place it runs: the image as built, each Kubernetes
//! container that runs its image, each compose service that builds or names it, each
//! systemd unit that starts it. Links are made by evidence, strongest first:
//! 1. explicit `[[service]]` entries of the configuration file;
//! 2. a compose `build:` naming the Dockerfile's context;
//! 3. an image name: a Kubernetes container or compose `image:` whose name (the last path
//!    segment, without tag) is the service's name, its build context's directory name or
//!    the image a compose file builds from it;
//! 4. proximity: in a repository with one service, every container that is not a
//!    well-known database, cache or proxy image runs it.
//!
//! A runtime's facts (workers per process, the resolved gunicorn configuration, the
//! environment) are built from the files that reach it, each with its origin.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config;
use crate::parse::command::{Flag, Invocation, Server, ValueSource, parse_invocation};
use crate::parse::kubernetes::{
    Container, ContainerRole, EnvValueSource, Object, ObjectBody, RefKind,
};
use crate::parse::python::Value;
use crate::parse::python::app::AppKind;
use crate::parse::python::gunicorn::{self, GunicornConfig, ResolvedSetting};
use crate::parse::shell::{Word, shell_command_string};

use super::env::{EnvSource, EnvValue, EnvVar, Environment};
use super::fact::{Fact, Origin};
use super::{Project, PythonRole, Tree, module_name, normalize};

/// Where a runtime runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Platform {
    /// The image as built, started by its own `CMD`/`ENTRYPOINT` (no orchestrator file
    /// runs it).
    Image,
    /// A Kubernetes container: file, object index in the file, container index in the
    /// pod spec's `containers`.
    Kubernetes {
        /// The manifest file.
        file: usize,
        /// The workload object.
        object: usize,
        /// The container.
        container: usize,
    },
    /// A compose service: file and service index.
    Compose {
        /// The compose file.
        file: usize,
        /// The service.
        service: usize,
    },
    /// A systemd unit.
    Systemd {
        /// The unit file.
        file: usize,
    },
}

impl Platform {
    /// Whether the service runs in a container there.
    pub fn is_containerised(self) -> bool {
        !matches!(self, Platform::Systemd { .. })
    }
}

/// A server start: the invocation and the file it is written in.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The file (Dockerfile, manifest, compose file, unit).
    pub file: usize,
    /// The server command line.
    pub invocation: Invocation,
}

/// One place a service runs, with the facts that hold there.
#[derive(Clone, Debug)]
pub struct Runtime {
    /// Where.
    pub platform: Platform,
    /// The server it starts, when known.
    pub launch: Option<Launch>,
    /// Its environment.
    pub env: Environment,
    /// The gunicorn configuration file it reads (file index), when it runs gunicorn.
    pub gunicorn_file: Option<usize>,
    /// gunicorn's configuration as resolved there (defaults, config file,
    /// `GUNICORN_CMD_ARGS`, command line), when it runs gunicorn.
    pub gunicorn: Option<GunicornConfig>,
    /// The file whose `GUNICORN_CMD_ARGS` value was applied, for origins.
    gunicorn_env_file: Option<usize>,
    /// Whether it is a development setup (a compose file named for development or
    /// overrides, a development server such as `fastapi dev`): production rules skip it.
    pub development: bool,
}

/// The ASGI application a service serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppLink {
    /// Index of the module in the Python models.
    pub module: usize,
    /// Index of the module's file in the project.
    pub file: usize,
    /// The attribute (`app`).
    pub attribute: String,
    /// What named it (the app target of a start command, the configuration, or the only
    /// app of the service's code).
    pub origin: Origin,
}

/// One deployed service.
#[derive(Clone, Debug)]
pub struct Service {
    /// Its name (the `[[service]]` name, else its build context's directory name).
    pub name: String,
    /// Whether a `[[service]]` entry declared it.
    pub declared: bool,
    /// The directory holding its code (the build context), when known.
    pub root: Option<PathBuf>,
    /// Its Dockerfile (file index).
    pub dockerfile: Option<usize>,
    /// Every place it runs.
    pub runtimes: Vec<Runtime>,
    /// The application it serves, when found.
    pub app: Option<AppLink>,
    /// Its settings classes (indices in the settings model).
    pub settings_classes: Vec<usize>,
    /// Its Python modules (indices in the Python models).
    pub modules: Vec<usize>,
}

impl Service {
    /// Whether it runs in a container anywhere (a Dockerfile, a pod, a compose service).
    pub fn is_containerised(&self) -> bool {
        self.dockerfile.is_some() || self.runtimes.iter().any(|r| r.platform.is_containerised())
    }
}

/// A value of a resolved gunicorn setting, with its origin (the config file, the command
/// line, `GUNICORN_CMD_ARGS`, the environment variable that overrides an `os.getenv`
/// default, or gunicorn's documented default).
#[derive(Clone, Debug, PartialEq)]
pub struct SettingFact {
    /// The value.
    pub value: Value,
    /// Where it comes from.
    pub origin: Origin,
    /// The environment variable that replaced the file's default, when one did.
    pub from_env: Option<String>,
    /// Whether it was set under an `if`/`try` (so it may not hold).
    pub conditional: bool,
}

impl Runtime {
    /// The gunicorn setting `name` as it holds here: an environment variable of this
    /// runtime that overrides the value (`os.getenv("WEB_CONCURRENCY", 2)`, or a
    /// setting's documented variable) replaces it. `None` when gunicorn does not run.
    pub fn gunicorn_setting(&self, name: &str) -> Option<SettingFact> {
        let config = self.gunicorn.as_ref()?;
        let setting = config.get(name)?;
        if let Some(var) = &setting.value.env_override
            && let Some(env) = self.env.get(var)
        {
            let value = match env.value.literal() {
                Some(text) => parse_like(text, &setting.value.value),
                None => Value::Unknown,
            };
            return Some(SettingFact {
                value,
                origin: env
                    .value_origin
                    .clone()
                    .unwrap_or_else(|| env.origin.clone()),
                from_env: Some(var.clone()),
                conditional: false,
            });
        }
        Some(SettingFact {
            value: setting.value.value.clone(),
            origin: self.setting_origin(setting),
            from_env: None,
            conditional: setting.value.conditional,
        })
    }

    /// Where a resolved setting was written.
    pub fn setting_origin(&self, setting: &ResolvedSetting) -> Origin {
        let span = setting.span.cover(setting.value.span);
        match setting.origin {
            gunicorn::Origin::Default => Origin::default_of(format!(
                "gunicorn default {} = {}",
                setting.spec.name,
                setting
                    .value
                    .value
                    .python_repr()
                    .unwrap_or_else(|| "?".to_string())
            )),
            gunicorn::Origin::ConfigFile => match self.gunicorn_file {
                Some(file) => Origin::file(file, span),
                None => Origin::default_of("gunicorn configuration"),
            },
            gunicorn::Origin::EnvArgs => match self.gunicorn_env_file {
                Some(file) => Origin::file(file, span),
                None => Origin::default_of("GUNICORN_CMD_ARGS"),
            },
            gunicorn::Origin::CommandLine => match &self.launch {
                Some(launch) => Origin::file(launch.file, span),
                None => Origin::default_of("the command line"),
            },
        }
    }

    /// The server it starts.
    pub fn server(&self) -> Option<Server> {
        self.launch.as_ref().map(|l| l.invocation.server.value)
    }

    /// Worker processes per server: gunicorn's resolved `workers`; `--workers` of
    /// uvicorn, `fastapi run`, hypercorn and granian (with `WEB_CONCURRENCY` for uvicorn);
    /// else the server's documented default of one. `None` when unknown (a CPU formula,
    /// a value computed at run time, an unknown server).
    pub fn workers(&self) -> Option<Fact<i64>> {
        let launch = self.launch.as_ref()?;
        let server = launch.invocation.server.value;
        if server == Server::Gunicorn {
            let setting = self.gunicorn_setting("workers")?;
            if setting.conditional {
                return None;
            }
            return Some(Fact::new(setting.value.as_int()?, setting.origin));
        }
        if !matches!(
            server,
            Server::Uvicorn | Server::FastApiRun | Server::Hypercorn | Server::Granian
        ) {
            return None;
        }
        if let Some(value) = &launch.invocation.workers {
            return match &value.source {
                ValueSource::Literal => {
                    let count = value.text.trim().parse().ok()?;
                    Some(Fact::at(count, launch.file, value.span))
                }
                ValueSource::Env { var, default } => self.env_int(var).or_else(|| {
                    let count = default.as_deref()?.trim().parse().ok()?;
                    Some(Fact::at(count, launch.file, value.span))
                }),
                ValueSource::Dynamic => None,
            };
        }
        if server == Server::Uvicorn
            && let Some(fact) = self.env_int("WEB_CONCURRENCY")
        {
            return Some(fact);
        }
        Some(Fact::new(
            1,
            Origin::default_of(format!("{} default workers = 1", server.name())),
        ))
    }

    /// The worker class, for gunicorn (resolved `worker_class`).
    pub fn worker_class(&self) -> Option<Fact<String>> {
        let setting = self.gunicorn_setting("worker_class")?;
        Some(Fact::new(
            setting.value.as_str()?.to_string(),
            setting.origin,
        ))
    }

    /// An integer environment variable of this runtime, with its origin.
    fn env_int(&self, name: &str) -> Option<Fact<i64>> {
        let var = self.env.get(name)?;
        let count = var.value.literal()?.trim().parse().ok()?;
        Some(Fact::new(
            count,
            var.value_origin
                .clone()
                .unwrap_or_else(|| var.origin.clone()),
        ))
    }
}

/// Where a runtime runs, for messages and labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimePlace {
    /// The file a label points into (manifest, compose file, unit, Dockerfile).
    pub file: usize,
    /// The container's or service's name, the unit's start command, or the image's.
    pub span: crate::span::Span,
    /// "container `api` of Deployment/orders", "compose service `orders`", "systemd unit
    /// `orders.service`", "the image's start command".
    pub description: String,
}

impl Project {
    /// The manifest file, workload object and container a Kubernetes runtime runs in
    /// (`None` for other platforms).
    pub fn kubernetes_container(
        &self,
        runtime: &Runtime,
    ) -> Option<(&crate::source::SourceFile, &Object, &Container)> {
        let Platform::Kubernetes {
            file,
            object,
            container,
        } = runtime.platform
        else {
            return None;
        };
        let parsed = self.files.get(file)?;
        let Tree::Kubernetes(manifests) = &parsed.tree else {
            return None;
        };
        let object = manifests.objects.get(object)?;
        let container = object.workload()?.pod_spec()?.containers.get(container)?;
        Some((&parsed.source, object, container))
    }

    /// Where `runtime` runs, named for messages, with the span a label should point at.
    pub fn runtime_place(&self, runtime: &Runtime) -> Option<RuntimePlace> {
        match runtime.platform {
            Platform::Kubernetes { file, .. } => {
                let (_, object, container) = self.kubernetes_container(runtime)?;
                let span = container.name.as_ref().map_or(container.span, |n| n.span);
                let name = container
                    .name
                    .as_ref()
                    .map_or_else(String::new, |n| format!("container `{}` of ", n.value));
                Some(RuntimePlace {
                    file,
                    span,
                    description: format!("{name}{}", object.display_name()),
                })
            }
            Platform::Compose { file, service } => {
                let Tree::Compose(compose) = &self.files.get(file)?.tree else {
                    return None;
                };
                let entry = compose.services.get(service)?;
                Some(RuntimePlace {
                    file,
                    span: entry.name.span,
                    description: format!("compose service `{}`", entry.name.value),
                })
            }
            Platform::Systemd { file } => {
                let span = runtime
                    .launch
                    .as_ref()
                    .filter(|launch| launch.file == file)
                    .map_or(crate::span::Span::empty(0), |launch| launch.invocation.span);
                let name = self.source(file)?.path().file_name()?.to_string_lossy();
                Some(RuntimePlace {
                    file,
                    span,
                    description: format!("systemd unit `{name}`"),
                })
            }
            Platform::Image => {
                let launch = runtime.launch.as_ref()?;
                Some(RuntimePlace {
                    file: launch.file,
                    span: launch.invocation.span,
                    description: "the image's start command".to_string(),
                })
            }
        }
    }
}

/// `text` read as the same type as `like` (an environment variable replacing a default).
fn parse_like(text: &str, like: &Value) -> Value {
    let trimmed = text.trim();
    match like {
        Value::Int(_) => trimmed.parse().map_or(Value::Unknown, Value::Int),
        Value::Float(_) => trimmed.parse().map_or(Value::Unknown, Value::Float),
        Value::Bool(_) => match trimmed.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" | "on" => Value::Bool(true),
            "n" | "no" | "false" | "0" | "off" => Value::Bool(false),
            _ => Value::Unknown,
        },
        _ => trimmed
            .parse()
            .map_or_else(|_| Value::Str(text.to_string()), Value::Int),
    }
}

/// Image names of databases, caches, brokers, proxies and tools: a container running one
/// never runs the service's own image.
const INFRASTRUCTURE_IMAGES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "pgbouncer",
    "mysql",
    "mariadb",
    "redis",
    "valkey",
    "memcached",
    "rabbitmq",
    "mongo",
    "mongodb",
    "elasticsearch",
    "opensearch",
    "kafka",
    "zookeeper",
    "minio",
    "nginx",
    "traefik",
    "haproxy",
    "envoy",
    "caddy",
    "busybox",
    "alpine",
    "curl",
    "jaeger",
    "prometheus",
    "grafana",
    "localstack",
    "mailhog",
    "adminer",
    "pgadmin4",
];

/// The name part of an image reference: `ghcr.io/acme/orders-api:1.2@sha256:..` →
/// `orders-api`.
pub fn image_name(reference: &str) -> &str {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last)
}

/// Whether an image is a well-known database, cache, broker, proxy or tool.
pub fn is_infrastructure_image(reference: &str) -> bool {
    let name = image_name(reference).to_ascii_lowercase();
    INFRASTRUCTURE_IMAGES
        .iter()
        .any(|known| name == *known || name.starts_with(&format!("{known}-")))
        || reference.contains("/bitnami/") && name.contains("sql")
}

/// The argument vector a container's `command`/`args` give, when they decide what runs:
/// `command` (followed by `args`), or `args` alone when they start a shell or a known
/// server themselves (otherwise they are arguments to the image's `ENTRYPOINT`).
pub fn container_command_line(container: &Container) -> Option<Vec<Word>> {
    let to_words = |items: &[crate::span::Spanned<String>]| -> Vec<Word> {
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

/// Links the project's files into services.
pub(super) fn link(project: &Project, declared: &[config::Service]) -> Vec<Service> {
    let mut linker = Linker::new(project);
    for entry in declared {
        linker.declare(entry);
    }
    linker.infer_from_dockerfiles();
    linker.link_compose();
    linker.link_kubernetes();
    linker.link_systemd();
    linker.finish()
}

/// A service being linked.
struct Draft {
    service: Service,
    /// Image names that run it.
    image_names: Vec<String>,
    /// Declared Kubernetes workloads (`Kind/name`).
    declared_workloads: Vec<String>,
    /// Declared compose service name.
    declared_compose: Option<String>,
    /// Declared gunicorn config file.
    declared_gunicorn: Option<usize>,
    /// Declared app target.
    declared_app: Option<String>,
    /// Declared settings class (`module:Class`).
    declared_settings: Option<String>,
}

struct Linker<'p> {
    project: &'p Project,
    /// Kubernetes objects by `metadata.name`, with their files (for `envFrom` and
    /// `configMapKeyRef` lookups without a scan per reference).
    objects_by_name: HashMap<&'p str, Vec<(usize, &'p Object)>>,
    /// The gunicorn configuration files, by file name.
    gunicorn_configs: HashMap<String, Vec<usize>>,
    drafts: Vec<Draft>,
    /// Dockerfiles already owned by a service.
    claimed_dockerfiles: Vec<usize>,
    /// Compose services and containers already linked.
    claimed_compose: Vec<(usize, usize)>,
    claimed_containers: Vec<(usize, usize, usize)>,
    claimed_units: Vec<usize>,
}

impl<'p> Linker<'p> {
    fn new(project: &'p Project) -> Self {
        let mut objects_by_name: HashMap<&'p str, Vec<(usize, &'p Object)>> = HashMap::new();
        let mut gunicorn_configs: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, file) in project.files.iter().enumerate() {
            match &file.tree {
                Tree::Kubernetes(manifests) => {
                    for object in &manifests.objects {
                        if let Some(name) = &object.name {
                            objects_by_name
                                .entry(name.value.as_str())
                                .or_default()
                                .push((index, object));
                        }
                    }
                }
                Tree::Python(python) if python.role == PythonRole::GunicornConfig => {
                    let name = file
                        .source
                        .path()
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    gunicorn_configs.entry(name).or_default().push(index);
                }
                _ => {}
            }
        }
        Linker {
            project,
            objects_by_name,
            gunicorn_configs,
            drafts: Vec::new(),
            claimed_dockerfiles: Vec::new(),
            claimed_compose: Vec::new(),
            claimed_containers: Vec::new(),
            claimed_units: Vec::new(),
        }
    }

    fn new_draft(&mut self, name: String, declared: bool) -> &mut Draft {
        self.drafts.push(Draft {
            service: Service {
                name,
                declared,
                root: None,
                dockerfile: None,
                runtimes: Vec::new(),
                app: None,
                settings_classes: Vec::new(),
                modules: Vec::new(),
            },
            image_names: Vec::new(),
            declared_workloads: Vec::new(),
            declared_compose: None,
            declared_gunicorn: None,
            declared_app: None,
            declared_settings: None,
        });
        let last = self.drafts.len() - 1;
        &mut self.drafts[last]
    }

    fn declare(&mut self, entry: &config::Service) {
        let dockerfile = entry
            .dockerfile
            .as_deref()
            .and_then(|path| self.project.index_of(path))
            .filter(|&index| matches!(self.project.files[index].tree, Tree::Dockerfile(_)));
        let gunicorn = entry
            .gunicorn_config
            .as_deref()
            .and_then(|path| self.project.index_of(path));
        let unit = entry
            .systemd_unit
            .as_deref()
            .and_then(|path| self.project.index_of(path));
        let root = dockerfile.map(|index| self.context_of(index));
        if let Some(index) = dockerfile {
            self.claimed_dockerfiles.push(index);
        }
        let draft = self.new_draft(entry.name.clone(), true);
        draft.service.dockerfile = dockerfile;
        draft.service.root = root;
        draft.image_names.push(entry.name.clone());
        draft.declared_workloads = entry.kubernetes.clone();
        draft.declared_compose = entry.compose_service.clone();
        draft.declared_gunicorn = gunicorn;
        draft.declared_app = entry.app.clone();
        draft.declared_settings = entry.settings.clone();
        if let Some(unit) = unit {
            self.claimed_units.push(unit);
            let runtime = self.systemd_runtime(unit, gunicorn);
            if let Some(draft) = self.drafts.last_mut() {
                draft.service.runtimes.push(runtime);
            }
        }
    }

    fn context_of(&self, dockerfile: usize) -> PathBuf {
        self.project
            .build_context(&self.project.files[dockerfile].source)
            .dir
            .to_path_buf()
    }

    /// One service per production Dockerfile not declared already.
    fn infer_from_dockerfiles(&mut self) {
        for index in 0..self.project.files.len() {
            let file = &self.project.files[index];
            let Tree::Dockerfile(model) = &file.tree else {
                continue;
            };
            if self.claimed_dockerfiles.contains(&index)
                || super::is_dev_dockerfile(file.source.path())
                || file
                    .source
                    .path()
                    .components()
                    .any(|c| c.as_os_str() == ".devcontainer")
                || model.final_stage_is_dev()
            {
                continue;
            }
            let root = self.context_of(index);
            let name = directory_name(&root)
                .or_else(|| directory_name(file.source.path().parent().unwrap_or(Path::new(""))))
                .unwrap_or_else(|| "service".to_string());
            self.claimed_dockerfiles.push(index);
            let draft = self.new_draft(name.clone(), false);
            draft.service.dockerfile = Some(index);
            draft.service.root = Some(root);
            draft.image_names.push(name);
        }
    }

    /// Links compose services: declared names, `build:` contexts, image names.
    fn link_compose(&mut self) {
        for file_index in 0..self.project.files.len() {
            let Tree::Compose(compose) = &self.project.files[file_index].tree else {
                continue;
            };
            let compose_dir = self.project.files[file_index]
                .source
                .path()
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            // Images built here, so services naming them link too.
            for (service_index, service) in compose.services.iter().enumerate() {
                let by_name = self.drafts.iter().position(|d| {
                    d.declared_compose.as_deref() == Some(service.name.value.as_str())
                });
                let by_build = service.build.as_ref().and_then(|build| {
                    let context = normalize(
                        &compose_dir.join(build.context.as_ref().map_or(".", |c| c.value.as_str())),
                    );
                    self.drafts.iter().position(|d| {
                        d.service.root.as_deref().map(normalize).as_deref() == Some(&context)
                    })
                });
                let by_image = service
                    .image
                    .as_ref()
                    .and_then(|image| self.draft_for_image(&image.value, file_index));
                let draft = match by_name.or(by_build).or(by_image) {
                    Some(draft) => draft,
                    // A service built here from a Dockerfile not scanned, or running an
                    // image, that starts Python itself is a service of its own.
                    None if service.invocation().is_some() => {
                        let root = normalize(
                            &compose_dir.join(
                                service
                                    .build
                                    .as_ref()
                                    .and_then(|b| b.context.as_ref())
                                    .map_or(".", |c| c.value.as_str()),
                            ),
                        );
                        let draft = self.new_draft(service.name.value.clone(), false);
                        draft.service.root = service.build.is_some().then_some(root);
                        self.drafts.len() - 1
                    }
                    None => continue,
                };
                if by_build.is_some()
                    && let Some(image) = &service.image
                {
                    let name = image_name(&image.value).to_string();
                    self.drafts[draft].image_names.push(name);
                }
                self.claimed_compose.push((file_index, service_index));
                let runtime = self.compose_runtime(draft, file_index, service_index);
                self.drafts[draft].service.runtimes.push(runtime);
            }
        }
    }

    /// The draft an image name runs: a declared or inferred image name equal to it (or
    /// one containing the other when that is unique), else, in a repository with a
    /// single service, that service when the image is not infrastructure.
    fn draft_for_image(&self, reference: &str, file: usize) -> Option<usize> {
        if reference.contains("${") || reference.contains("{{") {
            return self.single_draft(reference, file);
        }
        let name = image_name(reference).to_ascii_lowercase();
        if name.is_empty() {
            return None;
        }
        let exact: Vec<usize> = (0..self.drafts.len())
            .filter(|&i| {
                self.drafts[i]
                    .image_names
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(&name))
            })
            .collect();
        if let [only] = exact.as_slice() {
            return Some(*only);
        }
        if !exact.is_empty() {
            return None;
        }
        let partial: Vec<usize> = (0..self.drafts.len())
            .filter(|&i| {
                self.drafts[i]
                    .image_names
                    .iter()
                    .any(|known| names_overlap(&known.to_ascii_lowercase(), &name))
            })
            .collect();
        if let [only] = partial.as_slice() {
            return Some(*only);
        }
        if !partial.is_empty() {
            return None;
        }
        self.single_draft(reference, file)
    }

    /// The only service, for an image that names none, when the file running it is near
    /// that service's code: under its root or the directory above it (`backend/` and
    /// `k8s/` side by side). A repository of unrelated examples with one Dockerfile does
    /// not make every example run it.
    fn single_draft(&self, reference: &str, file: usize) -> Option<usize> {
        if self.drafts.len() != 1 || is_infrastructure_image(reference) {
            return None;
        }
        let near = match &self.drafts[0].service.root {
            Some(root) => {
                let root = normalize(root);
                let scope = root.parent().unwrap_or(Path::new(""));
                normalize(self.project.files[file].source.path()).starts_with(scope)
            }
            None => true,
        };
        near.then_some(0)
    }

    /// Links the main containers of long-running workloads.
    fn link_kubernetes(&mut self) {
        for file_index in 0..self.project.files.len() {
            let Tree::Kubernetes(manifests) = &self.project.files[file_index].tree else {
                continue;
            };
            for (object_index, object) in manifests.objects.iter().enumerate() {
                let Some(workload) = object.workload() else {
                    continue;
                };
                if !workload.kind.is_long_running() {
                    continue;
                }
                let Some(pod) = workload.pod_spec() else {
                    continue;
                };
                for (container_index, container) in pod.containers.iter().enumerate() {
                    if container.role != ContainerRole::Main {
                        continue;
                    }
                    let infrastructure = container
                        .image
                        .as_ref()
                        .is_some_and(|image| is_infrastructure_image(&image.value));
                    let declared = self.drafts.iter().position(|d| {
                        d.declared_workloads
                            .iter()
                            .any(|w| names_workload(w, object))
                    });
                    let declared = declared.filter(|_| !infrastructure);
                    let by_image = || {
                        let image = container.image.as_ref()?;
                        if is_infrastructure_image(&image.value) {
                            return None;
                        }
                        self.draft_for_image(&image.value, file_index)
                    };
                    let draft = match declared.or_else(by_image) {
                        Some(draft) => draft,
                        None => {
                            // A container starting a known Python server is a service of
                            // its own even without a Dockerfile.
                            let starts_server = container_command_line(container)
                                .and_then(|words| parse_invocation(&words))
                                .is_some();
                            if !starts_server {
                                continue;
                            }
                            let name = container
                                .name
                                .as_ref()
                                .map(|n| n.value.clone())
                                .or_else(|| object.name.as_ref().map(|n| n.value.clone()))
                                .unwrap_or_else(|| "service".to_string());
                            self.new_draft(name, false);
                            self.drafts.len() - 1
                        }
                    };
                    self.claimed_containers
                        .push((file_index, object_index, container_index));
                    let runtime = self.kubernetes_runtime(
                        draft,
                        file_index,
                        object,
                        object_index,
                        container,
                        container_index,
                    );
                    self.drafts[draft].service.runtimes.push(runtime);
                }
            }
        }
    }

    /// A service per systemd unit starting a known server (unless declared).
    fn link_systemd(&mut self) {
        for file_index in 0..self.project.files.len() {
            let Tree::Systemd(unit) = &self.project.files[file_index].tree else {
                continue;
            };
            if self.claimed_units.contains(&file_index) {
                continue;
            }
            let Some((_, _, invocation)) = unit.invocation() else {
                continue;
            };
            if !invocation.server.value.is_known() {
                continue;
            }
            let name = self.project.files[file_index]
                .source
                .path()
                .file_stem()
                .map_or_else(
                    || "service".to_string(),
                    |s| s.to_string_lossy().into_owned(),
                );
            let runtime = self.systemd_runtime(file_index, None);
            let draft = self.new_draft(name, false);
            draft.service.runtimes.push(runtime);
        }
    }

    /// The image's start command and `ENV`, and where its files live.
    fn image_parts(&self, draft: usize) -> (Option<Launch>, Environment) {
        let mut env = Environment::default();
        let Some(index) = self.drafts[draft].service.dockerfile else {
            return (None, env);
        };
        let Tree::Dockerfile(model) = &self.project.files[index].tree else {
            return (None, env);
        };
        if let Some(stage) = model.ast.final_stage() {
            for pair in model.ast.effective_env(stage.index) {
                let value = match &pair.value {
                    Some(value) if !value.value.contains('$') => {
                        EnvValue::Literal(value.value.clone())
                    }
                    Some(_) => EnvValue::Unknown,
                    None => EnvValue::Literal(String::new()),
                };
                env.set(EnvVar {
                    name: pair.key.value.clone(),
                    value,
                    origin: Origin::file(index, pair.span),
                    value_origin: pair.value.as_ref().map(|v| Origin::file(index, v.span)),
                    source: EnvSource::Dockerfile,
                });
            }
        }
        let launch = model
            .start()
            .and_then(|start| start.invocation())
            .map(|invocation| Launch {
                file: index,
                invocation: invocation.clone(),
            });
        (launch, env)
    }

    fn compose_runtime(&self, draft: usize, file: usize, service_index: usize) -> Runtime {
        let (image_launch, mut env) = self.image_parts(draft);
        let Tree::Compose(compose) = &self.project.files[file].tree else {
            return self.runtime(draft, Platform::Image, image_launch, env);
        };
        let Some(service) = compose.services.get(service_index) else {
            return self.runtime(draft, Platform::Image, image_launch, env);
        };
        for entry in &service.environment {
            let value = match &entry.value {
                Some(value) if !value.value.contains('$') => EnvValue::Literal(value.value.clone()),
                _ => EnvValue::Unknown,
            };
            env.set(EnvVar {
                name: entry.name.value.clone(),
                value,
                origin: Origin::file(file, entry.span),
                value_origin: entry.value.as_ref().map(|v| Origin::file(file, v.span)),
                source: EnvSource::Compose,
            });
        }
        for env_file in &service.env_files {
            env.add_open(
                format!("env_file {} (not read)", env_file.path.value),
                Origin::file(file, env_file.path.span),
            );
        }
        let launch = if service.command.is_some() || service.entrypoint.is_some() {
            service
                .invocation()
                .map(|invocation| Launch { file, invocation })
        } else {
            image_launch
        };
        self.runtime(
            draft,
            Platform::Compose {
                file,
                service: service_index,
            },
            launch,
            env,
        )
    }

    fn kubernetes_runtime(
        &self,
        draft: usize,
        file: usize,
        object: &Object,
        object_index: usize,
        container: &Container,
        container_index: usize,
    ) -> Runtime {
        let (image_launch, mut env) = self.image_parts(draft);
        for source in &container.env_from {
            self.add_env_from(&mut env, file, object, source);
        }
        for var in &container.env {
            let (value, value_origin) = match (&var.value, &var.value_from) {
                (Some(value), _) if !value.value.contains("$(") => (
                    EnvValue::Literal(value.value.clone()),
                    Some(Origin::file(file, value.span)),
                ),
                (_, Some(EnvValueSource::SecretKey(_))) => (EnvValue::Secret, None),
                (_, Some(EnvValueSource::ConfigMapKey(key))) => {
                    match self.config_map_value(object, key) {
                        Some((value, origin)) => (EnvValue::Literal(value), Some(origin)),
                        None => (EnvValue::Unknown, None),
                    }
                }
                (None, None) => (EnvValue::Literal(String::new()), None),
                _ => (EnvValue::Unknown, None),
            };
            env.set(EnvVar {
                name: var.name.value.clone(),
                value,
                origin: Origin::file(file, var.span),
                value_origin,
                source: EnvSource::KubernetesEnv,
            });
        }
        let launch = match container_command_line(container) {
            Some(words) => parse_invocation(&words).map(|invocation| Launch { file, invocation }),
            None if container.command.is_none() && container.args.is_none() => image_launch,
            None => None,
        };
        self.runtime(
            draft,
            Platform::Kubernetes {
                file,
                object: object_index,
                container: container_index,
            },
            launch,
            env,
        )
    }

    /// The keys an `envFrom` entry adds; an object defined nowhere (or a Secret whose
    /// keys are not all visible) makes the environment open.
    fn add_env_from(
        &self,
        env: &mut Environment,
        file: usize,
        workload: &Object,
        source: &crate::parse::kubernetes::EnvFromSource,
    ) {
        let Some(name) = &source.name else {
            env.add_open("envFrom without a name", Origin::file(file, source.span));
            return;
        };
        let prefix = source.prefix.as_ref().map_or("", |p| p.value.as_str());
        let mut found = false;
        for (object_file, object) in self.objects_named(workload, &name.value) {
            match (&object.body, source.kind) {
                (ObjectBody::ConfigMap(map), RefKind::ConfigMap) => {
                    found = true;
                    for entry in &map.entries {
                        env.set(EnvVar {
                            name: format!("{prefix}{}", entry.key.value),
                            value: entry
                                .value
                                .as_ref()
                                .map_or(EnvValue::Unknown, |v| EnvValue::Literal(v.value.clone())),
                            origin: Origin::file(object_file, entry.key.span),
                            value_origin: entry
                                .value
                                .as_ref()
                                .map(|v| Origin::file(object_file, v.span)),
                            source: EnvSource::KubernetesEnvFrom,
                        });
                    }
                }
                (ObjectBody::Secret(secret), RefKind::Secret) => {
                    found = true;
                    for key in &secret.keys {
                        env.set(EnvVar {
                            name: format!("{prefix}{}", key.value),
                            value: EnvValue::Secret,
                            origin: Origin::file(object_file, key.span),
                            value_origin: None,
                            source: EnvSource::KubernetesEnvFrom,
                        });
                    }
                    if !secret.keys_complete {
                        env.add_open(
                            format!("Secret {} (keys not all visible)", name.value),
                            Origin::file(file, source.span),
                        );
                    }
                }
                _ => {}
            }
        }
        if !found {
            let kind = match source.kind {
                RefKind::ConfigMap => "ConfigMap",
                RefKind::Secret => "Secret",
            };
            env.add_open(
                format!("{kind} {} (not in the scanned files)", name.value),
                Origin::file(file, source.span),
            );
        }
    }

    /// Objects called `name` in the workload's namespace, with their files.
    fn objects_named(&self, workload: &Object, name: &str) -> Vec<(usize, &'p Object)> {
        self.objects_by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter(|(_, object)| {
                super::namespaces_agree(
                    object.namespace.as_ref().map(|n| n.value.as_str()),
                    workload.namespace.as_ref().map(|n| n.value.as_str()),
                )
            })
            .copied()
            .collect()
    }

    /// The value of a `configMapKeyRef`, with where it is written.
    fn config_map_value(
        &self,
        workload: &Object,
        key: &crate::parse::kubernetes::KeyRef,
    ) -> Option<(String, Origin)> {
        let name = key.name.as_ref()?;
        let wanted = key.key.as_ref()?;
        self.objects_named(workload, &name.value)
            .into_iter()
            .find_map(|(file, object)| match &object.body {
                ObjectBody::ConfigMap(map) => {
                    let value = map.get(&wanted.value)?;
                    Some((value.value.clone(), Origin::file(file, value.span)))
                }
                _ => None,
            })
    }

    fn systemd_runtime(&self, file: usize, gunicorn_file: Option<usize>) -> Runtime {
        let mut env = Environment::default();
        let Tree::Systemd(unit) = &self.project.files[file].tree else {
            return Runtime {
                platform: Platform::Systemd { file },
                launch: None,
                env,
                gunicorn_file,
                gunicorn: None,
                gunicorn_env_file: None,
                development: false,
            };
        };
        for assignment in unit.environment() {
            env.set(EnvVar {
                name: assignment.name.value.clone(),
                value: EnvValue::Literal(assignment.value.value.clone()),
                origin: Origin::file(file, assignment.span),
                value_origin: Some(Origin::file(file, assignment.value.span)),
                source: EnvSource::Systemd,
            });
        }
        for env_file in unit.environment_files() {
            env.add_open(
                format!("EnvironmentFile {} (not read)", env_file.path.value),
                Origin::file(file, env_file.path.span),
            );
        }
        let launch = unit
            .invocation()
            .map(|(_, _, invocation)| Launch { file, invocation });
        let development = launch
            .as_ref()
            .is_some_and(|l| l.invocation.server.value.is_dev_server());
        let mut runtime = Runtime {
            platform: Platform::Systemd { file },
            launch,
            env,
            gunicorn_file,
            gunicorn: None,
            gunicorn_env_file: None,
            development,
        };
        self.resolve_gunicorn(&mut runtime, None);
        runtime
    }

    /// Whether a compose service is for development: its file is named for development or
    /// overrides, or the service's name, a profile or its build target says so.
    fn is_dev_compose_service(&self, file: usize, service: usize) -> bool {
        let Tree::Compose(compose) = &self.project.files[file].tree else {
            return false;
        };
        let Some(service) = compose.services.get(service) else {
            return false;
        };
        crate::parse::compose::is_dev_compose_file(self.project.files[file].source.path())
            || super::is_dev_name(&service.name.value)
            || service
                .profiles
                .iter()
                .any(|p| super::is_dev_name(&p.value))
            || service
                .build
                .as_ref()
                .and_then(|build| build.target.as_ref())
                .is_some_and(|target| super::is_dev_name(&target.value))
    }

    /// A runtime with its gunicorn configuration resolved.
    fn runtime(
        &self,
        draft: usize,
        platform: Platform,
        launch: Option<Launch>,
        mut env: Environment,
    ) -> Runtime {
        if let Some(launch) = &launch {
            for word in &launch.invocation.env {
                if let Some((name, value)) = word.text.split_once('=') {
                    env.set(EnvVar {
                        name: name.to_string(),
                        value: if word.has_expansion {
                            EnvValue::Unknown
                        } else {
                            EnvValue::Literal(value.to_string())
                        },
                        origin: Origin::file(launch.file, word.span),
                        value_origin: Some(Origin::file(launch.file, word.span)),
                        source: EnvSource::CommandLine,
                    });
                }
            }
        }
        let development = launch
            .as_ref()
            .is_some_and(|l| l.invocation.server.value.is_dev_server())
            || match platform {
                Platform::Compose { file, service } => self.is_dev_compose_service(file, service),
                _ => false,
            };
        let mut runtime = Runtime {
            platform,
            launch,
            env,
            gunicorn_file: self.drafts[draft].declared_gunicorn,
            gunicorn: None,
            gunicorn_env_file: None,
            development,
        };
        let root = self.drafts[draft].service.root.clone();
        self.resolve_gunicorn(&mut runtime, root.as_deref());
        runtime
    }

    /// Finds the gunicorn configuration file a gunicorn runtime reads and resolves its
    /// settings with `GUNICORN_CMD_ARGS` and the command line.
    fn resolve_gunicorn(&self, runtime: &mut Runtime, root: Option<&Path>) {
        let Some(launch) = &runtime.launch else {
            return;
        };
        if launch.invocation.server.value != Server::Gunicorn {
            return;
        }
        if runtime.gunicorn_file.is_none() {
            runtime.gunicorn_file = self.find_gunicorn_config(&launch.invocation, root);
        }
        let module =
            runtime
                .gunicorn_file
                .and_then(|index| match &self.project.files.get(index)?.tree {
                    Tree::Python(file) => file.module.clone(),
                    _ => None,
                });
        let command_line = gunicorn_words(&launch.invocation);
        let mut config = GunicornConfig::resolve(module.as_deref(), &[], &[]);
        if let Some(var) = runtime.env.get("GUNICORN_CMD_ARGS")
            && let (Some(text), Some((file, span))) = (
                var.value.literal(),
                var.value_origin.as_ref().and_then(Origin::location),
            )
        {
            let source = self.project.files[file].source.text();
            let written = source
                .get(span.start as usize..span.end as usize)
                .unwrap_or("");
            // Spans point into the file only when the value is written there as is.
            let base = if written.contains(text) {
                span.start + written.find(text).unwrap_or(0) as u32
            } else {
                span.start
            };
            config.apply_env_args(text, base);
            runtime.gunicorn_env_file = Some(file);
        }
        config.apply_command_line(&command_line);
        runtime.gunicorn = Some(config);
    }

    /// The config file named by `-c`/`--config` (or gunicorn's default
    /// `./gunicorn.conf.py`), found among the project's gunicorn configurations: the path
    /// under the service root, else the only configuration whose path ends like it.
    fn find_gunicorn_config(&self, invocation: &Invocation, root: Option<&Path>) -> Option<usize> {
        let (wanted, explicit) = match &invocation.config {
            Some(value) => (value.effective()?.to_string(), true),
            None => ("gunicorn.conf.py".to_string(), false),
        };
        let file_name = wanted.rsplit('/').next().unwrap_or(&wanted);
        let mut configs: Vec<usize> = if wanted.starts_with("python:") {
            self.gunicorn_configs.values().flatten().copied().collect()
        } else {
            self.gunicorn_configs
                .get(file_name)
                .cloned()
                .unwrap_or_default()
        };
        // Under the service root only (a range lookup, not a scan per runtime).
        if let Some(root) = root {
            let mut under = self.project.files_under(root);
            under.sort_unstable();
            configs.retain(|index| under.binary_search(index).is_ok());
        }
        if let Some(module) = wanted.strip_prefix("python:") {
            let hits: Vec<usize> = configs
                .iter()
                .copied()
                .filter(|&i| module_name(self.project.files[i].source.path()) == module)
                .collect();
            return unique(&hits);
        }
        let relative: Vec<&str> = wanted
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .collect();
        relative.last()?;
        // The longest suffix of the written path that matches, under the root.
        for start in 0..relative.len() {
            let suffix = &relative[start..];
            let hits: Vec<usize> = configs
                .iter()
                .copied()
                .filter(|&i| ends_with(self.project.files[i].source.path(), suffix))
                .collect();
            if !hits.is_empty() {
                // The default is read from the working directory only: a file of that
                // name elsewhere is not it, unless it is the only one.
                return if explicit || hits.len() == 1 {
                    unique(&hits).or_else(|| self.nearest_to_root(&hits, root))
                } else {
                    self.nearest_to_root(&hits, root)
                };
            }
        }
        None
    }

    /// Of several files, the one closest to the service root (fewest components).
    fn nearest_to_root(&self, hits: &[usize], root: Option<&Path>) -> Option<usize> {
        let depth = |i: usize| self.project.files[i].source.path().components().count();
        let best = hits.iter().copied().min_by_key(|&i| depth(i))?;
        let ties = hits.iter().filter(|&&i| depth(i) == depth(best)).count();
        (ties == 1 && root.is_some()).then_some(best)
    }

    /// Completes every draft: app, settings classes, modules.
    fn finish(mut self) -> Vec<Service> {
        // An image no orchestrator file runs still runs as built.
        for draft in 0..self.drafts.len() {
            if self.drafts[draft].service.dockerfile.is_some()
                && self.drafts[draft].service.runtimes.is_empty()
            {
                let (launch, env) = self.image_parts(draft);
                let runtime = self.runtime(draft, Platform::Image, launch, env);
                self.drafts[draft].service.runtimes.push(runtime);
            }
        }
        let module_files = self.project.python_module_file_indices();
        let python = self.project.python();
        let count = self.drafts.len();
        // Modules by normalized path: those under a root are one range of the map.
        let by_path: std::collections::BTreeMap<PathBuf, usize> = module_files
            .iter()
            .enumerate()
            .map(|(module, &file)| (normalize(self.project.files[file].source.path()), module))
            .collect();
        for draft in &mut self.drafts {
            let mut modules: Vec<usize> = match draft.service.root.as_deref().map(normalize) {
                Some(root) => by_path
                    .range(root.clone()..)
                    .take_while(|(path, _)| path.starts_with(&root))
                    .map(|(_, &module)| module)
                    .collect(),
                None if count == 1 => (0..module_files.len()).collect(),
                None => Vec::new(),
            };
            modules.sort_unstable();
            draft.service.modules = modules;
            let modules = &draft.service.modules;
            draft.service.settings_classes = match &draft.declared_settings {
                Some(target) => {
                    let (module, class) = target.split_once(':').unwrap_or(("", target));
                    python
                        .settings
                        .classes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| {
                            c.name == class
                                && (module.is_empty()
                                    || module_files.get(c.module).is_some_and(|&f| {
                                        module_name(self.project.files[f].source.path()) == module
                                    }))
                        })
                        .map(|(i, _)| i)
                        .collect()
                }
                None => python
                    .settings
                    .classes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| modules.contains(&c.module))
                    .map(|(i, _)| i)
                    .collect(),
            };
            draft.service.app = find_app(self.project, draft, &module_files);
        }
        self.drafts.into_iter().map(|d| d.service).collect()
    }
}

/// The app a service serves: the declared target, else the app target of a start
/// command, else the only FastAPI/Starlette app among its modules.
fn find_app(project: &Project, draft: &Draft, module_files: &[usize]) -> Option<AppLink> {
    let python = project.python();
    let resolve = |target: &str, origin: Origin| -> Option<AppLink> {
        let (module_path, attribute) = target.split_once(':')?;
        let attribute = attribute.split('(').next().unwrap_or(attribute).trim();
        let candidates: Vec<usize> = draft
            .service
            .modules
            .iter()
            .copied()
            .filter(|&m| {
                module_files.get(m).is_some_and(|&f| {
                    let name = module_name(project.files[f].source.path());
                    name == module_path || name.ends_with(&format!(".{module_path}"))
                })
            })
            .collect();
        let module = *candidates.first()?;
        Some(AppLink {
            module,
            file: *module_files.get(module)?,
            attribute: attribute.to_string(),
            origin,
        })
    };
    if let Some(target) = &draft.declared_app {
        return resolve(
            target,
            Origin::Config(format!("service {} app", draft.service.name)),
        );
    }
    for runtime in &draft.service.runtimes {
        let Some(launch) = &runtime.launch else {
            continue;
        };
        let targets = launch
            .invocation
            .app
            .iter()
            .map(|v| (v.effective().map(str::to_string), v.span))
            .chain(
                runtime
                    .gunicorn
                    .iter()
                    .flat_map(|g| g.app_targets())
                    .map(|w| (Some(w.text.clone()), w.span)),
            );
        for (target, span) in targets {
            if let Some(target) = target
                && let Some(link) = resolve(&target, Origin::file(launch.file, span))
            {
                return Some(link);
            }
        }
    }
    let apps: Vec<_> = python
        .app
        .apps
        .iter()
        .filter(|a| matches!(a.kind, AppKind::FastApi | AppKind::Starlette))
        .filter(|a| draft.service.modules.contains(&a.module))
        .collect();
    match apps.as_slice() {
        [only] => Some(AppLink {
            module: only.module,
            file: *module_files.get(only.module)?,
            attribute: only.name.clone(),
            origin: Origin::file(*module_files.get(only.module)?, only.span),
        }),
        _ => None,
    }
}

/// gunicorn's command-line words after `gunicorn`, as its argument parser reads them.
fn gunicorn_words(invocation: &Invocation) -> Vec<gunicorn::Word> {
    let mut words = Vec::new();
    for Flag { name, value, .. } in &invocation.flags {
        words.push(gunicorn::Word::new(name.value.clone(), name.span));
        if let Some(value) = value {
            words.push(command_value_word(value));
        }
    }
    if let Some(app) = &invocation.app {
        words.push(command_value_word(app));
    }
    words
}

fn command_value_word(value: &crate::parse::command::Value) -> gunicorn::Word {
    match &value.source {
        ValueSource::Env { var, default } => gunicorn::Word {
            text: default.clone().unwrap_or_default(),
            span: value.span,
            env_override: Some(var.clone()),
        },
        _ => gunicorn::Word::new(value.text.clone(), value.span),
    }
}

/// Whether one name's words (split at `-`, `_`, `.`) run inside the other's:
/// `orders` and `orders-api`, `orders-service` and `orders`; not `app` and `whatsapp-bot`.
fn names_overlap(a: &str, b: &str) -> bool {
    let words = |name: &str| -> Vec<String> {
        name.split(['-', '_', '.'])
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let contains = |long: &[String], short: &[String]| {
        !short.is_empty()
            && short.iter().map(String::len).sum::<usize>() >= 3
            && long.windows(short.len()).any(|window| window == short)
    };
    contains(&a, &b) || contains(&b, &a)
}

/// Whether `Kind/name` (or a bare `name`) names `object`.
fn names_workload(written: &str, object: &Object) -> bool {
    let Some(name) = &object.name else {
        return false;
    };
    match written.split_once('/') {
        Some((kind, wanted)) => {
            kind.eq_ignore_ascii_case(&object.kind.value) && wanted == name.value
        }
        None => written == name.value,
    }
}

fn unique(hits: &[usize]) -> Option<usize> {
    match hits {
        [only] => Some(*only),
        _ => None,
    }
}

/// Whether `path` ends with the components `suffix`.
fn ends_with(path: &Path, suffix: &[&str]) -> bool {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.len() >= suffix.len()
        && parts[parts.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(a, b)| a == b)
}

/// The last component of a directory path, when it has one. The current directory (`.`
/// or an empty path, as when `deploylint` runs inside the service) is named by its own
/// name, so a service is called the same wherever the linter is started.
fn directory_name(dir: &Path) -> Option<String> {
    let normalized = normalize(dir);
    let named = if normalized.as_os_str().is_empty() {
        std::env::current_dir().ok()?
    } else {
        normalized
    };
    named
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty() && name != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_drop_registry_tag_and_digest() {
        assert_eq!(image_name("ghcr.io/acme/orders-api:1.2"), "orders-api");
        assert_eq!(image_name("orders@sha256:abc"), "orders");
        assert_eq!(image_name("localhost:5000/api"), "api");
        assert!(is_infrastructure_image("postgres:16"));
        assert!(is_infrastructure_image("docker.io/bitnami/postgresql:15"));
        assert!(is_infrastructure_image("redis-stack-server"));
        assert!(!is_infrastructure_image("acme/orders:1"));
    }

    #[test]
    fn the_current_directory_is_named_by_its_own_name() {
        let cwd = std::env::current_dir().expect("current directory");
        let own = cwd.file_name().map(|n| n.to_string_lossy().into_owned());
        assert_eq!(directory_name(Path::new(".")), own);
        assert_eq!(directory_name(Path::new("")), own);
        assert_eq!(
            directory_name(Path::new("./services/api/")),
            Some("api".to_string())
        );
        assert_eq!(directory_name(Path::new("services/..")), None);
    }

    #[test]
    fn image_names_overlap_by_whole_words() {
        assert!(names_overlap("orders", "orders-api"));
        assert!(names_overlap("orders-service", "orders"));
        assert!(names_overlap("payments_worker", "acme-payments-worker"));
        assert!(!names_overlap("app", "whatsapp-bot"));
        assert!(!names_overlap("api", "apigateway"));
        assert!(!names_overlap("ab", "ab-cd"));
    }

    #[test]
    fn environment_values_take_the_default_type() {
        assert_eq!(parse_like("4", &Value::Int(2)), Value::Int(4));
        assert_eq!(parse_like("x", &Value::Int(2)), Value::Unknown);
        assert_eq!(parse_like("yes", &Value::Bool(false)), Value::Bool(true));
        assert_eq!(
            parse_like("0.0.0.0:80", &Value::Str(String::new())),
            Value::Str("0.0.0.0:80".into())
        );
    }
}
