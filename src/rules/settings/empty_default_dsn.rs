//! PS008: see rules/settings/PS008-empty-default-dsn.md

use super::{declared_fields, is_dsn_name};
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;

/// A connection URL field whose default is the empty string.
struct EmptyDefaultDsn {
    field: String,
}

impl Violation for EmptyDefaultDsn {
    const CODE: RuleCode = RuleCode::PS008;

    fn message(&self) -> String {
        format!(
            "`{}` defaults to `\"\"`: when the variable is missing the app starts with no \
             connection URL and fails on first use",
            self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "remove the default so a missing variable stops the app at start-up, or use \
             `None` with an `Optional` type if the service is really optional"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, field) in declared_fields(project) {
        if !is_dsn_name(&field.name) {
            continue;
        }
        let Some(default) = &field.default else {
            continue;
        };
        if matches!(&default.value, Value::Str(text) if text.is_empty()) {
            let violation = EmptyDefaultDsn {
                field: field.name.clone(),
            };
            cx.report_in(file, violation, default.span);
        }
    }
}
