//! PS002: see rules/settings/PS002-str-typed-secret.md

use super::declared_fields;
use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;
use crate::rules::secrets::is_secret_name;

/// A secret-looking field typed `str`.
struct StrTypedSecret {
    field: String,
}

impl Violation for StrTypedSecret {
    const CODE: RuleCode = RuleCode::PS002;

    fn message(&self) -> String {
        format!(
            "`{}` holds a secret but is typed `str`: it is printed in full by `repr()`, \
             logs and error reports",
            self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "type it `SecretStr` (from `pydantic`) and read it with `.get_secret_value()` \
             where it is used"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, field) in declared_fields(project) {
        if is_secret_name(&field.name) && field.annotation.is_plain_str() {
            let violation = StrTypedSecret {
                field: field.name.clone(),
            };
            cx.report_in(file, violation, field.annotation_span);
        }
    }
}
