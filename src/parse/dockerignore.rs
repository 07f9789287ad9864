//! `.dockerignore` parser and matcher with Docker's semantics.
//! (Placeholder until the matcher lands.)

use crate::parse::Parsed;

/// A parsed `.dockerignore`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DockerIgnore {}

/// Parses a `.dockerignore`.
pub fn parse(_text: &str) -> Parsed<DockerIgnore> {
    Parsed::default()
}
