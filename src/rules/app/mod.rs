//! Rules over the FastAPI/Starlette application code (the app model).

pub mod engine_pool_defaults;
pub mod import_time_pool;
pub mod sync_driver_in_async_engine;

use crate::project::{Project, PythonRole};
use crate::source::SourceFile;

/// The source file of the module at `index` in the app model (the model numbers the parsed
/// application modules in the order [`Project::python_files`] yields them).
pub(crate) fn module_source(project: &Project, index: usize) -> Option<&SourceFile> {
    project
        .python_files()
        .filter(|(_, file)| file.role == PythonRole::Module && file.module.is_some())
        .nth(index)
        .map(|(source, _)| source)
}
