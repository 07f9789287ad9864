//! Dockerfile variable substitution (`$VAR`, `${VAR}`, `${VAR:-default}`, ...), as
//! BuildKit applies it to instruction arguments, without running anything.

/// How deep `${A:-${B:-${C}}}` defaults may nest before the rest is kept literally.
const MAX_NESTING: usize = 8;

/// Substitutes variables in `text`, looking values up with `lookup` (`None` = unset).
///
/// Supports `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`,
/// `${VAR+word}`, `${VAR:?msg}`/`${VAR?msg}` (unset gives an empty string) and `\$` for
/// a literal `$`. Unset variables expand to the empty string, as in Docker. Other
/// backslashes and quotes are kept: apply this to already-unquoted values.
pub fn substitute(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut ok = true;
    expand(text, &lookup, 0, &mut ok)
}

/// Like [`substitute`], but `None` when the result depends on something unknown: a
/// variable that is unset where no default applies, or an operator this module does
/// not evaluate (`${VAR%pattern}` and the like).
pub fn try_substitute(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut ok = true;
    let out = expand(text, &lookup, 0, &mut ok);
    ok.then_some(out)
}

/// Whether `text` contains a variable reference (`$NAME` or `${...}`, not `\$`).
pub fn has_substitution(text: &str) -> bool {
    !referenced_variables(text).is_empty()
}

/// The names of the variables `text` refers to, in order of appearance (duplicates kept,
/// defaults' own references included).
pub fn referenced_variables(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' if bytes.get(pos + 1) == Some(&b'$') => pos += 2,
            b'$' => {
                if let Some((name, next)) = reference_name(text, pos + 1) {
                    names.push(name.to_owned());
                    pos = next;
                } else {
                    pos += 1;
                }
            }
            _ => pos += 1,
        }
    }
    names
}

/// The variable name after a `$` at `pos` (after an optional `{`), and where to continue
/// scanning (just after the name, so nested references in defaults are found too).
fn reference_name(text: &str, pos: usize) -> Option<(&str, usize)> {
    let start = if text.as_bytes().get(pos) == Some(&b'{') {
        pos + 1
    } else {
        pos
    };
    let end = name_end(text, start);
    (end > start).then(|| (&text[start..end], end))
}

/// The end of a variable name starting at `pos` (`pos` itself when there is none).
fn name_end(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(pos) {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        _ => return pos,
    }
    let mut end = pos + 1;
    while bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        end += 1;
    }
    end
}

/// The offset of the `}` closing a `${` whose contents start at `pos`, counting nested
/// braces and skipping `\`-escaped characters.
fn closing_brace(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = pos;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn expand(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
    ok: &mut bool,
) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut copied = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' if bytes.get(pos + 1) == Some(&b'$') => {
                out.push_str(&text[copied..pos]);
                out.push('$');
                pos += 2;
                copied = pos;
            }
            b'$' if bytes.get(pos + 1) == Some(&b'{') => {
                let inner = pos + 2;
                let Some(close) = closing_brace(text, inner) else {
                    // `${` never closed: Docker fails; keep it literally.
                    *ok = false;
                    pos += 1;
                    continue;
                };
                out.push_str(&text[copied..pos]);
                out.push_str(&braced(&text[inner..close], lookup, depth, ok));
                pos = close + 1;
                copied = pos;
            }
            b'$' => {
                let end = name_end(text, pos + 1);
                if end > pos + 1 {
                    out.push_str(&text[copied..pos]);
                    match lookup(&text[pos + 1..end]) {
                        Some(value) => out.push_str(&value),
                        None => *ok = false,
                    }
                    pos = end;
                    copied = pos;
                } else {
                    pos += 1;
                }
            }
            _ => pos += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Evaluates the inside of `${...}`.
fn braced(
    inner: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
    ok: &mut bool,
) -> String {
    let name_len = name_end(inner, 0);
    if name_len == 0 {
        // `${#VAR}`, `${1}`, `${}`: not evaluated here.
        *ok = false;
        return String::new();
    }
    let value = lookup(&inner[..name_len]);
    let rest = &inner[name_len..];
    let word = |ok: &mut bool, word: &str| {
        if depth >= MAX_NESTING {
            *ok = false;
            word.to_owned()
        } else {
            expand(word, lookup, depth + 1, ok)
        }
    };
    let (colon, op_rest) = match rest.strip_prefix(':') {
        Some(after) => (true, after),
        None => (false, rest),
    };
    let is_set = value.is_some();
    let is_non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let present = if colon { is_non_empty } else { is_set };
    match op_rest.as_bytes().first() {
        None if !colon => value.unwrap_or_else(|| {
            *ok = false;
            String::new()
        }),
        Some(b'-') => {
            if present {
                value.unwrap_or_default()
            } else {
                word(ok, &op_rest[1..])
            }
        }
        Some(b'+') => {
            if present {
                word(ok, &op_rest[1..])
            } else {
                String::new()
            }
        }
        Some(b'?') => {
            if !present {
                *ok = false;
            }
            value.unwrap_or_default()
        }
        _ => {
            // `${VAR%pat}`, `${VAR/a/b}`, ...: keep the plain value, flag uncertainty.
            *ok = false;
            value.unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "PY" => Some("3.12".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn substitutes_plain_and_braced_references() {
        assert_eq!(substitute("python:$PY-slim", env), "python:3.12-slim");
        assert_eq!(substitute("python:${PY}-slim", env), "python:3.12-slim");
        assert_eq!(substitute("a${NOPE}b$NOPE", env), "ab");
        assert_eq!(substitute("cost: \\$5 $", env), "cost: $5 $");
    }

    #[test]
    fn applies_default_and_alternative_operators() {
        assert_eq!(substitute("${NOPE:-3.11}", env), "3.11");
        assert_eq!(substitute("${EMPTY:-d}", env), "d");
        assert_eq!(substitute("${EMPTY-d}", env), "");
        assert_eq!(substitute("${NOPE-d}", env), "d");
        assert_eq!(substitute("${PY:+set}", env), "set");
        assert_eq!(substitute("${EMPTY:+set}", env), "");
        assert_eq!(substitute("${EMPTY+set}", env), "set");
        assert_eq!(substitute("${NOPE+set}", env), "");
        assert_eq!(substitute("${NOPE:-${PY}}", env), "3.12");
    }

    #[test]
    fn try_substitute_refuses_unknown_values() {
        assert_eq!(try_substitute("${NOPE:-x}", env), Some("x".to_owned()));
        assert_eq!(try_substitute("$NOPE", env), None);
        assert_eq!(try_substitute("${PY%.*}", env), None);
        assert_eq!(try_substitute("${PY", env), None);
    }

    #[test]
    fn detects_references() {
        assert!(has_substitution("${A:-b}"));
        assert!(has_substitution("x$A"));
        assert!(!has_substitution("\\$A"));
        assert!(!has_substitution("cost $5"));
        assert_eq!(referenced_variables("$A ${B:-$C}"), vec!["A", "B", "C"]);
    }
}
