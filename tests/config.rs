//! Configuration through the command line: discovery upward from each path, the three
//! file names, `--config`, `--isolated`, command-line overrides, exclusions, located
//! errors, `--output-file`, `--statistics` and baselines.

#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Output};

fn deploylint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run deploylint")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A service whose Dockerfile copies the whole context without a `.dockerignore` (DI001)
/// and has a syntax error (DF000).
fn service(dir: &Path, at: &str) {
    write(
        dir,
        &format!("{at}Dockerfile"),
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUNN pip install fastapi\nUSER app\n",
    );
}

const DI001: &str = "DI001 the whole build context is copied and no `.dockerignore` filters it: `.env`, `.git/` and local virtualenvs end up in the image";

#[test]
fn without_configuration_every_rule_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "");
    let output = deploylint(dir.path(), &["check", "--format", "concise", "Dockerfile"]);
    assert_eq!(
        stdout(&output),
        format!(
            "Dockerfile:3:6: {DI001} [warning]\nDockerfile:4:1: DF000 unknown instruction \"RUNN\" [error]\n"
        )
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn deploylint_toml_is_found_upward_and_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "svc/api/");
    write(
        dir.path(),
        "deploylint.toml",
        "ignore = [\"DF000\"]\nfail-on = \"error\"\n[severity]\ndockerignore-missing = \"info\"\n",
    );
    let output = deploylint(
        &dir.path().join("svc"),
        &["check", "--format", "concise", "api"],
    );
    assert_eq!(
        stdout(&output),
        format!("api/Dockerfile:3:6: {DI001} [info]\n")
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn the_nearest_file_wins_and_pyproject_needs_its_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "svc/");
    write(dir.path(), ".deploylint.toml", "select = [\"DF\"]\n");
    write(
        dir.path(),
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\n",
    );
    let concise = ["check", "--format", "concise", "svc"];
    assert_eq!(
        stdout(&deploylint(dir.path(), &concise)),
        "svc/Dockerfile:4:1: DF000 unknown instruction \"RUNN\" [error]\n"
    );
    write(
        dir.path(),
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\n\n[tool.deploylint]\nselect = [\"DI\"]\n",
    );
    assert_eq!(
        stdout(&deploylint(dir.path(), &concise)),
        format!("svc/Dockerfile:3:6: {DI001} [warning]\n")
    );
}

#[test]
fn paths_under_different_configurations_are_linted_with_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "a/");
    service(dir.path(), "b/");
    write(dir.path(), "a/deploylint.toml", "select = [\"DF000\"]\n");
    write(dir.path(), "b/deploylint.toml", "select = [\"DI001\"]\n");
    assert_eq!(
        stdout(&deploylint(
            dir.path(),
            &["check", "--format", "concise", "a", "b"]
        )),
        format!(
            "a/Dockerfile:4:1: DF000 unknown instruction \"RUNN\" [error]\nb/Dockerfile:3:6: {DI001} [warning]\n"
        )
    );
}

#[test]
fn config_and_isolated_override_discovery() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "");
    write(dir.path(), "deploylint.toml", "select = [\"DF000\"]\n");
    write(dir.path(), "other.toml", "select = [\"DI001\"]\n");
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "concise"];
        args.extend_from_slice(extra);
        args.push("Dockerfile");
        stdout(&deploylint(dir.path(), &args))
    };
    assert_eq!(
        run(&[]),
        "Dockerfile:4:1: DF000 unknown instruction \"RUNN\" [error]\n"
    );
    assert_eq!(
        run(&["--config", "other.toml"]),
        format!("Dockerfile:3:6: {DI001} [warning]\n")
    );
    assert_eq!(run(&["--isolated"]).lines().count(), 2);
    // The command line's --select replaces the file's; --ignore adds to it.
    assert_eq!(
        run(&["--select", "DI"]),
        format!("Dockerfile:3:6: {DI001} [warning]\n")
    );
    assert_eq!(run(&["--ignore", "DF000"]), "");
}

#[test]
fn exclude_skips_files_and_directories() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "vendor/chart/");
    service(dir.path(), "app/");
    write(
        dir.path(),
        "deploylint.toml",
        "exclude = [\"vendor\"]\nselect = [\"DF000\"]\n",
    );
    assert_eq!(
        stdout(&deploylint(
            dir.path(),
            &["check", "--format", "concise", "."]
        )),
        "./app/Dockerfile:4:1: DF000 unknown instruction \"RUNN\" [error]\n"
    );
    assert_eq!(
        stdout(&deploylint(
            dir.path(),
            &[
                "check",
                "--format",
                "concise",
                "--extend-exclude",
                "app/**",
                "."
            ]
        )),
        ""
    );
}

#[test]
fn configuration_errors_are_located_and_suggest_the_nearest() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "");
    write(
        dir.path(),
        "deploylint.toml",
        "select = [\"DF\"]\nextend-selct = [\"DI\"]\n",
    );
    let output = deploylint(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(output.status.code(), Some(2));
    let path = dir.path().join("deploylint.toml");
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}:2:1: unknown key `extend-selct` (did you mean `extend-select`?)\n",
            path.display()
        )
    );
    write(
        dir.path(),
        "deploylint.toml",
        "[per-file-ignores]\n\"Dockerfile\" = [\"DI01\"]\n",
    );
    let output = deploylint(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}:2:17: unknown rule or prefix `DI01` (did you mean `DI001`?)\n",
            path.display()
        )
    );
}

#[test]
fn output_file_and_statistics() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "");
    let output = deploylint(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output-file",
            "out.sarif",
            "Dockerfile",
        ],
    );
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out.sarif")).expect("written"),
    )
    .expect("JSON");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(2));
    let output = deploylint(dir.path(), &["check", "--statistics", "Dockerfile"]);
    assert_eq!(
        stdout(&output),
        "1  DF000  dockerfile-syntax\n1  DI001  dockerignore-missing\n"
    );
}

#[test]
fn a_baseline_hides_known_findings_even_after_edits_above_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    service(dir.path(), "");
    let output = deploylint(
        dir.path(),
        &["check", "--write-baseline", "baseline.json", "Dockerfile"],
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "wrote 2 finding(s) to the baseline baseline.json\n"
    );
    // Lines added above move every finding; a new mistake is the only one reported.
    write(
        dir.path(),
        "Dockerfile",
        "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\n\nWORKDIR /app\nCOPY . .\nRUNN pip install fastapi\nCOPYY x y\nUSER app\n",
    );
    let args = [
        "check",
        "--format",
        "concise",
        "--baseline",
        "baseline.json",
        "Dockerfile",
    ];
    let output = deploylint(dir.path(), &args);
    assert_eq!(
        stdout(&output),
        "Dockerfile:7:1: DF000 unknown instruction \"COPYY\" [error]\n"
    );
    // The configuration can name the baseline too.
    write(
        dir.path(),
        "deploylint.toml",
        "baseline = \"baseline.json\"\n",
    );
    let output = deploylint(dir.path(), &["check", "--format", "concise", "Dockerfile"]);
    assert_eq!(
        stdout(&output),
        "Dockerfile:7:1: DF000 unknown instruction \"COPYY\" [error]\n"
    );
}

/// The keys a table accepts, read from the error for an unknown one.
fn accepted_keys(toml: &str) -> Vec<String> {
    let error = deploylint::config::parse(Path::new("deploylint.toml"), toml)
        .expect_err("an unknown key")
        .message;
    let (_, list) = error.split_once("expected one of ").expect("the key list");
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_example_is_valid_and_documents_every_setting() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("\n## Configuration\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Configuration section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("a toml example");
    let path = Path::new("pyproject.toml");
    let options = deploylint::config::parse(path, example).expect("the example parses");
    let file = deploylint::config::ConfigFile {
        path: path.to_path_buf(),
        text: example.to_string(),
        options,
    };
    let settings =
        deploylint::Settings::resolve(Some(&file), &deploylint::config::Overrides::default())
            .expect("the example resolves");
    assert_eq!(settings.facts.worker_memory, Some(512 * 1024 * 1024));
    assert_eq!(settings.facts.services.len(), 1);
    let keys = accepted_keys("zzz = 1\n");
    assert_eq!(keys.len(), 16, "{keys:?}");
    for key in keys {
        assert!(
            section.contains(&format!("{key} =")) || section.contains(&format!("deploylint.{key}")),
            "README's Configuration does not show `{key}`"
        );
    }
    for key in accepted_keys("[[service]]\nzzz = 1\n") {
        assert!(
            example.contains(&format!("{key} =")),
            "README's example service does not show `{key}`"
        );
    }
}
