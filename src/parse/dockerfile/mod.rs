//! Dockerfile parser: BuildKit syntax into [`Dockerfile`].
//!
//! The file is read in two levels. `lexer` handles lines: parser directives, comments,
//! line continuations with the active escape character, and heredoc bodies; it yields
//! logical instruction lines mapped back to the file. `parser` turns each logical line
//! into an [`Instruction`]. `stages` splits the instructions into build stages and
//! answers what a stage inherits; [`expand`] substitutes `$VAR`s.
//!
//! Values in the tree are unquoted and unescaped as Docker reads them, but variables
//! are left as written: use [`substitute`] with the scope you need (see
//! [`Dockerfile::args_in_scope`] and [`Dockerfile::effective_env`]). `FROM` images are kept
//! exactly as written; [`Stage::base`] holds the image after global `ARG` substitution.
//!
//! Parser directive lines are in [`Dockerfile::directives`], not in
//! [`Dockerfile::comments`]. Heredoc bodies are never comments.
//!
//! Deliberate differences from BuildKit, all towards reporting real mistakes:
//! `["a", "b"` with no `]` is reported as an unterminated JSON array (BuildKit would run it
//! as a shell command), and `COPY "a b" /dst` keeps the quoted source as one word.

mod ast;
pub mod expand;
mod json;
mod lexer;
mod parser;
mod stages;
mod words;

pub use ast::*;
pub use expand::{has_substitution, referenced_variables, substitute, try_substitute};
pub use stages::ArgInScope;

use super::Parsed;

/// Parses a Dockerfile's text. Never fails: problems are in [`Parsed::errors`], each
/// with its location, and parsing goes on with the next instruction.
pub fn parse(text: &str) -> Parsed<Dockerfile> {
    lexer::parse_text(text)
}

#[cfg(test)]
mod tests;
