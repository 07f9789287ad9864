//! The exec form: a JSON array of strings, with the span of every element.

use std::ops::Range;

/// JSON strings, each unescaped, with the raw range it was read from.
pub(crate) type JsonStrings = Vec<(String, Range<usize>)>;

/// What the text after an instruction keyword is, seen as exec form.
#[derive(Debug, PartialEq)]
pub(crate) enum ExecForm {
    /// A JSON array of strings: each unescaped string with its raw range (quotes
    /// included), and the range from `[` to `]`.
    Strings(JsonStrings, Range<usize>),
    /// Valid JSON, but an element is not a string (Docker rejects this).
    NotStrings,
    /// Not JSON at all: the arguments are in shell form.
    NotJson,
}

/// Reads `text[range]` as a JSON array of strings, the way Docker decides between exec
/// and shell form.
pub(crate) fn parse_exec(text: &str, range: Range<usize>) -> ExecForm {
    let Some(slice) = text.get(range.clone()) else {
        return ExecForm::NotJson;
    };
    if !slice.starts_with('[') {
        return ExecForm::NotJson;
    }
    match read_string_array(slice.as_bytes()) {
        Some((items, end)) => ExecForm::Strings(
            items
                .into_iter()
                .map(|(value, r)| (value, range.start + r.start..range.start + r.end))
                .collect(),
            range.start..range.start + end,
        ),
        None => {
            if serde_json::from_str::<Vec<serde_json::Value>>(slice).is_ok() {
                ExecForm::NotStrings
            } else {
                ExecForm::NotJson
            }
        }
    }
}

fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Parses `[ "a", "b" ]` followed only by whitespace. Returns the strings with their
/// ranges and the end of the `]`.
fn read_string_array(bytes: &[u8]) -> Option<(JsonStrings, usize)> {
    let mut pos = 1;
    let skip = |pos: &mut usize| {
        while bytes.get(*pos).is_some_and(|&b| is_json_space(b)) {
            *pos += 1;
        }
    };
    let mut items = Vec::new();
    skip(&mut pos);
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            skip(&mut pos);
            let start = pos;
            let value = read_string(bytes, &mut pos)?;
            items.push((value, start..pos));
            skip(&mut pos);
            match bytes.get(pos)? {
                b',' => pos += 1,
                b']' => {
                    pos += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    let end = pos;
    skip(&mut pos);
    (pos == bytes.len()).then_some((items, end))
}

/// Reads one JSON string starting at its opening quote, leaving `pos` after the closing one.
fn read_string(bytes: &[u8], pos: &mut usize) -> Option<String> {
    if bytes.get(*pos) != Some(&b'"') {
        return None;
    }
    *pos += 1;
    let mut out: Vec<u8> = Vec::new();
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        match b {
            b'"' => return String::from_utf8(out).ok(),
            b'\\' => {
                let escaped = *bytes.get(*pos)?;
                *pos += 1;
                let c = match escaped {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => read_unicode_escape(bytes, pos)?,
                    _ => return None,
                };
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            0..=0x1f => return None,
            _ => out.push(b),
        }
    }
}

fn read_hex4(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let digits = bytes.get(*pos..*pos + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    *pos += 4;
    u32::from_str_radix(text, 16).ok()
}

/// Reads the `XXXX` of `\uXXXX` (and a following low surrogate escape if the first is a
/// high surrogate). A lone surrogate becomes U+FFFD, as Go's decoder does.
fn read_unicode_escape(bytes: &[u8], pos: &mut usize) -> Option<char> {
    let first = read_hex4(bytes, pos)?;
    if (0xD800..0xDC00).contains(&first) {
        if bytes.get(*pos..*pos + 2) == Some(b"\\u") {
            let mut lookahead = *pos + 2;
            if let Some(second) = read_hex4(bytes, &mut lookahead)
                && (0xDC00..0xE000).contains(&second)
            {
                *pos = lookahead;
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
        }
        return Some('\u{FFFD}');
    }
    Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str) -> Vec<String> {
        match parse_exec(text, 0..text.len()) {
            ExecForm::Strings(items, _) => items.into_iter().map(|(s, _)| s).collect(),
            other => panic!("not strings: {other:?}"),
        }
    }

    #[test]
    fn reads_all_json_escapes() {
        assert_eq!(
            strings(r#"["a\n\t\"\\\/", "\u00e9\ud83d\ude00", "\ud800x"]"#),
            vec!["a\n\t\"\\/", "é😀", "\u{FFFD}x"]
        );
        assert_eq!(strings("[]"), Vec::<String>::new());
    }

    #[test]
    fn tells_non_strings_from_non_json() {
        assert_eq!(parse_exec("[1, 2]", 0..6), ExecForm::NotStrings);
        assert_eq!(parse_exec("['a']", 0..5), ExecForm::NotJson);
        assert_eq!(parse_exec(r#"["a"] b"#, 0..7), ExecForm::NotJson);
        assert_eq!(parse_exec(r#"["a""#, 0..4), ExecForm::NotJson);
    }
}
