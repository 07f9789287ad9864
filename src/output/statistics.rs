//! `--statistics`: how many findings each rule reported.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::LintReport;
use crate::engine::RuleCode;

/// One rule's count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// The rule's code.
    pub code: &'static str,
    /// The rule's name.
    pub name: &'static str,
    /// How many findings it reported.
    pub count: usize,
}

/// Counts per rule, most frequent first, then by code.
pub fn counts(report: &LintReport) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<RuleCode, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *by_code.entry(d.code).or_default() += 1;
    }
    let mut counts: Vec<RuleCount> = by_code
        .into_iter()
        .map(|(code, count)| RuleCount {
            code: code.as_str(),
            name: code.name(),
            count,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(b.code)));
    counts
}

/// One line per rule: count, code, name.
pub fn render_text(report: &LintReport) -> String {
    let counts = counts(report);
    let width = counts.first().map_or(1, |c| c.count.to_string().len());
    let mut out = String::new();
    for c in &counts {
        let _ = writeln!(out, "{:>width$}  {:<6} {}", c.count, c.code, c.name);
    }
    out
}

/// The counts as a JSON array of `{code, name, count}`.
pub fn render_json(report: &LintReport) -> String {
    let mut out = serde_json::to_string_pretty(&counts(report)).unwrap_or_default();
    out.push('\n');
    out
}
