//! Embedding deploylint: lint a Dockerfile held in memory, then a directory on disk.
//!
//! ```sh
//! cargo run --example lint_in_memory [DIRECTORY]
//! ```
//!
//! With no directory, it lints the example service shipped in `fixtures/projects/`.

use std::path::PathBuf;

use deploylint::{FileKind, LintReport, Linter, Settings, SourceFile};

fn print(title: &str, report: &LintReport) {
    println!("{title}: {} finding(s)", report.diagnostics.len());
    for finding in &report.diagnostics {
        println!(
            "  {}:{}:{} {} [{}] {}",
            finding.path().display(),
            finding.location.start.line,
            finding.location.start.column,
            finding.code,
            finding.severity,
            finding.message
        );
    }
}

fn main() {
    let linter = Linter::new(Settings::default());

    // 1. Text from anywhere (an editor buffer, a template, a test) linted as a Dockerfile.
    let dockerfile = SourceFile::new(
        "Dockerfile",
        FileKind::Dockerfile,
        "FROM python:3.12-slim\nRUNN pip install fastapi\nCMD uvicorn app:app\n",
    );
    let report = linter.lint_sources(vec![dockerfile]);
    print("in memory", &report);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code.as_str() == "DF000"),
        "the misspelled RUN is reported"
    );

    // 2. A directory, walked like `deploylint check DIR`: every file it knows, one project.
    let dir = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/orders-service"),
        PathBuf::from,
    );
    let mut report = linter.lint_paths(std::slice::from_ref(&dir));
    report.relativize(&dir);
    print(&format!("{}", dir.display()), &report);
    for problem in &report.io_problems {
        eprintln!(
            "cannot read {}: {}",
            problem.path.display(),
            problem.message
        );
    }
    std::process::exit(if report.io_problems.is_empty() { 0 } else { 2 });
}
