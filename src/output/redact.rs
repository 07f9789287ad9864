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
    let index = SecretIndex::new(&secrets);
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| scrub(d, &index))
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

/// The secrets of a report, indexed by their first bytes so that scrubbing a message
/// costs time in its length, not in the number of secrets of the whole run.
struct SecretIndex<'s> {
    /// Every secret, longest first (the order replacements are made in).
    secrets: &'s [String],
    /// Secret indices by their first [`MIN_SECRET_LEN`] bytes.
    by_prefix: std::collections::HashMap<&'s [u8], Vec<usize>>,
    /// One bit per pair of first two bytes of a secret: a cheap test before hashing.
    first_pairs: Vec<u64>,
    /// Secrets containing a mask character: replacing another secret can create an
    /// occurrence of these, so they are always tried.
    always: Vec<usize>,
}

impl<'s> SecretIndex<'s> {
    fn new(secrets: &'s [String]) -> Self {
        let mut by_prefix: std::collections::HashMap<&[u8], Vec<usize>> =
            std::collections::HashMap::new();
        let mut always = Vec::new();
        let mut first_pairs = vec![0u64; 1 << 10];
        for (index, secret) in secrets.iter().enumerate() {
            if secret.contains('*') {
                always.push(index);
            } else if let Some(prefix) = secret.as_bytes().get(..MIN_SECRET_LEN) {
                by_prefix.entry(prefix).or_default().push(index);
                let pair = pair_bit(prefix);
                if let Some(word) = first_pairs.get_mut(pair / 64) {
                    *word |= 1 << (pair % 64);
                }
            }
        }
        SecretIndex {
            secrets,
            by_prefix,
            first_pairs,
            always,
        }
    }

    /// `text` with every secret replaced by [`MASK`], longest secret first.
    ///
    /// Only the secrets occurring in `text` (plus those containing `*`, which a
    /// replacement could create) are replaced in turn: a secret without `*` that is not
    /// in `text` cannot appear by replacing others, so the result equals replacing every
    /// secret in order.
    fn clean(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut candidates: Vec<usize> = self.always.clone();
        for start in 0..bytes.len().saturating_sub(MIN_SECRET_LEN - 1) {
            let Some(prefix) = bytes.get(start..start + MIN_SECRET_LEN) else {
                break;
            };
            let pair = pair_bit(prefix);
            let maybe = self
                .first_pairs
                .get(pair / 64)
                .is_some_and(|word| word & (1 << (pair % 64)) != 0);
            if !maybe {
                continue;
            }
            if let Some(indices) = self.by_prefix.get(prefix) {
                for &index in indices {
                    let occurs = self
                        .secrets
                        .get(index)
                        .zip(bytes.get(start..))
                        .is_some_and(|(secret, rest)| rest.starts_with(secret.as_bytes()));
                    if occurs {
                        candidates.push(index);
                    }
                }
            }
        }
        if candidates.is_empty() {
            return text.to_string();
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut text = text.to_string();
        for secret in candidates.iter().filter_map(|&i| self.secrets.get(i)) {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), MASK);
            }
        }
        text
    }
}

/// The bit of a prefix's first two bytes in [`SecretIndex::first_pairs`].
fn pair_bit(prefix: &[u8]) -> usize {
    match prefix {
        [a, b, ..] => usize::from(*a) << 8 | usize::from(*b),
        _ => 0,
    }
}

fn scrub(diagnostic: &Diagnostic, secrets: &SecretIndex<'_>) -> Diagnostic {
    let mut copy = diagnostic.clone();
    copy.message = secrets.clean(&copy.message);
    copy.help = copy.help.as_deref().map(|help| secrets.clean(help));
    for label in &mut copy.labels {
        label.message = secrets.clean(&label.message);
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

    /// The indexed scrubbing gives exactly what replacing every secret in turn gives,
    /// also when secrets overlap or contain the mask character.
    #[test]
    fn indexed_scrubbing_equals_replacing_every_secret_in_turn() {
        let mut secrets: Vec<String> = [
            "hunter2", "unter2x", "abc", "c**d", "bc****", "xyz", "r****",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        let naive = |text: &str| {
            let mut text = text.to_string();
            for secret in &secrets {
                text = text.replace(secret.as_str(), MASK);
            }
            text
        };
        let index = SecretIndex::new(&secrets);
        for text in [
            "password hunter2 in env",
            "hunter2x and unter2x",
            "abcd and abc",
            "ab",
            "",
            "xyzabc",
            "é hunter2 é",
            "c**d",
            "xrhunter2",
        ] {
            assert_eq!(index.clean(text), naive(text), "{text}");
        }
        assert_eq!(index.clean("key hunter2"), "key ****");
        assert_eq!(index.clean("abcd"), "****d");
        assert_eq!(index.clean("xrhunter2"), "x****");
    }
}
