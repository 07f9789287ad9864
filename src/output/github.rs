//! GitHub Actions workflow commands: one annotation per finding,
//! `::error file=..,line=..,col=..,endLine=..,endColumn=..,title=..::message`.

use std::fmt::Write as _;

use super::fingerprint::display_path;
use crate::LintReport;
use crate::diagnostic::Severity;

/// Renders one workflow command per diagnostic, then one per unreadable path and note.
pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&display_path(d.path())),
            d.location.start.line,
            d.location.start.column,
            d.location.end.line,
            d.location.end.column,
            escape_property(&format!("{} {}", d.code, d.name())),
            escape_data(&d.message)
        );
    }
    for problem in &report.io_problems {
        let _ = writeln!(
            out,
            "::error file={}::{}",
            escape_property(&display_path(&problem.path)),
            escape_data(&problem.message)
        );
    }
    for note in &report.notes {
        let _ = writeln!(
            out,
            "::notice file={}::{}",
            escape_property(&display_path(&note.path)),
            escape_data(&note.message)
        );
    }
    out
}

/// Escapes a command's message: `%`, `\r`, `\n`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as a message, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
