//! GU006: see rules/gunicorn/GU006-preload-with-import-time-pool.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::app::CreationSite;
use crate::parse::python::{BindingKind, Value, evaluate_module};
use crate::project::{Project, Service, Tree, module_name};

use super::gunicorn_bool;
use super::runtime::{describe_origin, group, gunicorn_runtimes, known_setting, report_location};

/// gunicorn preloads an app whose import creates a connection pool.
struct PreloadWithImportTimePool {
    /// Where `preload_app` is set.
    origin: String,
    /// The pools (`sqlalchemy.ext.asyncio.create_async_engine` at app/db.py:4).
    pools: String,
}

impl Violation for PreloadWithImportTimePool {
    const CODE: RuleCode = RuleCode::GU006;

    fn message(&self) -> String {
        format!(
            "gunicorn preloads the app ({}): the master process imports it before forking, \
             and the import creates {}, so every worker inherits the same pool — its sockets \
             are shared between processes and async pools are bound to the master's event \
             loop (\"attached to a different loop\" errors, corrupted connections)",
            self.origin, self.pools
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "create engines and pools in the app's lifespan (after the fork, inside the \
             worker's event loop), or drop `preload_app`"
                .to_string(),
        )
    }
}

/// The most modules followed through imports (a bound on the work).
const MAX_MODULES: usize = 512;

/// The modules of `service` that importing `start` imports too, through module-level
/// `import`/`from ... import` statements between parsed modules (`start` included).
fn import_closure(project: &Project, service: &Service, start: usize) -> Vec<usize> {
    let files = project.python_module_file_indices();
    let path_of = |module: usize| {
        files
            .get(module)
            .and_then(|&f| project.source(f))
            .map(|s| s.path().to_path_buf())
    };
    let names: Vec<(usize, String, bool)> = service
        .modules
        .iter()
        .filter_map(|&m| {
            let path = path_of(m)?;
            let is_package = path.file_name().is_some_and(|n| n == "__init__.py");
            let name = module_name(&path);
            let name = name.strip_suffix(".__init__").unwrap_or(&name).to_string();
            Some((m, name, is_package))
        })
        .collect();
    let mut seen = vec![start];
    let mut next = 0;
    while next < seen.len() && seen.len() < MAX_MODULES {
        let current = seen[next];
        next += 1;
        let Some((_, own_name, is_package)) = names.iter().find(|(m, _, _)| *m == current) else {
            continue;
        };
        let Some(&file) = files.get(current) else {
            continue;
        };
        let Some(Tree::Python(python)) = project.files().get(file).map(|f| &f.tree) else {
            continue;
        };
        let Some(module) = &python.module else {
            continue;
        };
        let namespace = evaluate_module(module);
        for binding in namespace.history() {
            if binding.kind != BindingKind::Import {
                continue;
            }
            let Value::Reference(target) = &binding.value.value else {
                continue;
            };
            let Some(absolute) = absolute_import(target, own_name, *is_package) else {
                continue;
            };
            let parent = absolute.rsplit_once('.').map(|(p, _)| p.to_string());
            for candidate in std::iter::once(absolute.clone()).chain(parent) {
                for (m, name, _) in &names {
                    let matches = *name == candidate || name.ends_with(&format!(".{candidate}"));
                    if matches && !seen.contains(m) {
                        seen.push(*m);
                    }
                }
            }
        }
    }
    seen
}

/// An import target made absolute: `.db.engine` imported by module `app.main` is
/// `app.db.engine`.
fn absolute_import(target: &str, importer: &str, importer_is_package: bool) -> Option<String> {
    let level = target.bytes().take_while(|&b| b == b'.').count();
    if level == 0 {
        return Some(target.to_string());
    }
    let rest = &target[level..];
    let mut parts: Vec<&str> = importer.split('.').collect();
    if !importer_is_package {
        parts.pop()?;
    }
    for _ in 1..level {
        parts.pop()?;
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let app_model = &project.python().app;
    let module_files = project.python_module_file_indices();
    let mut findings = Vec::new();
    for (service, runtime) in gunicorn_runtimes(project) {
        let Some(app) = &service.app else {
            continue;
        };
        let Some(fact) = known_setting(runtime, "preload_app") else {
            continue;
        };
        if gunicorn_bool(&fact.value) != Some(true) {
            continue;
        }
        let imported = import_closure(project, service, app.module);
        let pools: Vec<(usize, crate::span::Span, String)> = app_model
            .pools
            .iter()
            .filter(|pool| pool.site == CreationSite::Import && imported.contains(&pool.module))
            .filter_map(|pool| {
                Some((
                    *module_files.get(pool.module)?,
                    pool.span,
                    pool.factory.clone(),
                ))
            })
            .collect();
        if pools.is_empty() {
            continue;
        }
        let Some((file, span)) = report_location(runtime, &fact) else {
            continue;
        };
        findings.push((file, span, (fact, pools), runtime));
    }
    for found in group(findings) {
        let Some(source) = project.source(found.file) else {
            continue;
        };
        let (fact, pools) = &found.item;
        let described: Vec<String> = pools
            .iter()
            .map(|(file, span, factory)| {
                format!("`{factory}` ({})", project.file_line(*file, *span))
            })
            .collect();
        let violation = PreloadWithImportTimePool {
            origin: describe_origin(project, fact),
            pools: described.join(", "),
        };
        let mut report = cx.report_in(source, violation, found.span);
        for (file, span, factory) in pools {
            if let Some(pool_source) = project.source(*file) {
                let short = factory.rsplit('.').next().unwrap_or(factory);
                report = report.label(
                    pool_source,
                    *span,
                    format!("`{short}` runs at import, in the master process"),
                );
            }
        }
        drop(report);
    }
}

#[cfg(test)]
mod tests {
    use super::absolute_import;

    #[test]
    fn relative_imports_resolve_against_the_importer() {
        assert_eq!(
            absolute_import("app.db", "app.main", false).as_deref(),
            Some("app.db")
        );
        assert_eq!(
            absolute_import(".db", "app.main", false).as_deref(),
            Some("app.db")
        );
        assert_eq!(
            absolute_import(".db.engine", "app.main", false).as_deref(),
            Some("app.db.engine")
        );
        assert_eq!(
            absolute_import("..core", "app.api.routes", false).as_deref(),
            Some("app.core")
        );
        assert_eq!(
            absolute_import(".db", "app", true).as_deref(),
            Some("app.db")
        );
        assert_eq!(absolute_import("...x", "main", false), None);
    }
}
