//! Every rule's fixtures: lint each case with only that rule enabled, check the
//! `# expect: CODE` markers one to one, and compare with the snapshot beside the case.
//!
//! Set `INSTA_UPDATE=always` to write new snapshots, then review them with `git diff`.
//! `FIXTURE_FILTER=DF001` runs one rule's cases.

#![cfg(feature = "cli")]

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::{cases, expectations, fixture_dir, lint_case, render_for_snapshot};
use deploylint::RULES;

#[test]
fn every_fixture_matches_its_markers_and_snapshot() {
    let filter = std::env::var("FIXTURE_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for meta in RULES {
        if !meta.code.as_str().starts_with(filter.as_str()) {
            continue;
        }
        let dir = fixture_dir(meta.code);
        for case in cases(&dir) {
            checked += 1;
            let report = lint_case(&case, meta.code);
            let label = format!("{}/{}", meta.code, case.name);
            // Markers: every finding on a marked line, every marked line found.
            let mut found: Vec<_> = report
                .diagnostics
                .iter()
                .map(|d| {
                    (
                        d.location.path.clone(),
                        d.location.start.line,
                        d.code.as_str().to_string(),
                    )
                })
                .collect();
            found.sort();
            let expected = expectations(&case);
            if found != expected {
                failures.push(format!(
                    "{label}: findings {found:?} do not match the `# expect:` markers {expected:?}"
                ));
            }
            if case.must_fire && found.is_empty() {
                failures.push(format!("{label}: an invalid case must fire"));
            }
            if !case.must_fire && !found.is_empty() {
                failures.push(format!("{label}: a valid case must not fire"));
            }
            // Snapshot beside the case.
            let rendered = render_for_snapshot(&report, &case);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(&dir);
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(&case.path);
            settings.set_omit_expression(true);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                settings.bind(|| insta::assert_snapshot!(case.name.as_str(), rendered));
            }));
            if outcome.is_err() {
                failures.push(format!(
                    "{label}: snapshot differs (see the .snap.new file)"
                ));
            }
        }
    }
    assert!(
        checked > 0 || !filter.is_empty(),
        "no fixture case was found"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
