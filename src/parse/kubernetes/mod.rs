//! Typed views of Kubernetes objects over the spanned YAML tree.
//!
//! [`parse_manifests`] parses a YAML stream and reads every document (and every item of a
//! `kind: List`) that has `apiVersion` and `kind` into an [`Object`]: its identity,
//! labels, and a typed [`ObjectBody`] for the kinds the rules look at (workloads and their
//! pod specs, Services, HorizontalPodAutoscalers, PodDisruptionBudgets, Secrets and the
//! ExternalSecret/SealedSecret objects that create them, ConfigMaps). Every field keeps
//! its span; views also keep the [`NodeId`] of their mapping so a rule can read a field the
//! view does not cover.
//!
//! Views are lenient: a field of the wrong type is treated as absent rather than an error
//! (the API server's validation is not repeated here). Objects are read only from
//! documents that parsed completely, so a syntax error never yields half an object.

pub mod classify;
pub mod quantity;
mod read;
pub mod resources;
pub mod selector;
pub mod workload;

#[cfg(test)]
mod tests;

pub use classify::{YamlFileKind, classify};
pub use quantity::Quantity;
pub use resources::{
    ConfigMap, ConfigMapEntry, HorizontalPodAutoscaler, PodDisruptionBudget, SecretDefinition,
    SecretProvider, Service, ServicePort,
};
pub use selector::{LabelSelector, SelectorOperator, SelectorRequirement};
pub use workload::{
    Container, ContainerPort, ContainerRole, EnvFromSource, EnvValueSource, EnvVar, Handler,
    HttpGet, KeyRef, PodSpec, PodTemplate, PortTarget, Probe, ProbeKind, RefKind, ResourceList,
    Resources, SecurityContext, Volume, VolumeObjectRef, VolumeSource, Workload, WorkloadKind,
};

use crate::parse::Parsed;
use crate::parse::yaml::{self, NodeId, NodeRef, YamlStream};
use crate::span::{Span, Spanned};

/// A port written as a number or as the name of a container port.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PortRef {
    /// `8080`.
    Number(i64),
    /// `http`.
    Name(String),
}

/// One `key: value` label or annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The key.
    pub key: Spanned<String>,
    /// The value (raw scalar text; empty for null).
    pub value: Spanned<String>,
}

/// A string map: labels, annotations, selectors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// Entries in file order (merged entries after explicit ones).
    pub entries: Vec<Label>,
    /// The mapping, when present.
    pub span: Option<Span>,
}

impl Labels {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Spanned<String>> {
        self.entries
            .iter()
            .find(|label| label.key.value == key)
            .map(|label| &label.value)
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries.
    pub fn iter(&self) -> impl Iterator<Item = &Label> {
        self.entries.iter()
    }
}

/// One Kubernetes object.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// `apiVersion`.
    pub api_version: Spanned<String>,
    /// `kind`.
    pub kind: Spanned<String>,
    /// `metadata.name`.
    pub name: Option<Spanned<String>>,
    /// `metadata.namespace`.
    pub namespace: Option<Spanned<String>>,
    /// `metadata.labels`.
    pub labels: Labels,
    /// `metadata.annotations`.
    pub annotations: Labels,
    /// The typed view of the kinds the rules read.
    pub body: ObjectBody,
    /// The object's mapping node.
    pub node: NodeId,
    /// Index of the document in the stream.
    pub document: usize,
    /// Index in the `items` of a `kind: List`, when the object came from one.
    pub list_item: Option<usize>,
    /// The object's mapping.
    pub span: Span,
}

impl Object {
    /// The workload view, if this is a workload.
    pub fn workload(&self) -> Option<&Workload> {
        match &self.body {
            ObjectBody::Workload(workload) => Some(workload),
            _ => None,
        }
    }

    /// `namespace/name` style identity for messages (`kind/name`).
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(name) => format!("{}/{}", self.kind.value, name.value),
            None => self.kind.value.clone(),
        }
    }
}

/// The typed part of an object.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ObjectBody {
    /// Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod, Job,
    /// CronJob.
    Workload(Box<Workload>),
    /// Service.
    Service(Service),
    /// HorizontalPodAutoscaler.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// PodDisruptionBudget.
    PodDisruptionBudget(PodDisruptionBudget),
    /// Secret, ExternalSecret or SealedSecret.
    Secret(SecretDefinition),
    /// ConfigMap.
    ConfigMap(ConfigMap),
    /// Any other kind.
    Other,
}

/// A parsed manifest file: the YAML tree and the objects read from it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manifests {
    /// The YAML tree (comments included, for suppressions).
    pub yaml: YamlStream,
    /// Objects in file order.
    pub objects: Vec<Object>,
}

/// Parses a manifest file: the YAML stream (its errors become the result's `errors`,
/// duplicate keys and limits included) and every object of every completely parsed
/// document, `kind: List` items expanded. Documents without `apiVersion` and `kind`
/// (empty documents, comments only, plain config) yield no object. Never fails.
pub fn parse_manifests(text: &str) -> Parsed<Manifests> {
    let parsed = yaml::parse(text);
    let objects = read_objects(&parsed.tree);
    Parsed {
        tree: Manifests {
            yaml: parsed.tree,
            objects,
        },
        errors: parsed.errors,
    }
}

/// Reads the objects of every complete document of `stream`.
pub fn read_objects(stream: &YamlStream) -> Vec<Object> {
    let mut objects = Vec::new();
    for (index, document) in stream.documents.iter().enumerate() {
        if !document.complete {
            continue;
        }
        let Some(root) = document.root.map(|id| stream.node(id)) else {
            continue;
        };
        let Some(object) = read_object(root, index, None) else {
            continue;
        };
        let list_items = if object.kind.value.ends_with("List") {
            root.get("items").filter(|items| items.is_sequence())
        } else {
            None
        };
        if let Some(items) = list_items {
            for (position, item) in items.items().enumerate() {
                if let Some(object) = read_object(item, index, Some(position)) {
                    objects.push(object);
                }
            }
            continue;
        }
        objects.push(object);
    }
    objects
}

fn read_object(node: NodeRef<'_>, document: usize, list_item: Option<usize>) -> Option<Object> {
    if !node.is_mapping() {
        return None;
    }
    let api_version = read::string_at(node, "apiVersion")?;
    let kind = read::string_at(node, "kind")?;
    let metadata = read::mapping_at(node, "metadata");
    let name = metadata.and_then(|m| read::string_at(m, "name"));
    let body = match kind.value.as_str() {
        "Service" => ObjectBody::Service(Service::read(node)),
        "HorizontalPodAutoscaler" => {
            ObjectBody::HorizontalPodAutoscaler(HorizontalPodAutoscaler::read(node))
        }
        "PodDisruptionBudget" => ObjectBody::PodDisruptionBudget(PodDisruptionBudget::read(node)),
        "Secret" => ObjectBody::Secret(SecretDefinition::read(
            SecretProvider::Secret,
            node,
            name.clone(),
        )),
        "ExternalSecret" => ObjectBody::Secret(SecretDefinition::read(
            SecretProvider::ExternalSecret,
            node,
            name.clone(),
        )),
        "SealedSecret" => ObjectBody::Secret(SecretDefinition::read(
            SecretProvider::SealedSecret,
            node,
            name.clone(),
        )),
        "ConfigMap" => ObjectBody::ConfigMap(ConfigMap::read(node)),
        other => match WorkloadKind::from_kind(other) {
            Some(workload) => ObjectBody::Workload(Box::new(Workload::read(workload, node))),
            None => ObjectBody::Other,
        },
    };
    Some(Object {
        api_version,
        kind,
        name,
        namespace: metadata.and_then(|m| read::string_at(m, "namespace")),
        labels: read::labels(metadata.and_then(|m| m.get("labels"))),
        annotations: read::labels(metadata.and_then(|m| m.get("annotations"))),
        body,
        node: node.id(),
        document,
        list_item,
        span: node.span(),
    })
}
