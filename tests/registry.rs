//! Registry invariants: every rule has one check, one doc with the full skeleton, a
//! fixture directory with firing and silent cases, and a snapshot per case; nothing
//! exists for a rule that is not registered.

mod common;

use std::collections::BTreeSet;

use common::{cases, fixture_dir, root};
use deploylint::RULES;
use deploylint::rules::CHECKS;

/// Rule names must name the problem, not the fix.
const DISALLOWED_NAME_PREFIXES: &[&str] = &[
    "use-",
    "prefer-",
    "avoid-",
    "do-not-",
    "dont-",
    "always-",
    "never-",
    "missing-fix",
];

#[test]
fn every_rule_has_exactly_one_check_in_code_order() {
    let registered: Vec<_> = CHECKS.iter().map(|(code, _)| *code).collect();
    let documented: Vec<_> = RULES.iter().map(|meta| meta.code).collect();
    assert_eq!(
        registered, documented,
        "CHECKS must list every documented rule once, in RULES order"
    );
}

#[test]
fn rule_names_name_the_problem() {
    for meta in RULES {
        for prefix in DISALLOWED_NAME_PREFIXES {
            assert!(
                !meta.name.starts_with(prefix),
                "{} `{}` names a fix (`{prefix}`); name the problem instead",
                meta.code,
                meta.name
            );
        }
    }
}

#[test]
fn every_doc_has_the_skeleton() {
    for meta in RULES {
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(
                meta.docs.contains(section),
                "{}: missing `{section}`",
                meta.doc_path
            );
        }
        assert!(
            !meta.summary.is_empty(),
            "{}: missing summary line",
            meta.doc_path
        );
        assert!(
            meta.docs.contains("expect_diagnostic"),
            "{}: the Example needs an `expect_diagnostic` code block",
            meta.doc_path
        );
        if !meta.options.is_empty() {
            assert!(
                meta.docs.contains("## Options"),
                "{}: options undocumented",
                meta.doc_path
            );
        }
    }
}

#[test]
fn every_rule_has_firing_and_silent_cases_with_snapshots() {
    for meta in RULES {
        let dir = fixture_dir(meta.code);
        let cases = cases(&dir);
        assert!(
            cases.iter().any(|c| c.must_fire),
            "{}: no `invalid*` fixture in {}",
            meta.code,
            dir.display()
        );
        assert!(
            cases.iter().any(|c| !c.must_fire),
            "{}: no `valid*` fixture in {}",
            meta.code,
            dir.display()
        );
        for case in &cases {
            assert!(
                case.snapshot_path().is_file(),
                "{}: no snapshot for {}",
                meta.code,
                case.path.display()
            );
        }
    }
}

#[test]
fn no_fixture_doc_or_snapshot_exists_without_a_rule() {
    let rule_dirs: BTreeSet<_> = RULES.iter().map(|m| fixture_dir(m.code)).collect();
    let fixtures = root().join("fixtures");
    for kind in std::fs::read_dir(&fixtures).expect("fixtures/").flatten() {
        let kind_name = kind.file_name().to_string_lossy().into_owned();
        if ["projects", "parser"].contains(&kind_name.as_str()) || !kind.path().is_dir() {
            continue;
        }
        for dir in std::fs::read_dir(kind.path()).expect("kind dir").flatten() {
            assert!(
                rule_dirs.contains(&dir.path()),
                "{} belongs to no registered rule",
                dir.path().display()
            );
            let case_names: BTreeSet<String> =
                cases(&dir.path()).into_iter().map(|c| c.name).collect();
            for file in std::fs::read_dir(dir.path()).expect("rule dir").flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                if let Some(case) = name.strip_suffix(".snap") {
                    assert!(
                        case_names.contains(case),
                        "orphan snapshot {}",
                        file.path().display()
                    );
                }
            }
        }
    }
    let documented: BTreeSet<_> = RULES.iter().map(|m| root().join(m.doc_path)).collect();
    for kind in std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .flatten()
    {
        if !kind.path().is_dir() {
            continue;
        }
        for doc in std::fs::read_dir(kind.path()).expect("kind dir").flatten() {
            assert!(
                documented.contains(&doc.path()),
                "{} documents no registered rule",
                doc.path().display()
            );
        }
    }
}

#[test]
fn rules_index_is_current() {
    let readme = std::fs::read_to_string(root().join("rules/README.md")).expect("rules/README.md");
    let start = "<!-- begin rules index -->\n";
    let end = "<!-- end rules index -->";
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("rules/README.md needs the index markers");
    };
    let mut table = String::from("| code | name | severity | summary |\n|---|---|---|---|\n");
    for meta in RULES {
        table.push_str(&format!(
            "| {} | [{}]({}) | {} | {} |\n",
            meta.code,
            meta.name,
            meta.doc_path.trim_start_matches("rules/"),
            meta.severity,
            meta.summary
        ));
    }
    let current = &readme[a + start.len()..b];
    if current != table {
        if std::env::var_os("UPDATE_RULES_INDEX").is_some() {
            let updated = format!("{}{}{}", &readme[..a + start.len()], table, &readme[b..]);
            std::fs::write(root().join("rules/README.md"), updated).expect("write index");
        } else {
            panic!("rules/README.md index is stale; run with UPDATE_RULES_INDEX=1 to regenerate");
        }
    }
}
