//! K8S009: see rules/kubernetes/K8S009-dangling-secret-ref.md
//!
//! A project rule: references and definitions usually live in different files. Only
//! names and keys are compared; no value is ever read.

use std::collections::HashMap;

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::YamlFileKind;
use crate::parse::kubernetes::{
    EnvValueSource, Manifests, Object, ObjectBody, RefKind, VolumeSource,
};
use crate::project::{Project, Tree};
use crate::source::SourceFile;
use crate::span::Spanned;

use super::helpers::{container_label, same_namespace, workloads};

/// A reference to a Secret or ConfigMap (or one of its keys) that nothing defines.
struct DanglingSecretRef {
    kind: RefKind,
    name: String,
    /// The missing key, when the object exists but lacks it.
    key: Option<String>,
    /// `container `api` of Deployment/api` or `volume `certs` of Deployment/api`.
    site: String,
    /// Whether the reference is a volume (the pod hangs in ContainerCreating) rather
    /// than env (CreateContainerConfigError).
    volume: bool,
}

fn kind_name(kind: RefKind) -> &'static str {
    match kind {
        RefKind::Secret => "Secret",
        RefKind::ConfigMap => "ConfigMap",
    }
}

impl Violation for DanglingSecretRef {
    const CODE: RuleCode = RuleCode::K8S009;

    fn message(&self) -> String {
        let failure = if self.volume {
            "the pod stays in ContainerCreating because the volume cannot be mounted"
        } else {
            "the container never starts (CreateContainerConfigError)"
        };
        let kind = kind_name(self.kind);
        match &self.key {
            None => format!(
                "{kind} `{}` used by {} is defined nowhere in the scanned manifests: unless it \
                 is created some other way, {failure}",
                self.name, self.site
            ),
            Some(key) => format!(
                "{kind} `{}` has no key `{key}`, which {} reads: {failure}",
                self.name, self.site
            ),
        }
    }

    fn help(&self) -> Option<String> {
        let providers = match self.kind {
            RefKind::Secret => "a Secret, ExternalSecret or SealedSecret",
            RefKind::ConfigMap => "a ConfigMap",
        };
        Some(match &self.key {
            None => format!(
                "define {providers} named `{}` in the same namespace, fix the name, or mark the \
                 reference `optional: true` if the app copes without it",
                self.name
            ),
            Some(key) => format!(
                "add `{key}` to the {} (or fix the key name), or mark the reference \
                 `optional: true` if the app copes without it",
                kind_name(self.kind)
            ),
        })
    }
}

/// Something that makes a Secret or ConfigMap exist.
struct Definition<'p> {
    kind: RefKind,
    name: Spanned<String>,
    object: &'p Object,
    file: &'p SourceFile,
    keys: Vec<&'p str>,
    /// Whether `keys` lists every key (an ExternalSecret with `dataFrom` does not).
    keys_complete: bool,
}

/// The Secrets and ConfigMaps the scanned manifests define: Secrets, ExternalSecrets,
/// SealedSecrets, ConfigMaps, and the TLS Secret of a cert-manager `Certificate`.
fn definitions(project: &Project) -> Vec<Definition<'_>> {
    let mut found = Vec::new();
    for (file, manifests) in project.manifests() {
        for object in &manifests.objects {
            match &object.body {
                ObjectBody::Secret(secret) => {
                    if let Some(name) = &secret.name {
                        found.push(Definition {
                            kind: RefKind::Secret,
                            name: name.clone(),
                            object,
                            file,
                            keys: secret.keys.iter().map(|k| k.as_str()).collect(),
                            keys_complete: secret.keys_complete,
                        });
                    }
                }
                ObjectBody::ConfigMap(config) => {
                    if let Some(name) = &object.name {
                        found.push(Definition {
                            kind: RefKind::ConfigMap,
                            name: name.clone(),
                            object,
                            file,
                            keys: config.entries.iter().map(|e| e.key.as_str()).collect(),
                            keys_complete: true,
                        });
                    }
                }
                ObjectBody::Other => {
                    if let Some(name) = certificate_secret_name(manifests, object) {
                        found.push(Definition {
                            kind: RefKind::Secret,
                            name,
                            object,
                            file,
                            keys: Vec::new(),
                            keys_complete: false,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// `spec.secretName` of a cert-manager `Certificate`: the Secret its controller writes.
fn certificate_secret_name(manifests: &Manifests, object: &Object) -> Option<Spanned<String>> {
    if object.kind.value != "Certificate"
        || !object.api_version.value.starts_with("cert-manager.io/")
    {
        return None;
    }
    let node = manifests
        .yaml
        .node(object.node)
        .get_path(&["spec", "secretName"])?;
    let name = node.as_str().filter(|name| !name.is_empty())?;
    Some(Spanned::new(name.to_string(), node.span()))
}

/// One reference to check.
struct Reference<'m> {
    kind: RefKind,
    name: &'m Spanned<String>,
    keys: Vec<&'m Spanned<String>>,
    site: String,
    volume: bool,
}

/// Every non-optional reference of a manifest's workloads.
fn references(manifests: &Manifests) -> Vec<(&Object, Reference<'_>)> {
    let mut found = Vec::new();
    for workload in workloads(&manifests.objects) {
        let object = workload.object;
        let owner = workload.display_name();
        for container in workload.pod.all_containers() {
            let site = format!("container {} of {owner}", container_label(container));
            for env in &container.env {
                let (kind, key_ref) = match &env.value_from {
                    Some(EnvValueSource::SecretKey(r)) => (RefKind::Secret, r),
                    Some(EnvValueSource::ConfigMapKey(r)) => (RefKind::ConfigMap, r),
                    _ => continue,
                };
                let Some(name) = key_ref.name.as_ref().filter(|_| !key_ref.optional) else {
                    continue;
                };
                found.push((
                    object,
                    Reference {
                        kind,
                        name,
                        keys: key_ref.key.iter().collect(),
                        site: site.clone(),
                        volume: false,
                    },
                ));
            }
            for source in &container.env_from {
                let Some(name) = source.name.as_ref().filter(|_| !source.optional) else {
                    continue;
                };
                found.push((
                    object,
                    Reference {
                        kind: source.kind,
                        name,
                        keys: Vec::new(),
                        site: site.clone(),
                        volume: false,
                    },
                ));
            }
        }
        for volume in &workload.pod.volumes {
            let VolumeSource::Objects(refs) = &volume.source else {
                continue;
            };
            let site = match &volume.name {
                Some(name) => format!("volume `{}` of {owner}", name.value),
                None => format!("a volume of {owner}"),
            };
            for volume_ref in refs {
                let Some(name) = volume_ref.name.as_ref().filter(|_| !volume_ref.optional) else {
                    continue;
                };
                found.push((
                    object,
                    Reference {
                        kind: volume_ref.kind,
                        name,
                        keys: volume_ref.keys.iter().collect(),
                        site: site.clone(),
                        volume: true,
                    },
                ));
            }
        }
    }
    found
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    // Kustomize generators and Helm templates define Secrets and ConfigMaps this linter
    // does not render: with either in the scanned set, a missing definition proves nothing.
    if project.files().iter().any(|f| {
        matches!(
            f.tree,
            Tree::OtherYaml(YamlFileKind::Kustomization | YamlFileKind::HelmTemplate)
        )
    }) {
        return;
    }
    let definitions = definitions(project);
    // Definitions by kind and name, in project order, so each reference is one lookup.
    let mut by_name: HashMap<(RefKind, &str), Vec<&Definition<'_>>> = HashMap::new();
    for definition in &definitions {
        by_name
            .entry((definition.kind, definition.name.value.as_str()))
            .or_default()
            .push(definition);
    }
    let any_of = |kind: RefKind| definitions.iter().any(|d| d.kind == kind);
    let (any_secret, any_config_map) = (any_of(RefKind::Secret), any_of(RefKind::ConfigMap));
    for (file, manifests) in project.manifests() {
        for (object, reference) in references(manifests) {
            let checked = match reference.kind {
                RefKind::Secret => any_secret,
                RefKind::ConfigMap => any_config_map,
            };
            if !checked || reference.name.value.contains(['$', '{']) {
                continue;
            }
            let candidates: Vec<&Definition<'_>> = by_name
                .get(&(reference.kind, reference.name.value.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .copied()
                .filter(|d| same_namespace(d.object, object))
                .collect();
            let violation = |key: Option<&str>| DanglingSecretRef {
                kind: reference.kind,
                name: reference.name.value.clone(),
                key: key.map(str::to_string),
                site: reference.site.clone(),
                volume: reference.volume,
            };
            let Some(first) = candidates.first() else {
                cx.report_in(file, violation(None), reference.name.span);
                continue;
            };
            if candidates.iter().any(|d| !d.keys_complete) {
                continue;
            }
            for key in &reference.keys {
                let defined = candidates
                    .iter()
                    .any(|d| d.keys.contains(&key.value.as_str()));
                if defined {
                    continue;
                }
                cx.report_in(file, violation(Some(&key.value)), key.span)
                    .label(
                        first.file,
                        first.name.span,
                        format!("`{}` is defined here without that key", first.name.value),
                    );
            }
        }
    }
}
