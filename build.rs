//! Reads `rules/**/*.md` (TOML front matter + Markdown docs) and generates the rule
//! registry's data: the `RuleCode` enum and the `RULES` metadata table.
//!
//! Validation happens here so that a malformed rule doc fails the build with a clear
//! message instead of surfacing at run time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    code: String,
    name: String,
    kind: String,
    category: String,
    severity: String,
    status: String,
    since: String,
    fix: String,
    #[serde(default)]
    options: BTreeMap<String, OptionSpec>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionSpec {
    #[serde(rename = "type")]
    ty: String,
    default: toml::Value,
    doc: String,
}

/// Which code prefix each kind directory holds.
const KINDS: &[(&str, &str)] = &[
    ("dockerfile", "DF"),
    ("dockerignore", "DI"),
    ("gunicorn", "GU"),
    ("settings", "PS"),
    ("app", "FA"),
    ("kubernetes", "K8S"),
    ("project", "XF"),
    ("systemd", "SD"),
    ("compose", "DC"),
];

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let mut docs = Vec::new();
    collect_docs(&root.join("rules"), &mut docs);
    let mut rules: Vec<(FrontMatter, String, String)> = docs
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let (front, body) = split_front_matter(&text)
                .unwrap_or_else(|| panic!("{}: missing `+++` TOML front matter", path.display()));
            let meta: FrontMatter = toml::from_str(front)
                .unwrap_or_else(|e| panic!("{}: bad front matter: {e}", path.display()));
            validate(&meta, path, &root, body);
            let rel = path
                .strip_prefix(&root)
                .expect("doc under root")
                .to_string_lossy()
                .replace('\\', "/");
            (meta, body.to_string(), rel)
        })
        .collect();
    rules.sort_by_key(|rule| code_order(&rule.0.code));
    for pair in rules.windows(2) {
        assert!(
            pair[0].0.code != pair[1].0.code,
            "rule code {} is documented twice",
            pair[0].0.code
        );
        assert!(
            pair[0].0.name != pair[1].0.name,
            "rule name {} is used twice",
            pair[0].0.name
        );
    }

    let mut out = String::new();
    out.push_str("/// Every rule's code. The discriminant is the rule's index in [`RULES`].\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    out.push_str("#[non_exhaustive]\n#[repr(u16)]\npub enum RuleCode {\n");
    for (meta, _, rel) in &rules {
        let _ = writeln!(out, "    /// `{}`, documented in `{rel}`.", meta.name);
        let _ = writeln!(out, "    {},", meta.code);
    }
    out.push_str("}\n\n");
    out.push_str("/// Metadata of every rule, sorted by code.\n");
    out.push_str("pub static RULES: &[RuleMeta] = &[\n");
    for (meta, body, rel) in &rules {
        let summary = summary_of(body);
        let options: String = meta
            .options
            .iter()
            .map(|(name, spec)| {
                format!(
                    "RuleOption {{ name: {name:?}, ty: {:?}, default: {:?}, doc: {:?} }}, ",
                    spec.ty,
                    spec.default.to_string(),
                    spec.doc
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "    RuleMeta {{ code: RuleCode::{code}, name: {name:?}, kind: {kind:?}, \
             category: Category::{category}, severity: Severity::{severity}, \
             status: RuleStatus::{status}, since: {since:?}, fix: FixAvailability::{fix}, \
             summary: {summary:?}, doc_path: {rel:?}, \
             docs: {body:?}, \
             options: &[{options}] }},",
            code = meta.code,
            name = meta.name,
            kind = meta.kind,
            category = camel(&meta.category),
            severity = camel(&meta.severity),
            status = camel(&meta.status),
            since = meta.since,
            fix = camel(&meta.fix),
            body = body.trim_start(),
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// The text of every code, indexed like [`RULES`].\n");
    out.push_str("static CODE_TEXT: &[&str] = &[");
    for (meta, _, _) in &rules {
        let _ = write!(out, "{:?}, ", meta.code);
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this")).join("rules.rs");
    std::fs::write(dest, out).expect("write generated registry");
}

fn collect_docs(dir: &Path, docs: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_docs(&path, docs);
        } else if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_some_and(|n| n != "README.md")
        {
            docs.push(path);
        }
    }
}

fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("+++\n")?;
    let end = rest.find("\n+++\n")?;
    Some((&rest[..end], &rest[end + 5..]))
}

/// The first paragraph after the `# name (CODE)` heading, joined into one line.
fn summary_of(body: &str) -> String {
    body.lines()
        .skip_while(|l| !l.starts_with("# "))
        .skip(1)
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ")
}

fn validate(meta: &FrontMatter, path: &Path, root: &Path, body: &str) {
    let fail = |msg: String| -> ! { panic!("{}: {msg}", path.display()) };
    let Some(&(_, prefix)) = KINDS.iter().find(|(kind, _)| *kind == meta.kind) else {
        fail(format!("unknown kind {:?}", meta.kind))
    };
    let digits = meta.code.strip_prefix(prefix).unwrap_or("");
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        fail(format!(
            "code {:?} must be {prefix} and three digits",
            meta.code
        ));
    }
    if meta.name.is_empty()
        || !meta
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        fail(format!("name {:?} must be kebab-case", meta.name));
    }
    let expected = root
        .join("rules")
        .join(&meta.kind)
        .join(format!("{}-{}.md", meta.code, meta.name));
    if path != expected {
        fail(format!("must live at {}", expected.display()));
    }
    for (field, value, allowed) in [
        (
            "category",
            &meta.category,
            &[
                "correctness",
                "security",
                "reliability",
                "performance",
                "style",
            ][..],
        ),
        (
            "severity",
            &meta.severity,
            &["error", "warning", "info"][..],
        ),
        (
            "status",
            &meta.status,
            &["preview", "stable", "deprecated", "removed"][..],
        ),
        ("fix", &meta.fix, &["none", "sometimes", "always"][..]),
    ] {
        if !allowed.contains(&value.as_str()) {
            fail(format!("{field} {value:?} is not one of {allowed:?}"));
        }
    }
    let heading = format!("# {} ({})", meta.name, meta.code);
    if !body.trim_start().starts_with(&heading) {
        fail(format!("body must start with `{heading}`"));
    }
}

/// Sort key: kind order of [`KINDS`], then the number.
fn code_order(code: &str) -> (usize, String) {
    let kind = KINDS
        .iter()
        .position(|(_, prefix)| {
            code.starts_with(prefix) && code[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
        })
        .unwrap_or(usize::MAX);
    (kind, code.to_string())
}

fn camel(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
