//! DF006: see rules/dockerfile/DF006-python-output-buffered.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::shell::{SimpleCommand, program_basename};
use crate::project::{DockerfileModel, StartCommand};

use super::helpers::{image_env, is_python_program, program_words, start_span};

/// The image runs Python with block-buffered standard output.
struct PythonOutputBuffered;

impl Violation for PythonOutputBuffered {
    const CODE: RuleCode = RuleCode::DF006;

    fn message(&self) -> String {
        "the image runs Python without `PYTHONUNBUFFERED`: with no terminal attached, \
         standard output is block-buffered, so `print` and stdout log lines reach \
         `docker logs` late, and the last ones are lost when the process crashes or is killed"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "add `ENV PYTHONUNBUFFERED=1` to the final stage (or a stage it builds on)".to_string(),
        )
    }
}

/// The variable that makes Python's standard streams unbuffered.
const UNBUFFERED: &str = "PYTHONUNBUFFERED";

/// Whether a command runs a Python interpreter directly (`python`, `python3.12`,
/// `/usr/local/bin/python3`).
fn runs_python(command: &SimpleCommand) -> bool {
    program_words(command)
        .first()
        .is_some_and(|w| is_python_program(program_basename(w.as_str())))
}

/// Whether a command runs Python with `-u` (alone or in a cluster: `-uB`).
fn python_with_u(command: &SimpleCommand) -> bool {
    let words = program_words(command);
    runs_python(command)
        && words
            .iter()
            .skip(1)
            .take_while(|w| w.as_str().starts_with('-') && w.as_str() != "-m")
            .any(|w| {
                let text = w.as_str();
                // Letters after `X`, `W`, `c` or `m` are that option's value.
                !text.starts_with("--")
                    && text
                        .chars()
                        .skip(1)
                        .take_while(|c| !matches!(c, 'X' | 'W' | 'c' | 'm'))
                        .any(|c| c == 'u')
            })
}

/// Whether a command sets `PYTHONUNBUFFERED` for what follows (`export
/// PYTHONUNBUFFERED=1`, a `PYTHONUNBUFFERED=1` prefix).
fn sets_unbuffered(command: &SimpleCommand) -> bool {
    command
        .assignments
        .iter()
        .chain(command.words.iter().skip(1))
        .any(|word| {
            word.as_str()
                .strip_prefix(UNBUFFERED)
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|value| !value.is_empty())
        })
}

/// Whether the start command itself makes the output unbuffered: `python -u`, or the
/// variable set on the way to the server.
fn unbuffered_at_start(start: &StartCommand) -> bool {
    if let Some(invocation) = start.invocation()
        && (invocation
            .python
            .as_ref()
            .is_some_and(|p| p.unbuffered.is_some())
            || invocation
                .env_value(UNBUFFERED)
                .is_some_and(|value| !value.text.is_empty()))
    {
        return true;
    }
    start.other_commands().into_iter().any(sets_unbuffered)
        || start.script.commands.iter().any(python_with_u)
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(start) = model.start() else {
        return;
    };
    let runs = start.invocation().is_some() || start.script.commands.iter().any(runs_python);
    if !runs || unbuffered_at_start(start) || image_env(model, UNBUFFERED).is_some() {
        return;
    }
    let Some(span) = start_span(model, start) else {
        return;
    };
    cx.report(PythonOutputBuffered, span);
}
