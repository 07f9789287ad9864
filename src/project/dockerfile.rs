//! What the rules need to know about one Dockerfile beyond its syntax tree: the shell
//! commands each instruction runs, which stages end up in the image, and which stages or
//! files are meant for development.

use std::path::Path;

use crate::parse::command::{self, Invocation};
use crate::parse::dockerfile::{
    Command, Dockerfile, Healthcheck, Instruction, InstructionKind, Stage,
};
use crate::parse::shell::{self, Script, SimpleCommand, Word};
use crate::span::Spanned;

/// A Dockerfile's tree plus facts derived from it once, for all rules.
#[derive(Clone, Debug, Default)]
pub struct DockerfileModel {
    /// The syntax tree.
    pub ast: Dockerfile,
    /// Per top-level instruction, the shell commands it runs (empty for instructions that
    /// run nothing).
    scripts: Vec<Script>,
    /// Indexes of the stages whose layers end up in the image: the final stage and the
    /// stages it builds on.
    image_stages: Vec<usize>,
    /// For each stage, whether it is one of `image_stages` (answered in constant time).
    in_image: Vec<bool>,
    /// How the final image starts, when it sets `CMD` or `ENTRYPOINT`.
    start: Option<StartCommand>,
}

/// How an image starts: the `ENTRYPOINT` and `CMD` in effect in its final stage (inherited
/// through `FROM <stage>` with Docker's rules), the commands they run, and the server.
#[derive(Clone, Debug, Default)]
pub struct StartCommand {
    /// Index of the `ENTRYPOINT` in effect.
    pub entrypoint: Option<usize>,
    /// Index of the `CMD` in effect (a shell-form `ENTRYPOINT` ignores it, and it is
    /// `None` then).
    pub cmd: Option<usize>,
    /// The shell-form instruction whose `/bin/sh -c` runs the commands, if any.
    pub shell_form: Option<usize>,
    /// The commands run at start: an exec form as one command (`ENTRYPOINT` words then
    /// `CMD` words), a shell form as its parsed script.
    pub script: Script,
    /// The server started, with the index of its command in [`StartCommand::script`].
    pub server: Option<(usize, Invocation)>,
}

impl StartCommand {
    /// The instruction that decides how the image starts: the shell-form one, else the
    /// `CMD`, else the `ENTRYPOINT`.
    pub fn instruction(&self) -> Option<usize> {
        self.shell_form.or(self.cmd).or(self.entrypoint)
    }

    /// The server invocation, if the image starts one.
    pub fn invocation(&self) -> Option<&Invocation> {
        self.server.as_ref().map(|(_, invocation)| invocation)
    }

    /// The commands run besides the server: the other commands of the start script, or of
    /// the `sh -c` string the server runs in.
    pub fn other_commands(&self) -> Vec<&SimpleCommand> {
        let Some((index, invocation)) = &self.server else {
            return self.script.commands.iter().collect();
        };
        match &invocation.shell {
            Some(shell) => shell.other_commands.iter().collect(),
            None => self
                .script
                .commands
                .iter()
                .enumerate()
                .filter(|(i, _)| i != index)
                .map(|(_, c)| c)
                .collect(),
        }
    }
}

impl DockerfileModel {
    /// Derives the model from a parsed tree.
    pub fn new(ast: Dockerfile) -> Self {
        let scripts: Vec<Script> = ast.instructions.iter().map(commands_of).collect();
        let image_stages = ast
            .stages
            .len()
            .checked_sub(1)
            .map(|last| ast.stage_ancestry(last))
            .unwrap_or_default();
        let start = ast
            .stages
            .len()
            .checked_sub(1)
            .and_then(|last| start_command(&ast, &scripts, last));
        let mut in_image = vec![false; ast.stages.len()];
        for &index in &image_stages {
            if let Some(flag) = in_image.get_mut(index) {
                *flag = true;
            }
        }
        DockerfileModel {
            ast,
            scripts,
            image_stages,
            in_image,
            start,
        }
    }

    /// How the final image starts, when its stages set `CMD` or `ENTRYPOINT`.
    pub fn start(&self) -> Option<&StartCommand> {
        self.start.as_ref()
    }

    /// The shell commands instruction `index` runs: a shell-form `RUN`/`CMD`/
    /// `ENTRYPOINT`/`HEALTHCHECK`, the heredoc bodies of a `RUN`, or an exec form (as one
    /// command, or the parsed string of `sh -c`).
    pub fn script(&self, index: usize) -> &Script {
        static EMPTY: Script = Script {
            commands: Vec::new(),
            errors: Vec::new(),
        };
        self.scripts.get(index).unwrap_or(&EMPTY)
    }

    /// Whether the layers of stage `index` end up in the final image (the final stage and
    /// the stages it is built `FROM`).
    pub fn is_image_stage(&self, index: usize) -> bool {
        self.in_image.get(index).copied().unwrap_or(false)
    }

    /// The final stage and its ancestors, nearest first.
    pub fn image_stages(&self) -> &[usize] {
        &self.image_stages
    }

    /// Every instruction of the stages that end up in the image, with its index, in file
    /// order.
    pub fn image_instructions(&self) -> impl Iterator<Item = (usize, &Instruction)> {
        // Stages are in file order and do not overlap, so their ranges chained in stage
        // order are in file order too.
        self.ast
            .stages
            .iter()
            .filter(|stage| self.is_image_stage(stage.index))
            .flat_map(|stage| self.stage_instructions(stage))
    }

    /// The instructions of a stage with their indexes.
    pub fn stage_instructions(&self, stage: &Stage) -> impl Iterator<Item = (usize, &Instruction)> {
        self.ast
            .instructions
            .iter()
            .enumerate()
            .skip(stage.from)
            .take(stage.end.saturating_sub(stage.from))
    }

    /// Whether the final stage is meant for development (named `dev`, `development`,
    /// `debug`, `local`, `test`, or with `dev` as a word of its name).
    pub fn final_stage_is_dev(&self) -> bool {
        self.ast
            .final_stage()
            .and_then(|stage| stage.name.as_ref())
            .is_some_and(|name| is_dev_name(&name.value))
    }

    /// The literal sources of every `COPY`/`ADD` from the build context (not `.`, not
    /// from another stage or image, without globs or variables, not URLs or heredocs),
    /// relative to the context: evidence of where the context is.
    pub fn context_sources(&self) -> Vec<&str> {
        self.ast
            .instructions
            .iter()
            .filter(|instruction| instruction.flag("from").is_none())
            .filter_map(|instruction| match &instruction.kind {
                InstructionKind::Copy(copy) | InstructionKind::Add(copy) => Some(copy),
                _ => None,
            })
            .flat_map(|copy| copy.sources.iter())
            .map(|source| source.value.trim_start_matches("./").trim_end_matches('/'))
            .filter(|source| {
                !source.is_empty()
                    && *source != "."
                    && !source.starts_with("<<")
                    && !source.starts_with('/')
                    && !source.contains("://")
                    && !source.contains(['*', '?', '[', '$'])
                    && !source.split('/').any(|part| part == "..")
            })
            .collect()
    }

    /// Every `COPY`/`ADD` from the build context whose source is the whole context (`.`
    /// or `./`), with that source.
    pub fn whole_context_copies(&self) -> impl Iterator<Item = (&Instruction, &Spanned<String>)> {
        self.ast.instructions.iter().filter_map(|instruction| {
            let (InstructionKind::Copy(copy) | InstructionKind::Add(copy)) = &instruction.kind
            else {
                return None;
            };
            if instruction.flag("from").is_some() {
                return None;
            }
            let source = copy
                .sources
                .iter()
                .find(|s| matches!(s.value.as_str(), "." | "./" | "./."))?;
            Some((instruction, source))
        })
    }
}

impl Instruction {
    /// The first flag named `name` (without dashes), if present.
    pub fn flag(&self, name: &str) -> Option<&crate::parse::dockerfile::Flag> {
        self.flags.iter().find(|f| f.name.value == name)
    }

    /// Whether the instruction has `--mount=type=<kind>` (for `RUN`).
    pub fn has_mount_type(&self, kind: &str) -> bool {
        self.mounts().any(|options| {
            options
                .split(',')
                .any(|option| option.trim() == format!("type={kind}"))
        })
    }

    /// The option lists of every `--mount` flag (`type=cache,target=/root/.cache`).
    pub fn mounts(&self) -> impl Iterator<Item = &str> {
        self.flags
            .iter()
            .filter(|f| f.name.value == "mount")
            .filter_map(|f| f.value.as_ref().map(|v| v.value.as_str()))
    }
}

/// The `ENTRYPOINT`/`CMD` in effect at the end of stage `stage_index`, by Docker's rules:
/// both are inherited through `FROM <stage>`, and setting `ENTRYPOINT` drops a `CMD`
/// inherited from a parent stage (but not one set earlier in the same stage).
fn start_command(ast: &Dockerfile, scripts: &[Script], stage_index: usize) -> Option<StartCommand> {
    let mut entrypoint: Option<usize> = None;
    let mut cmd: Option<usize> = None;
    for stage in ast.stage_ancestry(stage_index).into_iter().rev() {
        let Some(stage) = ast.stages.get(stage) else {
            continue;
        };
        let mut cmd_set_here = false;
        for index in stage.from..stage.end.min(ast.instructions.len()) {
            match &ast.instructions[index].kind {
                InstructionKind::Entrypoint(_) => {
                    entrypoint = Some(index);
                    if !cmd_set_here {
                        cmd = None;
                    }
                }
                InstructionKind::Cmd(_) => {
                    cmd = Some(index);
                    cmd_set_here = true;
                }
                _ => {}
            }
        }
    }
    let command_of = |index: usize| match &ast.instructions[index].kind {
        InstructionKind::Entrypoint(command) | InstructionKind::Cmd(command) => Some(command),
        _ => None,
    };
    let mut start = StartCommand {
        entrypoint,
        cmd,
        ..StartCommand::default()
    };
    match (
        entrypoint.and_then(|i| command_of(i).map(|c| (i, c))),
        cmd.and_then(|i| command_of(i).map(|c| (i, c))),
    ) {
        (None, None) => return None,
        (Some((index, Command::Shell { .. })), _) => {
            start.cmd = None;
            start.shell_form = Some(index);
            start.script = scripts.get(index).cloned().unwrap_or_default();
        }
        (
            Some((_, Command::Exec { args: entry, span })),
            Some((
                _,
                Command::Exec {
                    args,
                    span: cmd_span,
                },
            )),
        ) => {
            let mut words = Word::from_exec_form(entry);
            words.extend(Word::from_exec_form(args));
            start
                .script
                .commands
                .push(exec_command(words, span.cover(*cmd_span)));
        }
        (
            Some((_, Command::Exec { args: entry, span })),
            Some((cmd_index, Command::Shell { .. })),
        ) => {
            // `ENTRYPOINT ["tini", "--"]` + `CMD uvicorn ...`: the entrypoint runs
            // `/bin/sh -c` with the CMD's text.
            start
                .script
                .commands
                .push(exec_command(Word::from_exec_form(entry), *span));
            start.shell_form = Some(cmd_index);
            let shell = scripts.get(cmd_index).cloned().unwrap_or_default();
            start.script.commands.extend(shell.commands);
            start.script.errors.extend(shell.errors);
        }
        (Some((_, Command::Exec { args, span })), None)
        | (None, Some((_, Command::Exec { args, span }))) => {
            start
                .script
                .commands
                .push(exec_command(Word::from_exec_form(args), *span));
        }
        (None, Some((index, Command::Shell { .. }))) => {
            start.shell_form = Some(index);
            start.script = scripts.get(index).cloned().unwrap_or_default();
        }
    }
    start.server = command::find_server(&start.script).map(|found| (found.index, found.invocation));
    Some(start)
}

/// An exec-form argument vector as one simple command.
fn exec_command(words: Vec<Word>, span: crate::span::Span) -> SimpleCommand {
    SimpleCommand {
        assignments: Vec::new(),
        words,
        redirects: Vec::new(),
        connector: None,
        background: false,
        depth: 0,
        span,
    }
}

/// Whether a stage or file name says it is for development: `dev`, `development`,
/// `debug`, `local`, `test`, `testing`, or `dev` as one `-`/`_`/`.`-separated word.
pub fn is_dev_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['-', '_', '.'])
        .any(|word| {
            matches!(
                word,
                "dev" | "development" | "debug" | "local" | "test" | "testing"
            )
        })
}

/// Whether a Dockerfile's file name says it is for development (`Dockerfile.dev`,
/// `dev.Dockerfile`, `Dockerfile.local`).
pub fn is_dev_dockerfile(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_dev_name)
}

/// The shell commands an instruction runs.
fn commands_of(instruction: &Instruction) -> Script {
    match &instruction.kind {
        InstructionKind::Run(run) => {
            let mut script = command_script(&run.command);
            // `RUN <<EOF` (or `RUN bash <<EOF`) runs the body as a script; in
            // `RUN python3 <<EOF` the body is another program's input, not shell.
            let mut programs = script.commands.iter().filter(|c| !c.words.is_empty());
            let body_is_script = match (programs.next(), programs.next()) {
                (None, _) => true,
                (Some(only), None) => only.args().is_empty() && only.name().is_some_and(is_shell),
                _ => false,
            };
            if body_is_script {
                for heredoc in &run.heredocs {
                    let body = shell::parse(&heredoc.body);
                    script.commands.extend(body.commands);
                    script.errors.extend(body.errors);
                }
            }
            script
        }
        InstructionKind::Cmd(command)
        | InstructionKind::Entrypoint(command)
        | InstructionKind::Healthcheck(Healthcheck::Cmd(command)) => command_script(command),
        _ => Script::default(),
    }
}

/// Whether a program is a POSIX-like shell that reads a script from its input.
fn is_shell(program: &str) -> bool {
    matches!(
        shell::program_basename(program),
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh"
    )
}

/// A command's script: the parsed shell text, the parsed string of an exec-form
/// `sh -c`, or an exec form as one simple command.
fn command_script(command: &Command) -> Script {
    match command {
        Command::Shell { text, .. } => shell::parse(text),
        Command::Exec { args, span } => {
            let words = Word::from_exec_form(args);
            if let Some(string) = shell::shell_command_string(&words) {
                return string.parse_as_script();
            }
            Script {
                commands: vec![exec_command(words, *span)],
                errors: Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dockerfile::parse;

    fn model(text: &str) -> DockerfileModel {
        DockerfileModel::new(parse(text).tree)
    }

    #[test]
    fn scripts_cover_shell_form_heredocs_and_exec_form() {
        let m = model(
            "FROM a\nRUN apt-get update && apt-get install -y gcc\nRUN <<EOF\npip install x\nEOF\nCMD [\"sh\", \"-c\", \"exec uvicorn app:app\"]\n",
        );
        let names = |i: usize| -> Vec<String> {
            m.script(i)
                .commands
                .iter()
                .filter_map(|c| c.name().map(str::to_string))
                .collect()
        };
        assert_eq!(names(1), ["apt-get", "apt-get"]);
        assert_eq!(names(2), ["pip"]);
        let python = model("FROM a\nRUN python3 <<EOF\nimport os\nEOF\n");
        let commands: Vec<_> = python
            .script(1)
            .commands
            .iter()
            .filter_map(|c| c.name())
            .collect();
        assert_eq!(commands, ["python3"]);
        assert_eq!(names(3), ["exec"]);
        assert!(m.script(0).commands.is_empty());
        assert!(m.script(99).commands.is_empty());
    }

    #[test]
    fn image_stages_follow_the_final_stage_ancestry() {
        let m = model("FROM a AS build\nFROM b AS base\nFROM base AS final\n");
        assert_eq!(m.image_stages(), [2, 1]);
        assert!(!m.is_image_stage(0));
    }

    fn start(text: &str) -> StartCommand {
        model(text).start().cloned().expect("a start command")
    }

    #[test]
    fn start_command_combines_entrypoint_and_cmd() {
        let s = start("FROM a\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"uvicorn\", \"app:app\"]\n");
        assert_eq!(
            (s.entrypoint, s.cmd, s.shell_form),
            (Some(1), Some(2), None)
        );
        let words: Vec<_> = s.script.commands[0]
            .words
            .iter()
            .map(Word::as_str)
            .collect();
        assert_eq!(words, ["tini", "--", "uvicorn", "app:app"]);
        assert_eq!(
            s.invocation().map(|i| i.server.value.name()),
            Some("uvicorn")
        );
    }

    #[test]
    fn shell_form_entrypoint_ignores_cmd_and_inherited_cmd_is_reset() {
        let s = start("FROM a\nCMD [\"x\"]\nENTRYPOINT gunicorn app:app\n");
        assert_eq!((s.cmd, s.shell_form), (None, Some(2)));
        // A CMD inherited from a parent stage is dropped by a new ENTRYPOINT...
        let s = start("FROM a AS base\nCMD [\"serve\"]\nFROM base\nENTRYPOINT [\"run\"]\n");
        assert_eq!((s.entrypoint, s.cmd), (Some(3), None));
        // ...but one set earlier in the same stage stays.
        let s = start("FROM a\nCMD [\"serve\"]\nENTRYPOINT [\"run\"]\n");
        assert_eq!((s.entrypoint, s.cmd), (Some(2), Some(1)));
    }

    #[test]
    fn shell_cmd_under_exec_entrypoint_is_shell_form() {
        let s = start(
            "FROM a\nENTRYPOINT [\"tini\", \"--\"]\nCMD alembic upgrade head && uvicorn app:app\n",
        );
        assert_eq!(s.shell_form, Some(2));
        assert_eq!(
            s.invocation().map(|i| i.server.value.name()),
            Some("uvicorn")
        );
        let others: Vec<_> = s.other_commands().iter().filter_map(|c| c.name()).collect();
        assert_eq!(others, ["tini", "alembic"]);
    }

    #[test]
    fn no_start_command_without_cmd_or_entrypoint() {
        assert!(model("FROM a\nRUN x\n").start().is_none());
    }

    #[test]
    fn dev_names() {
        assert!(is_dev_name("dev"));
        assert!(is_dev_name("api-dev"));
        assert!(is_dev_name("Development"));
        assert!(!is_dev_name("devops"));
        assert!(!is_dev_name("production"));
        assert!(is_dev_dockerfile(Path::new("x/Dockerfile.dev")));
        assert!(is_dev_dockerfile(Path::new("dev.Dockerfile")));
        assert!(!is_dev_dockerfile(Path::new("Dockerfile")));
    }
}
