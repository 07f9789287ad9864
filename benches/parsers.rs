//! Parser throughput in bytes per second, on generated corpora (`examples/gen_corpus`):
//! `cargo bench --bench parsers`.

#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use corpus::{Kinds, Rng};
use deploylint::parse;
use deploylint::span::MappedText;
use divan::counter::BytesCount;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// How many services the corpus of each bench has (each contributes one file).
const SERVICES: usize = 200;

/// The texts of one kind of file, from the corpus with seed 1.
fn texts(kinds: Kinds) -> Vec<String> {
    corpus::corpus(1, SERVICES, kinds)
        .into_iter()
        .filter(|f| !f.path.ends_with("requirements.txt"))
        .map(|f| f.text)
        .collect()
}

fn total_bytes(texts: &[String]) -> BytesCount {
    BytesCount::new(texts.iter().map(String::len).sum::<usize>())
}

#[divan::bench]
fn dockerfile(bencher: Bencher) {
    let texts = texts(Kinds {
        dockerfile: true,
        ..Kinds::NONE
    });
    bencher.counter(total_bytes(&texts)).bench(|| {
        for text in &texts {
            black_box(parse::dockerfile::parse(black_box(text)));
        }
    });
}

#[divan::bench]
fn dockerignore(bencher: Bencher) {
    let texts = texts(Kinds {
        dockerignore: true,
        ..Kinds::NONE
    });
    bencher.counter(total_bytes(&texts)).bench(|| {
        for text in &texts {
            black_box(parse::dockerignore::parse(black_box(text)));
        }
    });
}

#[divan::bench]
fn shell(bencher: Bencher) {
    let mut rng = Rng::new(7);
    let texts: Vec<String> = (0..SERVICES)
        .map(|_| corpus::entrypoint_script(&mut rng, 8000))
        .collect();
    bencher.counter(total_bytes(&texts)).bench(|| {
        for text in &texts {
            black_box(parse::shell::parse(&MappedText::contiguous(
                black_box(text),
                0,
            )));
        }
    });
}

#[divan::bench]
fn yaml(bencher: Bencher) {
    let texts = texts(Kinds {
        manifests: true,
        ..Kinds::NONE
    });
    bencher.counter(total_bytes(&texts)).bench(|| {
        for text in &texts {
            black_box(parse::yaml::parse(black_box(text)));
        }
    });
}

#[divan::bench]
fn kubernetes(bencher: Bencher) {
    let texts = texts(Kinds {
        manifests: true,
        ..Kinds::NONE
    });
    bencher.counter(total_bytes(&texts)).bench(|| {
        for text in &texts {
            black_box(parse::kubernetes::parse_manifests(black_box(text)));
        }
    });
}
