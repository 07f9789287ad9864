//! Logical lines and the word-level lexing Docker applies to instruction arguments:
//! whitespace-separated words with quotes, quote removal, and `--flag` extraction.

use std::ops::Range;

use crate::span::{MappedText, Span};

/// One logical line: an instruction's text with its line continuations and interior
/// comment lines removed, with a map from every byte back to the file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Logical {
    /// The joined text.
    pub(crate) text: String,
    /// `(offset in text, offset in file)` where each piece starts, sorted.
    pieces: Vec<(usize, usize)>,
}

impl Logical {
    /// Appends `piece`, found at `file_start` in the file.
    pub(crate) fn push(&mut self, piece: &str, file_start: usize) {
        if piece.is_empty() {
            return;
        }
        self.pieces.push((self.text.len(), file_start));
        self.text.push_str(piece);
    }

    /// The file offset of byte `offset` of the text (the end of the text maps to the end
    /// of the last piece).
    pub(crate) fn to_file(&self, offset: usize) -> u32 {
        let index = self
            .pieces
            .partition_point(|&(text_start, _)| text_start <= offset);
        let file = match index.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(text_start, file_start)) => file_start + (offset - text_start),
            None => self.pieces.first().map_or(0, |&(_, file_start)| file_start),
        };
        u32::try_from(file).unwrap_or(u32::MAX)
    }

    /// A range of the text as a file span (from its first byte to just after its last).
    pub(crate) fn span(&self, range: Range<usize>) -> Span {
        if range.start >= range.end {
            return Span::empty(self.to_file(range.start));
        }
        Span::new(
            self.to_file(range.start),
            self.to_file(range.end - 1).saturating_add(1),
        )
    }

    /// A range of the text as a [`MappedText`] that maps back to the file.
    pub(crate) fn mapped(&self, range: Range<usize>) -> MappedText {
        let mut mapped = MappedText::new();
        let first = self
            .pieces
            .partition_point(|&(text_start, _)| text_start <= range.start)
            .saturating_sub(1);
        for (index, &(text_start, file_start)) in self.pieces.iter().enumerate().skip(first) {
            if text_start >= range.end {
                break;
            }
            let text_end = self
                .pieces
                .get(index + 1)
                .map_or(self.text.len(), |&(next, _)| next);
            let from = text_start.max(range.start);
            let to = text_end.min(range.end);
            if from < to
                && let Some(piece) = self.text.get(from..to)
            {
                let file = u32::try_from(file_start + (from - text_start)).unwrap_or(u32::MAX);
                mapped.push(piece, file);
            }
        }
        mapped
    }
}

/// Whether `c` separates words (Go's `unicode.IsSpace`, which Docker uses).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Skips whitespace in `text` from `pos`, returning the first non-space offset.
pub(crate) fn skip_spaces(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    pos + (rest.len() - rest.trim_start_matches(is_space).len())
}

/// The end of `range` with trailing whitespace removed.
pub(crate) fn trim_end(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = text.get(range.clone()).unwrap_or("");
    range.start..range.start + slice.trim_end_matches(is_space).len()
}

/// Splits `text[range]` into whitespace-separated words as Docker's argument splitter
/// does: quotes (`'`, `"`) and the escape character keep whitespace inside a word.
/// Returns the raw ranges (quotes included).
pub(crate) fn split_words(text: &str, range: Range<usize>, escape: char) -> Vec<Range<usize>> {
    #[derive(PartialEq)]
    enum State {
        Spaces,
        Word,
        Quote(char),
    }
    let mut words = Vec::new();
    let Some(slice) = text.get(range.clone()) else {
        return words;
    };
    let mut state = State::Spaces;
    let mut start = 0;
    let mut chars = slice.char_indices();
    while let Some((i, c)) = chars.next() {
        match state {
            State::Spaces => {
                if is_space(c) {
                    continue;
                }
                start = i;
                state = State::Word;
                if c == '\'' || c == '"' {
                    state = State::Quote(c);
                } else if c == escape {
                    chars.next();
                }
            }
            State::Word => {
                if is_space(c) {
                    words.push(range.start + start..range.start + i);
                    state = State::Spaces;
                } else if c == '\'' || c == '"' {
                    state = State::Quote(c);
                } else if c == escape {
                    chars.next();
                }
            }
            State::Quote(quote) => {
                if c == quote {
                    state = State::Word;
                } else if c == escape && quote != '\'' {
                    chars.next();
                }
            }
        }
    }
    if state != State::Spaces {
        words.push(range.start + start..range.end);
    }
    words
}

/// Removes quotes and escapes from a word (or a whole argument string) the way Docker's
/// word processing does, without expanding variables. Returns the value and whether a
/// quote was left open.
pub(crate) fn unquote(raw: &str, escape: char) -> (String, bool) {
    #[derive(PartialEq)]
    enum State {
        Plain,
        Single,
        Double,
    }
    let mut out = String::with_capacity(raw.len());
    let mut state = State::Plain;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match state {
            State::Plain => {
                if c == escape {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else if c == '\'' {
                    state = State::Single;
                } else if c == '"' {
                    state = State::Double;
                } else {
                    out.push(c);
                }
            }
            State::Single => {
                if c == '\'' {
                    state = State::Plain;
                } else {
                    out.push(c);
                }
            }
            State::Double => {
                if c == '"' {
                    state = State::Plain;
                } else if c == escape {
                    match chars.peek() {
                        Some(&next) if next == '"' || next == '$' || next == escape => {
                            out.push(next);
                            chars.next();
                        }
                        Some(_) => out.push(c),
                        None => {}
                    }
                } else {
                    out.push(c);
                }
            }
        }
    }
    (out, state != State::Plain)
}

/// A `--name[=value]` flag as found before an instruction's arguments.
#[derive(Clone, Debug)]
pub(crate) struct RawFlag {
    /// The whole flag word.
    pub(crate) range: Range<usize>,
    /// The name, after the dashes.
    pub(crate) name: Range<usize>,
    /// The raw value after `=`, if any.
    pub(crate) value: Option<Range<usize>>,
}

/// Extracts the leading `--flag` words of `text[range]` as Docker does; returns them and
/// the offset where the arguments start. A bare `--` ends the flags.
pub(crate) fn extract_flags(text: &str, range: Range<usize>) -> (Vec<RawFlag>, usize) {
    let mut flags = Vec::new();
    let bytes = text.as_bytes();
    let mut pos = range.start;
    loop {
        pos = skip_spaces(text, pos).min(range.end);
        if pos >= range.end || !text[pos..range.end].starts_with("--") {
            return (flags, pos);
        }
        let start = pos;
        let mut quote: Option<u8> = None;
        while pos < range.end {
            let b = bytes[pos];
            match quote {
                None if b == b' ' || b == b'\t' || b == b'\n' || b == b'\x0b' || b == b'\x0c' => {
                    break;
                }
                None if b == b'\'' || b == b'"' => quote = Some(b),
                Some(q) if b == q => quote = None,
                _ if b == b'\\' => pos += 1,
                _ => {}
            }
            pos += 1;
        }
        // Stay on a char boundary even when the word ends in a multi-byte character.
        pos = pos.min(range.end);
        while pos < range.end && !text.is_char_boundary(pos) {
            pos += 1;
        }
        if pos - start == 2 {
            return (flags, skip_spaces(text, pos).min(range.end));
        }
        let word = &text[start + 2..pos];
        let (name, value) = match word.find('=') {
            Some(eq) => (start + 2..start + 2 + eq, Some(start + 3 + eq..pos)),
            None => (start + 2..pos, None),
        };
        flags.push(RawFlag {
            range: start..pos,
            name,
            value,
        });
    }
}

/// Removes quotes and backslash escapes from a flag value, as Docker's flag extraction
/// does (backslash escapes there regardless of the escape directive).
pub(crate) fn unquote_flag(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '\'' || c == '"' => quote = Some(c),
            _ if c == '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_keeping_quoted_spaces() {
        let text = r#"a "b c" d\ e 'f g'"#;
        let words: Vec<&str> = split_words(text, 0..text.len(), '\\')
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(words, vec!["a", r#""b c""#, r"d\ e", "'f g'"]);
    }

    #[test]
    fn unquotes_like_docker() {
        assert_eq!(
            unquote(r#""a \"b\" \n""#, '\\'),
            (r#"a "b" \n"#.to_owned(), false)
        );
        assert_eq!(unquote(r"'a\b' c\ d", '\\'), (r"a\b c d".to_owned(), false));
        assert_eq!(unquote(r#""open"#, '\\'), ("open".to_owned(), true));
        assert_eq!(unquote(r"C:\app", '`'), (r"C:\app".to_owned(), false));
    }

    #[test]
    fn extracts_flags_until_the_first_argument() {
        let text = r#"--mount=type=cache,target="/a b" --link -- --x"#;
        let (flags, args) = extract_flags(text, 0..text.len());
        assert_eq!(flags.len(), 2);
        assert_eq!(&text[flags[0].name.clone()], "mount");
        let value = flags[0].value.clone().unwrap_or_default();
        assert_eq!(unquote_flag(&text[value]), "type=cache,target=/a b");
        assert_eq!(&text[flags[1].range.clone()], "--link");
        assert_eq!(&text[args..], "--x");
    }

    #[test]
    fn logical_maps_slices_back_to_the_file() {
        let mut line = Logical::default();
        line.push("RUN a ", 0);
        line.push("  b", 10);
        assert_eq!(line.text, "RUN a   b");
        assert_eq!(line.span(4..9), Span::new(4, 13));
        let mapped = line.mapped(4..9);
        assert_eq!(mapped.text(), "a   b");
        assert_eq!(mapped.to_file(2), 10);
    }
}
