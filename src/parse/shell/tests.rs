use super::*;

/// Each command's words joined by a space.
fn words(script: &Script) -> Vec<String> {
    script
        .commands
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn parse0(text: &str) -> Script {
    parse_str(text, 0)
}

/// The span of the `nth` occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle present");
    Span::from_range(start..start + needle.len())
}

#[test]
fn splits_plain_words_with_exact_spans() {
    let text = "uvicorn  app:app --port 80";
    let script = parse_str(text, 100);
    assert!(script.errors.is_empty());
    let command = &script.commands[0];
    assert_eq!(command.name(), Some("uvicorn"));
    assert_eq!(command.args().len(), 3);
    assert_eq!(command.words[1].span, Span::new(109, 116));
    assert_eq!(command.words[3].span, Span::new(124, 126));
    assert_eq!(command.span, Span::new(100, 126));
    assert_eq!(command.connector, None);
}

#[test]
fn single_quotes_keep_everything_literal() {
    let text = r#"echo 'a $B "c"'"#;
    let script = parse0(text);
    let word = &script.commands[0].words[1];
    assert_eq!(word.text, r#"a $B "c""#);
    assert!(word.quoted);
    assert!(!word.has_expansion);
    assert_eq!(word.span, Span::new(5, 15));
    assert_eq!(word.subspan(0..1), Span::new(6, 7));
}

#[test]
fn double_quotes_process_escapes_and_keep_expansions() {
    let text = r#"echo "a \"b\" \$c $D \x""#;
    let script = parse0(text);
    let word = &script.commands[0].words[1];
    assert_eq!(word.text, r#"a "b" $c $D \x"#);
    assert!(word.has_expansion);
    let expansions: Vec<_> = word.expansions().collect();
    assert_eq!(expansions, vec![(9..11, "$D")]);
    assert_eq!(word.subspan(9..11), at(text, "$D", 0));
}

#[test]
fn backslash_outside_quotes_escapes_one_character() {
    let script = parse0(r"echo a\ b \$HOME c\\d");
    assert_eq!(words(&script), [r"echo a b $HOME c\d"]);
    assert!(!script.commands[0].words[2].has_expansion);
}

#[test]
fn line_continuation_joins_words() {
    let script = parse0("echo ab\\\ncd \\\n  ef");
    assert_eq!(words(&script), ["echo abcd ef"]);
    assert_eq!(script.commands[0].words[1].span, Span::new(5, 11));
}

#[test]
fn ansi_c_quotes_decode_common_escapes() {
    let script = parse0(r"printf $'a\tb\'c'");
    assert_eq!(script.commands[0].words[1].text, "a\tb'c");
}

#[test]
fn operators_set_connectors() {
    let script = parse0("a && b || c; d | e & f\ng");
    assert_eq!(words(&script), ["a", "b", "c", "d", "e", "f", "g"]);
    let connectors: Vec<_> = script.commands.iter().map(|c| c.connector).collect();
    assert_eq!(
        connectors,
        [
            None,
            Some(Connector::And),
            Some(Connector::Or),
            Some(Connector::Sequence),
            Some(Connector::Pipe),
            Some(Connector::Background),
            Some(Connector::Sequence),
        ]
    );
    assert!(script.commands[4].background);
    assert!(!script.commands[5].background);
}

#[test]
fn newline_after_and_keeps_the_and_connector() {
    let script = parse0("a &&\n\n  b");
    assert_eq!(script.commands[1].connector, Some(Connector::And));
    assert!(script.errors.is_empty());
}

#[test]
fn comments_are_skipped_only_at_word_start() {
    let script = parse0("echo a#b # comment && x\nnext");
    assert_eq!(words(&script), ["echo a#b", "next"]);
}

#[test]
fn redirections_are_separated_from_words() {
    let text = "gunicorn app >/dev/null 2>&1 &>log <in >> out";
    let script = parse0(text);
    let command = &script.commands[0];
    assert_eq!(words(&script), ["gunicorn app"]);
    let kinds: Vec<_> = command
        .redirects
        .iter()
        .map(|r| (r.fd, r.kind, r.target.as_ref().map(|t| t.text.clone())))
        .collect();
    assert_eq!(
        kinds,
        [
            (None, RedirectKind::Output, Some("/dev/null".to_string())),
            (
                Some(2),
                RedirectKind::DuplicateOutput,
                Some("1".to_string())
            ),
            (None, RedirectKind::OutputAll, Some("log".to_string())),
            (None, RedirectKind::Input, Some("in".to_string())),
            (None, RedirectKind::Append, Some("out".to_string())),
        ]
    );
    assert_eq!(command.redirects[1].span, at(text, "2>&1", 0));
    assert_eq!(command.span, Span::new(0, text.len() as u32));
}

#[test]
fn redirection_may_come_first() {
    let script = parse0(">out echo hi");
    assert_eq!(words(&script), ["echo hi"]);
    assert_eq!(script.commands[0].redirects.len(), 1);
}

#[test]
fn missing_redirection_target_is_an_error() {
    let script = parse0("echo >");
    assert_eq!(script.errors[0].message, "missing redirection target");
    assert_eq!(script.errors[0].span, Span::new(5, 6));
}

#[test]
fn heredoc_bodies_are_skipped() {
    let text =
        "cat <<EOF > conf\nexec nothing\nEOF\ncat <<-'END'\n\tbody\n\tEND\nexec gunicorn app";
    let script = parse0(text);
    assert_eq!(words(&script), ["cat", "cat", "exec gunicorn app"]);
    assert_eq!(
        script.commands[0].redirects[0]
            .target
            .as_ref()
            .map(|t| t.as_str()),
        Some("EOF")
    );
    assert_eq!(
        script.commands[1].redirects[0].kind,
        RedirectKind::HeredocStripTabs
    );
    assert!(script.errors.is_empty());
}

#[test]
fn unterminated_heredoc_is_reported() {
    let script = parse0("cat <<EOF\nbody\n");
    assert_eq!(
        script.errors[0].message,
        "unterminated heredoc: missing `EOF`"
    );
    assert_eq!(script.errors[0].span, Span::new(4, 9));
}

#[test]
fn heredoc_without_body_line_is_not_an_error() {
    // A Dockerfile RUN line hands over the marker without its body.
    let script = parse0("cat <<EOF > /app/conf.py");
    assert!(script.errors.is_empty());
}

#[test]
fn assignments_before_the_command_name() {
    let script = parse0("FOO=1 BAR=\"a b\" exec app X=2");
    let command = &script.commands[0];
    let assignments: Vec<_> = command.assignments.iter().map(|w| w.as_str()).collect();
    assert_eq!(assignments, ["FOO=1", "BAR=a b"]);
    assert_eq!(words(&script), ["exec app X=2"]);
}

#[test]
fn quoted_name_is_not_an_assignment() {
    let script = parse0("\"FOO\"=1 x");
    assert!(script.commands[0].assignments.is_empty());
    assert_eq!(script.commands[0].name(), Some("FOO=1"));
}

#[test]
fn assignment_only_command() {
    let script = parse0("PORT=8000");
    assert_eq!(script.commands[0].assignments.len(), 1);
    assert_eq!(script.commands[0].name(), None);
}

#[test]
fn command_substitution_stays_in_the_word() {
    let text = r#"echo "$(cat "/a b" | tr ')' x)"done x"#;
    let script = parse0(text);
    let word = &script.commands[0].words[1];
    assert_eq!(word.text, r#"$(cat "/a b" | tr ')' x)done"#);
    assert!(word.has_expansion);
    assert_eq!(word.expansion_ranges().to_vec(), vec![0..24]);
    assert_eq!(words(&script).len(), 1);
    assert_eq!(script.commands[0].words.len(), 3);
}

#[test]
fn backquotes_and_parameter_expansions() {
    let script = parse0("X=`date` ${A:-\"}\"} $((1 + (2)))");
    let command = &script.commands[0];
    assert_eq!(command.assignments[0].text, "X=`date`");
    assert!(command.assignments[0].has_expansion);
    assert_eq!(command.words[0].text, "${A:-\"}\"}");
    assert_eq!(command.words[1].text, "$((1 + (2)))");
}

#[test]
fn special_parameters_are_expansions() {
    let script = parse0(r#"exec "$@" $1 $$"#);
    let command = &script.commands[0];
    assert_eq!(command.words[1].text, "$@");
    assert!(command.words[1].has_expansion);
    assert!(command.words[2].has_expansion);
    assert!(command.words[3].has_expansion);
}

#[test]
fn lone_dollar_is_literal() {
    let script = parse0("echo $ a$");
    assert!(!script.commands[0].words[1].has_expansion);
    assert_eq!(script.commands[0].words[2].text, "a$");
}

#[test]
fn if_then_else_yields_inner_commands() {
    let script = parse0("if [ -f x ]; then exec gunicorn app:app; elif b; then c; else d; fi");
    assert_eq!(
        words(&script),
        ["[ -f x ]", "exec gunicorn app:app", "b", "c", "d"]
    );
    assert_eq!(script.commands[1].depth, 1);
    assert!(script.errors.is_empty());
}

#[test]
fn loops_skip_the_for_header() {
    let script = parse0(
        "for f in a b $(ls); do echo $f; done\nwhile true; do sleep 1; done\nuntil x\ndo y\ndone\nfor i do z; done",
    );
    assert_eq!(
        words(&script),
        ["echo $f", "true", "sleep 1", "x", "y", "z"]
    );
    assert!(script.errors.is_empty());
}

#[test]
fn case_patterns_are_skipped() {
    let text = "case \"$1\" in\n  web|api) exec gunicorn app ;;\n  (worker) exec celery ;;\n  *) exec \"$@\"\nesac\nnext";
    let script = parse0(text);
    assert_eq!(
        words(&script),
        ["exec gunicorn app", "exec celery", "exec $@", "next"]
    );
    assert!(script.errors.is_empty());
}

#[test]
fn function_definitions_expose_their_body() {
    let script = parse0("start() {\n  exec uvicorn app:app\n}\nfunction stop { kill 1; }\nstart");
    assert_eq!(words(&script), ["exec uvicorn app:app", "kill 1", "start"]);
    assert!(script.errors.is_empty());
}

#[test]
fn subshells_and_groups() {
    let script = parse0("(cd /app && make) && { echo a; echo b; } > log");
    assert_eq!(words(&script), ["cd /app", "make", "echo a", "echo b"]);
    assert_eq!(script.commands[2].connector, Some(Connector::And));
    assert_eq!(script.commands[0].depth, 1);
    assert!(script.errors.is_empty());
}

#[test]
fn keywords_only_count_at_command_start() {
    let script = parse0("echo if then fi done");
    assert_eq!(words(&script), ["echo if then fi done"]);
    assert!(script.errors.is_empty());
}

#[test]
fn quoted_keyword_is_a_word() {
    let script = parse0("'if' x");
    assert_eq!(words(&script), ["if x"]);
}

#[test]
fn negation_is_skipped() {
    let script = parse0("! grep x f");
    assert_eq!(words(&script), ["grep x f"]);
}

#[test]
fn unclosed_compound_is_reported_at_its_keyword() {
    let script = parse0("x; if true; then exec y");
    assert_eq!(words(&script), ["x", "true", "exec y"]);
    assert_eq!(script.errors.len(), 1);
    assert_eq!(script.errors[0].message, "missing `fi`");
    assert_eq!(script.errors[0].span, Span::new(3, 5));
}

#[test]
fn stray_closer_is_reported() {
    let script = parse0("a; fi; b )");
    assert_eq!(words(&script), ["a", "b"]);
    let messages: Vec<_> = script.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["unexpected `fi`", "unexpected `)`"]);
}

#[test]
fn unterminated_single_quote_reports_and_goes_on() {
    let script = parse0("echo 'abc && exec app");
    assert_eq!(script.errors[0].message, "unterminated single quote");
    assert_eq!(script.errors[0].span, Span::new(5, 6));
    assert_eq!(words(&script), ["echo 'abc", "exec app"]);
}

#[test]
fn unterminated_double_quote_reports_and_goes_on() {
    let script = parse0("echo \"abc; exec app");
    assert_eq!(script.errors[0].message, "unterminated double quote");
    assert_eq!(script.errors[0].span, Span::new(5, 6));
    assert_eq!(words(&script), ["echo \"abc", "exec app"]);
}

#[test]
fn unterminated_command_substitution_is_reported() {
    let script = parse0("echo $(date; b");
    assert_eq!(
        script.errors[0].message,
        "unterminated command substitution `$(`"
    );
    assert_eq!(script.errors[0].span, Span::new(5, 7));
}

#[test]
fn deep_nesting_is_bounded() {
    let deep = "(".repeat(10_000) + "x" + &")".repeat(10_000);
    let script = parse0(&deep);
    assert_eq!(words(&script), ["x"]);
    assert_eq!(script.errors.len(), 1);
    assert_eq!(script.errors[0].message, "nesting too deep");
    let deep_word = "echo ".to_string() + &"$(".repeat(10_000) + &")".repeat(10_000);
    let script = parse0(&deep_word);
    assert_eq!(script.errors[0].message, "nesting too deep");
}

#[test]
fn pathological_unterminated_input_stays_fast() {
    let text = "\"$(`${".repeat(20_000);
    let started = std::time::Instant::now();
    let _ = parse0(&text);
    let _ = parse0(&"'\"".repeat(20_000));
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn never_panics_on_odd_input() {
    for text in [
        "", "\\", "$", "${", "$(", "`", "'", "\"", ";;", "&&", "|", "<<", "2>", "(", ")", "{", "}",
        "é'ü", "a\\é", "$'\\", "case", "case x", "for", "function", "f(", "\r\n", "<<<",
    ] {
        let _ = parse0(text);
    }
}

#[test]
fn spans_go_through_the_mapped_text() {
    // File: `RUN a \` newline `  && exec b` ; the instruction text skips the continuation.
    let mut mapped = MappedText::new();
    mapped.push("a ", 4);
    mapped.push("  && exec b", 8);
    let script = parse(&mapped);
    assert_eq!(script.commands[1].words[0].span, Span::new(13, 17));
    assert_eq!(script.commands[1].span, Span::new(13, 19));
}

#[test]
fn exec_helpers() {
    let script = parse0("exec -a name gunicorn app; gunicorn app");
    assert!(script.commands[0].is_exec());
    let after: Vec<_> = script.commands[0]
        .words_after_exec()
        .iter()
        .map(|w| w.as_str())
        .collect();
    assert_eq!(after, ["gunicorn", "app"]);
    assert!(!script.commands[1].is_exec());
    assert_eq!(script.commands[1].words_after_exec().len(), 2);
    assert_eq!(
        script.last_command().and_then(|c| c.name()),
        Some("gunicorn")
    );
}

#[test]
fn inner_script_of_sh_c_has_exact_spans() {
    let text = "sh -ec 'alembic upgrade head && exec uvicorn app:app'";
    let script = parse_str(text, 10);
    let inner = script.commands[0].inner_script().expect("sh -c");
    assert_eq!(
        words(&inner),
        ["alembic upgrade head", "exec uvicorn app:app"]
    );
    let uvicorn = &inner.commands[1].words[1];
    assert_eq!(uvicorn.span, at(text, "uvicorn", 0).shift(10));
    assert_eq!(inner.commands[1].connector, Some(Connector::And));
}

#[test]
fn inner_script_with_escapes_still_maps_each_byte() {
    let text = r#"bash -o pipefail -c "echo \"hi\" && exec app""#;
    let script = parse0(text);
    let inner = script.commands[0].inner_script().expect("bash -c");
    assert_eq!(words(&inner), ["echo hi", "exec app"]);
    assert_eq!(inner.commands[1].words[1].span, at(text, "app", 0));
}

#[test]
fn inner_script_of_exec_form_words() {
    // ["sh", "-c", "exec uvicorn app"] written at offset 4.
    let text = r#"["sh", "-c", "exec uvicorn app"]"#;
    let argv = vec![
        Word::literal("sh", at(text, "\"sh\"", 0)),
        Word::literal("-c", at(text, "\"-c\"", 0)),
        Word::literal("exec uvicorn app", at(text, "\"exec uvicorn app\"", 0)),
    ];
    let inner = shell_command_string(&argv)
        .expect("sh -c")
        .parse_as_script();
    assert_eq!(inner.commands[0].words[1].span, at(text, "uvicorn", 0));
}

#[test]
fn inner_script_of_escaped_literal_falls_back_to_the_word() {
    // The written form `"exec \"app\""` is longer than the value by escapes.
    let argv = vec![
        Word::literal("sh", Span::new(0, 4)),
        Word::literal("-c", Span::new(6, 10)),
        Word::literal("exec \"app\"", Span::new(12, 26)),
    ];
    let inner = shell_command_string(&argv)
        .expect("sh -c")
        .parse_as_script();
    assert_eq!(inner.commands[0].words[1].text, "app");
    assert_eq!(inner.commands[0].words[1].span, Span::new(12, 26));
    assert_eq!(inner.commands[0].span, Span::new(12, 26));
}

#[test]
fn shell_command_string_needs_c() {
    let script = parse0("sh script.sh; bash -x run.sh; /bin/sh -c 'x'; python -c 'y'; sh -- -c");
    let found: Vec<_> = script
        .commands
        .iter()
        .map(|c| shell_command_string(&c.words).map(|w| w.text.clone()))
        .collect();
    assert_eq!(found, [None, None, Some("x".to_string()), None, None]);
}

#[test]
fn literal_word_subspans() {
    let bare = Word::literal("--port=80", Span::new(10, 19));
    assert_eq!(bare.subspan(7..9), Span::new(17, 19));
    let quoted = Word::literal("--port=80", Span::new(10, 21));
    assert_eq!(quoted.subspan(7..9), Span::new(18, 20));
    let escaped = Word::literal("a\"b", Span::new(10, 16));
    assert_eq!(escaped.subspan(0..1), Span::new(10, 16));
}
