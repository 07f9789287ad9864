//! Pydantic settings rules (PS): checks over the project-wide settings model, each
//! reported in the file that defines the class or field.

pub mod debug_defaults_true;
pub mod empty_default_dsn;
pub mod hardcoded_secret_default;
pub mod no_env_prefix;
pub mod pydantic_v1_settings_import;
pub mod str_typed_dsn;
pub mod str_typed_secret;
pub mod unconstrained_environment;

use crate::parse::python::settings::SettingsField;
use crate::project::Project;
use crate::source::SourceFile;

/// Services whose connection URL a `<service>_url` field holds (`database_url`,
/// `redis_url`, `broker_url`).
const SERVICE_WORDS: &[&str] = &[
    "database",
    "db",
    "redis",
    "broker",
    "postgres",
    "postgresql",
    "pg",
    "mysql",
    "mongo",
    "mongodb",
    "amqp",
    "rabbitmq",
    "cache",
    "celery",
    "kafka",
    "elasticsearch",
    "sqlalchemy",
];

/// Whether a field name says it holds a connection URL / DSN (`database_url`, `db_url`,
/// `sentry_dsn`, `sqlalchemy_database_uri`); compared case-insensitively.
pub(crate) fn is_dsn_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('_').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [.., "dsn" | "uri"] => true,
        [.., service, "url"] => SERVICE_WORDS.contains(service),
        _ => false,
    }
}

/// Every field declared by a settings class of the project, with the file that declares
/// it (inherited fields are reported once, where they are written).
pub(crate) fn declared_fields(project: &Project) -> Vec<(&SourceFile, &SettingsField)> {
    let files = project.python_module_files();
    let mut fields = Vec::new();
    for class in &project.python().settings.classes {
        let Some(file) = files.get(class.module) else {
            continue;
        };
        fields.extend(class.fields.iter().map(|field| (*file, field)));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::is_dsn_name;

    #[test]
    fn dsn_names() {
        for name in [
            "database_url",
            "DB_URL",
            "sentry_dsn",
            "SQLALCHEMY_DATABASE_URI",
            "redis_url",
            "broker_url",
            "dsn",
        ] {
            assert!(is_dsn_name(name), "{name}");
        }
        for name in [
            "frontend_url",
            "url",
            "api_base",
            "database_name",
            "dsn_timeout",
        ] {
            assert!(!is_dsn_name(name), "{name}");
        }
    }
}
