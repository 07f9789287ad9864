//! Every bad input gets a located answer: a diagnostic at an exact line and column, a
//! skip note, or an I/O error, with the right exit code, and never at the expense of
//! the other files of the run.
//!
//! Each case is written into `bad/` of a fresh directory and linted twice with the
//! command-line binary: alone with only the kind's syntax rule (for the exit code), and
//! beside the witness files of `ok/` with every rule (the witnesses must keep exactly
//! the diagnostics they have on their own, and no message may be an internal error).
//! Only syntax-rule (`*000`) diagnostics of the bad file are compared, so that rules
//! added later do not change these expectations.
//!
//! Adding a file kind is one entry in [`KINDS`].

#![cfg(all(feature = "cli", target_os = "linux"))]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A file kind and what its bad inputs must give.
struct Kind {
    /// The name the case files are written under.
    file_name: &'static str,
    /// A name that is not UTF-8 but still of this kind, if the kind has one (gunicorn
    /// configurations have fixed names).
    odd_name: Option<&'static [u8]>,
    /// The kind's syntax code; kinds without one report decoding problems in a note.
    syntax_code: Option<&'static str>,
    /// A file of only comments.
    comments: &'static str,
    /// A file with one syntax error after a line holding non-ASCII text.
    broken: &'static str,
    /// The outcome of [`Kind::broken`], as [`outcome`] formats it (`{path}` is replaced).
    broken_outcome: &'static [&'static str],
    /// The outcome of [`Kind::broken`] with lone `\r` line endings, when the kind's own
    /// tool does not break lines there; `None` when it is the same as with `\n`.
    lone_cr_outcome: Option<&'static [&'static str]>,
    /// A valid chunk, repeated to build large files.
    filler: &'static str,
    /// More inputs of this kind and their outcomes: 100,000-deep nesting, unterminated
    /// constructs, alias bombs.
    cases: &'static [Case],
}

/// One more input of a kind: what it is, how to make it, and its outcome.
type Case = (&'static str, fn() -> String, &'static [&'static str]);

const DEPTH: usize = 100_000;

fn nested(open: &str, middle: &str, close: &str, prefix: &str) -> String {
    format!(
        "{prefix}{}{middle}{}\n",
        open.repeat(DEPTH),
        close.repeat(DEPTH)
    )
}

fn alias_bomb() -> String {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let previous = format!("*a{}", i - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{items}]\n"));
    }
    text
}

static KINDS: &[Kind] = &[
    Kind {
        file_name: "Dockerfile",
        odd_name: Some(b"Dockerfile.\xFF"),
        syntax_code: Some("DF000"),
        comments: "# only comments\n# here\n",
        broken: "# café 🚀\nFROM python:3.12-slim\nCMD [\"uvicorn\", \"app:app\"\n",
        broken_outcome: &["{path}: DF000 3:5 [39..60] unterminated JSON array (no closing \"]\")"],
        lone_cr_outcome: None,
        filler: "RUN echo hello\n",
        cases: &[
            // Docker itself reads JSON nested this deep as shell form (Go's decoder stops
            // at depth 10,000), and so does the parser: no error.
            (
                "deep JSON array",
                || nested("[", "\"a\"", "]", "FROM python:3.12-slim\nCMD "),
                &[],
            ),
            (
                "deep unclosed JSON array",
                || nested("[", "", "", "FROM python:3.12-slim\nCMD "),
                &[],
            ),
            (
                "deep subshells",
                || nested("(", "true", ")", "FROM python:3.12-slim\nRUN "),
                &[],
            ),
            (
                "deep command substitutions",
                || nested("$(", "true", ")", "FROM python:3.12-slim\nRUN "),
                &[],
            ),
            (
                "deep parameter expansions",
                || nested("${a:-", "x", "}", "FROM python:3.12-slim\nRUN echo "),
                &[],
            ),
            (
                "unterminated heredoc",
                || "FROM python:3.12-slim\nRUN <<EOF\necho hi\n".to_string(),
                &[
                    "{path}: DF000 2:5 [26..31] unterminated heredoc \"EOF\" (no line \"EOF\" before the end of the file)",
                ],
            ),
            (
                "unterminated string",
                || "FROM python:3.12-slim\nENV A=\"abc\n".to_string(),
                &["{path}: DF000 2:7 [28..32] unterminated quote in ENV value"],
            ),
        ],
    },
    Kind {
        file_name: ".dockerignore",
        odd_name: Some(b"\xFF.dockerignore"),
        syntax_code: Some("DI000"),
        comments: "# only comments\n# here\n",
        broken: "# café 🚀\n.env\nbuild[0-\n",
        broken_outcome: &["{path}: DI000 3:6 [23..26] `[` is never closed"],
        // Docker breaks lines only at `\n`: the whole file is one comment line.
        lone_cr_outcome: Some(&[
            "{path}: DI000 1:9 [12..13] carriage return without a line feed: Docker breaks lines only at line feeds, so the text after it stays on this line",
        ]),
        filler: "build/\n",
        cases: &[
            (
                "deep character classes",
                || nested("[", "", "", ""),
                &[
                    "{path}: DI000 1:1 [0..100000] line is 64 KiB or longer: Docker cannot read this file",
                ],
            ),
            (
                "unterminated character class",
                || "a[\\".to_string(),
                &["{path}: DI000 1:2 [1..3] `[` is never closed"],
            ),
        ],
    },
    Kind {
        file_name: "run.sh",
        odd_name: Some(b"run\xFF.sh"),
        syntax_code: None,
        comments: "#!/bin/sh\n# only comments\n",
        // Scripts are read for what Dockerfile rules need; their syntax is not checked.
        broken: "# café 🚀\necho \"unterminated\n",
        broken_outcome: &[],
        lone_cr_outcome: None,
        filler: "echo hello\n",
        cases: &[
            ("deep subshells", || nested("(", "true", ")", ""), &[]),
            ("deep groups", || nested("{ ", "true;", " }", ""), &[]),
            (
                "deep command substitutions",
                || nested("$(", "true", ")", "echo "),
                &[],
            ),
            (
                "deep quoted substitutions",
                || nested("\"$(", "true", ")\"", "echo "),
                &[],
            ),
            ("deep backquotes", || nested("`", "", "", "echo "), &[]),
            (
                "deep parameter expansions",
                || nested("${a:-", "x", "}", "echo "),
                &[],
            ),
            (
                "unterminated heredoc",
                || "cat <<EOF\nhi\n".to_string(),
                &[],
            ),
            ("unterminated string", || "echo 'abc\n".to_string(), &[]),
        ],
    },
    Kind {
        file_name: "deploy.yaml",
        odd_name: Some(b"deploy\xFF.yaml"),
        syntax_code: Some("K8S000"),
        comments: "# only comments\n# here\n",
        broken: "# café 🚀\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: é\n  name: x\n",
        broken_outcome: &[
            "{path}: K8S000 6:3 [67..71] duplicate key `name` (first defined on line 5); only the last value is used",
        ],
        lone_cr_outcome: None,
        filler: "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler\ndata:\n  a: b\n",
        cases: &[
            (
                "deep flow sequences",
                || nested("[", "x", "]", "apiVersion: v1\nkind: ConfigMap\nx: "),
                &["{path}: K8S000 3:259 [289..290] recursion limit exceeded"],
            ),
            (
                "deep flow mappings",
                || nested("{a: ", "x", "}", "apiVersion: v1\nkind: ConfigMap\nx: "),
                &["{path}: K8S000 3:1024 [1054..1055] recursion limit exceeded"],
            ),
            (
                "alias bomb",
                alias_bomb,
                &[
                    "{path}: K8S000 11:47 [391..394] aliases expand this document to more than 1000000 nodes (alias bomb)",
                ],
            ),
            (
                "unterminated flow mapping",
                || "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n".to_string(),
                &[
                    "{path}: K8S000 4:1 [50..50] while parsing a flow mapping, did not find expected ',' or '}'",
                ],
            ),
            (
                "unterminated flow sequence",
                || "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x, y\n".to_string(),
                &["{path}: K8S000 5:1 [55..55] while parsing a flow sequence, expected ',' or ']'"],
            ),
            (
                "unterminated string",
                || "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\n".to_string(),
                &[
                    "{path}: K8S000 4:9 [49..50] while scanning a quoted scalar, found unexpected end of stream",
                ],
            ),
            (
                "tabs in indentation",
                || "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n".to_string(),
                &[
                    "{path}: K8S000 4:2 [42..43] tabs disallowed within this context (block indentation)",
                ],
            ),
        ],
    },
    Kind {
        file_name: "gunicorn.conf.py",
        odd_name: None,
        syntax_code: Some("GU000"),
        comments: "# only comments\n# here\n",
        broken: "# café 🚀\nimport os\nworkers = (1,\n",
        broken_outcome: &["{path}: GU000 4:1 [37..37] unexpected EOF while parsing"],
        lone_cr_outcome: None,
        filler: "workers = 4\n",
        cases: &[
            // Parentheses only group: the tree does not nest, and nothing is reported.
            ("deep parentheses", || nested("(", "1", ")", "x = "), &[]),
            (
                "deep unclosed lists",
                || nested("[", "", "", "x = "),
                &[
                    "{path}: GU000 1:1004 [1003..100005] code nested more than 1000 levels deep; this statement is not analysed",
                    "{path}: GU000 2:1 [100005..100005] unexpected EOF while parsing",
                ],
            ),
            (
                "unterminated string",
                || "workers = 2\nbind = \"0.0.0.0:80\nx = 1\n".to_string(),
                &["{path}: GU000 2:8 [19..30] missing closing quote in string literal"],
            ),
            (
                "unterminated triple-quoted string",
                || "x = \"\"\"abc\n".to_string(),
                &["{path}: GU000 1:5 [4..11] missing closing quote in string literal"],
            ),
        ],
    },
    Kind {
        file_name: "api.service",
        odd_name: Some(b"api\xFF.service"),
        syntax_code: Some("SD000"),
        comments: "# only comments\n; here\n",
        broken: "# café 🚀\n[Service]\nExecStart=/usr/bin/gunicorn app:app\n[Unit\n",
        broken_outcome: &[
            "{path}: SD000 4:1 [59..64] bad section header: it must be `[Name]` alone on its line",
        ],
        // Unit files break lines only at `\n`: the whole file is one comment line.
        lone_cr_outcome: Some(&[]),
        filler: "[Service]\nExecStart=/usr/bin/gunicorn app:app\n",
        cases: &[
            (
                "deep subshells in ExecStart",
                || {
                    format!(
                        "[Service]\nExecStart=/bin/sh -c '{}true{}'\n",
                        "(".repeat(DEPTH),
                        ")".repeat(DEPTH)
                    )
                },
                &[],
            ),
            (
                "unterminated string",
                || "[Service]\nExecStart=/bin/echo \"abc\n".to_string(),
                &["{path}: SD000 2:21 [30..31] unterminated `\"` quote"],
            ),
            (
                "unterminated continuation",
                || "[Service]\nExecStart=/bin/echo a \\\n".to_string(),
                &[
                    "{path}: SD000 2:23 [32..33] the last line ends with `\\`: the continuation has no next line",
                ],
            ),
        ],
    },
    Kind {
        file_name: "compose.yaml",
        odd_name: Some(b"compose\xFF.yaml"),
        syntax_code: Some("DC000"),
        comments: "# only comments\n# here\n",
        broken: "# café 🚀\nservices:\n  api:\n    image: x\n    image: y\n",
        broken_outcome: &[
            "{path}: DC000 5:5 [47..52] duplicate key `image` (first defined on line 4); only the last value is used",
        ],
        lone_cr_outcome: None,
        filler: "services:\n  api:\n    image: api:1\n",
        cases: &[
            (
                "deep flow sequences",
                || nested("[", "", "", "services:\n  api:\n    command: "),
                &["{path}: DC000 3:269 [285..286] recursion limit exceeded"],
            ),
            (
                "unterminated flow mapping",
                || "services:\n  api: {image: x\n".to_string(),
                &[
                    "{path}: DC000 3:1 [27..27] while parsing a flow mapping, did not find expected ',' or '}'",
                ],
            ),
        ],
    },
];

// ---------------------------------------------------------------------------------------
// Running the binary.

/// One run of the binary.
struct Run {
    exit: i32,
    json: Value,
}

/// Runs `deploylint check --isolated --format json <args>` in `dir`, failing the test
/// after 60 seconds instead of hanging.
fn check(dir: &Path, args: &[&OsStr]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .args(["check", "--isolated", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run deploylint");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("poll deploylint").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("deploylint hung on {args:?} in {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("deploylint output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run {
        exit: output.status.code().expect("an exit code"),
        json,
    }
}

fn os(text: &str) -> &OsStr {
    OsStr::new(text)
}

/// Every answer of a run about paths under `prefix`, one line each:
/// `path: CODE line:column [start..end] message` for syntax-rule diagnostics,
/// `path: note: message`, `path: error: message`.
fn outcome(run: &Run, prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for d in run.json["diagnostics"].as_array().expect("diagnostics") {
        let path = d["path"].as_str().expect("path");
        let code = d["code"].as_str().expect("code");
        if !path.starts_with(prefix) || !code.ends_with("000") {
            continue;
        }
        lines.push(format!(
            "{path}: {code} {}:{} [{}..{}] {}",
            d["start"]["line"],
            d["start"]["column"],
            d["span"]["start"],
            d["span"]["end"],
            d["message"].as_str().expect("message")
        ));
    }
    for (key, label) in [("notes", "note"), ("errors", "error")] {
        for n in run.json[key].as_array().expect(key) {
            let path = n["path"].as_str().expect("path");
            if path.starts_with(prefix) {
                lines.push(format!(
                    "{path}: {label}: {}",
                    n["message"].as_str().expect("message")
                ));
            }
        }
    }
    lines
}

/// Every diagnostic of a run about paths under `prefix`, whatever its rule.
fn all_diagnostics(run: &Run, prefix: &str) -> Vec<String> {
    run.json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["path"].as_str().is_some_and(|p| p.starts_with(prefix)))
        .map(|d| {
            format!(
                "{}: {} {}:{} {}",
                d["path"].as_str().unwrap_or(""),
                d["code"].as_str().unwrap_or(""),
                d["start"]["line"],
                d["start"]["column"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Fails if any message of the run is an internal error (the panic net was reached).
fn assert_no_internal_error(run: &Run) {
    let text = run.json.to_string();
    assert!(
        !text.contains("internal error"),
        "the panic net was reached: {text}"
    );
}

// ---------------------------------------------------------------------------------------
// The witnesses: one file of each kind with known diagnostics.

const WITNESSES: &[(&str, &str)] = &[
    (
        "ok/Dockerfile",
        "FROM python:3.12-slim\nRUNN pip install fastapi\n",
    ),
    ("ok/.dockerignore", ".env\nlogs[z-a]\n"),
    ("ok/entrypoint.sh", "#!/bin/sh\nexec gunicorn app:app\n"),
    (
        "ok/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:latest\n",
    ),
];

fn write_witnesses(root: &Path) {
    for (path, text) in WITNESSES {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write a witness");
    }
}

/// The witnesses' diagnostics when linted on their own.
fn witness_diagnostics() -> &'static [String] {
    static ALONE: OnceLock<Vec<String>> = OnceLock::new();
    ALONE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        write_witnesses(dir.path());
        let run = check(dir.path(), &[os("ok")]);
        let found = all_diagnostics(&run, "ok/");
        assert!(
            found.iter().any(|d| d.contains("DF000 2:1"))
                && found.iter().any(|d| d.contains("DI000 2:6"))
                && found.iter().any(|d| d.contains("K8S000 5:3")),
            "the witnesses have their syntax errors: {found:?}"
        );
        found
    })
}

/// What one case gave: the bad files' answers and the exit code of the lone run.
struct CaseResult {
    outcome: Vec<String>,
    exit: i32,
}

/// Builds a case with `make` (given the `bad/` directory), lints `bad/` alone with the
/// kind's syntax rule, then `bad/` and `ok/` together with every rule, and checks that
/// the second run gives the same answers about `bad/`, the witnesses' own diagnostics,
/// and no internal error anywhere.
fn run_case(kind: &Kind, make: impl FnOnce(&Path)) -> CaseResult {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).expect("mkdir bad");
    make(&bad);
    let select = kind.syntax_code.unwrap_or("DF000");
    let alone = check(dir.path(), &[os("--select"), os(select), os("bad")]);
    assert_no_internal_error(&alone);

    write_witnesses(dir.path());
    let together = check(dir.path(), &[os("bad"), os("ok")]);
    assert_no_internal_error(&together);
    assert_eq!(
        all_diagnostics(&together, "ok/"),
        witness_diagnostics(),
        "the other files keep their diagnostics"
    );
    let found = outcome(&alone, "bad/");
    assert_eq!(
        outcome(&together, "bad/"),
        found,
        "the same answers beside other files"
    );
    assert_eq!(
        together.exit,
        alone.exit.max(1),
        "the witnesses have errors, so the exit code is at least 1"
    );
    CaseResult {
        outcome: found,
        exit: alone.exit,
    }
}

/// Runs a case of one file, `bad/<kind's file name>`, holding `bytes`.
fn run_file(kind: &Kind, bytes: &[u8]) -> CaseResult {
    run_case(kind, |bad| {
        std::fs::write(bad.join(kind.file_name), bytes).expect("write the case")
    })
}

/// The expected outcome lines with `{path}` filled in.
fn expect(lines: &[&str], path: &str) -> Vec<String> {
    lines.iter().map(|l| l.replace("{path}", path)).collect()
}

/// The exit code a syntax-rule-only run gives for `expected`.
fn exit_for(expected: &[String]) -> i32 {
    if expected.iter().any(|l| l.contains(": error: ")) {
        2
    } else if expected.iter().any(|l| !l.contains(": note: ")) {
        1
    } else {
        0
    }
}

fn assert_case(kind: &Kind, what: &str, result: &CaseResult, expected: &[String]) {
    assert_eq!(result.outcome, expected, "{} / {what}", kind.file_name);
    assert_eq!(
        result.exit,
        exit_for(expected),
        "{} / {what}: exit code",
        kind.file_name
    );
}

fn bad_path(kind: &Kind) -> String {
    format!("bad/{}", kind.file_name)
}

// ---------------------------------------------------------------------------------------
// Content cases, for every kind.

#[test]
fn empty_files_and_comment_only_files_are_quiet() {
    for kind in KINDS {
        assert_case(kind, "empty", &run_file(kind, b""), &[]);
        assert_case(
            kind,
            "comments",
            &run_file(kind, kind.comments.as_bytes()),
            &[],
        );
    }
}

#[test]
fn nul_bytes_mean_binary_and_a_skip_note() {
    for kind in KINDS {
        let mut bytes = kind.broken.as_bytes().to_vec();
        bytes.extend_from_slice(b"\0\x01\x02binary");
        let expected = vec![format!(
            "{}: note: skipped: binary content (NUL bytes)",
            bad_path(kind)
        )];
        assert_case(kind, "NUL", &run_file(kind, &bytes), &expected);
    }
}

#[test]
fn invalid_utf8_is_reported_once_at_the_first_bad_byte() {
    // `# café ` is 8 bytes and 7 characters: the bad byte is at byte 8, column 8.
    let bytes = b"# caf\xC3\xA9 \xFF and \xFE again\n";
    for kind in KINDS {
        let path = bad_path(kind);
        let message = "invalid UTF-8 at byte 8; the file was read with replacement characters";
        let expected = match kind.syntax_code {
            Some(code) => vec![format!("{path}: {code} 1:8 [8..11] {message}")],
            None => vec![format!("{path}: note: {message} (line 1, column 8)")],
        };
        assert_case(kind, "invalid UTF-8", &run_file(kind, bytes), &expected);
    }
}

/// Encodes text as UTF-16 with a byte-order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

#[test]
fn byte_order_marks_and_utf16_keep_positions_in_the_text() {
    for kind in KINDS {
        let expected = expect(kind.broken_outcome, &bad_path(kind));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(kind.broken.as_bytes());
        assert_case(kind, "UTF-8 BOM", &run_file(kind, &with_bom), &expected);
        assert_case(
            kind,
            "UTF-16 LE",
            &run_file(kind, &utf16(kind.broken, false)),
            &expected,
        );
        assert_case(
            kind,
            "UTF-16 BE",
            &run_file(kind, &utf16(kind.broken, true)),
            &expected,
        );
    }
}

#[test]
fn invalid_utf16_is_reported_at_the_replacement_character() {
    // An unpaired high surrogate after `# a`, then an odd last byte.
    let mut bytes = utf16("# a", false);
    bytes.extend_from_slice(&[0x00, 0xD8]);
    bytes.extend_from_slice(&utf16("\n# b", false)[2..]);
    bytes.push(b'x');
    for kind in KINDS {
        let path = bad_path(kind);
        let message = "invalid UTF-16 (an unpaired surrogate or an odd last byte); the file was read with replacement characters";
        let expected = match kind.syntax_code {
            Some(code) => vec![format!("{path}: {code} 1:4 [3..6] {message}")],
            None => vec![format!("{path}: note: {message} (line 1, column 4)")],
        };
        assert_case(kind, "invalid UTF-16", &run_file(kind, &bytes), &expected);
    }
}

/// Byte offset of 1-based `line` and `column` (in characters) in `text`, counting `\r\n`,
/// `\r` and `\n` as line breaks: computed independently of the linter's line index.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut current = 1;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while current < line && i < bytes.len() {
        if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            current += 1;
            start = i + 1;
        }
        i += 1;
    }
    start
        + text[start..]
            .chars()
            .take(column - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// Re-derives each expected `[start..end]` of the `\n` outcome for `text` (with other
/// line endings) from its line and column.
fn respan(lines: &[String], text: &str, lf_text: &str) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let Some((head, rest)) = l.split_once(" [") else {
                return l.clone();
            };
            let (range, message) = rest.split_once("] ").expect("a span");
            let (start, end) = range.split_once("..").expect("a range");
            let (start, end): (usize, usize) = (start.parse().expect("n"), end.parse().expect("n"));
            let position = head.rsplit(' ').next().expect("line:column");
            let (line, column) = position.split_once(':').expect("line:column");
            let (line, column) = (line.parse().expect("n"), column.parse().expect("n"));
            assert_eq!(
                offset_of(lf_text, line, column),
                start,
                "the expectation is consistent: {l}"
            );
            let new_start = offset_of(text, line, column);
            // Spans in these samples never cross a line break.
            format!(
                "{head} [{new_start}..{}] {message}",
                new_start + (end - start)
            )
        })
        .collect()
}

#[test]
fn crlf_and_lone_cr_line_endings_keep_exact_spans_and_columns() {
    for kind in KINDS {
        let lf = expect(kind.broken_outcome, &bad_path(kind));
        let crlf_text = kind.broken.replace('\n', "\r\n");
        assert_case(
            kind,
            "CRLF",
            &run_file(kind, crlf_text.as_bytes()),
            &respan(&lf, &crlf_text, kind.broken),
        );
        let cr_text = kind.broken.replace('\n', "\r");
        let expected = match kind.lone_cr_outcome {
            Some(outcome) => expect(outcome, &bad_path(kind)),
            None => respan(&lf, &cr_text, kind.broken),
        };
        assert_case(
            kind,
            "lone CR",
            &run_file(kind, cr_text.as_bytes()),
            &expected,
        );
    }
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_note() {
    const SIZE: usize = 25 * 1024 * 1024;
    for kind in KINDS {
        let big = kind.filler.repeat(SIZE / kind.filler.len() + 1);
        let expected = vec![format!(
            "{}: note: skipped: {} bytes is over the size limit of 10485760 bytes",
            bad_path(kind),
            big.len()
        )];
        assert_case(kind, "25 MB", &run_file(kind, big.as_bytes()), &expected);
    }
}

#[test]
fn the_size_limit_is_configurable() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nRUNN x\n",
    )
    .expect("write");
    let linted = check(
        dir.path(),
        &[
            os("--max-file-size"),
            os("29"),
            os("--select"),
            os("DF000"),
            os("."),
        ],
    );
    assert_eq!(
        outcome(&linted, "./"),
        ["./Dockerfile: DF000 2:1 [22..26] unknown instruction \"RUNN\""],
        "29 bytes fit in 29"
    );
    assert_eq!(linted.exit, 1);
    let skipped = check(
        dir.path(),
        &[
            os("--max-file-size"),
            os("28"),
            os("--select"),
            os("DF000"),
            os("."),
        ],
    );
    assert_eq!(
        outcome(&skipped, "./"),
        ["./Dockerfile: note: skipped: 29 bytes is over the size limit of 28 bytes"]
    );
    assert_eq!(skipped.exit, 0);
    // Standard input is read only up to the limit.
    let mut child = Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .args([
            "check",
            "--isolated",
            "--format",
            "json",
            "--max-file-size",
            "10",
        ])
        .args(["--stdin-filename", "Dockerfile", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        // The command stops reading at the limit: a broken pipe is expected.
        let _ = stdin.write_all(&vec![b'#'; 1 << 20]);
    });
    let output = child.wait_with_output().expect("run");
    writer.join().expect("writer");
    let run = Run {
        exit: output.status.code().expect("exit"),
        json: serde_json::from_slice(&output.stdout).expect("json"),
    };
    assert_eq!(
        outcome(&run, ""),
        ["Dockerfile: note: skipped: over the size limit of 10 bytes"]
    );
    assert_eq!(run.exit, 0);

    std::fs::write(
        dir.path().join("deploylint.toml"),
        "max-file-size = \"20B\"\n",
    )
    .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_deploylint"))
        .args(["check", "--format", "json", "--select", "DF000", "."])
        .current_dir(dir.path())
        .output()
        .expect("run");
    let run = Run {
        exit: output.status.code().expect("exit"),
        json: serde_json::from_slice(&output.stdout).expect("json"),
    };
    assert_eq!(
        outcome(&run, "./"),
        ["./Dockerfile: note: skipped: 29 bytes is over the size limit of 20 bytes"]
    );
    assert_eq!(run.exit, 0);
}

#[test]
fn deep_nesting_unterminated_constructs_and_alias_bombs_are_located() {
    for kind in KINDS {
        for (what, make, outcome) in kind.cases {
            let started = Instant::now();
            let result = run_file(kind, make().as_bytes());
            assert_case(kind, what, &result, &expect(outcome, &bad_path(kind)));
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{} / {what} took {:?}",
                kind.file_name,
                started.elapsed()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// File-system cases, for every kind.

#[test]
fn a_directory_named_like_a_file_is_walked_not_read() {
    for kind in KINDS {
        let result = run_case(kind, |bad| {
            let dir = bad.join(kind.file_name);
            std::fs::create_dir(&dir).expect("mkdir");
            std::fs::write(dir.join(kind.file_name), kind.broken).expect("write");
        });
        let path = format!("bad/{0}/{0}", kind.file_name);
        assert_case(
            kind,
            "directory",
            &result,
            &expect(kind.broken_outcome, &path),
        );
    }
}

#[test]
fn symbolic_links_are_read_only_inside_the_walked_directory() {
    let outside = tempfile::tempdir().expect("tempdir");
    for kind in KINDS {
        let target = outside.path().join(kind.file_name);
        std::fs::write(&target, kind.broken).expect("write");
        let path = bad_path(kind);
        let note = |message: &str| vec![format!("{path}: note: skipped: {message}")];

        let looped = run_case(kind, |bad| {
            std::os::unix::fs::symlink(kind.file_name, bad.join(kind.file_name)).expect("link")
        });
        let too_many =
            "symbolic link that does not resolve (Too many levels of symbolic links (os error 40))";
        assert_case(kind, "symlink loop", &looped, &note(too_many));

        let cycle = run_case(kind, |bad| {
            std::os::unix::fs::symlink("other", bad.join(kind.file_name)).expect("link");
            std::os::unix::fs::symlink(kind.file_name, bad.join("other")).expect("link");
        });
        assert_case(kind, "symlink cycle", &cycle, &note(too_many));

        let dangling = run_case(kind, |bad| {
            std::os::unix::fs::symlink("missing", bad.join(kind.file_name)).expect("link")
        });
        let missing =
            "symbolic link that does not resolve (No such file or directory (os error 2))";
        assert_case(kind, "dangling symlink", &dangling, &note(missing));

        let escaping = run_case(kind, |bad| {
            std::os::unix::fs::symlink(&target, bad.join(kind.file_name)).expect("link")
        });
        assert_case(
            kind,
            "symlink out of the root",
            &escaping,
            &note("symbolic link to a file outside the walked directory"),
        );

        // A link inside the root to a file of another name is read under the link's name.
        let inside = run_case(kind, |bad| {
            std::fs::write(bad.join("real.txt"), kind.broken).expect("write");
            std::os::unix::fs::symlink("real.txt", bad.join(kind.file_name)).expect("link");
        });
        assert_case(
            kind,
            "symlink inside",
            &inside,
            &expect(kind.broken_outcome, &path),
        );

        // A link to a file that is read anyway adds nothing.
        let duplicate = run_case(kind, |bad| {
            std::fs::create_dir(bad.join("real")).expect("mkdir");
            std::fs::write(bad.join("real").join(kind.file_name), kind.broken).expect("write");
            std::os::unix::fs::symlink(
                Path::new("real").join(kind.file_name),
                bad.join(kind.file_name),
            )
            .expect("link");
        });
        let real = format!("bad/real/{}", kind.file_name);
        assert_case(
            kind,
            "symlink to a read file",
            &duplicate,
            &expect(kind.broken_outcome, &real),
        );

        // Links to directories are not followed (so a loop through one is harmless).
        let to_dir = run_case(kind, |bad| {
            std::os::unix::fs::symlink(".", bad.join("loop")).expect("link");
            std::os::unix::fs::symlink(outside.path(), bad.join("out")).expect("link");
        });
        assert_case(kind, "symlink to a directory", &to_dir, &[]);
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn fifos_are_skipped_never_opened() {
    for kind in KINDS {
        let walked = run_case(kind, |bad| mkfifo(&bad.join(kind.file_name)));
        let expected = vec![format!(
            "{}: note: skipped: not a regular file",
            bad_path(kind)
        )];
        assert_case(kind, "FIFO in a directory", &walked, &expected);

        // Named on the command line: still a note, and no wait for a writer.
        let dir = tempfile::tempdir().expect("tempdir");
        mkfifo(&dir.path().join(kind.file_name));
        let run = check(dir.path(), &[os(kind.file_name)]);
        assert_eq!(
            outcome(&run, ""),
            [format!(
                "{}: note: skipped: not a regular file",
                kind.file_name
            )]
        );
        assert_eq!(run.exit, 0);
    }
}

#[test]
fn names_that_are_not_utf8_are_read_and_shown_with_replacement_characters() {
    for kind in KINDS {
        let result = run_case(kind, |bad| {
            if let Some(name) = kind.odd_name {
                std::fs::write(bad.join(OsStr::from_bytes(name)), kind.broken).expect("write");
            }
            let dir = bad.join(OsStr::from_bytes(b"\xFEdir"));
            std::fs::create_dir(&dir).expect("mkdir");
            std::fs::write(dir.join(kind.file_name), kind.broken).expect("write");
        });
        let mut expected = Vec::new();
        if let Some(name) = kind.odd_name {
            let odd = String::from_utf8_lossy(name);
            expected.extend(expect(kind.broken_outcome, &format!("bad/{odd}")));
        }
        expected.extend(expect(
            kind.broken_outcome,
            &format!("bad/\u{FFFD}dir/{}", kind.file_name),
        ));
        expected.sort();
        let mut outcome = result.outcome.clone();
        outcome.sort();
        assert_eq!(outcome, expected, "{}", kind.file_name);
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn read_errors_name_the_path_and_the_os_error_and_exit_2_after_the_rest() {
    for kind in KINDS {
        let dir = tempfile::tempdir().expect("tempdir");
        write_witnesses(dir.path());
        let bad = dir.path().join("bad");
        std::fs::create_dir(&bad).expect("mkdir");
        let file = bad.join(kind.file_name);
        // Permissions do not stop root; a file whose reading fails does: this process's
        // own memory at offset 0, which is never mapped.
        let error = if running_as_root() {
            std::os::unix::fs::symlink("/proc/self/mem", &file).expect("link");
            "Input/output error (os error 5)"
        } else {
            std::fs::write(&file, kind.broken).expect("write");
            let status = Command::new("chmod")
                .arg("000")
                .arg(&file)
                .status()
                .expect("chmod");
            assert!(status.success());
            "Permission denied (os error 13)"
        };
        let path = bad_path(kind);
        let run = check(dir.path(), &[os(&path), os("ok"), os("missing")]);
        assert_no_internal_error(&run);
        assert_eq!(
            outcome(&run, "bad/"),
            [format!("{path}: error: {error}")],
            "{}",
            kind.file_name
        );
        assert_eq!(
            outcome(&run, "missing"),
            ["missing: error: No such file or directory (os error 2)"]
        );
        assert_eq!(all_diagnostics(&run, "ok/"), witness_diagnostics());
        assert_eq!(run.exit, 2);
    }
}
