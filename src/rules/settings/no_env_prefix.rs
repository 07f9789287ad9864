//! PS006: see rules/settings/PS006-no-env-prefix.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::settings::{SettingsClass, SettingsField, SettingsModel};
use crate::project::Project;

/// Variables that the system, the image or the orchestrator commonly set, which a field
/// of the same name would read by accident.
const WELL_KNOWN_VARIABLES: &[&str] = &[
    "DEBUG",
    "PORT",
    "HOST",
    "PATH",
    "HOME",
    "USER",
    "ENV",
    "ENVIRONMENT",
    "HOSTNAME",
    "LANG",
    "TZ",
    "SHELL",
    "TERM",
];

/// How many colliding fields a message names.
const MAX_NAMED_FIELDS: usize = 3;

/// A settings class in use reads its fields from unprefixed variable names.
struct NoEnvPrefix {
    class: String,
    /// Fields read from a well-known variable: (field name, variable).
    collisions: Vec<(String, String)>,
    /// Whether the class uses pydantic 1 configuration (`class Config`).
    v1: bool,
}

impl Violation for NoEnvPrefix {
    const CODE: RuleCode = RuleCode::PS006;

    fn message(&self) -> String {
        if self.collisions.is_empty() {
            return format!(
                "settings class `{}` has no `env_prefix`: its fields are read from bare \
                 variable names, which collide with variables the system or orchestrator \
                 sets (`DEBUG`, `PORT`, `HOST`, `ENV`)",
                self.class
            );
        }
        let named: Vec<String> = self
            .collisions
            .iter()
            .take(MAX_NAMED_FIELDS)
            .map(|(field, variable)| format!("`{field}` from `{variable}`"))
            .collect();
        let more = self.collisions.len().saturating_sub(MAX_NAMED_FIELDS);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let what = if self.collisions.len() == 1 {
            "a variable"
        } else {
            "variables"
        };
        format!(
            "settings class `{}` has no `env_prefix`: it reads {}{more}, {what} the system \
             or orchestrator may already set for something else",
            self.class,
            named.join(", ")
        )
    }

    fn help(&self) -> Option<String> {
        Some(if self.v1 {
            "give the class a prefix of its own: `class Config: env_prefix = \"APP_\"`".to_string()
        } else {
            "give the class a prefix of its own: \
             `model_config = SettingsConfigDict(env_prefix=\"APP_\")`"
                .to_string()
        })
    }
}

/// Whether the field names its variable itself (`validation_alias`/`alias`, or pydantic
/// 1's `env=`): pydantic applies no prefix to it.
fn has_explicit_env_name(field: &SettingsField, class: &SettingsClass) -> bool {
    field.field.as_ref().is_some_and(|arguments| {
        if class.flavour.is_v1() {
            arguments.env.is_some()
        } else {
            arguments.validation_alias.is_some() || arguments.alias.is_some()
        }
    })
}

/// Whether another settings class derives from `index`.
fn has_subclasses(model: &SettingsModel, index: usize) -> bool {
    model
        .classes
        .iter()
        .any(|class| class.parents.contains(&index))
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let files = project.python_module_files();
    let python = project.python();
    let model = &python.settings;
    for (index, class) in model.classes.iter().enumerate() {
        if class.effective_config.env_prefix.is_some() {
            continue;
        }
        // A base whose subclasses are the ones used is configured by them.
        if has_subclasses(model, index) && !python.app.is_instantiated(index) {
            continue;
        }
        let prefixed: Vec<&SettingsField> = model
            .all_fields(class)
            .into_iter()
            .filter(|field| !has_explicit_env_name(field, class))
            .collect();
        if prefixed.is_empty() {
            continue;
        }
        let collisions = prefixed
            .iter()
            .filter_map(|field| {
                let variable = field
                    .env_names
                    .iter()
                    .find(|name| WELL_KNOWN_VARIABLES.contains(&name.as_str()))?;
                Some((field.name.clone(), variable.clone()))
            })
            .collect();
        let Some(file) = files.get(class.module) else {
            continue;
        };
        cx.report_in(
            file,
            NoEnvPrefix {
                class: class.name.clone(),
                collisions,
                v1: class.flavour.is_v1(),
            },
            class.name_span,
        );
    }
}
