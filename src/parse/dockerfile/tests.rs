//! Parser tests: one per syntax feature, asserting exact values, spans and messages.

use super::*;
use crate::parse::SyntaxError;
use crate::span::{Span, Spanned};

fn sp(start: u32, end: u32) -> Span {
    Span::new(start, end)
}

fn s(value: &str, start: u32, end: u32) -> Spanned<String> {
    Spanned::new(value.to_owned(), sp(start, end))
}

/// Parses text that must have no errors.
fn ok(text: &str) -> Dockerfile {
    let parsed = parse(text);
    assert_eq!(parsed.errors, vec![], "unexpected errors for {text:?}");
    parsed.tree
}

/// The errors of parsing text, as (message, span text).
fn errs(text: &str) -> Vec<(String, String)> {
    parse(text)
        .errors
        .into_iter()
        .map(|e: SyntaxError| (e.message, e.span.text(text).to_owned()))
        .collect()
}

/// Parses every Dockerfile under `$DEPLOYLINT_DOCKERFILE_CORPUS` and lists those with
/// errors. Run with `cargo test --lib corpus -- --ignored --nocapture`.
#[test]
#[ignore = "needs a local corpus of real Dockerfiles"]
fn corpus() {
    let Ok(root) = std::env::var("DEPLOYLINT_DOCKERFILE_CORPUS") else {
        return;
    };
    let mut stack = vec![std::path::PathBuf::from(root)];
    let (mut total, mut failed, mut heredocs, mut stages, mut comments) = (0, 0, 0, 0, 0);
    let mut kinds = std::collections::BTreeMap::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if crate::source::FileKind::detect(&path) != Some(crate::source::FileKind::Dockerfile) {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            total += 1;
            let parsed = parse(&text);
            for instruction in &parsed.tree.instructions {
                *kinds
                    .entry(instruction.keyword.value.to_ascii_uppercase())
                    .or_insert(0) += 1;
                if let InstructionKind::Run(run) = &instruction.kind {
                    heredocs += run.heredocs.len();
                    if let Command::Shell { text: shell, .. } = &run.command
                        && (shell.text().contains('\n') || shell.text().contains("\\\n"))
                    {
                        println!("suspicious shell text in {}", path.display());
                    }
                }
            }
            stages += parsed.tree.stages.len();
            comments += parsed.tree.comments.len();
            if !parsed.errors.is_empty() {
                failed += 1;
                for error in parsed.errors {
                    let line = text[..error.span.start as usize].matches('\n').count() + 1;
                    println!("{}:{line}: {}", path.display(), error.message);
                }
            }
        }
    }
    println!("parsed {total} Dockerfiles, {failed} with errors");
    println!(
        "{stages} stages, {heredocs} RUN heredocs, {comments} comments, instructions: {kinds:?}"
    );
}

/// The span of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> Span {
    let start = text.find(needle).expect("needle in text");
    Span::from_range(start..start + needle.len())
}

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
fn nth(text: &str, needle: &str, n: usize) -> Span {
    let (start, _) = text.match_indices(needle).nth(n).expect("needle in text");
    Span::from_range(start..start + needle.len())
}

fn shell(command: &Command) -> (&str, Span) {
    match command {
        Command::Shell { text, span } => (text.text(), *span),
        Command::Exec { .. } => panic!("expected shell form, got {command:?}"),
    }
}

fn exec(command: &Command) -> (Vec<&str>, Span) {
    match command {
        Command::Exec { args, span } => (args.iter().map(|a| a.as_str()).collect(), *span),
        Command::Shell { .. } => panic!("expected exec form, got {command:?}"),
    }
}

fn run(instruction: &Instruction) -> &Run {
    match &instruction.kind {
        InstructionKind::Run(run) => run,
        other => panic!("expected RUN, got {other:?}"),
    }
}

fn copy(instruction: &Instruction) -> &Copy {
    match &instruction.kind {
        InstructionKind::Copy(copy) | InstructionKind::Add(copy) => copy,
        other => panic!("expected COPY/ADD, got {other:?}"),
    }
}

fn pairs(instruction: &Instruction) -> Vec<(&str, Option<&str>)> {
    match &instruction.kind {
        InstructionKind::Env(p) | InstructionKind::Label(p) | InstructionKind::Arg(p) => p
            .iter()
            .map(|kv| (kv.key.as_str(), kv.value.as_ref().map(|v| v.as_str())))
            .collect(),
        other => panic!("expected key-values, got {other:?}"),
    }
}

#[test]
fn parser_directives_are_read_from_the_header_only() {
    let text = "# syntax=docker/dockerfile:1\n#  ESCAPE = ` \n# check=skip=all\nFROM x\n";
    let tree = ok(text);
    assert_eq!(tree.directives.len(), 3);
    assert_eq!(tree.directives[0].name, s("syntax", 2, 8));
    assert_eq!(tree.directives[0].value, s("docker/dockerfile:1", 9, 28));
    assert_eq!(tree.directives[0].span, sp(0, 28));
    assert_eq!(tree.directives[1].name, s("escape", 32, 38));
    assert_eq!(tree.directives[1].value, s("`", 41, 42));
    assert_eq!(tree.directives[2].value.value, "skip=all");
    assert_eq!(tree.escape, '`');
    // A repeated directive is an error.
    assert_eq!(
        errs("# escape=`\n# escape=\\\nFROM x"),
        vec![(
            "duplicate parser directive \"escape\"".to_owned(),
            "# escape=\\".to_owned()
        )]
    );
    // A comment, blank line or unknown directive ends the header.
    for text in [
        "# hello\n# escape=`\nFROM x",
        "\n# escape=`\nFROM x",
        "# foo=bar\n# escape=`\nFROM x",
    ] {
        let tree = ok(text);
        assert_eq!(tree.escape, '\\', "{text:?}");
        assert!(tree.directives.is_empty());
        assert!(tree.comments.iter().any(|c| c.text == "escape=`"));
    }
    assert_eq!(
        errs("# escape=x\nFROM x"),
        vec![(
            "invalid escape character \"x\" (expected ` or \\)".to_owned(),
            "x".to_owned()
        )]
    );
}

#[test]
fn escape_directive_changes_line_continuation() {
    let text = "# escape=`\nFROM x\nRUN dir C:\\ `\n  && echo hi\nWORKDIR C:\\app\\\n";
    let tree = ok(text);
    let (script, span) = shell(&run(&tree.instructions[1]).command);
    assert_eq!(script, "dir C:\\   && echo hi");
    assert_eq!(span, sp(22, at(text, "echo hi").end));
    // The trailing backslash of WORKDIR is no continuation and not an escape.
    assert_eq!(
        tree.instructions[2].kind,
        InstructionKind::Workdir(Spanned::new("C:\\app\\".to_owned(), at(text, "C:\\app\\")))
    );
}

#[test]
fn comments_are_recorded_and_removed_from_continuations() {
    let text = "FROM x\n  # first\nRUN a \\\n    # inside \\\n  b # not a comment\n";
    let tree = ok(text);
    assert_eq!(
        tree.comments,
        vec![
            Comment {
                text: "first".to_owned(),
                span: at(text, "# first")
            },
            Comment {
                text: "inside \\".to_owned(),
                span: at(text, "# inside \\")
            },
        ]
    );
    let run = &tree.instructions[1];
    let (script, span) = shell(run.command_or_panic());
    assert_eq!(script, "a   b # not a comment");
    assert_eq!(span, sp(at(text, "a \\").start, text.len() as u32 - 1));
    assert_eq!(run.span, span.cover(run.keyword.span));
    // Mapped back: "b" is at its file offset.
    let Command::Shell { text: mapped, .. } = run.command_or_panic() else {
        unreachable!()
    };
    assert_eq!(mapped.to_file(4), at(text, "b #").start);
}

trait CommandOf {
    fn command_or_panic(&self) -> &Command;
}

impl CommandOf for Instruction {
    fn command_or_panic(&self) -> &Command {
        match &self.kind {
            InstructionKind::Run(run) => &run.command,
            InstructionKind::Cmd(c) | InstructionKind::Entrypoint(c) => c,
            InstructionKind::Healthcheck(Healthcheck::Cmd(c)) => c,
            other => panic!("no command in {other:?}"),
        }
    }
}

#[test]
fn continuations_allow_trailing_space_empty_lines_and_eof() {
    let text = "FROM x\nRUN a \\   \n\n   \n  b \\\n";
    let tree = ok(text);
    let instruction = &tree.instructions[1];
    let (script, _) = shell(instruction.command_or_panic());
    assert_eq!(script, "a   b");
    // The span ends after the last continuation character.
    assert_eq!(instruction.span, sp(7, text.len() as u32 - 1));
    assert_eq!(instruction.keyword, s("RUN", 7, 10));
    // A lone escape character line at the end of the file.
    let tree = ok("FROM x\n\\");
    assert_eq!(tree.instructions.len(), 1);
}

#[test]
fn run_heredoc_body_and_span() {
    let text = "FROM x\nRUN <<EOF\necho a\n  echo b\nEOF\nUSER app\n";
    let tree = ok(text);
    let instruction = &tree.instructions[1];
    let run = run(instruction);
    assert_eq!(shell(&run.command).0, "<<EOF");
    assert_eq!(run.heredocs.len(), 1);
    let doc = &run.heredocs[0];
    assert_eq!(doc.delimiter, s("EOF", 13, 16));
    assert!(!doc.strip_tabs && !doc.quoted);
    assert_eq!(doc.body.text(), "echo a\n  echo b\n");
    assert_eq!(doc.body.to_file(7), at(text, "  echo b").start);
    assert_eq!(doc.span, sp(17, at(text, "EOF\nUSER").start + 3));
    assert_eq!(instruction.span, sp(7, doc.span.end));
    assert_eq!(tree.instructions[2].keyword.value, "USER");
}

#[test]
fn heredoc_strip_tabs_and_quoted_delimiters() {
    let text = "FROM x\nRUN <<-'END' python3\n\t\tprint(1)\n\tEND\nRUN cat <<\"A\"\n$X\nA\n";
    let tree = ok(text);
    let doc = &run(&tree.instructions[1]).heredocs[0];
    assert_eq!(
        doc.delimiter,
        Spanned::new("END".to_owned(), at(text, "'END'"))
    );
    assert!(doc.strip_tabs && doc.quoted);
    assert_eq!(doc.body.text(), "print(1)\n");
    assert_eq!(doc.body.to_file(0), at(text, "print").start);
    let doc = &run(&tree.instructions[2]).heredocs[0];
    assert_eq!((doc.delimiter.as_str(), doc.quoted), ("A", true));
    assert_eq!(doc.body.text(), "$X\n");
}

#[test]
fn several_heredocs_on_one_line_are_read_in_order() {
    let text = "FROM x\nRUN <<A <<B cat\none\nA\ntwo\nB\nCMD z\n";
    let tree = ok(text);
    let docs = &run(&tree.instructions[1]).heredocs;
    let bodies: Vec<&str> = docs.iter().map(|d| d.body.text()).collect();
    assert_eq!(bodies, vec!["one\n", "two\n"]);
    assert_eq!(
        docs[1].span,
        sp(at(text, "two").start, at(text, "B\nCMD").start + 1)
    );
    assert_eq!(tree.instructions[1].span.end, docs[1].span.end);
    assert_eq!(tree.instructions.len(), 3);
}

#[test]
fn copy_heredoc_is_a_source() {
    let text = "FROM x\nCOPY --chmod=755 <<EOF /app/run.sh\n#!/bin/sh\nexec app\nEOF\n";
    let tree = ok(text);
    let copy = copy(&tree.instructions[1]);
    assert_eq!(
        copy.sources,
        vec![Spanned::new("<<EOF".to_owned(), at(text, "<<EOF"))]
    );
    assert_eq!(
        copy.destination,
        Some(Spanned::new(
            "/app/run.sh".to_owned(),
            at(text, "/app/run.sh")
        ))
    );
    // The body line starting with `#` is heredoc content, not a comment.
    assert_eq!(copy.heredocs[0].body.text(), "#!/bin/sh\nexec app\n");
    assert!(tree.comments.is_empty());
}

#[test]
fn heredoc_markers_only_where_buildkit_sees_them() {
    // Inside quotes, glued to a word, in arithmetic, a here-string, in CMD, in exec form.
    let text =
        "FROM x\nRUN echo \"<<EOF\" a<<B $((1<<2)) <<<x\nCMD cat <<EOF\nRUN [\"cat\", \"<<EOF\"]\n";
    let tree = ok(text);
    assert_eq!(tree.instructions.len(), 4);
    assert!(run(&tree.instructions[1]).heredocs.is_empty());
    assert!(run(&tree.instructions[3]).heredocs.is_empty());
}

#[test]
fn unterminated_heredoc_is_an_error_at_its_marker() {
    let text = "FROM x\nRUN cat <<EOF\nhello\nUSER app\n";
    let parsed = parse(text);
    assert_eq!(
        parsed.errors,
        vec![SyntaxError::new(
            "unterminated heredoc \"EOF\" (no line \"EOF\" before the end of the file)",
            at(text, "<<EOF"),
        )]
    );
    // The rest of the file was the body: only FROM remains.
    assert_eq!(parsed.tree.instructions.len(), 1);
    // Terminators must match exactly (no trailing spaces, tabs only with <<-).
    assert_eq!(parse("FROM x\nRUN <<EOF\nEOF \n").errors.len(), 1);
    assert_eq!(parse("FROM x\nRUN <<EOF\n\tEOF\n").errors.len(), 1);
}

#[test]
fn exec_form_with_json_escapes() {
    let text = r#"FROM x
CMD ["uvicorn", "a\tb\"c\\d\/e", "\u00e9\ud83d\ude00"]
"#;
    let tree = ok(text);
    let (args, span) = exec(tree.instructions[1].command_or_panic());
    assert_eq!(args, vec!["uvicorn", "a\tb\"c\\d/e", "é😀"]);
    assert_eq!(span, sp(11, text.len() as u32 - 1));
    let InstructionKind::Cmd(Command::Exec { args, .. }) = &tree.instructions[1].kind else {
        panic!()
    };
    assert_eq!(args[0].span, at(text, "\"uvicorn\""));
    // Exec form across a continuation.
    let text = "FROM x\nENTRYPOINT [\"a\", \\\n  \"b\"]\n";
    let tree = ok(text);
    assert_eq!(
        exec(tree.instructions[1].command_or_panic()).0,
        vec!["a", "b"]
    );
    let InstructionKind::Entrypoint(Command::Exec { args, .. }) = &tree.instructions[1].kind else {
        panic!()
    };
    assert_eq!(args[1].span, at(text, "\"b\""));
}

#[test]
fn invalid_json_falls_back_to_shell_form() {
    let text = "FROM x\nCMD ['a']\nCMD [\"a\"] b\nRUN [ -f x ] && y\n";
    let tree = ok(text);
    assert_eq!(
        shell(tree.instructions[1].command_or_panic()),
        ("['a']", at(text, "['a']"))
    );
    assert_eq!(
        shell(tree.instructions[2].command_or_panic()).0,
        "[\"a\"] b"
    );
    assert_eq!(
        shell(tree.instructions[3].command_or_panic()).0,
        "[ -f x ] && y"
    );
    // A JSON array with a non-string is an error, as in Docker.
    assert_eq!(
        errs("FROM x\nCMD [\"a\", 1]"),
        vec![(
            "the JSON array of CMD must contain only strings".to_owned(),
            "[\"a\", 1]".to_owned()
        )]
    );
}

#[test]
fn from_with_platform_and_alias() {
    let text = "from --platform=$BUILDPLATFORM python:3.12-slim As Build\n";
    let tree = ok(text);
    let instruction = &tree.instructions[0];
    assert_eq!(instruction.keyword, s("from", 0, 4));
    assert_eq!(instruction.flags.len(), 1);
    assert_eq!(instruction.flags[0].name, s("platform", 7, 15));
    assert_eq!(
        instruction.flags[0].value,
        Some(s("$BUILDPLATFORM", 16, 30))
    );
    assert_eq!(instruction.flags[0].span, sp(5, 30));
    assert_eq!(instruction.args_span, sp(31, 56));
    assert_eq!(
        instruction.kind,
        InstructionKind::From(From {
            image: s("python:3.12-slim", 31, 47),
            alias: Some(s("Build", 51, 56)),
        })
    );
    assert_eq!(
        errs("FROM\n"),
        vec![("missing an image after FROM".to_owned(), "FROM".to_owned())]
    );
    assert_eq!(
        errs("FROM a b\n"),
        vec![(
            "expected \"FROM <image> [AS <name>]\", found 2 arguments".to_owned(),
            "a b".to_owned()
        )]
    );
    assert_eq!(
        errs("FROM a AS 1x\n"),
        vec![(
            "invalid stage name \"1x\" (it must start with a letter and hold only letters, digits, \"-\", \"_\" and \".\")".to_owned(),
            "1x".to_owned()
        )]
    );
}

#[test]
fn run_flags_including_repeated_mounts() {
    let text = "FROM x\nRUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=t \\\n    --network=none --security=insecure pip install .\n";
    let tree = ok(text);
    let instruction = &tree.instructions[1];
    let names: Vec<&str> = instruction.flags.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["mount", "mount", "network", "security"]);
    assert_eq!(
        instruction.flags[1].value,
        Some(Spanned::new(
            "type=secret,id=t".to_owned(),
            at(text, "type=secret,id=t")
        ))
    );
    assert_eq!(instruction.flags[2].span, at(text, "--network=none"));
    assert_eq!(
        shell(instruction.command_or_panic()),
        ("pip install .", at(text, "pip install ."))
    );
    assert_eq!(instruction.args_span, at(text, "pip install ."));
}

#[test]
fn copy_and_add_flags_sources_and_destination() {
    let text = "FROM x\nCOPY --from=build --chown=app:app --link --parents --exclude=*.pyc a \"b c\" /dst/\nADD --checksum=sha256:abc --keep-git-dir=true --chmod=644 https://x/y.tgz /opt/\nCOPY [\"a b\", \"/d\"]\n";
    let tree = ok(text);
    let first = &tree.instructions[1];
    let names: Vec<&str> = first.flags.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["from", "chown", "link", "parents", "exclude"]);
    assert_eq!(first.flags[2].value, None);
    let c = copy(first);
    assert_eq!(
        c.sources,
        vec![
            Spanned::new(
                "a".to_owned(),
                Span::new(at(text, "a \"").start, at(text, "a \"").start + 1)
            ),
            Spanned::new("b c".to_owned(), at(text, "\"b c\"")),
        ]
    );
    assert_eq!(
        c.destination,
        Some(Spanned::new("/dst/".to_owned(), at(text, "/dst/")))
    );
    let add = &tree.instructions[2];
    assert!(matches!(add.kind, InstructionKind::Add(_)));
    assert_eq!(
        add.flags[1].value.as_ref().map(|v| v.as_str()),
        Some("true")
    );
    let c = copy(&tree.instructions[3]);
    assert_eq!(
        c.sources,
        vec![Spanned::new("a b".to_owned(), at(text, "\"a b\""))]
    );
    assert_eq!(c.destination.as_ref().map(|d| d.as_str()), Some("/d"));
    assert_eq!(
        errs("FROM x\nCOPY onlyone\n"),
        vec![(
            "missing destination in COPY (it needs a source and a destination)".to_owned(),
            "onlyone".to_owned()
        )]
    );
}

#[test]
fn env_pairs_with_quotes_and_the_legacy_form() {
    let text = "FROM x\nENV A=1 B=\"v 2\" C='$x' D=a\\ b E=\nENV LEGACY v  w\n";
    let tree = ok(text);
    assert_eq!(
        pairs(&tree.instructions[1]),
        vec![
            ("A", Some("1")),
            ("B", Some("v 2")),
            ("C", Some("$x")),
            ("D", Some("a b")),
            ("E", Some("")),
        ]
    );
    let InstructionKind::Env(env) = &tree.instructions[1].kind else {
        panic!()
    };
    let b = at(text, "B=").start;
    assert_eq!(
        env[1].key,
        Spanned::new("B".to_owned(), Span::new(b, b + 1))
    );
    assert_eq!(
        env[1].value.as_ref().map(|v| v.span),
        Some(at(text, "\"v 2\""))
    );
    assert_eq!(env[1].span, at(text, "B=\"v 2\""));
    assert_eq!(pairs(&tree.instructions[2]), vec![("LEGACY", Some("v  w"))]);
    let InstructionKind::Env(legacy) = &tree.instructions[2].kind else {
        panic!()
    };
    assert_eq!(
        legacy[0].value.as_ref().map(|v| v.span),
        Some(at(text, "v  w"))
    );
    assert_eq!(
        errs("FROM x\nENV A=1 B\n"),
        vec![(
            "expected name=value in ENV, found \"B\"".to_owned(),
            "B".to_owned()
        )]
    );
    assert_eq!(
        errs("FROM x\nENV ONLY\n"),
        vec![(
            "missing value for \"ONLY\" in ENV (write name=value)".to_owned(),
            "ONLY".to_owned()
        )]
    );
    assert_eq!(
        errs("FROM x\nENV A=\"open\n"),
        vec![(
            "unterminated quote in ENV value".to_owned(),
            "\"open".to_owned()
        )]
    );
}

#[test]
fn label_arg_expose_user_workdir_stopsignal_maintainer() {
    let text = "ARG V=1 W\nFROM x\nLABEL org.a=\"b c\" d=e\nARG PORT=8000\nEXPOSE 8000 8443/tcp\nUSER app:app\nWORKDIR \"/srv/app\"\nSTOPSIGNAL SIGQUIT\nMAINTAINER Jo <jo@x>\n";
    let tree = ok(text);
    let kinds: Vec<&InstructionKind> = tree.instructions.iter().map(|i| &i.kind).collect();
    assert_eq!(
        pairs(&tree.instructions[0]),
        vec![("V", Some("1")), ("W", None)]
    );
    assert_eq!(
        pairs(&tree.instructions[2]),
        vec![("org.a", Some("b c")), ("d", Some("e"))]
    );
    assert_eq!(pairs(&tree.instructions[3]), vec![("PORT", Some("8000"))]);
    assert_eq!(
        kinds[4],
        &InstructionKind::Expose(vec![
            Spanned::new("8000".to_owned(), nth(text, "8000", 1)),
            Spanned::new("8443/tcp".to_owned(), at(text, "8443/tcp")),
        ])
    );
    assert_eq!(
        kinds[5],
        &InstructionKind::User(Spanned::new("app:app".to_owned(), at(text, "app:app")))
    );
    assert_eq!(
        kinds[6],
        &InstructionKind::Workdir(Spanned::new(
            "/srv/app".to_owned(),
            at(text, "\"/srv/app\"")
        ))
    );
    assert_eq!(
        kinds[7],
        &InstructionKind::Stopsignal(Spanned::new("SIGQUIT".to_owned(), at(text, "SIGQUIT")))
    );
    assert_eq!(
        kinds[8],
        &InstructionKind::Maintainer(Spanned::new("Jo <jo@x>".to_owned(), at(text, "Jo <jo@x>")))
    );
    assert_eq!(
        errs("FROM x\nUSER\nEXPOSE\nARG =1\n"),
        vec![
            ("missing a user after USER".to_owned(), "USER".to_owned()),
            (
                "missing a port after EXPOSE".to_owned(),
                "EXPOSE".to_owned()
            ),
            ("empty name in ARG".to_owned(), "=1".to_owned()),
        ]
    );
}

#[test]
fn volume_json_or_words_and_shell_instruction() {
    let text = "FROM x\nVOLUME [\"/data\", \"/logs\"]\nVOLUME /a /b\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n";
    let tree = ok(text);
    let InstructionKind::Volume(json) = &tree.instructions[1].kind else {
        panic!()
    };
    assert_eq!(
        json[0],
        Spanned::new("/data".to_owned(), at(text, "\"/data\""))
    );
    let InstructionKind::Volume(words) = &tree.instructions[2].kind else {
        panic!()
    };
    let words: Vec<&str> = words.iter().map(|w| w.as_str()).collect();
    assert_eq!(words, vec!["/a", "/b"]);
    let InstructionKind::Shell(shell) = &tree.instructions[3].kind else {
        panic!()
    };
    assert_eq!(shell.len(), 4);
    assert_eq!(
        shell[0],
        Spanned::new("/bin/bash".to_owned(), at(text, "\"/bin/bash\""))
    );
    assert_eq!(
        errs("FROM x\nSHELL /bin/sh -c\n"),
        vec![(
            "expected a JSON array of strings after SHELL, such as [\"/bin/sh\", \"-c\"]"
                .to_owned(),
            "/bin/sh -c".to_owned()
        )]
    );
}

#[test]
fn healthcheck_none_and_cmd_with_flags() {
    let text = "FROM x\nHEALTHCHECK NONE\nHEALTHCHECK --interval=30s --timeout=3s --start-period=1m --start-interval=2s --retries=3 \\\n  CMD curl -f http://localhost/ || exit 1\n";
    let tree = ok(text);
    assert_eq!(
        tree.instructions[1].kind,
        InstructionKind::Healthcheck(Healthcheck::None)
    );
    let check = &tree.instructions[2];
    let flags: Vec<(&str, &str)> = check
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_ref().map_or("", |v| v.as_str())))
        .collect();
    assert_eq!(
        flags,
        vec![
            ("interval", "30s"),
            ("timeout", "3s"),
            ("start-period", "1m"),
            ("start-interval", "2s"),
            ("retries", "3")
        ]
    );
    assert_eq!(
        shell(check.command_or_panic()),
        (
            "curl -f http://localhost/ || exit 1",
            at(text, "curl -f http://localhost/ || exit 1")
        )
    );
    assert_eq!(
        errs("FROM x\nHEALTHCHECK --interval=5 CMD true\nHEALTHCHECK PING\nHEALTHCHECK CMD\n"),
        vec![
            (
                "invalid value \"5\" for flag \"--interval\" (expected a duration such as 30s or 1m30s)".to_owned(),
                "5".to_owned()
            ),
            ("unknown HEALTHCHECK type \"PING\" (expected CMD or NONE)".to_owned(), "PING".to_owned()),
            ("missing command after HEALTHCHECK CMD".to_owned(), "CMD".to_owned()),
        ]
    );
}

#[test]
fn onbuild_nests_one_instruction() {
    let text = "FROM x\nONBUILD RUN --mount=type=cache,target=/c make\n";
    let tree = ok(text);
    let InstructionKind::Onbuild(inner) = &tree.instructions[1].kind else {
        panic!()
    };
    assert_eq!(
        inner.keyword,
        Spanned::new("RUN".to_owned(), at(text, "RUN"))
    );
    assert_eq!(inner.flags[0].name.as_str(), "mount");
    assert_eq!(inner.span, sp(at(text, "RUN").start, text.len() as u32 - 1));
    assert_eq!(shell(inner.command_or_panic()).0, "make");
    assert_eq!(
        errs("FROM x\nONBUILD ONBUILD RUN a\nONBUILD FROM y\nONBUILD\n"),
        vec![
            (
                "nested ONBUILD is not allowed".to_owned(),
                "ONBUILD".to_owned()
            ),
            (
                "an ONBUILD trigger cannot be FROM".to_owned(),
                "FROM".to_owned()
            ),
            (
                "missing an instruction after ONBUILD".to_owned(),
                "ONBUILD".to_owned()
            ),
        ]
    );
}

#[test]
fn unknown_instructions_and_bad_flags_are_errors_and_parsing_resumes() {
    let text = "FROM x\nRUNN echo \\\n  more\nCOPY --form=a b c\nRUN --mount echo\nCOPY --from=a --from=b x y\nADD --link=maybe a b\nCMD --help\nUSER app\n";
    assert_eq!(
        errs(text),
        vec![
            ("unknown instruction \"RUNN\"".to_owned(), "RUNN".to_owned()),
            (
                "unknown flag \"--form\" for COPY".to_owned(),
                "--form=a".to_owned()
            ),
            (
                "flag \"--mount\" needs a value (--mount=...)".to_owned(),
                "--mount".to_owned()
            ),
            (
                "flag \"--from\" given more than once".to_owned(),
                "--from=b".to_owned()
            ),
            (
                "invalid value \"maybe\" for flag \"--link\" (expected true or false)".to_owned(),
                "maybe".to_owned()
            ),
            (
                "unknown flag \"--help\" for CMD".to_owned(),
                "--help".to_owned()
            ),
        ]
    );
    let tree = parse(text).tree;
    let keywords: Vec<&str> = tree
        .instructions
        .iter()
        .map(|i| i.keyword.as_str())
        .collect();
    assert_eq!(keywords, vec!["FROM", "USER"]);
}

#[test]
fn blank_lines_crlf_and_lone_cr() {
    let text = "FROM x\r\n   \t\r\nRUN a \\\r\n  b\r\n\rUSER app\rCMD run\n";
    let tree = ok(text);
    let keywords: Vec<&str> = tree
        .instructions
        .iter()
        .map(|i| i.keyword.as_str())
        .collect();
    assert_eq!(keywords, vec!["FROM", "RUN", "USER", "CMD"]);
    assert_eq!(shell(tree.instructions[1].command_or_panic()).0, "a   b");
    assert_eq!(tree.instructions[1].span, sp(14, 26));
    assert_eq!(
        tree.instructions[2].kind,
        InstructionKind::User(s("app", 34, 37))
    );
    let heredoc = ok("FROM x\r\nRUN <<EOF\r\nhi\r\nEOF\r\n");
    assert_eq!(
        run(&heredoc.instructions[1]).heredocs[0].body.text(),
        "hi\r\n"
    );
}

#[test]
fn a_byte_order_mark_does_not_break_parsing() {
    let text = "\u{feff}# escape=`\nFROM x\n";
    let tree = ok(text);
    assert_eq!(tree.escape, '`');
    assert_eq!(tree.instructions[0].keyword, s("FROM", 14, 18));
}

#[test]
fn instructions_before_the_first_from_other_than_arg() {
    assert_eq!(
        errs("ARG A\nRUN x\nFROM y\n"),
        vec![(
            "instruction RUN before the first FROM (only ARG may come before FROM)".to_owned(),
            "RUN".to_owned()
        )]
    );
}

#[test]
fn stages_resolve_bases_with_global_args() {
    let text = "ARG BASE=python:3.12-slim\nARG TAG\nFROM ${BASE} AS Builder\nRUN a\nFROM builder AS test\nFROM scratch\nFROM python:${TAG}\nFROM ${NOPE:-alpine}\n";
    let tree = ok(text);
    let bases: Vec<&StageBase> = tree.stages.iter().map(|s| &s.base).collect();
    assert_eq!(
        bases,
        vec![
            &StageBase::Image("python:3.12-slim".to_owned()),
            &StageBase::Stage(0),
            &StageBase::Scratch,
            // TAG has no default: the image stays as written.
            &StageBase::Image("python:${TAG}".to_owned()),
            &StageBase::Image("alpine".to_owned()),
        ]
    );
    assert_eq!(
        tree.stages[0],
        Stage {
            index: 0,
            name: Some(Spanned::new("Builder".to_owned(), at(text, "Builder"))),
            from: 2,
            end: 4,
            base: StageBase::Image("python:3.12-slim".to_owned()),
        }
    );
    assert_eq!((tree.stages[4].from, tree.stages[4].end), (7, 8));
    assert_eq!(tree.final_stage().map(|s| s.index), Some(4));
    assert_eq!(tree.stage_instructions(&tree.stages[0]).len(), 2);
    assert_eq!(tree.stage_by_name("BUILDER").map(|s| s.index), Some(0));
    assert_eq!(tree.stage_of(3).map(|s| s.index), Some(0));
    assert_eq!(tree.stage_of(0), None);
}

#[test]
fn stage_inheritance_of_env_user_and_workdir() {
    let text = "FROM python AS base\nENV A=1 B=2\nUSER app\nWORKDIR /srv\nFROM base AS mid\nENV A=3\nWORKDIR app\nFROM mid\nENV C=4\nFROM python\n";
    let tree = ok(text);
    assert_eq!(tree.stage_ancestry(2), vec![2, 1, 0]);
    assert_eq!(tree.stage_ancestry(3), vec![3]);
    assert_eq!(tree.stage_ancestry(99), Vec::<usize>::new());
    let env: Vec<(&str, &str)> = tree
        .effective_env(2)
        .into_iter()
        .map(|kv| {
            (
                kv.key.as_str(),
                kv.value.as_ref().map_or("", |v| v.as_str()),
            )
        })
        .collect();
    assert_eq!(env, vec![("B", "2"), ("A", "3"), ("C", "4")]);
    assert_eq!(
        tree.effective_user(2),
        Some(&Spanned::new("app".to_owned(), nth(text, "app", 0)))
    );
    assert_eq!(tree.effective_user(3), None);
    let relative = at(text, "app\nFROM mid").start;
    assert_eq!(
        tree.effective_workdir(2),
        Some(Spanned::new(
            "/srv/app".to_owned(),
            Span::new(relative, relative + 3)
        ))
    );
    assert!(tree.effective_env(3).is_empty());
}

#[test]
fn arg_scoping_per_stage() {
    let text = "ARG VERSION=1.0 OTHER\nFROM python\nRUN a\nARG VERSION\nARG LOCAL=x\nRUN b\nFROM python\nRUN c\n";
    let tree = ok(text);
    let globals: Vec<&str> = tree
        .global_args()
        .iter()
        .map(|kv| kv.key.as_str())
        .collect();
    assert_eq!(globals, vec!["VERSION", "OTHER"]);
    // Before the redeclaration, no ARG is visible in the stage.
    assert!(tree.args_in_scope(0, 2).is_empty());
    let scope: Vec<(&str, Option<&str>)> = tree
        .args_in_scope(0, 5)
        .iter()
        .map(|arg| {
            (
                arg.declaration.key.as_str(),
                arg.default.map(|d| d.as_str()),
            )
        })
        .collect();
    assert_eq!(scope, vec![("VERSION", Some("1.0")), ("LOCAL", Some("x"))]);
    // ARGs of one stage are not visible in another.
    assert!(tree.args_in_scope(1, 7).is_empty());
}

#[test]
fn robustness_garbage_and_pathological_inputs() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet =
        b"RUN FROM COPY <<EOF\n\r\\`\"'[]{}$#=-- \t\xc3\xa9 ENV ARG ONBUILD HEALTHCHECK CMD";
    for round in 0..300 {
        let len = 1 + round % 200;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let text = String::from_utf8_lossy(&bytes);
        let parsed = parse(&text);
        for error in &parsed.errors {
            assert!(error.span.end as usize <= text.len());
            assert!(!error.message.ends_with('.'));
        }
        for instruction in &parsed.tree.instructions {
            assert!(instruction.span.end as usize <= text.len());
        }
        let _ = parse(&format!("# escape=`\n{text}"));
    }
    // Deeply repeated continuations: one logical line.
    let text = format!("FROM x\nRUN a{}\n", " \\\n b".repeat(50_000));
    let tree = ok(&text);
    assert_eq!(tree.instructions.len(), 2);
    let text = format!("FROM x\nRUN a{}", " \\\n".repeat(50_000));
    assert_eq!(ok(&text).instructions.len(), 2);
    // A heredoc never closed, a `[` never closed, an unclosed quote, a lone marker.
    assert_eq!(parse("FROM x\nRUN <<EOF\n").errors.len(), 1);
    let text = "FROM x\nCMD [\"a\", \"b\"\nUSER u\nRUN [ -f x\n";
    assert_eq!(
        errs(text),
        vec![(
            "unterminated JSON array (no closing \"]\")".to_owned(),
            "[\"a\", \"b\"".to_owned()
        )]
    );
    assert_eq!(parse(text).tree.instructions.len(), 3);
    assert!(!parse("FROM x\nENV A=\"b\nCOPY 'a b\n").errors.is_empty());
    assert_eq!(ok("FROM x\nRUN echo <<\n").instructions.len(), 2);
    // Non-ASCII everywhere, and a BOM in the middle.
    let tree = ok("FROM é\nLABEL é=\"ü\" \u{feff}x=y\nRUN échö \\\n  ü\n");
    assert_eq!(tree.instructions.len(), 3);
}

#[test]
fn heredoc_marker_after_a_continuation_keeps_body_lines_raw() {
    let text = "FROM x\nRUN --mount=type=secret,id=t \\\n    <<EOF\necho a \\\n# not a comment\nEOF\nUSER u\n";
    let tree = ok(text);
    let instruction = &tree.instructions[1];
    assert_eq!(
        instruction.flags[0].value.as_ref().map(|v| v.as_str()),
        Some("type=secret,id=t")
    );
    let run = run(instruction);
    assert_eq!(shell(&run.command), ("<<EOF", at(text, "<<EOF")));
    assert_eq!(
        run.heredocs[0].delimiter,
        Spanned::new("EOF".to_owned(), nth(text, "EOF", 0))
    );
    assert_eq!(run.heredocs[0].body.text(), "echo a \\\n# not a comment\n");
    assert!(tree.comments.is_empty());
    assert_eq!(tree.instructions[2].keyword.as_str(), "USER");
}

#[test]
fn stages_resolve_to_the_first_of_a_name_and_every_instruction_to_its_stage() {
    let text = "ARG V=1\nFROM a AS one\nRUN x\nFROM b AS One\nFROM ONE AS two\nRUN y\nRUN z\n";
    let tree = parse(text).tree;
    let bases: Vec<_> = tree.stages.iter().map(|s| s.base.clone()).collect();
    assert_eq!(
        bases,
        [
            StageBase::Image("a".into()),
            StageBase::Image("b".into()),
            StageBase::Stage(0),
        ]
    );
    let owners: Vec<Option<usize>> = (0..8).map(|i| tree.stage_of(i).map(|s| s.index)).collect();
    assert_eq!(
        owners,
        [
            None,
            Some(0),
            Some(0),
            Some(1),
            Some(2),
            Some(2),
            Some(2),
            None
        ]
    );
}
