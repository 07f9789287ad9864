//! Diagnostics: what a rule found, where, and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::engine::meta::RuleCode;
use crate::source::SourceFile;
use crate::span::{LineCol, Span};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Hygiene or best practice.
    Info,
    /// A known production failure mode.
    Warning,
    /// The deployment will break or leak.
    Error,
}

impl Severity {
    /// Lowercase name (`error`, `warning`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses a lowercase name.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file: its path, byte span and the span's start and end as line/column.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file's path as given to the linter.
    pub path: PathBuf,
    /// Byte range in the file's text.
    pub span: Span,
    /// 1-based line/column where the span starts.
    pub start: LineCol,
    /// 1-based line/column where the span ends (exclusive).
    pub end: LineCol,
}

impl Location {
    /// The location of `span` in `file`.
    pub fn new(file: &SourceFile, span: Span) -> Self {
        Location {
            path: file.path().to_path_buf(),
            span,
            start: file.line_col(span.start),
            end: file.line_col(span.end),
        }
    }
}

/// A secondary place that explains a diagnostic, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    /// Where.
    pub location: Location,
    /// What this place contributes (`4 workers`, `first defined here`).
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The rule that found it.
    pub code: RuleCode,
    /// Its severity (the rule's default unless configured otherwise).
    pub severity: Severity,
    /// What is wrong: lowercase, no trailing period.
    pub message: String,
    /// The primary place.
    pub location: Location,
    /// Secondary places, in the same or other files.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// Places holding secret values (a token in `ENV API_TOKEN=...`): every output
    /// format masks their text, in source snippets and wherever it would appear in a
    /// message, help or label. Rules set it with `Report::redact`.
    pub redact: Vec<Location>,
}

impl Diagnostic {
    /// The rule's kebab-case name.
    pub fn name(&self) -> &'static str {
        self.code.name()
    }

    /// The primary file.
    pub fn path(&self) -> &Path {
        &self.location.path
    }

    /// The ordering of output: by file, then position, then code, then message.
    pub fn sort_key(&self) -> (&Path, u32, u32, RuleCode, &str) {
        (
            &self.location.path,
            self.location.span.start,
            self.location.span.end,
            self.code,
            &self.message,
        )
    }
}

/// Sorts diagnostics deterministically and removes exact duplicates.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}
