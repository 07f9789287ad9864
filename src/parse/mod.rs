//! Parsers: one module per file kind, each producing our own typed tree with spans.
//!
//! Parsers never fail: a syntax problem is recorded as a [`SyntaxError`] with its
//! location and parsing goes on, so rules still see every part that did parse.

pub mod command;
pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod kubernetes;
pub mod python;
pub mod shell;
pub mod systemd;
pub mod yaml;

use crate::span::Span;

/// A syntax problem at a location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// Where.
    pub span: Span,
}

impl SyntaxError {
    /// A syntax error at `span`.
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        SyntaxError {
            message: message.into(),
            span,
        }
    }
}

/// A tree together with the syntax errors met while building it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed<T> {
    /// Everything that parsed.
    pub tree: T,
    /// The problems, in file order.
    pub errors: Vec<SyntaxError>,
}
