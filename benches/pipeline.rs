//! The whole pipeline (parse, per-file rules, project rules, suppressions, sort):
//! `cargo bench --bench pipeline`.
//!
//! - `fixture_projects`: `lint_paths` on `fixtures/projects/` (walk, read, lint);
//! - `services`: `lint_sources` on N generated services held in memory (every kind the
//!   linter reads), to see that time grows linearly;
//! - `one_dockerfile`: the pre-commit case without process start-up;
//! - `relint_manifest_1000_lines`: an editor re-linting one edited 1,000-line manifest.

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};

use deploylint::{FileKind, Linter, Settings, SourceFile};
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// The generated files of `services` services that the linter reads, as sources.
fn sources(services: usize) -> Vec<SourceFile> {
    corpus::corpus(1, services, corpus::Kinds::ALL)
        .into_iter()
        .filter_map(|file| {
            let kind = FileKind::detect(Path::new(&file.path))?;
            Some(SourceFile::new(file.path, kind, file.text))
        })
        .collect()
}

#[divan::bench]
fn fixture_projects(bencher: Bencher) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects");
    let linter = Linter::new(Settings::default());
    bencher.bench(|| black_box(linter.lint_paths(std::slice::from_ref(&root))));
}

#[divan::bench(args = [10, 100, 1000], sample_count = 20)]
fn services(bencher: Bencher, services: usize) {
    let files = sources(services);
    let linter = Linter::new(Settings::default());
    bencher
        .counter(ItemsCount::new(files.len()))
        .with_inputs(|| files.clone())
        .bench_values(|files| black_box(linter.lint_sources(files)));
}

#[divan::bench]
fn one_dockerfile(bencher: Bencher) {
    let mut rng = corpus::Rng::new(3);
    let text = corpus::dockerfile(&mut rng, "orders", 8000, false);
    let linter = Linter::new(Settings::default());
    bencher
        .with_inputs(|| {
            vec![SourceFile::new(
                "Dockerfile",
                FileKind::Dockerfile,
                text.clone(),
            )]
        })
        .bench_values(|files| black_box(linter.lint_sources(files)));
}

#[divan::bench]
fn relint_manifest_1000_lines(bencher: Bencher) {
    let text = corpus::large_manifest(5, 1000);
    let linter = Linter::new(Settings::default());
    bencher
        .with_inputs(|| {
            // The edit: one value changed, as an editor sends the whole buffer.
            let edited = text.replacen("replicas: 3", "replicas: 4", 1);
            vec![SourceFile::new("k8s/services.yaml", FileKind::Yaml, edited)]
        })
        .bench_values(|files| black_box(linter.lint_sources(files)));
}
