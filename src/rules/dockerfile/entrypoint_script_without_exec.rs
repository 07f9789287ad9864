//! DF017: see rules/dockerfile/DF017-entrypoint-script-without-exec.md

use std::path::{Path, PathBuf};

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::{parse_command, parse_invocation};
use crate::parse::dockerfile::InstructionKind;
use crate::parse::shell::{Script, SimpleCommand, Word, program_basename};
use crate::project::{DockerfileModel, Project, StartCommand, Tree};
use crate::source::SourceFile;
use crate::span::Span;

use super::helpers::{copies_from_context, entrypoint_is_init, launched_program};

/// A script the image starts runs the server as its child instead of `exec`ing it.
struct EntrypointScriptWithoutExec {
    /// What the script starts: a server's name, or `"$@"`.
    what: String,
}

impl Violation for EntrypointScriptWithoutExec {
    const CODE: RuleCode = RuleCode::DF017;

    fn message(&self) -> String {
        format!(
            "the image's start script runs {} without `exec`: the shell stays the parent \
             of the server and does not pass SIGTERM on, so stopping the container kills \
             the server after the grace period, with no graceful shutdown",
            self.what
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "start the server with `exec` (`exec \"$@\"`, `exec gunicorn ...`) so it \
             replaces the shell and receives the signals"
                .to_string(),
        )
    }
}

/// Shells that run a script file given as their first operand.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh"];

/// A shell script the start command runs, and the arguments it gets.
struct ScriptRun<'a> {
    /// The script path as written (`./docker-entrypoint.sh`, `/app/start.sh`).
    path: &'a Word,
    /// The words after it: the script's `"$@"`.
    args: &'a [Word],
}

/// The script a start command runs: `./docker-entrypoint.sh ...`, `/entrypoint.sh`,
/// `sh start.sh`, `bash -e /app/start.sh` (behind `exec`, `tini --`, `dumb-init`,
/// `gosu user`, `env`). Only names the walk reads as shell scripts (`*.sh`,
/// `docker-entrypoint`, `entrypoint`) are looked for.
fn script_run(command: &SimpleCommand) -> Option<ScriptRun<'_>> {
    let words = launched_program(&command.words);
    let (program, rest) = words.split_first()?;
    let (path, args) = if SHELLS.contains(&program_basename(program.as_str())) {
        let mut i = 0;
        while let Some(word) = rest.get(i) {
            let text = word.as_str();
            if !(text.starts_with('-') || text.starts_with('+')) || text.len() < 2 {
                break;
            }
            if text == "--" {
                i += 1;
                break;
            }
            if !text.starts_with("--") && text.contains('c') {
                return None; // `sh -c STRING`: not a script file.
            }
            i += if text.contains('o') && !text.starts_with("--") {
                2
            } else {
                1
            };
        }
        let (path, args) = rest.get(i..)?.split_first()?;
        (path, args)
    } else {
        let name = program_basename(program.as_str());
        if !(name.ends_with(".sh") || name == "docker-entrypoint" || name == "entrypoint") {
            return None;
        }
        (program, rest)
    };
    (!path.has_expansion).then_some(ScriptRun { path, args })
}

/// `dir` joined with a path written in a `COPY` (leading `./` and `/` dropped).
fn context_path(dir: &Path, source: &str) -> PathBuf {
    dir.join(source.trim_start_matches("./").trim_start_matches('/'))
}

/// The parsed shell script at `path`, if the walk read one there.
fn script_at<'p>(project: &'p Project, path: &Path) -> Option<(&'p SourceFile, &'p Script)> {
    let file = project.file(path)?;
    match &file.tree {
        Tree::ShellScript(script) => Some((&file.source, script)),
        _ => None,
    }
}

/// The build-context script a start command's `path` names: the file a `COPY`/`ADD` of
/// the image stages puts under that name, else the only script of that file name in the
/// build context (the one at the context root when there are several).
fn locate_script<'p>(
    project: &'p Project,
    dockerfile: &'p SourceFile,
    model: &DockerfileModel,
    path: &str,
) -> Option<(&'p SourceFile, &'p Script)> {
    let dir = project.build_context(dockerfile).dir;
    let name = program_basename(path);
    for (_, instruction) in model.image_instructions() {
        if !copies_from_context(instruction) {
            continue;
        }
        let (InstructionKind::Copy(copy) | InstructionKind::Add(copy)) = &instruction.kind else {
            continue;
        };
        let Some(destination) = &copy.destination else {
            continue;
        };
        let renamed_to_it = copy.sources.len() == 1
            && !destination.value.ends_with('/')
            && program_basename(&destination.value) == name;
        for source in &copy.sources {
            let text = source.value.trim_end_matches('/');
            if text.starts_with("<<") || text.contains(['$', '*', '?', '[']) {
                continue;
            }
            let mut candidates = vec![context_path(dir, text).join(name)];
            if renamed_to_it || program_basename(text) == name {
                candidates.insert(0, context_path(dir, text));
            }
            if let Some(found) = candidates.iter().find_map(|c| script_at(project, c)) {
                return Some(found);
            }
        }
    }
    if let Some(found) = script_at(project, &dir.join(name)) {
        return Some(found);
    }
    let mut by_name = project.files().iter().filter_map(|file| match &file.tree {
        Tree::ShellScript(script)
            if file.source.path().starts_with(dir)
                && file.source.path().file_name().and_then(|n| n.to_str()) == Some(name) =>
        {
            Some((&file.source, script))
        }
        _ => None,
    });
    match (by_name.next(), by_name.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Whether the script traps SIGTERM itself (and so may forward it).
fn traps_sigterm(script: &Script) -> bool {
    script.commands.iter().any(|command| {
        command.name() == Some("trap")
            && command.args().iter().skip(1).any(|w| {
                matches!(
                    w.as_str().to_ascii_uppercase().as_str(),
                    "TERM" | "SIGTERM" | "15"
                )
            })
    })
}

/// Whether the start command's arguments to the script start a server: an exec-form
/// `ENTRYPOINT ["./entrypoint.sh"]` with `CMD ["gunicorn", ...]`, or a shell-form `CMD`
/// under an exec-form script `ENTRYPOINT`.
fn arguments_start_server(start: &StartCommand, index: usize, run: &ScriptRun<'_>) -> bool {
    if parse_invocation(run.args).is_some_and(|i| i.server.value.is_known()) {
        return true;
    }
    index == 0
        && run.args.is_empty()
        && start.shell_form.is_some()
        && start.shell_form == start.cmd
        && start
            .server
            .as_ref()
            .is_some_and(|(at, i)| *at != 0 && i.server.value.is_known())
}

/// What a script command starts without `exec`, if it starts the server: a known server,
/// or `"$@"` when the arguments are a server command.
fn server_without_exec(command: &SimpleCommand, arguments_are_server: bool) -> Option<String> {
    if command.is_exec() {
        return None;
    }
    if let Some(invocation) = parse_command(command)
        && invocation.server.value.is_known()
        && !invocation.via_exec()
    {
        return Some(format!("`{}`", invocation.server.value.name()));
    }
    let program = launched_program(&command.words).first()?;
    (arguments_are_server && matches!(program.as_str(), "$@" | "${@}"))
        .then(|| "`\"$@\"` (the server command it is given)".to_string())
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for (dockerfile, model) in project.dockerfiles() {
        let Some(start) = model.start() else {
            continue;
        };
        if entrypoint_is_init(model, start) {
            continue;
        }
        for (index, command) in start.script.commands.iter().enumerate() {
            let Some(run) = script_run(command) else {
                continue;
            };
            let Some((script_file, script)) =
                locate_script(project, dockerfile, model, run.path.as_str())
            else {
                continue;
            };
            if traps_sigterm(script) {
                continue;
            }
            let arguments_are_server = arguments_start_server(start, index, &run);
            for script_command in &script.commands {
                let Some(what) = server_without_exec(script_command, arguments_are_server) else {
                    continue;
                };
                let span: Span = script_command.span;
                drop(
                    cx.report_in(script_file, EntrypointScriptWithoutExec { what }, span)
                        .label(dockerfile, run.path.span, "the image starts this script"),
                );
            }
        }
    }
}
