//! A tolerant model of POSIX shell command lines (RUN, CMD and scripts).
//! (Placeholder until the shell model lands.)

use crate::parse::SyntaxError;
use crate::span::MappedText;

/// A parsed shell script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    /// Syntax problems.
    pub errors: Vec<SyntaxError>,
}

/// Parses shell text.
pub fn parse(_text: &MappedText) -> Script {
    Script::default()
}
