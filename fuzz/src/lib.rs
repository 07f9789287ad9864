//! Invariants shared by the fuzz targets: every span lies inside the text and on UTF-8
//! character boundaries, line and column agree with the span, and linting is
//! deterministic and never reaches the panic net.

use std::path::Path;

use deploylint::output::{self, Format, RenderOptions};
use deploylint::{LintReport, Linter, Settings, Span};

/// The file names the pipeline target lints its input as, one per file kind; the first
/// input byte picks one.
pub const FILE_NAMES: &[&str] = &[
    "Dockerfile",
    ".dockerignore",
    "entrypoint.sh",
    "deploy.yaml",
    "gunicorn.conf.py",
    "api.service",
    "compose.yaml",
];

/// Panics unless `span` lies inside `text` with both ends on character boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end, "{what}: reversed span {span:?}");
    assert!(
        end <= text.len(),
        "{what}: span {span:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {span:?} splits a character"
    );
}

/// Lints `bytes` as `name` twice, then checks determinism, spans and that no panic was
/// caught by the engine's panic net.
pub fn check_pipeline(name: &str, bytes: &[u8]) {
    let linter = Linter::new(Settings::default());
    let path = Path::new(name);
    let first = linter.lint_bytes(path, bytes);
    let second = linter.lint_bytes(path, bytes);
    let json = |report: &LintReport| {
        output::render(
            report,
            Format::Json,
            RenderOptions {
                color: false,
                width: 100,
            },
        )
    };
    let rendered = json(&first);
    assert_eq!(rendered, json(&second), "output is not deterministic");
    assert!(
        !rendered.contains("internal error"),
        "the panic net was reached: {rendered}"
    );
    for diagnostic in &first.diagnostics {
        let file = first
            .file(&diagnostic.location.path)
            .expect("a diagnostic names a linted file");
        check_span(
            file.text(),
            diagnostic.location.span,
            diagnostic.code.as_str(),
        );
        let location = &diagnostic.location;
        assert_eq!(
            location.start,
            file.line_col(location.span.start),
            "start line:column"
        );
        assert_eq!(
            location.end,
            file.line_col(location.span.end),
            "end line:column"
        );
        for label in &diagnostic.labels {
            if let Some(file) = first.file(&label.location.path) {
                check_span(file.text(), label.location.span, "label");
            }
        }
    }
}
