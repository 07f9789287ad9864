//! The pydantic settings model: `BaseSettings` subclasses, their fields and configuration,
//! and the environment variables each field reads.
//!
//! A settings class derives from `BaseSettings` (pydantic-settings, or pydantic v1 /
//! `pydantic.v1`) directly or through other settings classes in any of the modules given,
//! so a project's `BaseConfig(BaseSettings)` in one file and `Settings(BaseConfig)` in
//! another are both found.

use std::collections::HashMap;
use std::fmt;

use ruff_python_ast::{Expr, Stmt, StmtClassDef};

use super::eval::{Evaluated, Evaluator, Namespace, Value, evaluate_module};
use super::syntax::{PythonModule, span_of};
use crate::span::{Span, Spanned};

/// How deep type expressions are followed (deeper parts become [`TypeExpr::Unknown`]).
const MAX_TYPE_DEPTH: usize = 32;

/// The longest string annotation (`"Optional[str]"`) that is parsed as a type.
const MAX_STRING_ANNOTATION_LEN: usize = 256;

/// A type annotation, read as a type (names resolved through imports).
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// A plain type: `str`, `pydantic.PostgresDsn` (the qualified name; builtins bare).
    Name(String),
    /// `None`.
    None,
    /// `Optional[T]`.
    Optional(Box<TypeExpr>),
    /// `A | B`, `Union[A, B]`.
    Union(Vec<TypeExpr>),
    /// `Literal["dev", "prod"]`.
    Literal(Vec<Value>),
    /// `Annotated[T, ...]`: the type and how many metadata items follow it.
    Annotated(Box<TypeExpr>, usize),
    /// Any other subscripted type: `list[str]`, `dict[str, int]`, `SecretStr` generics.
    Generic(String, Vec<TypeExpr>),
    /// Not understood.
    Unknown,
}

impl TypeExpr {
    /// Whether `None` is an accepted value (`Optional[T]`, `T | None`).
    pub fn allows_none(&self) -> bool {
        match self {
            TypeExpr::None | TypeExpr::Optional(_) => true,
            TypeExpr::Union(members) => members.iter().any(TypeExpr::allows_none),
            TypeExpr::Annotated(inner, _) => inner.allows_none(),
            _ => false,
        }
    }

    /// The type with `Annotated` and `None`-alternatives removed: `Optional[str]`,
    /// `str | None` and `Annotated[str, ...]` all give `str`. A union of several non-None
    /// types stays a union.
    pub fn without_none(&self) -> TypeExpr {
        match self {
            TypeExpr::Optional(inner) | TypeExpr::Annotated(inner, _) => inner.without_none(),
            TypeExpr::Union(members) => {
                let mut kept: Vec<TypeExpr> = members
                    .iter()
                    .filter(|member| **member != TypeExpr::None)
                    .map(TypeExpr::without_none)
                    .collect();
                if kept.len() == 1 {
                    kept.remove(0)
                } else {
                    TypeExpr::Union(kept)
                }
            }
            other => other.clone(),
        }
    }

    /// The last segment of a plain type's name (`PostgresDsn` for `pydantic.PostgresDsn`).
    pub fn short_name(&self) -> Option<&str> {
        match self {
            TypeExpr::Name(name) => name.rsplit('.').next(),
            _ => None,
        }
    }

    /// Whether the type is `str` once `None` and `Annotated` are taken away
    /// (`str`, `Optional[str]`, `str | None`, `Annotated[str, ...]`).
    pub fn is_plain_str(&self) -> bool {
        matches!(self.without_none(), TypeExpr::Name(name) if name == "str")
    }
}

impl fmt::Display for TypeExpr {
    /// Renders the type in Python syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |items: &[TypeExpr]| {
            items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            TypeExpr::Name(name) => f.write_str(name.rsplit('.').next().unwrap_or(name)),
            TypeExpr::None => f.write_str("None"),
            TypeExpr::Optional(inner) => write!(f, "Optional[{inner}]"),
            TypeExpr::Union(members) => f.write_str(
                &members
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" | "),
            ),
            TypeExpr::Literal(values) => write!(
                f,
                "Literal[{}]",
                values
                    .iter()
                    .map(|value| value.python_repr().unwrap_or_else(|| "...".into()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TypeExpr::Annotated(inner, _) => write!(f, "Annotated[{inner}, ...]"),
            TypeExpr::Generic(name, args) => write!(
                f,
                "{}[{}]",
                name.rsplit('.').next().unwrap_or(name),
                join(args)
            ),
            TypeExpr::Unknown => f.write_str("?"),
        }
    }
}

/// Which pydantic generation a settings class belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SettingsFlavour {
    /// `pydantic_settings.BaseSettings` (pydantic 2).
    PydanticSettings,
    /// `pydantic.v1.BaseSettings`: pydantic 1 behaviour kept on purpose under pydantic 2.
    PydanticV1Compat,
    /// `pydantic.BaseSettings`: pydantic 1 only (removed in pydantic 2).
    PydanticV1,
    /// `BaseSettings` not imported from a known place.
    Unresolved,
}

impl SettingsFlavour {
    /// Whether pydantic 1 semantics apply (the `env=` field argument, `class Config`).
    pub fn is_v1(self) -> bool {
        matches!(
            self,
            SettingsFlavour::PydanticV1 | SettingsFlavour::PydanticV1Compat
        )
    }
}

/// Where a class's configuration was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigSyntax {
    /// `model_config = SettingsConfigDict(...)` or `model_config = {...}`.
    ModelConfig,
    /// A nested `class Config:` (pydantic 1).
    ConfigClass,
    /// Class keywords: `class Settings(BaseSettings, env_prefix="APP_")`.
    ClassKeywords,
}

/// The configuration options the linter reads; each with its provenance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsConfig {
    /// `env_prefix`.
    pub env_prefix: Option<Evaluated>,
    /// `env_file`.
    pub env_file: Option<Evaluated>,
    /// `extra` (`"forbid"`, `"ignore"`, `"allow"`; `Extra.forbid` becomes `"forbid"`).
    pub extra: Option<Evaluated>,
    /// `case_sensitive`.
    pub case_sensitive: Option<Evaluated>,
    /// `env_nested_delimiter`.
    pub env_nested_delimiter: Option<Evaluated>,
    /// `secrets_dir` (values read from files in a directory, one file per field).
    pub secrets_dir: Option<Evaluated>,
    /// Where each piece was written (empty when nothing was).
    pub written_in: Vec<Spanned<ConfigSyntax>>,
}

impl SettingsConfig {
    /// The prefix as a string, when statically known (`""` when unset).
    pub fn prefix(&self) -> Option<&str> {
        match &self.env_prefix {
            None => Some(""),
            Some(evaluated) => evaluated.value.as_str(),
        }
    }

    /// Whether env names are matched case-sensitively (pydantic's default: no).
    pub fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
            .as_ref()
            .and_then(|evaluated| evaluated.value.as_bool())
            .unwrap_or(false)
    }

    /// `self` with the options `child` sets replaced (pydantic merges configs downwards).
    fn overridden_by(&self, child: &SettingsConfig) -> SettingsConfig {
        let pick = |own: &Option<Evaluated>, parent: &Option<Evaluated>| {
            own.clone().or_else(|| parent.clone())
        };
        SettingsConfig {
            env_prefix: pick(&child.env_prefix, &self.env_prefix),
            env_file: pick(&child.env_file, &self.env_file),
            extra: pick(&child.extra, &self.extra),
            case_sensitive: pick(&child.case_sensitive, &self.case_sensitive),
            env_nested_delimiter: pick(&child.env_nested_delimiter, &self.env_nested_delimiter),
            secrets_dir: pick(&child.secrets_dir, &self.secrets_dir),
            written_in: self
                .written_in
                .iter()
                .chain(&child.written_in)
                .cloned()
                .collect(),
        }
    }

    fn set(&mut self, key: &str, value: Evaluated) {
        let slot = match key {
            "env_prefix" => &mut self.env_prefix,
            "env_file" => &mut self.env_file,
            "extra" => &mut self.extra,
            "case_sensitive" => &mut self.case_sensitive,
            "env_nested_delimiter" => &mut self.env_nested_delimiter,
            "secrets_dir" => &mut self.secrets_dir,
            _ => return,
        };
        *slot = Some(value);
    }
}

/// The arguments of a field's `Field(...)` call (from its default or `Annotated` metadata).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldArguments {
    /// Span of the `Field(...)` call.
    pub span: Span,
    /// `default_factory` (its value: usually a reference or a lambda).
    pub default_factory: Option<Evaluated>,
    /// `alias`.
    pub alias: Option<Evaluated>,
    /// `validation_alias` (a string; `AliasChoices(...)` gives the list of its strings).
    pub validation_alias: Option<Evaluated>,
    /// `env` (pydantic 1): a string or a list of strings.
    pub env: Option<Evaluated>,
    /// `ge`.
    pub ge: Option<Evaluated>,
    /// `gt`.
    pub gt: Option<Evaluated>,
    /// `le`.
    pub le: Option<Evaluated>,
    /// `lt`.
    pub lt: Option<Evaluated>,
    /// `min_length`.
    pub min_length: Option<Evaluated>,
    /// `max_length`.
    pub max_length: Option<Evaluated>,
}

/// One field of a settings class.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsField {
    /// The field name.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The annotation, as a type.
    pub annotation: TypeExpr,
    /// Where the annotation is written.
    pub annotation_span: Span,
    /// The default (from `= value`, or `Field(default)` / `Field(default=...)`); `None` when
    /// the field is required or only has a factory.
    pub default: Option<Evaluated>,
    /// Whether no default is given (no value, `Field()` / `Field(...)` without default).
    pub required: bool,
    /// The `Field(...)` arguments, if a `Field` call is used.
    pub field: Option<FieldArguments>,
    /// The environment variables the field reads, as pydantic matches them (upper case when
    /// matching is case-insensitive). Empty when the prefix is not statically known.
    pub env_names: Vec<String>,
    /// The whole field statement.
    pub span: Span,
}

impl SettingsField {
    /// The environment variables the field reads as a field of `class`: an inherited
    /// field takes the prefix and case rules of the class that is built
    /// ([`SettingsField::env_names`] holds those of the class declaring it).
    pub fn env_names_in(&self, class: &SettingsClass) -> Vec<String> {
        env_names(
            &self.name,
            self.field.as_ref(),
            class.flavour,
            &class.effective_config,
        )
    }
}

/// One settings class.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsClass {
    /// Index of its module in the slice given to [`SettingsModel::build`].
    pub module: usize,
    /// The class name.
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The whole class statement.
    pub span: Span,
    /// Its bases, qualified through imports, with their spans.
    pub bases: Vec<Spanned<String>>,
    /// Indices (in [`SettingsModel::classes`]) of the settings classes it derives from.
    pub parents: Vec<usize>,
    /// The pydantic generation of the `BaseSettings` it derives from.
    pub flavour: SettingsFlavour,
    /// Fields declared in this class (not inherited ones).
    pub fields: Vec<SettingsField>,
    /// Configuration written in this class.
    pub config: SettingsConfig,
    /// Configuration in effect: inherited, overridden by this class's.
    pub effective_config: SettingsConfig,
}

/// An import of `BaseSettings` from `pydantic` itself: pydantic 1 only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V1SettingsImport {
    /// Index of the module.
    pub module: usize,
    /// The imported name in the import statement (`BaseSettings` in
    /// `from pydantic import BaseSettings`), or the `pydantic.BaseSettings` expression.
    pub span: Span,
}

/// Every settings class in a set of modules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsModel {
    /// The settings classes, in module order then source order.
    pub classes: Vec<SettingsClass>,
    /// Every `from pydantic import BaseSettings` (and `pydantic.BaseSettings` used as a base).
    pub v1_imports: Vec<V1SettingsImport>,
}

/// A class statement found in a module, before we know if it is a settings class.
struct Candidate<'m> {
    module: usize,
    class: &'m StmtClassDef,
    bases: Vec<Spanned<String>>,
}

impl SettingsModel {
    /// Finds the settings classes in `modules` (a project's Python files).
    pub fn build(modules: &[&PythonModule]) -> SettingsModel {
        let namespaces: Vec<Namespace> = modules
            .iter()
            .map(|module| evaluate_module(module))
            .collect();
        let mut candidates = Vec::new();
        let mut v1_imports = Vec::new();
        for (index, (module, namespace)) in modules.iter().zip(&namespaces).enumerate() {
            let evaluator = Evaluator::new(namespace);
            for statement in module.body() {
                match statement {
                    Stmt::ClassDef(class) => {
                        let bases = class
                            .bases()
                            .iter()
                            .filter_map(|base| {
                                evaluator
                                    .qualified_name(base)
                                    .map(|name| Spanned::new(name, span_of(base)))
                            })
                            .collect::<Vec<_>>();
                        for base in class.bases() {
                            if matches!(base, Expr::Attribute(_))
                                && evaluator.qualified_name(base).as_deref()
                                    == Some("pydantic.BaseSettings")
                            {
                                v1_imports.push(V1SettingsImport {
                                    module: index,
                                    span: span_of(base),
                                });
                            }
                        }
                        candidates.push(Candidate {
                            module: index,
                            class,
                            bases,
                        });
                    }
                    Stmt::ImportFrom(import) => {
                        let from_pydantic = import.level == 0
                            && import.module.as_ref().map(|m| m.as_str()) == Some("pydantic");
                        if from_pydantic {
                            for alias in &import.names {
                                if alias.name.as_str() == "BaseSettings" {
                                    v1_imports.push(V1SettingsImport {
                                        module: index,
                                        span: span_of(alias),
                                    });
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        v1_imports.sort_by_key(|import| (import.module, import.span));

        // Which candidates are settings classes: a fixpoint over "derives from a settings
        // class", which ends after at most one round per class.
        let mut flavour: Vec<Option<SettingsFlavour>> = candidates
            .iter()
            .map(|candidate| {
                candidate
                    .bases
                    .iter()
                    .find_map(|base| base_settings_flavour(&base.value))
            })
            .collect();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, candidate) in candidates.iter().enumerate() {
            by_name
                .entry(candidate.class.name.as_str())
                .or_default()
                .push(index);
        }
        // Classes whose bases name another candidate class.
        let base_links: Vec<Vec<usize>> = candidates
            .iter()
            .enumerate()
            .map(|(index, candidate)| {
                let mut links: Vec<usize> = candidate
                    .bases
                    .iter()
                    .filter_map(|base| {
                        by_name.get(base.value.rsplit('.').next().unwrap_or(&base.value))
                    })
                    .flatten()
                    .copied()
                    .filter(|&other| other != index)
                    .collect();
                links.dedup();
                links
            })
            .collect();
        let mut parents: Vec<Vec<usize>> = vec![Vec::new(); candidates.len()];
        for _ in 0..=candidates.len() {
            let mut changed = false;
            for (index, links) in base_links.iter().enumerate() {
                for &other in links {
                    if parents[index].contains(&other) {
                        continue;
                    }
                    if let Some(found) = flavour[other] {
                        parents[index].push(other);
                        if flavour[index].is_none() {
                            flavour[index] = Some(found);
                        }
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }

        // Build the classes, parents before children so configs can be merged.
        let settings_indices: Vec<usize> = (0..candidates.len())
            .filter(|&index| flavour[index].is_some())
            .collect();
        let position = |candidate: usize| settings_indices.iter().position(|&i| i == candidate);
        let order = topological_order(&settings_indices, &parents);
        let mut built: Vec<Option<SettingsClass>> = vec![None; settings_indices.len()];
        for candidate_index in order {
            let Some(slot) = position(candidate_index) else {
                continue;
            };
            let Some(candidate) = candidates.get(candidate_index) else {
                continue;
            };
            let Some(namespace) = namespaces.get(candidate.module) else {
                continue;
            };
            let class_flavour = flavour[candidate_index].unwrap_or(SettingsFlavour::Unresolved);
            let evaluator = Evaluator::new(namespace);
            let config = class_config(candidate.class, &evaluator);
            let parent_slots: Vec<usize> = parents[candidate_index]
                .iter()
                .filter_map(|&parent| position(parent))
                .collect();
            let mut effective = SettingsConfig::default();
            for parent in &parent_slots {
                if let Some(Some(parent_class)) = built.get(*parent) {
                    effective = parent_class.effective_config.overridden_by(&effective);
                }
            }
            let effective = effective.overridden_by(&config);
            let fields = class_fields(candidate.class, &evaluator, class_flavour, &effective);
            built[slot] = Some(SettingsClass {
                module: candidate.module,
                name: candidate.class.name.as_str().to_string(),
                name_span: span_of(&candidate.class.name),
                span: span_of(candidate.class),
                bases: candidate.bases.clone(),
                parents: parent_slots,
                flavour: class_flavour,
                fields,
                config,
                effective_config: effective,
            });
        }
        SettingsModel {
            classes: built.into_iter().flatten().collect(),
            v1_imports,
        }
    }

    /// The class called `name`, if exactly one has that name.
    pub fn class(&self, name: &str) -> Option<&SettingsClass> {
        let mut found = self.classes.iter().filter(|class| class.name == name);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// A class's fields including inherited ones (a redeclared field shadows the parent's),
    /// parents' fields first.
    pub fn all_fields<'s>(&'s self, class: &'s SettingsClass) -> Vec<&'s SettingsField> {
        let mut fields: Vec<&SettingsField> = Vec::new();
        let mut seen_classes = Vec::new();
        self.collect_fields(class, &mut fields, &mut seen_classes, 0);
        fields
    }

    fn collect_fields<'s>(
        &'s self,
        class: &'s SettingsClass,
        fields: &mut Vec<&'s SettingsField>,
        seen: &mut Vec<&'s SettingsClass>,
        depth: usize,
    ) {
        if depth > 64 || seen.iter().any(|other| std::ptr::eq(*other, class)) {
            return;
        }
        seen.push(class);
        for &parent in &class.parents {
            if let Some(parent) = self.classes.get(parent) {
                self.collect_fields(parent, fields, seen, depth + 1);
            }
        }
        for field in &class.fields {
            fields.retain(|existing| existing.name != field.name);
            fields.push(field);
        }
    }
}

/// Orders settings classes so that parents come before children (cycles broken anywhere).
fn topological_order(indices: &[usize], parents: &[Vec<usize>]) -> Vec<usize> {
    let mut order = Vec::with_capacity(indices.len());
    let mut placed = vec![false; parents.len()];
    for _ in 0..=indices.len() {
        let mut progressed = false;
        for &index in indices {
            if placed.get(index).copied().unwrap_or(true) {
                continue;
            }
            let ready = parents
                .get(index)
                .is_none_or(|list| list.iter().all(|p| placed.get(*p).copied().unwrap_or(true)));
            if ready {
                placed[index] = true;
                order.push(index);
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    for &index in indices {
        if !placed.get(index).copied().unwrap_or(true) {
            order.push(index);
        }
    }
    order
}

/// The flavour of a base that is `BaseSettings` itself.
fn base_settings_flavour(qualified: &str) -> Option<SettingsFlavour> {
    match qualified {
        "pydantic_settings.BaseSettings" | "pydantic_settings.main.BaseSettings" => {
            Some(SettingsFlavour::PydanticSettings)
        }
        "pydantic.BaseSettings" | "pydantic.env_settings.BaseSettings" => {
            Some(SettingsFlavour::PydanticV1)
        }
        "pydantic.v1.BaseSettings" | "pydantic.v1.env_settings.BaseSettings" => {
            Some(SettingsFlavour::PydanticV1Compat)
        }
        "BaseSettings" => Some(SettingsFlavour::Unresolved),
        _ => None,
    }
}

/// The configuration written in a class: `model_config`, `class Config`, class keywords.
fn class_config(class: &StmtClassDef, evaluator: &Evaluator<'_>) -> SettingsConfig {
    let mut config = SettingsConfig::default();
    let keywords = class.keywords();
    if keywords.iter().any(|keyword| {
        keyword
            .arg
            .as_ref()
            .is_some_and(|arg| is_config_key(arg.as_str()))
    }) {
        config.written_in.push(Spanned::new(
            ConfigSyntax::ClassKeywords,
            class
                .arguments
                .as_ref()
                .map_or_else(|| span_of(class), |arguments| span_of(arguments.as_ref())),
        ));
    }
    for keyword in keywords {
        if let Some(arg) = &keyword.arg {
            config.set(arg.as_str(), config_value(&keyword.value, evaluator));
        }
    }
    for statement in &class.body {
        match statement {
            Stmt::Assign(assign) => {
                let is_model_config = assign.targets.iter().any(
                    |target| matches!(target, Expr::Name(name) if name.id.as_str() == "model_config"),
                );
                if is_model_config {
                    read_model_config(&assign.value, evaluator, &mut config, span_of(assign));
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(name), Some(value)) = (assign.target.as_ref(), &assign.value)
                    && name.id.as_str() == "model_config"
                {
                    read_model_config(value, evaluator, &mut config, span_of(assign));
                }
            }
            Stmt::ClassDef(inner) if inner.name.as_str() == "Config" => {
                config
                    .written_in
                    .push(Spanned::new(ConfigSyntax::ConfigClass, span_of(inner)));
                for statement in &inner.body {
                    let (target, value) = match statement {
                        Stmt::Assign(assign) => (assign.targets.first(), Some(&assign.value)),
                        Stmt::AnnAssign(assign) => {
                            (Some(assign.target.as_ref()), assign.value.as_ref())
                        }
                        _ => continue,
                    };
                    if let (Some(Expr::Name(name)), Some(value)) = (target, value) {
                        config.set(name.id.as_str(), config_value(value, evaluator));
                    }
                }
            }
            _ => {}
        }
    }
    config
}

fn is_config_key(key: &str) -> bool {
    matches!(
        key,
        "env_prefix"
            | "env_file"
            | "extra"
            | "case_sensitive"
            | "env_nested_delimiter"
            | "secrets_dir"
    )
}

/// `model_config = SettingsConfigDict(key=...)` or `model_config = {"key": ...}`.
fn read_model_config(
    value: &Expr,
    evaluator: &Evaluator<'_>,
    config: &mut SettingsConfig,
    span: Span,
) {
    config
        .written_in
        .push(Spanned::new(ConfigSyntax::ModelConfig, span));
    match value {
        Expr::Call(call) => {
            for keyword in &call.arguments.keywords {
                if let Some(arg) = &keyword.arg {
                    config.set(arg.as_str(), config_value(&keyword.value, evaluator));
                }
            }
        }
        Expr::Dict(dict) => {
            for item in &dict.items {
                if let Some(Expr::StringLiteral(key)) = &item.key {
                    config.set(key.value.to_str(), config_value(&item.value, evaluator));
                }
            }
        }
        _ => {}
    }
}

/// A config value; `Extra.forbid` becomes the string `"forbid"`.
fn config_value(expr: &Expr, evaluator: &Evaluator<'_>) -> Evaluated {
    let mut value = evaluator.eval(expr);
    if let Value::Reference(name) = &value.value
        && let Some(member) = name.strip_prefix("pydantic.Extra.").or_else(|| {
            name.strip_prefix("Extra.")
                .or_else(|| name.strip_prefix("pydantic.config.Extra."))
        })
    {
        value.value = Value::Str(member.to_string());
    }
    value
}

/// The fields declared in a class body.
fn class_fields(
    class: &StmtClassDef,
    evaluator: &Evaluator<'_>,
    flavour: SettingsFlavour,
    config: &SettingsConfig,
) -> Vec<SettingsField> {
    let mut fields = Vec::new();
    for statement in &class.body {
        let Stmt::AnnAssign(assign) = statement else {
            continue;
        };
        let Expr::Name(name) = assign.target.as_ref() else {
            continue;
        };
        let field_name = name.id.as_str();
        if field_name.starts_with('_') || field_name == "model_config" {
            continue;
        }
        let annotation = type_expr(&assign.annotation, evaluator, 0);
        if matches!(&annotation, TypeExpr::Generic(name, _) if name.ends_with("ClassVar"))
            || matches!(&annotation, TypeExpr::Name(name) if name.ends_with("ClassVar"))
        {
            continue;
        }
        let mut field_arguments = annotated_field(&assign.annotation, evaluator);
        let mut default = None;
        let mut required = true;
        if let Some(value) = &assign.value {
            match field_call(value, evaluator) {
                Some(call) => {
                    let (arguments, call_default) = read_field_call(call, evaluator);
                    required = call_default.is_none() && arguments.default_factory.is_none();
                    default = call_default;
                    field_arguments = Some(arguments);
                }
                None => {
                    required = false;
                    default = Some(evaluator.eval(value));
                }
            }
        }
        let env_names = env_names(field_name, field_arguments.as_ref(), flavour, config);
        fields.push(SettingsField {
            name: field_name.to_string(),
            name_span: span_of(name),
            annotation,
            annotation_span: span_of(assign.annotation.as_ref()),
            default,
            required,
            field: field_arguments,
            env_names,
            span: span_of(assign),
        });
    }
    fields
}

/// The `Field(...)` call in `value`, if it is one.
fn field_call<'e>(
    value: &'e Expr,
    evaluator: &Evaluator<'_>,
) -> Option<&'e ruff_python_ast::ExprCall> {
    let Expr::Call(call) = value else {
        return None;
    };
    let name = evaluator.qualified_name(&call.func)?;
    matches!(
        name.as_str(),
        "Field" | "pydantic.Field" | "pydantic.fields.Field" | "pydantic.v1.Field"
    )
    .then_some(call)
}

/// A `Field(...)` among `Annotated[T, ...]` metadata.
fn annotated_field(annotation: &Expr, evaluator: &Evaluator<'_>) -> Option<FieldArguments> {
    let Expr::Subscript(subscript) = annotation else {
        return None;
    };
    let base = evaluator.qualified_name(&subscript.value)?;
    if base.rsplit('.').next() != Some("Annotated") {
        return None;
    }
    let Expr::Tuple(tuple) = subscript.slice.as_ref() else {
        return None;
    };
    tuple
        .elts
        .iter()
        .skip(1)
        .find_map(|item| field_call(item, evaluator))
        .map(|call| read_field_call(call, evaluator).0)
}

/// The arguments of a `Field(...)` call and its default (`...` means required).
fn read_field_call(
    call: &ruff_python_ast::ExprCall,
    evaluator: &Evaluator<'_>,
) -> (FieldArguments, Option<Evaluated>) {
    let mut arguments = FieldArguments {
        span: span_of(call),
        ..FieldArguments::default()
    };
    let default_expr = call.arguments.find_argument_value("default", 0);
    let default = default_expr
        .filter(|expr| !matches!(expr, Expr::EllipsisLiteral(_)))
        .map(|expr| evaluator.eval(expr));
    for keyword in &call.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        let slot = match arg.as_str() {
            "default_factory" => &mut arguments.default_factory,
            "alias" => &mut arguments.alias,
            "validation_alias" => &mut arguments.validation_alias,
            "env" => &mut arguments.env,
            "ge" => &mut arguments.ge,
            "gt" => &mut arguments.gt,
            "le" => &mut arguments.le,
            "lt" => &mut arguments.lt,
            "min_length" => &mut arguments.min_length,
            "max_length" => &mut arguments.max_length,
            _ => continue,
        };
        *slot = Some(alias_value(&keyword.value, evaluator));
    }
    (arguments, default)
}

/// An alias argument: `AliasChoices("A", "B")` becomes the list `["A", "B"]`.
fn alias_value(expr: &Expr, evaluator: &Evaluator<'_>) -> Evaluated {
    if let Expr::Call(call) = expr
        && evaluator
            .qualified_name(&call.func)
            .is_some_and(|name| name.rsplit('.').next() == Some("AliasChoices"))
    {
        let items = call
            .arguments
            .args
            .iter()
            .map(|arg| evaluator.eval(arg))
            .collect();
        return Evaluated::new(Value::List(items), span_of(expr));
    }
    evaluator.eval(expr)
}

/// The environment variables a field reads.
///
/// pydantic 2: `validation_alias`, else `alias`, else `env_prefix + name` (aliases take no
/// prefix). pydantic 1: `env=`, else `env_prefix + name`. Case-insensitive matching
/// (the default) reports upper-case names.
fn env_names(
    field: &str,
    arguments: Option<&FieldArguments>,
    flavour: SettingsFlavour,
    config: &SettingsConfig,
) -> Vec<String> {
    // Every name, or `None` when one is not a string known here (`AliasPath`, a name
    // computed at run time).
    let strings = |evaluated: &Evaluated| -> Option<Vec<String>> {
        match &evaluated.value {
            Value::Str(text) => Some(vec![text.clone()]),
            Value::List(items) | Value::Tuple(items) => items
                .iter()
                .map(|item| item.value.as_str().map(str::to_string))
                .collect(),
            _ => None,
        }
    };
    // The first alias given decides (`validation_alias` before `alias`).
    let explicit = arguments.and_then(|arguments| {
        let candidates = if flavour.is_v1() {
            vec![&arguments.env]
        } else {
            vec![&arguments.validation_alias, &arguments.alias]
        };
        candidates
            .into_iter()
            .flatten()
            .find(|evaluated| evaluated.value != Value::None)
            .map(strings)
    });
    let explicit = match explicit {
        Some(None) => return Vec::new(),
        Some(Some(names)) => Some(names),
        None => None,
    };
    let names = match explicit {
        Some(names) => names,
        None => match config.prefix() {
            Some(prefix) => vec![format!("{prefix}{field}")],
            None => Vec::new(),
        },
    };
    if config.is_case_sensitive() {
        names
    } else {
        names.into_iter().map(|name| name.to_uppercase()).collect()
    }
}

/// Reads an annotation as a type.
fn type_expr(expr: &Expr, evaluator: &Evaluator<'_>, depth: usize) -> TypeExpr {
    if depth > MAX_TYPE_DEPTH {
        return TypeExpr::Unknown;
    }
    let depth = depth + 1;
    match expr {
        Expr::NoneLiteral(_) => TypeExpr::None,
        Expr::StringLiteral(literal) => {
            let text = literal.value.to_str();
            if text.len() > MAX_STRING_ANNOTATION_LEN {
                return TypeExpr::Unknown;
            }
            match ruff_python_parser::parse_expression(text) {
                Ok(parsed) => type_expr(&parsed.syntax().body, evaluator, depth),
                Err(_) => TypeExpr::Unknown,
            }
        }
        Expr::BinOp(operation) if operation.op == ruff_python_ast::Operator::BitOr => {
            let mut members = Vec::new();
            for side in [&operation.left, &operation.right] {
                match type_expr(side, evaluator, depth) {
                    TypeExpr::Union(inner) => members.extend(inner),
                    other => members.push(other),
                }
            }
            TypeExpr::Union(members)
        }
        Expr::Name(_) | Expr::Attribute(_) => evaluator
            .qualified_name(expr)
            .map_or(TypeExpr::Unknown, |name| TypeExpr::Name(typing_name(name))),
        Expr::Subscript(subscript) => {
            let Some(base) = evaluator.qualified_name(&subscript.value) else {
                return TypeExpr::Unknown;
            };
            let base = typing_name(base);
            let arguments: Vec<&Expr> = match subscript.slice.as_ref() {
                Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                other => vec![other],
            };
            match base.as_str() {
                "Optional" => match arguments.as_slice() {
                    [inner] => TypeExpr::Optional(Box::new(type_expr(inner, evaluator, depth))),
                    _ => TypeExpr::Unknown,
                },
                "Union" => TypeExpr::Union(
                    arguments
                        .iter()
                        .map(|argument| type_expr(argument, evaluator, depth))
                        .collect(),
                ),
                "Literal" => TypeExpr::Literal(
                    arguments
                        .iter()
                        .map(|argument| evaluator.eval(argument).value)
                        .collect(),
                ),
                "Annotated" => match arguments.split_first() {
                    Some((inner, metadata)) => TypeExpr::Annotated(
                        Box::new(type_expr(inner, evaluator, depth)),
                        metadata.len(),
                    ),
                    None => TypeExpr::Unknown,
                },
                _ => TypeExpr::Generic(
                    base,
                    arguments
                        .iter()
                        .map(|argument| type_expr(argument, evaluator, depth))
                        .collect(),
                ),
            }
        }
        _ => TypeExpr::Unknown,
    }
}

/// `typing.Optional` and `typing_extensions.Optional` are just `Optional`.
fn typing_name(name: String) -> String {
    for prefix in ["typing.", "typing_extensions.", "t."] {
        if let Some(rest) = name.strip_prefix(prefix)
            && !rest.contains('.')
        {
            return rest.to_string();
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn at(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::from_range(start..start + needle.len())
    }

    fn model(texts: &[&str]) -> SettingsModel {
        let parsed: Vec<_> = texts.iter().map(|text| parse(text)).collect();
        for file in &parsed {
            assert_eq!(file.errors, vec![]);
        }
        let modules: Vec<&PythonModule> = parsed.iter().map(|file| &file.tree).collect();
        SettingsModel::build(&modules)
    }

    fn field<'m>(model: &'m SettingsModel, class: &str, name: &str) -> &'m SettingsField {
        model
            .class(class)
            .and_then(|class| class.fields.iter().find(|field| field.name == name))
            .unwrap_or_else(|| panic!("{class}.{name}"))
    }

    const V2: &str = r#"import os
from typing import Annotated, Literal, Optional
from pydantic import Field, PostgresDsn, SecretStr, AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env", extra="ignore")

    database_url: str
    redis_url: Optional[str] = None
    broker_url: str | None = None
    dsn: PostgresDsn = "postgresql://localhost/db"
    secret_key: SecretStr = Field(default="changeme", min_length=8)
    environment: Literal["dev", "prod"] = "dev"
    workers: Annotated[int, Field(ge=1, le=64)] = int(os.getenv("WEB_CONCURRENCY", 2))
    api_key: str = Field(..., validation_alias=AliasChoices("API_KEY", "SERVICE_API_KEY"))
    token: str = Field("x", alias="AUTH_TOKEN")
    hosts: list[str] = Field(default_factory=list)
    debug: bool = True
"#;

    #[test]
    fn pydantic_settings_class_is_found_with_its_config() {
        let model = model(&[V2]);
        assert_eq!(model.classes.len(), 1);
        let class = &model.classes[0];
        assert_eq!(class.name, "Settings");
        let name_start = at(V2, "class Settings").start + 6;
        assert_eq!(class.name_span, Span::new(name_start, name_start + 8));
        assert_eq!(class.flavour, SettingsFlavour::PydanticSettings);
        let base_start = at(V2, "BaseSettings)").start;
        assert_eq!(
            class.bases,
            vec![Spanned::new(
                "pydantic_settings.BaseSettings".to_string(),
                Span::new(base_start, base_start + 12)
            )]
        );
        assert_eq!(class.config.prefix(), Some("APP_"));
        assert_eq!(
            class.config.env_prefix.as_ref().map(|value| value.span),
            Some(at(V2, "\"APP_\""))
        );
        assert_eq!(
            class
                .config
                .env_file
                .as_ref()
                .map(|value| value.value.clone()),
            Some(Value::Str(".env".into()))
        );
        assert_eq!(
            class.config.extra.as_ref().map(|value| value.value.clone()),
            Some(Value::Str("ignore".into()))
        );
        assert_eq!(class.config.written_in.len(), 1);
        assert_eq!(class.config.written_in[0].value, ConfigSyntax::ModelConfig);
        assert!(model.v1_imports.is_empty());
        assert_eq!(class.fields.len(), 11);
    }

    #[test]
    fn field_types_are_type_expressions() {
        let model = model(&[V2]);
        let database_url = field(&model, "Settings", "database_url");
        assert_eq!(database_url.annotation, TypeExpr::Name("str".into()));
        let annotation_start = at(V2, "str\n").start;
        assert_eq!(
            database_url.annotation_span,
            Span::new(annotation_start, annotation_start + 3)
        );
        assert!(database_url.required);
        assert_eq!(database_url.default, None);
        let redis = field(&model, "Settings", "redis_url");
        assert_eq!(
            redis.annotation,
            TypeExpr::Optional(Box::new(TypeExpr::Name("str".into())))
        );
        assert!(redis.annotation.is_plain_str());
        assert!(redis.annotation.allows_none());
        assert_eq!(
            redis.default.as_ref().map(|d| d.value.clone()),
            Some(Value::None)
        );
        let broker = field(&model, "Settings", "broker_url");
        assert_eq!(
            broker.annotation,
            TypeExpr::Union(vec![TypeExpr::Name("str".into()), TypeExpr::None])
        );
        assert!(broker.annotation.is_plain_str());
        assert_eq!(broker.annotation.to_string(), "str | None");
        let dsn = field(&model, "Settings", "dsn");
        assert_eq!(
            dsn.annotation,
            TypeExpr::Name("pydantic.PostgresDsn".into())
        );
        assert_eq!(dsn.annotation.short_name(), Some("PostgresDsn"));
        assert!(!dsn.annotation.is_plain_str());
        let environment = field(&model, "Settings", "environment");
        assert_eq!(
            environment.annotation,
            TypeExpr::Literal(vec![Value::Str("dev".into()), Value::Str("prod".into())])
        );
        let hosts = field(&model, "Settings", "hosts");
        assert_eq!(
            hosts.annotation,
            TypeExpr::Generic("list".into(), vec![TypeExpr::Name("str".into())])
        );
    }

    #[test]
    fn field_call_arguments() {
        let model = model(&[V2]);
        let secret = field(&model, "Settings", "secret_key");
        assert_eq!(
            secret.annotation,
            TypeExpr::Name("pydantic.SecretStr".into())
        );
        let default = secret.default.as_ref().expect("default");
        assert_eq!(default.value, Value::Str("changeme".into()));
        assert_eq!(default.span, at(V2, "\"changeme\""));
        let arguments = secret.field.as_ref().expect("Field");
        assert_eq!(
            arguments.span,
            at(V2, "Field(default=\"changeme\", min_length=8)")
        );
        assert_eq!(
            arguments.min_length.as_ref().map(|v| v.value.clone()),
            Some(Value::Int(8))
        );
        let workers = field(&model, "Settings", "workers");
        assert_eq!(
            workers.annotation,
            TypeExpr::Annotated(Box::new(TypeExpr::Name("int".into())), 1)
        );
        let arguments = workers.field.as_ref().expect("Annotated Field");
        assert_eq!(
            arguments.ge.as_ref().map(|v| v.value.clone()),
            Some(Value::Int(1))
        );
        assert_eq!(
            arguments.le.as_ref().map(|v| v.value.clone()),
            Some(Value::Int(64))
        );
        let default = workers.default.as_ref().expect("default");
        assert_eq!(default.value, Value::Int(2));
        assert_eq!(default.env_override.as_deref(), Some("WEB_CONCURRENCY"));
        let api_key = field(&model, "Settings", "api_key");
        assert!(api_key.required);
        let hosts = field(&model, "Settings", "hosts");
        assert!(!hosts.required);
        assert_eq!(
            hosts
                .field
                .as_ref()
                .and_then(|f| f.default_factory.as_ref())
                .map(|v| v.value.clone()),
            Some(Value::Unknown)
        );
        let debug = field(&model, "Settings", "debug");
        assert_eq!(
            debug.default.as_ref().map(|v| v.value.clone()),
            Some(Value::Bool(true))
        );
    }

    #[test]
    fn env_names_follow_prefix_aliases_and_case() {
        let model = model(&[V2]);
        assert_eq!(
            field(&model, "Settings", "database_url").env_names,
            vec!["APP_DATABASE_URL"]
        );
        assert_eq!(
            field(&model, "Settings", "api_key").env_names,
            vec!["API_KEY", "SERVICE_API_KEY"]
        );
        assert_eq!(
            field(&model, "Settings", "token").env_names,
            vec!["AUTH_TOKEN"]
        );
    }

    #[test]
    fn pydantic_v1_import_and_config_class() {
        let text = "from pydantic import BaseSettings, Field\n\nclass Settings(BaseSettings):\n    db_url: str = Field('', env='DATABASE_URL')\n    port: int = 8000\n\n    class Config:\n        env_prefix = 'svc_'\n        case_sensitive = True\n        env_file = '.env'\n";
        let model = model(&[text]);
        assert_eq!(
            model.v1_imports,
            vec![V1SettingsImport {
                module: 0,
                span: at(text, "BaseSettings")
            }]
        );
        let class = model.class("Settings").expect("class");
        assert_eq!(class.flavour, SettingsFlavour::PydanticV1);
        assert_eq!(class.config.written_in[0].value, ConfigSyntax::ConfigClass);
        assert!(class.config.is_case_sensitive());
        assert_eq!(
            field(&model, "Settings", "db_url").env_names,
            vec!["DATABASE_URL"]
        );
        assert_eq!(
            field(&model, "Settings", "port").env_names,
            vec!["svc_port"]
        );
        assert_eq!(
            field(&model, "Settings", "db_url")
                .default
                .as_ref()
                .map(|v| v.value.clone()),
            Some(Value::Str(String::new()))
        );
    }

    #[test]
    fn pydantic_v1_compat_is_not_a_v1_import() {
        let text = "from pydantic.v1 import BaseSettings\nclass S(BaseSettings):\n    x: int = 1\n";
        let model = model(&[text]);
        assert!(model.v1_imports.is_empty());
        assert_eq!(model.classes[0].flavour, SettingsFlavour::PydanticV1Compat);
    }

    #[test]
    fn attribute_base_pydantic_basesettings_is_a_v1_import() {
        let text = "import pydantic\nclass S(pydantic.BaseSettings):\n    x: int = 1\n";
        let model = model(&[text]);
        assert_eq!(
            model.v1_imports,
            vec![V1SettingsImport {
                module: 0,
                span: at(text, "pydantic.BaseSettings")
            }]
        );
    }

    #[test]
    fn inheritance_across_modules_merges_config_and_fields() {
        let base = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass BaseConfig(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_', env_file='.env')\n    debug: bool = False\n";
        let app = "from .base import BaseConfig\nclass AppSettings(BaseConfig, env_prefix='SVC_'):\n    port: int = 8000\n    debug: bool = True\nclass NotSettings:\n    x: int = 1\n";
        let model = model(&[base, app]);
        assert_eq!(model.classes.len(), 2);
        let child = model.class("AppSettings").expect("child");
        assert_eq!(child.module, 1);
        assert_eq!(child.flavour, SettingsFlavour::PydanticSettings);
        assert_eq!(child.parents, vec![0]);
        assert_eq!(child.effective_config.prefix(), Some("SVC_"));
        assert_eq!(
            child
                .effective_config
                .env_file
                .as_ref()
                .map(|v| v.value.clone()),
            Some(Value::Str(".env".into()))
        );
        assert_eq!(
            child.config.written_in[0].value,
            ConfigSyntax::ClassKeywords
        );
        assert_eq!(
            field(&model, "AppSettings", "port").env_names,
            vec!["SVC_PORT"]
        );
        let all: Vec<(&str, Option<Value>)> = model
            .all_fields(child)
            .iter()
            .map(|f| (f.name.as_str(), f.default.as_ref().map(|d| d.value.clone())))
            .collect();
        assert_eq!(
            all,
            vec![
                ("port", Some(Value::Int(8000))),
                ("debug", Some(Value::Bool(true)))
            ]
        );
        assert!(model.class("NotSettings").is_none());
    }

    #[test]
    fn model_config_as_dict_and_extra_enum() {
        let text = "from pydantic import Extra\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    model_config = {'env_nested_delimiter': '__', 'extra': Extra.forbid}\n";
        let model = model(&[text]);
        let config = &model.classes[0].config;
        assert_eq!(
            config
                .env_nested_delimiter
                .as_ref()
                .map(|v| v.value.clone()),
            Some(Value::Str("__".into()))
        );
        assert_eq!(
            config.extra.as_ref().map(|v| v.value.clone()),
            Some(Value::Str("forbid".into()))
        );
    }

    #[test]
    fn inherited_fields_read_the_prefix_of_the_class_built() {
        let text = "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\nclass Base(BaseSettings):\n    secret_key: str\n    token: str = Field(alias='API_TOKEN')\nclass S(Base):\n    model_config = SettingsConfigDict(env_prefix='orders_')\n";
        let model = model(&[text]);
        let base = model.class("Base").expect("Base");
        let child = model.class("S").expect("S");
        let fields = model.all_fields(child);
        assert_eq!(fields[0].env_names, vec!["SECRET_KEY"]);
        assert_eq!(fields[0].env_names_in(child), vec!["ORDERS_SECRET_KEY"]);
        assert_eq!(fields[0].env_names_in(base), vec!["SECRET_KEY"]);
        assert_eq!(fields[1].env_names_in(child), vec!["API_TOKEN"]);
    }

    #[test]
    fn aliases_not_known_statically_give_no_env_names() {
        let text = "from pydantic import AliasPath, Field\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings, env_prefix='APP_'):\n    url: str = Field(validation_alias=AliasPath('db', 'url'))\n    token: str = Field(alias=None)\n";
        let model = model(&[text]);
        let fields = &model.classes[0].fields;
        assert_eq!(fields[0].env_names, Vec::<String>::new());
        assert_eq!(fields[1].env_names, vec!["APP_TOKEN"]);
    }

    #[test]
    fn secrets_dir_is_read_and_inherited() {
        let text = "from pydantic_settings import BaseSettings, SettingsConfigDict\nclass Base(BaseSettings):\n    model_config = SettingsConfigDict(secrets_dir='/run/secrets')\nclass S(Base):\n    token: str\n";
        let model = model(&[text]);
        let child = model.class("S").expect("S");
        assert_eq!(
            child
                .effective_config
                .secrets_dir
                .as_ref()
                .map(|v| v.value.clone()),
            Some(Value::Str("/run/secrets".into()))
        );
        assert_eq!(child.config.secrets_dir, None);
    }

    #[test]
    fn string_annotations_and_classvars() {
        let text = "from typing import ClassVar, Optional\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    url: 'Optional[str]' = None\n    registry: ClassVar[dict] = {}\n";
        let model = model(&[text]);
        let class = &model.classes[0];
        assert_eq!(class.fields.len(), 1);
        assert!(class.fields[0].annotation.is_plain_str());
    }

    #[test]
    fn unknown_prefix_gives_no_env_names() {
        let text = "import os\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings, env_prefix=os.environ['P']):\n    x: int = 1\n";
        let model = model(&[text]);
        assert_eq!(model.classes[0].fields[0].env_names, Vec::<String>::new());
    }
}
