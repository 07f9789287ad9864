//! Redaction: secret values never leave the linter.
//!
//! A rule marks the places holding secrets in [`Diagnostic::redact`]. Before any format
//! renders, [`redacted`] gives a copy of the report in which the text of those places is
//! masked in the file texts (each byte becomes `*`, so every span and column stays
//! valid and source snippets show `*****` where the secret was), and every occurrence of
//! a secret in a message, help text or label is replaced by `****`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::LintReport;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::span::Span;

/// What replaces a secret inside messages.
pub const MASK: &str = "****";

/// The shortest secret replaced inside messages (shorter ones would mangle words).
const MIN_SECRET_LEN: usize = 3;

/// The report with every secret masked; borrowed unchanged when nothing is secret.
pub fn redacted(report: &LintReport) -> Cow<'_, LintReport> {
    if report.diagnostics.iter().all(|d| d.redact.is_empty()) {
        return Cow::Borrowed(report);
    }
    let mut spans: BTreeMap<PathBuf, Vec<Span>> = BTreeMap::new();
    for location in report.diagnostics.iter().flat_map(|d| &d.redact) {
        spans
            .entry(location.path.clone())
            .or_default()
            .push(location.span);
    }
    let mut secrets: Vec<String> = Vec::new();
    for (path, spans) in &spans {
        if let Some(file) = report.file(path) {
            for span in spans {
                let text = file.slice(*span);
                if text.len() >= MIN_SECRET_LEN {
                    secrets.push(text.to_string());
                }
            }
        }
    }
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    let files = report
        .files
        .iter()
        .map(|file| match spans.get(file.path()) {
            Some(spans) => SourceFile::new(file.path(), file.kind(), mask(file.text(), spans)),
            None => file.clone(),
        })
        .collect();
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| scrub(d, &secrets))
        .collect();
    Cow::Owned(LintReport {
        diagnostics,
        files,
        notes: report.notes.clone(),
        io_problems: report.io_problems.clone(),
    })
}

/// `text` with every byte of `spans` replaced by `*` (whole characters only).
pub fn mask(text: &str, spans: &[Span]) -> String {
    let mut out = String::with_capacity(text.len());
    for (offset, ch) in text.char_indices() {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        if spans.iter().any(|s| s.contains(offset)) && ch != '\n' && ch != '\r' {
            out.extend(std::iter::repeat_n('*', ch.len_utf8()));
        } else {
            out.push(ch);
        }
    }
    out
}

fn scrub(diagnostic: &Diagnostic, secrets: &[String]) -> Diagnostic {
    let clean = |text: &str| -> String {
        let mut text = text.to_string();
        for secret in secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), MASK);
            }
        }
        text
    };
    let mut copy = diagnostic.clone();
    copy.message = clean(&copy.message);
    copy.help = copy.help.as_deref().map(clean);
    for label in &mut copy.labels {
        label.message = clean(&label.message);
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_byte_offsets() {
        assert_eq!(mask("A=secret\nB=é", &[Span::new(2, 8)]), "A=******\nB=é");
        assert_eq!(mask("B=é", &[Span::new(2, 4)]), "B=**");
        assert_eq!(mask("a\nb", &[Span::new(0, 3)]), "*\n*");
    }
}
