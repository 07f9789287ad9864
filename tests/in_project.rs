//! `deploylint check --in-project FILES`: what the pre-commit hook runs. The whole project
//! is read (cross-file rules need it), findings are reported only in the given files.

#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Output};

fn deploylint(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run deploylint")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A repository with a Dockerfile copying an unfiltered context (DI001 needs the project to
/// know there is no `.dockerignore`) and another broken Dockerfile.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect("mkdir");
    write(root, "deploylint.toml", "select = [\"DF000\", \"DI001\"]\n");
    write(
        root,
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
    );
    write(
        root,
        "tools/other.Dockerfile",
        "FROM python:3.12-slim\nRUNN x\n",
    );
    dir
}

#[test]
fn only_the_given_files_are_reported_with_project_context() {
    let dir = repository();
    let output = deploylint(
        dir.path(),
        &["check", "--in-project", "--format", "concise", "Dockerfile"],
    );
    assert_eq!(
        stdout(&output),
        "Dockerfile:3:6: DI001 the whole build context is copied and no `.dockerignore` filters it: `.env`, `.git/` and local virtualenvs end up in the image [warning]\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn files_in_subdirectories_are_found_from_the_repository_root() {
    let dir = repository();
    let output = deploylint(
        &dir.path().join("tools"),
        &[
            "check",
            "--in-project",
            "--format",
            "concise",
            "other.Dockerfile",
        ],
    );
    assert_eq!(
        stdout(&output),
        "other.Dockerfile:2:1: DF000 unknown instruction \"RUNN\" [error]\n"
    );
}

#[test]
fn a_clean_file_passes_even_when_others_are_broken() {
    let dir = repository();
    write(dir.path(), "deploy.yaml", "kind: ConfigMap\n");
    let output = deploylint(
        dir.path(),
        &[
            "check",
            "--in-project",
            "--format",
            "concise",
            "deploy.yaml",
        ],
    );
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_nearest_configuration_decides_the_project_and_its_settings() {
    let dir = repository();
    // The service has its own configuration: it is its own project, with its own rules.
    write(
        dir.path(),
        "services/api/deploylint.toml",
        "select = [\"DF000\"]\n",
    );
    write(
        dir.path(),
        "services/api/Dockerfile",
        "FROM python:3.12-slim\nCOPY . .\nRUNN x\n",
    );
    let output = deploylint(
        dir.path(),
        &[
            "check",
            "--in-project",
            "--format",
            "concise",
            "services/api/Dockerfile",
            "Dockerfile",
        ],
    );
    assert_eq!(
        stdout(&output),
        "Dockerfile:3:6: DI001 the whole build context is copied and no `.dockerignore` filters it: `.env`, `.git/` and local virtualenvs end up in the image [warning]\n\
         services/api/Dockerfile:3:1: DF000 unknown instruction \"RUNN\" [error]\n"
    );
}

#[test]
fn stdin_cannot_be_linted_in_a_project() {
    let dir = repository();
    let output = deploylint(
        dir.path(),
        &[
            "check",
            "--in-project",
            "-",
            "--stdin-filename",
            "Dockerfile",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_baseline_written_by_a_full_check_applies() {
    let dir = repository();
    let written = deploylint(
        dir.path(),
        &["check", "--write-baseline", "baseline.json", "."],
    );
    assert_eq!(written.status.code(), Some(0));
    let output = deploylint(
        dir.path(),
        &[
            "check",
            "--in-project",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            "Dockerfile",
            "tools/other.Dockerfile",
        ],
    );
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}
