//! The PostgreSQL servers of a project and the connections services open to them.
//!
//! A database is a Kubernetes container or compose service running a PostgreSQL image
//! (`postgres`, `postgresql`, `postgis`, Bitnami's), or, when the configuration gives
//! `max-connections`, the database outside the repository every service without an
//! in-repository one uses. Each database has its `max_connections` and
//! `superuser_reserved_connections` as facts: from the server's command line
//! (`-c max_connections=200`), else a `postgresql.conf` in a ConfigMap it mounts, else
//! Bitnami's `POSTGRESQL_MAX_CONNECTIONS`, else the configuration, else PostgreSQL's
//! default.
//!
//! A service runtime uses a database when a PostgreSQL URL it gets names the database's
//! host, when it reads its URL from the Secret or ConfigMap the database reads too, or when
//! the database is the only one where it runs. Each worker process opens the pools its
//! modules create ([`WorkerPool`]); a workload runs [`Project::replicas`] copies.

use crate::parse::kubernetes::{
    Container, EnvValueSource, Object, ObjectBody, RefKind, VolumeSource, WorkloadKind,
};
use crate::parse::python::Evaluated;
use crate::parse::python::Value;
use crate::parse::python::app::PoolCreation;
use crate::span::Span;

use super::env::EnvValue;
use super::fact::{Fact, Origin};
use super::service::{Platform, Runtime, Service, image_name};
use super::{Project, Tree};

/// PostgreSQL's documented default `max_connections`.
pub const DEFAULT_MAX_CONNECTIONS: i64 = 100;

/// PostgreSQL's documented default `superuser_reserved_connections`.
pub const DEFAULT_RESERVED_CONNECTIONS: i64 = 3;

/// Where a database runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DatabasePlatform {
    /// A Kubernetes container: file, object index in the file, container index in the pod
    /// spec's `containers`.
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
    /// Outside the repository (a managed database), known only from the configuration.
    External,
}

/// One PostgreSQL server.
#[derive(Clone, Debug, PartialEq)]
pub struct Database {
    /// Its name: the workload's or compose service's, or `external database`.
    pub name: String,
    /// Where it runs.
    pub platform: DatabasePlatform,
    /// The Kubernetes namespace, when written.
    pub namespace: Option<String>,
    /// Host names that reach it: the workload or compose service name and the Kubernetes
    /// Services selecting its pods.
    pub hosts: Vec<String>,
    /// Names of the Secrets and ConfigMaps its container reads (env, envFrom, volumes).
    pub references: Vec<String>,
    /// `max_connections`.
    pub max_connections: Fact<i64>,
    /// `superuser_reserved_connections`.
    pub reserved_connections: Fact<i64>,
}

impl Database {
    /// Connections ordinary clients can open: `max_connections - reserved`.
    pub fn usable_connections(&self) -> i64 {
        self.max_connections
            .value
            .saturating_sub(self.reserved_connections.value)
    }

    /// Whether `host` (from a URL) reaches this database: one of its names, or a cluster
    /// DNS name starting with one (`postgres.db.svc.cluster.local`).
    pub fn is_reached_by(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let first = host.split('.').next().unwrap_or(&host);
        let cluster_name = host == first
            || host.contains(".svc")
            || (host.matches('.').count() == 1
                && self
                    .namespace
                    .as_deref()
                    .is_none_or(|ns| host.ends_with(&format!(".{ns}"))));
        self.hosts
            .iter()
            .any(|name| name.eq_ignore_ascii_case(&host) || (cluster_name && name == first))
    }
}

/// Why a runtime is believed to use a database.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkEvidence {
    /// A PostgreSQL URL naming the database's host: the variable (or `None` for a URL
    /// written in the code) and where the URL is written.
    Url {
        /// The environment variable holding it, if it came from the environment.
        var: Option<String>,
        /// The host named.
        host: String,
        /// Where the URL is written.
        origin: Origin,
    },
    /// The runtime reads its database URL from a Secret or ConfigMap the database reads
    /// too.
    SharedReference(String),
    /// The database is the only one where the runtime runs.
    OnlyDatabase,
    /// The database outside the repository, sized by the configuration.
    Configured,
}

/// A runtime's database and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseLink {
    /// Index in [`Project::databases`].
    pub database: usize,
    /// The evidence.
    pub evidence: LinkEvidence,
}

/// One number of a pool's size (`pool_size`, `max_overflow`, `max_size`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolTerm {
    /// The argument it is for.
    pub name: &'static str,
    /// Its value and origin (the argument, the environment variable overriding a setting,
    /// or the library's default).
    pub value: Fact<i64>,
    /// The environment variable that replaced the written default, when one did.
    pub from_env: Option<String>,
}

/// The connections one pool creation may hold at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolContribution {
    /// The file of the creation.
    pub file: usize,
    /// The call.
    pub span: Span,
    /// The factory, qualified.
    pub factory: String,
    /// The most connections it opens.
    pub connections: i64,
    /// The numbers added up (`pool_size` + `max_overflow`); empty for a pool that holds
    /// no connection (`NullPool`).
    pub terms: Vec<PoolTerm>,
}

/// The PostgreSQL connections one worker process may hold: the sum over the pools its
/// modules create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerPool {
    /// The total.
    pub connections: i64,
    /// Each creation.
    pub creations: Vec<PoolContribution>,
}

/// What is known about a runtime's per-worker connections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolSize {
    /// The service creates no PostgreSQL pool.
    NoPool,
    /// A pool's size cannot be known (an argument computed at run time, `**options`, an
    /// environment variable whose value is not written).
    Unknown,
    /// Known.
    Known(WorkerPool),
}

impl Project {
    /// The PostgreSQL servers of the project (plus the external database when the
    /// configuration gives `max-connections` and no server is in the repository).
    pub fn databases(&self) -> Vec<Database> {
        let mut found = Vec::new();
        for (file_index, file) in self.files.iter().enumerate() {
            match &file.tree {
                Tree::Kubernetes(manifests) => {
                    for (object_index, object) in manifests.objects.iter().enumerate() {
                        let Some(workload) = object.workload() else {
                            continue;
                        };
                        if matches!(workload.kind, WorkloadKind::Job | WorkloadKind::CronJob) {
                            continue;
                        }
                        let Some(pod) = workload.pod_spec() else {
                            continue;
                        };
                        for (container_index, container) in pod.containers.iter().enumerate() {
                            if container
                                .image
                                .as_ref()
                                .is_some_and(|i| is_postgres_image(&i.value))
                            {
                                found.push(self.kubernetes_database(
                                    file_index,
                                    object_index,
                                    object,
                                    container_index,
                                    container,
                                ));
                            }
                        }
                    }
                }
                Tree::Compose(compose) => {
                    for (service_index, service) in compose.services.iter().enumerate() {
                        if service
                            .image
                            .as_ref()
                            .is_some_and(|i| is_postgres_image(&i.value))
                        {
                            found.push(self.compose_database(file_index, service_index, service));
                        }
                    }
                }
                _ => {}
            }
        }
        // With exactly one server, a ConfigMap anywhere in its namespace holding
        // `max_connections` sizes it.
        if let [only] = found.as_mut_slice()
            && matches!(only.platform, DatabasePlatform::Kubernetes { .. })
        {
            let namespace = only.namespace.clone();
            for (name, fact) in [
                ("max_connections", &mut only.max_connections),
                (
                    "superuser_reserved_connections",
                    &mut only.reserved_connections,
                ),
            ] {
                if matches!(fact.origin, Origin::File { .. }) {
                    continue;
                }
                if let Some(from_map) = self.config_map_setting(name, namespace.as_deref(), None) {
                    *fact = from_map;
                }
            }
        }
        if let Some(max) = self.facts().max_connections
            && found.is_empty()
        {
            found.push(Database {
                name: "external database".to_string(),
                platform: DatabasePlatform::External,
                namespace: None,
                hosts: Vec::new(),
                references: Vec::new(),
                max_connections: Fact::new(i64::from(max), config_origin("max-connections")),
                reserved_connections: self.configured_reserved(),
            });
        }
        found
    }

    fn configured_reserved(&self) -> Fact<i64> {
        match self.facts().reserved_connections {
            Some(reserved) => Fact::new(i64::from(reserved), config_origin("reserved-connections")),
            None => Fact::new(
                DEFAULT_RESERVED_CONNECTIONS,
                Origin::default_of("PostgreSQL default superuser_reserved_connections = 3"),
            ),
        }
    }

    /// The configuration's value or PostgreSQL's default.
    fn fallback_max(&self) -> Fact<i64> {
        match self.facts().max_connections {
            Some(max) => Fact::new(i64::from(max), config_origin("max-connections")),
            None => Fact::new(
                DEFAULT_MAX_CONNECTIONS,
                Origin::default_of("PostgreSQL default max_connections = 100"),
            ),
        }
    }

    fn kubernetes_database(
        &self,
        file: usize,
        object_index: usize,
        object: &Object,
        container_index: usize,
        container: &Container,
    ) -> Database {
        let namespace = object.namespace.as_ref().map(|n| n.value.clone());
        let name = object
            .name
            .as_ref()
            .map_or_else(|| "postgres".to_string(), |n| n.value.clone());
        let mut hosts = vec![name.clone()];
        let labels = object
            .workload()
            .and_then(|w| w.template.as_ref())
            .map(|t| &t.labels);
        if let Some(labels) = labels {
            for (_, service_object, service) in self.services_selecting(labels) {
                if service.selector.as_ref().is_some_and(|s| s.selects(labels))
                    && super::namespaces_agree(
                        service_object.namespace.as_ref().map(|n| n.value.as_str()),
                        namespace.as_deref(),
                    )
                    && let Some(service_name) = &service_object.name
                    && !hosts.contains(&service_name.value)
                {
                    hosts.push(service_name.value.clone());
                }
            }
        }
        let mut references = Vec::new();
        let mut config_maps = Vec::new();
        for var in &container.env {
            if let Some(EnvValueSource::SecretKey(key) | EnvValueSource::ConfigMapKey(key)) =
                &var.value_from
                && let Some(name) = &key.name
            {
                references.push(name.value.clone());
            }
        }
        for source in &container.env_from {
            if let Some(name) = &source.name {
                references.push(name.value.clone());
                if source.kind == RefKind::ConfigMap {
                    config_maps.push(name.value.clone());
                }
            }
        }
        if let Some(pod) = object.workload().and_then(|w| w.pod_spec()) {
            for volume in &pod.volumes {
                if let VolumeSource::Objects(refs) = &volume.source {
                    for reference in refs {
                        if let Some(name) = &reference.name {
                            references.push(name.value.clone());
                            if reference.kind == RefKind::ConfigMap {
                                config_maps.push(name.value.clone());
                            }
                        }
                    }
                }
            }
        }
        let words: Vec<(String, Span)> = container
            .command
            .iter()
            .flatten()
            .chain(container.args.iter().flatten())
            .map(|w| (w.value.clone(), w.span))
            .collect();
        let text = self.files[file].source.text();
        let env_literal = |wanted: &str| -> Option<Fact<i64>> {
            let var = container
                .env
                .iter()
                .rev()
                .find(|v| v.name.value == wanted)?;
            let value = var.value.as_ref()?;
            Some(Fact::at(value.value.trim().parse().ok()?, file, value.span))
        };
        let setting = |name: &str| -> Option<Fact<i64>> {
            server_option(&words, name, text, file)
                .or_else(|| self.config_map_setting(name, namespace.as_deref(), Some(&config_maps)))
        };
        let max_connections = setting("max_connections")
            .or_else(|| env_literal("POSTGRESQL_MAX_CONNECTIONS"))
            .unwrap_or_else(|| self.fallback_max());
        let reserved_connections =
            setting("superuser_reserved_connections").unwrap_or_else(|| self.configured_reserved());
        Database {
            name,
            platform: DatabasePlatform::Kubernetes {
                file,
                object: object_index,
                container: container_index,
            },
            namespace,
            hosts,
            references,
            max_connections,
            reserved_connections,
        }
    }

    fn compose_database(
        &self,
        file: usize,
        service_index: usize,
        service: &crate::parse::compose::Service,
    ) -> Database {
        let words: Vec<(String, Span)> = service
            .argv()
            .into_iter()
            .map(|w| (w.text, w.span))
            .collect();
        let text = self.files[file].source.text();
        let max_connections = server_option(&words, "max_connections", text, file)
            .or_else(|| {
                let entry = service.env_value("POSTGRESQL_MAX_CONNECTIONS")?;
                let value = entry.value.as_ref()?;
                Some(Fact::at(value.value.trim().parse().ok()?, file, value.span))
            })
            .unwrap_or_else(|| self.fallback_max());
        let reserved_connections =
            server_option(&words, "superuser_reserved_connections", text, file)
                .unwrap_or_else(|| self.configured_reserved());
        Database {
            name: service.name.value.clone(),
            platform: DatabasePlatform::Compose {
                file,
                service: service_index,
            },
            namespace: None,
            hosts: vec![service.name.value.clone()],
            references: Vec::new(),
            max_connections,
            reserved_connections,
        }
    }

    /// A setting from a `*.conf` key of a ConfigMap: among `names` when given, else any
    /// ConfigMap of the namespace (the last one wins, as the last file applied would).
    fn config_map_setting(
        &self,
        setting: &str,
        namespace: Option<&str>,
        names: Option<&[String]>,
    ) -> Option<Fact<i64>> {
        let mut found = None;
        for (file_index, file) in self.files.iter().enumerate() {
            let Tree::Kubernetes(manifests) = &file.tree else {
                continue;
            };
            for object in &manifests.objects {
                let ObjectBody::ConfigMap(map) = &object.body else {
                    continue;
                };
                let name = object.name.as_ref().map(|n| n.value.as_str());
                if names.is_some_and(|names| !names.iter().any(|n| Some(n.as_str()) == name))
                    || !super::namespaces_agree(
                        object.namespace.as_ref().map(|n| n.value.as_str()),
                        namespace,
                    )
                {
                    continue;
                }
                for entry in &map.entries {
                    let Some(value) = &entry.value else {
                        continue;
                    };
                    if !entry.key.value.ends_with(".conf") {
                        continue;
                    }
                    if let Some((number, line)) = conf_setting(&value.value, setting) {
                        let span =
                            locate(file.source.text(), value.span, &line).unwrap_or(entry.key.span);
                        found = Some(Fact::at(number, file_index, span));
                    }
                }
            }
        }
        found
    }

    /// The database `runtime` uses, among `databases` (from [`Project::databases`]).
    pub fn database_link(
        &self,
        databases: &[Database],
        service: &Service,
        runtime: &Runtime,
    ) -> Option<DatabaseLink> {
        let same_platform = |database: &Database| {
            matches!(
                (database.platform, runtime.platform),
                (
                    DatabasePlatform::Kubernetes { .. },
                    Platform::Kubernetes { .. }
                ) | (DatabasePlatform::Compose { .. }, Platform::Compose { .. })
            )
        };
        let local: Vec<usize> = (0..databases.len())
            .filter(|&i| same_platform(&databases[i]))
            .collect();
        let external = databases
            .iter()
            .position(|d| d.platform == DatabasePlatform::External);
        let configured = || {
            external.map(|database| DatabaseLink {
                database,
                evidence: LinkEvidence::Configured,
            })
        };
        // 1. A URL naming a host.
        if let Some((var, host, origin)) = self.postgres_url(service, runtime) {
            return match local
                .iter()
                .copied()
                .find(|&i| databases[i].is_reached_by(&host))
            {
                Some(database) => Some(DatabaseLink {
                    database,
                    evidence: LinkEvidence::Url { var, host, origin },
                }),
                None => configured(),
            };
        }
        // 2. The Secret or ConfigMap holding the URL, read by the database too.
        if let Some(reference) = self.url_reference(runtime) {
            let sharing: Vec<usize> = local
                .iter()
                .copied()
                .filter(|&i| databases[i].references.contains(&reference))
                .collect();
            if let [database] = sharing.as_slice() {
                return Some(DatabaseLink {
                    database: *database,
                    evidence: LinkEvidence::SharedReference(reference),
                });
            }
        }
        // 3. The only database where it runs.
        match local.as_slice() {
            [database] => Some(DatabaseLink {
                database: *database,
                evidence: LinkEvidence::OnlyDatabase,
            }),
            [] => configured(),
            _ => None,
        }
    }

    /// A PostgreSQL URL the runtime gets (a literal environment value) or the code writes,
    /// with its host.
    fn postgres_url(
        &self,
        service: &Service,
        runtime: &Runtime,
    ) -> Option<(Option<String>, String, Origin)> {
        for var in runtime.env.vars() {
            if let EnvValue::Literal(text) = &var.value
                && let Some(host) = postgres_host(text)
            {
                let origin = var
                    .value_origin
                    .clone()
                    .unwrap_or_else(|| var.origin.clone());
                return Some((Some(var.name.clone()), host, origin));
            }
        }
        let module_files = self.python_module_file_indices();
        for pool in self.service_postgres_pools(service) {
            let Some(url) = &pool.url else {
                continue;
            };
            if let Some(var) = &url.env_override
                && runtime.env.get_ignore_case(var).is_some()
            {
                continue;
            }
            if let Value::Str(text) = &url.value
                && let Some(host) = postgres_host(text)
                && let Some(&file) = module_files.get(pool.module)
            {
                return Some((None, host, Origin::file(file, url.span)));
            }
        }
        None
    }

    /// The Secret or ConfigMap a Kubernetes runtime reads a database URL variable from.
    fn url_reference(&self, runtime: &Runtime) -> Option<String> {
        let (_, _, container) = self.kubernetes_container(runtime)?;
        container.env.iter().find_map(|var| {
            if !is_database_url_name(&var.name.value) {
                return None;
            }
            match &var.value_from {
                Some(EnvValueSource::SecretKey(key) | EnvValueSource::ConfigMapKey(key)) => {
                    key.name.as_ref().map(|n| n.value.clone())
                }
                _ => None,
            }
        })
    }

    /// The PostgreSQL pool creations of a service's modules.
    fn service_postgres_pools<'p>(
        &'p self,
        service: &'p Service,
    ) -> impl Iterator<Item = &'p PoolCreation> {
        self.python()
            .app
            .pools
            .iter()
            .filter(|pool| service.modules.contains(&pool.module))
            .filter(|pool| pool_kind(pool).is_some())
    }

    /// The PostgreSQL connections one worker process of `runtime` may hold: the pools its
    /// service's modules create, with environment overrides of the settings they read.
    pub fn worker_pool(&self, service: &Service, runtime: &Runtime) -> PoolSize {
        let module_files = self.python_module_file_indices();
        let mut creations = Vec::new();
        for pool in self.service_postgres_pools(service) {
            let Some(&file) = module_files.get(pool.module) else {
                return PoolSize::Unknown;
            };
            let Some(kind) = pool_kind(pool) else {
                continue;
            };
            match pool_contribution(pool, kind, file, runtime) {
                Some(contribution) => creations.push(contribution),
                None => return PoolSize::Unknown,
            }
        }
        if creations.is_empty() {
            return PoolSize::NoPool;
        }
        let connections = creations
            .iter()
            .fold(0i64, |sum, c| sum.saturating_add(c.connections));
        PoolSize::Known(WorkerPool {
            connections,
            creations,
        })
    }

    /// How many copies of `runtime` run at most: an autoscaler's `maxReplicas`, else the
    /// workload's `replicas`, else one; compose `deploy.replicas`; one for an image or a
    /// systemd unit. `None` for a DaemonSet (one per node) or an autoscaler without
    /// `maxReplicas`.
    pub fn replicas(&self, runtime: &Runtime) -> Option<Fact<i64>> {
        match runtime.platform {
            Platform::Kubernetes { file, object, .. } => {
                let Tree::Kubernetes(manifests) = &self.files.get(file)?.tree else {
                    return None;
                };
                let object = manifests.objects.get(object)?;
                let workload = object.workload()?;
                if let Some(name) = &object.name
                    && let Some((hpa_file, _, hpa)) = self
                        .autoscalers_targeting(&object.kind.value, &name.value)
                        .next()
                {
                    let max = hpa.max_replicas.as_ref()?;
                    let index = self.index_of(hpa_file.path())?;
                    return Some(Fact::at(max.value, index, max.span));
                }
                if workload.kind == WorkloadKind::DaemonSet {
                    return None;
                }
                Some(match &workload.replicas {
                    Some(replicas) => Fact::at(replicas.value, file, replicas.span),
                    None => Fact::new(1, Origin::default_of("Kubernetes default replicas = 1")),
                })
            }
            Platform::Compose { file, service } => {
                let Tree::Compose(compose) = &self.files.get(file)?.tree else {
                    return None;
                };
                let entry = compose.services.get(service)?;
                Some(match &entry.replicas {
                    Some(replicas) => Fact::at(replicas.value, file, replicas.span),
                    None => Fact::new(1, Origin::default_of("compose default replicas = 1")),
                })
            }
            Platform::Image | Platform::Systemd { .. } => {
                Some(Fact::new(1, Origin::default_of("one instance")))
            }
        }
    }
}

fn config_origin(key: &str) -> Origin {
    Origin::Config(key.to_string())
}

/// Whether an image runs PostgreSQL (`postgres:16`, `bitnami/postgresql`, `postgis/postgis`).
pub fn is_postgres_image(reference: &str) -> bool {
    let name = image_name(reference).to_ascii_lowercase();
    matches!(name.as_str(), "postgres" | "postgresql" | "postgis")
}

/// Whether an environment variable's name says it holds a database URL.
pub fn is_database_url_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper == "DATABASE_URL"
        || upper == "SQLALCHEMY_DATABASE_URI"
        || upper.ends_with("_DSN")
        || upper.ends_with("_URL")
        || upper.ends_with("_URI")
        || upper.contains("DATABASE")
}

/// The host of a PostgreSQL URL (`postgresql+asyncpg://u:p@db:5432/app` → `db`).
pub fn postgres_host(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let dialect = scheme
        .split('+')
        .next()
        .unwrap_or(scheme)
        .to_ascii_lowercase();
    if !matches!(dialect.as_str(), "postgres" | "postgresql" | "pgsql") {
        return None;
    }
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // Several hosts (`h1:5432,h2:5432`): the first.
    let first = host_port.split(',').next().unwrap_or(host_port);
    let host = if let Some(bracketed) = first.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or(bracketed)
    } else {
        first.split(':').next().unwrap_or(first)
    };
    (!host.is_empty() && !host.contains(['$', '{'])).then(|| host.to_string())
}

/// The last `-c name=N` (also `-cname=N`, `--name=N`, and `-N N` for `max_connections`)
/// among the words of a server command line, each word possibly a whole shell command.
fn server_option(
    words: &[(String, Span)],
    name: &str,
    text: &str,
    file: usize,
) -> Option<Fact<i64>> {
    // Tokens with their spans (a word holding a shell command line splits on spaces).
    let mut tokens: Vec<(&str, Span)> = Vec::new();
    for (word, span) in words {
        let written = text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        let mut searched = 0usize;
        for token in word.split_whitespace() {
            let token_span = match written.get(searched..).and_then(|w| w.find(token)) {
                Some(at) => {
                    let start = searched + at;
                    searched = start + token.len();
                    Span::new(
                        span.start + start as u32,
                        span.start + (start + token.len()) as u32,
                    )
                }
                None => *span,
            };
            tokens.push((token, token_span));
        }
    }
    let mut found = None;
    let mut index = 0;
    while index < tokens.len() {
        let (token, span) = tokens[index];
        let token = token.trim_matches(['"', '\'']);
        let assignment = if token == "-c" {
            index += 1;
            tokens
                .get(index)
                .map(|(t, s)| (t.trim_matches(['"', '\'']), *s))
        } else if let Some(rest) = token.strip_prefix("--") {
            Some((rest, span))
        } else if let Some(rest) = token.strip_prefix("-c") {
            Some((rest, span))
        } else if token == "-N" && name == "max_connections" {
            index += 1;
            if let Some((count, count_span)) = tokens.get(index)
                && let Ok(number) = count.trim_matches(['"', '\'']).parse::<i64>()
            {
                found = Some(Fact::at(number, file, *count_span));
            }
            None
        } else {
            None
        };
        if let Some((assignment, span)) = assignment
            && let Some((key, value)) = assignment.split_once('=')
            && key.replace('-', "_").eq_ignore_ascii_case(name)
            && let Ok(number) = value.trim_matches(['"', '\'']).parse::<i64>()
        {
            found = Some(Fact::at(number, file, span));
        }
        index += 1;
    }
    found
}

/// The value of `setting` in `postgresql.conf` text (`name = value`, `name value`, `#`
/// comments, quoted values) and the line it is on (the last one wins, as in PostgreSQL).
pub fn conf_setting(text: &str, setting: &str) -> Option<(i64, String)> {
    let mut found = None;
    for line in text.lines() {
        let content = line.split('#').next().unwrap_or("").trim();
        let Some(key_end) = content.find(|c: char| c.is_whitespace() || c == '=') else {
            continue;
        };
        let (key, rest) = content.split_at(key_end);
        if !key.eq_ignore_ascii_case(setting) {
            continue;
        }
        let value = rest
            .trim_start()
            .strip_prefix('=')
            .unwrap_or(rest)
            .trim()
            .trim_matches('\'');
        if let Ok(number) = value.parse::<i64>() {
            found = Some((number, content.to_string()));
        }
    }
    found
}

/// Where `line` is written inside `span` of the file text.
fn locate(text: &str, span: Span, line: &str) -> Option<Span> {
    let written = text.get(span.start as usize..span.end as usize)?;
    let at = written.find(line)?;
    let start = span.start + at as u32;
    Some(Span::new(start, start + line.len() as u32))
}

/// The pool families whose size the model knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PoolKind {
    /// SQLAlchemy's queue pool: `pool_size` (5) + `max_overflow` (10).
    SqlAlchemy,
    /// asyncpg (and `databases` on it): `max_size` (10).
    Asyncpg,
    /// psycopg_pool: `max_size`, default `min_size` (4).
    Psycopg,
}

/// The pool family of a creation, when it is a PostgreSQL pool (a SQLAlchemy engine whose
/// URL is written for another database is not).
fn pool_kind(pool: &PoolCreation) -> Option<PoolKind> {
    let factory = pool.factory.as_str();
    let kind = if factory.ends_with("create_engine") || factory.ends_with("create_async_engine") {
        PoolKind::SqlAlchemy
    } else if factory.starts_with("asyncpg.") || factory == "databases.Database" {
        PoolKind::Asyncpg
    } else if factory.starts_with("psycopg_pool.") {
        PoolKind::Psycopg
    } else {
        return None;
    };
    if kind != PoolKind::Psycopg
        && let Some(Evaluated {
            value: Value::Str(url),
            ..
        }) = &pool.url
        && url.contains("://")
        && postgres_host(url).is_none()
        && !url.starts_with("postgres")
    {
        return None;
    }
    Some(kind)
}

/// The connections of one creation, or `None` when a number cannot be known.
fn pool_contribution(
    pool: &PoolCreation,
    kind: PoolKind,
    file: usize,
    runtime: &Runtime,
) -> Option<PoolContribution> {
    if pool.unpacked_keywords {
        return None;
    }
    let argument = |name: &str| {
        pool.arguments
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e)
    };
    let term = |name: &'static str, default: i64, library: &str| -> Option<PoolTerm> {
        match argument(name) {
            Some(evaluated) => evaluated_term(name, evaluated, file, runtime),
            None => Some(PoolTerm {
                name,
                value: Fact::new(
                    default,
                    Origin::default_of(format!("{library} default {name} = {default}")),
                ),
                from_env: None,
            }),
        }
    };
    let terms = match kind {
        PoolKind::SqlAlchemy => {
            if let Some(class) = argument("poolclass") {
                match &class.value {
                    Value::Reference(name) if name.ends_with("NullPool") => {
                        return Some(PoolContribution {
                            file,
                            span: pool.span,
                            factory: pool.factory.clone(),
                            connections: 0,
                            terms: Vec::new(),
                        });
                    }
                    _ => return None,
                }
            }
            let size = term("pool_size", 5, "SQLAlchemy")?;
            let overflow = term("max_overflow", 10, "SQLAlchemy")?;
            // `pool_size=0` and `max_overflow=-1` mean no limit.
            if size.value.value <= 0 || overflow.value.value < 0 {
                return None;
            }
            vec![size, overflow]
        }
        PoolKind::Asyncpg => {
            let library = if pool.factory == "databases.Database" {
                "databases"
            } else {
                "asyncpg"
            };
            vec![term("max_size", 10, library)?]
        }
        PoolKind::Psycopg => match argument("max_size") {
            Some(_) => vec![term("max_size", 4, "psycopg_pool")?],
            None => {
                let mut min = term("min_size", 4, "psycopg_pool")?;
                min.name = "max_size";
                vec![min]
            }
        },
    };
    if terms.iter().any(|t| t.value.value < 0) {
        return None;
    }
    let connections = terms
        .iter()
        .fold(0i64, |sum, t| sum.saturating_add(t.value.value));
    Some(PoolContribution {
        file,
        span: pool.span,
        factory: pool.factory.clone(),
        connections,
        terms,
    })
}

/// An integer argument as it holds in `runtime`: the environment variable that overrides
/// it (a settings field's, an `os.getenv`'s) when set, else the written value.
fn evaluated_term(
    name: &'static str,
    evaluated: &Evaluated,
    file: usize,
    runtime: &Runtime,
) -> Option<PoolTerm> {
    if let Some(var) = &evaluated.env_override {
        if let Some(set) = runtime.env.get_ignore_case(var) {
            let number = set.value.literal()?.trim().parse().ok()?;
            let origin = set
                .value_origin
                .clone()
                .unwrap_or_else(|| set.origin.clone());
            return Some(PoolTerm {
                name,
                value: Fact::new(number, origin),
                from_env: Some(set.name.clone()),
            });
        }
        // Set somewhere this model cannot see: unknown.
        if !runtime.env.is_complete() {
            return None;
        }
    }
    if evaluated.conditional {
        return None;
    }
    match evaluated.value {
        Value::Int(number) => Some(PoolTerm {
            name,
            value: Fact::at(number, file, evaluated.span),
            from_env: None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
