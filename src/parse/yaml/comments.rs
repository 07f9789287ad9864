//! Finds `# ...` comments, which saphyr does not report.
//!
//! A `#` starts a comment when it begins a line or follows a space or tab, unless it lies
//! inside a quoted or block scalar. The parser's events tell where those scalars are (the
//! [`ContentRegion`]s), so the scan never mistakes `"a #b"` or a `|` block's text for a
//! comment. Past a syntax error the scalars are unknown; there only whole-line comments
//! are collected.

use super::Comment;
use crate::span::Span;

/// A stretch of text that is scalar content, where `#` is not a comment.
#[derive(Clone, Copy, Debug)]
pub(super) struct ContentRegion {
    /// The scalar's span.
    pub span: Span,
    /// Whether it is a `|`/`>` block scalar.
    pub block: bool,
    /// For block scalars: whether the span starts at properties on the header line
    /// (`!!str &a |`), so the header line itself is not content.
    pub block_with_properties: bool,
}

impl ContentRegion {
    /// The bytes that are content.
    fn content(self, text: &str) -> Span {
        if !(self.block && self.block_with_properties) {
            return self.span;
        }
        let header_end = text
            .get(self.span.range())
            .and_then(|s| s.find('\n'))
            .map_or(self.span.end, |at| self.span.start + at as u32 + 1);
        Span::new(header_end.min(self.span.end), self.span.end)
    }
}

/// Collects the comments of `text`; `stop_at` is where parsing stopped on an error.
pub(super) fn collect(text: &str, regions: &[ContentRegion], stop_at: Option<u32>) -> Vec<Comment> {
    let mut content: Vec<Span> = regions.iter().map(|r| r.content(text)).collect();
    content.sort_unstable();
    let bytes = text.as_bytes();
    let stop_at = stop_at.map_or(usize::MAX, |at| at as usize);
    let mut comments = Vec::new();
    let mut region = 0usize;
    let mut at = 0usize;
    while at < bytes.len() {
        while content.get(region).is_some_and(|r| (r.end as usize) <= at) {
            region += 1;
        }
        if let Some(r) = content.get(region).filter(|r| (r.start as usize) <= at) {
            at = (r.end as usize).max(at + 1);
            continue;
        }
        if bytes[at] == b'#' && starts_comment(text, at, at >= stop_at) {
            let end = text[at..]
                .find(['\n', '\r'])
                .map_or(text.len(), |offset| at + offset);
            comments.push(Comment {
                span: Span::from_range(at..end),
                text: text[at + 1..end].to_string(),
            });
            at = end;
            continue;
        }
        at += 1;
    }
    comments
}

/// Whether the `#` at `at` starts a comment: after whitespace or at a line start (or,
/// past an error, only as the first thing on its line). Looks back only over the
/// whitespace run before `#`, so the scan stays linear.
fn starts_comment(text: &str, at: usize, whole_line_only: bool) -> bool {
    let bytes = text.as_bytes();
    let mut start = at;
    while start > 0 && matches!(bytes[start - 1], b' ' | b'\t') {
        start -= 1;
    }
    let at_line_start = start == 0
        || matches!(bytes[start - 1], b'\n' | b'\r')
        || (start == 3 && text.starts_with('\u{feff}'));
    at_line_start || (!whole_line_only && start < at)
}
