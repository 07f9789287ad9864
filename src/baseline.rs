//! Baselines: today's findings recorded by fingerprint, so that adopting the linter on
//! an old repository reports only what is new.
//!
//! `deploylint check --write-baseline FILE` writes every finding's fingerprint (see
//! [`crate::output::fingerprint`]: code, path, the finding's line text and its rank, never
//! the line number); `--baseline FILE` (or `baseline = "FILE"` in the configuration)
//! hides every finding whose fingerprint is in the file.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::LintReport;
use crate::output::fingerprint::{display_path, fingerprints};
use crate::output::redact::redacted;

/// The baseline file format version.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format version ([`BASELINE_VERSION`]).
    pub version: u32,
    /// The recorded findings.
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Its fingerprint: the only field used for matching.
    pub fingerprint: String,
    /// Its rule, for readers.
    pub code: String,
    /// Its file, for readers.
    pub path: String,
    /// Its message (secrets masked), for readers.
    pub message: String,
}

impl Baseline {
    /// Records every finding of `report`.
    pub fn from_report(report: &LintReport) -> Baseline {
        let report = redacted(report);
        let findings = report
            .diagnostics
            .iter()
            .zip(fingerprints(&report))
            .map(|(d, fingerprint)| BaselineEntry {
                fingerprint,
                code: d.code.as_str().to_string(),
                path: display_path(d.path()),
                message: d.message.clone(),
            })
            .collect();
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a deploylint baseline: {e}", path.display()))?;
        if baseline.version != BASELINE_VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty-printed JSON.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))
    }

    /// Removes from `report` every finding recorded here; returns how many were hidden.
    pub fn filter(&self, report: &mut LintReport) -> usize {
        let known: HashSet<&str> = self
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let prints = fingerprints(report);
        let before = report.diagnostics.len();
        let mut index = 0;
        report.diagnostics.retain(|_| {
            let keep = prints
                .get(index)
                .is_none_or(|print| !known.contains(print.as_str()));
            index += 1;
            keep
        });
        before - report.diagnostics.len()
    }
}
