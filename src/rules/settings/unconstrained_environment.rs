//! PS004: see rules/settings/PS004-unconstrained-environment.md

use super::declared_fields;
use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// Field names that select the deployment environment.
const ENVIRONMENT_NAMES: &[&str] = &["environment", "env", "app_env", "stage"];

/// An environment selector typed `str`.
struct UnconstrainedEnvironment {
    field: String,
}

impl Violation for UnconstrainedEnvironment {
    const CODE: RuleCode = RuleCode::PS004;

    fn message(&self) -> String {
        format!(
            "`{}` is typed `str`: a typo such as `prod` for `production` passes validation \
             and silently selects the wrong behaviour",
            self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "type it `Literal[\"development\", \"staging\", \"production\"]` (or an `Enum`) \
             with the names the code compares against"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, field) in declared_fields(project) {
        let selects_environment = ENVIRONMENT_NAMES
            .iter()
            .any(|name| field.name.eq_ignore_ascii_case(name));
        if selects_environment && field.annotation.is_plain_str() {
            let violation = UnconstrainedEnvironment {
                field: field.name.clone(),
            };
            cx.report_in(file, violation, field.annotation_span);
        }
    }
}
