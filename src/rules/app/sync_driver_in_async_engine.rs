//! FA007: see rules/app/FA007-sync-driver-in-async-engine.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;

/// `create_async_engine` given a URL whose driver is synchronous.
struct SyncDriverInAsyncEngine {
    /// The URL scheme as written (`postgresql+psycopg2`).
    scheme: String,
    /// The async scheme to use instead.
    suggestion: &'static str,
}

impl Violation for SyncDriverInAsyncEngine {
    const CODE: RuleCode = RuleCode::FA007;

    fn message(&self) -> String {
        format!(
            "`create_async_engine` with the synchronous driver URL `{}://`: SQLAlchemy raises \
             `InvalidRequestError` (the driver is not async) when the engine is created, so the \
             app fails at start",
            self.scheme
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "use an async driver in the URL: `{}://...`",
            self.suggestion
        ))
    }
}

/// The async scheme to use instead of a synchronous `scheme`, `None` when the scheme is
/// async or unknown.
fn async_replacement(scheme: &str) -> Option<&'static str> {
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "postgresql"
        | "postgres"
        | "postgresql+psycopg2"
        | "postgresql+pg8000"
        | "postgresql+psycopg2cffi" => Some("postgresql+asyncpg"),
        "mysql" | "mysql+pymysql" | "mysql+mysqldb" | "mysql+mysqlconnector" => {
            Some("mysql+aiomysql")
        }
        "mariadb" | "mariadb+pymysql" | "mariadb+mysqldb" => Some("mariadb+aiomysql"),
        "sqlite" | "sqlite+pysqlite" => Some("sqlite+aiosqlite"),
        _ => None,
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let app = &project.python().app;
    for pool in &app.pools {
        if !pool.factory.ends_with(".create_async_engine") {
            continue;
        }
        let Some(url) = &pool.url else { continue };
        // An environment variable may replace the default at run time: unknown.
        if url.is_env_overridable() || url.conditional {
            continue;
        }
        let Value::Str(text) = &url.value else {
            continue;
        };
        let Some((scheme, _)) = text.split_once("://") else {
            continue;
        };
        let Some(suggestion) = async_replacement(scheme) else {
            continue;
        };
        let Some(file) = project.python_module_files().get(pool.module).copied() else {
            continue;
        };
        let violation = SyncDriverInAsyncEngine {
            scheme: scheme.to_string(),
            suggestion,
        };
        cx.report_in(file, violation, pool.span);
    }
}
