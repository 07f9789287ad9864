//! Inline suppressions end to end, with real rules: scopes, codes and names, reasons,
//! expiry, unused and invalid directives, and the configuration's per-file ignores and
//! severity overrides applied around them.

use std::path::{Path, PathBuf};

use deploylint::config::{self, ConfigFile, Overrides};
use deploylint::{FileKind, Linter, Settings, SourceFile};

/// `(path:line, code, message)` of every finding.
fn lint_with(settings: Settings, files: &[(&str, &str)]) -> Vec<String> {
    let sources = files
        .iter()
        .map(|(path, text)| {
            let kind = FileKind::detect(Path::new(path)).expect("a known kind");
            SourceFile::new(*path, kind, *text)
        })
        .collect();
    Linter::new(settings)
        .lint_sources(sources)
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {} {}",
                d.path().display(),
                d.location.start.line,
                d.code,
                d.severity,
                d.message
            )
        })
        .collect()
}

/// Lints with the `.dockerignore` and suppression rules only, so each test sees the
/// findings it is about.
fn lint(files: &[(&str, &str)]) -> Vec<String> {
    lint_with(scoped(""), files)
}

/// [`settings`] after selecting the `.dockerignore` and suppression rules only.
fn scoped(toml: &str) -> Settings {
    settings(&format!("select = [\"DI\", \"XF9\"]\n{toml}"))
}

fn settings(toml: &str) -> Settings {
    let path = PathBuf::from("deploylint.toml");
    let file = ConfigFile {
        options: config::parse(&path, toml).expect("valid options"),
        path,
        text: toml.to_string(),
    };
    Settings::resolve(Some(&file), &Overrides::default()).expect("valid settings")
}

const MISSING: &str = "Dockerfile:3 DI001 warning the whole build context is copied and no `.dockerignore` filters it: `.env`, `.git/` and local virtualenvs end up in the image";

#[test]
fn without_suppression_the_finding_is_reported() {
    assert_eq!(
        lint(&[(
            "Dockerfile",
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        )]),
        [MISSING]
    );
}

#[test]
fn ignore_by_code_or_name_covers_the_next_instruction() {
    for rule in ["DI001", "dockerignore-missing", "di001"] {
        let text = format!(
            "FROM python:3.12-slim\n# deploylint: ignore[{rule}] reason=\"filtered by CI\"\nCOPY . .\n"
        );
        assert_eq!(
            lint(&[("Dockerfile", &text)]),
            Vec::<String>::new(),
            "{rule}"
        );
    }
}

#[test]
fn ignore_covers_continuation_lines_and_skips_comments() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI001]\n# copies the app\nCOPY \\\n  . \\\n  /app\n";
    assert_eq!(lint(&[("Dockerfile", text)]), Vec::<String>::new());
}

#[test]
fn ignore_on_the_wrong_line_is_unused() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI001]\nWORKDIR /app\nCOPY . .\n";
    assert_eq!(
        lint(&[("Dockerfile", text)]),
        [
            "Dockerfile:2 XF900 warning unused suppression: no DI001 (dockerignore-missing) finding on the line it covers",
            &MISSING.replace("Dockerfile:3", "Dockerfile:4"),
        ]
    );
}

#[test]
fn stage_ignore_reaches_the_end_of_its_stage_only() {
    let text = "# deploylint: stage-ignore[DI001]\nFROM python:3.12-slim AS build\nCOPY . .\nFROM python:3.12-slim\nRUN true\n";
    assert_eq!(lint(&[("Dockerfile", text)]), Vec::<String>::new());
    let text = "FROM python:3.12-slim AS build\nRUN true\n# deploylint: stage-ignore[DI001]\nFROM python:3.12-slim\nRUN true\nFROM python:3.12-slim\nCOPY . .\n";
    assert_eq!(
        lint(&[("Dockerfile", text)]),
        [
            "Dockerfile:3 XF900 warning unused suppression: no DI001 (dockerignore-missing) finding in this stage",
            "Dockerfile:7 DI001 warning the whole build context is copied and no `.dockerignore` filters it: `.env`, `.git/` and local virtualenvs end up in the image",
        ]
    );
}

#[test]
fn file_ignore_covers_the_whole_file() {
    let text = "# deploylint: file-ignore[DI001]\nFROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n";
    assert_eq!(lint(&[("Dockerfile", text)]), Vec::<String>::new());
}

#[test]
fn suppressions_work_in_dockerignore_files() {
    let dockerfile = ("Dockerfile", "FROM python:3.12-slim\nCOPY . .\n");
    let ignore =
        ".env\n.git\n# deploylint: ignore[reinclude-secret] reason=\"test fixture\"\n!.env\n";
    let found = lint(&[dockerfile, (".dockerignore", ignore)]);
    assert!(found.iter().all(|f| !f.contains("DI004")), "{found:?}");
    assert!(found.iter().all(|f| !f.contains("XF9")), "{found:?}");
}

#[test]
fn an_expired_suppression_stops_suppressing_and_is_reported() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI001] expires=2020-01-31\nCOPY . .\n";
    assert_eq!(
        lint(&[("Dockerfile", text)]),
        [
            "Dockerfile:2 XF902 warning this suppression of DI001 expired on 2020-01-31 and no longer applies",
            MISSING,
        ]
    );
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI001] expires=2999-12-31\nCOPY . .\n";
    assert_eq!(lint(&[("Dockerfile", text)]), Vec::<String>::new());
}

#[test]
fn unknown_codes_are_invalid_and_known_ones_still_suppress() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI0O1, DI001]\nCOPY . .\n";
    assert_eq!(
        lint(&[("Dockerfile", text)]),
        [
            "Dockerfile:2 XF901 warning invalid suppression: unknown rule `DI0O1` (did you mean `DI001`?)"
        ]
    );
}

#[test]
fn a_directive_without_codes_is_invalid() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore\nCOPY . .\n";
    let found = lint(&[("Dockerfile", text)]);
    assert_eq!(
        found[0],
        "Dockerfile:2 XF901 warning invalid suppression: `ignore` needs the rules it suppresses in brackets: `ignore[DF001]`"
    );
    assert_eq!(found[1], MISSING);
}

#[test]
fn require_reason_reports_suppressions_without_one() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI001]\nCOPY . .\n";
    assert_eq!(
        lint_with(scoped("require-reason = true\n"), &[("Dockerfile", text)]),
        [
            "Dockerfile:2 XF901 warning invalid suppression: it gives no reason, and `require-reason` is on; add `reason=\"...\"`"
        ]
    );
    let text =
        "FROM python:3.12-slim\n# deploylint: ignore[DI001] reason=\"CI filters it\"\nCOPY . .\n";
    assert_eq!(
        lint_with(scoped("require-reason = true\n"), &[("Dockerfile", text)]),
        Vec::<String>::new()
    );
}

#[test]
fn a_suppression_of_a_rule_that_does_not_run_is_unused() {
    let text = "FROM python:3.12-slim\n# deploylint: ignore[DI001]\nCOPY . .\n";
    assert_eq!(
        lint_with(scoped("ignore = [\"DI001\"]\n"), &[("Dockerfile", text)]),
        [
            "Dockerfile:2 XF900 warning unused suppression: DI001 (dockerignore-missing) does not run on this file"
        ]
    );
    assert_eq!(
        lint_with(
            scoped("ignore = [\"DI001\", \"XF900\"]\n"),
            &[("Dockerfile", text)]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn per_file_ignores_and_severity_overrides_apply() {
    let files = [
        (
            "Dockerfile",
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
        ),
        (
            "dev/Dockerfile.dev",
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
        ),
    ];
    assert_eq!(
        lint_with(
            scoped(
                "[per-file-ignores]\n\"Dockerfile.dev\" = [\"dockerignore-missing\"]\n[severity]\nDI001 = \"error\"\n"
            ),
            &files
        ),
        [MISSING.replace("warning", "error")]
    );
}

#[test]
fn suppression_rules_can_be_suppressed_themselves() {
    let text = "# deploylint: file-ignore[XF902]\nFROM python:3.12-slim\n# deploylint: ignore[DI001] expires=2020-01-31\nCOPY . .\n";
    assert_eq!(
        lint(&[("Dockerfile", text)]),
        [MISSING.replace("Dockerfile:3", "Dockerfile:4")]
    );
}

/// A Deployment whose image is unpinned (K8S010), with `{annotations}` under metadata and
/// `{above_image}` on the line above `image:`.
fn deployment(annotations: &str, above_image: &str, image_suffix: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n{annotations}spec:\n  template:\n    spec:\n      containers:\n        - name: api\n{above_image}          image: registry.example.com/api{image_suffix}\n"
    )
}

fn lint_manifest(text: &str) -> Vec<String> {
    lint_with(
        settings("select = [\"K8S010\", \"XF9\"]\n"),
        &[("k8s/deploy.yaml", text)],
    )
}

#[test]
fn yaml_comments_suppress_the_next_line_or_their_own() {
    let unsuppressed = lint_manifest(&deployment("", "", ""));
    assert_eq!(unsuppressed.len(), 1);
    assert!(
        unsuppressed[0].starts_with("k8s/deploy.yaml:10 K8S010"),
        "{unsuppressed:?}"
    );
    let above = deployment(
        "",
        "          # deploylint: ignore[image-unpinned] reason=\"dev cluster\"\n",
        "",
    );
    assert_eq!(lint_manifest(&above), Vec::<String>::new());
    let trailing = deployment("", "", "  # deploylint: ignore[K8S010]");
    assert_eq!(lint_manifest(&trailing), Vec::<String>::new());
}

#[test]
fn the_object_annotation_suppresses_inside_the_object_only() {
    let annotated = deployment(
        "  annotations:\n    deploylint.dev/ignore: \"K8S010, missing-pdb\"\n",
        "",
        "",
    );
    // K8S010 is suppressed; missing-pdb does not run with this selection, so it is unused.
    assert_eq!(
        lint_manifest(&annotated),
        [
            "k8s/deploy.yaml:6 XF900 warning unused suppression: K8S014 (missing-pdb) does not run on this file"
        ]
    );
    let second = format!("{}---\n{}", annotated, deployment("", "", ""));
    let found = lint_manifest(&second);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("k8s/deploy.yaml:23 K8S010")),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("k8s/deploy.yaml:12 K8S010")),
        "{found:?}"
    );
}

#[test]
fn an_unknown_rule_in_the_annotation_is_invalid() {
    let text = deployment(
        "  annotations:\n    deploylint.dev/ignore: \"K8S01O\"\n",
        "",
        "",
    );
    let found = lint_manifest(&text);
    assert!(
        found.contains(&"k8s/deploy.yaml:6 XF901 warning invalid suppression: unknown rule `K8S01O` (did you mean `K8S010`?)".to_string()),
        "{found:?}"
    );
}
