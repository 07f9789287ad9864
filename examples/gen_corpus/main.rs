//! Writes a synthetic corpus of deployment files for benchmarks.
//!
//! ```text
//! cargo run --example gen_corpus -- OUT_DIR [--services N] [--seed S] [--kinds LIST]
//! ```
//!
//! Each service gets `services/<name>/` with the kinds asked for (`dockerfile` also
//! writes a `requirements.txt`, as real build contexts have one): `dockerfile`,
//! `dockerignore`, `gunicorn`, `settings`, `manifests`, `shell`, or `all` (the default).
//! The same seed always writes the same bytes. Prints how many files of each kind were
//! written.

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_corpus: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut out: Option<PathBuf> = None;
    let mut services = 100usize;
    let mut seed = 1u64;
    let mut kinds = corpus::Kinds::ALL;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--services" => {
                services = value("--services")?
                    .parse()
                    .map_err(|e| format!("--services: {e}"))?;
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--kinds" => kinds = corpus::Kinds::parse(&value("--kinds")?)?,
            "-h" | "--help" => {
                println!(
                    "usage: gen_corpus OUT_DIR [--services N] [--seed S] [--kinds dockerfile,dockerignore,gunicorn,settings,manifests,shell|all]"
                );
                return Ok(());
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => out = Some(PathBuf::from(other)),
        }
    }
    let out = out.ok_or("missing OUT_DIR")?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut bytes = 0usize;
    for index in 0..services {
        for file in corpus::service(seed, index, kinds) {
            let path = out.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, &file.text).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = file.path.rsplit('/').next().unwrap_or("").to_string();
            let label = if name.ends_with(".yaml") {
                "manifests (.yaml)".to_string()
            } else {
                name
            };
            *counts.entry(label).or_default() += 1;
            bytes += file.text.len();
        }
    }
    let total: usize = counts.values().sum();
    println!(
        "wrote {total} files ({bytes} bytes) under {}",
        out.display()
    );
    for (name, count) in counts {
        println!("  {count:>7} {name}");
    }
    Ok(())
}
