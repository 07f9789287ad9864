//! From an argument vector to the server: wrappers, Python launches, `sh -c` strings.

use super::servers::{self, Program};
use super::{
    Invocation, MAX_SHELL_DEPTH, PythonLaunch, Server, ServerCommand, ShellContext, Value, Wrapper,
    WrapperKind, pick_server,
};
use crate::parse::shell::{
    Script, SimpleCommand, Word, program_basename, shell_command_string, skip_exec_options,
};
use crate::span::{Span, Spanned};

/// The span from the first to the last of `words`.
pub(super) fn cover(words: &[Word]) -> Option<Span> {
    Some(words.first()?.span.cover(words.last()?.span))
}

pub(super) fn parse_simple_command(command: &SimpleCommand, depth: u32) -> Option<Invocation> {
    let mut invocation = parse_argv(&command.words, depth)?;
    if let Some(first) = command.assignments.first() {
        let mut env = command.assignments.clone();
        env.append(&mut invocation.env);
        invocation.env = env;
        invocation.span = first.span.cover(invocation.span);
    }
    Some(invocation)
}

pub(super) fn find_invocations_at(script: &Script, depth: u32) -> Vec<ServerCommand<'_>> {
    script
        .commands
        .iter()
        .enumerate()
        .filter_map(|(index, command)| {
            parse_simple_command(command, depth).map(|invocation| ServerCommand {
                invocation,
                index,
                script,
            })
        })
        .collect()
}

/// What a wrapper program consumed.
enum Step {
    /// A wrapper of `kind` spanning this many words; the command goes on after them.
    Wrapper(WrapperKind, usize),
    /// Not a wrapper: the server (or nothing) starts here.
    Program,
}

pub(super) fn parse_argv(words: &[Word], depth: u32) -> Option<Invocation> {
    let mut wrappers = Vec::new();
    let mut env = Vec::new();
    let mut i = 0;
    let mut invocation = loop {
        let word = words.get(i)?;
        let rest = &words[i..];
        let program = program_basename(word.as_str());
        match wrapper_step(program, rest, &mut env) {
            Step::Wrapper(kind, consumed) => {
                let consumed = consumed.clamp(1, rest.len());
                if let Some(span) = cover(&rest[..consumed]) {
                    wrappers.push(Wrapper { kind, span });
                }
                // `newrelic-admin run-python ARGS` runs Python with ARGS.
                if kind == WrapperKind::NewRelicAdmin
                    && rest.get(1).is_some_and(|w| w.as_str() == "run-python")
                {
                    break parse_python(words, i + 1)?;
                }
                // `uv run -m module` / `uv run --module module`.
                if kind == WrapperKind::UvRun
                    && rest
                        .get(consumed - 1)
                        .is_some_and(|w| matches!(w.as_str(), "-m" | "--module"))
                {
                    let module = words.get(i + consumed)?;
                    break python_module(
                        word,
                        None,
                        Value::from_word(module),
                        module.span,
                        words.get(i + consumed + 1..).unwrap_or(&[]),
                    )?;
                }
                i += consumed;
            }
            Step::Program => {
                if let Some(string) = shell_command_string(rest) {
                    break from_shell_string(rest, string, depth)?;
                }
                if is_python(program) {
                    break parse_python(words, i)?;
                }
                let program = servers::program_of_executable(program)?;
                break servers::parse_program(program, word.span, &rest[1..])?;
            }
        }
    };
    wrappers.append(&mut invocation.wrappers);
    invocation.wrappers = wrappers;
    env.append(&mut invocation.env);
    invocation.env = env;
    if let Some(span) = cover(words) {
        invocation.span = span;
    }
    Some(invocation)
}

/// Whether `program` is a Python interpreter (`python`, `python3`, `python3.12`,
/// `pypy3`).
fn is_python(program: &str) -> bool {
    program
        .strip_prefix("python")
        .or_else(|| program.strip_prefix("pypy"))
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// How many leading words of `rest` (from index 1) are options, given which options
/// take a value. Stops after `--` (consumed) or at the first non-option.
fn skip_options(rest: &[Word], takes_value: &[&str], all_long_take_values: bool) -> usize {
    let mut i = 1;
    while let Some(word) = rest.get(i) {
        let text = word.as_str();
        if text == "--" {
            return i + 1;
        }
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        let name = text.split('=').next().unwrap_or(text);
        let inline = text.contains('=');
        let needs_value =
            takes_value.contains(&name) || (all_long_take_values && text.starts_with("--"));
        i += if needs_value && !inline { 2 } else { 1 };
    }
    i.min(rest.len())
}

/// Recognises a wrapper at the start of `rest`.
fn wrapper_step(program: &str, rest: &[Word], env: &mut Vec<Word>) -> Step {
    let second = rest.get(1).map(Word::as_str);
    let (kind, consumed) = match program {
        "exec" => (
            WrapperKind::Exec,
            rest.len() - skip_exec_options(rest).len(),
        ),
        "tini" | "tini-static" => (WrapperKind::Tini, skip_options(rest, &["-p", "-e"], false)),
        "dumb-init" => (
            WrapperKind::DumbInit,
            skip_options(rest, &["-r", "--rewrite"], false),
        ),
        "opentelemetry-instrument" => (
            WrapperKind::OpenTelemetryInstrument,
            skip_options(rest, &[], true),
        ),
        "ddtrace-run" => (WrapperKind::DdtraceRun, skip_options(rest, &[], false)),
        "newrelic-admin" if matches!(second, Some("run-program" | "run-python")) => {
            (WrapperKind::NewRelicAdmin, 2)
        }
        "poetry" | "pipenv" | "pdm" | "hatch" => {
            let (kind, value_options): (_, &[&str]) = match program {
                "poetry" => (
                    WrapperKind::PoetryRun,
                    &["-C", "--directory", "-P", "--project"],
                ),
                "pipenv" => (WrapperKind::PipenvRun, &["--python"]),
                "pdm" => (WrapperKind::PdmRun, &["-p", "--project", "--venv"]),
                _ => (WrapperKind::HatchRun, &["-e", "--env"]),
            };
            // Global options, `run`, then the run options.
            let before_run = skip_options(rest, value_options, false);
            if rest.get(before_run).map(Word::as_str) != Some("run") {
                return Step::Program;
            }
            let run = &rest[before_run..];
            let after = skip_options(run, value_options, false);
            (kind, before_run + after)
        }
        "uv" | "uvx" => {
            const UV_VALUE_OPTIONS: &[&str] = &[
                "--with",
                "--with-editable",
                "--with-requirements",
                "-p",
                "--python",
                "--package",
                "--extra",
                "--group",
                "--only-group",
                "--no-group",
                "--env-file",
                "--directory",
                "--project",
                "--index",
                "--index-url",
                "--default-index",
                "--extra-index-url",
                "--find-links",
                "-f",
                "--from",
                "--python-preference",
                "--link-mode",
                "--refresh-package",
                "--reinstall-package",
                "--no-binary-package",
                "--no-build-package",
                "--upgrade-package",
                "-P",
                "--config-file",
                "--config-setting",
                "-C",
                "--cache-dir",
                "--resolution",
                "--prerelease",
                "--exclude-newer",
                "--index-strategy",
                "--keyring-provider",
                "--color",
            ];
            let mut start = 0;
            if program == "uv" {
                start = skip_options(rest, UV_VALUE_OPTIONS, false);
                let subcommand = rest.get(start).map(Word::as_str);
                if subcommand == Some("tool")
                    && rest.get(start + 1).map(Word::as_str) == Some("run")
                {
                    start += 1;
                } else if subcommand != Some("run") {
                    return Step::Program;
                }
            }
            let run = &rest[start..];
            // `-m`/`--module` ends the options: the module follows.
            let mut i = 1;
            while let Some(word) = run.get(i) {
                let text = word.as_str();
                if matches!(text, "-m" | "--module") {
                    i += 1;
                    break;
                }
                if text == "--" {
                    i += 1;
                    break;
                }
                if !text.starts_with('-') || text.len() == 1 {
                    break;
                }
                let name = text.split('=').next().unwrap_or(text);
                i += if UV_VALUE_OPTIONS.contains(&name) && !text.contains('=') {
                    2
                } else {
                    1
                };
            }
            (WrapperKind::UvRun, start + i.min(run.len()))
        }
        "env" => {
            let mut i = skip_options(rest, &["-u", "--unset", "-C", "--chdir", "-S"], false);
            while let Some(word) = rest.get(i) {
                let is_assignment = word
                    .as_str()
                    .split_once('=')
                    .is_some_and(|(name, _)| !name.is_empty() && !name.starts_with('-'));
                if !is_assignment {
                    break;
                }
                env.push(word.clone());
                i += 1;
            }
            (WrapperKind::Env, i)
        }
        "gosu" => (WrapperKind::Gosu, 2),
        "su-exec" => (WrapperKind::SuExec, 2),
        "setpriv" => (
            WrapperKind::Setpriv,
            skip_options(
                rest,
                &[
                    "--reuid",
                    "--regid",
                    "--groups",
                    "--inh-caps",
                    "--ambient-caps",
                    "--bounding-set",
                    "--securebits",
                    "--pdeathsig",
                    "--selinux-label",
                    "--apparmor-profile",
                ],
                false,
            ),
        ),
        "nohup" => (WrapperKind::Nohup, 1),
        "nice" => (
            WrapperKind::Nice,
            skip_options(rest, &["-n", "--adjustment"], false),
        ),
        _ => return Step::Program,
    };
    Step::Wrapper(kind, consumed)
}

/// `sh -c STRING`: the server is found among the string's commands.
fn from_shell_string(argv: &[Word], string: &Word, depth: u32) -> Option<Invocation> {
    if depth >= MAX_SHELL_DEPTH {
        return None;
    }
    let shell = argv.first()?;
    let script = string.parse_as_script();
    let found = pick_server(find_invocations_at(&script, depth + 1))?;
    let server_is_last = found.is_last();
    let index = found.index;
    let mut invocation = found.invocation;
    let shell_end = argv
        .iter()
        .position(|w| std::ptr::eq(w, string))
        .and_then(|k| k.checked_sub(1))
        .and_then(|k| argv.get(k))
        .map_or(shell.span, |w| w.span);
    invocation.wrappers.insert(
        0,
        Wrapper {
            kind: WrapperKind::Shell,
            span: shell.span.cover(shell_end),
        },
    );
    let other_commands = script
        .commands
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != index)
        .map(|(_, c)| c.clone())
        .collect();
    invocation.shell = Some(ShellContext {
        shell: Spanned::new(shell.text.clone(), shell.span),
        script_span: string.span,
        other_commands,
        server_is_last,
        errors: script.errors.clone(),
    });
    Some(invocation)
}

/// `python [options] (-m module | script) args...` with the interpreter at `at`.
fn parse_python(words: &[Word], at: usize) -> Option<Invocation> {
    let interpreter = words.get(at)?;
    let mut unbuffered = None;
    let mut i = at + 1;
    loop {
        let word = words.get(i)?;
        let text = word.as_str();
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') || text.len() == 1 {
            if text == "-" {
                return None; // Reads the program from stdin.
            }
            break;
        }
        if text.starts_with("--") {
            i += if text == "--check-hash-based-pycs" {
                2
            } else {
                1
            };
            continue;
        }
        // A cluster of one-letter options: `-u`, `-OO`, `-uB`, `-m module`, `-Xdev`.
        let mut next = i + 1;
        for (k, letter) in text.char_indices().skip(1) {
            let after = k + letter.len_utf8();
            match letter {
                'u' => unbuffered = Some(word.span),
                'c' => return None, // Inline code: no server model.
                'm' => {
                    let (module, module_span, args_from) = if after < text.len() {
                        let value = Value::from_part(word, after..text.len());
                        let span = value.span;
                        (value, span, i + 1)
                    } else {
                        let module = words.get(i + 1)?;
                        (Value::from_word(module), module.span, i + 2)
                    };
                    let args = words.get(args_from..).unwrap_or(&[]);
                    return python_module(interpreter, unbuffered, module, module_span, args);
                }
                'X' | 'W' => {
                    if after == text.len() {
                        next = i + 2;
                    }
                    break;
                }
                _ => {}
            }
        }
        i = next;
    }
    let script_word = words.get(i)?;
    let args = words.get(i + 1..).unwrap_or(&[]);
    let script = Value::from_word(script_word);
    let launch = PythonLaunch {
        interpreter: Spanned::new(interpreter.text.clone(), interpreter.span),
        unbuffered,
        module: None,
        script: Some(script.clone()),
    };
    let mut invocation = if program_basename(&script.text) == "manage.py" {
        if args.first().map(Word::as_str) != Some("runserver") {
            return None;
        }
        let mut invocation = servers::parse_program(Program::Django, script.span, args)?;
        invocation.server.span = interpreter.span.cover(invocation.server.span);
        invocation
    } else {
        let mut invocation =
            Invocation::new(Server::PythonScript, interpreter.span.cover(script.span));
        invocation.positionals = args.iter().map(Value::from_word).collect();
        invocation
    };
    invocation.python = Some(launch);
    Some(invocation)
}

/// `python -m module args...`.
fn python_module(
    interpreter: &Word,
    unbuffered: Option<Span>,
    module: Value,
    module_span: Span,
    args: &[Word],
) -> Option<Invocation> {
    let mut invocation = match servers::program_of_module(&module.text) {
        Some(program) => {
            let mut invocation = servers::parse_program(program, module_span, args)?;
            invocation.server.span = interpreter.span.cover(invocation.server.span);
            invocation
        }
        None => {
            let mut invocation =
                Invocation::new(Server::PythonModule, interpreter.span.cover(module_span));
            invocation.positionals = args.iter().map(Value::from_word).collect();
            invocation
        }
    };
    invocation.python = Some(PythonLaunch {
        interpreter: Spanned::new(interpreter.text.clone(), interpreter.span),
        unbuffered,
        module: Some(module),
        script: None,
    });
    Some(invocation)
}
