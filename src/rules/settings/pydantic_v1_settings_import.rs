//! PS007: see rules/settings/PS007-pydantic-v1-settings-import.md

use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// `BaseSettings` imported from `pydantic` itself.
struct PydanticV1SettingsImport;

impl Violation for PydanticV1SettingsImport {
    const CODE: RuleCode = RuleCode::PS007;

    fn message(&self) -> String {
        "`BaseSettings` is imported from `pydantic`: pydantic 2 removed it, so the import \
         fails and the app cannot start"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "install `pydantic-settings` and import it with \
             `from pydantic_settings import BaseSettings`"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    for import in &project.python().settings.v1_imports {
        if let Some(file) = files.get(import.module) {
            cx.report_in(file, PydanticV1SettingsImport, import.span);
        }
    }
}
