//! Label selectors and matching.
//!
//! Semantics follow Kubernetes: a present `LabelSelector` with no requirements matches
//! every pod (PodDisruptionBudget `policy/v1`), requirements are ANDed, and an unknown
//! operator matches nothing (the API server would reject it). A Service's plain `selector`
//! map selects pods carrying every pair; an empty one selects nothing (such a Service has
//! no managed endpoints).

use crate::parse::yaml::NodeRef;
use crate::span::{Span, Spanned};

use super::{Labels, read};

/// A `matchExpressions` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SelectorOperator {
    /// The label's value is one of `values`.
    In,
    /// The label is absent or its value is none of `values`.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
    /// Anything else (matches nothing).
    Unknown,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectorRequirement {
    /// `key`.
    pub key: Spanned<String>,
    /// `operator`.
    pub operator: SelectorOperator,
    /// `values`.
    pub values: Vec<Spanned<String>>,
    /// The entry.
    pub span: Span,
}

/// A `LabelSelector` (`matchLabels` + `matchExpressions`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelSelector {
    /// `matchLabels`.
    pub match_labels: Labels,
    /// `matchExpressions`.
    pub match_expressions: Vec<SelectorRequirement>,
    /// The selector mapping.
    pub span: Span,
}

impl LabelSelector {
    /// Reads a `LabelSelector` mapping.
    pub(super) fn read(node: NodeRef<'_>) -> LabelSelector {
        let match_expressions = read::items_at(node, "matchExpressions")
            .into_iter()
            .filter_map(|entry| {
                let key = read::string_at(entry, "key")?;
                let operator = match read::string_at(entry, "operator")
                    .as_ref()
                    .map(|o| o.as_str())
                {
                    Some("In") => SelectorOperator::In,
                    Some("NotIn") => SelectorOperator::NotIn,
                    Some("Exists") => SelectorOperator::Exists,
                    Some("DoesNotExist") => SelectorOperator::DoesNotExist,
                    _ => SelectorOperator::Unknown,
                };
                let values = read::strings_at(entry, "values").unwrap_or_default();
                Some(SelectorRequirement {
                    key,
                    operator,
                    values,
                    span: entry.span(),
                })
            })
            .collect();
        LabelSelector {
            match_labels: read::labels(node.get("matchLabels")),
            match_expressions,
            span: node.span(),
        }
    }

    /// Reads a plain `key: value` selector (ReplicationController) as `matchLabels`.
    pub(super) fn from_plain_map(node: NodeRef<'_>) -> LabelSelector {
        LabelSelector {
            match_labels: read::labels(Some(node)),
            match_expressions: Vec::new(),
            span: node.span(),
        }
    }

    /// Whether the selector has no requirement at all (it then matches everything).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether pods labelled `labels` are selected.
    pub fn matches(&self, labels: &Labels) -> bool {
        let labels_ok = self.match_labels.iter().all(|label| {
            labels
                .get(&label.key.value)
                .is_some_and(|v| v.value == label.value.value)
        });
        labels_ok
            && self.match_expressions.iter().all(|requirement| {
                let value = labels.get(&requirement.key.value).map(|v| v.value.as_str());
                let listed = |v: &str| requirement.values.iter().any(|x| x.value == v);
                match requirement.operator {
                    SelectorOperator::In => value.is_some_and(listed),
                    SelectorOperator::NotIn => !value.is_some_and(listed),
                    SelectorOperator::Exists => value.is_some(),
                    SelectorOperator::DoesNotExist => value.is_none(),
                    SelectorOperator::Unknown => false,
                }
            })
    }
}

impl Labels {
    /// Whether this plain selector (a Service's `selector`) selects pods labelled
    /// `labels`: every pair must be present; an empty selector selects nothing.
    pub fn selects(&self, labels: &Labels) -> bool {
        !self.is_empty()
            && self.iter().all(|pair| {
                labels
                    .get(&pair.key.value)
                    .is_some_and(|v| v.value == pair.value.value)
            })
    }
}
