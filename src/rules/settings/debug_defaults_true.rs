//! PS005: see rules/settings/PS005-debug-defaults-true.md

use super::declared_fields;
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;

/// `debug` switched on unless the environment turns it off.
struct DebugDefaultsTrue {
    field: String,
}

impl Violation for DebugDefaultsTrue {
    const CODE: RuleCode = RuleCode::PS005;

    fn message(&self) -> String {
        format!(
            "`{}` defaults to `True`: a deployment that forgets the variable runs in debug \
             mode and shows tracebacks to clients",
            self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some("default to `False` and turn debug on in the development environment".to_string())
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, field) in declared_fields(project) {
        if !field.name.eq_ignore_ascii_case("debug") {
            continue;
        }
        let Some(default) = &field.default else {
            continue;
        };
        if default.value == Value::Bool(true) && !default.conditional {
            let violation = DebugDefaultsTrue {
                field: field.name.clone(),
            };
            cx.report_in(file, violation, default.span);
        }
    }
}
