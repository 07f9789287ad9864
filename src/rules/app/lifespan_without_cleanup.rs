//! FA004: see rules/app/FA004-lifespan-without-cleanup.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::app::{AppModel, CreationSite, LifespanFacts};
use crate::project::Project;

/// A lifespan creates a pool or client before `yield` and closes nothing after it.
struct LifespanWithoutCleanup {
    /// The factory called (`asyncpg.create_pool`).
    factory: String,
}

impl Violation for LifespanWithoutCleanup {
    const CODE: RuleCode = RuleCode::FA004;

    fn message(&self) -> String {
        format!(
            "the lifespan opens `{}` before `yield` but closes nothing after it: its \
             connections are left open on every shutdown and rolling update",
            self.factory
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "close it after the `yield` (`await pool.close()`, `await engine.dispose()`, \
             `await client.aclose()`), in a `try`/`finally` around the `yield`, or open it \
             with `async with`"
                .to_string(),
        )
    }
}

/// Words in a method name that release a resource.
const CLEANUP_WORDS: &[&str] = &[
    "close",
    "dispose",
    "disconnect",
    "shutdown",
    "stop",
    "cleanup",
    "clean_up",
    "teardown",
    "release",
    "terminate",
    "exit",
];

/// Calls before the `yield` that hand clean-up to an exit stack.
const EXIT_STACK_CALLS: &[&str] = &[
    "enter_async_context",
    "enter_context",
    "push_async_callback",
    "push_async_exit",
    "callback",
    "push",
];

/// Whether the lifespan releases anything on shut-down, as far as can be told: a call after
/// the `yield` whose name says it cleans up, or that runs a project function (which may),
/// or clean-up registered on an exit stack.
fn may_clean_up(app: &AppModel, module: usize, lifespan: &LifespanFacts) -> bool {
    let cleans = lifespan.after_yield.iter().any(|call| {
        let method = call.method().to_ascii_lowercase();
        CLEANUP_WORDS.iter().any(|word| method.contains(word))
            || app
                .functions
                .iter()
                .any(|function| function.module == module && function.name == call.method())
            || call.callee.starts_with('?')
    });
    cleans
        || lifespan
            .before_yield
            .iter()
            .chain(&lifespan.around_yield)
            .any(|call| {
                EXIT_STACK_CALLS.contains(&call.method()) || call.callee.contains("ExitStack")
            })
}

/// Reports pools created before the `yield` of a lifespan that closes nothing after it.
pub fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    let app = &project.python().app;
    for pool in &app.pools {
        let CreationSite::Lifespan(index) = pool.site else {
            continue;
        };
        let Some(function) = app.functions.get(index) else {
            continue;
        };
        let Some(lifespan) = &function.lifespan else {
            continue;
        };
        let Some(yield_span) = lifespan.yield_span else {
            continue;
        };
        let opened_with = lifespan
            .around_yield
            .iter()
            .any(|call| call.span.start <= pool.span.start && pool.span.end <= call.span.end);
        if pool.span.start >= yield_span.start
            || opened_with
            || may_clean_up(app, function.module, lifespan)
        {
            continue;
        }
        let Some(file) = files.get(pool.module) else {
            continue;
        };
        cx.report_in(
            file,
            LifespanWithoutCleanup {
                factory: pool.factory.clone(),
            },
            pool.span,
        )
        .label(file, yield_span, "nothing is closed after this `yield`");
    }
}
