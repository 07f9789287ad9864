//! Conversions between the library's types and the protocol's: `file:` URIs and paths
//! (in this one place), byte spans and UTF-16 positions, diagnostics.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Position,
    Range, Uri,
};

use crate::LintReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::RuleMeta;
use crate::source::SourceFile;
use crate::span::Span;

/// The path of a `file:` URI (`file:///srv/app/Dockerfile`, `file://localhost/...`),
/// percent-decoded; `None` for other schemes (`untitled:`) and malformed URIs.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    // The authority: empty or `localhost` for a local file.
    let slash = rest.find('/')?;
    let authority = &rest[..slash];
    if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let encoded = &rest[slash..];
    let encoded = encoded.split(['?', '#']).next().unwrap_or(encoded);
    let bytes = percent_decode(encoded)?;
    bytes_to_path(bytes)
}

/// The `file:` URI of an absolute path, percent-encoding everything but unreserved
/// characters and `/`.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let bytes = path_bytes(path)?;
    let mut text = String::from("file://");
    if bytes.first() != Some(&b'/') {
        text.push('/');
    }
    for byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&text).ok()
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(unix)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let text = String::from_utf8(bytes).ok()?;
    // `/C:/Users/...` names the drive path `C:/Users/...`.
    let trimmed = match text.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &text[1..],
        _ => text.as_str(),
    };
    Some(PathBuf::from(trimmed))
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    Some(path.as_os_str().as_bytes().to_vec())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Option<Vec<u8>> {
    Some(path.to_str()?.replace('\\', "/").into_bytes())
}

/// The protocol position (0-based line, UTF-16 column) of a byte offset.
pub fn position(file: &SourceFile, offset: u32) -> Position {
    let (line, character) = file.line_index().utf16_position(file.text(), offset);
    Position { line, character }
}

/// The protocol range of a byte span.
pub fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(file, span.start),
        end: position(file, span.end),
    }
}

/// The byte offset of a protocol position (clamped to the text).
pub fn offset(file: &SourceFile, position: Position) -> u32 {
    file.line_index()
        .offset_of_utf16(file.text(), position.line, position.character)
}

/// The byte span of a protocol range.
pub fn span(file: &SourceFile, range: Range) -> Span {
    let start = offset(file, range.start);
    let end = offset(file, range.end);
    Span::new(start.min(end), start.max(end))
}

/// The protocol severity of a finding.
pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Where a rule's documentation is published: the rule's doc in the package's
/// repository when `Cargo.toml` names one (`repository`), else nowhere (hover shows the
/// documentation in the editor either way).
pub fn docs_url(meta: &RuleMeta) -> Option<Uri> {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    if repository.is_empty() {
        return None;
    }
    Uri::from_str(&format!("{repository}/blob/main/{}", meta.doc_path)).ok()
}

/// A finding as a protocol diagnostic: its range in `file`, code (with a link to the
/// rule's documentation when there is one), severity, message with the help appended,
/// and its labels as related information (in whichever file of `report` they are).
pub fn diagnostic(
    finding: &Diagnostic,
    file: &SourceFile,
    report: &LintReport,
) -> lsp_types::Diagnostic {
    let meta = finding.code.meta();
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .filter_map(|label| {
            let path = &label.location.path;
            let other = report.file(path)?;
            Some(DiagnosticRelatedInformation {
                location: lsp_types::Location {
                    uri: path_to_uri(path)?,
                    range: range(other, label.location.span),
                },
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(file, finding.location.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.as_str().to_string())),
        code_description: docs_url(meta).map(|href| CodeDescription { href }),
        source: Some("deploylint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).expect("valid uri")
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_round_trip_with_percent_encoding() {
        let path = Path::new("/srv/my app/Dockerfile.ünï");
        let encoded = path_to_uri(path).expect("uri");
        assert_eq!(
            encoded.as_str(),
            "file:///srv/my%20app/Dockerfile.%C3%BCn%C3%AF"
        );
        assert_eq!(uri_to_path(&encoded).as_deref(), Some(path));
        assert_eq!(
            uri_to_path(&uri("file://localhost/a/b%2Bc")).as_deref(),
            Some(Path::new("/a/b+c"))
        );
    }

    #[test]
    fn other_schemes_and_hosts_are_not_paths() {
        assert_eq!(uri_to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(uri_to_path(&uri("file://server/share/x")), None);
        assert_eq!(uri_to_path(&uri("https://example.com/x")), None);
    }

    #[test]
    fn positions_count_utf16_units() {
        let file = SourceFile::new("Dockerfile", FileKind::Dockerfile, "# é😀\nRUNN x\n");
        // `😀` is two UTF-16 units (four bytes); `é` one (two bytes).
        assert_eq!(position(&file, 8), Position::new(0, 5));
        assert_eq!(position(&file, 9), Position::new(1, 0));
        assert_eq!(offset(&file, Position::new(0, 5)), 8);
        assert_eq!(
            range(&file, Span::new(9, 13)),
            Range::new(Position::new(1, 0), Position::new(1, 4))
        );
        assert_eq!(
            span(&file, Range::new(Position::new(1, 4), Position::new(1, 0))),
            Span::new(9, 13)
        );
    }

    #[test]
    fn findings_become_protocol_diagnostics() {
        let file = SourceFile::new(
            "/p/Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12-slim\nRUNN pip install x\n",
        );
        let report = crate::Linter::new(crate::Settings::default()).lint_sources(vec![file]);
        let finding = report
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == "DF000")
            .expect("DF000");
        let file = report.file(Path::new("/p/Dockerfile")).expect("file");
        let converted = diagnostic(finding, file, &report);
        assert_eq!(
            converted.range,
            Range::new(Position::new(1, 0), Position::new(1, 4))
        );
        assert_eq!(
            converted.code,
            Some(NumberOrString::String("DF000".to_string()))
        );
        assert_eq!(converted.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(converted.source.as_deref(), Some("deploylint"));
        assert!(
            converted
                .message
                .starts_with("unknown instruction \"RUNN\"")
        );
    }
    #[cfg(unix)]
    #[test]
    fn labels_become_related_information_in_their_own_files() {
        use crate::diagnostic::{Label, Location};
        let dockerfile = SourceFile::new("/p/Dockerfile", FileKind::Dockerfile, "COPY . .\n");
        let ignore = SourceFile::new("/p/.dockerignore", FileKind::DockerIgnore, "# é\n!.env\n");
        let finding = Diagnostic {
            code: crate::engine::RuleCode::DI004,
            severity: Severity::Warning,
            message: "m".to_string(),
            location: Location::new(&dockerfile, Span::new(0, 8)),
            labels: vec![Label {
                location: Location::new(&ignore, Span::new(5, 10)),
                message: "re-included here".to_string(),
            }],
            help: Some("h".to_string()),
            redact: Vec::new(),
        };
        let report = LintReport {
            diagnostics: vec![finding.clone()],
            files: vec![dockerfile.clone(), ignore],
            ..LintReport::default()
        };
        let converted = diagnostic(&finding, &dockerfile, &report);
        assert_eq!(converted.message, "m\nhelp: h");
        let related = converted.related_information.expect("related");
        assert_eq!(related.len(), 1);
        assert_eq!(related[0].location.uri.as_str(), "file:///p/.dockerignore");
        assert_eq!(
            related[0].location.range,
            Range::new(Position::new(1, 0), Position::new(1, 5))
        );
        assert_eq!(related[0].message, "re-included here");
    }
}
