//! The line level of a Dockerfile: parser directives, comments, line continuations and
//! heredoc bodies, turning the file into logical instruction lines.

use std::ops::Range;

use super::ast::{Comment, Directive, Dockerfile, Heredoc, Instruction, InstructionKind};
use super::parser::parse_instruction;
use super::stages::compute_stages;
use super::words::{Logical, is_space, split_words, unquote};
use crate::parse::{Parsed, SyntaxError};
use crate::span::{MappedText, Span, Spanned};

/// Parses a whole Dockerfile.
pub(crate) fn parse_text(text: &str) -> Parsed<Dockerfile> {
    let mut lexer = Lexer {
        text,
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
        escape: '\\',
        comments: Vec::new(),
        errors: Vec::new(),
        directives: Vec::new(),
    };
    lexer.read_directives();
    let mut instructions = Vec::new();
    while let Some((line, end)) = lexer.next_logical() {
        lexer.instruction(&line, end, &mut instructions);
    }
    let mut errors = lexer.errors;
    let stages = compute_stages(&instructions, &mut errors);
    errors.sort_by_key(|error| error.span.start);
    Parsed {
        tree: Dockerfile {
            directives: lexer.directives,
            escape: lexer.escape,
            instructions,
            comments: lexer.comments,
            stages,
        },
        errors,
    }
}

/// A physical line: where its content starts and ends, and where the next line starts.
struct PhysicalLine {
    start: usize,
    end: usize,
    next: usize,
}

/// A heredoc marker (`<<EOF`, `<<-"EOF"`) found on an instruction line.
struct Marker {
    /// The whole `<<...` word in the logical line.
    word: Range<usize>,
    /// The delimiter part (after `<<` or `<<-`) in the logical line.
    delimiter_range: Range<usize>,
    delimiter: String,
    strip_tabs: bool,
    quoted: bool,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    escape: char,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    directives: Vec<Directive>,
}

fn file_offset(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

fn file_span(range: Range<usize>) -> Span {
    Span::from_range(range)
}

impl Lexer<'_> {
    /// The physical line starting at `pos`; `\n`, `\r\n` and a lone `\r` end a line.
    fn line_at(&self, pos: usize) -> PhysicalLine {
        let bytes = self.text.as_bytes();
        let mut end = pos;
        while end < bytes.len() && bytes[end] != b'\n' && bytes[end] != b'\r' {
            end += 1;
        }
        let next = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        PhysicalLine {
            start: pos,
            end,
            next,
        }
    }

    /// Reads the parser directives at the top of the file, stopping at the first line
    /// that is not one.
    fn read_directives(&mut self) {
        while self.pos < self.text.len() {
            let line = self.line_at(self.pos);
            let content = &self.text[line.start..line.end];
            let lead = content.len() - content.trim_start_matches(is_space).len();
            let Some((name, value)) = directive_parts(content, line.start + lead) else {
                return;
            };
            let name_text = self.text[name.clone()].to_ascii_lowercase();
            if !matches!(name_text.as_str(), "syntax" | "escape" | "check") {
                return;
            }
            let value_text = self.text[value.clone()].to_owned();
            let span = file_span(line.start + lead..line.end);
            self.pos = line.next;
            if self.directives.iter().any(|d| d.name.value == name_text) {
                self.errors.push(SyntaxError::new(
                    format!("duplicate parser directive {name_text:?}"),
                    span,
                ));
                continue;
            }
            if name_text == "escape" {
                match value_text.as_str() {
                    "`" => self.escape = '`',
                    "\\" => self.escape = '\\',
                    other => self.errors.push(SyntaxError::new(
                        format!("invalid escape character {other:?} (expected ` or \\)"),
                        file_span(value.clone()),
                    )),
                }
            }
            self.directives.push(Directive {
                name: Spanned::new(name_text, file_span(name)),
                value: Spanned::new(value_text, file_span(value)),
                span,
            });
        }
    }

    fn record_comment(&mut self, start: usize, end: usize) {
        let text = self.text[start..end].strip_prefix('#').unwrap_or("");
        self.comments.push(Comment {
            text: text.trim().to_owned(),
            span: file_span(start..end),
        });
    }

    /// Content of a line without a trailing escape character (and the whitespace after
    /// it), and whether the line continues.
    fn strip_continuation<'t>(&self, content: &'t str) -> (&'t str, bool) {
        let trimmed = content.trim_end_matches([' ', '\t']);
        match trimmed.strip_suffix(self.escape) {
            Some(body) => (body, true),
            None => (content, false),
        }
    }

    /// The next logical instruction line, skipping blank and comment lines; with the end
    /// offset (in the file) of its last contributing line, trailing whitespace trimmed.
    fn next_logical(&mut self) -> Option<(Logical, usize)> {
        while self.pos < self.text.len() {
            let line = self.line_at(self.pos);
            self.pos = line.next;
            let content = &self.text[line.start..line.end];
            let rest = content.trim_start_matches(is_space);
            let rest_start = line.end - rest.len();
            if rest.is_empty() {
                continue;
            }
            if rest.starts_with('#') {
                self.record_comment(rest_start, line.end);
                continue;
            }
            let mut logical = Logical::default();
            let (body, mut continues) = self.strip_continuation(rest);
            logical.push(body, rest_start);
            let mut end = rest_start + rest.trim_end_matches(is_space).len();
            while continues && self.pos < self.text.len() {
                let line = self.line_at(self.pos);
                self.pos = line.next;
                let content = &self.text[line.start..line.end];
                let rest = content.trim_start_matches(is_space);
                if rest.is_empty() {
                    continue;
                }
                if rest.starts_with('#') {
                    self.record_comment(line.end - rest.len(), line.end);
                    continue;
                }
                let (body, more) = self.strip_continuation(content);
                logical.push(body, line.start);
                end = line.start + content.trim_end_matches(is_space).len();
                continues = more;
            }
            if logical.text.trim_start_matches(is_space).is_empty() {
                continue;
            }
            return Some((logical, end));
        }
        None
    }

    /// Parses one logical line, reads its heredoc bodies and records the result.
    fn instruction(&mut self, line: &Logical, end: usize, instructions: &mut Vec<Instruction>) {
        let outcome = parse_instruction(line, 0, self.escape, false);
        let mut heredocs = Vec::new();
        let mut end = file_offset(end);
        if let Some(args) = outcome.heredoc_args {
            for marker in heredoc_markers(line, args) {
                match self.read_heredoc(line, &marker) {
                    Some(heredoc) => {
                        end = heredoc.span.end;
                        heredocs.push(heredoc);
                    }
                    None => {
                        if let Err(error) = outcome.result {
                            self.errors.push(error);
                        }
                        self.errors.push(SyntaxError::new(
                            format!(
                                "unterminated heredoc {:?} (no line {:?} before the end of the file)",
                                marker.delimiter, marker.delimiter
                            ),
                            line.span(marker.word),
                        ));
                        return;
                    }
                }
            }
        }
        match outcome.result {
            Ok(mut instruction) => {
                instruction.span = Span::new(instruction.span.start, end);
                match &mut instruction.kind {
                    InstructionKind::Run(run) => run.heredocs = heredocs,
                    InstructionKind::Copy(copy) | InstructionKind::Add(copy) => {
                        copy.heredocs = heredocs;
                    }
                    _ => {}
                }
                instructions.push(instruction);
            }
            Err(error) => self.errors.push(error),
        }
    }

    /// Reads the body of one heredoc from the current position up to its terminator
    /// line; `None` (with the rest of the file consumed) when there is none.
    fn read_heredoc(&mut self, line: &Logical, marker: &Marker) -> Option<Heredoc> {
        let body_start = self.pos;
        let mut body = MappedText::new();
        while self.pos < self.text.len() {
            let physical = self.line_at(self.pos);
            self.pos = physical.next;
            let content = &self.text[physical.start..physical.end];
            let stripped = if marker.strip_tabs {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if stripped == marker.delimiter {
                return Some(Heredoc {
                    delimiter: Spanned::new(
                        marker.delimiter.clone(),
                        line.span(marker.delimiter_range.clone()),
                    ),
                    strip_tabs: marker.strip_tabs,
                    quoted: marker.quoted,
                    body,
                    span: file_span(body_start..physical.end),
                });
            }
            let piece_start = physical.end - stripped.len();
            body.push(
                &self.text[piece_start..physical.next],
                file_offset(piece_start),
            );
        }
        None
    }
}

/// `# name=value` at `offset` in the file: the name's and the value's file ranges.
fn directive_parts(content: &str, offset: usize) -> Option<(Range<usize>, Range<usize>)> {
    let lead = content.len() - content.trim_start_matches(is_space).len();
    let line = &content[lead..];
    let bytes = line.as_bytes();
    if bytes.first() != Some(&b'#') {
        return None;
    }
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let mut pos = 1;
    while bytes.get(pos).is_some_and(blank) {
        pos += 1;
    }
    let name_start = pos;
    if !bytes.get(pos).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while bytes.get(pos).is_some_and(u8::is_ascii_alphanumeric) {
        pos += 1;
    }
    let name_end = pos;
    while bytes.get(pos).is_some_and(blank) {
        pos += 1;
    }
    if bytes.get(pos) != Some(&b'=') {
        return None;
    }
    pos += 1;
    while bytes.get(pos).is_some_and(blank) {
        pos += 1;
    }
    let value_end = pos + line[pos..].trim_end_matches([' ', '\t']).len();
    if value_end <= pos {
        return None;
    }
    Some((
        offset + name_start..offset + name_end,
        offset + pos..offset + value_end,
    ))
}

/// The heredoc markers among the words of an instruction's arguments: words of the form
/// `<<WORD` or `<<-WORD` (quotes allowed in WORD, no `<`), as BuildKit recognises them.
fn heredoc_markers(line: &Logical, args: Range<usize>) -> Vec<Marker> {
    let text = &line.text;
    if !text.get(args.clone()).is_some_and(|a| a.contains("<<")) {
        return Vec::new();
    }
    let mut markers = Vec::new();
    for word in split_words(text, args, '\\') {
        let raw = &text[word.clone()];
        let Some(after) = raw.strip_prefix("<<") else {
            continue;
        };
        let (strip_tabs, rest) = match after.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, after),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let (delimiter, open) = unquote(rest, '\\');
        if open || delimiter.is_empty() {
            continue;
        }
        let delimiter_start = word.end - rest.len();
        markers.push(Marker {
            word: word.clone(),
            delimiter_range: delimiter_start..word.end,
            delimiter,
            strip_tabs,
            quoted: rest.contains(['"', '\'']),
        });
    }
    markers
}
