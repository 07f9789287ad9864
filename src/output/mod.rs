//! Renderers: one module per output format, all over the same [`LintReport`].
//!
//! Every format renders the report after [`redact::redacted`] has masked the secret values
//! rules marked, so no format can leak one.

pub mod checkstyle;
pub mod concise;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod graph;
#[cfg(feature = "cli")]
pub mod human;
pub mod json;
pub mod redact;
pub mod sarif;
pub mod statistics;

use crate::LintReport;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Source snippets with underlines and help (the terminal default).
    #[cfg(feature = "cli")]
    Human,
    /// One line per finding: `path:line:col: CODE message [severity]`.
    Concise,
    /// A versioned JSON document (see the README for its schema).
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
}

/// Options shared by the renderers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours (human output only).
    pub color: bool,
    /// Wrap width (human output only).
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// Renders `report` in `format`, secrets masked.
pub fn render(report: &LintReport, format: Format, options: RenderOptions) -> String {
    let report = redact::redacted(report);
    let report = report.as_ref();
    #[cfg(not(feature = "cli"))]
    let _ = options;
    match format {
        #[cfg(feature = "cli")]
        Format::Human => human::render(report, options),
        Format::Concise => concise::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Gitlab => gitlab::render(report),
        Format::Checkstyle => checkstyle::render(report),
    }
}

/// Renders the number of findings per rule (`--statistics`): JSON for the JSON format,
/// text lines otherwise.
pub fn render_statistics(report: &LintReport, format: Format) -> String {
    match format {
        Format::Json => statistics::render_json(report),
        _ => statistics::render_text(report),
    }
}
