//! A span-preserving YAML tree.
//!
//! `saphyr-parser` events are assembled into an arena of [`Node`]s, each with its byte
//! [`Span`], tag, anchor and (for scalars) its raw text and style. Aliases stay references to
//! their anchored node ([`NodeKind::Alias`]): nothing is ever copied, so an alias bomb costs
//! one node per alias, and every helper that follows aliases is bounded by [`Limits`].
//!
//! Semantics are left to the reader: scalars keep their raw text and style, and
//! [`NodeRef::as_bool_k8s`] / [`NodeRef::as_i64`] resolve them the way Kubernetes' decoder
//! does. Duplicate mapping keys, nesting deeper than the limit, oversized input and alias
//! bombs are reported as located [`YamlError`]s instead of failing or hanging.
//!
//! Duplicate keys: the tree keeps every entry as written, [`NodeRef::get`] returns the
//! **last** one (as Kubernetes' decoder does) and the later key carries a
//! [`YamlErrorKind::DuplicateKey`] error that names the line of the first.

mod comments;
mod loader;
pub mod scalar;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use crate::parse::{Parsed, SyntaxError};
use crate::span::Span;

/// Hard limits that keep parsing and tree walks linear on hostile input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes; a larger file is one error and no tree.
    pub max_bytes: usize,
    /// Deepest nesting of collections accepted; deeper input stops the parse with an error.
    pub max_depth: usize,
    /// Most nodes one stream may hold.
    pub max_nodes: usize,
    /// Most nodes one document may expand to once its aliases are substituted; above it the
    /// document is reported as an alias bomb (it is still never expanded).
    pub max_expanded_nodes: u64,
    /// Most nodes a walk or a merge-key lookup may visit through aliases.
    pub max_visits: usize,
}

impl Limits {
    /// The limits [`parse`] uses: 16 MiB, depth 256, a million nodes, a million expanded
    /// nodes per document, 100,000 visits per walk.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 16 * 1024 * 1024,
        max_depth: 256,
        max_nodes: 1_000_000,
        max_expanded_nodes: 1_000_000,
        max_visits: 100_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Index of a node in [`YamlStream`]'s arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl ScalarStyle {
    /// Whether the scalar was quoted or a block scalar (always a string then).
    pub fn is_plain(self) -> bool {
        self == ScalarStyle::Plain
    }
}

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum NodeKind {
    /// A scalar: its value after unquoting/folding, and how it was written.
    Scalar {
        /// The value as parsed (escapes processed, quotes removed, blocks folded).
        raw: String,
        /// How the scalar was written.
        style: ScalarStyle,
    },
    /// A sequence of items.
    Sequence(Vec<NodeId>),
    /// Key/value entries in file order, duplicates and merge keys (`<<`) included.
    Mapping(Vec<(NodeId, NodeId)>),
    /// `*name`: a reference to an earlier anchored node.
    Alias(NodeId),
}

/// One node of the arena.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Byte range in the file, properties (`&anchor`, `!tag`) included.
    pub span: Span,
    /// The tag, written `!!str` for core tags, `!name` for local ones.
    pub tag: Option<String>,
    /// The anchor name (without `&`).
    pub anchor: Option<String>,
}

/// One document of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Its root node (`None` for an empty document).
    pub root: Option<NodeId>,
    /// Byte range, `---` / `...` markers included.
    pub span: Span,
    /// Whether the document was parsed to its end (false when an error cut it short).
    pub complete: bool,
}

/// A `# ...` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line (line break excluded).
    pub span: Span,
    /// The text after `#`, untrimmed.
    pub text: String,
}

/// What kind of problem a [`YamlError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum YamlErrorKind {
    /// The YAML scanner or parser rejected the text.
    Syntax,
    /// A mapping repeats a key.
    DuplicateKey,
    /// Collections nest deeper than [`Limits::max_depth`].
    TooDeep,
    /// The input is larger than [`Limits::max_bytes`].
    TooLarge,
    /// The stream has more nodes than [`Limits::max_nodes`].
    TooManyNodes,
    /// A document would expand to more than [`Limits::max_expanded_nodes`] through aliases.
    AliasBomb,
    /// An alias refers to a node that contains it (a recursive structure).
    RecursiveAlias,
}

impl YamlErrorKind {
    /// A stable kebab-case name (`duplicate-key`, ...).
    pub fn name(self) -> &'static str {
        match self {
            YamlErrorKind::Syntax => "syntax",
            YamlErrorKind::DuplicateKey => "duplicate-key",
            YamlErrorKind::TooDeep => "too-deep",
            YamlErrorKind::TooLarge => "too-large",
            YamlErrorKind::TooManyNodes => "too-many-nodes",
            YamlErrorKind::AliasBomb => "alias-bomb",
            YamlErrorKind::RecursiveAlias => "recursive-alias",
        }
    }
}

/// A located YAML problem with its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// What kind of problem.
    pub kind: YamlErrorKind,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// Where.
    pub span: Span,
}

impl From<&YamlError> for SyntaxError {
    fn from(error: &YamlError) -> Self {
        SyntaxError::new(error.message.clone(), error.span)
    }
}

/// A parsed YAML stream: its documents, the node arena, comments and problems.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YamlStream {
    /// Documents in file order.
    pub documents: Vec<Document>,
    /// `# ...` comments in file order.
    pub comments: Vec<Comment>,
    /// Problems in the order met (the same as [`Parsed::errors`], with kinds).
    pub errors: Vec<YamlError>,
    nodes: Vec<Node>,
    limits: Limits,
}

/// Parses `text` with [`Limits::DEFAULT`]. Never fails: problems are in `errors`, and
/// everything before the first syntax error is in the tree.
pub fn parse(text: &str) -> Parsed<YamlStream> {
    parse_with_limits(text, Limits::DEFAULT)
}

/// Parses `text` with the given limits.
pub fn parse_with_limits(text: &str, limits: Limits) -> Parsed<YamlStream> {
    let stream = loader::load(text, limits);
    let errors = stream.errors.iter().map(SyntaxError::from).collect();
    Parsed {
        tree: stream,
        errors,
    }
}

impl YamlStream {
    /// All nodes of the arena.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The limits this stream was parsed with (they also bound its walks).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// A handle on node `id` for navigation. Panics never: an out-of-range id yields a
    /// handle whose accessors all return `None`.
    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { stream: self, id }
    }

    /// The root of document `index`, if it exists and is not empty.
    pub fn root(&self, index: usize) -> Option<NodeRef<'_>> {
        Some(self.node(self.documents.get(index)?.root?))
    }

    /// Visits `start` and everything below it depth-first (children in file order),
    /// following aliases, calling `visit(node, depth)` on each; `visit` returns `false` to
    /// skip a node's children. Stops after [`Limits::max_visits`] nodes or at
    /// [`Limits::max_depth`], so recursive aliases and alias bombs cannot make it explode.
    /// Returns whether the walk was cut short by a limit.
    pub fn walk(&self, start: NodeId, mut visit: impl FnMut(NodeRef<'_>, usize) -> bool) -> bool {
        let mut stack = vec![(start, 0usize)];
        let mut visits = 0usize;
        let mut truncated = false;
        while let Some((id, depth)) = stack.pop() {
            if visits >= self.limits.max_visits {
                return true;
            }
            visits += 1;
            let node = self.node(id).resolve();
            if !visit(node, depth) {
                continue;
            }
            if depth >= self.limits.max_depth {
                truncated = true;
                continue;
            }
            match node.kind() {
                Some(NodeKind::Sequence(items)) => {
                    stack.extend(items.iter().rev().map(|&item| (item, depth + 1)));
                }
                Some(NodeKind::Mapping(entries)) => {
                    for &(key, value) in entries.iter().rev() {
                        stack.push((value, depth + 1));
                        stack.push((key, depth + 1));
                    }
                }
                _ => {}
            }
        }
        truncated
    }

    fn raw_node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }
}

/// A node together with its stream, for navigation. Accessors resolve aliases.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'a> {
    stream: &'a YamlStream,
    id: NodeId,
}

impl<'a> NodeRef<'a> {
    /// The node's id.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The stream the node lives in.
    pub fn stream(self) -> &'a YamlStream {
        self.stream
    }

    /// The node itself (an alias node is returned as is, not resolved).
    pub fn node(self) -> Option<&'a Node> {
        self.stream.raw_node(self.id)
    }

    /// The node's span as written here (for an alias: the `*name` text, not its target).
    pub fn span(self) -> Span {
        self.node().map_or(Span::default(), |node| node.span)
    }

    /// The node an alias refers to (following at most a few hops), or `self`.
    pub fn resolve(self) -> NodeRef<'a> {
        let mut current = self;
        for _ in 0..8 {
            match current.node().map(|node| &node.kind) {
                Some(NodeKind::Alias(target)) => current = current.stream.node(*target),
                _ => return current,
            }
        }
        current
    }

    /// The resolved node's kind.
    pub fn kind(self) -> Option<&'a NodeKind> {
        self.resolve().node().map(|node| &node.kind)
    }

    /// Whether this node, as written, is an alias.
    pub fn is_alias(self) -> bool {
        matches!(self.node().map(|node| &node.kind), Some(NodeKind::Alias(_)))
    }

    /// The resolved node's tag.
    pub fn tag(self) -> Option<&'a str> {
        self.resolve().node()?.tag.as_deref()
    }

    /// The scalar's raw value and style.
    pub fn scalar(self) -> Option<(&'a str, ScalarStyle)> {
        match self.kind()? {
            NodeKind::Scalar { raw, style } => Some((raw.as_str(), *style)),
            _ => None,
        }
    }

    /// The scalar's raw value, whatever its style (`None` for collections).
    pub fn as_str(self) -> Option<&'a str> {
        self.scalar().map(|(raw, _)| raw)
    }

    /// A plain scalar's raw value, or `None` for quoted/block scalars and collections.
    fn plain(self) -> Option<&'a str> {
        match self.scalar()? {
            (raw, ScalarStyle::Plain) if self.tag().is_none() => Some(raw),
            _ => None,
        }
    }

    /// The integer of a plain scalar (see [`scalar::parse_int`]); quoted scalars are strings.
    pub fn as_i64(self) -> Option<i64> {
        if self.tag() == Some("!!int") {
            return self.as_str().and_then(scalar::parse_int);
        }
        self.plain().and_then(scalar::parse_int)
    }

    /// The number of a plain scalar, integer or float.
    pub fn as_f64(self) -> Option<f64> {
        let raw = self.plain()?;
        scalar::parse_int(raw)
            .map(|value| value as f64)
            .or_else(|| scalar::parse_float(raw))
    }

    /// The boolean of a plain scalar under Kubernetes' YAML 1.1 rules
    /// (`yes/no/on/off/y/n/true/false`).
    pub fn as_bool_k8s(self) -> Option<bool> {
        if self.tag() == Some("!!bool") {
            return self.as_str().and_then(scalar::parse_bool_k8s);
        }
        self.plain().and_then(scalar::parse_bool_k8s)
    }

    /// Whether the node is null: a plain `~`/`null`/empty scalar or a `!!null` tag.
    pub fn is_null(self) -> bool {
        if self.tag() == Some("!!null") {
            return true;
        }
        self.plain().is_some_and(scalar::is_null_text)
    }

    /// The resolved items of a sequence (empty for anything else).
    pub fn items(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let stream = self.stream;
        let items: &'a [NodeId] = match self.kind() {
            Some(NodeKind::Sequence(items)) => items,
            _ => &[],
        };
        items.iter().map(move |&id| stream.node(id))
    }

    /// Whether the resolved node is a mapping.
    pub fn is_mapping(self) -> bool {
        matches!(self.kind(), Some(NodeKind::Mapping(_)))
    }

    /// Whether the resolved node is a sequence.
    pub fn is_sequence(self) -> bool {
        matches!(self.kind(), Some(NodeKind::Sequence(_)))
    }

    /// The value of `key` in a mapping: the last explicit entry with a scalar key equal to
    /// `key`, else the first one found through merge keys (`<<: *base`, `<<: [*a, *b]`),
    /// in order. Merge chains are followed with a bounded number of visits.
    pub fn get(self, key: &str) -> Option<NodeRef<'a>> {
        self.get_entry(key).map(|(_, value)| value)
    }

    /// Like [`Self::get`] but returns the key node too (for spans on the key).
    pub fn get_entry(self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let mut found = None;
        self.for_each_mapping(|entries| {
            let hit = entries.iter().rev().find(|&&(k, _)| {
                let key_node = self.stream.node(k);
                !is_merge_key(key_node) && key_node.as_str() == Some(key)
            });
            match hit {
                Some(&(k, v)) => {
                    found = Some((self.stream.node(k), self.stream.node(v)));
                    false
                }
                None => true,
            }
        });
        found
    }

    /// Follows `path` through nested mappings (`&["spec", "template"]`).
    pub fn get_path(self, path: &[&str]) -> Option<NodeRef<'a>> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The effective entries of a mapping: explicit entries (the last of duplicates), then
    /// entries brought in by merge keys whose key is not already present. Merge keys
    /// themselves are not listed. Bounded by [`Limits::max_visits`].
    pub fn entries(self) -> Vec<(NodeRef<'a>, NodeRef<'a>)> {
        let mut seen: HashSet<&'a str> = HashSet::new();
        let mut out = Vec::new();
        self.for_each_mapping(|entries| {
            let start = out.len();
            for &(k, v) in entries.iter().rev() {
                let key_node = self.stream.node(k);
                if is_merge_key(key_node) {
                    continue;
                }
                match key_node.as_str() {
                    Some(text) if !seen.insert(text) => continue,
                    _ => out.push((key_node, self.stream.node(v))),
                }
            }
            out[start..].reverse();
            true
        });
        out
    }

    /// Calls `each` with the entry list of this mapping and then of every mapping merged
    /// into it (breadth of `<<` values in order, depth-first), until `each` returns false.
    fn for_each_mapping(self, mut each: impl FnMut(&'a [(NodeId, NodeId)]) -> bool) {
        let mut stack = vec![self.resolve()];
        let mut visited: HashSet<NodeId> = HashSet::new();
        let mut visits = 0usize;
        while let Some(node) = stack.pop() {
            visits += 1;
            if visits > self.stream.limits.max_visits || !visited.insert(node.id) {
                continue;
            }
            let Some(NodeKind::Mapping(entries)) = node.node().map(|n| &n.kind) else {
                continue;
            };
            if !each(entries) {
                return;
            }
            let mut merged = Vec::new();
            for &(k, v) in entries {
                if !is_merge_key(self.stream.node(k)) {
                    continue;
                }
                let value = self.stream.node(v).resolve();
                match value.node().map(|n| &n.kind) {
                    Some(NodeKind::Sequence(items)) => {
                        merged.extend(items.iter().map(|&id| self.stream.node(id).resolve()));
                    }
                    _ => merged.push(value),
                }
            }
            stack.extend(merged.into_iter().rev());
        }
    }
}

/// Whether a key node is the merge key `<<` (plain, or tagged `!!merge`).
fn is_merge_key(key: NodeRef<'_>) -> bool {
    let Some(node) = key.node() else {
        return false;
    };
    match &node.kind {
        NodeKind::Scalar { raw, style } => {
            raw == "<<"
                && (node.tag.as_deref() == Some("!!merge")
                    || (*style == ScalarStyle::Plain && node.tag.is_none()))
        }
        _ => false,
    }
}
