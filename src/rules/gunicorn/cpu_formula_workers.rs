//! GU003: see rules/gunicorn/GU003-cpu-formula-workers.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::{Project, PythonFile};

use super::config_of;

/// `workers = 2 * cpu_count() + 1` with an event-loop worker.
struct CpuFormulaWorkers {
    offset: i64,
}

impl Violation for CpuFormulaWorkers {
    const CODE: RuleCode = RuleCode::GU003;

    fn message(&self) -> String {
        let formula = match self.offset {
            0 => "2 × CPUs".to_string(),
            offset => format!("2 × CPUs + {offset}"),
        };
        format!(
            "`workers` is {formula} with an async (ASGI) worker: each worker already serves \
             many requests on its event loop, so the extra processes add memory and database \
             connections without adding throughput"
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "start from one worker per CPU (`workers = multiprocessing.cpu_count()`) or a fixed \
             number sized to the container's CPU limit"
                .to_string(),
        )
    }
}

/// Whether a worker class is an event-loop (ASGI or aiohttp) worker; `None` when unknown.
fn is_async_worker(class: &Value) -> Option<bool> {
    let name = match class {
        Value::Str(text) | Value::Reference(text) => text.as_str(),
        _ => return None,
    };
    let (module, class_name) = name.rsplit_once('.')?;
    let package = module.split('.').next().unwrap_or(module);
    Some(
        matches!(package, "uvicorn" | "uvicorn_worker" | "aiohttp")
            && matches!(
                class_name,
                "UvicornWorker"
                    | "UvicornH11Worker"
                    | "GunicornWebWorker"
                    | "GunicornUVLoopWebWorker"
            ),
    )
}

/// The check over every configuration file whose value is the one in effect.
pub(crate) fn check_project(project: &Project, cx: &mut Context) {
    super::unless_set_elsewhere(project, cx, &["workers"], check);
}

fn check(file: &PythonFile, cx: &mut Context) {
    let Some(config) = config_of(file) else {
        return;
    };
    let Some(workers) = config.get("workers").filter(|setting| setting.is_set()) else {
        return;
    };
    if workers.value.conditional {
        return;
    }
    let Some((2, offset)) = workers.value.value.cpu_formula() else {
        return;
    };
    if offset < 0 {
        return;
    }
    let Some(class) = config
        .get("worker_class")
        .filter(|setting| setting.is_set())
    else {
        return;
    };
    if class.value.conditional || is_async_worker(&class.value.value) != Some(true) {
        return;
    }
    let span = workers.span.cover(workers.value.span);
    let class_span = class.span.cover(class.value.span);
    let file = cx.file();
    let report = cx.report(CpuFormulaWorkers { offset }, span);
    if let Some(file) = file {
        let _ = report.label(file, class_span, "async worker class");
    }
}
