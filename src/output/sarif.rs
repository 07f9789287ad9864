//! SARIF 2.1.0, for code-scanning services.
//!
//! One run: `tool.driver` lists every rule (id, name, descriptions, help from its doc,
//! default level); each result carries its level, message, primary location with a region
//! (1-based lines, columns in UTF-16 code units as `columnKind` says), the labels as
//! `relatedLocations`, and a stable fingerprint in `partialFingerprints`. Files that could
//! not be read become tool execution notifications.

use serde_json::{Value, json};

use super::fingerprint::{display_path, fingerprints};
use crate::LintReport;
use crate::diagnostic::{Location, Severity};
use crate::engine::{Category, RULES, RuleMeta};

/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "deploylint/v1";

/// Renders the report as a SARIF 2.1.0 log (pretty-printed JSON).
pub fn render(report: &LintReport) -> String {
    let fingerprints = fingerprints(report);
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(&fingerprints)
        .map(|(d, fingerprint)| {
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": d.code as usize,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [ { "physicalLocation": physical_location(report, &d.location) } ],
                "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
            });
            if !d.labels.is_empty() {
                result["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(id, label)| {
                        json!({
                            "id": id,
                            "physicalLocation": physical_location(report, &label.location),
                            "message": { "text": label.message },
                        })
                    })
                    .collect();
            }
            if let Some(help) = &d.help {
                result["properties"] = json!({ "help": help });
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .io_problems
        .iter()
        .map(|p| (&p.path, &p.message, "error"))
        .chain(report.notes.iter().map(|n| (&n.path, &n.message, "note")))
        .map(|(path, message, level)| {
            json!({
                "level": level,
                "message": { "text": message },
                "locations": [ { "physicalLocation": { "artifactLocation": { "uri": uri(&display_path(path)) } } } ],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "deploylint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": RULES.iter().map(rule).collect::<Vec<_>>(),
            } },
            "invocations": [ {
                "executionSuccessful": report.io_problems.is_empty(),
                "toolExecutionNotifications": notifications,
            } ],
            "columnKind": "utf16CodeUnits",
            "results": results,
        } ],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn category(category: Category) -> &'static str {
    match category {
        Category::Correctness => "correctness",
        Category::Security => "security",
        Category::Reliability => "reliability",
        Category::Performance => "performance",
        _ => "style",
    }
}

fn rule(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.code.as_str(),
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": section(meta.docs, "What it does").unwrap_or_else(|| meta.summary.to_string()) },
        "help": {
            "text": format!("{} Run `deploylint explain {}` for the full documentation.", meta.summary, meta.code.as_str()),
            "markdown": meta.docs,
        },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": { "tags": [meta.kind, category(meta.category)] },
    })
}

/// The text of a `## title` section of a rule doc, paragraphs joined by blank lines.
fn section(docs: &str, title: &str) -> Option<String> {
    let heading = format!("## {title}");
    let start = docs.lines().position(|line| line.trim() == heading)?;
    let body: Vec<&str> = docs
        .lines()
        .skip(start + 1)
        .take_while(|line| !line.starts_with("## "))
        .collect();
    let paragraphs: Vec<String> = body
        .split(|line| line.trim().is_empty())
        .map(|lines| lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

fn physical_location(report: &LintReport, location: &Location) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(&display_path(&location.path)) } });
    if let Some(file) = report.file(&location.path) {
        let index = file.line_index();
        let (start_line, start_column) = index.utf16_position(file.text(), location.span.start);
        let (end_line, end_column) = index.utf16_position(file.text(), location.span.end);
        physical["region"] = json!({
            "startLine": start_line + 1,
            "startColumn": start_column + 1,
            "endLine": end_line + 1,
            "endColumn": end_column + 1,
        });
    } else {
        physical["region"] = json!({
            "startLine": location.start.line.max(1),
            "startColumn": location.start.column.max(1),
        });
    }
    physical
}

/// A path as a URI reference: relative paths stay relative, absolute ones become
/// `file://` URIs; characters outside the unreserved set are percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let absolute = path.starts_with('/') || path.as_bytes().get(1) == Some(&b':');
    if absolute {
        out.push_str("file://");
        if !path.starts_with('/') {
            out.push('/');
        }
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            b':' if absolute => out.push(':'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_or_file_uris_and_percent_encoded() {
        assert_eq!(uri("svc/Dockerfile"), "svc/Dockerfile");
        assert_eq!(uri("my svc/Dockerfile#1"), "my%20svc/Dockerfile%231");
        assert_eq!(uri("/srv/app/Dockerfile"), "file:///srv/app/Dockerfile");
        assert_eq!(uri("C:/app/Dockerfile"), "file:///C:/app/Dockerfile");
        assert_eq!(uri("é"), "%C3%A9");
    }

    #[test]
    fn sections_are_read_from_rule_docs() {
        let docs =
            "# x (A)\nsummary\n\n## What it does\nFirst.\n\nSecond.\n\n## Why is this bad?\nNo.\n";
        assert_eq!(
            section(docs, "What it does").as_deref(),
            Some("First.\n\nSecond.")
        );
        assert_eq!(section(docs, "Missing"), None);
    }
}
