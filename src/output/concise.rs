//! `path:line:col: CODE message`, one line per finding, as compilers print.

use std::fmt::Write as _;

use crate::LintReport;

/// Renders one line per diagnostic, then one per skipped file and I/O problem.
pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} [{}]",
            d.location.path.display(),
            d.location.start.line,
            d.location.start.column,
            d.code,
            d.message,
            d.severity
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "{}: note: {}", note.path.display(), note.message);
    }
    for problem in &report.io_problems {
        let _ = writeln!(
            out,
            "{}: error: {}",
            problem.path.display(),
            problem.message
        );
    }
    out
}
