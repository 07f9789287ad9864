//! Small readers from YAML nodes to spanned values, shared by the typed views.

use crate::parse::yaml::{NodeRef, ScalarStyle};
use crate::span::Spanned;

use super::{Label, Labels, PortRef};

/// A non-null scalar's raw text with its span.
pub(super) fn string(node: Option<NodeRef<'_>>) -> Option<Spanned<String>> {
    let node = node?;
    if node.is_null() {
        return None;
    }
    let raw = node.as_str()?;
    Some(Spanned::new(raw.to_string(), node.span()))
}

/// `mapping[key]` as a spanned string.
pub(super) fn string_at(mapping: NodeRef<'_>, key: &str) -> Option<Spanned<String>> {
    string(mapping.get(key))
}

/// `mapping[key]` as a spanned integer.
pub(super) fn int_at(mapping: NodeRef<'_>, key: &str) -> Option<Spanned<i64>> {
    let node = mapping.get(key)?;
    Some(Spanned::new(node.as_i64()?, node.span()))
}

/// `mapping[key]` as a spanned boolean (Kubernetes' YAML 1.1 reading).
pub(super) fn bool_at(mapping: NodeRef<'_>, key: &str) -> Option<Spanned<bool>> {
    let node = mapping.get(key)?;
    Some(Spanned::new(node.as_bool_k8s()?, node.span()))
}

/// `mapping[key]` as a list of spanned strings (`command`, `args`); `None` when absent or
/// not a sequence.
pub(super) fn strings_at(mapping: NodeRef<'_>, key: &str) -> Option<Vec<Spanned<String>>> {
    let node = mapping.get(key)?;
    if !node.is_sequence() {
        return None;
    }
    Some(node.items().filter_map(|item| string(Some(item))).collect())
}

/// The items of `mapping[key]` when it is a sequence (empty otherwise).
pub(super) fn items_at<'a>(mapping: NodeRef<'a>, key: &str) -> Vec<NodeRef<'a>> {
    match mapping.get(key) {
        Some(node) => node.items().collect(),
        None => Vec::new(),
    }
}

/// `mapping[key]` when it is a mapping.
pub(super) fn mapping_at<'a>(mapping: NodeRef<'a>, key: &str) -> Option<NodeRef<'a>> {
    mapping.get(key).filter(|node| node.is_mapping())
}

/// A string-to-string map (`labels`, `matchLabels`, a Service `selector`).
pub(super) fn labels(node: Option<NodeRef<'_>>) -> Labels {
    let Some(node) = node.filter(|n| n.is_mapping()) else {
        return Labels::default();
    };
    let entries = node
        .entries()
        .into_iter()
        .filter_map(|(key, value)| {
            let key = string(Some(key))?;
            let value =
                string(Some(value)).unwrap_or_else(|| Spanned::new(String::new(), value.span()));
            Some(Label { key, value })
        })
        .collect();
    Labels {
        entries,
        span: Some(node.span()),
    }
}

/// An int-or-string port: a number, or a name (digit-only strings count as numbers).
pub(super) fn port(node: Option<NodeRef<'_>>) -> Option<Spanned<PortRef>> {
    let node = node?;
    if let Some(number) = node.as_i64() {
        return Some(Spanned::new(PortRef::Number(number), node.span()));
    }
    let (raw, style) = node.scalar()?;
    if node.is_null() && style == ScalarStyle::Plain {
        return None;
    }
    let value = match raw.parse::<i64>() {
        Ok(number) if !raw.starts_with(['+', '-']) => PortRef::Number(number),
        _ => PortRef::Name(raw.to_string()),
    };
    Some(Spanned::new(value, node.span()))
}
