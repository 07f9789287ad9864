//! Shell tokens: words (with quote removal), operators, redirections, newlines.
//!
//! The lexer works on the assembled text and turns its spans into file spans at the
//! edges. Nested constructs inside words (`$(..)`, `${..}`, backquotes, quotes inside
//! them) are skipped by an iterative scanner with an explicit stack, so no input can
//! overflow the call stack. A construct that never closes is reported once and its
//! opening character is then read as an ordinary character; such re-reading is capped
//! ([`MAX_REWINDS`]) so the lexer stays linear.

use std::ops::Range;

use super::{MAX_NESTING, RedirectKind, Word};
use crate::parse::SyntaxError;
use crate::span::{MappedText, Span};

/// After this many unterminated constructs, further ones are not searched for.
const MAX_REWINDS: u32 = 8;

/// A control operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// `&&`
    AndIf,
    /// `||`
    OrIf,
    /// `|` or `|&`
    Pipe,
    /// `;`
    Semi,
    /// `;;`, `;&`, `;;&`
    CaseBreak,
    /// `&`
    Amp,
    /// `(`
    LParen,
    /// `)`
    RParen,
}

/// A token; spans are in the assembled text.
#[derive(Debug)]
pub(super) enum Token {
    Word(Word),
    Op(Op, Range<usize>),
    Redirect(Option<u32>, RedirectKind, Range<usize>),
    Newline,
    Eof,
}

/// A heredoc whose body starts after the next newline.
struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    opener: Span,
}

/// The kinds of nested constructs the scanner tracks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nest {
    Paren,
    Brace,
    DoubleQuote,
    Backquote,
}

pub(super) struct Lexer<'a> {
    map: &'a MappedText,
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    pending_heredocs: Vec<PendingHeredoc>,
    rewinds: u32,
    pub(super) errors: Vec<SyntaxError>,
}

/// Characters that end an unquoted word.
fn is_meta(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

/// A word being built: its value and the text offset of each value byte.
struct WordBuf {
    value: String,
    offsets: Vec<u32>,
    quoted: bool,
    expansions: Vec<Range<usize>>,
}

impl WordBuf {
    fn push_str(&mut self, piece: &str, at: usize) {
        self.value.push_str(piece);
        let start = to_u32(at);
        self.offsets
            .extend((0..piece.len()).map(|k| start.saturating_add(to_u32(k))));
    }

    fn push_char(&mut self, ch: char, at: usize) {
        let mut buf = [0u8; 4];
        self.push_str(ch.encode_utf8(&mut buf), at);
    }

    /// Pushes `piece` (which was written at `at`) as an expansion.
    fn push_expansion(&mut self, piece: &str, at: usize) {
        let start = self.value.len();
        self.push_str(piece, at);
        self.expansions.push(start..self.value.len());
    }

    fn mark(&self) -> (usize, usize) {
        (self.value.len(), self.expansions.len())
    }

    fn reset(&mut self, mark: (usize, usize)) {
        self.value.truncate(mark.0);
        self.offsets.truncate(mark.0);
        self.expansions.truncate(mark.1);
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl<'a> Lexer<'a> {
    pub(super) fn new(map: &'a MappedText) -> Self {
        let src = map.text();
        Lexer {
            map,
            src,
            bytes: src.as_bytes(),
            pos: 0,
            pending_heredocs: Vec::new(),
            rewinds: 0,
            errors: Vec::new(),
        }
    }

    /// The file span of a range of the text.
    pub(super) fn file_span(&self, range: Range<usize>) -> Span {
        self.map.span_to_file(Span::from_range(range))
    }

    fn error(&mut self, message: &str, range: Range<usize>) {
        let span = self.file_span(range);
        self.errors.push(SyntaxError::new(message, span));
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|rest| rest.chars().next())
    }

    /// Registers a heredoc read on the current line; its body is skipped after the
    /// next newline.
    pub(super) fn push_heredoc(&mut self, delimiter: String, strip_tabs: bool, opener: Span) {
        self.pending_heredocs.push(PendingHeredoc {
            delimiter,
            strip_tabs,
            opener,
        });
    }

    /// The next token.
    pub(super) fn next_token(&mut self) -> Token {
        loop {
            match self.byte(self.pos) {
                None => return Token::Eof,
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.byte(self.pos + 1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => {
                    while let Some(b) = self.byte(self.pos) {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.skip_heredoc_bodies();
                    return Token::Newline;
                }
                Some(_) => break,
            }
        }
        let start = self.pos;
        let rest = &self.bytes[start..];
        let op = |len: usize, op: Op| (len, op);
        let operator = match rest {
            [b';', b';', b'&', ..] => Some(op(3, Op::CaseBreak)),
            [b';', b';' | b'&', ..] => Some(op(2, Op::CaseBreak)),
            [b';', ..] => Some(op(1, Op::Semi)),
            [b'&', b'&', ..] => Some(op(2, Op::AndIf)),
            [b'|', b'|', ..] => Some(op(2, Op::OrIf)),
            [b'|', b'&', ..] => Some(op(2, Op::Pipe)),
            [b'|', ..] => Some(op(1, Op::Pipe)),
            [b'(', ..] => Some(op(1, Op::LParen)),
            [b')', ..] => Some(op(1, Op::RParen)),
            _ => None,
        };
        if let Some((len, op)) = operator {
            self.pos += len;
            return Token::Op(op, start..self.pos);
        }
        if rest.starts_with(b"&>>") {
            self.pos += 3;
            return Token::Redirect(None, RedirectKind::AppendAll, start..self.pos);
        }
        if rest.starts_with(b"&>") {
            self.pos += 2;
            return Token::Redirect(None, RedirectKind::OutputAll, start..self.pos);
        }
        if rest.starts_with(b"&") {
            self.pos += 1;
            return Token::Op(Op::Amp, start..self.pos);
        }
        // A descriptor number directly before `<` or `>`.
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if matches!(rest.get(digits), Some(b'<' | b'>')) {
            let fd = self
                .src
                .get(start..start + digits)
                .and_then(|d| d.parse().ok());
            self.pos += digits;
            let kind = self.redirect_operator();
            return Token::Redirect(fd, kind, start..self.pos);
        }
        Token::Word(self.word())
    }

    /// Reads a redirection operator at `pos` (which is `<` or `>`).
    fn redirect_operator(&mut self) -> RedirectKind {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        let (len, kind) = match rest {
            [b'<', b'<', b'<', ..] => (3, RedirectKind::HereString),
            [b'<', b'<', b'-', ..] => (3, RedirectKind::HeredocStripTabs),
            [b'<', b'<', ..] => (2, RedirectKind::Heredoc),
            [b'<', b'&', ..] => (2, RedirectKind::DuplicateInput),
            [b'<', b'>', ..] => (2, RedirectKind::ReadWrite),
            [b'<', ..] => (1, RedirectKind::Input),
            [b'>', b'>', ..] => (2, RedirectKind::Append),
            [b'>', b'&', ..] => (2, RedirectKind::DuplicateOutput),
            [b'>', b'|', ..] => (2, RedirectKind::Clobber),
            _ => (1, RedirectKind::Output),
        };
        self.pos += len;
        kind
    }

    /// Skips the bodies of the heredocs opened on the line that just ended.
    fn skip_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for heredoc in pending {
            let mut found = false;
            while self.pos < self.bytes.len() {
                let line_end = self.bytes[self.pos..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(self.bytes.len(), |k| self.pos + k);
                let mut line = self.src.get(self.pos..line_end).unwrap_or("");
                line = line.strip_suffix('\r').unwrap_or(line);
                if heredoc.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                self.pos = (line_end + 1).min(self.bytes.len());
                if line == heredoc.delimiter {
                    found = true;
                    break;
                }
            }
            if !found {
                self.errors.push(SyntaxError::new(
                    format!("unterminated heredoc: missing `{}`", heredoc.delimiter),
                    heredoc.opener,
                ));
            }
        }
    }

    /// Reads a word starting at `pos`.
    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut buf = WordBuf {
            value: String::new(),
            offsets: Vec::new(),
            quoted: false,
            expansions: Vec::new(),
        };
        while let Some(byte) = self.byte(self.pos) {
            if is_meta(byte) {
                break;
            }
            match byte {
                b'\\' => {
                    buf.quoted = true;
                    match self.char_at(self.pos + 1) {
                        Some('\n') => self.pos += 2,
                        Some(ch) => {
                            buf.push_char(ch, self.pos + 1);
                            self.pos += 1 + ch.len_utf8();
                        }
                        None => {
                            buf.push_char('\\', self.pos);
                            self.pos += 1;
                        }
                    }
                }
                b'\'' => self.single_quoted(&mut buf),
                b'"' => self.double_quoted(&mut buf, self.pos + 1),
                b'$' => self.dollar(&mut buf, false),
                b'`' => self.nested(&mut buf, Nest::Backquote, self.pos + 1),
                _ => {
                    let ch = self.char_at(self.pos).unwrap_or('\u{FFFD}');
                    buf.push_char(ch, self.pos);
                    self.pos += ch.len_utf8().max(1);
                }
            }
        }
        // Guarantee progress even on a stray meta character handed to us.
        if self.pos == start {
            self.pos += 1;
        }
        let mut value = MappedText::new();
        for (index, ch) in buf.value.char_indices() {
            let text_offset = buf.offsets.get(index).copied().unwrap_or(0);
            let mut tmp = [0u8; 4];
            value.push(ch.encode_utf8(&mut tmp), self.map.to_file(text_offset));
        }
        Word {
            has_expansion: !buf.expansions.is_empty(),
            text: buf.value,
            span: self.file_span(start..self.pos),
            quoted: buf.quoted,
            expansions: buf.expansions,
            value: Some(value),
        }
    }

    /// `'...'` at `pos`.
    fn single_quoted(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        buf.quoted = true;
        match self.bytes[open + 1..].iter().position(|&b| b == b'\'') {
            Some(k) => {
                let close = open + 1 + k;
                let content = self.src.get(open + 1..close).unwrap_or("");
                buf.push_str(content, open + 1);
                self.pos = close + 1;
            }
            None => {
                self.error("unterminated single quote", open..open + 1);
                buf.push_char('\'', open);
                self.pos = open + 1;
            }
        }
    }

    /// A double-quoted part whose content starts at `content_start` (the quote is at
    /// `content_start - 1`, or `$"` starts at `content_start - 2`).
    fn double_quoted(&mut self, buf: &mut WordBuf, content_start: usize) {
        let open = self.pos;
        buf.quoted = true;
        let mark = buf.mark();
        if self.rewinds < MAX_REWINDS {
            self.pos = content_start;
            while let Some(byte) = self.byte(self.pos) {
                match byte {
                    b'"' => {
                        self.pos += 1;
                        return;
                    }
                    b'\\' => match self.char_at(self.pos + 1) {
                        Some('\n') => self.pos += 2,
                        Some(ch @ ('$' | '`' | '"' | '\\')) => {
                            buf.push_char(ch, self.pos + 1);
                            self.pos += 2;
                        }
                        _ => {
                            buf.push_char('\\', self.pos);
                            self.pos += 1;
                        }
                    },
                    b'$' => self.dollar(buf, true),
                    b'`' => self.nested(buf, Nest::Backquote, self.pos + 1),
                    _ => {
                        let ch = self.char_at(self.pos).unwrap_or('\u{FFFD}');
                        buf.push_char(ch, self.pos);
                        self.pos += ch.len_utf8().max(1);
                    }
                }
            }
            self.rewinds += 1;
            self.error("unterminated double quote", open..content_start);
        }
        // Read the opening quote as an ordinary character and go on after it.
        buf.reset(mark);
        let opener = self.src.get(open..content_start).unwrap_or("\"");
        buf.push_str(opener, open);
        self.pos = content_start;
    }

    /// `$` at `pos`: an expansion, `$'..'`, `$".."` or a literal dollar.
    fn dollar(&mut self, buf: &mut WordBuf, in_double_quotes: bool) {
        let start = self.pos;
        match self.byte(start + 1) {
            Some(b'(') => self.nested(buf, Nest::Paren, start + 2),
            Some(b'{') => self.nested(buf, Nest::Brace, start + 2),
            Some(b'\'') if !in_double_quotes => self.ansi_c_quoted(buf),
            Some(b'"') if !in_double_quotes => {
                self.pos = start + 1;
                self.double_quoted(buf, start + 2);
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let len = self.bytes[start + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let end = start + 1 + len;
                buf.push_expansion(self.src.get(start..end).unwrap_or(""), start);
                self.pos = end;
            }
            Some(b) if b.is_ascii_digit() || b"@*#?$!-".contains(&b) => {
                buf.push_expansion(self.src.get(start..start + 2).unwrap_or(""), start);
                self.pos = start + 2;
            }
            _ => {
                buf.push_char('$', start);
                self.pos = start + 1;
            }
        }
    }

    /// `$'...'` at `pos`: ANSI-C quoting with the common escapes.
    fn ansi_c_quoted(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        buf.quoted = true;
        let mark = buf.mark();
        let mut i = open + 2;
        while let Some(byte) = self.byte(i) {
            match byte {
                b'\'' => {
                    self.pos = i + 1;
                    return;
                }
                b'\\' => {
                    let escaped = match self.byte(i + 1) {
                        Some(b'n') => Some('\n'),
                        Some(b't') => Some('\t'),
                        Some(b'r') => Some('\r'),
                        Some(b'a') => Some('\u{7}'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'e' | b'E') => Some('\u{1b}'),
                        Some(b'f') => Some('\u{c}'),
                        Some(b'v') => Some('\u{b}'),
                        Some(b'\\') => Some('\\'),
                        Some(b'\'') => Some('\''),
                        Some(b'"') => Some('"'),
                        Some(b'?') => Some('?'),
                        _ => None,
                    };
                    match escaped {
                        Some(ch) => {
                            buf.push_char(ch, i);
                            i += 2;
                        }
                        None => {
                            buf.push_char('\\', i);
                            i += 1;
                        }
                    }
                }
                _ => {
                    let ch = self.char_at(i).unwrap_or('\u{FFFD}');
                    buf.push_char(ch, i);
                    i += ch.len_utf8().max(1);
                }
            }
        }
        self.error("unterminated `$'` quote", open..open + 2);
        buf.reset(mark);
        buf.push_char('$', open);
        self.pos = open + 1;
    }

    /// A nested construct (`$(`, `${`, backquote) whose opener ends at `content_start`;
    /// pushed verbatim as an expansion.
    fn nested(&mut self, buf: &mut WordBuf, kind: Nest, content_start: usize) {
        let open = self.pos;
        let end = if self.rewinds < MAX_REWINDS {
            self.scan_nested(kind, content_start)
        } else {
            Err(false)
        };
        match end {
            Ok(end) => {
                buf.push_expansion(self.src.get(open..end).unwrap_or(""), open);
                self.pos = end;
            }
            Err(reported) => {
                if !reported && self.rewinds < MAX_REWINDS {
                    let message = match kind {
                        Nest::Paren => "unterminated command substitution `$(`",
                        Nest::Brace => "unterminated parameter expansion `${`",
                        Nest::Backquote => "unterminated backquote",
                        Nest::DoubleQuote => "unterminated double quote",
                    };
                    self.error(message, open..content_start);
                }
                self.rewinds = self.rewinds.saturating_add(1);
                let opener = self.src.get(open..content_start).unwrap_or("");
                buf.push_str(opener, open);
                self.pos = content_start;
            }
        }
    }

    /// Finds the end (exclusive) of a nested construct whose content starts at `i`.
    /// `Err(true)` when the failure was already reported (nesting too deep).
    fn scan_nested(&mut self, first: Nest, mut i: usize) -> Result<usize, bool> {
        let bytes = self.bytes;
        let content_start = i;
        let mut stack = vec![first];
        while let Some(&top) = stack.last() {
            if stack.len() > MAX_NESTING {
                self.error(
                    "nesting too deep",
                    content_start.saturating_sub(1)..content_start,
                );
                return Err(true);
            }
            let Some(&byte) = bytes.get(i) else {
                return Err(false);
            };
            let next = bytes.get(i + 1).copied();
            let in_double_quotes = stack.len() >= 2 && stack[stack.len() - 2] == Nest::DoubleQuote;
            match (top, byte) {
                (_, b'\\') => i += 2,
                (Nest::Backquote, b'`') => {
                    stack.pop();
                    i += 1;
                }
                (Nest::Backquote, _) => i += 1,
                (Nest::DoubleQuote, b'"') => {
                    stack.pop();
                    i += 1;
                }
                (Nest::Paren, b'\'') | (Nest::Brace, b'\'')
                    if !(top == Nest::Brace && in_double_quotes) =>
                {
                    let close = bytes
                        .get(i + 1..)
                        .and_then(|r| r.iter().position(|&b| b == b'\''));
                    match close {
                        Some(k) => i += k + 2,
                        None => return Err(false),
                    }
                }
                (Nest::Paren | Nest::Brace, b'"') => {
                    stack.push(Nest::DoubleQuote);
                    i += 1;
                }
                (_, b'`') => {
                    stack.push(Nest::Backquote);
                    i += 1;
                }
                (_, b'$') if next == Some(b'(') => {
                    stack.push(Nest::Paren);
                    i += 2;
                }
                (_, b'$') if next == Some(b'{') => {
                    stack.push(Nest::Brace);
                    i += 2;
                }
                (Nest::Paren, b'(') => {
                    stack.push(Nest::Paren);
                    i += 1;
                }
                (Nest::Paren, b')') | (Nest::Brace, b'}') => {
                    stack.pop();
                    i += 1;
                }
                (Nest::Paren, b'#')
                    if i == content_start
                        || matches!(
                            bytes.get(i.wrapping_sub(1)),
                            Some(b' ' | b'\t' | b'\n' | b';')
                        ) =>
                {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        Ok(i)
    }
}
