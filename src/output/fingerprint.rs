//! Stable fingerprints of findings, for baselines and code-scanning services.
//!
//! A fingerprint hashes the rule's code, the file's path (relative, `/`-separated), the
//! trimmed text of the lines the finding covers (secrets masked), and the finding's rank
//! among findings with the same three values. The line number is deliberately left out:
//! adding lines elsewhere in the file keeps every fingerprint.

use std::collections::HashMap;
use std::path::Path;

use super::redact::redacted;
use crate::LintReport;
use crate::config::relative_to;
use crate::diagnostic::Diagnostic;

/// The fingerprint of every diagnostic of `report`, in order: 16 lowercase hex digits.
pub fn fingerprints(report: &LintReport) -> Vec<String> {
    let report = redacted(report);
    let mut seen: HashMap<(String, String, String), u32> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let path = display_path(d.path());
            let lines = covered_lines(&report, d);
            let key = (d.code.as_str().to_string(), path, lines);
            let rank = seen.entry(key.clone()).or_insert(0);
            let hash = fnv1a64(&[
                key.0.as_bytes(),
                key.1.as_bytes(),
                key.2.as_bytes(),
                rank.to_string().as_bytes(),
            ]);
            *rank += 1;
            format!("{hash:016x}")
        })
        .collect()
}

/// A path as outputs show it: relative to the current directory when inside it, without
/// `./`, with `/` separators.
pub fn display_path(path: &Path) -> String {
    relative_to(Path::new(""), path).unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"))
}

/// The trimmed lines a diagnostic's primary span covers, joined by `\n`.
fn covered_lines(report: &LintReport, diagnostic: &Diagnostic) -> String {
    let Some(file) = report.file(diagnostic.path()) else {
        return String::new();
    };
    let start = diagnostic.location.start.line;
    let mut end = diagnostic.location.end.line.max(start);
    if end > start && diagnostic.location.end.column == 1 {
        end -= 1;
    }
    (start..=end.min(start.saturating_add(50)))
        .filter_map(|line| file.line_index().line_span(file.text(), line))
        .map(|span| file.slice(span).trim())
        .collect::<Vec<_>>()
        .join("\n")
}

/// FNV-1a, 64 bits, over `parts` separated by a zero byte.
pub fn fnv1a64(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hash ^= 0;
            hash = hash.wrapping_mul(PRIME);
        }
        for byte in *part {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_values() {
        assert_eq!(fnv1a64(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&[b"foobar"]), 0x8594_4171_f739_67e8);
    }
}
