//! Facts with provenance: every value the cross-file model believes carries where it came
//! from, so a diagnostic can cite each factor and `deploylint graph` can show the origin.

use std::fmt;

use crate::span::Span;

/// Where a fact comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// Written in a file of the project: index in [`super::Project::files`] and the span.
    File {
        /// Index of the file in the project.
        file: usize,
        /// Where in the file.
        span: Span,
    },
    /// A documented default of the tool that reads the value (`"gunicorn default
    /// workers = 1"`).
    Default(String),
    /// The user's configuration file (`max-connections = 200`), named by its key.
    Config(String),
}

impl Origin {
    /// An origin in file `file` at `span`.
    pub fn file(file: usize, span: Span) -> Origin {
        Origin::File { file, span }
    }

    /// A documented default.
    pub fn default_of(text: impl Into<String>) -> Origin {
        Origin::Default(text.into())
    }

    /// The file and span, when the fact is written in a file.
    pub fn location(&self) -> Option<(usize, Span)> {
        match self {
            Origin::File { file, span } => Some((*file, *span)),
            _ => None,
        }
    }
}

/// A value and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact<T> {
    /// The value.
    pub value: T,
    /// Its origin.
    pub origin: Origin,
}

impl<T> Fact<T> {
    /// A fact.
    pub fn new(value: T, origin: Origin) -> Self {
        Fact { value, origin }
    }

    /// A fact written in file `file` at `span`.
    pub fn at(value: T, file: usize, span: Span) -> Self {
        Fact::new(value, Origin::file(file, span))
    }

    /// The same origin with another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        Fact {
            value: f(self.value),
            origin: self.origin,
        }
    }
}

impl<T: fmt::Display> fmt::Display for Fact<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}
