use super::*;

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle present");
    Span::from_range(start..start + needle.len())
}

fn unit(text: &str) -> Unit {
    let parsed = parse(text);
    assert_eq!(parsed.errors, [], "{text}");
    parsed.tree
}

fn errors(text: &str) -> Vec<SyntaxError> {
    parse(text).errors
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(Word::as_str).collect()
}

#[test]
fn sections_keys_and_spans() {
    let text = "[Unit]\nDescription=Orders API\n\n[Service]\nUser = orders\n";
    let unit = unit(text);
    assert_eq!(unit.sections.len(), 2);
    let service = &unit.sections[1];
    assert_eq!(
        service.name,
        Spanned::new("Service".to_string(), Span::new(32, 39))
    );
    assert_eq!(service.header, Span::new(31, 40));
    let user = &service.entries[0];
    assert_eq!(
        user.key,
        Spanned::new("User".to_string(), Span::new(41, 45))
    );
    assert_eq!(
        user.value,
        Spanned::new("orders".to_string(), Span::new(48, 54))
    );
    assert_eq!(user.span, Span::new(41, 54));
    assert_eq!(service.span, Span::new(31, 54));
    assert_eq!(
        unit.get("Unit", "Description")
            .map(|e| e.value.value.as_str()),
        Some("Orders API")
    );
}

#[test]
fn repeated_keys_last_wins_and_empty_resets_lists() {
    let text = "[Service]\nType=simple\nType=notify\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\nExecStart=/bin/c\n";
    let unit = unit(text);
    assert_eq!(unit.entries("Service", "Type").len(), 2);
    assert_eq!(
        unit.get("Service", "Type").map(|e| e.value.value.as_str()),
        Some("notify")
    );
    let list: Vec<&str> = unit
        .list("Service", "ExecStart")
        .iter()
        .map(|e| e.value.value.as_str())
        .collect();
    assert_eq!(list, ["/bin/b", "/bin/c"]);
}

#[test]
fn repeated_sections_are_read_together() {
    let text = "[Service]\nUser=a\n[Install]\nWantedBy=x\n[Service]\nUser=b\n";
    let unit = unit(text);
    assert_eq!(unit.sections_named("Service").len(), 2);
    assert_eq!(
        unit.get("Service", "User").map(|e| e.value.value.as_str()),
        Some("b")
    );
}

#[test]
fn hash_and_semicolon_comments() {
    let text = "# top\n[Service]\n  ; indented\nUser=a # not a comment\n";
    let unit = unit(text);
    assert_eq!(
        unit.comments,
        [at(text, "# top", 0), at(text, "; indented", 0)]
    );
    assert_eq!(
        unit.get("Service", "User").map(|e| e.value.value.as_str()),
        Some("a # not a comment")
    );
}

#[test]
fn continuation_lines_join_with_a_space_and_map_to_the_file() {
    let text = "[Service]\nExecStart=/bin/uvicorn app:app \\\n    --reload\n";
    let unit = unit(text);
    let entry = unit.get("Service", "ExecStart").expect("ExecStart");
    assert_eq!(entry.value.value, "/bin/uvicorn app:app      --reload");
    assert_eq!(entry.value.span, Span::new(20, text.len() as u32 - 1));
    let command = &entry.exec_commands()[0];
    assert_eq!(
        texts(&command.words),
        ["/bin/uvicorn", "app:app", "--reload"]
    );
    assert_eq!(command.words[2].span, at(text, "--reload", 0));
}

#[test]
fn comments_inside_a_continuation_are_skipped() {
    let text = "[Service]\nExecStart=/bin/app \\\n# a comment\n; another\n  --flag\nUser=x\n";
    let unit = unit(text);
    let entry = unit.get("Service", "ExecStart").expect("ExecStart");
    assert_eq!(
        texts(&entry.exec_commands()[0].words),
        ["/bin/app", "--flag"]
    );
    assert_eq!(
        unit.comments,
        [at(text, "# a comment", 0), at(text, "; another", 0)]
    );
    assert_eq!(
        unit.get("Service", "User").map(|e| e.value.value.as_str()),
        Some("x")
    );
}

#[test]
fn an_even_number_of_backslashes_does_not_continue() {
    let text = "[Service]\nExecStart=/bin/echo a\\\\\nUser=x\n";
    let unit = unit(text);
    assert_eq!(
        unit.get("Service", "ExecStart")
            .map(|e| e.value.value.as_str()),
        Some("/bin/echo a\\\\")
    );
    assert!(unit.get("Service", "User").is_some());
}

#[test]
fn exec_prefixes() {
    let text = "[Service]\nExecStart=-@+/bin/uvicorn uvicorn-main app:app\nExecStartPre=!!/bin/setup\nExecStopPost=:/bin/echo $X\n";
    let unit = unit(text);
    let start = &unit.exec_start()[0].1;
    let prefixes: Vec<ExecPrefix> = start.prefixes.iter().map(|p| p.value).collect();
    assert_eq!(
        prefixes,
        [
            ExecPrefix::IgnoreFailure,
            ExecPrefix::Argv0,
            ExecPrefix::FullPrivileges
        ]
    );
    assert_eq!(start.prefixes[1].span, at(text, "@", 0));
    // With `@`, the second word is argv[0], not an argument.
    assert_eq!(texts(&start.words), ["/bin/uvicorn", "app:app"]);
    assert_eq!(start.argv0.as_ref().map(Word::as_str), Some("uvicorn-main"));
    assert_eq!(start.span, Span::new(20, at(text, "app:app", 0).end));
    let pre = &unit
        .get("Service", "ExecStartPre")
        .expect("pre")
        .exec_commands()[0];
    assert_eq!(pre.prefixes[0].value, ExecPrefix::AmbientFallback);
    assert_eq!(pre.prefixes[0].span, at(text, "!!", 0));
    let post = &unit
        .get("Service", "ExecStopPost")
        .expect("post")
        .exec_commands()[0];
    assert!(post.has_prefix(ExecPrefix::NoEnvironmentSubstitution));
    assert_eq!(texts(&post.words), ["/bin/echo", "$X"]);
    let elevated = parse("[Service]\nExecStart=!/bin/a\n").tree;
    assert!(
        elevated.exec_start()[0]
            .1
            .has_prefix(ExecPrefix::ElevatedPrivileges)
    );
}

#[test]
fn quoting_in_command_lines() {
    let text = "[Service]\nExecStart=/bin/sh -c 'exec uvicorn app:app --port \"8000\"' --opt=\"a b\" x\\ y\n";
    let unit = unit(text);
    let command = &unit.exec_start()[0].1;
    assert_eq!(
        texts(&command.words),
        [
            "/bin/sh",
            "-c",
            "exec uvicorn app:app --port \"8000\"",
            "--opt=a b",
            "x y"
        ]
    );
    // A wholly quoted word: its span includes the quotes, its value maps inside them.
    assert_eq!(
        command.words[2].span,
        at(text, "'exec uvicorn app:app --port \"8000\"'", 0)
    );
    assert_eq!(command.words[2].subspan(0..4), at(text, "exec", 0));
    let invocation = command.invocation().expect("uvicorn in sh -c");
    assert_eq!(
        invocation.server.value,
        crate::parse::command::Server::Uvicorn
    );
}

#[test]
fn c_escapes() {
    let text = "[Service]\nExecStart=/bin/echo \\x41\\101\\t \"q\\\"q\" 'it\\'s'\n";
    let unit = unit(text);
    let command = &unit.exec_start()[0].1;
    assert_eq!(texts(&command.words), ["/bin/echo", "AA\t", "q\"q", "it's"]);
}

#[test]
fn semicolon_separates_commands() {
    let text = "[Service]\nType=oneshot\nExecStart=/bin/a 1 ; -/bin/b 2 \\; 3\n";
    let unit = unit(text);
    let commands: Vec<ExecCommand> = unit.exec_start().into_iter().map(|(_, c)| c).collect();
    assert_eq!(commands.len(), 2);
    assert_eq!(texts(&commands[0].words), ["/bin/a", "1"]);
    assert_eq!(texts(&commands[1].words), ["/bin/b", "2", ";", "3"]);
    assert!(commands[1].has_prefix(ExecPrefix::IgnoreFailure));
}

#[test]
fn specifiers_and_variables_are_kept() {
    let text =
        "[Service]\nExecStart=%h/app/.venv/bin/gunicorn -w ${WORKERS} --bind unix:%t/app.sock\n";
    let unit = unit(text);
    let command = &unit.exec_start()[0].1;
    assert_eq!(
        texts(&command.words),
        [
            "%h/app/.venv/bin/gunicorn",
            "-w",
            "${WORKERS}",
            "--bind",
            "unix:%t/app.sock"
        ]
    );
}

#[test]
fn environment_with_several_quoted_assignments() {
    let text = "[Service]\nEnvironment=\"A=1\" 'B=two words' C=3\nEnvironment=PYTHONUNBUFFERED=1\n";
    let unit = unit(text);
    let env = unit.environment();
    let pairs: Vec<(&str, &str)> = env
        .iter()
        .map(|a| (a.name.value.as_str(), a.value.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("A", "1"),
            ("B", "two words"),
            ("C", "3"),
            ("PYTHONUNBUFFERED", "1")
        ]
    );
    assert_eq!(env[0].span, at(text, "\"A=1\"", 0));
    assert_eq!(env[0].name.span, at(text, "A", 0));
    assert_eq!(env[1].value.span, at(text, "two words", 0));
    assert_eq!(env[2].value.span, at(text, "3", 0));
    assert_eq!(
        unit.env_value("PYTHONUNBUFFERED").map(|a| a.value.value),
        Some("1".to_string())
    );
}

#[test]
fn environment_file_with_optional_prefix() {
    let text = "[Service]\nEnvironmentFile=-/etc/app/%i.env\nEnvironmentFile=/etc/app/base.env\n";
    let unit = unit(text);
    let files = unit.environment_files();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].path.value, "/etc/app/%i.env");
    assert_eq!(files[0].path.span, at(text, "/etc/app/%i.env", 0));
    assert_eq!(files[0].optional, Some(at(text, "-", 0)));
    assert_eq!(files[1].optional, None);
}

#[test]
fn bad_section_headers() {
    let text = "[Service\n[]\n[A] x\n";
    let found = errors(text);
    let spans: Vec<Span> = found.iter().map(|e| e.span).collect();
    assert_eq!(
        spans,
        [
            at(text, "[Service", 0),
            at(text, "[]", 0),
            at(text, "[A] x", 0)
        ]
    );
    assert_eq!(
        found[0].message,
        "bad section header: it must be `[Name]` alone on its line"
    );
}

#[test]
fn lines_without_equals_and_outside_sections() {
    let text = "User=x\n[Service]\nRestartSec 5\n";
    let found = errors(text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].span, Span::new(0, 6));
    assert!(found[0].message.contains("outside any section"));
    assert_eq!(found[1].span, at(text, "RestartSec 5", 0));
    assert_eq!(
        found[1].message,
        "expected `Key=value` or a `[Section]` header, found `RestartSec 5`"
    );
}

#[test]
fn unterminated_continuation_and_quote() {
    let text = "[Service]\nExecStart=/bin/a \"b c\nUser=x \\\n";
    let found = errors(text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].message, "unterminated `\"` quote");
    assert_eq!(found[0].span, at(text, "\"", 0));
    assert_eq!(found[1].span, at(text, "\\", 0));
}

#[test]
fn environment_word_without_equals_is_an_error() {
    let text = "[Service]\nEnvironment=A=1 B\n";
    let found = errors(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].span, at(text, "B", 0));
}

#[test]
fn crlf_and_empty_values() {
    let text = "[Service]\r\nUser=\r\nType=exec\r\n";
    let unit = unit(text);
    let user = unit.get("Service", "User").expect("User");
    assert!(user.is_empty());
    assert_eq!(user.value.span, Span::empty(16));
    assert_eq!(
        unit.get("Service", "Type").map(|e| e.value.value.as_str()),
        Some("exec")
    );
}

#[test]
fn invocation_prefers_a_known_server() {
    let text = "[Service]\nExecStart=/usr/bin/python3 /opt/warmup.py\nExecStart=/opt/venv/bin/gunicorn app:app -w 4\n";
    let unit = unit(text);
    let (_, _, invocation) = unit.invocation().expect("server");
    assert_eq!(
        invocation.server.value,
        crate::parse::command::Server::Gunicorn
    );
    assert_eq!(invocation.workers.and_then(|w| w.effective_u64()), Some(4));
}

#[test]
fn unit_types_from_paths() {
    use std::path::Path;
    assert_eq!(
        UnitType::of_path(Path::new("a/api.service")),
        UnitType::Service
    );
    assert_eq!(UnitType::of_path(Path::new("api.socket")), UnitType::Socket);
    assert_eq!(UnitType::of_path(Path::new("api.timer")), UnitType::Timer);
    assert_eq!(UnitType::of_path(Path::new("api.mount")), UnitType::Other);
}

#[test]
fn hostile_input_never_panics() {
    for text in [
        "",
        "\\",
        "[",
        "]",
        "=",
        "[S]\n=",
        "[S]\nExecStart=\"",
        "[S]\nExecStart=\\",
        "[S]\nExecStart=-@",
        "[S]\nExecStart=\\x4",
        "[S]\nExecStart=\\u12",
        "[S]\nExecStart=;;;",
        "[S]\nEnvironment='",
        "[S]\nEnvironmentFile=-",
        "[S]\nK=é\\\n\\\n",
        "\u{feff}[S]\nK=v",
    ] {
        let parsed = parse(text);
        for (_, command) in parsed.tree.exec_start() {
            let _ = command.invocation();
        }
        let _ = parsed.tree.environment();
        let _ = parsed.tree.environment_files();
    }
}

#[test]
fn long_input_is_linear() {
    let mut text = String::from("[Service]\nExecStart=/bin/a");
    for _ in 0..50_000 {
        text.push_str(" \\\n  x");
    }
    text.push('\n');
    let parsed = parse(&text);
    assert_eq!(parsed.errors, []);
    assert_eq!(parsed.tree.exec_start()[0].1.words.len(), 50_001);
}

#[test]
fn random_inputs_never_panic() {
    const ALPHABET: &[&str] = &[
        "[",
        "]",
        "=",
        "\\",
        "\n",
        "\r\n",
        " ",
        "\t",
        "\"",
        "'",
        ";",
        "#",
        "-",
        "@",
        ":",
        "+",
        "!",
        "$",
        "{",
        "}",
        "%",
        "x",
        "é",
        "\\x4",
        "\\u00",
        "ExecStart",
        "Environment",
        "EnvironmentFile",
        "[Service]",
        "uvicorn",
        "--reload",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2000 {
        let mut text = String::new();
        for _ in 0..40 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let pick = (state >> 33) as usize % ALPHABET.len();
            text.push_str(ALPHABET[pick]);
        }
        let parsed = parse(&text);
        for error in &parsed.errors {
            assert!(error.span.end as usize <= text.len(), "{text:?}");
        }
        for (_, command) in parsed.tree.exec_start() {
            for word in &command.words {
                assert!(word.span.end as usize <= text.len(), "{text:?}");
            }
            let _ = command.invocation();
        }
        let _ = parsed.tree.environment();
        let _ = parsed.tree.environment_files();
    }
}
