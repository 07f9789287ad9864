//! GU008: see rules/gunicorn/GU008-unknown-setting.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::{BindingKind, evaluate_module};
use crate::project::PythonFile;

use super::config_of;

/// A module-level name that is one or two edits away from a real setting.
struct UnknownSetting {
    name: String,
    suggestion: &'static str,
}

impl Violation for UnknownSetting {
    const CODE: RuleCode = RuleCode::GU008;

    fn message(&self) -> String {
        format!(
            "`{}` is not a gunicorn setting: gunicorn ignores unknown names silently, so this \
             value never reaches `{}`",
            self.name, self.suggestion
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!("did you mean `{}`?", self.suggestion))
    }
}

pub(crate) fn check(file: &PythonFile, cx: &mut Context) {
    let Some(config) = config_of(file) else {
        return;
    };
    let Some(module) = file.module.as_deref() else {
        return;
    };
    if config.unknown_settings().is_empty() {
        return;
    }
    // Functions are left alone: a helper `def` near a hook's name is ordinary code.
    let namespace = evaluate_module(module);
    for unknown in config.unknown_settings() {
        let is_function = namespace
            .get(&unknown.name)
            .is_some_and(|binding| binding.kind == BindingKind::Function);
        if is_function {
            continue;
        }
        cx.report(
            UnknownSetting {
                name: unknown.name.clone(),
                suggestion: unknown.suggestion,
            },
            unknown.span,
        );
    }
}
