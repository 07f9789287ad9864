//! Builds the arena from `saphyr-parser` events, iteratively (no recursion on depth).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Tag};

use super::comments::{self, ContentRegion};
use super::{
    Document, Limits, Node, NodeId, NodeKind, ScalarStyle, YamlError, YamlErrorKind, YamlStream,
};
use crate::span::{LineIndex, Span};

/// Converts saphyr's character indices to byte offsets in one pass over the text.
struct CharToByte {
    /// Byte offset of each character, plus the text length at the end; empty when the text
    /// is ASCII (then indices are offsets).
    offsets: Vec<u32>,
    len: u32,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let len = to_u32(text.len());
        if text.is_ascii() {
            return CharToByte {
                offsets: Vec::new(),
                len,
            };
        }
        let mut offsets: Vec<u32> = text.char_indices().map(|(at, _)| to_u32(at)).collect();
        offsets.push(len);
        CharToByte { offsets, len }
    }

    fn byte(&self, char_index: usize) -> u32 {
        if self.offsets.is_empty() {
            return to_u32(char_index).min(self.len);
        }
        self.offsets.get(char_index).copied().unwrap_or(self.len)
    }

    fn span(&self, span: saphyr_parser::Span) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// An open collection.
struct Frame {
    id: NodeId,
    /// For mappings: the key waiting for its value.
    pending_key: Option<NodeId>,
    is_mapping: bool,
    /// For mappings: first occurrence of each scalar key.
    keys_seen: HashMap<String, NodeId>,
}

struct Loader<'t> {
    text: &'t str,
    chars: CharToByte,
    limits: Limits,
    stream: YamlStream,
    stack: Vec<Frame>,
    /// saphyr anchor id → our node.
    anchors: HashMap<usize, NodeId>,
    /// Expanded size of each closed node (`None` while a collection is open).
    expanded: Vec<Option<u64>>,
    document_expanded: u64,
    bomb_reported: bool,
    regions: Vec<ContentRegion>,
    line_index: Option<LineIndex>,
    /// Current document, if one is open.
    document: Option<Document>,
}

/// Parses `text` into a stream.
pub(super) fn load(text: &str, limits: Limits) -> YamlStream {
    let mut stream = YamlStream {
        limits,
        ..YamlStream::default()
    };
    if text.len() > limits.max_bytes {
        let at = floor_char_boundary(text, limits.max_bytes);
        stream.errors.push(YamlError {
            kind: YamlErrorKind::TooLarge,
            message: format!(
                "file is larger than the {} byte limit for YAML",
                limits.max_bytes
            ),
            span: Span::from_range(at..at),
        });
        return stream;
    }
    let mut loader = Loader {
        text,
        chars: CharToByte::new(text),
        limits,
        stream,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: Vec::new(),
        document_expanded: 0,
        bomb_reported: false,
        regions: Vec::new(),
        line_index: None,
        document: None,
    };
    let stop_at = loader.run();
    let mut stream = loader.stream;
    stream.comments = comments::collect(text, &loader.regions, stop_at);
    stream
}

impl Loader<'_> {
    /// Consumes events until the end or the first fatal problem. Returns the byte offset
    /// where the parse stopped early, if it did.
    fn run(&mut self) -> Option<u32> {
        let mut parser = Parser::new_from_str(self.text).keep_tags(true);
        loop {
            let (event, span) = match parser.next_event() {
                None => return None,
                Some(Ok(pair)) => pair,
                Some(Err(error)) => {
                    let at = self.scan_error(&error);
                    self.abandon();
                    return Some(at);
                }
            };
            let span = self.chars.span(span);
            match self.on_event(event, span) {
                Ok(()) => {}
                Err(at) => {
                    self.abandon();
                    return Some(at);
                }
            }
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), u32> {
        let is_mapping = matches!(event, Event::MappingStart(..));
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.document_expanded = 0;
                self.bomb_reported = false;
                self.document = Some(Document {
                    root: None,
                    span,
                    complete: false,
                });
            }
            Event::DocumentEnd => {
                if let Some(mut document) = self.document.take() {
                    if !span.is_empty() {
                        document.span = document.span.cover(span);
                    }
                    document.complete = true;
                    self.stream.documents.push(document);
                }
            }
            Event::Alias(anchor_id) => {
                let Some(&target) = self.anchors.get(&anchor_id) else {
                    return Err(self.fatal(
                        YamlErrorKind::Syntax,
                        "alias to an unknown anchor",
                        span,
                    ));
                };
                let target_size = match self.expanded.get(target.0 as usize).copied().flatten() {
                    Some(size) => size,
                    None => {
                        let name = alias_name(self.text, span);
                        self.error(
                            YamlErrorKind::RecursiveAlias,
                            format!("alias `*{name}` refers to a node that contains it"),
                            span,
                        );
                        1
                    }
                };
                let id = self.add_node(NodeKind::Alias(target), span, None, None)?;
                self.close_leaf(id, target_size, span)?;
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let style = convert_style(style);
                let span = self.scalar_span(span, style, value.is_empty());
                let anchor = self.anchor_name(anchor_id, span);
                let tag = tag.map(|tag| tag_text(&tag));
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    self.regions.push(ContentRegion {
                        span,
                        block_with_properties: anchor.is_some() || tag.is_some(),
                        block: true,
                    });
                } else if style != ScalarStyle::Plain {
                    self.regions.push(ContentRegion {
                        span,
                        block_with_properties: false,
                        block: false,
                    });
                }
                let id = self.add_node(
                    NodeKind::Scalar {
                        raw: value.into_owned(),
                        style,
                    },
                    span,
                    tag,
                    anchor,
                )?;
                self.register_anchor(anchor_id, id);
                self.close_leaf(id, 1, span)?;
            }
            Event::SequenceStart(anchor_id, tag) | Event::MappingStart(anchor_id, tag) => {
                if self.stack.len() >= self.limits.max_depth {
                    let message = format!(
                        "collections nest deeper than the limit of {} levels",
                        self.limits.max_depth
                    );
                    return Err(self.fatal(YamlErrorKind::TooDeep, &message, span));
                }
                let span = if is_mapping {
                    span
                } else {
                    self.sequence_start_span(span)
                };
                let anchor = self.anchor_name(anchor_id, span);
                let tag = tag.map(|tag| tag_text(&tag));
                let kind = if is_mapping {
                    NodeKind::Mapping(Vec::new())
                } else {
                    NodeKind::Sequence(Vec::new())
                };
                let id = self.add_node(kind, span, tag, anchor)?;
                self.register_anchor(anchor_id, id);
                self.stack.push(Frame {
                    id,
                    pending_key: None,
                    is_mapping,
                    keys_seen: HashMap::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let node_span = self.collection_span(frame.id, span);
                if let Some(node) = self.stream.nodes.get_mut(frame.id.0 as usize) {
                    node.span = node_span;
                }
                let size = self.collection_size(frame.id);
                self.document_expanded = self.document_expanded.saturating_add(1);
                if let Some(slot) = self.expanded.get_mut(frame.id.0 as usize) {
                    *slot = Some(size);
                }
                self.attach(frame.id);
            }
        }
        Ok(())
    }

    /// Appends a node to the arena, enforcing the node limit.
    fn add_node(
        &mut self,
        kind: NodeKind,
        span: Span,
        tag: Option<String>,
        anchor: Option<String>,
    ) -> Result<NodeId, u32> {
        if self.stream.nodes.len() >= self.limits.max_nodes {
            let message = format!("more than {} YAML nodes", self.limits.max_nodes);
            return Err(self.fatal(YamlErrorKind::TooManyNodes, &message, span));
        }
        let id = NodeId(to_u32(self.stream.nodes.len()));
        self.stream.nodes.push(Node {
            kind,
            span,
            tag,
            anchor,
        });
        self.expanded.push(None);
        Ok(id)
    }

    /// Records a finished scalar or alias: its expanded size, then attaches it.
    fn close_leaf(&mut self, id: NodeId, size: u64, span: Span) -> Result<(), u32> {
        if let Some(slot) = self.expanded.get_mut(id.0 as usize) {
            *slot = Some(size);
        }
        self.document_expanded = self.document_expanded.saturating_add(size);
        if self.document_expanded > self.limits.max_expanded_nodes && !self.bomb_reported {
            self.bomb_reported = true;
            self.error(
                YamlErrorKind::AliasBomb,
                format!(
                    "aliases expand this document to more than {} nodes (alias bomb)",
                    self.limits.max_expanded_nodes
                ),
                span,
            );
        }
        self.attach(id);
        Ok(())
    }

    /// Adds a finished node to the open collection, or makes it the document root.
    fn attach(&mut self, id: NodeId) {
        let Some(frame) = self.stack.last_mut() else {
            if let Some(document) = self.document.as_mut() {
                document.root = Some(id);
                if let Some(node) = self.stream.nodes.get(id.0 as usize) {
                    document.span = document.span.cover(node.span);
                }
            }
            return;
        };
        if !frame.is_mapping {
            if let Some(Node {
                kind: NodeKind::Sequence(items),
                ..
            }) = self.stream.nodes.get_mut(frame.id.0 as usize)
            {
                items.push(id);
            }
            return;
        }
        let Some(key) = frame.pending_key.take() else {
            frame.pending_key = Some(id);
            return;
        };
        let mut duplicate = None;
        if let Some(Node {
            kind: NodeKind::Scalar { raw, .. },
            ..
        }) = self.stream.nodes.get(key.0 as usize)
        {
            match frame.keys_seen.get(raw) {
                Some(&first) => duplicate = Some((raw.clone(), first)),
                None => {
                    frame.keys_seen.insert(raw.clone(), key);
                }
            }
        }
        if let Some(Node {
            kind: NodeKind::Mapping(entries),
            ..
        }) = self.stream.nodes.get_mut(frame.id.0 as usize)
        {
            entries.push((key, id));
        }
        if let Some((name, first)) = duplicate {
            self.report_duplicate(&name, first, key);
        }
    }

    fn report_duplicate(&mut self, name: &str, first: NodeId, again: NodeId) {
        let first_start = self
            .stream
            .nodes
            .get(first.0 as usize)
            .map_or(0, |node| node.span.start);
        let span = self
            .stream
            .nodes
            .get(again.0 as usize)
            .map_or(Span::default(), |node| node.span);
        let text = self.text;
        let index = self.line_index.get_or_insert_with(|| LineIndex::new(text));
        let line = index.line_col(text, first_start).line;
        self.error(
            YamlErrorKind::DuplicateKey,
            format!(
                "duplicate key `{name}` (first defined on line {line}); only the last value is used"
            ),
            span,
        );
    }

    /// Expanded size of a closed collection: itself plus its children's expanded sizes.
    fn collection_size(&self, id: NodeId) -> u64 {
        let size_of = |child: &NodeId| {
            self.expanded
                .get(child.0 as usize)
                .copied()
                .flatten()
                .unwrap_or(1)
        };
        let children: u64 = match self.stream.nodes.get(id.0 as usize).map(|n| &n.kind) {
            Some(NodeKind::Sequence(items)) => {
                items.iter().map(size_of).fold(0u64, u64::saturating_add)
            }
            Some(NodeKind::Mapping(entries)) => entries
                .iter()
                .map(|(k, v)| size_of(k).saturating_add(size_of(v)))
                .fold(0u64, u64::saturating_add),
            _ => 0,
        };
        children.saturating_add(1)
    }

    /// The span of a closed collection: from its start event to the end of its closing
    /// bracket (flow) or of its last child (block).
    fn collection_span(&self, id: NodeId, end_event: Span) -> Span {
        let Some(node) = self.stream.nodes.get(id.0 as usize) else {
            return end_event;
        };
        let mut span = node.span;
        let last_child = match &node.kind {
            NodeKind::Sequence(items) => items.last().copied(),
            NodeKind::Mapping(entries) => entries.last().map(|&(_, value)| value),
            _ => None,
        };
        if let Some(child) = last_child.and_then(|c| self.stream.nodes.get(c.0 as usize)) {
            span = span.cover(child.span);
        }
        if !end_event.is_empty() {
            span = span.cover(end_event);
        }
        span
    }

    /// A block sequence's start event sits at its first item; move it back to the `-`.
    fn sequence_start_span(&self, span: Span) -> Span {
        if !span.is_empty() {
            return span;
        }
        let bytes = self.text.as_bytes();
        let mut at = span.start as usize;
        while at > 0 && bytes.get(at - 1) == Some(&b' ') {
            at -= 1;
        }
        if at > 0 && bytes.get(at - 1) == Some(&b'-') {
            Span::new(to_u32(at - 1), span.end)
        } else {
            span
        }
    }

    /// Scalar spans: an empty plain scalar is empty; block scalars lose trailing blank lines.
    fn scalar_span(&self, span: Span, style: ScalarStyle, empty_value: bool) -> Span {
        match style {
            ScalarStyle::Plain if empty_value => {
                if self.text.as_bytes().get(span.start as usize) == Some(&b':') {
                    Span::empty(span.start + 1)
                } else {
                    Span::empty(span.start)
                }
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                // saphyr's end marker can lie past trailing spaces and a comment.
                match quoted_end(self.text, span, style == ScalarStyle::DoubleQuoted) {
                    Some(end) => Span::new(span.start, end),
                    None => span,
                }
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let bytes = self.text.as_bytes();
                let mut end = span.end as usize;
                while end > span.start as usize
                    && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace)
                {
                    end -= 1;
                }
                Span::new(span.start, to_u32(end))
            }
            _ => span,
        }
    }

    /// The anchor name of a node that has one, read from the properties at its start.
    fn anchor_name(&self, anchor_id: usize, span: Span) -> Option<String> {
        if anchor_id == 0 {
            return None;
        }
        let rest = self.text.get(span.start as usize..)?;
        let mut properties = rest;
        for _ in 0..2 {
            let token_end = properties
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
                .unwrap_or(properties.len());
            let token = &properties[..token_end];
            if let Some(name) = token.strip_prefix('&') {
                return Some(name.to_string());
            }
            properties = properties[token_end..].trim_start();
        }
        Some(String::new())
    }

    fn register_anchor(&mut self, anchor_id: usize, id: NodeId) {
        if anchor_id != 0 {
            self.anchors.insert(anchor_id, id);
        }
    }

    fn error(&mut self, kind: YamlErrorKind, message: String, span: Span) {
        self.stream.errors.push(YamlError {
            kind,
            message,
            span,
        });
    }

    /// Records a problem that stops the parse, returning where it stopped.
    fn fatal(&mut self, kind: YamlErrorKind, message: &str, span: Span) -> u32 {
        self.error(kind, message.to_string(), span);
        span.start
    }

    fn scan_error(&mut self, error: &ScanError) -> u32 {
        let start = self.chars.byte(error.marker().index());
        let end = self.chars.byte(error.marker().index() + 1);
        let message = error.info().to_string();
        self.error(YamlErrorKind::Syntax, message, Span::new(start, end));
        start
    }

    /// After a fatal problem: close every open collection so the partial tree is
    /// consistent, and keep the cut document (marked incomplete).
    fn abandon(&mut self) {
        while let Some(frame) = self.stack.pop() {
            let span = self.collection_span(frame.id, Span::default());
            if let Some(node) = self.stream.nodes.get_mut(frame.id.0 as usize) {
                node.span = span;
            }
            if let Some(slot) = self.expanded.get_mut(frame.id.0 as usize) {
                *slot = Some(1);
            }
            if let Some(parent) = self.stack.last_mut() {
                // A key without its value is dropped rather than paired with garbage.
                if parent.is_mapping && parent.pending_key.is_none() {
                    continue;
                }
            }
            self.attach(frame.id);
        }
        if let Some(document) = self.document.take() {
            self.stream.documents.push(document);
        }
    }
}

fn convert_style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
        _ => ScalarStyle::Plain,
    }
}

/// `!!str` for core-schema tags, `!name` for local ones, the full handle otherwise.
fn tag_text(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// The byte after the closing quote of the quoted scalar inside `span` (the span may start
/// at properties such as `&a` and may run past the closing quote).
fn quoted_end(text: &str, span: Span, double: bool) -> Option<u32> {
    let quote = if double { b'"' } else { b'\'' };
    let bytes = text.as_bytes();
    let end = (span.end as usize).min(bytes.len());
    let mut at = span.start as usize;
    while at < end && bytes[at] != quote {
        at += 1;
    }
    at += 1;
    while at < end {
        let byte = bytes[at];
        if double && byte == b'\\' {
            at += 2;
            continue;
        }
        if byte == quote {
            if !double && bytes.get(at + 1) == Some(&b'\'') {
                at += 2;
                continue;
            }
            return Some(to_u32(at + 1));
        }
        at += 1;
    }
    None
}

fn alias_name(text: &str, span: Span) -> &str {
    span.text(text).trim_start_matches('*')
}

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
