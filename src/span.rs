//! Byte spans and their conversion to lines and columns.
//!
//! Everything inside the linter speaks byte offsets into one file's text. Lines and
//! columns are computed only at the edges (rendering, JSON, LSP), through one
//! [`LineIndex`] per file, so no layer ever mixes units.

use std::ops::Range;

/// A half-open byte range `start..end` in one file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` (swapped if given in the wrong order).
    pub const fn new(start: u32, end: u32) -> Self {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// A span from `usize` offsets, saturating at `u32::MAX`.
    pub fn from_range(range: Range<usize>) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span::new(clamp(range.start), clamp(range.end))
    }

    /// An empty span at `offset`.
    pub const fn empty(offset: u32) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both `self` and `other`.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Whether `offset` lies inside the span (end excluded).
    pub const fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The span as a `usize` range for slicing.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The span moved forward by `by` bytes.
    pub const fn shift(self, by: u32) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// The text the span covers, or `""` if it is out of bounds or not on char boundaries.
    pub fn text(self, source: &str) -> &str {
        source.get(self.range()).unwrap_or("")
    }
}

/// A value together with the span it was read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was read from.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub const fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }

    /// Maps the value, keeping the span.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            span: self.span,
        }
    }

    /// Borrows the value, keeping the span.
    pub fn as_ref(&self) -> Spanned<&T> {
        Spanned {
            value: &self.value,
            span: self.span,
        }
    }
}

impl Spanned<String> {
    /// The value as a `&str`.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A 1-based line and 1-based column, the column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// Where each line of a text starts, for offset → line/column conversion.
///
/// `\n`, `\r\n` and a lone `\r` all end a line, as editors count them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(to_u32(i + 1)),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(to_u32(i + 1));
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            line_starts,
            len: to_u32(text.len()),
        }
    }

    /// Number of lines (a text without any line break has one).
    pub fn line_count(&self) -> u32 {
        to_u32(self.line_starts.len())
    }

    /// 0-based index of the line holding `offset` (clamped to the text).
    fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 1-based `line` starts, if the line exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts
            .get((line as usize).checked_sub(1)?)
            .copied()
    }

    /// The span of 1-based `line`, without its line break.
    pub fn line_span(&self, text: &str, line: u32) -> Option<Span> {
        let start = self.line_start(line)?;
        let mut end = self.line_start(line + 1).unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        Some(Span::new(start, end))
    }

    /// 1-based line and character column of `offset` in `text` (the indexed text).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let offset = floor_char_boundary(text, offset.min(self.len) as usize);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count());
        LineCol {
            line: to_u32(line + 1),
            column: to_u32(column + 1),
        }
    }

    /// 0-based line and UTF-16 column of `offset`, as LSP and SARIF count them.
    pub fn utf16_position(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let offset = floor_char_boundary(text, offset.min(self.len) as usize);
        let column = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum::<usize>());
        (to_u32(line), to_u32(column))
    }

    /// Byte offset of a 0-based line and UTF-16 column (the inverse of [`Self::utf16_position`]).
    pub fn offset_of_utf16(&self, text: &str, line: u32, column: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return self.len;
        };
        let mut remaining = column as usize;
        let mut offset = start as usize;
        for ch in text.get(offset..).unwrap_or("").chars() {
            if remaining == 0 || ch == '\n' || ch == '\r' {
                break;
            }
            remaining = remaining.saturating_sub(ch.len_utf16());
            offset += ch.len_utf8();
        }
        to_u32(offset)
    }
}

/// The largest char boundary at or below `offset`.
fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Text assembled from pieces of a file (a Dockerfile instruction without its line
/// continuations and interior comments, say), with a map from each byte of the
/// assembled text back to the file.
///
/// Parsers of embedded languages (the shell inside `RUN`) parse [`MappedText::text`]
/// and turn their spans into file spans with [`MappedText::to_file`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    text: String,
    /// `(offset in text, offset in file)` at the start of each piece, sorted.
    pieces: Vec<(u32, u32)>,
}

impl MappedText {
    /// An empty text.
    pub fn new() -> Self {
        MappedText::default()
    }

    /// A text copied from one contiguous place in the file.
    pub fn contiguous(text: &str, file_start: u32) -> Self {
        let mut mapped = MappedText::new();
        mapped.push(text, file_start);
        mapped
    }

    /// Appends `piece`, which starts at `file_start` in the file.
    pub fn push(&mut self, piece: &str, file_start: u32) {
        if piece.is_empty() {
            return;
        }
        let text_start = to_u32(self.text.len());
        if let Some(&(last_text, last_file)) = self.pieces.last()
            && last_file + (text_start - last_text) == file_start
        {
            // Continues the previous piece: no new entry needed.
        } else {
            self.pieces.push((text_start, file_start));
        }
        self.text.push_str(piece);
    }

    /// Appends text that has no place in the file (a joining space, say); it maps to
    /// the file offset where the previous piece ended.
    pub fn push_synthetic(&mut self, piece: &str) {
        let file_end = self.to_file(to_u32(self.text.len()));
        let text_start = to_u32(self.text.len());
        self.text.push_str(piece);
        self.pieces.push((text_start, file_end));
    }

    /// The assembled text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file offset of byte `offset` of the assembled text.
    pub fn to_file(&self, offset: u32) -> u32 {
        let idx = match self.pieces.binary_search_by_key(&offset, |&(t, _)| t) {
            Ok(i) => {
                // Several synthetic pieces may share a text offset: take the last.
                let mut i = i;
                while i + 1 < self.pieces.len() && self.pieces[i + 1].0 == offset {
                    i += 1;
                }
                i
            }
            Err(0) => return self.pieces.first().map_or(offset, |&(_, f)| f),
            Err(next) => next - 1,
        };
        let (text_start, file_start) = self.pieces[idx];
        file_start + (offset - text_start)
    }

    /// A span of the assembled text as a span of the file.
    pub fn span_to_file(&self, span: Span) -> Span {
        if span.is_empty() {
            return Span::empty(self.to_file(span.start));
        }
        let start = self.to_file(span.start);
        // Map the last byte, not the end, so a span ending at a piece boundary does not
        // stretch over the removed text that follows it.
        let end = self.to_file(span.end - 1) + 1;
        Span::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_all_line_endings() {
        let text = "ab\r\ncé\rx\ny";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 4), LineCol { line: 2, column: 1 });
        // "é" is two bytes; the byte after it is column 3.
        assert_eq!(index.line_col(text, 7), LineCol { line: 2, column: 3 });
        assert_eq!(index.line_col(text, 8), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(text, 10), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_span(text, 1), Some(Span::new(0, 2)));
        assert_eq!(index.line_span(text, 2), Some(Span::new(4, 7)));
    }

    #[test]
    fn utf16_positions_round_trip() {
        let text = "a😀b\nc";
        let index = LineIndex::new(text);
        assert_eq!(index.utf16_position(text, 5), (0, 3));
        assert_eq!(index.offset_of_utf16(text, 0, 3), 5);
        assert_eq!(index.utf16_position(text, 7), (1, 0));
    }

    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 1), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 99), LineCol { line: 1, column: 2 });
    }

    #[test]
    fn mapped_text_maps_pieces_back_to_the_file() {
        // File: "RUN a \\\n  b" ; the shell text is "a   b" built from two pieces.
        let mut mapped = MappedText::new();
        mapped.push("a ", 4);
        mapped.push("  b", 8);
        assert_eq!(mapped.text(), "a   b");
        assert_eq!(mapped.to_file(0), 4);
        assert_eq!(mapped.to_file(4), 10);
        assert_eq!(mapped.span_to_file(Span::new(0, 5)), Span::new(4, 11));
        assert_eq!(mapped.span_to_file(Span::new(0, 2)), Span::new(4, 6));
    }
}
