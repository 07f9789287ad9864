//! Rule selection: which rules run, chosen by code, code prefix or name.

use std::fmt;

use super::meta::{RULES, RuleCode, RuleStatus};

/// A set of rules.
#[derive(Clone, PartialEq, Eq)]
pub struct RuleSet {
    enabled: Vec<bool>,
}

impl RuleSet {
    /// No rule.
    pub fn empty() -> Self {
        RuleSet {
            enabled: vec![false; RULES.len()],
        }
    }

    /// Every rule that has not been removed.
    pub fn all() -> Self {
        RuleSet {
            enabled: RULES
                .iter()
                .map(|meta| meta.status != RuleStatus::Removed)
                .collect(),
        }
    }

    /// Only `code`.
    pub fn only(code: RuleCode) -> Self {
        let mut set = RuleSet::empty();
        set.insert(code);
        set
    }

    /// Whether `code` is in the set.
    pub fn contains(&self, code: RuleCode) -> bool {
        self.enabled[code as usize]
    }

    /// Adds `code`.
    pub fn insert(&mut self, code: RuleCode) {
        self.enabled[code as usize] = true;
    }

    /// Removes `code`.
    pub fn remove(&mut self, code: RuleCode) {
        self.enabled[code as usize] = false;
    }

    /// Adds every rule the selector matches.
    pub fn insert_matching(&mut self, selector: &RuleSelector) {
        for code in selector.codes() {
            self.insert(code);
        }
    }

    /// Removes every rule the selector matches.
    pub fn remove_matching(&mut self, selector: &RuleSelector) {
        for code in selector.codes() {
            self.remove(code);
        }
    }

    /// The codes in the set, in registry order.
    pub fn iter(&self) -> impl Iterator<Item = RuleCode> + '_ {
        RULES
            .iter()
            .filter(|meta| self.contains(meta.code))
            .map(|meta| meta.code)
    }

    /// Whether any rule of a code prefix (`DF`, `K8S`) is in the set.
    pub fn any_with_prefix(&self, prefix: &str) -> bool {
        self.iter().any(|code| code.as_str().starts_with(prefix))
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::all()
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// A way to name rules: a full code, a code prefix, a rule name, or `ALL`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuleSelector {
    /// Every rule.
    All,
    /// One rule.
    Code(RuleCode),
    /// Every rule whose code starts with the prefix (`DF`, `XF0`).
    Prefix(String),
}

/// A selector that names no rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule or prefix `{given}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct SelectorError {
    /// What was given.
    pub given: String,
    /// The closest valid code or name, if any is close.
    pub suggestion: Option<String>,
}

impl RuleSelector {
    /// Parses a selector, suggesting the nearest valid one when it names nothing.
    pub fn parse(text: &str) -> Result<RuleSelector, SelectorError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(RuleSelector::All);
        }
        if let Some(code) = RuleCode::find(text) {
            return Ok(RuleSelector::Code(code));
        }
        let upper = text.to_ascii_uppercase();
        let is_prefix_shape = !upper.is_empty()
            && upper.chars().all(|c| c.is_ascii_alphanumeric())
            && upper
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic());
        if is_prefix_shape && RULES.iter().any(|m| m.code.as_str().starts_with(&upper)) {
            return Ok(RuleSelector::Prefix(upper));
        }
        Err(SelectorError {
            given: text.to_string(),
            suggestion: nearest(text),
        })
    }

    /// The codes this selector names.
    pub fn codes(&self) -> Vec<RuleCode> {
        RULES
            .iter()
            .map(|meta| meta.code)
            .filter(|code| match self {
                RuleSelector::All => true,
                RuleSelector::Code(c) => c == code,
                RuleSelector::Prefix(p) => code.as_str().starts_with(p.as_str()),
            })
            .collect()
    }
}

/// The code or name closest to `text` (edit distance at most 3), if any.
pub(crate) fn nearest(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    RULES
        .iter()
        .flat_map(|meta| {
            [
                meta.code.as_str().to_ascii_lowercase(),
                meta.name.to_string(),
            ]
        })
        .map(|candidate| (edit_distance(&lower, &candidate), candidate))
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, candidate)| {
            RuleCode::find(&candidate)
                .filter(|code| code.as_str().eq_ignore_ascii_case(&candidate))
                .map_or(candidate, |code| code.as_str().to_string())
        })
}

/// The candidate closest to `text` (edit distance at most 3, and less than the length
/// of `text`), if any: for suggesting keys, options and directive words.
pub(crate) fn nearest_word<'c>(text: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let limit = 3.min(text.chars().count().saturating_sub(1));
    candidates
        .iter()
        .map(|candidate| (edit_distance(text, candidate), *candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("worker", "workers"), 1);
        assert_eq!(edit_distance("graceful_timout", "graceful_timeout"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
