//! Shared knowledge of the Dockerfile rules: what a `RUN` command does (package manager
//! installs and removals, `pip install`, dependency installs, user creation) and facts
//! about stages (the base image a stage ultimately builds on).
//!
//! Everything here reads the flat shell model of [`crate::parse::shell`]: it never
//! expands variables, and a word holding an expansion is never taken for a literal name.

use std::path::Path;

use crate::parse::dockerfile::{Command, Instruction, InstructionKind, KeyValue, StageBase};
use crate::parse::shell::{SimpleCommand, Word, program_basename, skip_exec_options};
use crate::project::{DockerfileModel, StartCommand, is_dev_dockerfile};
use crate::span::Span;

/// How many wrapper layers (`sudo env exec ...`) [`program_words`] looks through.
const MAX_WRAPPERS: usize = 8;

/// The words of the program a command really runs: after `exec` and its options, after
/// `sudo` and its options, after `env` with its options and `NAME=value` words. All
/// words when the command has no such wrapper.
pub(crate) fn program_words(command: &SimpleCommand) -> &[Word] {
    let mut words: &[Word] = &command.words;
    for _ in 0..MAX_WRAPPERS {
        let Some(first) = words.first() else {
            return words;
        };
        words = match program_basename(first.as_str()) {
            "exec" => skip_exec_options(words),
            "sudo" => skip_options(
                words,
                &["-u", "-g", "-C", "-D", "-h", "-p", "-U", "-r", "-t"],
            ),
            "env" => {
                let rest = skip_options(words, &["-u", "-C", "-S", "--unset", "--chdir"]);
                let assignments = rest
                    .iter()
                    .take_while(|w| !w.quoted && is_assignment(w.as_str()))
                    .count();
                rest.get(assignments..).unwrap_or(&[])
            }
            _ => return words,
        };
    }
    words
}

/// The words of the program a start command launches: [`program_words`] plus the
/// launchers that run a command for it (`tini --`, `dumb-init`, `gosu user`, `su-exec
/// user`), in any order.
pub(crate) fn launched_program(mut words: &[Word]) -> &[Word] {
    for _ in 0..MAX_WRAPPERS {
        let Some(first) = words.first() else {
            return words;
        };
        words = match program_basename(first.as_str()) {
            "exec" => skip_exec_options(words),
            "env" => {
                let rest = skip_options(words, &["-u", "-C", "-S", "--unset", "--chdir"]);
                let assignments = rest
                    .iter()
                    .take_while(|w| !w.quoted && is_assignment(w.as_str()))
                    .count();
                rest.get(assignments..).unwrap_or(&[])
            }
            name if is_init_program(name) => skip_options(words, &["-p", "-e", "-r", "--rewrite"]),
            "gosu" | "su-exec" => words.get(2..).unwrap_or(&[]),
            _ => return words,
        };
    }
    words
}

/// The words after `words[0]` and its options (`-x`, `--long`, `--long=value`), where
/// the options in `with_value` consume the next word.
fn skip_options<'w>(words: &'w [Word], with_value: &[&str]) -> &'w [Word] {
    let mut i = 1;
    while let Some(word) = words.get(i) {
        let text = word.as_str();
        if text == "--" {
            return words.get(i + 1..).unwrap_or(&[]);
        }
        if !text.starts_with('-') || text.len() < 2 {
            break;
        }
        i += if with_value.contains(&text) { 2 } else { 1 };
    }
    words.get(i..).unwrap_or(&[])
}

/// Whether `text` is a shell assignment `NAME=value`.
fn is_assignment(text: &str) -> bool {
    let Some((name, _)) = text.split_once('=') else {
        return false;
    };
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether `word` is an unquoted-or-quoted literal option, i.e. starts with `-` and holds
/// no expansion.
fn is_option(word: &Word) -> bool {
    word.as_str().starts_with('-') && word.as_str().len() > 1
}

/// The operands of an argument list: the words that are not options nor the values of
/// the options listed in `with_value` (which take the next word unless written
/// `--opt=value`). Everything after `--` is an operand.
fn operands<'w>(args: &'w [Word], with_value: &[&str]) -> Vec<&'w Word> {
    let mut result = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while let Some(word) = args.get(i) {
        i += 1;
        if only_operands || !is_option(word) {
            result.push(word);
            continue;
        }
        if word.as_str() == "--" {
            only_operands = true;
        } else if with_value.contains(&word.as_str()) {
            i += 1;
        }
    }
    result
}

/// The first operand of `args` (see [`operands`]) and the words after it.
fn split_at_verb<'w>(args: &'w [Word], with_value: &[&str]) -> Option<(&'w Word, &'w [Word])> {
    let mut i = 0;
    while let Some(word) = args.get(i) {
        if !is_option(word) {
            return Some((word, args.get(i + 1..).unwrap_or(&[])));
        }
        i += if with_value.contains(&word.as_str()) {
            2
        } else {
            1
        };
    }
    None
}

// ---------------------------------------------------------------------------------------
// System package managers

/// A distribution package manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PackageManager {
    /// Debian and Ubuntu: `apt-get`, `apt`.
    Apt,
    /// Alpine: `apk`.
    Apk,
    /// Red Hat family: `yum`, `dnf`, `microdnf`.
    Rpm,
}

impl PackageManager {
    /// The manager a program name belongs to.
    fn of(program: &str) -> Option<PackageManager> {
        match program {
            "apt-get" | "apt" => Some(PackageManager::Apt),
            "apk" => Some(PackageManager::Apk),
            "yum" | "dnf" | "microdnf" => Some(PackageManager::Rpm),
            _ => None,
        }
    }

    /// The manager's options that take the next word as their value.
    fn options_with_value(self) -> &'static [&'static str] {
        match self {
            PackageManager::Apt => &[
                "-o",
                "-c",
                "-t",
                "-a",
                "--option",
                "--config-file",
                "--target-release",
                "--default-release",
                "--host-architecture",
            ],
            PackageManager::Apk => &[
                "-t",
                "-X",
                "-p",
                "--virtual",
                "--repository",
                "--root",
                "--arch",
                "--cache-dir",
                "--keys-dir",
                "--repositories-file",
            ],
            PackageManager::Rpm => &[
                "-c",
                "-x",
                "-d",
                "-e",
                "-R",
                "--config",
                "--installroot",
                "--releasever",
                "--enablerepo",
                "--disablerepo",
                "--exclude",
                "--setopt",
                "--repo",
                "--repoid",
            ],
        }
    }

    /// What a verb of this manager does to the packages it names.
    fn action(self, verb: &str) -> Option<PackageAction> {
        match (self, verb) {
            (PackageManager::Apt | PackageManager::Rpm, "install")
            | (PackageManager::Apk, "add") => Some(PackageAction::Install),
            (PackageManager::Apt, "remove" | "purge" | "autoremove")
            | (PackageManager::Apk, "del")
            | (PackageManager::Rpm, "remove" | "erase" | "autoremove") => {
                Some(PackageAction::Remove)
            }
            _ => None,
        }
    }
}

/// Whether a package command adds or removes packages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PackageAction {
    /// `apt-get install`, `apk add`, `dnf install`.
    Install,
    /// `apt-get purge|remove|autoremove`, `apk del`, `dnf remove|erase|autoremove`.
    Remove,
}

/// A package manager command that installs or removes packages.
#[derive(Debug)]
pub(crate) struct PackageCommand<'a> {
    /// The program word (`apt-get`, `/sbin/apk`).
    pub program: &'a Word,
    /// Which manager runs it.
    pub manager: PackageManager,
    /// Install or remove.
    pub action: PackageAction,
    /// The verb word (`install`, `add`, `purge`, `del`).
    pub verb: &'a Word,
    /// Every word after the verb (options and packages).
    pub args: &'a [Word],
    /// The options written between the program and the verb (`-y` in `apt-get -y
    /// install`).
    pub leading_options: &'a [Word],
    /// The package operands (option values excluded), as written.
    pub packages: Vec<&'a Word>,
}

impl PackageCommand<'_> {
    /// Whether the option `name` is given (before or after the verb), alone or as
    /// `name=value`.
    pub fn has_option(&self, name: &str) -> bool {
        self.options().any(|word| {
            let text = word.as_str();
            text == name || text.strip_prefix(name).is_some_and(|r| r.starts_with('='))
        })
    }

    /// Every word before and after the verb, except the verb (options, their values
    /// and packages).
    pub fn options(&self) -> impl Iterator<Item = &Word> {
        self.leading_options.iter().chain(self.args)
    }

    /// The value of the option `names` (any spelling), given as `--opt value` or
    /// `--opt=value`.
    pub fn option_value(&self, names: &[&str]) -> Option<&str> {
        let mut words = self.options();
        while let Some(word) = words.next() {
            let text = word.as_str();
            if names.contains(&text) {
                return words.next().map(Word::as_str);
            }
            if let Some((name, value)) = text.split_once('=')
                && names.contains(&name)
            {
                return Some(value);
            }
        }
        None
    }

    /// Whether any package operand holds an expansion (`$BUILD_DEPS`): its packages
    /// are unknown.
    pub fn has_unknown_packages(&self) -> bool {
        self.packages.iter().any(|p| p.has_expansion)
    }
}

/// The package command `command` runs, if it is one: `apt-get install`, `apt purge`,
/// `apk add`, `apk del`, `yum|dnf|microdnf install|remove`, behind `sudo`/`env`/`exec`
/// and with options before the verb (`apt-get -y install`, `apk --no-cache add`).
pub(crate) fn package_command(command: &SimpleCommand) -> Option<PackageCommand<'_>> {
    let words = program_words(command);
    let (program, rest) = words.split_first()?;
    let manager = PackageManager::of(program_basename(program.as_str()))?;
    let with_value = manager.options_with_value();
    let (verb, args) = split_at_verb(rest, with_value)?;
    let action = manager.action(verb.as_str())?;
    let packages = operands(args, with_value);
    let leading_options = rest.get(..rest.len() - args.len() - 1).unwrap_or(&[]);
    Some(PackageCommand {
        program,
        manager,
        action,
        verb,
        args,
        leading_options,
        packages,
    })
}

/// The name of a package operand without its version or release selector
/// (`gcc=4:12.2-1`, `gcc~12`, `gcc>=12`, `libpq-dev:amd64`, `gcc/bookworm`); `None`
/// for a word holding an expansion.
pub(crate) fn package_name(word: &Word) -> Option<&str> {
    if word.has_expansion {
        return None;
    }
    let text = word.as_str();
    let end = text
        .find(['=', '<', '>', '~', ':', '/'])
        .unwrap_or(text.len());
    text.get(..end).filter(|name| !name.is_empty())
}

/// Whether a package name is a compiler, build tool or development headers package:
/// `gcc`, `gcc-*`, `g++`, `clang`, `build-essential`, `build-base`, `make`, `cmake`,
/// `*-dev`, `*-devel`.
pub(crate) fn is_build_tool_package(name: &str) -> bool {
    matches!(
        name,
        "gcc" | "g++" | "clang" | "build-essential" | "build-base" | "make" | "cmake"
    ) || name.starts_with("gcc-")
        || (name.len() > 4 && name.ends_with("-dev"))
        || (name.len() > 6 && name.ends_with("-devel"))
}

// ---------------------------------------------------------------------------------------
// pip

/// pip's general options that take the next word as their value.
const PIP_GENERAL_OPTIONS_WITH_VALUE: &[&str] = &[
    "--proxy",
    "--retries",
    "--timeout",
    "--log",
    "--log-file",
    "--cache-dir",
    "--cert",
    "--client-cert",
    "--exists-action",
    "--trusted-host",
    "--python",
    "--use-feature",
    "--use-deprecated",
    "--keyring-provider",
    "--resume-retries",
];

/// `pip install`'s options that take the next word as their value (general ones too).
const PIP_INSTALL_OPTIONS_WITH_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--root",
    "--prefix",
    "--src",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--global-option",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--root-user-action",
    "--report",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--group",
    "--proxy",
    "--retries",
    "--timeout",
    "--log",
    "--cache-dir",
    "--cert",
    "--client-cert",
    "--exists-action",
    "--trusted-host",
    "--python",
];

/// Python interpreter options that take the next word as their value.
const PYTHON_OPTIONS_WITH_VALUE: &[&str] = &["-X", "-W", "-Q"];

/// A `pip install` command.
#[derive(Debug)]
pub(crate) struct PipInstall<'a> {
    /// The `install` word.
    pub install: &'a Word,
    /// pip's words before `install` (general options).
    pub general_options: &'a [Word],
    /// Every word after `install`.
    pub args: &'a [Word],
}

impl PipInstall<'_> {
    /// Whether the option `name` is given (before or after `install`), alone or as
    /// `name=value`.
    pub fn has_option(&self, name: &str) -> bool {
        self.general_options.iter().chain(self.args).any(|word| {
            let text = word.as_str();
            text == name || text.strip_prefix(name).is_some_and(|r| r.starts_with('='))
        })
    }

    /// Whether it installs from a requirements file (`-r file`, `-rfile`,
    /// `--requirement file`, `--requirement=file`).
    pub fn reads_requirements_file(&self) -> bool {
        self.args.iter().any(|word| {
            let text = word.as_str();
            text.starts_with("-r") || text == "--requirement" || text.starts_with("--requirement=")
        })
    }

    /// The requirement operands (`fastapi`, `uvicorn[standard]>=0.30`, `.`), option
    /// values excluded.
    pub fn requirements(&self) -> Vec<&Word> {
        operands(self.args, PIP_INSTALL_OPTIONS_WITH_VALUE)
    }
}

/// Whether a program name is pip: `pip`, `pip3`, `pip3.12`.
fn is_pip_program(name: &str) -> bool {
    name.strip_prefix("pip").is_some_and(is_python_version)
}

/// Whether a program name is a Python interpreter: `python`, `python3`, `python3.12`.
pub(crate) fn is_python_program(name: &str) -> bool {
    name.strip_prefix("python").is_some_and(is_python_version)
}

/// Whether `text` is empty or a version like `3`, `3.12`.
fn is_python_version(text: &str) -> bool {
    text.split('.').enumerate().all(|(i, part)| {
        (i == 0 && part.is_empty() && text.is_empty())
            || (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The pip command's words after the program (`pip`) when `words` runs pip: `pip ...`,
/// `pip3.12 ...`, `/opt/venv/bin/pip ...`, `python -m pip ...`, `python3 -u -m pip ...`.
fn pip_arguments(words: &[Word]) -> Option<&[Word]> {
    let (program, rest) = words.split_first()?;
    let name = program_basename(program.as_str());
    if is_pip_program(name) {
        return Some(rest);
    }
    if !is_python_program(name) {
        return None;
    }
    let mut i = 0;
    while let Some(word) = rest.get(i) {
        let text = word.as_str();
        if text == "-m" {
            return (rest.get(i + 1)?.as_str() == "pip").then(|| rest.get(i + 2..).unwrap_or(&[]));
        }
        if text == "-mpip" {
            return Some(rest.get(i + 1..).unwrap_or(&[]));
        }
        if !text.starts_with('-') || text == "-" || text == "-c" {
            return None;
        }
        i += if PYTHON_OPTIONS_WITH_VALUE.contains(&text) {
            2
        } else {
            1
        };
    }
    None
}

/// The `pip install` that `command` runs, if any (see [`pip_arguments`] for the
/// spellings). `uv pip install` is not pip.
pub(crate) fn pip_install(command: &SimpleCommand) -> Option<PipInstall<'_>> {
    let args = pip_arguments(program_words(command))?;
    let (verb, rest) = split_at_verb(args, PIP_GENERAL_OPTIONS_WITH_VALUE)?;
    if verb.as_str() != "install" {
        return None;
    }
    let verb_index = args.len() - rest.len() - 1;
    Some(PipInstall {
        install: verb,
        general_options: args.get(..verb_index).unwrap_or(&[]),
        args: rest,
    })
}

/// Whether `command` installs a project's dependencies from its dependency files:
/// `pip install -r FILE`, `pip install --requirement FILE`, `uv pip install -r FILE`,
/// `uv sync`, `poetry install`, `pipenv install`, `pdm install`.
pub(crate) fn is_dependency_install(command: &SimpleCommand) -> bool {
    if let Some(pip) = pip_install(command) {
        return pip.reads_requirements_file();
    }
    let words = program_words(command);
    let Some((program, rest)) = words.split_first() else {
        return false;
    };
    let verb = |with_value: &[&str]| split_at_verb(rest, with_value);
    match program_basename(program.as_str()) {
        "uv" => match verb(&["--directory", "--project", "--cache-dir", "--config-file"]) {
            Some((sub, _)) if sub.as_str() == "sync" => true,
            Some((sub, after)) if sub.as_str() == "pip" => {
                matches!(after.first(), Some(w) if w.as_str() == "install")
                    && after.iter().any(|w| {
                        let t = w.as_str();
                        t.starts_with("-r")
                            || t == "--requirement"
                            || t.starts_with("--requirement=")
                    })
            }
            _ => false,
        },
        "poetry" | "pipenv" | "pdm" => {
            matches!(verb(&["-C", "--directory", "-P", "--project"]), Some((sub, _)) if sub.as_str() == "install")
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Users

/// Whether `command` creates a user or group: `useradd`, `adduser`, `groupadd`,
/// `addgroup` (behind `sudo`/`env`/`exec` too). Returns the program word.
pub(crate) fn user_creation(command: &SimpleCommand) -> Option<&Word> {
    let program = program_words(command).first()?;
    matches!(
        program_basename(program.as_str()),
        "useradd" | "adduser" | "groupadd" | "addgroup"
    )
    .then_some(program)
}

// ---------------------------------------------------------------------------------------
// Instructions and stages

/// Whether a `COPY`/`ADD` takes files from the build context: no `--from`, and at least
/// one source that is neither a heredoc nor (for `ADD`) a remote URL or git address.
pub(crate) fn copies_from_context(instruction: &Instruction) -> bool {
    let (InstructionKind::Copy(copy) | InstructionKind::Add(copy)) = &instruction.kind else {
        return false;
    };
    if instruction.flag("from").is_some() {
        return false;
    }
    copy.sources.iter().any(|source| {
        let text = source.value.as_str();
        !text.starts_with("<<") && !text.contains("://") && !text.starts_with("git@")
    })
}

/// The image the final stage ultimately builds on, following `FROM <stage>` to the
/// first stage of the chain (global `ARG` defaults substituted). `None` when there is no
/// stage or the chain starts `FROM scratch`.
pub(crate) fn final_base_image(model: &DockerfileModel) -> Option<&str> {
    let root = *model.image_stages().last()?;
    match &model.ast.stages.get(root)?.base {
        StageBase::Image(image) => Some(image.as_str()),
        StageBase::Stage(_) | StageBase::Scratch => None,
    }
}

// ---------------------------------------------------------------------------------------
// How the image starts

/// Whether the image is meant for development: its final stage is a dev stage (`AS dev`,
/// `AS api-dev`) or the file name says so (`Dockerfile.dev`, `dev.Dockerfile`).
pub(crate) fn is_dev_image(model: &DockerfileModel, path: Option<&Path>) -> bool {
    model.final_stage_is_dev() || path.is_some_and(is_dev_dockerfile)
}

/// How the final image starts, unless the image is meant for development (see
/// [`is_dev_image`]): the rules about production servers stay silent for dev images.
pub(crate) fn production_start<'m>(
    model: &'m DockerfileModel,
    path: Option<&Path>,
) -> Option<&'m StartCommand> {
    if is_dev_image(model, path) {
        return None;
    }
    model.start()
}

/// The span of the `CMD`/`ENTRYPOINT` command that decides how the image starts (its
/// JSON array or shell text).
pub(crate) fn start_span(model: &DockerfileModel, start: &StartCommand) -> Option<Span> {
    match &model.ast.instructions.get(start.instruction()?)?.kind {
        InstructionKind::Cmd(command) | InstructionKind::Entrypoint(command) => {
            Some(command.span())
        }
        _ => None,
    }
}

/// The `ENV` of the final image that sets `name` to a non-empty value (the setting in
/// effect, inherited from parent stages too).
pub(crate) fn image_env<'m>(model: &'m DockerfileModel, name: &str) -> Option<&'m KeyValue> {
    let final_stage = model.ast.final_stage()?;
    model
        .ast
        .effective_env(final_stage.index)
        .into_iter()
        .find(|pair| pair.key.value == name)
        .filter(|pair| pair.value.as_ref().is_some_and(|v| !v.value.is_empty()))
}

/// Whether the final image's `ENTRYPOINT` is an init process in exec form that runs the
/// command as its child and forwards signals to it (`tini`, `dumb-init`, any path).
pub(crate) fn entrypoint_is_init(model: &DockerfileModel, start: &StartCommand) -> bool {
    let Some(InstructionKind::Entrypoint(Command::Exec { args, .. })) = start
        .entrypoint
        .and_then(|index| model.ast.instructions.get(index))
        .map(|instruction| &instruction.kind)
    else {
        return false;
    };
    args.first()
        .is_some_and(|program| is_init_program(program_basename(&program.value)))
}

/// Whether a program is a minimal init that forwards signals (`tini`, `dumb-init`).
pub(crate) fn is_init_program(name: &str) -> bool {
    matches!(name, "tini" | "tini-static" | "dumb-init")
}

/// The distribution name of a requirement operand (`fastapi[standard]>=0.110` →
/// `fastapi`), lowercased with `_` and `.` as `-`; `None` for paths, URLs and words
/// holding an expansion.
pub(crate) fn requirement_name(word: &Word) -> Option<String> {
    if word.has_expansion {
        return None;
    }
    let text = word.as_str().trim();
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let name = text.get(..end)?;
    let rest = text.get(end..).unwrap_or("");
    if name.is_empty() || name.starts_with('.') || rest.starts_with(['/', ':', '+']) {
        return None;
    }
    Some(name.to_ascii_lowercase().replace(['_', '.'], "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shell::parse_str;

    fn first(text: &str) -> SimpleCommand {
        parse_str(text, 0)
            .commands
            .into_iter()
            .next()
            .expect("a command")
    }

    fn texts(words: &[&Word]) -> Vec<String> {
        words.iter().map(|w| w.as_str().to_string()).collect()
    }

    #[test]
    fn program_words_look_through_wrappers() {
        let c = first("sudo -E env DEBIAN_FRONTEND=noninteractive apt-get install x");
        assert_eq!(program_words(&c)[0].as_str(), "apt-get");
        let c = first("exec -a name gunicorn app");
        assert_eq!(program_words(&c)[0].as_str(), "gunicorn");
        let c = first("sudo -u app pip install x");
        assert_eq!(program_words(&c)[0].as_str(), "pip");
    }

    #[test]
    fn apt_install_with_options_before_and_after_the_verb() {
        let c = first(
            "apt-get -o Acquire::Retries=3 -y install --no-install-recommends gcc libpq-dev=15.1",
        );
        let p = package_command(&c).expect("package command");
        assert_eq!(p.manager, PackageManager::Apt);
        assert_eq!(p.action, PackageAction::Install);
        assert_eq!(p.verb.as_str(), "install");
        assert_eq!(texts(&p.packages), ["gcc", "libpq-dev=15.1"]);
        assert!(p.has_option("--no-install-recommends"));
        assert_eq!(package_name(p.packages[1]), Some("libpq-dev"));
    }

    #[test]
    fn apk_virtual_package_is_an_option_value() {
        let c = first("apk add --no-cache --virtual .build-deps gcc musl-dev");
        let p = package_command(&c).expect("package command");
        assert_eq!(p.manager, PackageManager::Apk);
        assert_eq!(texts(&p.packages), ["gcc", "musl-dev"]);
        assert_eq!(p.option_value(&["--virtual", "-t"]), Some(".build-deps"));
        let c = first("apk del .build-deps");
        let p = package_command(&c).expect("package command");
        assert_eq!(p.action, PackageAction::Remove);
    }

    #[test]
    fn rpm_and_non_package_commands() {
        let c = first("dnf -y install gcc-c++ python3-devel");
        let p = package_command(&c).expect("package command");
        assert_eq!(p.manager, PackageManager::Rpm);
        assert!(
            p.packages
                .iter()
                .all(|w| package_name(w).is_some_and(is_build_tool_package))
        );
        assert!(package_command(&first("apt-get update")).is_none());
        assert!(package_command(&first("apt-cache search gcc")).is_none());
    }

    #[test]
    fn build_tool_names() {
        for name in [
            "gcc",
            "gcc-12",
            "g++",
            "clang",
            "build-essential",
            "build-base",
            "make",
            "cmake",
            "libpq-dev",
            "python3-devel",
        ] {
            assert!(is_build_tool_package(name), "{name}");
        }
        for name in [
            "libpq5",
            "curl",
            "udev",
            "-dev",
            "makedev2",
            "ca-certificates",
        ] {
            assert!(!is_build_tool_package(name), "{name}");
        }
    }

    #[test]
    fn pip_install_spellings() {
        for text in [
            "pip install x",
            "pip3 install x",
            "pip3.12 install x",
            "/opt/venv/bin/pip install x",
            "python -m pip install x",
            "python3.12 -u -m pip install x",
            "pip --disable-pip-version-check --timeout 60 install x",
        ] {
            let c = first(text);
            let pip = pip_install(&c).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(pip.install.as_str(), "install");
        }
        for text in [
            "uv pip install x",
            "pipx install x",
            "pip download x",
            "python -c 'pip install'",
            "pipenv install",
        ] {
            assert!(pip_install(&first(text)).is_none(), "{text}");
        }
    }

    #[test]
    fn pip_install_options_and_requirements() {
        let c = first("pip --no-cache-dir install -r requirements.txt -c constraints.txt fastapi");
        let pip = pip_install(&c).expect("pip install");
        assert!(pip.has_option("--no-cache-dir"));
        assert!(pip.reads_requirements_file());
        assert_eq!(texts(&pip.requirements()), ["fastapi"]);
        let c = first("pip install --requirement=req.txt");
        assert!(pip_install(&c).expect("pip").reads_requirements_file());
    }

    #[test]
    fn dependency_installs() {
        for text in [
            "pip install -r requirements.txt",
            "python -m pip install -rrequirements.txt",
            "uv sync --frozen",
            "uv pip install --system -r requirements.txt",
            "poetry install --no-root",
            "pipenv install --deploy",
            "pdm install --prod",
        ] {
            assert!(is_dependency_install(&first(text)), "{text}");
        }
        for text in [
            "pip install .",
            "pip install fastapi",
            "uv pip install fastapi",
            "poetry build",
            "uv run app",
        ] {
            assert!(!is_dependency_install(&first(text)), "{text}");
        }
    }

    #[test]
    fn user_creation_commands() {
        assert!(user_creation(&first("useradd -m app")).is_some());
        assert!(user_creation(&first("addgroup -S app")).is_some());
        assert!(user_creation(&first("usermod -aG x app")).is_none());
    }

    #[test]
    fn requirement_names() {
        let name = |text: &str| {
            let c = first(&format!("pip install {text}"));
            requirement_name(&c.words[2])
        };
        assert_eq!(name("fastapi"), Some("fastapi".to_string()));
        assert_eq!(
            name("'uvicorn[standard]>=0.30'"),
            Some("uvicorn".to_string())
        );
        assert_eq!(name("Fast_API==1"), Some("fast-api".to_string()));
        assert_eq!(name("starlette~=0.37"), Some("starlette".to_string()));
        assert_eq!(name("."), None);
        assert_eq!(name("./wheels/app.whl"), None);
        assert_eq!(name("/wheels/app.whl"), None);
        assert_eq!(name("git+https://example.com/x.git"), None);
        assert_eq!(name("$PACKAGES"), None);
    }

    #[test]
    fn launched_program_skips_inits_and_privilege_droppers() {
        let c = first("exec tini -g -- gosu app env A=1 ./entrypoint.sh gunicorn");
        assert_eq!(launched_program(&c.words)[0].as_str(), "./entrypoint.sh");
        let c = first("dumb-init --rewrite 15:2 su-exec app \"$@\"");
        assert_eq!(launched_program(&c.words)[0].as_str(), "$@");
        let c = first("uvicorn app:app");
        assert_eq!(launched_program(&c.words)[0].as_str(), "uvicorn");
    }

    fn model(text: &str) -> DockerfileModel {
        DockerfileModel::new(crate::parse::dockerfile::parse(text).tree)
    }

    #[test]
    fn dev_images_have_no_production_start() {
        let m = model("FROM a AS base\nCMD [\"x\"]\nFROM base AS dev\n");
        assert!(is_dev_image(&m, None));
        assert!(production_start(&m, None).is_none());
        let m = model("FROM a AS dev\nFROM a AS runtime\nCMD [\"x\"]\n");
        assert!(production_start(&m, Some(Path::new("Dockerfile"))).is_some());
        assert!(production_start(&m, Some(Path::new("ci/Dockerfile.dev"))).is_none());
    }

    #[test]
    fn image_env_follows_ancestry_and_last_setting() {
        let m = model("FROM a AS base\nENV X=1 Y=1\nFROM b AS other\nENV Z=1\nFROM base\nENV Y=\n");
        assert!(image_env(&m, "X").is_some());
        assert!(image_env(&m, "Y").is_none());
        assert!(image_env(&m, "Z").is_none());
    }

    #[test]
    fn start_span_and_init_entrypoints() {
        let text = "FROM a\nENTRYPOINT [\"/usr/bin/tini\", \"--\"]\nCMD uvicorn app:app\n";
        let m = model(text);
        let start = m.start().expect("start");
        assert!(entrypoint_is_init(&m, start));
        let span = start_span(&m, start).expect("span");
        assert_eq!(span.text(text), "uvicorn app:app");
        let text = "FROM a\nENTRYPOINT [\"gunicorn\"]\nCMD [\"app:app\"]\n";
        let m = model(text);
        let start = m.start().expect("start");
        assert!(!entrypoint_is_init(&m, start));
        assert_eq!(
            start_span(&m, start).map(|s| s.text(text)),
            Some("[\"app:app\"]")
        );
    }
}
