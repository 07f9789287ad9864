//! What the settings-environment rules (XF002, XF003, XF004) share: which settings
//! classes a service instantiates, how a field's environment variable is matched in a
//! runtime's environment, how a runtime is named in messages, and which values pydantic
//! accepts for a field of a simple type.

use std::path::{Component, Path};

use crate::parse::python::Value;
use crate::parse::python::settings::{SettingsClass, SettingsField, TypeExpr};
use crate::project::{EnvVar, Environment, Platform, Project, PythonFile, Runtime, Service, Tree};
use crate::source::SourceFile;
use crate::span::Span;

/// The settings classes a service instantiates: its classes that no other class of the
/// service derives from (a base configured by subclasses is not built on its own), that
/// are not test code, and that the service's Python code calls as `Class()` with no
/// argument. A class also built with arguments (`Settings(_env_file=...)`,
/// `Settings(database_url=...)`) or through `model_validate` gets values the linter cannot
/// see, so it is left out.
pub(crate) fn used_classes<'p>(project: &'p Project, service: &Service) -> Vec<&'p SettingsClass> {
    let settings = &project.python().settings;
    let module_files = project.python_module_file_indices();
    let candidates: Vec<usize> = service
        .settings_classes
        .iter()
        .copied()
        .filter(|&index| {
            settings.classes.get(index).is_some_and(|class| {
                module_files
                    .get(class.module)
                    .and_then(|&file| project.source(file))
                    .is_some_and(|source| !is_test_path(source.path()))
            })
        })
        .collect();
    let instantiations = &project.python().app.settings_instantiations;
    let in_test_code = |module: usize| {
        module_files
            .get(module)
            .and_then(|&file| project.source(file))
            .is_some_and(|source| is_test_path(source.path()))
    };
    candidates
        .iter()
        .copied()
        .filter(|&index| {
            !candidates.iter().any(|&other| {
                settings
                    .classes
                    .get(other)
                    .is_some_and(|c| c.parents.contains(&index))
            })
        })
        .filter(|&index| {
            // Built from the environment alone (`Settings()`), and never from given
            // values, which may supply any field.
            let calls: Vec<_> = instantiations
                .iter()
                .filter(|call| call.class == index && !in_test_code(call.module))
                .collect();
            calls.iter().any(|call| !call.with_arguments)
                && !calls.iter().any(|call| call.with_arguments)
        })
        .filter_map(|index| settings.classes.get(index))
        .collect()
}

/// Whether a path is test code (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`).
fn is_test_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || path
            .components()
            .any(|c| matches!(c, Component::Normal(part) if part == "tests" || part == "test"))
}

/// Every Python file of the service (parsed or not), test code aside: the files under its
/// root, or every Python file when the root is unknown.
pub(crate) fn service_python_files<'p>(
    project: &'p Project,
    service: &Service,
) -> Vec<(&'p SourceFile, &'p PythonFile)> {
    let python = |index: usize| {
        let parsed = project.files().get(index)?;
        match &parsed.tree {
            Tree::Python(file) if !is_test_path(parsed.source.path()) => {
                Some((&parsed.source, file.as_ref()))
            }
            _ => None,
        }
    };
    match service.root.as_deref() {
        Some(root) => project
            .files_under(root)
            .into_iter()
            .filter_map(python)
            .collect(),
        None => (0..project.files().len()).filter_map(python).collect(),
    }
}

/// Whether pydantic may take values for this class from somewhere other than the
/// environment the linter sees: an `env_file`, a `secrets_dir`, or custom sources
/// (`settings_customise_sources`, `customise_sources`) written in the class body.
pub(crate) fn has_other_sources(project: &Project, class: &SettingsClass) -> bool {
    let config = &class.effective_config;
    let set = |value: &Option<crate::parse::python::Evaluated>| {
        value.as_ref().is_some_and(|v| v.value != Value::None)
    };
    if set(&config.env_file) || set(&config.secrets_dir) {
        return true;
    }
    let settings = &project.python().settings;
    let module_files = project.python_module_file_indices();
    let mut chain = vec![class];
    let mut seen = 0;
    while let Some(current) = chain.pop() {
        seen += 1;
        if seen > 64 {
            return true;
        }
        let body = module_files
            .get(current.module)
            .and_then(|&file| project.source(file))
            .and_then(|source| {
                source
                    .text()
                    .get(current.span.start as usize..current.span.end as usize)
            })
            .unwrap_or("");
        if body.contains("customise_sources") {
            return true;
        }
        chain.extend(
            current
                .parents
                .iter()
                .filter_map(|&p| settings.classes.get(p)),
        );
    }
    false
}

/// The file index of the module that declares `field` (a field of `class` or of one of
/// its parents).
pub(crate) fn field_file(project: &Project, field: &SettingsField) -> Option<usize> {
    let settings = &project.python().settings;
    let class = settings
        .classes
        .iter()
        .find(|class| class.fields.iter().any(|f| std::ptr::eq(f, field)))?;
    project
        .python_module_file_indices()
        .get(class.module)
        .copied()
}

/// Whether two environment variable names are the same for pydantic-settings.
pub(crate) fn same_name(a: &str, b: &str, case_sensitive: bool) -> bool {
    if case_sensitive {
        a == b
    } else {
        a.eq_ignore_ascii_case(b)
    }
}

/// Whether `name` starts with `prefix` for pydantic-settings.
pub(crate) fn has_prefix(name: &str, prefix: &str, case_sensitive: bool) -> bool {
    name.get(..prefix.len())
        .is_some_and(|head| same_name(head, prefix, case_sensitive))
}

/// The variable of `env` that supplies `field` of `class`: one of the field's names, or
/// (with `env_nested_delimiter`) a variable naming a part of it (`APP_DB__HOST` for
/// `db`).
pub(crate) fn supplying_var<'e>(
    env: &'e Environment,
    class: &SettingsClass,
    field: &SettingsField,
) -> Option<&'e EnvVar> {
    let case_sensitive = class.effective_config.is_case_sensitive();
    let delimiter = nested_delimiter(class);
    let names = field.env_names_in(class);
    env.vars().iter().rev().find(|var| {
        names.iter().any(|name| {
            same_name(&var.name, name, case_sensitive)
                || delimiter.is_some_and(|delimiter| {
                    has_prefix(&var.name, &format!("{name}{delimiter}"), case_sensitive)
                })
        })
    })
}

/// Whether a variable name is one `field` reads (its own name, or a nested part of it).
pub(crate) fn reads_var(class: &SettingsClass, field: &SettingsField, var: &str) -> bool {
    let case_sensitive = class.effective_config.is_case_sensitive();
    let delimiter = nested_delimiter(class);
    field.env_names_in(class).iter().any(|name| {
        same_name(var, name, case_sensitive)
            || delimiter.is_some_and(|delimiter| {
                has_prefix(var, &format!("{name}{delimiter}"), case_sensitive)
            })
    })
}

/// The class's `env_nested_delimiter`, when set to a non-empty string.
fn nested_delimiter(class: &SettingsClass) -> Option<&str> {
    class
        .effective_config
        .env_nested_delimiter
        .as_ref()
        .and_then(|d| d.value.as_str())
        .filter(|d| !d.is_empty())
}

/// A runtime as messages name it, and where its label goes.
pub(crate) struct RuntimeName {
    /// "container `api` of Deployment/orders (k8s/deployment.yaml:17)".
    pub text: String,
    /// The file of the label.
    pub file: usize,
    /// The span of the label.
    pub span: Span,
    /// What fails at start there ("the pod", "the container", "the unit").
    pub what_fails: &'static str,
}

/// How a runtime is named in messages and where its label points.
pub(crate) fn runtime_name(project: &Project, runtime: &Runtime) -> Option<RuntimeName> {
    let place = project.runtime_place(runtime)?;
    let what_fails = match runtime.platform {
        Platform::Kubernetes { .. } => "the pod",
        Platform::Systemd { .. } => "the unit",
        _ => "the container",
    };
    Some(RuntimeName {
        text: format!(
            "{} ({})",
            place.description,
            project.file_line(place.file, place.span)
        ),
        file: place.file,
        span: place.span,
        what_fails,
    })
}

/// Whether a name is mentioned as a word in `text` (not as part of a longer name).
pub(crate) fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(is_ident)
            && !text[at + name.len()..].starts_with(is_ident)
    })
}

// ---------------------------------------------------------------------------------------
// Values pydantic accepts.

/// What a field's type accepts from an environment string, for the types checked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Accepts {
    /// `bool`.
    Bool,
    /// `int` and its constrained forms, with bounds (`ge`, `gt`, `le`, `lt`, from the type
    /// name or the field's `Field(...)`).
    Int(Bounds),
    /// `float` and its constrained forms.
    Float(Bounds),
    /// `Literal["a", "b"]` of strings only.
    Strings(Vec<String>),
    /// A URL type (`PostgresDsn`, `AnyUrl`, ...): its short name, and the schemes it
    /// allows when the linter knows them (not when `Annotated` metadata such as
    /// `UrlConstraints` may change them).
    Url(String, Option<&'static [&'static str]>),
}

/// Numeric bounds of a field.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Bounds {
    /// `ge`.
    pub ge: Option<f64>,
    /// `gt`.
    pub gt: Option<f64>,
    /// `le`.
    pub le: Option<f64>,
    /// `lt`.
    pub lt: Option<f64>,
}

impl Bounds {
    /// The first bound `value` breaks, written as pydantic's constraint (`ge=1`).
    fn broken_by(&self, value: f64) -> Option<String> {
        let show = |bound: f64| {
            if bound.fract() == 0.0 && bound.abs() < 1e15 {
                format!("{}", bound as i64)
            } else {
                format!("{bound}")
            }
        };
        if let Some(ge) = self.ge
            && value < ge
        {
            return Some(format!("ge={}", show(ge)));
        }
        if let Some(gt) = self.gt
            && value <= gt
        {
            return Some(format!("gt={}", show(gt)));
        }
        if let Some(le) = self.le
            && value > le
        {
            return Some(format!("le={}", show(le)));
        }
        if let Some(lt) = self.lt
            && value >= lt
        {
            return Some(format!("lt={}", show(lt)));
        }
        None
    }
}

/// URL and DSN types of pydantic (by short name).
const URL_TYPES: &[&str] = &[
    "AnyUrl",
    "AnyHttpUrl",
    "HttpUrl",
    "AnyWebsocketUrl",
    "WebsocketUrl",
    "FileUrl",
    "FtpUrl",
    "PostgresDsn",
    "CockroachDsn",
    "AmqpDsn",
    "RedisDsn",
    "MongoDsn",
    "KafkaDsn",
    "NatsDsn",
    "MySQLDsn",
    "MariaDBDsn",
    "ClickHouseDsn",
    "SnowflakeDsn",
];

/// The schemes pydantic's URL types allow (pydantic 1 and 2 together, so a scheme either
/// accepts is never reported).
fn allowed_schemes(short: &str) -> Option<&'static [&'static str]> {
    Some(match short {
        "PostgresDsn" => &[
            "postgres",
            "postgresql",
            "postgresql+asyncpg",
            "postgresql+pg8000",
            "postgresql+psycopg",
            "postgresql+psycopg2",
            "postgresql+psycopg2cffi",
            "postgresql+py-postgresql",
            "postgresql+pygresql",
        ],
        "RedisDsn" => &["redis", "rediss"],
        "AmqpDsn" => &["amqp", "amqps"],
        "MongoDsn" => &["mongodb", "mongodb+srv"],
        "MySQLDsn" => &[
            "mysql",
            "mysql+mysqlconnector",
            "mysql+aiomysql",
            "mysql+asyncmy",
            "mysql+mysqldb",
            "mysql+pymysql",
            "mysql+cymysql",
            "mysql+pyodbc",
        ],
        "HttpUrl" | "AnyHttpUrl" => &["http", "https"],
        "WebsocketUrl" | "AnyWebsocketUrl" => &["ws", "wss"],
        _ => return None,
    })
}

/// Whether a type expression has `Annotated` metadata anywhere.
fn has_metadata(annotation: &TypeExpr) -> bool {
    match annotation {
        TypeExpr::Annotated(_, count) => *count > 0,
        TypeExpr::Optional(inner) => has_metadata(inner),
        TypeExpr::Union(members) | TypeExpr::Generic(_, members) => {
            members.iter().any(has_metadata)
        }
        _ => false,
    }
}

/// What `field` accepts, for the types this module checks; `None` for any other type
/// (strings, unions, models, lists: never judged).
pub(crate) fn accepts(field: &SettingsField) -> Option<Accepts> {
    let number = |value: &Option<crate::parse::python::Evaluated>| {
        value.as_ref().and_then(|v| v.value.as_number())
    };
    let mut bounds = Bounds::default();
    if let Some(arguments) = &field.field {
        bounds.ge = number(&arguments.ge);
        bounds.gt = number(&arguments.gt);
        bounds.le = number(&arguments.le);
        bounds.lt = number(&arguments.lt);
    }
    match field.annotation.without_none() {
        TypeExpr::Literal(values) => {
            let strings: Option<Vec<String>> = values
                .iter()
                .map(|value| match value {
                    Value::Str(text) => Some(text.clone()),
                    _ => None,
                })
                .collect();
            strings.filter(|s| !s.is_empty()).map(Accepts::Strings)
        }
        TypeExpr::Name(name) => {
            let short = name.rsplit('.').next().unwrap_or(&name);
            let from_pydantic = name == short
                || name.starts_with("pydantic.")
                || name.starts_with("pydantic_core.");
            match short {
                "bool" if name == "bool" => Some(Accepts::Bool),
                "int" if name == "int" => Some(Accepts::Int(bounds)),
                "float" if name == "float" => Some(Accepts::Float(bounds)),
                "PositiveInt" | "NegativeInt" | "NonNegativeInt" | "NonPositiveInt"
                | "StrictInt"
                    if from_pydantic =>
                {
                    implied_bounds(short, &mut bounds);
                    Some(Accepts::Int(bounds))
                }
                "PositiveFloat" | "NegativeFloat" | "NonNegativeFloat" | "NonPositiveFloat"
                    if from_pydantic =>
                {
                    implied_bounds(short, &mut bounds);
                    Some(Accepts::Float(bounds))
                }
                _ if from_pydantic && URL_TYPES.contains(&short) => {
                    let schemes = if has_metadata(&field.annotation) {
                        None
                    } else {
                        allowed_schemes(short)
                    };
                    Some(Accepts::Url(short.to_string(), schemes))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The bounds a constrained type name implies, added to those written.
fn implied_bounds(short: &str, bounds: &mut Bounds) {
    if short.starts_with("Positive") {
        bounds.gt = bounds.gt.or(Some(0.0));
    } else if short.starts_with("Negative") {
        bounds.lt = bounds.lt.or(Some(0.0));
    } else if short.starts_with("NonNegative") {
        bounds.ge = bounds.ge.or(Some(0.0));
    } else if short.starts_with("NonPositive") {
        bounds.le = bounds.le.or(Some(0.0));
    }
}

/// Why pydantic rejects `value` for a field accepting `accepts`; `None` when it passes
/// (or when the linter is not sure it fails). `optional` fields are not judged on the
/// empty string nor on `null`/`none` (which `env_parse_none_str` can turn into `None`).
pub(crate) fn rejection(accepts: &Accepts, value: &str, optional: bool) -> Option<String> {
    if optional
        && matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "" | "null" | "none"
        )
    {
        return None;
    }
    match accepts {
        Accepts::Bool => (!is_pydantic_bool(value)).then(|| {
            "is not a boolean pydantic accepts (true/false, 1/0, yes/no, on/off, t/f, y/n)"
                .to_string()
        }),
        Accepts::Int(bounds) => match parse_int(value) {
            IntParse::Invalid => Some("is not an integer".to_string()),
            IntParse::Unsure => None,
            IntParse::Valid(number) => bounds
                .broken_by(number as f64)
                .map(|bound| format!("breaks the constraint `{bound}`")),
        },
        Accepts::Float(bounds) => match parse_float(value) {
            None => Some("is not a number".to_string()),
            Some(number) => bounds
                .broken_by(number)
                .map(|bound| format!("breaks the constraint `{bound}`")),
        },
        Accepts::Strings(choices) => (!choices.iter().any(|c| c == value)).then(|| {
            format!(
                "is not one of {}",
                choices
                    .iter()
                    .map(|c| format!("`{c:?}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }),
        Accepts::Url(_, schemes) => url_rejection(value, *schemes),
    }
}

/// Why a URL type rejects `value`: empty, no scheme at all, or a scheme it does not allow.
fn url_rejection(value: &str, schemes: Option<&[&str]>) -> Option<String> {
    let text = value.trim();
    if text.is_empty() {
        return Some("is empty, and an empty string is no URL".to_string());
    }
    let scheme = text
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    let Some(scheme) = scheme else {
        return Some("has no scheme (`scheme://...`), so it is no absolute URL".to_string());
    };
    let allowed = schemes?;
    (!allowed.iter().any(|a| a.eq_ignore_ascii_case(scheme))).then(|| {
        format!(
            "has the scheme `{scheme}`, not one of {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Whether pydantic's lax mode reads a string as a boolean (case-insensitively, after
/// trimming).
pub(crate) fn is_pydantic_bool(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "off" | "f" | "false" | "n" | "no" | "1" | "on" | "t" | "true" | "y" | "yes"
    )
}

/// How a string reads as an integer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum IntParse {
    /// An integer (too large ones are `Unsure`).
    Valid(i128),
    /// Certainly not an integer pydantic accepts.
    Invalid,
    /// Number-like text whose fate the linter does not decide (`1e3`, huge numbers).
    Unsure,
}

/// Reads a string as pydantic's lax `int` does: surrounding whitespace, a sign,
/// underscores between digits and a zero fraction (`"3.0"`) are accepted.
pub(crate) fn parse_int(value: &str) -> IntParse {
    let text = value.trim();
    let unsigned = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits_ok = |part: &str| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_digit() || c == '_')
            && !part.starts_with('_')
            && !part.ends_with('_')
            && !part.contains("__")
    };
    if digits_ok(whole) && fraction.is_none_or(|f| f.chars().all(|c| c == '0')) {
        let cleaned: String = text
            .split('.')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| *c != '_')
            .collect();
        return cleaned.parse().map_or(IntParse::Unsure, IntParse::Valid);
    }
    if parse_float(text).is_some_and(|n| n.is_finite() && n.fract() == 0.0) {
        // `1e3`: pydantic's rules for exponents in strings are not modelled.
        return IntParse::Unsure;
    }
    IntParse::Invalid
}

/// Reads a string as Python's `float` does (surrounding whitespace, underscores between
/// digits, `inf`, `nan`).
pub(crate) fn parse_float(value: &str) -> Option<f64> {
    let text = value.trim();
    if text.is_empty() || text.starts_with('_') || text.ends_with('_') || text.contains("__") {
        return None;
    }
    let cleaned: String = text.chars().filter(|c| *c != '_').collect();
    cleaned.parse().ok()
}

/// Edit distance between two names (case-insensitive), for "did you mean" suggestions;
/// stops early above `limit` (returns `limit + 1`).
pub(crate) fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_uppercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_uppercase()).collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().min().copied().unwrap_or(0) > limit {
            return limit + 1;
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0).min(limit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::python::{SettingsModel, parse};
    use crate::project::Origin;

    fn model(text: &str) -> SettingsModel {
        let parsed = parse(text);
        SettingsModel::build(&[&parsed.tree])
    }

    #[test]
    fn field_env_names_take_the_prefix_or_the_alias() {
        let model = model(
            "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\nclass S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='orders_')\n    database_url: str\n    token: str = Field(validation_alias='API_TOKEN')\n",
        );
        let class = &model.classes[0];
        let mut env = Environment::default();
        let var = |name: &str| EnvVar {
            name: name.to_string(),
            value: crate::project::EnvValue::Literal("x".into()),
            origin: Origin::file(0, Span::empty(0)),
            value_origin: None,
            source: crate::project::EnvSource::KubernetesEnv,
        };
        assert_eq!(class.fields[0].env_names, vec!["ORDERS_DATABASE_URL"]);
        assert_eq!(class.fields[1].env_names, vec!["API_TOKEN"]);
        env.set(var("Orders_Database_Url"));
        env.set(var("ORDERS_TOKEN"));
        assert_eq!(
            supplying_var(&env, class, &class.fields[0]).map(|v| v.name.as_str()),
            Some("Orders_Database_Url")
        );
        // An aliased field does not read the prefixed name.
        assert!(supplying_var(&env, class, &class.fields[1]).is_none());
        assert!(reads_var(class, &class.fields[1], "api_token"));
        assert!(!reads_var(class, &class.fields[1], "ORDERS_TOKEN"));
    }

    #[test]
    fn case_sensitive_classes_match_exactly() {
        let model = model(
            "from pydantic_settings import BaseSettings\nclass S(BaseSettings, env_prefix='APP_', case_sensitive=True):\n    port: int\n",
        );
        let class = &model.classes[0];
        assert_eq!(class.fields[0].env_names, vec!["APP_port"]);
        assert!(reads_var(class, &class.fields[0], "APP_port"));
        assert!(!reads_var(class, &class.fields[0], "APP_PORT"));
        assert!(has_prefix("app_port", "APP_", false));
        assert!(!has_prefix("app_port", "APP_", true));
        assert!(!has_prefix("AP", "APP_", false));
    }

    #[test]
    fn nested_delimiter_supplies_a_nested_field() {
        let model = model(
            "from pydantic import BaseModel\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\nclass Db(BaseModel):\n    host: str\nclass S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_', env_nested_delimiter='__')\n    db: Db\n",
        );
        let class = &model.classes[0];
        assert!(reads_var(class, &class.fields[0], "APP_DB__HOST"));
        assert!(reads_var(class, &class.fields[0], "APP_DB"));
        assert!(!reads_var(class, &class.fields[0], "APP_DBX"));
    }

    #[test]
    fn booleans_pydantic_accepts() {
        for yes in [
            "true", "False", "1", "0", "yes", "NO", "on", "off", "t", "F", "y", "n",
        ] {
            assert!(is_pydantic_bool(yes), "{yes}");
        }
        for no in ["", "2", "enabled", "truee", "null"] {
            assert!(!is_pydantic_bool(no), "{no}");
        }
    }

    #[test]
    fn integers_pydantic_accepts() {
        assert_eq!(parse_int("42"), IntParse::Valid(42));
        assert_eq!(parse_int(" -7 "), IntParse::Valid(-7));
        assert_eq!(parse_int("+1_000"), IntParse::Valid(1000));
        assert_eq!(parse_int("3.0"), IntParse::Valid(3));
        assert_eq!(parse_int("1e3"), IntParse::Unsure);
        assert_eq!(
            parse_int("99999999999999999999999999999999999999999"),
            IntParse::Unsure
        );
        for bad in ["", "four", "2.5", "10s", "1__0", "_1", "0x10"] {
            assert_eq!(parse_int(bad), IntParse::Invalid, "{bad}");
        }
        assert_eq!(parse_float("2.5"), Some(2.5));
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert!(parse_float("inf").is_some());
        assert_eq!(parse_float("fast"), None);
    }

    #[test]
    fn field_types_and_their_rejections() {
        let model = model(
            "from typing import Literal, Optional\nfrom pydantic import Field, PositiveInt, PostgresDsn\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    level: Literal['debug', 'info']\n    workers: PositiveInt = 1\n    pool: int = Field(10, ge=1, le=50)\n    debug: bool = False\n    ratio: Optional[float] = None\n    url: PostgresDsn\n    name: str = 'x'\n    either: int | str = 1\n",
        );
        let fields = &model.classes[0].fields;
        let kinds: Vec<Option<Accepts>> = fields.iter().map(accepts).collect();
        let level = kinds[0].clone().expect("literal");
        assert_eq!(
            rejection(&level, "verbose", false).as_deref(),
            Some("is not one of `\"debug\"`, `\"info\"`")
        );
        assert_eq!(rejection(&level, "info", false), None);
        assert!(rejection(&level, "INFO", false).is_some());
        let workers = kinds[1].clone().expect("positive int");
        assert_eq!(
            rejection(&workers, "0", false).as_deref(),
            Some("breaks the constraint `gt=0`")
        );
        let pool = kinds[2].clone().expect("int");
        assert_eq!(
            rejection(&pool, "80", false).as_deref(),
            Some("breaks the constraint `le=50`")
        );
        assert_eq!(
            rejection(&pool, "ten", false).as_deref(),
            Some("is not an integer")
        );
        assert_eq!(rejection(&pool, "20", false), None);
        let debug = kinds[3].clone().expect("bool");
        assert!(rejection(&debug, "enabled", false).is_some());
        let ratio = kinds[4].clone().expect("float");
        assert_eq!(rejection(&ratio, "", true), None);
        assert_eq!(rejection(&ratio, "null", true), None);
        assert!(rejection(&ratio, "null", false).is_some());
        assert_eq!(
            rejection(&ratio, "half", true).as_deref(),
            Some("is not a number")
        );
        let url = kinds[5].clone().expect("url");
        assert!(matches!(&url, Accepts::Url(name, Some(_)) if name == "PostgresDsn"));
        assert!(rejection(&url, "", false).is_some());
        assert_eq!(rejection(&url, "postgresql://db/orders", false), None);
        assert_eq!(
            rejection(&url, "postgresql+asyncpg://db/orders", false),
            None
        );
        assert_eq!(
            rejection(&url, "db.internal", false).as_deref(),
            Some("has no scheme (`scheme://...`), so it is no absolute URL")
        );
        assert!(
            rejection(&url, "mysql://db/orders", false)
                .is_some_and(|r| r.starts_with("has the scheme `mysql`, not one of `postgres`"))
        );
        // `localhost:6379` reads as the scheme `localhost`.
        assert!(
            rejection(
                &Accepts::Url("RedisDsn".into(), allowed_schemes("RedisDsn")),
                "localhost:6379",
                false
            )
            .is_some()
        );
        // A type whose schemes are not known keeps any scheme.
        assert_eq!(
            rejection(
                &Accepts::Url("AnyUrl".into(), None),
                "s3://bucket/key",
                false
            ),
            None
        );
        assert_eq!(kinds[6], None);
        assert_eq!(kinds[7], None);
    }

    #[test]
    fn url_constraints_in_annotated_keep_any_scheme() {
        let model = model(
            "from typing import Annotated\nfrom pydantic import PostgresDsn, UrlConstraints\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    url: Annotated[PostgresDsn, UrlConstraints(allowed_schemes=['asyncpg'])]\n",
        );
        let url = accepts(&model.classes[0].fields[0]).expect("url");
        assert_eq!(url, Accepts::Url("PostgresDsn".into(), None));
        assert_eq!(rejection(&url, "asyncpg://db/orders", false), None);
        assert!(rejection(&url, "", false).is_some());
    }

    #[test]
    fn edit_distances() {
        assert_eq!(
            edit_distance("ORDERS_DATABSE_URL", "ORDERS_DATABASE_URL", 2),
            1
        );
        assert_eq!(edit_distance("orders_port", "ORDERS_PORT", 2), 0);
        assert_eq!(edit_distance("A", "ABCD", 2), 3);
        assert_eq!(edit_distance("ORDERS_X", "ORDERS_DATABASE_URL", 2), 3);
    }

    #[test]
    fn paths_in_messages_are_relative_to_the_files_of_the_run() {
        use crate::project::ParsedFile;
        use crate::source::FileKind;
        let file = |path: &str, kind: FileKind, text: &str| {
            ParsedFile::parse(SourceFile::new(path, kind, text))
        };
        let project = Project::new(
            vec![
                file(
                    "/repo/svc/Dockerfile",
                    FileKind::Dockerfile,
                    "FROM python:3.12\n",
                ),
                file(
                    "/repo/svc/k8s/deployment.yaml",
                    FileKind::Yaml,
                    "apiVersion: v1\nkind: ConfigMap\n",
                ),
            ],
            std::collections::BTreeSet::new(),
        );
        assert_eq!(project.file_line(0, Span::new(0, 0)), "Dockerfile:1");
        assert_eq!(
            project.describe_origin(&Origin::file(1, Span::new(15, 20))),
            "k8s/deployment.yaml:2"
        );
        assert_eq!(project.file_line(7, Span::new(0, 0)), "?");
    }

    #[test]
    fn test_paths_and_mentions() {
        assert!(is_test_path(Path::new("tests/test_settings.py")));
        assert!(is_test_path(Path::new("app/conftest.py")));
        assert!(!is_test_path(Path::new("app/settings.py")));
        assert!(mentions(
            "url=\"$(ORDERS_DB_PASSWORD)\"",
            "ORDERS_DB_PASSWORD"
        ));
        assert!(!mentions("ORDERS_DB_PASSWORD_FILE", "ORDERS_DB_PASSWORD"));
    }
}
