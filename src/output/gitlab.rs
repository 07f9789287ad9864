//! GitLab Code Quality report: a JSON array of issues with `description`, `check_name`,
//! `fingerprint`, `severity` and `location` (`path`, `lines.begin`, `lines.end`).

use serde::Serialize;

use super::fingerprint::{display_path, fingerprints};
use crate::LintReport;
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: &'a str,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// GitLab's severity for ours: `info` → `info`, `warning` → `minor`, `error` → `major`.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warning => "minor",
        Severity::Error => "major",
    }
}

/// Renders the report as a Code Quality JSON array.
pub fn render(report: &LintReport) -> String {
    let fingerprints = fingerprints(report);
    let issues: Vec<Issue<'_>> = report
        .diagnostics
        .iter()
        .zip(&fingerprints)
        .map(|(d, fingerprint)| Issue {
            description: format!("{} ({}): {}", d.code, d.name(), d.message),
            check_name: d.code.as_str(),
            fingerprint,
            severity: severity(d.severity),
            location: IssueLocation {
                path: display_path(d.path()),
                lines: Lines {
                    begin: d.location.start.line,
                    end: d.location.end.line.max(d.location.start.line),
                },
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}
