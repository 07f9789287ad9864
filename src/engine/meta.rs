//! Rule metadata, generated at build time from the rule docs in `rules/`.
//!
//! Each `rules/<kind>/<CODE>-<name>.md` holds a rule's TOML front matter and its
//! documentation; `build.rs` turns them into [`RuleCode`] and [`RULES`], so a code that is
//! not documented does not even compile.

use std::fmt;

use crate::diagnostic::Severity;

include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// What kind of problem a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// The configuration is wrong: it will not work as intended.
    Correctness,
    /// It exposes secrets or privileges.
    Security,
    /// It fails under real conditions: restarts, load, rolling updates.
    Reliability,
    /// It wastes time or space.
    Performance,
    /// Hygiene.
    Style,
}

/// A rule's life stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleStatus {
    /// New; behaviour may still change.
    Preview,
    /// Settled.
    Stable,
    /// Kept for compatibility; will be removed.
    Deprecated,
    /// No longer runs; the code stays reserved.
    Removed,
}

/// Whether a rule offers an automatic fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FixAvailability {
    /// Never.
    None,
    /// For some findings.
    Sometimes,
    /// For every finding.
    Always,
}

/// A documented per-rule option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleOption {
    /// Option name (kebab-case).
    pub name: &'static str,
    /// Its TOML type.
    pub ty: &'static str,
    /// Its default, as TOML.
    pub default: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// Everything known about a rule besides its check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, e.g. `DF001`.
    pub code: RuleCode,
    /// Kebab-case name naming the problem, e.g. `reload-in-production`.
    pub name: &'static str,
    /// The file kind directory the rule belongs to (`dockerfile`, `project`, ...).
    pub kind: &'static str,
    /// What kind of problem it finds.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// Life stage.
    pub status: RuleStatus,
    /// First version with the rule.
    pub since: &'static str,
    /// Whether it can fix what it finds.
    pub fix: FixAvailability,
    /// One-line summary.
    pub summary: &'static str,
    /// Path of its doc, relative to the repository root.
    pub doc_path: &'static str,
    /// The Markdown documentation (without front matter).
    pub docs: &'static str,
    /// Documented options.
    pub options: &'static [RuleOption],
}

impl RuleCode {
    /// This code's metadata.
    pub fn meta(self) -> &'static RuleMeta {
        &RULES[self as usize]
    }

    /// The code as text (`DF001`).
    pub fn as_str(self) -> &'static str {
        CODE_TEXT[self as usize]
    }

    /// The rule's kebab-case name.
    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// Every code, in registry order.
    pub fn all() -> impl Iterator<Item = RuleCode> {
        RULES.iter().map(|meta| meta.code)
    }

    /// Looks a rule up by code (`DF001`, any case) or name (`reload-in-production`).
    pub fn find(code_or_name: &str) -> Option<RuleCode> {
        let wanted = code_or_name.trim();
        RULES
            .iter()
            .find(|meta| meta.code.as_str().eq_ignore_ascii_case(wanted) || meta.name == wanted)
            .map(|meta| meta.code)
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
