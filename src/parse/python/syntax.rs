//! The Python syntax layer: Ruff's error-recovering parser behind our own types.
//!
//! Nothing outside `parse::python` sees a Ruff type. [`PythonModule`] keeps the tree in a
//! private field; the models in the sibling modules read it and expose plain values with
//! byte [`Span`]s (Ruff's `TextSize` is already a byte offset).
//!
//! Depth: the parser itself grows its stack on demand, but a very deep tree (a 100,000-level
//! nested list, a `1+1+...` chain) would still overflow the stack of whoever walks or drops
//! it. Each top-level statement is therefore measured after parsing; one nested deeper than
//! [`MAX_SYNTAX_DEPTH`] levels becomes a located error and is removed from the tree (dropped on
//! a grown stack), so every later walk can recurse safely. CPython refuses such input too.

use ruff_python_ast::visitor::source_order::{SourceOrderVisitor, TraversalSignal};
use ruff_python_ast::{AnyNodeRef, Expr, ModModule, PythonVersion, Stmt};
use ruff_python_parser::{Mode, ParseOptions};
use ruff_text_size::{Ranged, TextRange};

use crate::parse::{Parsed, SyntaxError};
use crate::span::Span;

/// How many syntax-tree levels one statement may nest before it is refused.
///
/// CPython stops at 200 nested brackets and its compiler at a few thousand levels of any
/// nesting, so real code stays far below this.
pub const MAX_SYNTAX_DEPTH: usize = 1_000;

/// A Python language version, the one a file is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonTarget {
    /// Major version (3).
    pub major: u8,
    /// Minor version (e.g. 12 for Python 3.12).
    pub minor: u8,
}

impl PythonTarget {
    /// The newest version the parser knows, so that no modern syntax is reported.
    pub const NEWEST: PythonTarget = PythonTarget {
        major: 3,
        minor: 14,
    };
}

impl Default for PythonTarget {
    fn default() -> Self {
        PythonTarget::NEWEST
    }
}

/// One parsed Python file (a module).
///
/// The tree itself is private; the evaluator and the models of this module read it.
#[derive(Debug, Default)]
pub struct PythonModule {
    body: Vec<Stmt>,
    len: u32,
}

impl PythonModule {
    /// The module's top-level statements (for the models in `parse::python`).
    pub(super) fn body(&self) -> &[Stmt] {
        &self.body
    }

    /// Number of top-level statements that parsed (statements refused as too deep are not
    /// counted).
    pub fn statement_count(&self) -> usize {
        self.body.len()
    }

    /// Length of the parsed text in bytes.
    pub fn text_len(&self) -> u32 {
        self.len
    }
}

impl PartialEq for PythonModule {
    /// Two modules are equal when their trees are (used by `Parsed` comparisons in tests).
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.body == other.body
    }
}

/// Parses Python source text, checking syntax against the newest Python version.
///
/// Never fails: syntax errors are collected (the parser recovers and goes on), and the tree
/// holds everything that parsed.
pub fn parse(text: &str) -> Parsed<PythonModule> {
    parse_for(text, PythonTarget::NEWEST)
}

/// Parses Python source text and also reports syntax that `target` does not support (a
/// `match` statement on 3.9, a nested-quote f-string on 3.11).
pub fn parse_for(text: &str, target: PythonTarget) -> Parsed<PythonModule> {
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion {
        major: target.major,
        minor: target.minor,
    });
    let parsed = ruff_python_parser::parse_unchecked(text, options);
    let mut errors: Vec<SyntaxError> = parsed
        .errors()
        .iter()
        .map(|error| SyntaxError::new(sentence(&error.error.to_string()), span(error.location)))
        .collect();
    errors.extend(
        parsed
            .unsupported_syntax_errors()
            .iter()
            .map(|error| SyntaxError::new(sentence(&error.to_string()), span(error.range))),
    );
    let body = match parsed.into_syntax() {
        ruff_python_ast::Mod::Module(ModModule { body, .. }) => body.into_iter().collect(),
        ruff_python_ast::Mod::Expression(_) => Vec::new(),
    };
    let body = refuse_deep_statements(body, &mut errors);
    errors.sort_by_key(|error| (error.span.start, error.span.end));
    Parsed {
        tree: PythonModule {
            body,
            len: Span::from_range(0..text.len()).end,
        },
        errors,
    }
}

/// Converts a Ruff range (byte offsets) into our span.
pub(super) fn span(range: TextRange) -> Span {
    Span::new(range.start().to_u32(), range.end().to_u32())
}

/// The span of any node.
pub(super) fn span_of(node: &impl Ranged) -> Span {
    span(node.range())
}

/// A parser message as our style wants it: first letter lowercase, no trailing period.
fn sentence(message: &str) -> String {
    let trimmed = message.trim().trim_end_matches('.');
    let mut chars = trimmed.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(trimmed.chars().skip(1))
            .collect(),
        _ => trimmed.to_string(),
    }
}

/// Removes the top-level statements nested deeper than [`MAX_SYNTAX_DEPTH`], reporting each.
fn refuse_deep_statements(body: Vec<Stmt>, errors: &mut Vec<SyntaxError>) -> Vec<Stmt> {
    let mut kept = Vec::with_capacity(body.len());
    for statement in body {
        match too_deep_at(&statement) {
            None => kept.push(statement),
            Some(offset) => {
                errors.push(SyntaxError::new(
                    format!(
                        "code nested more than {MAX_SYNTAX_DEPTH} levels deep; this statement is not analysed"
                    ),
                    Span::new(offset, span_of(&statement).end),
                ));
                drop_deep(statement);
            }
        }
    }
    kept
}

/// Where `statement` first nests deeper than the limit, if it does.
fn too_deep_at(statement: &Stmt) -> Option<u32> {
    let mut meter = DepthMeter {
        depth: 0,
        too_deep_at: None,
    };
    meter.visit_stmt(statement);
    meter.too_deep_at
}

/// Counts nesting while walking, and stops descending at the limit, so the walk itself
/// recurses at most [`MAX_SYNTAX_DEPTH`] levels.
struct DepthMeter {
    depth: usize,
    too_deep_at: Option<u32>,
}

impl<'a> SourceOrderVisitor<'a> for DepthMeter {
    fn enter_node(&mut self, node: AnyNodeRef<'a>) -> TraversalSignal {
        if self.too_deep_at.is_some() {
            return TraversalSignal::Skip;
        }
        self.depth += 1;
        if self.depth > MAX_SYNTAX_DEPTH {
            self.too_deep_at = Some(node.range().start().to_u32());
            return TraversalSignal::Skip;
        }
        TraversalSignal::Traverse
    }

    fn leave_node(&mut self, _node: AnyNodeRef<'a>) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// Stack bytes reserved per nesting level when dropping a deep tree (measured need is far
/// lower; dropping one level takes a few small frames).
const DROP_STACK_PER_LEVEL: usize = 1_024;

/// Beyond this many levels the tree is leaked rather than dropped: reserving the stack would
/// cost more than the memory kept. Only a crafted input of many megabytes gets here.
const MAX_DROPPED_DEPTH: usize = 1_000_000;

/// Drops a statement that is too deep for the current stack, on a stack grown to fit.
fn drop_deep(statement: Stmt) {
    let depth = full_depth(&statement);
    if depth > MAX_DROPPED_DEPTH {
        std::mem::forget(statement);
        return;
    }
    let stack = depth.saturating_mul(DROP_STACK_PER_LEVEL) + (1 << 20);
    stacker::grow(stack, move || drop(statement));
}

/// The full nesting depth of a statement, measured on a stack that grows as needed.
fn full_depth(statement: &Stmt) -> usize {
    let mut meter = GrowingDepthMeter {
        depth: 0,
        deepest: 0,
    };
    meter.visit_stmt(statement);
    meter.deepest
}

/// Measures depth without a limit; each level of recursion may grow the stack.
struct GrowingDepthMeter {
    depth: usize,
    deepest: usize,
}

impl<'a> SourceOrderVisitor<'a> for GrowingDepthMeter {
    fn enter_node(&mut self, _node: AnyNodeRef<'a>) -> TraversalSignal {
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        TraversalSignal::Traverse
    }

    fn leave_node(&mut self, _node: AnyNodeRef<'a>) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        stacker::maybe_grow(64 * 1024, 1 << 20, || {
            ruff_python_ast::visitor::source_order::walk_expr(self, expr);
        });
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        stacker::maybe_grow(64 * 1024, 1 << 20, || {
            ruff_python_ast::visitor::source_order::walk_stmt(self, stmt);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<SyntaxError> {
        parse(text).errors
    }

    #[test]
    fn simple_module_parses_without_errors() {
        let parsed = parse("import os\nworkers = 4\n");
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.tree.statement_count(), 2);
        assert_eq!(parsed.tree.text_len(), 22);
    }

    #[test]
    fn match_statement_is_valid() {
        assert_eq!(
            errors("match x:\n    case {\"a\": 1}:\n        pass\n    case _:\n        pass\n"),
            vec![]
        );
    }

    #[test]
    fn union_annotation_is_valid() {
        assert_eq!(errors("x: str | None = None\n"), vec![]);
    }

    #[test]
    fn annotated_is_valid() {
        assert_eq!(
            errors("from typing import Annotated\nx: Annotated[int, Field(ge=1)] = 1\n"),
            vec![]
        );
    }

    #[test]
    fn pep_695_type_parameters_are_valid() {
        assert_eq!(
            errors(
                "type Pair[T] = tuple[T, T]\ndef first[T](p: Pair[T]) -> T:\n    return p[0]\nclass Box[T]:\n    pass\n"
            ),
            vec![]
        );
    }

    #[test]
    fn pep_701_nested_quotes_in_f_string_are_valid() {
        assert_eq!(errors("d = {}\ns = f\"{d[\"key\"]}\"\n"), vec![]);
    }

    #[test]
    fn walrus_is_valid() {
        assert_eq!(errors("if (n := len(a)) > 10:\n    pass\n"), vec![]);
    }

    #[test]
    fn async_comprehension_is_valid() {
        assert_eq!(
            errors("async def f(xs):\n    return [x async for x in xs if await x]\n"),
            vec![]
        );
    }

    #[test]
    fn syntax_error_is_located_and_parsing_goes_on() {
        let parsed = parse("a = 1 +\nb = 2\n");
        assert_eq!(
            parsed.errors,
            vec![SyntaxError::new("expected an expression", Span::new(7, 8))]
        );
        assert_eq!(parsed.tree.statement_count(), 2);
    }

    #[test]
    fn unclosed_bracket_message_is_lowercase_without_period() {
        let parsed = parse("x = [1, 2\n");
        assert!(!parsed.errors.is_empty());
        for error in &parsed.errors {
            assert!(!error.message.ends_with('.'), "{error:?}");
            assert!(
                error.message.starts_with(|c: char| !c.is_uppercase()),
                "{error:?}"
            );
        }
    }

    #[test]
    fn older_target_reports_newer_syntax() {
        let parsed = parse_for(
            "match x:\n    case 1:\n        pass\n",
            PythonTarget { major: 3, minor: 9 },
        );
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].span, Span::new(0, 5));
        assert!(
            parsed.errors[0].message.contains("3.9"),
            "{:?}",
            parsed.errors
        );
    }

    #[test]
    fn hundred_thousand_nested_parentheses_do_not_overflow() {
        let depth = 100_000;
        let text = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let parsed = parse(&text);
        // Parentheses do not nest in the tree: this is just `x = 1`.
        assert_eq!(parsed.tree.statement_count(), 1);
    }

    #[test]
    fn hundred_thousand_nested_lists_are_refused_with_a_location() {
        let depth = 100_000;
        let text = format!(
            "y = 1\nx = {}1{}\nz = 2\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let parsed = parse(&text);
        let deep: Vec<_> = parsed
            .errors
            .iter()
            .filter(|error| error.message.contains("nested more than"))
            .collect();
        assert_eq!(deep.len(), 1, "{:?}", parsed.errors);
        assert!(deep[0].span.start > 6);
        assert_eq!(deep[0].span.end as usize, text.len() - 7);
        assert_eq!(parsed.tree.statement_count(), 2);
    }

    #[test]
    fn long_addition_chain_is_refused() {
        let text = format!("x = {}1\n", "1 + ".repeat(50_000));
        let parsed = parse(&text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert_eq!(parsed.tree.statement_count(), 0);
    }

    #[test]
    fn moderately_deep_code_is_kept() {
        let text = format!("x = {}1{}\n", "[".repeat(150), "]".repeat(150));
        let parsed = parse(&text);
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.tree.statement_count(), 1);
    }
}
