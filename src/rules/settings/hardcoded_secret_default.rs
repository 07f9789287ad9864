//! PS003: see rules/settings/PS003-hardcoded-secret-default.md

use super::declared_fields;
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;
use crate::rules::secrets::{is_literal_secret_value, is_secret_name};

/// A secret-looking field with a literal default. The value is never printed.
struct HardcodedSecretDefault {
    field: String,
}

impl Violation for HardcodedSecretDefault {
    const CODE: RuleCode = RuleCode::PS003;

    fn message(&self) -> String {
        format!(
            "`{}` has a literal default (value redacted): the secret is in the source \
             tree, and a deployment that forgets the variable runs with it",
            self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "remove the default so a missing variable stops the app at start-up, and \
             rotate the value if it was ever used"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, field) in declared_fields(project) {
        if !is_secret_name(&field.name) {
            continue;
        }
        let Some(default) = &field.default else {
            continue;
        };
        if matches!(&default.value, Value::Str(text) if is_literal_secret_value(text)) {
            let violation = HardcodedSecretDefault {
                field: field.name.clone(),
            };
            cx.report_in(file, violation, default.span)
                .redact(file, default.span);
        }
    }
}
