//! Invariants of a lint run over every fixture: the output is byte-for-byte the same
//! each time and whatever the order of the paths, per-file rules find the same things
//! in a file whether it is linted alone or with its directory, and diagnostics come out
//! sorted.

use std::collections::BTreeSet;
use std::path::PathBuf;

use deploylint::engine::Check;
use deploylint::output::{self, Format, RenderOptions};
use deploylint::rules::CHECKS;
use deploylint::{Diagnostic, LintReport, Linter, RuleCode, Settings};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn json(report: &LintReport) -> String {
    output::render(
        report,
        Format::Json,
        RenderOptions {
            color: false,
            width: 100,
        },
    )
}

/// The rules that look at one file at a time (syntax rules included).
fn per_file_rules() -> BTreeSet<RuleCode> {
    CHECKS
        .iter()
        .filter(|(_, check)| {
            matches!(
                check,
                Check::Syntax(_)
                    | Check::Dockerfile(_)
                    | Check::DockerIgnore(_)
                    | Check::Kubernetes(_)
            )
        })
        .map(|(code, _)| *code)
        .collect()
}

/// A diagnostic as one comparable line.
fn line(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}-{}:{} {} {} | {:?} | {:?}",
        d.location.path.display(),
        d.location.start.line,
        d.location.start.column,
        d.location.end.line,
        d.location.end.column,
        d.code.as_str(),
        d.message,
        d.help,
        d.labels
            .iter()
            .map(|l| (l.location.span, l.message.as_str()))
            .collect::<Vec<_>>()
    )
}

#[test]
fn linting_twice_gives_byte_identical_output() {
    let linter = Linter::new(Settings::default());
    let first = json(&linter.lint_paths(&[fixtures()]));
    let second = json(&linter.lint_paths(&[fixtures()]));
    assert!(first.contains("\"diagnostics\""));
    assert_eq!(first, second);
}

#[test]
fn the_order_of_the_paths_does_not_change_the_output() {
    let linter = Linter::new(Settings::default());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .map(|entry| entry.expect("entry").path())
        .collect();
    dirs.sort();
    let forward = json(&linter.lint_paths(&dirs));
    dirs.reverse();
    let backward = json(&linter.lint_paths(&dirs));
    assert_eq!(forward, backward);
    assert_eq!(forward, json(&linter.lint_paths(&[fixtures()])));
}

#[test]
fn diagnostics_are_sorted_by_file_position_and_code() {
    let report = Linter::new(Settings::default()).lint_paths(&[fixtures()]);
    assert!(report.diagnostics.len() > 50, "the fixtures have findings");
    let keys: Vec<_> = report
        .diagnostics
        .iter()
        .map(Diagnostic::sort_key)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let mut again = report.diagnostics.clone();
    deploylint::diagnostic::sort_and_dedup(&mut again);
    assert_eq!(
        again, report.diagnostics,
        "sorting a sorted run changes nothing"
    );
}

#[test]
fn a_directory_finds_what_its_files_find_alone_for_per_file_rules() {
    let linter = Linter::new(Settings::default());
    let per_file = per_file_rules();
    let keep = |report: &LintReport| -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| per_file.contains(&d.code))
            .map(line)
            .collect()
    };
    let whole = linter.lint_paths(&[fixtures()]);
    let mut union = Vec::new();
    let found = deploylint::discover::discover(&[fixtures()]);
    assert!(found.files.len() > 40, "the fixtures have files");
    for (path, _) in &found.files {
        union.extend(keep(&linter.lint_paths(std::slice::from_ref(path))));
    }
    union.sort();
    let mut whole_lines = keep(&whole);
    whole_lines.sort();
    assert_eq!(whole_lines, union);
}
