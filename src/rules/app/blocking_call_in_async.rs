//! FA002: see rules/app/FA002-blocking-call-in-async.md

use crate::diagnostic::Severity;
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::app::{Call, FunctionFacts};
use crate::project::Project;

/// A blocking call inside an `async def`.
struct BlockingCallInAsync {
    /// The resolved callee (`time.sleep`).
    callee: String,
    /// Whether the function runs at start-up (lifespan or startup handler).
    at_startup: bool,
}

impl Violation for BlockingCallInAsync {
    const CODE: RuleCode = RuleCode::FA002;

    fn message(&self) -> String {
        if self.at_startup {
            format!(
                "blocking call `{}` in the async start-up code: it stops the event loop \
                 before the server accepts connections, so the worker can time out and \
                 never bind",
                self.callee
            )
        } else {
            format!(
                "blocking call `{}` inside `async def`: it stops the event loop, so every \
                 other request of this worker waits for it",
                self.callee
            )
        }
    }

    fn help(&self) -> Option<String> {
        Some(
            "use the async equivalent (`asyncio.sleep`, `httpx.AsyncClient`, an async \
             driver, `asyncio.create_subprocess_exec`), or run it in a thread with \
             `await asyncio.to_thread(...)`"
                .to_string(),
        )
    }
}

/// Functions known to block the calling thread, by qualified name.
const BLOCKING_CALLS: &[&str] = &[
    "time.sleep",
    "urllib.request.urlopen",
    "psycopg2.connect",
    "psycopg.connect",
    "pymysql.connect",
    "sqlite3.connect",
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "os.system",
];

/// Modules whose module-level request functions block (`requests.get`).
const BLOCKING_HTTP_MODULES: &[&str] = &["requests", "httpx"];

/// The request functions of [`BLOCKING_HTTP_MODULES`].
const HTTP_FUNCTIONS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];

/// Calls that run their arguments in a thread: what they are given does not block.
const THREAD_OFFLOAD: &[&str] = &[
    "run_in_executor",
    "to_thread",
    "run_in_threadpool",
    "run_sync",
];

/// Whether `callee` blocks the calling thread.
fn is_blocking(callee: &str) -> bool {
    if BLOCKING_CALLS.contains(&callee) {
        return true;
    }
    callee.split_once('.').is_some_and(|(module, function)| {
        BLOCKING_HTTP_MODULES.contains(&module) && HTTP_FUNCTIONS.contains(&function)
    })
}

/// Whether `call` is inside the arguments of a thread off-loading call of `function`.
fn is_offloaded(function: &FunctionFacts, call: &Call) -> bool {
    function.calls.iter().any(|outer| {
        THREAD_OFFLOAD.contains(&outer.method())
            && outer.span != call.span
            && outer.span.start <= call.span.start
            && call.span.end <= outer.span.end
    })
}

/// Reports blocking calls in the body of every `async def`.
pub fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    let app = &project.python().app;
    for (index, function) in app.functions.iter().enumerate() {
        if !function.is_async {
            continue;
        }
        let Some(file) = files.get(function.module) else {
            continue;
        };
        let at_startup = function.lifespan.is_some()
            || app
                .event_handlers
                .iter()
                .any(|handler| handler.function == Some(index) && handler.event == "startup");
        for call in &function.calls {
            if !is_blocking(&call.callee) || is_offloaded(function, call) {
                continue;
            }
            let report = cx.report_in(
                file,
                BlockingCallInAsync {
                    callee: call.callee.clone(),
                    at_startup,
                },
                call.span,
            );
            if at_startup {
                report.severity(Severity::Error);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_callees() {
        assert!(is_blocking("time.sleep"));
        assert!(is_blocking("requests.get"));
        assert!(is_blocking("httpx.post"));
        assert!(is_blocking("urllib.request.urlopen"));
        assert!(!is_blocking("asyncio.sleep"));
        assert!(!is_blocking("requests.Session"));
        assert!(!is_blocking("client.get"));
    }
}
