//! How a scalar's raw text resolves to a value, the way Kubernetes' decoder reads it.
//!
//! Kubernetes decodes manifests with a YAML 1.1 resolver: besides the YAML 1.2 core schema
//! it reads `yes/no/on/off/y/n` as booleans, `0b1010` as binary, `010` as octal and allows
//! `_` between digits. These helpers follow that decoder, because a manifest means what the
//! cluster makes of it. Only plain (unquoted) scalars resolve; quoted ones are strings.

/// The integer a plain scalar denotes, or `None` if it is not an integer.
///
/// Accepts an optional sign, decimal digits, `0x` hex, `0o` and leading-zero octal,
/// `0b` binary, with `_` separators anywhere after the first digit.
pub fn parse_int(raw: &str) -> Option<i64> {
    let (negative, unsigned) = match raw.as_bytes().first()? {
        b'-' => (true, &raw[1..]),
        b'+' => (false, &raw[1..]),
        _ => (false, raw),
    };
    if !unsigned.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let (radix, digits) = if let Some(rest) = strip_prefix_ci(unsigned, "0x") {
        (16, rest)
    } else if let Some(rest) = strip_prefix_ci(unsigned, "0o") {
        (8, rest)
    } else if let Some(rest) = strip_prefix_ci(unsigned, "0b") {
        (2, rest)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    let cleaned: String = digits.chars().filter(|&c| c != '_').collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&cleaned, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// The boolean a plain scalar denotes under Kubernetes' YAML 1.1 rules.
pub fn parse_bool_k8s(raw: &str) -> Option<bool> {
    match raw {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "y" | "Y" | "on" | "On" | "ON" => {
            Some(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "n" | "N" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// Whether a plain scalar's raw text denotes null (`~`, `null` in three casings, or nothing).
pub fn is_null_text(raw: &str) -> bool {
    matches!(raw, "" | "~" | "null" | "Null" | "NULL")
}

/// The float a plain scalar denotes (decimal or exponent notation, YAML 1.2 core).
pub fn parse_float(raw: &str) -> Option<f64> {
    let bytes = raw.as_bytes();
    let body = match bytes.first()? {
        b'-' | b'+' => &raw[1..],
        _ => raw,
    };
    let valid = !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && body.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    raw.parse::<f64>().ok()
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_every_notation_kubernetes_reads() {
        let table: &[(&str, Option<i64>)] = &[
            ("0", Some(0)),
            ("42", Some(42)),
            ("-7", Some(-7)),
            ("+8", Some(8)),
            ("0x1F", Some(31)),
            ("0o17", Some(15)),
            ("010", Some(8)),
            ("0b101", Some(5)),
            ("1_000", Some(1000)),
            ("9223372036854775807", Some(i64::MAX)),
            ("9223372036854775808", None),
            ("1.5", None),
            ("08", None),
            ("", None),
            ("-", None),
            ("abc", None),
            ("_1", None),
            ("0x", None),
        ];
        for (raw, expected) in table {
            assert_eq!(parse_int(raw), *expected, "{raw:?}");
        }
    }

    #[test]
    fn booleans_follow_yaml_1_1() {
        for raw in ["yes", "Yes", "on", "ON", "y", "true", "TRUE"] {
            assert_eq!(parse_bool_k8s(raw), Some(true), "{raw}");
        }
        for raw in ["no", "off", "Off", "n", "N", "false", "False"] {
            assert_eq!(parse_bool_k8s(raw), Some(false), "{raw}");
        }
        for raw in ["", "1", "yEs", "enabled"] {
            assert_eq!(parse_bool_k8s(raw), None, "{raw}");
        }
    }

    #[test]
    fn nulls_and_floats() {
        assert!(is_null_text("~"));
        assert!(is_null_text(""));
        assert!(!is_null_text("nil"));
        assert_eq!(parse_float("0.5"), Some(0.5));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("-2"), Some(-2.0));
        assert_eq!(parse_float("inf"), None);
        assert_eq!(parse_float("."), None);
    }
}
