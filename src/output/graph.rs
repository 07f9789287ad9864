//! `deploylint graph`: the linked services and the facts the linter believes, each with
//! its origin, so a user can see why a cross-file rule fired or stayed silent.

use std::fmt::Write;

use crate::project::{EnvValue, Origin, Platform, Project, Runtime, Service, Tree};
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
    out
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
        describe_platform(project, runtime.platform)
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

fn describe_platform(project: &Project, platform: Platform) -> String {
    match platform {
        Platform::Image => "the image's own start command".to_string(),
        Platform::Kubernetes {
            file,
            object,
            container,
        } => {
            let described = project.files().get(file).and_then(|f| match &f.tree {
                Tree::Kubernetes(manifests) => {
                    let object = manifests.objects.get(object)?;
                    let container = object.workload()?.pod_spec()?.containers.get(container)?;
                    let name = container
                        .name
                        .as_ref()
                        .map_or_else(String::new, |n| format!("container {} of ", n.value));
                    let origin = describe_origin(project, &Origin::file(file, container.span));
                    Some(format!("{name}{} ({origin})", object.display_name()))
                }
                _ => None,
            });
            described.unwrap_or_else(|| "a Kubernetes container".to_string())
        }
        Platform::Compose { file, service } => {
            let described = project.files().get(file).and_then(|f| match &f.tree {
                Tree::Compose(compose) => {
                    let entry = compose.services.get(service)?;
                    let origin = describe_origin(project, &Origin::file(file, entry.name.span));
                    Some(format!("compose service {} ({origin})", entry.name.value))
                }
                _ => None,
            });
            described.unwrap_or_else(|| "a compose service".to_string())
        }
        Platform::Systemd { file } => format!("systemd unit {}", path_of(project, file)),
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
