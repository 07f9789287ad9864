//! Resolved settings of a run: which rules run and what fails the run.

use crate::diagnostic::Severity;
use crate::engine::RuleSet;

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: RuleSet::all(),
            fail_on: Severity::Warning,
            max_file_size: 10 * 1024 * 1024,
        }
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
}
