//! Python files: the syntax layer, a static evaluator, and the models rules read
//! (gunicorn configuration, pydantic settings, the FastAPI/Starlette application).
//!
//! The parser is Ruff's, kept private to this module: every public type here is our own
//! and carries byte [`Span`](crate::span::Span)s. Nothing is ever executed.

pub mod app;
pub mod env_reads;
mod eval;
pub mod gunicorn;
pub mod settings;
mod syntax;

pub use eval::{Binding, BindingKind, Evaluated, Namespace, Value, evaluate_module};

pub use app::AppModel;
pub use env_reads::{EnvReads, env_reads};
pub use gunicorn::GunicornConfig;
pub use settings::SettingsModel;
pub use syntax::{MAX_SYNTAX_DEPTH, PythonModule, PythonTarget, parse, parse_for};

#[cfg(test)]
mod depth {
    use super::gunicorn::GunicornConfig;
    use super::{AppModel, SettingsModel, evaluate_module, parse};

    /// Every model walks code nested just under the syntax layer's limit without running
    /// out of stack (tests run on 2 MiB threads).
    #[test]
    fn models_survive_code_just_under_the_depth_limit() {
        let shapes = [
            format!("x = {}1{}\n", "[".repeat(990), "]".repeat(990)),
            format!("x = {}1\n", "-".repeat(990)),
            format!("x = {}1\n", "not ".repeat(990)),
            format!("x = {}1\n", "1 + ".repeat(990)),
            format!(
                "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/')\nasync def f():\n    return {}g(){}\n",
                "h(".repeat(450),
                ")".repeat(450)
            ),
            format!(
                "from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    x: int = {}1{}\n",
                "(".repeat(180).replace('(', "[("),
                ")".repeat(180).replace(')', ",)]")
            ),
        ];
        for text in &shapes {
            let parsed = parse(text);
            assert_eq!(parsed.errors, vec![], "{}", &text[..40]);
            let namespace = evaluate_module(&parsed.tree);
            assert!(namespace.bindings().count() > 0);
            let mut config = GunicornConfig::new();
            config.apply_config_file(&parsed.tree);
            let settings = SettingsModel::build(&[&parsed.tree]);
            assert!(super::env_reads(&parsed.tree).names.is_empty());
            let app = AppModel::build(&[("main", &parsed.tree)], Some(&settings));
            assert!(app.functions.len() <= 1);
        }
    }
}

#[cfg(test)]
mod corpus {
    use std::path::{Path, PathBuf};

    use super::gunicorn::GunicornConfig;
    use super::{AppModel, SettingsModel, parse};

    fn python_files(root: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "py") {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    /// Runs the syntax layer and the models over `$DEPLOYLINT_PYTHON_CORPUS/<repository>/**.py`
    /// and prints what they read. Run with
    /// `cargo test --lib parse::python::corpus -- --ignored --nocapture`.
    #[test]
    #[ignore = "needs a local corpus of real Python projects"]
    fn corpus() {
        let Ok(root) = std::env::var("DEPLOYLINT_PYTHON_CORPUS") else {
            return;
        };
        let Ok(repositories) = std::fs::read_dir(&root) else {
            return;
        };
        let (mut files, mut failed, mut classes, mut fields, mut configs) = (0, 0, 0, 0, 0);
        let (mut apps, mut routes, mut pools, mut handlers, mut lifespans) = (0, 0, 0, 0, 0);
        let started = std::time::Instant::now();
        let mut repositories: Vec<PathBuf> = repositories.flatten().map(|e| e.path()).collect();
        repositories.sort();
        for repository in repositories {
            let texts: Vec<(PathBuf, String)> = python_files(&repository)
                .into_iter()
                .filter_map(|path| {
                    let bytes = std::fs::read(&path).ok()?;
                    Some((path, String::from_utf8_lossy(&bytes).into_owned()))
                })
                .collect();
            let parsed: Vec<_> = texts.iter().map(|(_, text)| parse(text)).collect();
            for ((path, _), file) in texts.iter().zip(&parsed) {
                files += 1;
                if !file.errors.is_empty() {
                    failed += 1;
                    println!(
                        "ERRORS {}: {:?}",
                        path.display(),
                        &file.errors[..file.errors.len().min(2)]
                    );
                }
            }
            let modules: Vec<_> = parsed.iter().map(|file| &file.tree).collect();
            let model = SettingsModel::build(&modules);
            for class in &model.classes {
                classes += 1;
                let all = model.all_fields(class);
                fields += all.len();
                println!(
                    "SETTINGS {} {} {:?} prefix={:?} fields={}",
                    texts[class.module].0.display(),
                    class.name,
                    class.flavour,
                    class.effective_config.prefix(),
                    all.iter()
                        .map(|f| format!("{}: {} {:?}", f.name, f.annotation, f.env_names))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            let names: Vec<String> = texts
                .iter()
                .map(|(path, _)| {
                    let relative = path.strip_prefix(&repository).unwrap_or(path);
                    relative
                        .with_extension("")
                        .components()
                        .map(|part| part.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .collect();
            let named: Vec<(&str, &super::PythonModule)> = names
                .iter()
                .map(String::as_str)
                .zip(modules.iter().copied())
                .collect();
            let app = AppModel::build(&named, Some(&model));
            apps += app.apps.len();
            routes += app.routes.len();
            pools += app.pools.len();
            handlers += app.event_handlers.len();
            lifespans += app.lifespans().count();
            for route in &app.routes {
                let handler = &app.functions[route.function];
                println!(
                    "ROUTE {} {} {} async={} storage={} mounted={}",
                    route.method,
                    route.full_path,
                    route.handler,
                    handler.is_async,
                    handler.touches_storage,
                    route.mounted
                );
            }
            for pool in &app.pools {
                println!(
                    "POOL {} {} {:?} url={:?} args={:?}",
                    texts[pool.module].0.display(),
                    pool.factory,
                    pool.site,
                    pool.url.as_ref().map(|url| (&url.value, &url.env_override)),
                    pool.arguments
                        .iter()
                        .map(|(name, value)| (name, &value.value))
                        .collect::<Vec<_>>()
                );
            }
            for (_, lifespan) in app.lifespans() {
                if let Some(facts) = &lifespan.lifespan {
                    let names = |calls: &[super::app::Call]| {
                        calls
                            .iter()
                            .map(|c| c.callee.clone())
                            .collect::<Vec<_>>()
                            .join(",")
                    };
                    println!(
                        "LIFESPAN {} before=[{}] around=[{}] after=[{}]",
                        texts[lifespan.module].0.display(),
                        names(&facts.before_yield),
                        names(&facts.around_yield),
                        names(&facts.after_yield)
                    );
                }
            }
            for handler in &app.event_handlers {
                println!(
                    "EVENT {} {} {}",
                    texts[handler.module].0.display(),
                    handler.event,
                    handler.handler
                );
            }
            for import in &model.v1_imports {
                println!("V1IMPORT {}", texts[import.module].0.display());
            }
            for ((path, _), file) in texts.iter().zip(&parsed) {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if !name.contains("gunicorn") {
                    continue;
                }
                configs += 1;
                let mut config = GunicornConfig::new();
                config.apply_config_file(&file.tree);
                let explicit: Vec<String> = config
                    .explicit()
                    .map(|s| {
                        format!(
                            "{}={:?}{}{}",
                            s.spec.name,
                            s.value.value,
                            s.value
                                .env_override
                                .as_ref()
                                .map(|e| format!(" ${e}"))
                                .unwrap_or_default(),
                            if s.value.conditional { " (cond)" } else { "" }
                        )
                    })
                    .collect();
                println!("GUNICORN {}: {}", path.display(), explicit.join(", "));
                for unknown in config.unknown_settings() {
                    println!("  UNKNOWN {} -> {}", unknown.name, unknown.suggestion);
                }
            }
        }
        println!(
            "files={files} with_errors={failed} settings_classes={classes} fields={fields} gunicorn_configs={configs} apps={apps} routes={routes} pools={pools} event_handlers={handlers} lifespans={lifespans} in {:?}",
            started.elapsed()
        );
    }
}
