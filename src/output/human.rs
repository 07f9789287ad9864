//! The human format: miette's graphical reports with source snippets, underlines,
//! labels in other files as related reports, and help.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::RenderOptions;
use crate::LintReport;
use crate::diagnostic::{Diagnostic, Location, Severity};

/// A diagnostic prepared for miette: the source text of its file, and one related
/// report per other file its labels point into.
#[derive(Debug)]
struct Rendered {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn std::fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn source_span(location: &Location) -> SourceSpan {
    SourceSpan::new(
        (location.span.start as usize).into(),
        location.span.len() as usize,
    )
}

fn prepare(report: &LintReport, diagnostic: &Diagnostic) -> Rendered {
    let path = &diagnostic.location.path;
    let text = report
        .file(path)
        .map(|f| f.text().to_string())
        .unwrap_or_default();
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        None,
        source_span(&diagnostic.location),
    )];
    let mut related: Vec<Rendered> = Vec::new();
    for label in &diagnostic.labels {
        let span =
            LabeledSpan::new_with_span(Some(label.message.clone()), source_span(&label.location));
        if &label.location.path == path {
            labels.push(span);
        } else if let Some(other) = related
            .iter_mut()
            .find(|r| r.source.name() == label.location.path.display().to_string())
        {
            other.labels.push(span);
        } else {
            let text = report
                .file(&label.location.path)
                .map(|f| f.text().to_string())
                .unwrap_or_default();
            related.push(Rendered {
                code: String::new(),
                message: format!("see {}", label.location.path.display()),
                severity: miette::Severity::Advice,
                help: None,
                source: NamedSource::new(label.location.path.display().to_string(), text),
                labels: vec![span],
                related: Vec::new(),
            });
        }
    }
    Rendered {
        code: format!("{}({})", diagnostic.code, diagnostic.name()),
        message: diagnostic.message.clone(),
        severity: miette_severity(diagnostic.severity),
        help: diagnostic.help.clone(),
        source: NamedSource::new(path.display().to_string(), text),
        labels,
        related,
    }
}

/// Renders every diagnostic as a graphical report, then notes, problems and a summary.
pub fn render(report: &LintReport, options: RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in &report.diagnostics {
        let rendered = prepare(report, diagnostic);
        let _ = handler.render_report(&mut out, &rendered);
        out.push('\n');
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {}: {}", note.path.display(), note.message);
    }
    for problem in &report.io_problems {
        let _ = writeln!(
            out,
            "error: {}: {}",
            problem.path.display(),
            problem.message
        );
    }
    let count = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let _ = writeln!(
        out,
        "{}, {}, {} in {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info"),
        plural(report.files.len(), "file")
    );
    out
}

/// `1 error`, `2 errors`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
