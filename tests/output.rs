//! Every output format on one hand-built report: exact text, UTF-16 columns for SARIF,
//! escaping, and redaction of secret values in every format.

use std::path::Path;

use deploylint::output::{self, Format, RenderOptions};
use deploylint::span::Span;
use deploylint::{
    Diagnostic, FileKind, Label, LintReport, Location, RuleCode, Severity, SourceFile,
};

const SECRET: &str = "supersecretvalue123";
const DOCKERFILE: &str =
    "FROM python:3.12-slim\nENV API_TOKEN=supersecretvalue123 MODE=prod\nCOPY . .\n";
const IGNORE: &str = "é😀x, y\n";

/// A report with a secret-bearing finding (with a label) in a Dockerfile, and a finding
/// after astral characters in a `.dockerignore`, built by hand so that no rule's wording
/// is involved.
fn report() -> LintReport {
    let dockerfile = SourceFile::new("svc/Dockerfile", FileKind::Dockerfile, DOCKERFILE);
    let ignore = SourceFile::new("svc/.dockerignore", FileKind::DockerIgnore, IGNORE);
    let value = Span::new(36, 55);
    assert_eq!(dockerfile.slice(value), SECRET);
    let secret = Diagnostic {
        code: RuleCode::DI002,
        severity: Severity::Error,
        message: format!("the token `{SECRET}` is baked into the image: 50%, \"quoted\" <xml>"),
        location: Location::new(&dockerfile, Span::new(26, 55)),
        labels: vec![Label {
            location: Location::new(&dockerfile, Span::new(66, 74)),
            message: format!("copied with {SECRET}"),
        }],
        help: Some(format!("remove {SECRET}\nand rotate it")),
        redact: vec![Location::new(&dockerfile, value)],
    };
    let astral = Diagnostic {
        code: RuleCode::DI000,
        severity: Severity::Info,
        message: "line one\nline two: a, b".to_string(),
        location: Location::new(&ignore, Span::new(6, 7)),
        labels: Vec::new(),
        help: None,
        redact: Vec::new(),
    };
    let mut report = LintReport::default();
    report.diagnostics = vec![astral, secret];
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.files = vec![dockerfile, ignore];
    report
}

fn render(format: Format) -> String {
    let text = output::render(&report(), format, RenderOptions::default());
    assert!(
        !text.contains(SECRET),
        "{format:?} leaks the secret:\n{text}"
    );
    text
}

#[test]
fn concise() {
    assert_eq!(
        render(Format::Concise),
        "svc/.dockerignore:1:3: DI000 line one\nline two: a, b [info]\n\
         svc/Dockerfile:2:5: DI002 the token `****` is baked into the image: 50%, \"quoted\" <xml> [error]\n"
    );
}

#[test]
fn github() {
    assert_eq!(
        render(Format::Github),
        "::notice file=svc/.dockerignore,line=1,col=3,endLine=1,endColumn=4,title=DI000 dockerignore-syntax::line one%0Aline two: a, b\n\
         ::error file=svc/Dockerfile,line=2,col=5,endLine=2,endColumn=34,title=DI002 secrets-in-context::the token `****` is baked into the image: 50%25, \"quoted\" <xml>\n"
    );
}

#[test]
fn gitlab() {
    let text = render(Format::Gitlab);
    let issues: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let issues = issues.as_array().expect("an array");
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[1]["check_name"], "DI002");
    assert_eq!(issues[1]["severity"], "major");
    assert_eq!(issues[0]["severity"], "info");
    assert_eq!(
        issues[1]["description"],
        "DI002 (secrets-in-context): the token `****` is baked into the image: 50%, \"quoted\" <xml>"
    );
    assert_eq!(issues[1]["location"]["path"], "svc/Dockerfile");
    assert_eq!(issues[1]["location"]["lines"]["begin"], 2);
    assert_eq!(issues[1]["location"]["lines"]["end"], 2);
    let fingerprint = issues[1]["fingerprint"].as_str().expect("a string");
    assert_eq!(fingerprint.len(), 16);
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);
}

#[test]
fn checkstyle() {
    assert_eq!(
        render(Format::Checkstyle),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n  \
         <file name=\"svc/.dockerignore\">\n    \
         <error line=\"1\" column=\"3\" severity=\"info\" message=\"DI000 (dockerignore-syntax): line one&#10;line two: a, b\" source=\"deploylint.DI000\"/>\n  \
         </file>\n  <file name=\"svc/Dockerfile\">\n    \
         <error line=\"2\" column=\"5\" severity=\"error\" message=\"DI002 (secrets-in-context): the token `****` is baked into the image: 50%, &quot;quoted&quot; &lt;xml&gt;\" source=\"deploylint.DI002\"/>\n  \
         </file>\n</checkstyle>\n"
    );
}

#[test]
fn json_carries_fingerprints_and_no_secret() {
    let document: serde_json::Value = serde_json::from_str(&render(Format::Json)).expect("JSON");
    let secret = &document["diagnostics"][1];
    assert_eq!(
        secret["message"],
        "the token `****` is baked into the image: 50%, \"quoted\" <xml>"
    );
    assert_eq!(secret["help"], "remove ****\nand rotate it");
    assert_eq!(secret["labels"][0]["message"], "copied with ****");
    assert_eq!(secret["fingerprint"].as_str().map(str::len), Some(16));
}

#[test]
fn sarif_results_use_utf16_columns_and_related_locations() {
    let log: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(run["tool"]["driver"]["name"], "deploylint");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), deploylint::RULES.len());
    let astral = &run["results"][0];
    assert_eq!(astral["ruleId"], "DI000");
    assert_eq!(astral["level"], "note");
    assert_eq!(
        rules[astral["ruleIndex"].as_u64().expect("index") as usize]["id"],
        "DI000"
    );
    // "é😀x": é is one UTF-16 unit, 😀 two, so x starts at column 4.
    assert_eq!(
        astral["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 4, "endLine": 1, "endColumn": 5})
    );
    let secret = &run["results"][1];
    assert_eq!(secret["level"], "error");
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "svc/Dockerfile"
    );
    assert_eq!(
        secret["relatedLocations"][0],
        serde_json::json!({
            "id": 0,
            "message": {"text": "copied with ****"},
            "physicalLocation": {
                "artifactLocation": {"uri": "svc/Dockerfile"},
                "region": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 9}
            }
        })
    );
    let rule = &rules[secret["ruleIndex"].as_u64().expect("index") as usize];
    assert_eq!(rule["id"], "DI002");
    assert_eq!(rule["name"], "secrets-in-context");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .is_some_and(|m| m.starts_with("# secrets-in-context (DI002)"))
    );
}

#[cfg(feature = "cli")]
#[test]
fn human_masks_the_secret_in_the_snippet() {
    let text = render(Format::Human);
    assert!(
        text.contains("2 │ ENV API_TOKEN=******************* MODE=prod"),
        "{text}"
    );
    assert!(text.contains("help: remove ****"), "{text}");
}

#[test]
fn statistics_count_per_rule() {
    let mut report = report();
    let extra = report.diagnostics[1].clone();
    report.diagnostics.push(extra);
    assert_eq!(
        output::render_statistics(&report, Format::Concise),
        "2  DI002  secrets-in-context\n1  DI000  dockerignore-syntax\n"
    );
    assert_eq!(
        output::render_statistics(&report, Format::Json),
        "[\n  {\n    \"code\": \"DI002\",\n    \"name\": \"secrets-in-context\",\n    \"count\": 2\n  },\n  {\n    \"code\": \"DI000\",\n    \"name\": \"dockerignore-syntax\",\n    \"count\": 1\n  }\n]\n"
    );
}

#[test]
fn fingerprints_survive_lines_added_above_and_tell_twins_apart() {
    let lint = |text: &str| {
        let file = SourceFile::new("Dockerfile", FileKind::Dockerfile, text);
        let rules = deploylint::engine::RuleSet::only(deploylint::RuleCode::DF000);
        let report = deploylint::Linter::new(deploylint::Settings::with_rules(rules))
            .lint_sources(vec![file]);
        deploylint::output::fingerprint::fingerprints(&report)
    };
    let before = lint("FROM python:3.12-slim\nRUNN a\nRUNN a\n");
    let after = lint("FROM python:3.12-slim\nWORKDIR /app\n\nRUNN a\nRUNN a\n");
    assert_eq!(before.len(), 2);
    assert_ne!(before[0], before[1], "identical lines get their rank");
    assert_eq!(before, after);
    assert_eq!(
        deploylint::output::fingerprint::display_path(Path::new("./svc/./Dockerfile")),
        "svc/Dockerfile"
    );
}
