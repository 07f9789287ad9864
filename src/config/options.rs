//! The configuration file as written: serde structs that reject unknown keys.
//!
//! Every field is optional so that an absent key means "the default"; values keep their
//! byte spans in the file, so that an unknown rule code or a bad value is reported at its
//! line and column. [`super::Settings::resolve`] turns them into concrete settings.

use std::collections::BTreeMap;

use serde::Deserialize;
pub use toml::Spanned;

/// The options of one configuration file: `deploylint.toml`, `.deploylint.toml`, or the
/// `[tool.deploylint]` table of `pyproject.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Rules to run, by code (`DF001`), prefix (`DF`, `XF0`), name or `ALL`
    /// (default: every rule).
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules to run in addition to `select`.
    pub extend_select: Option<Vec<Spanned<String>>>,
    /// Rules not to run. A more specific `select` entry wins over a less specific
    /// `ignore` (`select = ["DF001"]`, `ignore = ["DF"]` runs `DF001`).
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Rules not reported in the files a glob matches: `"Dockerfile.dev" = ["DF001"]`.
    pub per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    /// Severity per rule, code, prefix or name: `DF004 = "error"`.
    pub severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// The lowest severity that fails the run: `error`, `warning` (default) or `info`.
    pub fail_on: Option<Spanned<String>>,
    /// Globs of files and directories never linted (relative to the configuration file).
    pub exclude: Option<Vec<Spanned<String>>>,
    /// More globs never linted, added to `exclude`.
    pub extend_exclude: Option<Vec<Spanned<String>>>,
    /// Whether an inline suppression must give `reason="..."` (default `false`).
    pub require_reason: Option<bool>,
    /// Files larger than this are skipped with a note instead of parsed: bytes, or a
    /// quantity such as `"25MiB"` (default 10 MiB).
    pub max_file_size: Option<Spanned<toml::Value>>,
    /// A baseline file of known findings to hide (see `--baseline`).
    pub baseline: Option<Spanned<String>>,
    /// PostgreSQL's `max_connections`, for the connection-budget rules.
    pub max_connections: Option<Spanned<u32>>,
    /// Connections reserved for superusers, replication and administration.
    pub reserved_connections: Option<Spanned<u32>>,
    /// Memory one worker process may use: bytes, or a quantity such as `"512Mi"`, `"1G"`.
    pub worker_memory: Option<Spanned<toml::Value>>,
    /// Explicit links between the files of one service, when names do not tell.
    pub service: Option<Vec<ServiceOptions>>,
    /// Per-rule options: `[rules.<code-or-name>]` tables.
    pub rules: Option<BTreeMap<Spanned<String>, RuleOptionsTable>>,
}

/// One `[rules.<name>]` table: option name → value, both with their spans.
pub type RuleOptionsTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// One `[[service]]` entry: the files that make up one deployed service.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServiceOptions {
    /// The service's name (required).
    pub name: Option<Spanned<String>>,
    /// Its Dockerfile.
    pub dockerfile: Option<Spanned<String>>,
    /// Its gunicorn configuration file.
    pub gunicorn_config: Option<Spanned<String>>,
    /// The ASGI application, `module:attribute` (`app.main:app`).
    pub app: Option<Spanned<String>>,
    /// The pydantic settings class, `module:Class` (`app.config:Settings`).
    pub settings: Option<Spanned<String>>,
    /// Its Kubernetes workloads, `Kind/name` (`Deployment/orders`).
    pub kubernetes: Option<Vec<Spanned<String>>>,
    /// Its service name in a compose file.
    pub compose_service: Option<Spanned<String>>,
    /// Its systemd unit file.
    pub systemd_unit: Option<Spanned<String>>,
}

/// `pyproject.toml`, read only for its `[tool.deploylint]` table.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PyProject {
    pub tool: Option<PyProjectTools>,
}

/// The `[tool]` table of `pyproject.toml`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PyProjectTools {
    pub deploylint: Option<Options>,
}
