//! Pydantic settings rules (PS): checks over the project-wide settings model, each
//! reported in the file that defines the class or field.

pub mod pydantic_v1_settings_import;

use crate::project::{Project, PythonRole};
use crate::source::SourceFile;

/// The source file of every module the settings model was built from, in the model's
/// module order (`SettingsClass::module` indexes this list).
pub(crate) fn module_files(project: &Project) -> Vec<&SourceFile> {
    project
        .python_files()
        .filter(|(_, file)| file.role == PythonRole::Module && file.module.is_some())
        .map(|(source, _)| source)
        .collect()
}
