//! Maps the module indices of the project's [`AppModel`](crate::parse::python::app::AppModel)
//! back to the source files that hold them.

use crate::project::{Project, PythonRole};
use crate::source::SourceFile;

/// The source files of the modules the app model was built from, indexed like
/// `AppModel` module indices (the same filter `Project::python` uses).
pub fn module_files(project: &Project) -> Vec<&SourceFile> {
    project
        .python_files()
        .filter(|(_, file)| file.role == PythonRole::Module && file.module.is_some())
        .map(|(source, _)| source)
        .collect()
}
