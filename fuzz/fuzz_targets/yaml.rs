//! The YAML loader, its bounded walks, and the Kubernetes views over it.
#![no_main]

use deploylint::parse::{kubernetes, yaml};
use deploylint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = yaml::parse(&text);
    for error in &parsed.errors {
        check_span(&text, error.span, &error.message);
    }
    for index in 0..parsed.tree.documents.len() {
        if let Some(root) = parsed.tree.root(index) {
            parsed.tree.walk(root.id(), |node, _| {
                check_span(&text, node.span(), "node");
                true
            });
        }
    }
    let manifests = kubernetes::parse_manifests(&text);
    for error in &manifests.errors {
        check_span(&text, error.span, &error.message);
    }
    let _ = format!("{:?}", manifests.tree);
});
