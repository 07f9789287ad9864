//! A tolerant model of POSIX shell command lines (RUN, CMD and scripts).
//!
//! The shell text comes as a [`MappedText`] (a Dockerfile instruction without its line
//! continuations, an entrypoint script, a systemd `ExecStart`, a compose `command`), and
//! every span in the result is a span of the *file*.
//!
//! The model is deliberately flat: a [`Script`] is the list of the [`SimpleCommand`]s it
//! runs, in file order, whatever compound command (`if`, `for`, `case`, `{ }`, `( )`,
//! function bodies) they sit in. That is what the rules need ("which commands start a
//! server, and how are they chained?") and it keeps the parser a linear state machine
//! with no recursion.
//!
//! Nothing here executes or expands: words keep `$VAR`, `${..}`, `$(..)` and backquotes
//! as written (after quote removal), and say where the expansions are.

mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::parse::SyntaxError;
use crate::span::{MappedText, Span, Spanned};

/// Compound commands may nest this deep; deeper nesting is reported, not followed.
pub const MAX_NESTING: usize = 256;

/// Shells whose `-c` string is parsed by [`SimpleCommand::inner_script`].
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox-sh"];

/// One shell word: its value after quote removal, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The value after quote removal and escape processing. Expansions (`$VAR`,
    /// `${VAR:-x}`, `$(cmd)`, `` `cmd` ``) are kept verbatim.
    pub text: String,
    /// The file span of the word as written, quotes included.
    pub span: Span,
    /// Whether any part of the word was quoted or escaped (so it is never a keyword
    /// and never an assignment).
    pub quoted: bool,
    /// Whether the word contains an unexpanded parameter expansion or command
    /// substitution.
    pub has_expansion: bool,
    /// Byte ranges of [`Word::text`] holding expansions, in order.
    expansions: Vec<Range<usize>>,
    /// The value mapped back to the file byte by byte, when known.
    value: Option<MappedText>,
}

impl Word {
    /// A word that went through no shell: an exec-form (JSON) array element, a
    /// Kubernetes `args` item. `span` is where it was written, with or without its
    /// quotes.
    ///
    /// When `span` is exactly as long as `text` (an unquoted YAML scalar), or two bytes
    /// longer (a quoted string), the value is assumed to be written verbatim inside the
    /// span, so sub-spans (a flag's `=value`, the string of `sh -c`) are exact. Escape
    /// sequences always make the written form longer than the value by other amounts; in
    /// that case every sub-span falls back to `span`.
    pub fn literal(text: impl Into<String>, span: Span) -> Word {
        let text = text.into();
        let written = span.len() as usize;
        let value = if written == text.len() {
            Some(MappedText::contiguous(&text, span.start))
        } else if written == text.len() + 2 {
            Some(MappedText::contiguous(&text, span.start + 1))
        } else {
            None
        };
        Word {
            text,
            span,
            quoted: false,
            has_expansion: false,
            expansions: Vec::new(),
            value,
        }
    }

    /// [`Word::literal`] from a spanned string (the Dockerfile exec-form element type).
    pub fn from_spanned(value: &Spanned<String>) -> Word {
        Word::literal(value.value.clone(), value.span)
    }

    /// Words from exec-form elements, in order.
    pub fn from_exec_form(args: &[Spanned<String>]) -> Vec<Word> {
        args.iter().map(Word::from_spanned).collect()
    }

    /// The value as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The expansions in the value, as `(range in text, expansion text)`.
    pub fn expansions(&self) -> impl Iterator<Item = (Range<usize>, &str)> {
        self.expansions
            .iter()
            .map(|r| (r.clone(), self.text.get(r.clone()).unwrap_or("")))
    }

    /// Byte ranges of [`Word::text`] that hold expansions.
    pub fn expansion_ranges(&self) -> &[Range<usize>] {
        &self.expansions
    }

    /// The value mapped back to the file, when every byte's place is known.
    pub fn mapped_value(&self) -> Option<&MappedText> {
        self.value.as_ref()
    }

    /// The file span of bytes `range` of [`Word::text`]; the whole word's span when the
    /// value's bytes cannot be placed in the file.
    pub fn subspan(&self, range: Range<usize>) -> Span {
        match &self.value {
            Some(map) if range.start <= range.end && range.end <= self.text.len() => {
                map.span_to_file(Span::from_range(range))
            }
            _ => self.span,
        }
    }

    /// Parses the value as a shell script (the string of `sh -c "..."`). Spans point
    /// inside the word when its bytes can be placed in the file, else at the word.
    pub fn parse_as_script(&self) -> Script {
        match &self.value {
            Some(map) => parse(map),
            None => {
                let mut script = parse(&MappedText::contiguous(&self.text, 0));
                script.relocate(self.span);
                script
            }
        }
    }

    /// Whether the word is unquoted and exactly `keyword`.
    fn is_bare(&self, keyword: &str) -> bool {
        !self.quoted && self.text == keyword
    }

    /// Sets every span to `span` and forgets the value map (used when a re-parsed
    /// string cannot be placed in the file).
    fn relocate(&mut self, span: Span) {
        self.span = span;
        self.value = None;
    }
}

/// The operator that joins a command to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Connector {
    /// `&&`: runs if the previous one succeeded.
    And,
    /// `||`: runs if the previous one failed.
    Or,
    /// `;` or a newline: runs after the previous one.
    Sequence,
    /// `|` or `|&`: reads the previous one's output.
    Pipe,
    /// `&`: runs while the previous one goes on in the background.
    Background,
}

/// What a redirection does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RedirectKind {
    /// `<`
    Input,
    /// `>`
    Output,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DuplicateInput,
    /// `>&`
    DuplicateOutput,
    /// `&>`: stdout and stderr.
    OutputAll,
    /// `&>>`: stdout and stderr, appending.
    AppendAll,
    /// `<<` (target = the delimiter; the body lines are skipped).
    Heredoc,
    /// `<<-`: heredoc with leading tabs stripped.
    HeredocStripTabs,
    /// `<<<`: here-string.
    HereString,
}

/// A redirection such as `2>&1` or `>/dev/null`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The file descriptor written before the operator (`2` in `2>&1`).
    pub fd: Option<u32>,
    /// The operator.
    pub kind: RedirectKind,
    /// The target word (file, descriptor, heredoc delimiter); `None` if missing.
    pub target: Option<Word>,
    /// From the descriptor or operator to the end of the target.
    pub span: Span,
}

/// A simple command: assignments, words, redirections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    /// Leading `NAME=value` assignments.
    pub assignments: Vec<Word>,
    /// The argument vector, redirections removed.
    pub words: Vec<Word>,
    /// The redirections, in order.
    pub redirects: Vec<Redirect>,
    /// The operator before this command (`None` for the first command of a script).
    pub connector: Option<Connector>,
    /// Whether the command is followed by `&` (runs in the background).
    pub background: bool,
    /// How many compound commands (`if`, loops, `case`, `{ }`, `( )`) enclose it.
    pub depth: u32,
    /// From the first to the last token of the command.
    pub span: Span,
}

impl SimpleCommand {
    /// The command name (first word), if any.
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(Word::as_str)
    }

    /// The arguments after the name.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Whether the command is `exec ...`: it replaces the shell.
    pub fn is_exec(&self) -> bool {
        self.name() == Some("exec")
    }

    /// The words after `exec` and its options (`-a name`, `-c`, `-l`), i.e. the
    /// program that replaces the shell; all words when the command is not an `exec`.
    pub fn words_after_exec(&self) -> &[Word] {
        if !self.is_exec() {
            return &self.words;
        }
        skip_exec_options(&self.words)
    }

    /// When the command is `sh -c "..."` (also `bash`, `dash`, `ash`, options such as
    /// `-ec`, `-xc`, `-o pipefail` before the string), the parsed string.
    pub fn inner_script(&self) -> Option<Script> {
        shell_command_string(&self.words).map(Word::parse_as_script)
    }

    fn relocate(&mut self, span: Span) {
        self.span = span;
        for word in self.assignments.iter_mut().chain(self.words.iter_mut()) {
            word.relocate(span);
        }
        for redirect in &mut self.redirects {
            redirect.span = span;
            if let Some(target) = &mut redirect.target {
                target.relocate(span);
            }
        }
    }
}

/// The words after `exec`'s own options in `words` (which start with `exec`).
pub fn skip_exec_options(words: &[Word]) -> &[Word] {
    let mut i = 1;
    while let Some(word) = words.get(i) {
        match word.as_str() {
            "--" => return words.get(i + 1..).unwrap_or(&[]),
            "-a" => i += 2,
            w if w.starts_with('-')
                && w.len() > 1
                && w[1..].bytes().all(|b| b == b'c' || b == b'l') =>
            {
                i += 1;
            }
            _ => break,
        }
    }
    words.get(i..).unwrap_or(&[])
}

/// The basename of a program path (`/usr/bin/env` → `env`).
pub fn program_basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// When `argv` is `sh -c STRING ...` (`sh`, `bash`, `dash` and the other common shells, any options before the
/// string), the `STRING` word.
pub fn shell_command_string(argv: &[Word]) -> Option<&Word> {
    let program = argv.first()?;
    if !SHELLS.contains(&program_basename(program.as_str())) {
        return None;
    }
    let mut has_c = false;
    let mut i = 1;
    while let Some(word) = argv.get(i) {
        let text = word.as_str();
        if text == "--" || text == "-" {
            i += 1;
            break;
        }
        let is_option = (text.starts_with('-') || text.starts_with('+')) && text.len() > 1;
        if !is_option {
            break;
        }
        if text.starts_with("--") {
            // Long options (`--login`, `--norc`) take no value, except `--rcfile FILE`.
            if text == "--rcfile" || text == "--init-file" {
                i += 1;
            }
        } else {
            let letters = &text[1..];
            if letters.contains('c') {
                has_c = true;
            }
            if letters.contains('o') || letters.contains('O') {
                // `-o pipefail`: the option name follows.
                i += 1;
            }
        }
        i += 1;
    }
    if has_c { argv.get(i) } else { None }
}

/// A parsed shell script: its simple commands in file order and its syntax errors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// Every simple command, in file order, whatever compound command holds it.
    pub commands: Vec<SimpleCommand>,
    /// Syntax problems, in the order met.
    pub errors: Vec<SyntaxError>,
}

impl Script {
    /// The last command of the script, if any.
    pub fn last_command(&self) -> Option<&SimpleCommand> {
        self.commands.last()
    }

    fn relocate(&mut self, span: Span) {
        for command in &mut self.commands {
            command.relocate(span);
        }
        for error in &mut self.errors {
            error.span = span;
        }
    }
}

/// Parses shell text. Never fails: problems are listed in [`Script::errors`].
pub fn parse(text: &MappedText) -> Script {
    parser::Parser::new(text).run()
}

/// Parses a plain string that starts at `file_offset` in its file.
pub fn parse_str(text: &str, file_offset: u32) -> Script {
    parse(&MappedText::contiguous(text, file_offset))
}
