//! Checkstyle XML: `<file name>` elements holding one `<error>` per finding.

use std::fmt::Write as _;

use super::fingerprint::display_path;
use crate::LintReport;

/// Renders the report as a Checkstyle XML document (files in report order).
pub fn render(report: &LintReport) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    let mut current: Option<String> = None;
    for d in &report.diagnostics {
        let path = display_path(d.path());
        if current.as_deref() != Some(path.as_str()) {
            if current.is_some() {
                out.push_str("  </file>\n");
            }
            let _ = writeln!(out, "  <file name=\"{}\">", escape(&path));
            current = Some(path);
        }
        let _ = writeln!(
            out,
            "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"deploylint.{}\"/>",
            d.location.start.line,
            d.location.start.column,
            d.severity,
            escape(&format!("{} ({}): {}", d.code, d.name(), d.message)),
            d.code
        );
    }
    if current.is_some() {
        out.push_str("  </file>\n");
    }
    for problem in &report.io_problems {
        let _ = writeln!(
            out,
            "  <file name=\"{}\">\n    <error severity=\"error\" message=\"{}\" source=\"deploylint.io\"/>\n  </file>",
            escape(&display_path(&problem.path)),
            escape(&problem.message)
        );
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Escapes text for an XML attribute; characters XML 1.0 forbids become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;\u{FFFD}"
        );
    }
}
