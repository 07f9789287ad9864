//! FA006: see rules/app/FA006-engine-pool-defaults.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;

/// The pool arguments whose defaults rarely fit a service.
const POOL_SETTINGS: &[&str] = &["pool_size", "max_overflow", "pool_pre_ping"];

/// An SQLAlchemy engine created with the default pool settings.
struct EnginePoolDefaults {
    /// The factory's short name (`create_engine`).
    factory: String,
    /// The pool arguments not given.
    missing: Vec<&'static str>,
}

impl Violation for EnginePoolDefaults {
    const CODE: RuleCode = RuleCode::FA006;

    fn message(&self) -> String {
        let missing = self
            .missing
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut effects = Vec::new();
        if self
            .missing
            .iter()
            .any(|name| *name == "pool_size" || *name == "max_overflow")
        {
            effects.push(
                "each worker keeps SQLAlchemy's default pool size (5 connections plus 10 overflow)",
            );
        }
        if self.missing.contains(&"pool_pre_ping") {
            effects.push("the pool hands out connections the database already closed");
        }
        format!(
            "`{}` without {missing}: {}",
            self.factory,
            effects.join(" and ")
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "size the pool for workers x replicas against the database's connection limit \
             (`pool_size=`, `max_overflow=`) and set `pool_pre_ping=True`"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let app = &project.python().app;
    for pool in &app.pools {
        let Some(factory) = pool.factory.rsplit('.').next() else {
            continue;
        };
        if !matches!(factory, "create_engine" | "create_async_engine") || pool.unpacked_keywords {
            continue;
        }
        // A custom pool class (`NullPool`, `StaticPool`) takes no size arguments.
        if pool.arguments.iter().any(|(name, _)| name == "poolclass") {
            continue;
        }
        // SQLite engines do not use a sized queue pool.
        let is_sqlite = pool.url.as_ref().is_some_and(|url| match &url.value {
            Value::Str(text) => text.to_ascii_lowercase().starts_with("sqlite"),
            _ => false,
        });
        if is_sqlite {
            continue;
        }
        let missing: Vec<&'static str> = POOL_SETTINGS
            .iter()
            .copied()
            .filter(|setting| !pool.arguments.iter().any(|(name, _)| name == setting))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let Some(file) = project.python_module_files().get(pool.module).copied() else {
            continue;
        };
        let violation = EnginePoolDefaults {
            factory: factory.to_string(),
            missing,
        };
        cx.report_in(file, violation, pool.span);
    }
}
