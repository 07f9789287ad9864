//! The typed syntax tree of a Dockerfile, every part with its byte span.

use crate::span::{MappedText, Span, Spanned};

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dockerfile {
    /// Parser directives from the file's header (`# syntax=`, `# escape=`, `# check=`).
    pub directives: Vec<Directive>,
    /// The active escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    /// Top-level instructions in file order. An instruction that could not be parsed is
    /// absent (its error is in the parse result) and parsing resumed after it.
    pub instructions: Vec<Instruction>,
    /// Every comment line, including those inside continuations, in file order.
    pub comments: Vec<Comment>,
    /// Build stages, one per `FROM`, in file order.
    pub stages: Vec<Stage>,
}

/// A parser directive such as `# escape=\``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Directive name, lowercased (`syntax`, `escape`, `check`).
    pub name: Spanned<String>,
    /// Its value, trimmed.
    pub value: Spanned<String>,
    /// The whole comment line.
    pub span: Span,
}

/// A `#` comment line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, with surrounding whitespace trimmed.
    pub text: String,
    /// The span of the whole comment (from `#` to the end of the line).
    pub span: Span,
}

/// One instruction.
#[derive(Clone, Debug, PartialEq)]
pub struct Instruction {
    /// From the keyword to the end of the instruction (heredoc bodies included).
    pub span: Span,
    /// The keyword as written (`run`, `RUN`); compare with [`InstructionKind`], not this.
    pub keyword: Spanned<String>,
    /// `--name[=value]` flags before the arguments.
    pub flags: Vec<Flag>,
    /// The arguments' span (after keyword and flags).
    pub args_span: Span,
    /// The instruction-specific arguments.
    pub kind: InstructionKind,
}

/// A `--name=value` (or bare `--name`) flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// Name without the dashes, lowercased (`from`, `mount`, `chown`).
    pub name: Spanned<String>,
    /// Value after `=`, unquoted, if any.
    pub value: Option<Spanned<String>>,
    /// The whole flag.
    pub span: Span,
}

/// The arguments of each instruction.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum InstructionKind {
    /// `FROM [--platform=..] image [AS name]`.
    From(From),
    /// `RUN`.
    Run(Run),
    /// `CMD`.
    Cmd(Command),
    /// `ENTRYPOINT`.
    Entrypoint(Command),
    /// `SHELL ["sh", "-c"]`.
    Shell(Vec<Spanned<String>>),
    /// `COPY`.
    Copy(Copy),
    /// `ADD`.
    Add(Copy),
    /// `ENV key=value ...` (also the legacy `ENV key value`).
    Env(Vec<KeyValue>),
    /// `LABEL key=value ...`.
    Label(Vec<KeyValue>),
    /// `ARG name[=default] ...`.
    Arg(Vec<KeyValue>),
    /// `EXPOSE 8000 8443/tcp`.
    Expose(Vec<Spanned<String>>),
    /// `USER user[:group]`.
    User(Spanned<String>),
    /// `WORKDIR path`.
    Workdir(Spanned<String>),
    /// `VOLUME` paths (JSON or space-separated).
    Volume(Vec<Spanned<String>>),
    /// `STOPSIGNAL signal`.
    Stopsignal(Spanned<String>),
    /// `HEALTHCHECK NONE` or `HEALTHCHECK [flags] CMD ...`.
    Healthcheck(Healthcheck),
    /// `ONBUILD <instruction>`.
    Onbuild(Box<Instruction>),
    /// `MAINTAINER name` (deprecated).
    Maintainer(Spanned<String>),
}

/// `FROM` arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct From {
    /// The image reference as written (`python:3.12-slim`, `${BASE}`, `builder`).
    pub image: Spanned<String>,
    /// The stage name after `AS`, as written.
    pub alias: Option<Spanned<String>>,
}

/// `RUN` arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The command (shell or exec form).
    pub command: Command,
    /// Heredocs opened on the instruction line, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A command in exec (JSON array) or shell form.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Command {
    /// `["uvicorn", "app:app"]`: the JSON strings, unescaped, each with its span (quotes
    /// included).
    Exec {
        /// The array's elements.
        args: Vec<Spanned<String>>,
        /// From `[` to `]`.
        span: Span,
    },
    /// Shell form: the text handed to the shell, with line continuations and interior
    /// comment lines removed, mapped back to the file.
    Shell {
        /// The shell text.
        text: MappedText,
        /// The span of the shell text in the file.
        span: Span,
    },
}

impl Command {
    /// The span of the whole command in the file.
    pub fn span(&self) -> Span {
        match self {
            Command::Exec { span, .. } | Command::Shell { span, .. } => *span,
        }
    }
}

/// A heredoc (`<<EOF` ... `EOF`).
#[derive(Clone, Debug, PartialEq)]
pub struct Heredoc {
    /// The delimiter word without quotes or `-`.
    pub delimiter: Spanned<String>,
    /// `<<-`: leading tabs are stripped from body lines.
    pub strip_tabs: bool,
    /// The delimiter was quoted: no variable expansion in the body.
    pub quoted: bool,
    /// The body lines (after tab stripping), mapped back to the file; without the
    /// terminator line.
    pub body: MappedText,
    /// From the `<<` marker's first body line to the end of the terminator line.
    pub span: Span,
}

/// `COPY`/`ADD` arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Copy {
    /// Source paths (or heredoc marker words like `<<EOF`), as written, unquoted.
    pub sources: Vec<Spanned<String>>,
    /// The destination (last argument).
    pub destination: Option<Spanned<String>>,
    /// Heredocs used as inline sources.
    pub heredocs: Vec<Heredoc>,
}

/// A `key=value` pair of `ENV`, `LABEL` or `ARG` (value unquoted and unescaped; `None` for
/// `ARG name` without default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: Spanned<String>,
    /// The value, if any.
    pub value: Option<Spanned<String>>,
    /// The whole pair.
    pub span: Span,
}

/// `HEALTHCHECK` arguments.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`: disables the inherited check.
    None,
    /// `HEALTHCHECK [flags] CMD ...` (timing flags are in [`Instruction::flags`]).
    Cmd(Command),
}

/// A build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// 0-based position among the stages.
    pub index: usize,
    /// The `AS` name, as written.
    pub name: Option<Spanned<String>>,
    /// Index in [`Dockerfile::instructions`] of its `FROM`.
    pub from: usize,
    /// One past the index of its last instruction.
    pub end: usize,
    /// What the stage builds on.
    pub base: StageBase,
}

/// What a stage's `FROM` refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StageBase {
    /// An image reference (after global `ARG` substitution where possible).
    Image(String),
    /// An earlier stage, by index.
    Stage(usize),
    /// `scratch`.
    Scratch,
}
