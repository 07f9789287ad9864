//! What the rules need to know about one Dockerfile beyond its syntax tree: the shell
//! commands each instruction runs, which stages end up in the image, and which stages or
//! files are meant for development.

use std::path::Path;

use crate::parse::dockerfile::{
    Command, Dockerfile, Healthcheck, Instruction, InstructionKind, Stage,
};
use crate::parse::shell::{self, Connector, Script, SimpleCommand, Word};
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
}

impl DockerfileModel {
    /// Derives the model from a parsed tree.
    pub fn new(ast: Dockerfile) -> Self {
        let scripts = ast.instructions.iter().map(commands_of).collect();
        let image_stages = ast
            .stages
            .len()
            .checked_sub(1)
            .map(|last| ast.stage_ancestry(last))
            .unwrap_or_default();
        DockerfileModel {
            ast,
            scripts,
            image_stages,
        }
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
        self.image_stages.contains(&index)
    }

    /// The final stage and its ancestors, nearest first.
    pub fn image_stages(&self) -> &[usize] {
        &self.image_stages
    }

    /// Every instruction of the stages that end up in the image, with its index, in file
    /// order.
    pub fn image_instructions(&self) -> impl Iterator<Item = (usize, &Instruction)> {
        self.ast
            .instructions
            .iter()
            .enumerate()
            .filter(|(index, _)| {
                self.ast
                    .stage_of(*index)
                    .is_some_and(|stage| self.is_image_stage(stage.index))
            })
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
                commands: vec![SimpleCommand {
                    assignments: Vec::new(),
                    words,
                    redirects: Vec::new(),
                    connector: None::<Connector>,
                    background: false,
                    depth: 0,
                    span: *span,
                }],
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
