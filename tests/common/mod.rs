//! Shared helpers of the test harnesses: fixture discovery and rendering.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use deploylint::engine::RuleSet;
use deploylint::output::{self, Format, RenderOptions};
use deploylint::{LintReport, Linter, RuleCode, Settings};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One fixture case: an input file, or a directory of files linted together.
#[derive(Debug)]
pub struct Case {
    /// `invalid.Dockerfile`, `valid-dev-stage`, ...
    pub name: String,
    /// The file or directory.
    pub path: PathBuf,
    /// Whether the case must fire (`invalid*`) or must stay silent (`valid*`).
    pub must_fire: bool,
}

impl Case {
    /// Where its snapshot lives.
    pub fn snapshot_path(&self) -> PathBuf {
        self.path.with_file_name(format!("{}.snap", self.name))
    }
}

/// The fixture cases of a rule directory, sorted by name.
pub fn cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return cases;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".snap") || name.ends_with(".snap.new") || name.ends_with(".toml") {
            continue;
        }
        let must_fire = if name.starts_with("invalid") {
            true
        } else if name.starts_with("valid") {
            false
        } else {
            continue;
        };
        cases.push(Case {
            name,
            path,
            must_fire,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// Lints a case with only `code` enabled.
pub fn lint_case(case: &Case, code: RuleCode) -> LintReport {
    Linter::new(Settings::with_rules(RuleSet::only(code)))
        .lint_paths(std::slice::from_ref(&case.path))
}

/// Renders a report for a snapshot: human format without colour, paths relative to the
/// fixture directory (so snapshots do not depend on where the repository is checked out).
pub fn render_for_snapshot(report: &LintReport, case: &Case) -> String {
    let mut report = report.clone();
    report.relativize(case.path.parent().unwrap_or(Path::new("")));
    output::render(
        &report,
        Format::Human,
        RenderOptions {
            color: false,
            width: 100,
        },
    )
}

/// `(line, code)` pairs announced by `# expect: CODE[, CODE]` comments in the case's files:
/// each marks the next line that is not itself a marker.
pub fn expectations(case: &Case) -> Vec<(PathBuf, u32, String)> {
    let files: Vec<PathBuf> = if case.path.is_dir() {
        let mut files = Vec::new();
        collect_files(&case.path, &mut files);
        files
    } else {
        vec![case.path.clone()]
    };
    let mut expected = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let mut pending: Vec<String> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if let Some(codes) = trimmed.strip_prefix("# expect:") {
                pending.extend(codes.split(',').map(|c| c.trim().to_string()));
                continue;
            }
            for code in pending.drain(..) {
                expected.push((file.clone(), index as u32 + 1, code));
            }
        }
    }
    expected.sort();
    expected
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The fixture directory of a rule.
pub fn fixture_dir(code: RuleCode) -> PathBuf {
    let meta = code.meta();
    root()
        .join("fixtures")
        .join(meta.kind)
        .join(format!("{}-{}", code.as_str(), meta.name))
}
