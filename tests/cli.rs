//! The command line, run as a user runs it: exit codes, formats, stdin, rules, explain.

#![cfg(feature = "cli")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn deploylint(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run deploylint");
    if let Some(text) = stdin
        && let Some(mut pipe) = child.stdin.take()
    {
        // The command may exit before reading stdin (a usage error): ignore a broken pipe.
        let _ = pipe.write_all(text.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for deploylint")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const BROKEN: &str = "FROM python:3.12-slim\nRUNN pip install fastapi\n";

#[test]
fn stdin_is_linted_as_the_named_file() {
    let output = deploylint(
        &[
            "check",
            "-",
            "--stdin-filename",
            "Dockerfile",
            "--format",
            "concise",
        ],
        Some(BROKEN),
    );
    assert_eq!(
        stdout(&output),
        "Dockerfile:2:1: DF000 unknown instruction \"RUNN\" [error]\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn stdin_without_a_file_name_is_a_usage_error() {
    let output = deploylint(&["check", "-"], Some(BROKEN));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--stdin-filename"));
}

#[test]
fn fail_on_decides_the_exit_code() {
    let info_only = "FROM python:3.12-slim\nRUN pip install fastapi\nUSER app\n";
    let args = |fail_on: &'static str| {
        vec![
            "check",
            "-",
            "--stdin-filename",
            "Dockerfile",
            "--select",
            "DF000",
            "--fail-on",
            fail_on,
        ]
    };
    assert_eq!(
        deploylint(&args("info"), Some(info_only)).status.code(),
        Some(0)
    );
    assert_eq!(
        deploylint(&args("error"), Some(BROKEN)).status.code(),
        Some(1)
    );
}

#[test]
fn json_output_has_the_versioned_schema() {
    let output = deploylint(
        &[
            "check",
            "-",
            "--stdin-filename",
            "Dockerfile",
            "--format",
            "json",
        ],
        Some(BROKEN),
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(document["version"], 1);
    assert_eq!(document["tool"], "deploylint");
    let first = &document["diagnostics"][0];
    assert_eq!(first["code"], "DF000");
    assert_eq!(first["name"], "dockerfile-syntax");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "Dockerfile");
    assert_eq!(first["start"]["line"], 2);
    assert_eq!(first["start"]["column"], 1);
    assert_eq!(first["span"]["start"], 22);
    assert_eq!(first["span"]["end"], 26);
    assert_eq!(document["summary"]["error"], 1);
}

#[test]
fn human_output_shows_the_source_line_and_code() {
    let output = deploylint(
        &["check", "-", "--stdin-filename", "Dockerfile"],
        Some(BROKEN),
    );
    let text = stdout(&output);
    assert!(text.contains("DF000(dockerfile-syntax)"), "{text}");
    assert!(text.contains("2 │ RUNN pip install fastapi"), "{text}");
    assert!(
        text.contains("1 error, 0 warnings, 0 infos in 1 file"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no colour when NO_COLOR is set: {text}"
    );
}

#[test]
fn unknown_rule_selector_suggests_the_nearest() {
    let output = deploylint(&["check", "--select", "DF00O", "."], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown rule or prefix `DF00O`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `DF000`?"), "{stderr}");
}

#[test]
fn missing_path_gives_exit_code_2_after_the_other_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::write(&dockerfile, BROKEN).expect("write");
    let missing = dir.path().join("missing");
    let output = deploylint(
        &[
            "check",
            "--format",
            "concise",
            dockerfile.to_str().expect("utf-8 path"),
            missing.to_str().expect("utf-8 path"),
        ],
        None,
    );
    let text = stdout(&output);
    assert!(text.contains("DF000 unknown instruction"), "{text}");
    assert!(text.contains("missing: error:"), "{text}");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn rules_lists_every_rule_and_explain_prints_its_doc() {
    let listing = stdout(&deploylint(&["rules"], None));
    for meta in deploylint::RULES {
        assert!(
            listing.contains(meta.code.as_str()),
            "{} missing",
            meta.code
        );
    }
    let explained = deploylint(&["explain", "dockerfile-syntax"], None);
    assert_eq!(explained.status.code(), Some(0));
    assert!(stdout(&explained).starts_with("# dockerfile-syntax (DF000)"));
    assert_eq!(
        deploylint(&["explain", "XX999"], None).status.code(),
        Some(2)
    );
}
