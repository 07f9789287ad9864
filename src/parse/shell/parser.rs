//! From tokens to the flat list of simple commands.
//!
//! A state machine with an explicit stack of open compound commands: keywords are
//! recognised only where a command may start, `case` patterns and `for` headers are
//! skipped, and every other word lands in the simple command being built.

use std::ops::Range;

use super::lexer::{Lexer, Op, Token};
use super::{Connector, MAX_NESTING, Redirect, RedirectKind, Script, SimpleCommand, Word};
use crate::parse::SyntaxError;
use crate::span::{MappedText, Span};

/// An open compound command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    If,
    Loop,
    Case,
    Brace,
    Subshell,
}

impl Open {
    fn closer(self) -> &'static str {
        match self {
            Open::If => "fi",
            Open::Loop => "done",
            Open::Case => "esac",
            Open::Brace => "}",
            Open::Subshell => ")",
        }
    }
}

/// Where the parser is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A command (or a keyword) may start here.
    Start,
    /// Inside a simple command.
    Command,
    /// After `for`/`select`: the variable name.
    ForName,
    /// The `for` word list, up to `;` or a newline.
    ForList,
    /// After `case`: the subject word.
    CaseSubject,
    /// After the subject: `in`.
    CaseIn,
    /// Reading a `case` pattern list up to `)`.
    CasePattern,
    /// After `function`: the name.
    FunctionName,
    /// After `name (`: expecting `)`.
    FunctionParen,
    /// After `fi`, `done`, `esac`, `}` or `)`: redirections or an operator.
    AfterCompound,
}

/// A command being built.
struct Building {
    command: SimpleCommand,
    first: Span,
    last: Span,
}

pub(super) struct Parser<'a> {
    lexer: Lexer<'a>,
    commands: Vec<SimpleCommand>,
    errors: Vec<SyntaxError>,
    current: Option<Building>,
    pending_connector: Option<Connector>,
    stack: Vec<(Open, Span)>,
    /// Openers beyond [`MAX_NESTING`], counted so their closers still match.
    overflow: usize,
    mode: Mode,
    lookahead: Option<Token>,
}

/// Whether `word` is written `NAME=...` or `NAME+=...` with a valid, unquoted name.
fn is_assignment(word: &Word) -> bool {
    let text = word.as_str();
    let Some(eq) = text.find('=') else {
        return false;
    };
    let name = text[..eq].strip_suffix('+').unwrap_or(&text[..eq]);
    let mut chars = name.chars();
    let valid_name = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    // The name part must be written literally: the value before `=` may not come from
    // quotes or expansions.
    valid_name
        && word.expansion_ranges().iter().all(|range| range.start > eq)
        && (!word.quoted || unquoted_prefix(word, eq))
}

/// Whether the first `len` bytes of the word's value are written as is at its start.
fn unquoted_prefix(word: &Word, len: usize) -> bool {
    word.mapped_value().is_some() && {
        let span = word.subspan(0..len);
        span.start == word.span.start && span.len() as usize == len
    }
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a MappedText) -> Self {
        Parser {
            lexer: Lexer::new(text),
            commands: Vec::new(),
            errors: Vec::new(),
            current: None,
            pending_connector: None,
            stack: Vec::new(),
            overflow: 0,
            mode: Mode::Start,
            lookahead: None,
        }
    }

    fn next(&mut self) -> Token {
        self.lookahead
            .take()
            .unwrap_or_else(|| self.lexer.next_token())
    }

    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.errors.push(SyntaxError::new(message, span));
    }

    fn op_span(&self, range: Range<usize>) -> Span {
        self.lexer.file_span(range)
    }

    pub(super) fn run(mut self) -> Script {
        loop {
            match self.next() {
                Token::Eof => break,
                Token::Newline => self.newline(),
                Token::Op(op, range) => {
                    let span = self.op_span(range);
                    self.operator(op, span);
                }
                Token::Redirect(fd, kind, range) => {
                    let span = self.op_span(range);
                    self.redirect(fd, kind, span);
                }
                Token::Word(word) => self.word(word),
            }
        }
        self.finish_command();
        while let Some((open, span)) = self.stack.pop() {
            self.error(format!("missing `{}`", open.closer()), span);
        }
        let mut errors = self.lexer.errors;
        errors.extend(self.errors);
        errors.sort_by_key(|e| e.span.start);
        Script {
            commands: self.commands,
            errors,
        }
    }

    fn push_open(&mut self, open: Open, span: Span) {
        if self.stack.len() >= MAX_NESTING {
            if self.overflow == 0 {
                self.error("nesting too deep", span);
            }
            self.overflow += 1;
        } else {
            self.stack.push((open, span));
        }
    }

    /// Closes the innermost `open`; reports a closer with no opener.
    fn close(&mut self, open: Open, span: Span) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        match self.stack.iter().rposition(|(o, _)| *o == open) {
            Some(index) => {
                for (unclosed, at) in self.stack.split_off(index).into_iter().skip(1) {
                    self.error(format!("missing `{}`", unclosed.closer()), at);
                }
            }
            None => self.error(format!("unexpected `{}`", open.closer()), span),
        }
    }

    fn top(&self) -> Option<Open> {
        self.stack.last().map(|(o, _)| *o)
    }

    /// Checks that a middle keyword (`then`, `do`, ...) sits in its compound command.
    fn expect_inside(&mut self, open: Open, keyword: &str, span: Span) {
        if self.overflow == 0 && self.top() != Some(open) {
            self.error(format!("unexpected `{keyword}`"), span);
        }
    }

    fn start_command(&mut self, first: Span) -> &mut Building {
        let connector = self.pending_connector.take();
        let depth = u32::try_from(self.stack.len() + self.overflow).unwrap_or(u32::MAX);
        self.mode = Mode::Command;
        self.current.insert(Building {
            command: SimpleCommand {
                assignments: Vec::new(),
                words: Vec::new(),
                redirects: Vec::new(),
                connector,
                background: false,
                depth,
                span: first,
            },
            first,
            last: first,
        })
    }

    /// Ends the command being built, if any; returns whether there was one.
    fn finish_command(&mut self) -> bool {
        match self.current.take() {
            Some(mut building) => {
                building.command.span = building.first.cover(building.last);
                self.commands.push(building.command);
                true
            }
            None => false,
        }
    }

    fn word(&mut self, word: Word) {
        match self.mode {
            Mode::Start | Mode::AfterCompound => {
                if self.mode == Mode::AfterCompound {
                    self.error(
                        format!("unexpected word `{}` after a compound command", word.text),
                        word.span,
                    );
                    self.mode = Mode::Start;
                }
                if !self.keyword(&word) {
                    let span = word.span;
                    let building = self.start_command(span);
                    if is_assignment(&word) {
                        building.command.assignments.push(word);
                    } else {
                        building.command.words.push(word);
                    }
                }
            }
            Mode::Command => {
                if let Some(building) = &mut self.current {
                    building.last = word.span;
                    if building.command.words.is_empty() && is_assignment(&word) {
                        building.command.assignments.push(word);
                    } else {
                        building.command.words.push(word);
                    }
                } else {
                    self.mode = Mode::Start;
                    self.word(word);
                }
            }
            Mode::ForName => self.mode = Mode::ForList,
            Mode::ForList => {
                if word.is_bare("do") {
                    // `for x in a b; do` needs the separator, but `for x do` does not.
                    self.mode = Mode::Start;
                }
            }
            Mode::CaseSubject => self.mode = Mode::CaseIn,
            Mode::CaseIn => {
                if !word.is_bare("in") {
                    self.error("expected `in` after the `case` word", word.span);
                }
                self.mode = Mode::CasePattern;
            }
            Mode::CasePattern => {
                if word.is_bare("esac") {
                    self.close(Open::Case, word.span);
                    self.mode = Mode::AfterCompound;
                }
            }
            Mode::FunctionName => self.mode = Mode::FunctionParen,
            Mode::FunctionParen => {
                // `function name` without `()`: this word starts the body.
                self.mode = Mode::Start;
                self.word(word);
            }
        }
    }

    /// Handles a reserved word at the start of a command; false if `word` is none.
    fn keyword(&mut self, word: &Word) -> bool {
        if word.quoted {
            return false;
        }
        let span = word.span;
        match word.as_str() {
            "if" => self.push_open(Open::If, span),
            "then" | "elif" | "else" => self.expect_inside(Open::If, word.as_str(), span),
            "fi" => {
                self.close(Open::If, span);
                self.mode = Mode::AfterCompound;
            }
            "while" | "until" => self.push_open(Open::Loop, span),
            "for" | "select" => {
                self.push_open(Open::Loop, span);
                self.mode = Mode::ForName;
            }
            "do" => self.expect_inside(Open::Loop, "do", span),
            "done" => {
                self.close(Open::Loop, span);
                self.mode = Mode::AfterCompound;
            }
            "case" => {
                self.push_open(Open::Case, span);
                self.mode = Mode::CaseSubject;
            }
            "esac" => {
                self.close(Open::Case, span);
                self.mode = Mode::AfterCompound;
            }
            "{" => self.push_open(Open::Brace, span),
            "}" => {
                self.close(Open::Brace, span);
                self.mode = Mode::AfterCompound;
            }
            "!" => {}
            "function" => self.mode = Mode::FunctionName,
            _ => return false,
        }
        true
    }

    fn connector_of(op: Op) -> Option<Connector> {
        match op {
            Op::AndIf => Some(Connector::And),
            Op::OrIf => Some(Connector::Or),
            Op::Pipe => Some(Connector::Pipe),
            Op::Semi | Op::CaseBreak => Some(Connector::Sequence),
            Op::Amp => Some(Connector::Background),
            Op::LParen | Op::RParen => None,
        }
    }

    fn operator(&mut self, op: Op, span: Span) {
        match (self.mode, op) {
            (Mode::CasePattern, Op::Pipe | Op::LParen) => {}
            (Mode::CasePattern, Op::RParen) => self.mode = Mode::Start,
            (Mode::FunctionName | Mode::FunctionParen, Op::LParen) => {
                self.mode = Mode::FunctionParen;
            }
            (Mode::FunctionParen, Op::RParen) => self.mode = Mode::Start,
            (Mode::Start, Op::LParen) => self.push_open(Open::Subshell, span),
            (Mode::Command, Op::LParen) => {
                let is_function = self.current.as_ref().is_some_and(|b| {
                    b.command.words.len() == 1
                        && b.command.assignments.is_empty()
                        && b.command.redirects.is_empty()
                });
                if is_function {
                    // `name() body`: not a command; restore the connector it took.
                    if let Some(building) = self.current.take() {
                        self.pending_connector = building.command.connector;
                    }
                    self.mode = Mode::FunctionParen;
                } else {
                    self.error("unexpected `(`", span);
                }
            }
            (_, Op::RParen) => {
                self.finish_command();
                if self.overflow > 0 || self.top() == Some(Open::Subshell) {
                    self.close(Open::Subshell, span);
                } else {
                    self.error("unexpected `)`", span);
                }
                self.mode = Mode::AfterCompound;
            }
            (_, Op::LParen) => self.error("unexpected `(`", span),
            (_, Op::CaseBreak) => {
                self.finish_command();
                if self.top() == Some(Open::Case) || self.overflow > 0 {
                    self.mode = Mode::CasePattern;
                } else {
                    self.error("unexpected `;;` outside `case`", span);
                    self.mode = Mode::Start;
                }
                self.pending_connector = Some(Connector::Sequence);
            }
            (Mode::ForName | Mode::ForList, Op::Semi) => self.mode = Mode::Start,
            (mode, _) => {
                let finished = self.finish_command();
                if mode == Mode::Start && matches!(op, Op::AndIf | Op::OrIf | Op::Pipe) {
                    let text = match op {
                        Op::AndIf => "&&",
                        Op::OrIf => "||",
                        _ => "|",
                    };
                    self.error(format!("unexpected `{text}`: no command before it"), span);
                }
                if op == Op::Amp
                    && finished
                    && let Some(last) = self.commands.last_mut()
                {
                    last.background = true;
                }
                if let Some(connector) = Self::connector_of(op) {
                    self.pending_connector = Some(connector);
                }
                self.mode = Mode::Start;
            }
        }
    }

    fn newline(&mut self) {
        match self.mode {
            Mode::Command | Mode::AfterCompound => {
                self.finish_command();
                self.pending_connector = Some(Connector::Sequence);
                self.mode = Mode::Start;
            }
            Mode::ForName | Mode::ForList => self.mode = Mode::Start,
            Mode::Start
            | Mode::CaseSubject
            | Mode::CaseIn
            | Mode::CasePattern
            | Mode::FunctionName
            | Mode::FunctionParen => {}
        }
    }

    fn redirect(&mut self, fd: Option<u32>, kind: RedirectKind, op_span: Span) {
        let target = match self.next() {
            Token::Word(word) => Some(word),
            other => {
                self.error("missing redirection target", op_span);
                self.lookahead = Some(other);
                None
            }
        };
        if let (RedirectKind::Heredoc | RedirectKind::HeredocStripTabs, Some(delimiter)) =
            (kind, &target)
        {
            self.lexer.push_heredoc(
                delimiter.text.clone(),
                kind == RedirectKind::HeredocStripTabs,
                op_span.cover(delimiter.span),
            );
        }
        let span = target.as_ref().map_or(op_span, |t| op_span.cover(t.span));
        let redirect = Redirect {
            fd,
            kind,
            target,
            span,
        };
        match self.mode {
            Mode::Command => {
                if let Some(building) = &mut self.current {
                    building.last = span;
                    building.command.redirects.push(redirect);
                }
            }
            Mode::Start => {
                self.start_command(span).command.redirects.push(redirect);
            }
            // Redirections of compound commands and misplaced ones are not modelled.
            _ => {}
        }
    }
}
