//! Configuration: options as written in a file ([`Options`]), found by walking up from
//! the linted paths, and resolved into [`Settings`], which are concrete and cheap to
//! query while linting.
//!
//! Files, in the order they are looked for in each directory from the linted path up to
//! the file system root: `deploylint.toml`, `.deploylint.toml`, `pyproject.toml` (only
//! when it has a `[tool.deploylint]` table). The first one found wins; nothing is merged.

mod options;
mod paths;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use options::{Options, RuleOptionsTable, ServiceOptions, Spanned};
pub use paths::{PathGlobs, absolute, relative_to};

use crate::diagnostic::Severity;
use crate::engine::{RULES, RuleCode, RuleSelector, RuleSet, nearest, nearest_word};
use crate::span::{LineCol, LineIndex, Span};

/// The configuration file names looked for in each directory, in order.
pub const CONFIG_FILE_NAMES: &[&str] = &["deploylint.toml", ".deploylint.toml", "pyproject.toml"];

/// Resolved settings, cheap to query.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Settings {
    /// The rules that run.
    pub rules: RuleSet,
    /// The lowest severity that makes the run fail.
    pub fail_on: Severity,
    /// Files larger than this are skipped with a note instead of parsed.
    pub max_file_size: u64,
    /// The directory path globs are relative to (the configuration file's directory, as
    /// an absolute path); empty when there is no configuration file, and globs then match
    /// paths as given.
    pub root: PathBuf,
    /// The configuration file these settings come from, if any.
    pub config_file: Option<PathBuf>,
    /// Files and directories not linted (`exclude` and `extend-exclude`).
    pub exclude: PathGlobs,
    /// Rules not reported in the files a glob matches.
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Severity overrides per rule.
    pub severity: SeverityOverrides,
    /// Whether inline suppressions must give a reason.
    pub require_reason: bool,
    /// A baseline file of known findings to hide.
    pub baseline: Option<PathBuf>,
    /// Per-rule options, validated against each rule's documented options.
    pub rule_options: RuleOptions,
    /// Facts about the deployment that the files do not say.
    pub facts: Facts,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: RuleSet::all(),
            fail_on: Severity::Warning,
            max_file_size: 10 * 1024 * 1024,
            root: PathBuf::new(),
            config_file: None,
            exclude: PathGlobs::default(),
            per_file_ignores: Vec::new(),
            severity: SeverityOverrides::default(),
            require_reason: false,
            baseline: None,
            rule_options: RuleOptions::default(),
            facts: Facts::default(),
        }
    }
}

/// `per-file-ignores` entry: rules not reported in the files a glob matches.
#[derive(Clone, Debug)]
pub struct PerFileIgnore {
    /// The glob.
    pub paths: PathGlobs,
    /// The rules it silences.
    pub rules: RuleSet,
}

/// Severity overrides, indexed by rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeverityOverrides {
    by_code: BTreeMap<RuleCode, Severity>,
}

impl SeverityOverrides {
    /// The configured severity of `code`, if overridden.
    pub fn get(&self, code: RuleCode) -> Option<Severity> {
        self.by_code.get(&code).copied()
    }

    /// Overrides the severity of `code`.
    pub fn set(&mut self, code: RuleCode, severity: Severity) {
        self.by_code.insert(code, severity);
    }
}

/// Per-rule options: the `[rules.<name>]` tables, keyed by rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleOptions {
    by_code: BTreeMap<RuleCode, toml::Table>,
}

impl RuleOptions {
    /// The table given for `code`, if any.
    pub fn table(&self, code: RuleCode) -> Option<&toml::Table> {
        self.by_code.get(&code)
    }

    /// The options of `code` as the rule's own options struct (which should default
    /// every field with `#[serde(default)]`); the default when none were given or they
    /// do not fit the struct.
    pub fn get<T: serde::de::DeserializeOwned + Default>(&self, code: RuleCode) -> T {
        self.table(code)
            .and_then(|table| table.clone().try_into().ok())
            .unwrap_or_default()
    }

    /// Sets an option value (for embedders and tests; not validated).
    pub fn set(&mut self, code: RuleCode, name: &str, value: toml::Value) {
        self.by_code
            .entry(code)
            .or_default()
            .insert(name.to_string(), value);
    }
}

/// Facts about the deployment that the linted files do not state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Facts {
    /// PostgreSQL's `max_connections`.
    pub max_connections: Option<u32>,
    /// Connections reserved for superusers, replication and administration.
    pub reserved_connections: Option<u32>,
    /// Memory one worker process may use, in bytes.
    pub worker_memory: Option<u64>,
    /// Explicit service links.
    pub services: Vec<Service>,
}

/// One `[[service]]`: the files of one deployed service. Paths are relative to
/// [`Settings::root`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Service {
    /// The service's name.
    pub name: String,
    /// Its Dockerfile.
    pub dockerfile: Option<PathBuf>,
    /// Its gunicorn configuration file.
    pub gunicorn_config: Option<PathBuf>,
    /// The ASGI application, `module:attribute`.
    pub app: Option<String>,
    /// The pydantic settings class, `module:Class`.
    pub settings: Option<String>,
    /// Its Kubernetes workloads, `Kind/name`.
    pub kubernetes: Vec<String>,
    /// Its compose service name.
    pub compose_service: Option<String>,
    /// Its systemd unit file.
    pub systemd_unit: Option<PathBuf>,
}

/// What the command line adds to or replaces in a configuration file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Replaces `select`.
    pub select: Option<Vec<String>>,
    /// Added to `extend-select`.
    pub extend_select: Vec<String>,
    /// Added to `ignore`.
    pub ignore: Vec<String>,
    /// Replaces `fail-on`.
    pub fail_on: Option<Severity>,
    /// Added to `extend-exclude`.
    pub extend_exclude: Vec<String>,
    /// Replaces `max-file-size` (bytes).
    pub max_file_size: Option<u64>,
}

/// A configuration problem: where (file, line, column) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file, or `None` for a command-line option.
    pub path: Option<PathBuf>,
    /// 1-based line and column in the file.
    pub position: Option<LineCol>,
    /// What is wrong, with a suggestion when one is close.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.position) {
            (Some(path), Some(at)) => {
                write!(
                    f,
                    "{}:{}:{}: {}",
                    path.display(),
                    at.line,
                    at.column,
                    self.message
                )
            }
            (Some(path), None) => write!(f, "{}: {}", path.display(), self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A configuration file, read and parsed.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    /// Its path.
    pub path: PathBuf,
    /// Its text (for locating errors).
    pub text: String,
    /// Its options.
    pub options: Options,
}

/// The configuration file that applies to `path` (a file or directory): the first one
/// found walking up from it. `pyproject.toml` counts only with a `[tool.deploylint]`
/// table.
pub fn find(path: &Path) -> Option<PathBuf> {
    let start = absolute(path);
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(current) = dir {
        for name in CONFIG_FILE_NAMES {
            let candidate = current.join(name);
            if !candidate.is_file() {
                continue;
            }
            if *name == "pyproject.toml" && !has_deploylint_table(&candidate) {
                continue;
            }
            return Some(candidate);
        }
        dir = current.parent();
    }
    None
}

fn has_deploylint_table(pyproject: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(pyproject) else {
        return false;
    };
    toml::from_str::<toml::Table>(&text).is_ok_and(|table| {
        table
            .get("tool")
            .and_then(|tool| tool.get("deploylint"))
            .is_some()
    })
}

/// Reads and parses a configuration file (a `pyproject.toml` is read for its
/// `[tool.deploylint]` table; any other name is a deploylint file).
pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
        path: Some(path.to_path_buf()),
        position: None,
        message: format!("cannot read the configuration: {error}"),
    })?;
    let options = parse(path, &text)?;
    Ok(ConfigFile {
        path: path.to_path_buf(),
        text,
        options,
    })
}

/// Parses configuration text; `path` decides whether it is a `pyproject.toml`.
pub fn parse(path: &Path, text: &str) -> Result<Options, ConfigError> {
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let result = if is_pyproject {
        toml::from_str::<options::PyProject>(text)
            .map(|p| p.tool.and_then(|tool| tool.deploylint).unwrap_or_default())
    } else {
        toml::from_str::<Options>(text)
    };
    result.map_err(|error| {
        let span = error.span().map(Span::from_range);
        ConfigError {
            path: Some(path.to_path_buf()),
            position: span.map(|s| position(text, s)),
            message: explain_toml_error(error.message()),
        }
    })
}

fn position(text: &str, span: Span) -> LineCol {
    LineIndex::new(text).line_col(text, span.start)
}

/// Rewrites serde's "unknown field" message into one that suggests the nearest key.
fn explain_toml_error(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| !c.is_empty())
        .collect();
    match nearest_word(unknown, &candidates) {
        Some(near) => format!("unknown key `{unknown}` (did you mean `{near}`?)"),
        None if candidates.is_empty() => format!("unknown key `{unknown}`"),
        None => format!(
            "unknown key `{unknown}` (expected one of {})",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Where values of one file are located, for errors.
struct Locator<'a> {
    path: Option<&'a Path>,
    text: &'a str,
    index: LineIndex,
}

impl Locator<'_> {
    fn error(&self, span: Option<std::ops::Range<usize>>, message: String) -> ConfigError {
        ConfigError {
            path: self.path.map(Path::to_path_buf),
            position: span
                .filter(|_| self.path.is_some())
                .map(|s| self.index.line_col(self.text, Span::from_range(s).start)),
            message,
        }
    }

    fn selector(&self, item: &Spanned<String>) -> Result<RuleSelector, ConfigError> {
        RuleSelector::parse(item.get_ref())
            .map_err(|error| self.error(Some(item.span()), error.to_string()))
    }
}

impl Settings {
    /// Settings running only `rules`.
    pub fn with_rules(rules: RuleSet) -> Self {
        Settings {
            rules,
            ..Settings::default()
        }
    }

    /// Settings from a configuration file (or the defaults with `None`) and the command
    /// line's overrides. Unknown rules, keys, options and bad values are errors naming
    /// the place and the nearest valid choice.
    pub fn resolve(
        config: Option<&ConfigFile>,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        let default_options = Options::default();
        let (options, locator, root) = match config {
            Some(file) => (
                &file.options,
                Locator {
                    path: Some(&file.path),
                    text: &file.text,
                    index: LineIndex::new(&file.text),
                },
                absolute(&file.path)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            ),
            None => (
                &default_options,
                Locator {
                    path: None,
                    text: "",
                    index: LineIndex::default(),
                },
                PathBuf::new(),
            ),
        };
        let cli = Locator {
            path: None,
            text: "",
            index: LineIndex::default(),
        };
        let cli_selectors = |items: &[String]| -> Result<Vec<RuleSelector>, ConfigError> {
            items
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| RuleSelector::parse(s).map_err(|error| cli.error(None, error.to_string())))
                .collect()
        };
        let file_selectors =
            |items: &Option<Vec<Spanned<String>>>| -> Result<Vec<RuleSelector>, ConfigError> {
                items
                    .iter()
                    .flatten()
                    .map(|item| locator.selector(item))
                    .collect()
            };

        let mut settings = Settings {
            root,
            config_file: config.map(|c| c.path.clone()),
            ..Settings::default()
        };

        // Selection.
        let mut select = match &overrides.select {
            Some(items) => cli_selectors(items)?,
            None => file_selectors(&options.select)?,
        };
        if overrides.select.is_none() && options.select.is_none() {
            select.push(RuleSelector::All);
        }
        select.extend(file_selectors(&options.extend_select)?);
        select.extend(cli_selectors(&overrides.extend_select)?);
        let mut ignore = file_selectors(&options.ignore)?;
        ignore.extend(cli_selectors(&overrides.ignore)?);
        settings.rules = resolve_selection(&select, &ignore);

        // Per-file ignores.
        for (glob, rules) in options.per_file_ignores.iter().flatten() {
            let paths = PathGlobs::new(&[glob.get_ref()]).map_err(|(_, error)| {
                locator.error(
                    Some(glob.span()),
                    format!("invalid glob `{}`: {error}", glob.get_ref()),
                )
            })?;
            let mut set = RuleSet::empty();
            for rule in rules {
                set.insert_matching(&locator.selector(rule)?);
            }
            settings
                .per_file_ignores
                .push(PerFileIgnore { paths, rules: set });
        }

        // Severity overrides: a more specific selector wins.
        let mut overrides_by_specificity = Vec::new();
        for (key, value) in options.severity.iter().flatten() {
            let selector = locator.selector(key)?;
            let Some(severity) = Severity::parse(value.get_ref()) else {
                return Err(locator.error(
                    Some(value.span()),
                    format!(
                        "unknown severity `{}` (expected `error`, `warning` or `info`)",
                        value.get_ref()
                    ),
                ));
            };
            overrides_by_specificity.push((specificity(&selector), selector, severity));
        }
        overrides_by_specificity.sort_by_key(|(s, _, _)| *s);
        for (_, selector, severity) in &overrides_by_specificity {
            for code in selector.codes() {
                settings.severity.set(code, *severity);
            }
        }

        // Failing and reading.
        if let Some(fail_on) = &options.fail_on {
            settings.fail_on = Severity::parse(fail_on.get_ref()).ok_or_else(|| {
                locator.error(
                    Some(fail_on.span()),
                    format!(
                        "unknown severity `{}` (expected `error`, `warning` or `info`)",
                        fail_on.get_ref()
                    ),
                )
            })?;
        }
        if let Some(fail_on) = overrides.fail_on {
            settings.fail_on = fail_on;
        }
        if let Some(size) = &options.max_file_size {
            settings.max_file_size = parse_memory(size.get_ref()).ok_or_else(|| {
                locator.error(
                    Some(size.span()),
                    "`max-file-size` must be a number of bytes or a quantity such as \"25MiB\""
                        .to_string(),
                )
            })?;
        }
        if let Some(size) = overrides.max_file_size {
            settings.max_file_size = size;
        }
        settings.require_reason = options.require_reason.unwrap_or(false);
        settings.baseline = options
            .baseline
            .as_ref()
            .map(|b| settings.root.join(b.get_ref()));

        // Exclusions.
        let mut exclude: Vec<&Spanned<String>> = options.exclude.iter().flatten().collect();
        exclude.extend(options.extend_exclude.iter().flatten());
        let mut patterns: Vec<String> = exclude.iter().map(|s| s.get_ref().clone()).collect();
        patterns.extend(overrides.extend_exclude.iter().cloned());
        settings.exclude = PathGlobs::new(&patterns).map_err(|(index, error)| {
            let message = format!("invalid glob `{}`: {error}", patterns[index]);
            match exclude.get(index) {
                Some(item) => locator.error(Some(item.span()), message),
                None => cli.error(None, message),
            }
        })?;

        // Facts.
        settings.facts.max_connections = options.max_connections.as_ref().map(|v| *v.get_ref());
        settings.facts.reserved_connections =
            options.reserved_connections.as_ref().map(|v| *v.get_ref());
        if let (Some(max), Some(reserved)) =
            (&options.max_connections, &options.reserved_connections)
            && reserved.get_ref() >= max.get_ref()
        {
            return Err(locator.error(
                Some(reserved.span()),
                format!(
                    "`reserved-connections` ({}) must be less than `max-connections` ({})",
                    reserved.get_ref(),
                    max.get_ref()
                ),
            ));
        }
        if let Some(memory) = &options.worker_memory {
            settings.facts.worker_memory = Some(parse_memory(memory.get_ref()).ok_or_else(|| {
                locator.error(
                    Some(memory.span()),
                    "`worker-memory` must be a number of bytes or a quantity such as \"512Mi\" or \"1G\""
                        .to_string(),
                )
            })?);
        }
        for (index, service) in options.service.iter().flatten().enumerate() {
            settings
                .facts
                .services
                .push(resolve_service(service, index, &locator)?);
        }

        // Per-rule options.
        for (rule, table) in options.rules.iter().flatten() {
            let Some(code) = RuleCode::find(rule.get_ref()) else {
                let suggestion = nearest(rule.get_ref())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(locator.error(
                    Some(rule.span()),
                    format!("unknown rule `{}` in [rules]{suggestion}", rule.get_ref()),
                ));
            };
            let meta = code.meta();
            for (name, value) in table {
                let Some(option) = meta.options.iter().find(|o| o.name == name.get_ref()) else {
                    let names: Vec<&str> = meta.options.iter().map(|o| o.name).collect();
                    let hint = match nearest_word(name.get_ref(), &names) {
                        Some(near) => format!(" (did you mean `{near}`?)"),
                        None if names.is_empty() => " (it has no options)".to_string(),
                        None => format!(" (its options: {})", names.join(", ")),
                    };
                    return Err(locator.error(
                        Some(name.span()),
                        format!(
                            "rule {} ({}) has no option `{}`{hint}",
                            code,
                            meta.name,
                            name.get_ref()
                        ),
                    ));
                };
                if !same_type(option.default, value.get_ref()) {
                    return Err(locator.error(
                        Some(value.span()),
                        format!(
                            "option `{}` of rule {} must be {} (default {})",
                            option.name, code, option.ty, option.default
                        ),
                    ));
                }
                settings
                    .rule_options
                    .set(code, option.name, value.get_ref().clone());
            }
        }
        Ok(settings)
    }

    /// The path of `path` relative to [`Self::root`], `/`-separated, if inside it.
    pub fn relative_path(&self, path: &Path) -> Option<String> {
        relative_to(&self.root, path)
    }

    /// Whether `path` is excluded from linting.
    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty()
            && self
                .relative_path(path)
                .is_some_and(|relative| self.exclude.matches(&relative))
    }

    /// Whether `code` is reported in `path`: the rule is selected and no
    /// `per-file-ignores` entry silences it there.
    pub fn is_enabled_in(&self, code: RuleCode, path: &Path) -> bool {
        if !self.rules.contains(code) {
            return false;
        }
        if self.per_file_ignores.is_empty() {
            return true;
        }
        let Some(relative) = self.relative_path(path) else {
            return true;
        };
        !self
            .per_file_ignores
            .iter()
            .any(|entry| entry.rules.contains(code) && entry.paths.matches(&relative))
    }
}

/// How specific a selector is: a code beats a longer prefix beats a shorter one beats
/// `ALL`.
fn specificity(selector: &RuleSelector) -> usize {
    match selector {
        RuleSelector::All => 0,
        RuleSelector::Prefix(prefix) => prefix.len(),
        RuleSelector::Code(_) => usize::MAX,
    }
}

/// The rules selected: for each rule, the most specific matching `select` entry must be
/// more specific than the most specific matching `ignore` entry.
fn resolve_selection(select: &[RuleSelector], ignore: &[RuleSelector]) -> RuleSet {
    let best = |selectors: &[RuleSelector], code: RuleCode| {
        selectors
            .iter()
            .filter(|s| s.codes().contains(&code))
            .map(specificity)
            .max()
    };
    let mut set = RuleSet::empty();
    for meta in RULES {
        if meta.status == crate::engine::RuleStatus::Removed {
            continue;
        }
        let selected = best(select, meta.code);
        let ignored = best(ignore, meta.code);
        match (selected, ignored) {
            (Some(s), Some(i)) if s > i => set.insert(meta.code),
            (Some(_), None) => set.insert(meta.code),
            _ => {}
        }
    }
    set
}

fn resolve_service(
    service: &ServiceOptions,
    index: usize,
    locator: &Locator<'_>,
) -> Result<Service, ConfigError> {
    let Some(name) = &service.name else {
        return Err(locator.error(
            None,
            format!("[[service]] number {} has no `name`", index + 1),
        ));
    };
    let text = |v: &Option<Spanned<String>>| v.as_ref().map(|s| s.get_ref().clone());
    let path = |v: &Option<Spanned<String>>| v.as_ref().map(|s| PathBuf::from(s.get_ref()));
    Ok(Service {
        name: name.get_ref().clone(),
        dockerfile: path(&service.dockerfile),
        gunicorn_config: path(&service.gunicorn_config),
        app: text(&service.app),
        settings: text(&service.settings),
        kubernetes: service
            .kubernetes
            .iter()
            .flatten()
            .map(|s| s.get_ref().clone())
            .collect(),
        compose_service: text(&service.compose_service),
        systemd_unit: path(&service.systemd_unit),
    })
}

/// Parses a memory quantity: an integer number of bytes, or a string with a decimal
/// (`K`, `M`, `G`, `T`, optionally followed by `B`) or binary (`Ki`, `Mi`, `Gi`, `Ti`,
/// optionally `B`) unit.
pub fn parse_memory(value: &toml::Value) -> Option<u64> {
    match value {
        toml::Value::Integer(bytes) => u64::try_from(*bytes).ok(),
        toml::Value::String(text) => {
            let text = text.trim();
            let split = text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len());
            let (digits, unit) = text.split_at(split);
            let number: u64 = digits.parse().ok()?;
            let unit = unit.trim();
            let unit = unit
                .strip_suffix('B')
                .filter(|u| !u.is_empty())
                .unwrap_or(unit);
            let factor: u64 = match unit {
                "" | "B" => 1,
                "K" | "k" => 1_000,
                "M" => 1_000_000,
                "G" => 1_000_000_000,
                "T" => 1_000_000_000_000,
                "Ki" => 1 << 10,
                "Mi" => 1 << 20,
                "Gi" => 1 << 30,
                "Ti" => 1 << 40,
                _ => return None,
            };
            number.checked_mul(factor)
        }
        _ => None,
    }
}

/// Whether `value` has the TOML type of the documented `default` (an integer is
/// accepted where a float is expected).
fn same_type(default: &str, value: &toml::Value) -> bool {
    let Ok(parsed) = toml::from_str::<toml::Table>(&format!("v = {default}")) else {
        return true;
    };
    let Some(default) = parsed.get("v") else {
        return true;
    };
    value_fits(default, value)
}

fn value_fits(default: &toml::Value, value: &toml::Value) -> bool {
    use toml::Value as V;
    match (default, value) {
        (V::Float(_), V::Integer(_) | V::Float(_)) => true,
        (V::Array(defaults), V::Array(values)) => match defaults.first() {
            Some(first) => values.iter().all(|v| value_fits(first, v)),
            None => true,
        },
        (a, b) => a.type_str() == b.type_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Result<Settings, ConfigError> {
        let file = ConfigFile {
            path: PathBuf::from("/repo/deploylint.toml"),
            text: text.to_string(),
            options: parse(Path::new("/repo/deploylint.toml"), text)?,
        };
        Settings::resolve(Some(&file), &Overrides::default())
    }

    fn error(text: &str) -> String {
        resolve(text).expect_err("an error").to_string()
    }

    #[test]
    fn unknown_keys_name_the_nearest_valid_key_and_position() {
        assert_eq!(
            error("fail-on = \"error\"\nselct = [\"DF\"]\n"),
            "/repo/deploylint.toml:2:1: unknown key `selct` (did you mean `select`?)"
        );
    }

    #[test]
    fn unknown_codes_name_the_nearest_code_and_position() {
        assert_eq!(
            error("select = [\"DF\", \"DI00O\"]\n"),
            "/repo/deploylint.toml:1:17: unknown rule or prefix `DI00O` (did you mean `DI000`?)"
        );
        assert_eq!(
            error("[severity]\nsecrets-in-contxt = \"warning\"\n"),
            "/repo/deploylint.toml:2:1: unknown rule or prefix `secrets-in-contxt` (did you mean `secrets-in-context`?)"
        );
    }

    #[test]
    fn select_ignore_and_extend_select_follow_specificity() {
        let settings =
            resolve("select = [\"DI\"]\nignore = [\"DI0\"]\nextend-select = [\"DI002\"]\n")
                .expect("valid");
        let enabled: Vec<_> = settings.rules.iter().map(|c| c.as_str()).collect();
        assert_eq!(enabled, ["DI002"]);
        let settings = resolve("ignore = [\"secrets-in-context\", \"DF\"]\n").expect("valid");
        assert!(!settings.rules.contains(RuleCode::DI002));
        assert!(!settings.rules.contains(RuleCode::DF000));
        assert!(settings.rules.contains(RuleCode::DI001));
    }

    #[test]
    fn severity_overrides_prefer_the_most_specific_selector() {
        let settings = resolve("[severity]\nDI001 = \"error\"\nDI = \"info\"\n").expect("valid");
        assert_eq!(
            settings.severity.get(RuleCode::DI001),
            Some(Severity::Error)
        );
        assert_eq!(settings.severity.get(RuleCode::DI002), Some(Severity::Info));
        assert_eq!(settings.severity.get(RuleCode::DF000), None);
        assert_eq!(
            error("[severity]\nDI001 = \"fatal\"\n"),
            "/repo/deploylint.toml:2:9: unknown severity `fatal` (expected `error`, `warning` or `info`)"
        );
    }

    #[test]
    fn per_file_ignores_apply_by_glob_relative_to_the_config() {
        let settings =
            resolve("[per-file-ignores]\n\"Dockerfile.dev\" = [\"DI001\"]\n").expect("valid");
        let dev = Path::new("/repo/svc/Dockerfile.dev");
        assert!(!settings.is_enabled_in(RuleCode::DI001, dev));
        assert!(settings.is_enabled_in(RuleCode::DI002, dev));
        assert!(settings.is_enabled_in(RuleCode::DI001, Path::new("/repo/Dockerfile")));
    }

    #[test]
    fn exclusions_combine_exclude_and_extend_exclude() {
        let settings =
            resolve("exclude = [\"vendor\"]\nextend-exclude = [\"docs/**\"]\n").expect("valid");
        assert!(settings.is_excluded(Path::new("/repo/vendor/Dockerfile")));
        assert!(settings.is_excluded(Path::new("/repo/docs/a/Dockerfile")));
        assert!(!settings.is_excluded(Path::new("/repo/Dockerfile")));
        assert_eq!(
            error("exclude = [\"a[\"]\n"),
            "/repo/deploylint.toml:1:12: invalid glob `a[`: unclosed character class; missing ']'"
        );
    }

    #[test]
    fn facts_are_typed_and_checked() {
        let settings = resolve(
            "max-connections = 100\nreserved-connections = 3\nworker-memory = \"512Mi\"\n\
             [[service]]\nname = \"orders\"\ndockerfile = \"Dockerfile\"\nkubernetes = [\"Deployment/orders\"]\n",
        )
        .expect("valid");
        assert_eq!(settings.facts.max_connections, Some(100));
        assert_eq!(settings.facts.reserved_connections, Some(3));
        assert_eq!(settings.facts.worker_memory, Some(512 * 1024 * 1024));
        assert_eq!(settings.facts.services[0].name, "orders");
        assert_eq!(
            settings.facts.services[0].dockerfile,
            Some(PathBuf::from("Dockerfile"))
        );
        assert_eq!(settings.facts.services[0].kubernetes, ["Deployment/orders"]);
        assert_eq!(
            error("max-connections = 10\nreserved-connections = 10\n"),
            "/repo/deploylint.toml:2:24: `reserved-connections` (10) must be less than `max-connections` (10)"
        );
        assert_eq!(
            error("worker-memory = \"lots\"\n"),
            "/repo/deploylint.toml:1:17: `worker-memory` must be a number of bytes or a quantity such as \"512Mi\" or \"1G\""
        );
        assert_eq!(
            error("[[service]]\ndockerfile = \"Dockerfile\"\n"),
            "/repo/deploylint.toml: [[service]] number 1 has no `name`"
        );
        assert_eq!(
            error("[[service]]\nname = \"a\"\ndokerfile = \"x\"\n"),
            "/repo/deploylint.toml:3:1: unknown key `dokerfile` (did you mean `dockerfile`?)"
        );
    }

    #[test]
    fn max_file_size_takes_bytes_or_quantities_and_the_command_line_wins() {
        assert_eq!(Settings::default().max_file_size, 10 * 1024 * 1024);
        assert_eq!(
            resolve("max-file-size = 1000\n")
                .expect("valid")
                .max_file_size,
            1000
        );
        assert_eq!(
            resolve("max-file-size = \"25MiB\"\n")
                .expect("valid")
                .max_file_size,
            25 * 1024 * 1024
        );
        assert_eq!(
            error("max-file-size = \"big\"\n"),
            "/repo/deploylint.toml:1:17: `max-file-size` must be a number of bytes or a quantity such as \"25MiB\""
        );
        let overrides = Overrides {
            max_file_size: Some(7),
            ..Overrides::default()
        };
        assert_eq!(
            Settings::resolve(None, &overrides)
                .expect("valid")
                .max_file_size,
            7
        );
    }

    #[test]
    fn memory_quantities() {
        let s = |t: &str| parse_memory(&toml::Value::String(t.to_string()));
        assert_eq!(s("1G"), Some(1_000_000_000));
        assert_eq!(s("1GiB"), Some(1 << 30));
        assert_eq!(s("300MB"), Some(300_000_000));
        assert_eq!(s("42"), Some(42));
        assert_eq!(s("1X"), None);
        assert_eq!(s("99999999999999999999Gi"), None);
        assert_eq!(parse_memory(&toml::Value::Integer(-1)), None);
    }

    #[test]
    fn rule_options_name_unknown_rules_and_options() {
        assert_eq!(
            error("[rules.secrets-in-contxt]\nx = 1\n"),
            "/repo/deploylint.toml:1:8: unknown rule `secrets-in-contxt` in [rules] (did you mean `secrets-in-context`?)"
        );
        assert_eq!(
            error("[rules.DI002]\nthreshold = 1\n"),
            "/repo/deploylint.toml:2:1: rule DI002 (secrets-in-context) has no option `threshold` (it has no options)"
        );
    }

    #[test]
    fn rule_options_deserialize_into_the_rules_struct() {
        #[derive(serde::Deserialize, Default, Debug, PartialEq)]
        #[serde(default, rename_all = "kebab-case")]
        struct Limits {
            max_workers: u32,
            label: String,
        }
        let mut options = RuleOptions::default();
        assert_eq!(options.get::<Limits>(RuleCode::DI003), Limits::default());
        options.set(RuleCode::DI003, "max-workers", toml::Value::Integer(8));
        assert_eq!(
            options.get::<Limits>(RuleCode::DI003),
            Limits {
                max_workers: 8,
                label: String::new()
            }
        );
        options.set(RuleCode::DI003, "max-workers", toml::Value::Integer(-1));
        assert_eq!(options.get::<Limits>(RuleCode::DI003), Limits::default());
    }

    #[test]
    fn option_values_must_have_the_documented_type() {
        assert!(same_type("3", &toml::Value::Integer(5)));
        assert!(!same_type("3", &toml::Value::String("5".into())));
        assert!(same_type("1.5", &toml::Value::Integer(2)));
        assert!(same_type(
            "[\"a\"]",
            &toml::Value::Array(vec![toml::Value::String("b".into())])
        ));
        assert!(!same_type(
            "[\"a\"]",
            &toml::Value::Array(vec![toml::Value::Integer(1)])
        ));
    }

    #[test]
    fn pyproject_is_read_for_its_tool_table() {
        let path = Path::new("/repo/pyproject.toml");
        let options = parse(
            path,
            "[project]\nname = \"x\"\n[tool.deploylint]\nfail-on = \"error\"\n",
        )
        .expect("valid");
        assert_eq!(
            options.fail_on.map(|f| f.into_inner()),
            Some("error".into())
        );
        let error = parse(path, "[tool.deploylint]\nfail_on = \"error\"\n").expect_err("bad key");
        assert_eq!(
            error.to_string(),
            "/repo/pyproject.toml:2:1: unknown key `fail_on` (did you mean `fail-on`?)"
        );
    }

    #[test]
    fn command_line_overrides_replace_select_and_fail_on() {
        let overrides = Overrides {
            select: Some(vec!["DI002".into()]),
            fail_on: Some(Severity::Error),
            ..Overrides::default()
        };
        let settings = Settings::resolve(None, &overrides).expect("valid");
        assert_eq!(settings.rules.iter().collect::<Vec<_>>(), [RuleCode::DI002]);
        assert_eq!(settings.fail_on, Severity::Error);
        let bad = Overrides {
            ignore: vec!["DF00O".into()],
            ..Overrides::default()
        };
        assert_eq!(
            Settings::resolve(None, &bad).expect_err("bad").to_string(),
            "unknown rule or prefix `DF00O` (did you mean `DF000`?)"
        );
    }

    #[test]
    fn discovery_walks_up_and_skips_pyproject_without_the_table() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let nested = root.join("svc/api");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(root.join(".deploylint.toml"), "").expect("write");
        std::fs::write(root.join("svc/pyproject.toml"), "[project]\nname='a'\n").expect("write");
        assert_eq!(
            find(&nested),
            Some(absolute(&root.join(".deploylint.toml")))
        );
        std::fs::write(
            root.join("svc/pyproject.toml"),
            "[tool.deploylint]\nfail-on='info'\n",
        )
        .expect("write");
        assert_eq!(
            find(&nested),
            Some(absolute(&root.join("svc/pyproject.toml")))
        );
        std::fs::write(nested.join("deploylint.toml"), "").expect("write");
        assert_eq!(
            find(&nested.join("Dockerfile")),
            Some(absolute(&nested.join("deploylint.toml")))
        );
    }
}
