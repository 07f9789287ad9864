//! Kubernetes resource quantities (`512Mi`, `1.5G`, `500m`, `2e3`).
//!
//! A quantity is a signed decimal number followed by an optional suffix: binary (`Ki Mi Gi
//! Ti Pi Ei`), decimal (`n u m k M G T P E`) or an exponent (`e3`, `E-2`). The value is
//! returned in base units (bytes for memory, cores for CPU).

use crate::span::Spanned;

/// A quantity as written, with its value in base units when it parses.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// The text as written (a plain number keeps its text too).
    pub raw: Spanned<String>,
    /// The value in base units, or `None` if `raw` is not a valid quantity.
    pub value: Option<f64>,
}

impl Quantity {
    /// Parses `raw`.
    pub fn new(raw: Spanned<String>) -> Self {
        let value = parse_quantity(&raw.value);
        Quantity { raw, value }
    }

    /// The value as whole bytes (rounded up, as Kubernetes does), for memory.
    pub fn bytes(&self) -> Option<u64> {
        to_whole(self.value?)
    }

    /// The value in millicores (rounded up, as Kubernetes does), for CPU.
    pub fn millicores(&self) -> Option<u64> {
        to_whole(self.value? * 1000.0)
    }
}

/// The value of a quantity in base units, or `None` if it is malformed.
pub fn parse_quantity(raw: &str) -> Option<f64> {
    let text = raw.trim();
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(number_end);
    if !number.bytes().any(|b| b.is_ascii_digit()) || number.matches('.').count() > 1 {
        return None;
    }
    let sign_ok = number
        .char_indices()
        .all(|(at, c)| !matches!(c, '+' | '-') || at == 0);
    if !sign_ok {
        return None;
    }
    let base: f64 = number.parse().ok()?;
    let multiplier = suffix_multiplier(suffix)?;
    let value = base * multiplier;
    value.is_finite().then_some(value)
}

fn suffix_multiplier(suffix: &str) -> Option<f64> {
    const KI: f64 = 1024.0;
    let value = match suffix {
        "" => 1.0,
        "Ki" => KI,
        "Mi" => KI * KI,
        "Gi" => KI * KI * KI,
        "Ti" => KI.powi(4),
        "Pi" => KI.powi(5),
        "Ei" => KI.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        _ => {
            let exponent = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))?;
            let exponent: i32 = exponent.parse().ok()?;
            if !(-30..=30).contains(&exponent) {
                return None;
            }
            10f64.powi(exponent)
        }
    };
    Some(value)
}

fn to_whole(value: f64) -> Option<u64> {
    if !(0.0..=u64::MAX as f64).contains(&value) {
        return None;
    }
    // Guard against 0.1 * 1000 = 100.00000000000001 style float noise before rounding up.
    let rounded = (value * 1e6).round() / 1e6;
    Some(rounded.ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn quantity(raw: &str) -> Quantity {
        Quantity::new(Spanned::new(raw.to_string(), Span::default()))
    }

    #[test]
    fn memory_quantities_in_bytes() {
        let table: &[(&str, Option<u64>)] = &[
            ("128974848", Some(128_974_848)),
            ("129e6", Some(129_000_000)),
            ("129M", Some(129_000_000)),
            ("123Mi", Some(128_974_848)),
            ("512Mi", Some(536_870_912)),
            ("1Gi", Some(1_073_741_824)),
            ("1.5Gi", Some(1_610_612_736)),
            ("1G", Some(1_000_000_000)),
            ("64k", Some(64_000)),
            ("64Ki", Some(65_536)),
            ("1E3", Some(1000)),
            ("0.5", Some(1)),
            ("1Ti", Some(1_099_511_627_776)),
            ("12MB", None),
            ("Mi", None),
            ("", None),
            ("1..2Mi", None),
            ("-1Mi", None),
            ("1-2", None),
        ];
        for (raw, expected) in table {
            assert_eq!(quantity(raw).bytes(), *expected, "{raw:?}");
        }
    }

    #[test]
    fn cpu_quantities_in_millicores() {
        let table: &[(&str, Option<u64>)] = &[
            ("500m", Some(500)),
            ("0.5", Some(500)),
            ("2", Some(2000)),
            ("0.1", Some(100)),
            ("1.5", Some(1500)),
            ("100u", Some(1)),
            ("250000000n", Some(250)),
            ("1k", Some(1_000_000)),
            ("m", None),
            ("1x", None),
        ];
        for (raw, expected) in table {
            assert_eq!(quantity(raw).millicores(), *expected, "{raw:?}");
        }
    }
}
