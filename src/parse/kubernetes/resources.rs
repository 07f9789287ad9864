//! Services, autoscalers, disruption budgets, Secrets (and their providers), ConfigMaps.

use crate::parse::yaml::NodeRef;
use crate::span::{Span, Spanned};

use super::selector::LabelSelector;
use super::{Labels, PortRef, read};

/// A Service.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// `spec.type` (`ClusterIP` when absent).
    pub service_type: Option<Spanned<String>>,
    /// `spec.selector` (`None` when absent: endpoints are managed by hand).
    pub selector: Option<Labels>,
    /// `spec.ports`.
    pub ports: Vec<ServicePort>,
}

impl Service {
    pub(super) fn read(object: NodeRef<'_>) -> Service {
        let spec = read::mapping_at(object, "spec");
        let ports = spec
            .map(|s| read::items_at(s, "ports"))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.is_mapping())
            .map(|p| ServicePort {
                name: read::string_at(p, "name"),
                port: read::int_at(p, "port"),
                target_port: read::port(p.get("targetPort")),
                node_port: read::int_at(p, "nodePort"),
                protocol: read::string_at(p, "protocol"),
                span: p.span(),
            })
            .collect();
        Service {
            service_type: spec.and_then(|s| read::string_at(s, "type")),
            selector: spec
                .and_then(|s| read::mapping_at(s, "selector"))
                .map(|s| read::labels(Some(s))),
            ports,
        }
    }
}

/// A Service port.
#[derive(Clone, Debug, PartialEq)]
pub struct ServicePort {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `port`.
    pub port: Option<Spanned<i64>>,
    /// `targetPort` (number or container port name; Kubernetes' default is `port`).
    pub target_port: Option<Spanned<PortRef>>,
    /// `nodePort`.
    pub node_port: Option<Spanned<i64>>,
    /// `protocol`.
    pub protocol: Option<Spanned<String>>,
    /// The entry.
    pub span: Span,
}

impl ServicePort {
    /// The target port Kubernetes uses: `targetPort`, else `port`.
    pub fn effective_target_port(&self) -> Option<PortRef> {
        match (&self.target_port, &self.port) {
            (Some(target), _) => Some(target.value.clone()),
            (None, Some(port)) => Some(PortRef::Number(port.value)),
            (None, None) => None,
        }
    }
}

/// A HorizontalPodAutoscaler (`autoscaling/v1` or `v2`).
#[derive(Clone, Debug, PartialEq)]
pub struct HorizontalPodAutoscaler {
    /// `spec.scaleTargetRef.kind`.
    pub target_kind: Option<Spanned<String>>,
    /// `spec.scaleTargetRef.name`.
    pub target_name: Option<Spanned<String>>,
    /// `spec.scaleTargetRef.apiVersion`.
    pub target_api_version: Option<Spanned<String>>,
    /// `spec.minReplicas` (Kubernetes' default is 1).
    pub min_replicas: Option<Spanned<i64>>,
    /// `spec.maxReplicas`.
    pub max_replicas: Option<Spanned<i64>>,
}

impl HorizontalPodAutoscaler {
    pub(super) fn read(object: NodeRef<'_>) -> HorizontalPodAutoscaler {
        let spec = read::mapping_at(object, "spec");
        let target = spec.and_then(|s| read::mapping_at(s, "scaleTargetRef"));
        HorizontalPodAutoscaler {
            target_kind: target.and_then(|t| read::string_at(t, "kind")),
            target_name: target.and_then(|t| read::string_at(t, "name")),
            target_api_version: target.and_then(|t| read::string_at(t, "apiVersion")),
            min_replicas: spec.and_then(|s| read::int_at(s, "minReplicas")),
            max_replicas: spec.and_then(|s| read::int_at(s, "maxReplicas")),
        }
    }
}

/// A PodDisruptionBudget.
#[derive(Clone, Debug, PartialEq)]
pub struct PodDisruptionBudget {
    /// `spec.selector`.
    pub selector: Option<LabelSelector>,
    /// `spec.minAvailable` as written (a number or a percentage).
    pub min_available: Option<Spanned<String>>,
    /// `spec.maxUnavailable` as written.
    pub max_unavailable: Option<Spanned<String>>,
}

impl PodDisruptionBudget {
    pub(super) fn read(object: NodeRef<'_>) -> PodDisruptionBudget {
        let spec = read::mapping_at(object, "spec");
        PodDisruptionBudget {
            selector: spec
                .and_then(|s| read::mapping_at(s, "selector"))
                .map(LabelSelector::read),
            min_available: spec.and_then(|s| read::string_at(s, "minAvailable")),
            max_unavailable: spec.and_then(|s| read::string_at(s, "maxUnavailable")),
        }
    }
}

/// What defines a Secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretProvider {
    /// A `v1 Secret`.
    Secret,
    /// An external-secrets.io `ExternalSecret` (the Secret is created by its operator).
    ExternalSecret,
    /// A bitnami.com `SealedSecret` (the Secret is created by its controller).
    SealedSecret,
}

/// A Secret, or an object that makes the cluster create one.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretDefinition {
    /// What defines it.
    pub provider: SecretProvider,
    /// The name of the resulting Secret (the object's name unless the provider names a
    /// different target).
    pub name: Option<Spanned<String>>,
    /// Keys visible in the manifest.
    pub keys: Vec<Spanned<String>>,
    /// Whether `keys` is the complete list (false when an ExternalSecret pulls whole
    /// remote objects with `dataFrom`, whose keys cannot be known).
    pub keys_complete: bool,
    /// `type` of a v1 Secret.
    pub secret_type: Option<Spanned<String>>,
}

impl SecretDefinition {
    pub(super) fn read(
        provider: SecretProvider,
        object: NodeRef<'_>,
        object_name: Option<Spanned<String>>,
    ) -> SecretDefinition {
        let keys_of = |node: Option<NodeRef<'_>>| -> Vec<Spanned<String>> {
            node.filter(|n| n.is_mapping())
                .map(|n| {
                    n.entries()
                        .into_iter()
                        .filter_map(|(key, _)| read::string(Some(key)))
                        .collect()
                })
                .unwrap_or_default()
        };
        match provider {
            SecretProvider::Secret => {
                let mut keys = keys_of(object.get("data"));
                keys.extend(keys_of(object.get("stringData")));
                SecretDefinition {
                    provider,
                    name: object_name,
                    keys,
                    keys_complete: true,
                    secret_type: read::string_at(object, "type"),
                }
            }
            SecretProvider::ExternalSecret => {
                let spec = read::mapping_at(object, "spec");
                let target = spec.and_then(|s| read::mapping_at(s, "target"));
                let mut keys: Vec<Spanned<String>> = spec
                    .map(|s| read::items_at(s, "data"))
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|entry| read::string(entry.get("secretKey")))
                    .collect();
                keys.extend(keys_of(
                    target.and_then(|t| t.get_path(&["template", "data"])),
                ));
                let pulls_unknown_keys = spec.is_some_and(|s| s.get("dataFrom").is_some())
                    || target.is_some_and(|t| t.get_path(&["template", "templateFrom"]).is_some());
                SecretDefinition {
                    provider,
                    name: target
                        .and_then(|t| read::string_at(t, "name"))
                        .or(object_name),
                    keys,
                    keys_complete: !pulls_unknown_keys,
                    secret_type: None,
                }
            }
            SecretProvider::SealedSecret => {
                let spec = read::mapping_at(object, "spec");
                let template = spec.and_then(|s| read::mapping_at(s, "template"));
                let mut keys = keys_of(spec.and_then(|s| s.get("encryptedData")));
                keys.extend(keys_of(template.and_then(|t| t.get("data"))));
                SecretDefinition {
                    provider,
                    name: template
                        .and_then(|t| t.get_path(&["metadata", "name"]))
                        .and_then(|n| read::string(Some(n)))
                        .or(object_name),
                    keys,
                    keys_complete: true,
                    secret_type: template.and_then(|t| read::string_at(t, "type")),
                }
            }
        }
    }
}

/// A ConfigMap's entries.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigMap {
    /// `data` entries with their values, then `binaryData` keys (value `None`).
    pub entries: Vec<ConfigMapEntry>,
}

/// One ConfigMap key.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigMapEntry {
    /// The key.
    pub key: Spanned<String>,
    /// The value (`None` for `binaryData`).
    pub value: Option<Spanned<String>>,
}

impl ConfigMap {
    pub(super) fn read(object: NodeRef<'_>) -> ConfigMap {
        let mut entries = Vec::new();
        if let Some(data) = read::mapping_at(object, "data") {
            for (key, value) in data.entries() {
                if let Some(key) = read::string(Some(key)) {
                    let value = read::string(Some(value))
                        .or_else(|| Some(Spanned::new(String::new(), value.span())));
                    entries.push(ConfigMapEntry { key, value });
                }
            }
        }
        if let Some(binary) = read::mapping_at(object, "binaryData") {
            for (key, _) in binary.entries() {
                if let Some(key) = read::string(Some(key)) {
                    entries.push(ConfigMapEntry { key, value: None });
                }
            }
        }
        ConfigMap { entries }
    }

    /// The value of `key` in `data`.
    pub fn get(&self, key: &str) -> Option<&Spanned<String>> {
        self.entries
            .iter()
            .find(|e| e.key.value == key)
            .and_then(|e| e.value.as_ref())
    }
}
