//! The Dockerfile parser and the model built on it (stages, start command, shell).
#![no_main]

use deploylint::parse::dockerfile;
use deploylint::project::DockerfileModel;
use deploylint_fuzz::check_span;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = dockerfile::parse(&text);
    for error in &parsed.errors {
        check_span(&text, error.span, &error.message);
    }
    let model = DockerfileModel::new(parsed.tree);
    let _ = format!("{model:?}");
});
