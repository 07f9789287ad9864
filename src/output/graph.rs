//! `deploylint graph`: the linked services and the facts the linter believes, each with
//! its origin, so a user can see why a cross-file rule fired or stayed silent.

use std::fmt::Write;

use crate::project::{
    DatabasePlatform, EnvValue, LinkEvidence, Origin, PoolSize, Project, Runtime, Service,
};
use crate::rules::secrets::{has_url_password, is_secret_name};

/// Renders every service of `project` as indented text.
pub fn render(project: &Project) -> String {
    let mut out = String::new();
    let services = project.services();
    if services.is_empty() {
        out.push_str("no service found: no production Dockerfile, no container or unit starting a known server\n");
        return out;
    }
    for service in services {
        render_service(project, service, &mut out);
    }
    render_databases(project, &mut out);
    out
}

/// The PostgreSQL servers and their connection limits.
fn render_databases(project: &Project, out: &mut String) {
    let databases = project.databases();
    if databases.is_empty() {
        return;
    }
    let _ = writeln!(out, "databases");
    for database in &databases {
        let place = match database.platform {
            DatabasePlatform::Kubernetes { file, .. } | DatabasePlatform::Compose { file, .. } => {
                path_of(project, file)
            }
            _ => "outside the repository".to_string(),
        };
        let _ = writeln!(out, "  postgres {} ({place})", database.name);
        if !database.hosts.is_empty() {
            let _ = writeln!(out, "    hosts: {}", database.hosts.join(", "));
        }
        let _ = writeln!(
            out,
            "    max_connections: {} ({})",
            database.max_connections.value,
            describe_origin(project, &database.max_connections.origin)
        );
        let _ = writeln!(
            out,
            "    superuser_reserved_connections: {} ({})",
            database.reserved_connections.value,
            describe_origin(project, &database.reserved_connections.origin)
        );
        let _ = writeln!(out, "    usable: {}", database.usable_connections());
    }
}

/// The runtime's database, replicas and per-worker pool.
fn render_database_use(project: &Project, service: &Service, runtime: &Runtime, out: &mut String) {
    let pool = match project.worker_pool(service, runtime) {
        PoolSize::NoPool => return,
        PoolSize::Unknown => {
            let _ = writeln!(out, "    database pool per worker: unknown");
            None
        }
        PoolSize::Known(pool) => Some(pool),
    };
    if let Some(pool) = &pool {
        let _ = writeln!(out, "    database pool per worker: {}", pool.connections);
        for creation in &pool.creations {
            let terms: Vec<String> = creation
                .terms
                .iter()
                .map(|term| {
                    let from = term
                        .from_env
                        .as_ref()
                        .map_or_else(String::new, |var| format!(" from {var}"));
                    format!(
                        "{} {}{from} ({})",
                        term.name,
                        term.value.value,
                        describe_origin(project, &term.value.origin)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "      {} ({}): {} [{}]",
                creation.factory,
                describe_origin(project, &Origin::file(creation.file, creation.span)),
                creation.connections,
                terms.join(", ")
            );
        }
    }
    match project.replicas(runtime) {
        Some(replicas) => {
            let _ = writeln!(
                out,
                "    replicas: {} ({})",
                replicas.value,
                describe_origin(project, &replicas.origin)
            );
        }
        None => {
            let _ = writeln!(out, "    replicas: unknown");
        }
    }
    let databases = project.databases();
    match project.database_link(&databases, service, runtime) {
        Some(link) => {
            let name = databases
                .get(link.database)
                .map_or("?", |d| d.name.as_str());
            let why = match &link.evidence {
                LinkEvidence::Url { var, host, origin } => format!(
                    "URL host {host}{} at {}",
                    var.as_ref()
                        .map_or_else(String::new, |v| format!(" in {v}")),
                    describe_origin(project, origin)
                ),
                LinkEvidence::SharedReference(name) => {
                    format!("its URL comes from {name}, which the database reads too")
                }
                LinkEvidence::OnlyDatabase => "the only database where it runs".to_string(),
                _ => "configured outside the repository".to_string(),
            };
            let _ = writeln!(out, "    database: {name} ({why})");
        }
        None => {
            let _ = writeln!(out, "    database: unknown");
        }
    }
}

/// `path:line` of an origin, or its description.
pub fn describe_origin(project: &Project, origin: &Origin) -> String {
    match origin {
        Origin::File { file, span } => match project.source(*file) {
            Some(source) => {
                let at = source.line_col(span.start);
                format!("{}:{}", source.path().display(), at.line)
            }
            None => "?".to_string(),
        },
        Origin::Default(text) => text.clone(),
        Origin::Config(key) => format!("configuration: {key}"),
    }
}

fn path_of(project: &Project, file: usize) -> String {
    project
        .source(file)
        .map_or_else(|| "?".to_string(), |s| s.path().display().to_string())
}

fn render_service(project: &Project, service: &Service, out: &mut String) {
    let how = if service.declared {
        "declared in the configuration"
    } else {
        "inferred"
    };
    let _ = writeln!(out, "service {} ({how})", service.name);
    if let Some(root) = &service.root {
        let _ = writeln!(out, "  code: {}", display_dir(root));
    }
    match service.dockerfile {
        Some(file) => {
            let _ = writeln!(out, "  dockerfile: {}", path_of(project, file));
        }
        None => {
            let _ = writeln!(out, "  dockerfile: none found");
        }
    }
    match &service.app {
        Some(app) => {
            let _ = writeln!(
                out,
                "  app: {}:{} (from {})",
                path_of(project, app.file),
                app.attribute,
                describe_origin(project, &app.origin)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  app: unknown (no app target resolved to a parsed module)"
            );
        }
    }
    let python = project.python();
    let module_files = project.python_module_file_indices();
    if service.settings_classes.is_empty() {
        let _ = writeln!(out, "  settings: none found");
    }
    for &index in &service.settings_classes {
        let Some(class) = python.settings.classes.get(index) else {
            continue;
        };
        let location = module_files
            .get(class.module)
            .and_then(|&f| project.source(f))
            .map(|source| {
                let at = source.line_col(class.name_span.start);
                format!("{}:{}", source.path().display(), at.line)
            })
            .unwrap_or_default();
        let prefix = class.effective_config.prefix().map_or_else(
            || "no env_prefix".to_string(),
            |p| format!("env_prefix {p:?}"),
        );
        let _ = writeln!(out, "  settings: {} ({location}, {prefix})", class.name);
    }
    if !service.settings_classes.is_empty() {
        // The classes the settings rules (XF002-XF004) judge: built as `Class()`.
        let built: Vec<&str> = crate::rules::project::settings_env::used_classes(project, service)
            .iter()
            .map(|class| class.name.as_str())
            .collect();
        let _ = if built.is_empty() {
            writeln!(
                out,
                "  settings built: none found (no `Class()` call with no argument)"
            )
        } else {
            writeln!(out, "  settings built: {}", built.join(", "))
        };
    }
    if service.runtimes.is_empty() {
        let _ = writeln!(out, "  runs: nowhere found");
    }
    for runtime in &service.runtimes {
        render_runtime(project, runtime, out);
        render_database_use(project, service, runtime, out);
    }
}

fn render_runtime(project: &Project, runtime: &Runtime, out: &mut String) {
    let development = if runtime.development {
        " (development: production rules skip it)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  runs as {}{development}",
        describe_platform(project, runtime)
    );
    match &runtime.launch {
        Some(launch) => {
            let origin =
                describe_origin(project, &Origin::file(launch.file, launch.invocation.span));
            let _ = writeln!(
                out,
                "    server: {} ({origin})",
                launch.invocation.server.value.name()
            );
        }
        None => {
            let _ = writeln!(out, "    server: unknown");
        }
    }
    match runtime.workers() {
        Some(workers) => {
            let _ = writeln!(
                out,
                "    workers: {} ({})",
                workers.value,
                describe_origin(project, &workers.origin)
            );
        }
        None => {
            let _ = writeln!(out, "    workers: unknown");
        }
    }
    if let Some(class) = runtime.worker_class() {
        let _ = writeln!(
            out,
            "    worker class: {} ({})",
            class.value,
            describe_origin(project, &class.origin)
        );
    }
    if runtime.gunicorn.is_some() {
        let file = runtime
            .gunicorn_file
            .map_or_else(|| "none found".to_string(), |f| path_of(project, f));
        let _ = writeln!(out, "    gunicorn config: {file}");
        render_gunicorn_settings(project, runtime, out);
    }
    for var in runtime.env.vars() {
        let value = match &var.value {
            EnvValue::Literal(text) if is_secret_name(&var.name) || has_url_password(text) => {
                "(hidden)".to_string()
            }
            EnvValue::Literal(text) => format!("{text:?}"),
            EnvValue::Secret => "(from a Secret)".to_string(),
            EnvValue::Unknown => "(decided at run time)".to_string(),
        };
        let _ = writeln!(
            out,
            "    env {} = {value} ({}, {})",
            var.name,
            var.source.describe(),
            describe_origin(project, &var.origin)
        );
    }
    for open in runtime.env.open_sources() {
        let _ = writeln!(
            out,
            "    env from {} ({}): variables unknown",
            open.description,
            describe_origin(project, &open.origin)
        );
    }
}

/// The gunicorn settings the GU rules and K8S006/K8S015 read, as they resolve in this
/// runtime ("unknown" when the model cannot tell).
fn render_gunicorn_settings(project: &Project, runtime: &Runtime, out: &mut String) {
    for name in [
        "bind",
        "preload_app",
        "graceful_timeout",
        "worker_tmp_dir",
        "accesslog",
        "errorlog",
    ] {
        let described = match crate::rules::gunicorn::runtime::known_setting(runtime, name) {
            Some(fact) => format!(
                "{} ({})",
                fact.value.python_repr().unwrap_or_else(|| "?".to_string()),
                describe_origin(project, &fact.origin)
            ),
            None => "unknown".to_string(),
        };
        let _ = writeln!(out, "    gunicorn {name}: {described}");
    }
}

fn describe_platform(project: &Project, runtime: &Runtime) -> String {
    match project.runtime_place(runtime) {
        Some(place) => {
            let origin = describe_origin(project, &Origin::file(place.file, place.span));
            format!("{} ({origin})", place.description)
        }
        None => "an unknown place".to_string(),
    }
}

fn display_dir(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}
