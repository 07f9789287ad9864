//! FA005: see rules/app/FA005-import-time-pool.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::app::CreationSite;
use crate::project::Project;

/// Factories that open connections (or bind to the running event loop) when called, unlike
/// SQLAlchemy engines and redis clients, which connect lazily.
const EAGER_FACTORIES: &[&str] = &[
    "asyncpg.create_pool",
    "asyncpg.pool.create_pool",
    "aioredis.create_redis_pool",
];

/// A connection pool created when the module is imported.
struct ImportTimePool {
    /// The factory as called (`asyncpg.create_pool`).
    factory: String,
}

impl Violation for ImportTimePool {
    const CODE: RuleCode = RuleCode::FA005;

    fn message(&self) -> String {
        format!(
            "`{}` runs when the module is imported: the pool is made outside the server's event \
             loop, before the app starts, in every process that imports the module",
            self.factory
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "create the pool in the lifespan before `yield` (store it on `app.state`) and close \
             it after `yield`"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let app = &project.python().app;
    for pool in &app.pools {
        if pool.site != CreationSite::Import || !EAGER_FACTORIES.contains(&pool.factory.as_str()) {
            continue;
        }
        let Some(file) = project.python_module_files().get(pool.module).copied() else {
            continue;
        };
        let violation = ImportTimePool {
            factory: pool.factory.clone(),
        };
        cx.report_in(file, violation, pool.span);
    }
}
