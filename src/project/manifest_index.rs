//! Lookups across every manifest of a run — Services and PodDisruptionBudgets by the
//! labels they select, autoscalers by the workload they target — so that a rule asking
//! "which Services select this pod template?" for every workload stays linear in the
//! number of objects instead of scanning all of them for each workload.
//!
//! The lookups return candidates, in project order: every object that could match and
//! possibly some that do not. Callers still apply the exact test (selector matching,
//! namespaces), so results are the same as a full scan's.

use std::collections::HashMap;

use crate::parse::kubernetes::{
    HorizontalPodAutoscaler, Labels, Object, ObjectBody, PodDisruptionBudget, Service,
};
use crate::source::SourceFile;

use super::{ParsedFile, Tree};

/// Where an object is: file index in the project, object index in the file.
type At = (usize, usize);

/// Indices over the objects of every manifest file of a project, built once on first use.
#[derive(Debug, Default)]
pub(crate) struct KubernetesIndex {
    /// Services with a selector, by their selector's first pair (a Service selects a pod
    /// only if the pod carries every pair, the first included).
    services_by_pair: HashMap<(String, String), Vec<At>>,
    /// PodDisruptionBudgets, by their selector's first `matchLabels` pair.
    pdbs_by_pair: HashMap<(String, String), Vec<At>>,
    /// PodDisruptionBudgets without `matchLabels` (only expressions, or none): they may
    /// select anything, so they are always candidates.
    pdbs_always: Vec<At>,
    /// Autoscalers by target (`scaleTargetRef.kind`, `scaleTargetRef.name`).
    autoscalers_by_target: HashMap<(String, String), Vec<At>>,
}

impl KubernetesIndex {
    /// Indexes the manifests among `files`.
    pub(crate) fn new(files: &[ParsedFile]) -> Self {
        let mut index = KubernetesIndex::default();
        for (file_index, file) in files.iter().enumerate() {
            let Tree::Kubernetes(manifests) = &file.tree else {
                continue;
            };
            for (object_index, object) in manifests.objects.iter().enumerate() {
                let at = (file_index, object_index);
                match &object.body {
                    ObjectBody::Service(service) => {
                        if let Some(first) = service.selector.as_ref().and_then(first_pair) {
                            index.services_by_pair.entry(first).or_default().push(at);
                        }
                    }
                    ObjectBody::PodDisruptionBudget(pdb) => {
                        match pdb.selector.as_ref().map(|s| first_pair(&s.match_labels)) {
                            Some(Some(first)) => {
                                index.pdbs_by_pair.entry(first).or_default().push(at);
                            }
                            // Without a selector a budget selects nothing; it is still a
                            // candidate, the caller's test decides.
                            _ => index.pdbs_always.push(at),
                        }
                    }
                    ObjectBody::HorizontalPodAutoscaler(hpa) => {
                        if let (Some(kind), Some(name)) = (&hpa.target_kind, &hpa.target_name) {
                            index
                                .autoscalers_by_target
                                .entry((kind.value.clone(), name.value.clone()))
                                .or_default()
                                .push(at);
                        }
                    }
                    _ => {}
                }
            }
        }
        index
    }
}

fn first_pair(labels: &Labels) -> Option<(String, String)> {
    labels
        .entries
        .first()
        .map(|label| (label.key.value.clone(), label.value.value.clone()))
}

/// The candidates under `labels`' pairs in `map`, plus `always`, in project order.
fn candidates(map: &HashMap<(String, String), Vec<At>>, always: &[At], labels: &Labels) -> Vec<At> {
    let mut found: Vec<At> = always.to_vec();
    let mut key = (String::new(), String::new());
    for label in &labels.entries {
        // The value a selector compares is the one `Labels::get` returns (the first entry
        // of a key); later duplicates of a key add nothing.
        let Some(value) = labels.get(&label.key.value) else {
            continue;
        };
        key.0.clone_from(&label.key.value);
        key.1.clone_from(&value.value);
        if let Some(list) = map.get(&key) {
            found.extend_from_slice(list);
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Resolves an index entry to its file and object.
fn resolve(files: &[ParsedFile], (file_index, object_index): At) -> Option<(&SourceFile, &Object)> {
    let file = files.get(file_index)?;
    let Tree::Kubernetes(manifests) = &file.tree else {
        return None;
    };
    Some((&file.source, manifests.objects.get(object_index)?))
}

impl super::Project {
    fn kubernetes_index(&self) -> &KubernetesIndex {
        self.kubernetes
            .get_or_init(|| KubernetesIndex::new(&self.files))
    }

    /// The Services that may select pods labelled `labels`, in project order: a superset
    /// of those whose selector selects them (apply `Labels::selects` to decide).
    pub fn services_selecting(
        &self,
        labels: &Labels,
    ) -> impl Iterator<Item = (&SourceFile, &Object, &Service)> {
        let index = self.kubernetes_index();
        candidates(&index.services_by_pair, &[], labels)
            .into_iter()
            .filter_map(|at| {
                let (file, object) = resolve(&self.files, at)?;
                match &object.body {
                    ObjectBody::Service(service) => Some((file, object, service)),
                    _ => None,
                }
            })
    }

    /// The PodDisruptionBudgets that may select pods labelled `labels`, in project
    /// order: a superset of those whose selector matches them.
    pub fn disruption_budgets_selecting(
        &self,
        labels: &Labels,
    ) -> impl Iterator<Item = (&SourceFile, &Object, &PodDisruptionBudget)> {
        let index = self.kubernetes_index();
        candidates(&index.pdbs_by_pair, &index.pdbs_always, labels)
            .into_iter()
            .filter_map(|at| {
                let (file, object) = resolve(&self.files, at)?;
                match &object.body {
                    ObjectBody::PodDisruptionBudget(pdb) => Some((file, object, pdb)),
                    _ => None,
                }
            })
    }

    /// The autoscalers whose `scaleTargetRef` names `kind`/`name`, in project order
    /// (namespaces not compared).
    pub fn autoscalers_targeting(
        &self,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = (&SourceFile, &Object, &HorizontalPodAutoscaler)> {
        let index = self.kubernetes_index();
        index
            .autoscalers_by_target
            .get(&(kind.to_string(), name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|&at| {
                let (file, object) = resolve(&self.files, at)?;
                match &object.body {
                    ObjectBody::HorizontalPodAutoscaler(hpa) => Some((file, object, hpa)),
                    _ => None,
                }
            })
    }
}
