//! Words of command lines that no shell reads but whose `$VAR` / `${VAR}` references are
//! still substituted by what runs them: systemd's `ExecStart=` and compose's
//! interpolation of every string in the file.

use crate::parse::shell::{self, Word};
use crate::span::Span;

/// A word with value `text` written at `span` (verbatim, or verbatim inside one pair of
/// quotes), whose `$VAR` and `${VAR...}` references are substituted before the program
/// runs. When the text holds such a reference and nothing a shell would read
/// differently, the shell model reads it, so the references count as expansions
/// ([`crate::parse::command::ValueSource::Env`]); otherwise it is [`Word::literal`].
pub fn word_with_references(text: &str, span: Span) -> Word {
    let literal = || Word::literal(text, span);
    if !text.contains('$') {
        return literal();
    }
    let start = match span.len() as usize {
        len if len == text.len() => span.start,
        len if len == text.len() + 2 => span.start + 1,
        _ => return literal(),
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || "$:{}_-./,@%+=?".contains(c);
    if !text.chars().all(plain) {
        return literal();
    }
    let script = shell::parse_str(text, start);
    match (script.errors.as_slice(), script.commands.as_slice()) {
        ([], [command]) if command.assignments.is_empty() && command.redirects.is_empty() => {
            match command.words.as_slice() {
                [word] if word.text == text => word.clone(),
                _ => literal(),
            }
        }
        _ => literal(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::command::{Value, ValueSource};

    #[test]
    fn references_become_expansions() {
        let word = word_with_references("${WORKERS:-4}", Span::new(10, 23));
        assert_eq!(word.span, Span::new(10, 23));
        assert_eq!(
            Value::from_word(&word).source,
            ValueSource::Env {
                var: "WORKERS".to_string(),
                default: Some("4".to_string())
            }
        );
        let quoted = word_with_references("$PORT", Span::new(0, 7));
        assert_eq!(quoted.span, Span::new(1, 6));
        assert_eq!(Value::from_word(&quoted).env_var(), Some("PORT"));
        let mixed = word_with_references("0.0.0.0:${PORT}", Span::new(0, 15));
        assert_eq!(mixed.expansion_ranges().to_vec(), vec![8..15]);
    }

    #[test]
    fn other_words_stay_literal() {
        for text in ["--reload", "a b $X", "$(id)", "A=$X", "$X;y", "`x`"] {
            let word = word_with_references(text, Span::new(0, text.len() as u32));
            assert_eq!(
                Value::from_word(&word).source,
                ValueSource::Literal,
                "{text}"
            );
            assert_eq!(word.text, text);
        }
    }
}
