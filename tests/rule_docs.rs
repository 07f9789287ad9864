//! Rule docs are tests: the code blocks of a doc's `## Example` section, linted together
//! with only that rule enabled, give exactly one diagnostic; those of `## Use instead`
//! give none.
//!
//! A block's info string is `<lang>[,expect_diagnostic][,name=<path>]`; the language
//! decides the default file name (`dockerfile` → `Dockerfile`, `dockerignore` →
//! `.dockerignore`, `sh` → `entrypoint.sh`, `yaml` → `k8s/manifest.yaml`). Blocks in other languages (`toml`, `text`)
//! are not linted.

use deploylint::engine::RuleSet;
use deploylint::{FileKind, Linter, RULES, Settings, SourceFile};

struct Block {
    section: String,
    name: String,
    text: String,
}

fn default_name(lang: &str) -> Option<&'static str> {
    match lang {
        "dockerfile" => Some("Dockerfile"),
        "dockerignore" => Some(".dockerignore"),
        "sh" => Some("entrypoint.sh"),
        "yaml" => Some("k8s/manifest.yaml"),
        "python" => Some("app/main.py"),
        "ini" | "systemd" => Some("app.service"),
        _ => None,
    }
}

fn blocks(docs: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut section = String::new();
    let mut lines = docs.lines();
    while let Some(line) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_string();
            continue;
        }
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut parts = info.split(',').map(str::trim);
        let lang = parts.next().unwrap_or("");
        let mut name = default_name(lang).map(str::to_string);
        for part in parts {
            if let Some(given) = part.strip_prefix("name=") {
                name = Some(given.to_string());
            }
        }
        let mut text = String::new();
        for body in lines.by_ref() {
            if body.starts_with("```") {
                break;
            }
            text.push_str(body);
            text.push('\n');
        }
        if let Some(name) = name {
            blocks.push(Block {
                section: section.clone(),
                name,
                text,
            });
        }
    }
    blocks
}

#[test]
fn examples_fire_once_and_fixes_stay_silent() {
    let mut failures = Vec::new();
    for meta in RULES {
        let linter = Linter::new(Settings::with_rules(RuleSet::only(meta.code)));
        let all = blocks(meta.docs);
        for (section, expected) in [("Example", 1), ("Use instead", 0)] {
            let sources: Vec<SourceFile> = all
                .iter()
                .filter(|b| b.section == section)
                .filter_map(|b| {
                    let kind = FileKind::detect(std::path::Path::new(&b.name))?;
                    Some(SourceFile::new(&b.name, kind, b.text.clone()))
                })
                .collect();
            if sources.is_empty() {
                failures.push(format!(
                    "{}: `## {section}` has no lintable code block",
                    meta.code
                ));
                continue;
            }
            let report = linter.lint_sources(sources);
            if report.diagnostics.len() != expected {
                failures.push(format!(
                    "{}: `## {section}` gave {} diagnostics, expected {expected}: {:?}",
                    meta.code,
                    report.diagnostics.len(),
                    report
                        .diagnostics
                        .iter()
                        .map(|d| &d.message)
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
