//! The JSON output, schema version 1 (documented in the README).
//!
//! Additions keep the version; any removal or change of meaning bumps it.

use serde::Serialize;

use super::fingerprint::fingerprints;
use crate::LintReport;
use crate::diagnostic::{Diagnostic, Location, Severity};

/// The schema version written in every document.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    notes: Vec<JsonNote<'a>>,
    errors: Vec<JsonNote<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    fingerprint: String,
}

#[derive(Serialize)]
struct JsonLocation {
    path: String,
    span: JsonSpan,
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonSpan {
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: JsonLocation,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonNote<'a> {
    path: String,
    message: &'a str,
}

#[derive(Serialize, Default)]
struct Summary {
    error: usize,
    warning: usize,
    info: usize,
}

fn location(location: &Location) -> JsonLocation {
    JsonLocation {
        path: location.path.display().to_string(),
        span: JsonSpan {
            start: location.span.start,
            end: location.span.end,
        },
        start: JsonPosition {
            line: location.start.line,
            column: location.start.column,
        },
        end: JsonPosition {
            line: location.end.line,
            column: location.end.column,
        },
    }
}

fn diagnostic(d: &Diagnostic, fingerprint: String) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: d.code.as_str(),
        name: d.name(),
        severity: d.severity,
        message: &d.message,
        location: location(&d.location),
        labels: d
            .labels
            .iter()
            .map(|label| JsonLabel {
                location: location(&label.location),
                message: &label.message,
            })
            .collect(),
        help: d.help.as_deref(),
        fingerprint,
    }
}

/// Renders the report as one pretty-printed JSON document.
pub fn render(report: &LintReport) -> String {
    let mut summary = Summary::default();
    for d in &report.diagnostics {
        match d.severity {
            Severity::Error => summary.error += 1,
            Severity::Warning => summary.warning += 1,
            Severity::Info => summary.info += 1,
        }
    }
    let document = Document {
        version: SCHEMA_VERSION,
        tool: "deploylint",
        tool_version: env!("CARGO_PKG_VERSION"),
        diagnostics: report
            .diagnostics
            .iter()
            .zip(fingerprints(report))
            .map(|(d, fingerprint)| diagnostic(d, fingerprint))
            .collect(),
        notes: report
            .notes
            .iter()
            .map(|n| JsonNote {
                path: n.path.display().to_string(),
                message: &n.message,
            })
            .collect(),
        errors: report
            .io_problems
            .iter()
            .map(|p| JsonNote {
                path: p.path.display().to_string(),
                message: &p.message,
            })
            .collect(),
        summary,
    };
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}
