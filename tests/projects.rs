//! The example services in `fixtures/projects/`: each directory is linted as one project,
//! as `deploylint check <dir>` and `deploylint graph <dir>` would, and both outputs are
//! compared with snapshots beside it (`<name>.check.snap`, `<name>.graph.snap`).
//!
//! Paths in the snapshots are relative to the project directory, so they do not depend on
//! where the repository is checked out. Set `INSTA_UPDATE=always` to write new snapshots,
//! then review them with `git diff`.

mod common;

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use deploylint::config::{self, Overrides};
use deploylint::output::{self, Format, RenderOptions};
use deploylint::{LintReport, Linter, RuleCode, Settings};

/// The service that fixes every mistake of `orders-service`: not a single finding.
const CLEAN_PROJECT: &str = "orders-service-fixed";

/// The findings each example was written to show: `(project, rule, how many)`. A rule
/// that is not registered is skipped, so the table can name rules before they land; a
/// count of 0 is a case the rule must stay silent on. Each example's README says why.
const INTENDED: &[(&str, &str, usize)] = &[
    ("orders-service", "XF001", 1),
    ("orders-service", "XF002", 1),
    ("orders-service", "XF003", 1),
    ("orders-service", "XF004", 1),
    ("orders-service", "XF005", 1),
    ("orders-service", "GU002", 1),
    ("orders-service", "GU005", 1),
    ("orders-service", "GU006", 1),
    ("orders-service", "GU010", 2),
    ("orders-service", "GU011", 1),
    ("orders-service", "FA003", 1),
    ("orders-service", "FA009", 1),
    ("orders-service", "K8S007", 1),
    ("orders-service", "K8S015", 1),
    // One XF001 over both services, though each alone fits.
    ("monorepo", "XF001", 1),
    ("monorepo", "XF006", 1),
    ("monorepo", "PS006", 1),
    ("autoscaled", "XF001", 1),
    ("compose-host", "GU007", 1),
    ("compose-host", "FA008", 1),
    // The required NOTIFY_SMTP_PASSWORD may be in the unread `.env`.
    ("compose-host", "XF002", 0),
    ("compose-host", "XF001", 0),
];

/// The example projects, sorted by name.
fn projects() -> Vec<(String, PathBuf)> {
    let dir = common::root().join("fixtures").join("projects");
    let mut projects: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("read fixtures/projects")
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    projects.sort();
    projects
}

/// The settings `deploylint` uses for `dir`: its own configuration file when it has one
/// (a file found above the project directory is ignored, so the run does not depend on
/// the machine), else the defaults.
fn settings_for(dir: &Path) -> Settings {
    let file = config::find(dir)
        .filter(|found| found.starts_with(dir))
        .map(|found| config::load(&found).expect("load the project's configuration"));
    Settings::resolve(file.as_ref(), &Overrides::default()).expect("valid configuration")
}

/// Lints `dir` as one project, paths relative to it.
fn check(dir: &Path) -> LintReport {
    let mut report = Linter::new(settings_for(dir)).lint_paths(&[dir.to_path_buf()]);
    report.relativize(dir);
    report
}

/// The concise output, each finding followed by its labelled related locations (the facts
/// a cross-file diagnostic used), one per line.
fn render_check(report: &LintReport) -> String {
    let concise = output::render(
        report,
        Format::Concise,
        RenderOptions {
            color: false,
            width: 100,
        },
    );
    let mut out = String::new();
    let mut lines = concise.lines();
    for diagnostic in &report.diagnostics {
        if let Some(line) = lines.next() {
            out.push_str(line);
            out.push('\n');
        }
        for label in &diagnostic.labels {
            let _ = writeln!(
                out,
                "    related {}:{}:{}: {}",
                label.location.path.display(),
                label.location.start.line,
                label.location.start.column,
                label.message
            );
        }
    }
    // Notes and I/O problems follow the findings.
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("no finding\n");
    }
    out
}

/// What `deploylint graph <dir>` prints, paths relative to `dir`.
fn render_graph(dir: &Path) -> String {
    let project = Linter::new(settings_for(dir)).project(&[dir.to_path_buf()]);
    let text = output::graph::render(&project);
    let prefix = dir.display().to_string();
    text.replace(&format!("{prefix}/"), "")
        .replace(&prefix, ".")
}

fn assert_snapshot(dir: &Path, name: &str, value: &str) -> bool {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.parent().unwrap_or(Path::new(".")));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(dir);
    settings.set_omit_expression(true);
    catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, value));
    }))
    .is_ok()
}

#[test]
fn every_example_project_matches_its_snapshots() {
    let projects = projects();
    assert!(
        projects.len() >= 4,
        "fixtures/projects holds the four example services"
    );
    let mut failures = Vec::new();
    for (name, dir) in &projects {
        let report = check(dir);
        if !assert_snapshot(dir, &format!("{name}.check"), &render_check(&report)) {
            failures.push(format!(
                "{name}: `check` output differs (see the .snap.new file)"
            ));
        }
        if !assert_snapshot(dir, &format!("{name}.graph"), &render_graph(dir)) {
            failures.push(format!(
                "{name}: `graph` output differs (see the .snap.new file)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_example_shows_the_findings_it_was_written_for() {
    let root = common::root().join("fixtures").join("projects");
    let mut failures = Vec::new();
    let mut reports = std::collections::BTreeMap::new();
    for &(project, code, expected) in INTENDED {
        if RuleCode::find(code).is_none() {
            continue;
        }
        let report = reports
            .entry(project)
            .or_insert_with(|| check(&root.join(project)));
        let found = report
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == code)
            .count();
        if found != expected {
            failures.push(format!(
                "{project}: {found} {code} finding(s), the example is written for {expected}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fixed_service_has_no_finding_at_all() {
    let dir = common::root()
        .join("fixtures")
        .join("projects")
        .join(CLEAN_PROJECT);
    let report = check(&dir);
    assert_eq!(
        render_check(&report),
        "no finding\n",
        "every mistake of orders-service is fixed in {CLEAN_PROJECT}"
    );
    assert!(report.io_problems.is_empty());
    assert_eq!(report.exit_code(deploylint::Severity::Info), 0);
}

#[test]
fn every_example_project_links_at_least_one_service() {
    for (name, dir) in projects() {
        let project = Linter::new(settings_for(&dir)).project(std::slice::from_ref(&dir));
        assert!(
            !project.services().is_empty(),
            "{name}: no service was linked"
        );
    }
}

#[test]
fn the_readme_graph_excerpt_is_real_output() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let excerpt = readme
        .split("$ cd fixtures/projects/orders-service && deploylint graph\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README shows `deploylint graph` on orders-service");
    let dir = common::root()
        .join("fixtures")
        .join("projects")
        .join("orders-service");
    let graph = render_graph(&dir);
    for line in excerpt.lines() {
        // Run inside the directory, the graph prints `./Dockerfile` where the harness,
        // given the directory, prints `Dockerfile`.
        let expected = line.replace("./", "");
        assert!(
            graph.lines().any(|real| real == expected),
            "README's graph line {line:?} is not in the real output:\n{graph}"
        );
    }
}
