//! Renderers: one module per output format, all over the same [`LintReport`].

pub mod concise;
#[cfg(feature = "cli")]
pub mod human;
pub mod json;

use crate::LintReport;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Source snippets with underlines and help (the terminal default).
    #[cfg(feature = "cli")]
    Human,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// A versioned JSON document (see the README for its schema).
    Json,
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

/// Renders `report` in `format`.
pub fn render(report: &LintReport, format: Format, options: RenderOptions) -> String {
    match format {
        #[cfg(feature = "cli")]
        Format::Human => human::render(report, options),
        Format::Concise => concise::render(report),
        Format::Json => json::render(report),
    }
}
