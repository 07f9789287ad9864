//! PS001: see rules/settings/PS001-str-typed-dsn.md

use super::{declared_fields, is_dsn_name};
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::Value;
use crate::project::Project;

/// A connection URL field typed `str`.
struct StrTypedDsn {
    field: String,
    suggestion: &'static str,
}

impl Violation for StrTypedDsn {
    const CODE: RuleCode = RuleCode::PS001;

    fn message(&self) -> String {
        format!(
            "`{}` holds a connection URL but is typed `str`: an empty or malformed value \
             passes validation and the app fails on its first connection",
            self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "type it `{}` (from `pydantic`) so a bad URL stops the app at start-up",
            self.suggestion
        ))
    }
}

/// The pydantic URL type for a field, from its default's scheme or else its name.
fn suggested_type(name: &str, default: Option<&Value>) -> &'static str {
    if let Some(Value::Str(url)) = default {
        let scheme = url.split("://").next().unwrap_or("").to_ascii_lowercase();
        let base = scheme.split('+').next().unwrap_or("");
        if url.contains("://") {
            match base {
                "postgres" | "postgresql" => return "PostgresDsn",
                "redis" | "rediss" => return "RedisDsn",
                "amqp" | "amqps" => return "AmqpDsn",
                "mysql" => return "MySQLDsn",
                "mongodb" => return "MongoDsn",
                _ => {}
            }
        }
    }
    if name.to_ascii_lowercase().contains("redis") {
        "RedisDsn"
    } else {
        "AnyUrl"
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (file, field) in declared_fields(project) {
        if !is_dsn_name(&field.name) || !field.annotation.is_plain_str() {
            continue;
        }
        let default = field.default.as_ref().map(|d| &d.value);
        let suggestion = suggested_type(&field.name, default);
        let violation = StrTypedDsn {
            field: field.name.clone(),
            suggestion,
        };
        cx.report_in(file, violation, field.annotation_span);
    }
}

#[cfg(test)]
mod tests {
    use super::suggested_type;
    use crate::parse::python::Value;

    #[test]
    fn suggestion_from_scheme_then_name() {
        let pg = Value::Str("postgresql+asyncpg://db/app".into());
        assert_eq!(suggested_type("database_url", Some(&pg)), "PostgresDsn");
        let amqp = Value::Str("amqp://guest@mq//".into());
        assert_eq!(suggested_type("broker_url", Some(&amqp)), "AmqpDsn");
        assert_eq!(suggested_type("REDIS_URL", None), "RedisDsn");
        assert_eq!(suggested_type("database_url", None), "AnyUrl");
    }
}
