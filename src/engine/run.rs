//! One lint run: parse every file once, run the enabled rules, collect and sort.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use super::{Check, Context, RuleCode, RuleSet};
use crate::config::{RuleOptions, Settings};
use crate::diagnostic::{Diagnostic, Location, sort_and_dedup};
use crate::parse::kubernetes::{YamlFileKind, classify};
use crate::project::{ParsedFile, Project, PythonRole, Tree};
use crate::rules::CHECKS;
use crate::source::{DecodeIssue, FileKind, SourceFile};
use crate::span::Span;
use crate::suppress::{self, Date};

/// A file to lint, with any problem met while decoding it.
#[derive(Debug)]
pub struct Input {
    /// The decoded file.
    pub source: SourceFile,
    /// What went wrong while decoding, if anything.
    pub decode_issue: Option<DecodeIssue>,
}

/// Runs every enabled rule over `inputs`, then applies `per-file-ignores` and inline
/// suppressions (reporting unused, invalid and expired ones), then severity overrides,
/// and sorts; returns the diagnostics and the parsed files. `today` decides which
/// suppressions have expired.
pub fn run(
    inputs: Vec<Input>,
    inventory: BTreeSet<PathBuf>,
    settings: &Settings,
    today: Date,
) -> (Vec<Diagnostic>, Vec<ParsedFile>) {
    let rules = &settings.rules;
    let options = &settings.rule_options;
    let per_file = map_parallel(inputs, |input| lint_one_file(input, rules, options, CHECKS));
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(per_file.len());
    for (parsed, found) in per_file {
        diagnostics.extend(found);
        files.push(parsed);
    }
    let project = Project::new(files, inventory).with_facts(settings.facts.clone());
    diagnostics.extend(late_syntax_errors(&project, rules));
    diagnostics.extend(run_project_rules(&project, rules, options, CHECKS));
    let files = project.into_files();
    let mut diagnostics = suppress::apply(diagnostics, &files, settings, today);
    for diagnostic in &mut diagnostics {
        if let Some(severity) = settings.severity.get(diagnostic.code) {
            diagnostic.severity = severity;
        }
    }
    sort_and_dedup(&mut diagnostics);
    (diagnostics, files)
}

/// Parses one file and runs its kind's per-file rules. The parse and each rule run
/// behind their own panic net, so a bug never ends the run nor hides the findings of the
/// other rules: it becomes an internal-error diagnostic naming the file and the rule.
fn lint_one_file(
    input: Input,
    rules: &RuleSet,
    options: &RuleOptions,
    checks: &[(RuleCode, Check)],
) -> (ParsedFile, Vec<Diagnostic>) {
    let Input {
        source,
        decode_issue,
    } = input;
    let kind = source.kind();
    let backup = source.clone();
    let (mut parsed, parse_panic) =
        match catch_unwind(AssertUnwindSafe(move || ParsedFile::parse(source))) {
            Ok(parsed) => (parsed, None),
            Err(panic) => {
                let parsed = ParsedFile {
                    tree: empty_tree(kind),
                    source: backup,
                    errors: Vec::new(),
                    note: None,
                    late_parsed: false,
                };
                (
                    parsed,
                    Some(format!("the parser failed: {}", panic_message(&panic))),
                )
            }
        };
    let mut diagnostics = Vec::new();
    let mut failures: Vec<String> = parse_panic.into_iter().collect();
    let file_syntax_code = if failures.is_empty() {
        syntax_code_of(&parsed)
    } else {
        syntax_code_of_source(&parsed.source)
    };
    match file_syntax_code {
        Some(code) if rules.contains(code) => {
            let source = &parsed.source;
            if let Some(issue) = &decode_issue {
                diagnostics.push(syntax_diagnostic(
                    source,
                    code,
                    replacement_span(source, issue.offset()),
                    issue.message(),
                ));
            }
            for error in &parsed.errors {
                diagnostics.push(syntax_diagnostic(
                    source,
                    code,
                    error.span,
                    error.message.clone(),
                ));
            }
        }
        Some(_) => {}
        None => {
            // A kind with no syntax code (shell scripts) says so in a note.
            if let Some(issue) = &decode_issue {
                let at = parsed.source.line_col(issue.offset());
                let message = format!(
                    "{} (line {}, column {})",
                    issue.message(),
                    at.line,
                    at.column
                );
                add_note(&mut parsed, message);
            }
        }
    }
    for (code, check) in checks {
        if !rules.contains(*code) {
            continue;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut cx = Context::for_file(&parsed.source).with_options(options);
            match (check, &parsed.tree) {
                (Check::Dockerfile(check), Tree::Dockerfile(model)) => check(model, &mut cx),
                (Check::DockerIgnore(check), Tree::DockerIgnore(ignore)) => check(ignore, &mut cx),
                (Check::Kubernetes(check), Tree::Kubernetes(manifests)) => {
                    check(manifests, &mut cx)
                }
                (Check::Systemd(check), Tree::Systemd(unit)) => check(unit, &mut cx),
                (Check::Compose(check), Tree::Compose(compose)) => check(compose, &mut cx),
                (Check::Python(check), Tree::Python(file)) if file.module.is_some() => {
                    check(file, &mut cx)
                }
                _ => {}
            }
            cx.into_diagnostics()
        }));
        match outcome {
            Ok(found) => diagnostics.extend(found),
            Err(panic) => failures.push(format!(
                "rule {code} ({}) failed: {}",
                code.meta().name,
                panic_message(&panic)
            )),
        }
    }
    for failure in failures {
        match file_syntax_code {
            Some(code) => diagnostics.push(internal_error(&parsed.source, code, &failure)),
            None => add_note(&mut parsed, internal_error_message(&failure)),
        }
    }
    (parsed, diagnostics)
}

/// The span of the replacement character at `offset` (empty past the end of the text).
fn replacement_span(source: &SourceFile, offset: u32) -> Span {
    let len = source
        .text()
        .get(offset as usize..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(offset, offset.saturating_add(len as u32))
}

/// Adds `message` to the file's note (joined with `; ` when it already has one).
fn add_note(parsed: &mut ParsedFile, message: String) {
    parsed.note = Some(match parsed.note.take() {
        Some(note) => format!("{note}; {message}"),
        None => message,
    });
}

/// The syntax errors of files the project parsed after the per-file pass (Python modules
/// reached through project imports).
fn late_syntax_errors(project: &Project, rules: &RuleSet) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for parsed in project.files().iter().filter(|f| f.late_parsed) {
        let Some(code) = syntax_code_of(parsed).filter(|code| rules.contains(*code)) else {
            continue;
        };
        for error in &parsed.errors {
            diagnostics.push(syntax_diagnostic(
                &parsed.source,
                code,
                error.span,
                error.message.clone(),
            ));
        }
    }
    diagnostics
}

/// Runs the project rules of `checks`, each behind its own panic net.
fn run_project_rules(
    project: &Project,
    rules: &RuleSet,
    options: &RuleOptions,
    checks: &[(RuleCode, Check)],
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (code, check) in checks {
        let Check::Project(check) = check else {
            continue;
        };
        if !rules.contains(*code) {
            continue;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut cx = Context::for_project().with_options(options);
            check(project, &mut cx);
            cx.into_diagnostics()
        }));
        match outcome {
            Ok(found) => diagnostics.extend(found),
            Err(panic) => {
                // Anchor the report on the first file so it is visible and located.
                if let Some(file) = project.files().first() {
                    let message = format!(
                        "rule {code} ({}) failed: {}",
                        code.meta().name,
                        panic_message(&panic)
                    );
                    if let Some(syntax) = syntax_code_of(file) {
                        diagnostics.push(internal_error(&file.source, syntax, &message));
                    }
                }
            }
        }
    }
    diagnostics
}

/// The "could not be parsed" code of a file kind.
pub fn syntax_code(kind: FileKind) -> Option<RuleCode> {
    CHECKS.iter().find_map(|(code, check)| match check {
        Check::Syntax(k) if *k == kind => Some(*code),
        _ => None,
    })
}

/// The "could not be parsed" code of a parsed file: its YAML classification's when
/// one is registered ([`Check::YamlSyntax`]), else its kind's.
pub fn syntax_code_of(parsed: &ParsedFile) -> Option<RuleCode> {
    if let Tree::Python(file) = &parsed.tree
        && file.role == PythonRole::GunicornConfig
        && let Some(code) = gunicorn_syntax_code()
    {
        return Some(code);
    }
    parsed
        .tree
        .yaml_kind()
        .and_then(yaml_syntax_code)
        .or_else(|| syntax_code(parsed.source.kind()))
}

/// [`syntax_code_of`] for a file whose parse failed: YAML is classified again by its
/// name only (its text is what made the parser fail, so it is not read again).
fn syntax_code_of_source(source: &SourceFile) -> Option<RuleCode> {
    if source.kind() == FileKind::Yaml
        && let Some(code) = yaml_syntax_code(classify(source.path(), ""))
    {
        return Some(code);
    }
    syntax_code(source.kind())
}

/// The code registered for gunicorn configuration files.
fn gunicorn_syntax_code() -> Option<RuleCode> {
    CHECKS
        .iter()
        .find_map(|(code, check)| matches!(check, Check::GunicornSyntax).then_some(*code))
}

/// The code registered for the YAML files of classification `kind`.
fn yaml_syntax_code(kind: YamlFileKind) -> Option<RuleCode> {
    CHECKS.iter().find_map(|(code, check)| match check {
        Check::YamlSyntax(k) if *k == kind => Some(*code),
        _ => None,
    })
}

fn syntax_diagnostic(file: &SourceFile, code: RuleCode, span: Span, message: String) -> Diagnostic {
    Diagnostic {
        code,
        severity: code.meta().severity,
        message,
        location: Location::new(file, span),
        labels: Vec::new(),
        help: None,
        redact: Vec::new(),
    }
}

fn internal_error(file: &SourceFile, code: RuleCode, message: &str) -> Diagnostic {
    syntax_diagnostic(file, code, Span::empty(0), internal_error_message(message))
}

/// The text of an internal error: every one starts with "internal error".
fn internal_error_message(message: &str) -> String {
    format!("internal error while linting this file ({message}); please report it")
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn empty_tree(kind: FileKind) -> Tree {
    match kind {
        FileKind::Dockerfile => Tree::Dockerfile(Box::default()),
        FileKind::DockerIgnore => Tree::DockerIgnore(Default::default()),
        FileKind::ShellScript => Tree::ShellScript(Default::default()),
        FileKind::Yaml => Tree::OtherYaml(YamlFileKind::Other),
        FileKind::SystemdUnit => Tree::Systemd(Box::default()),
        FileKind::Python => Tree::Python(Box::new(crate::project::PythonFile {
            role: PythonRole::Module,
            module: None,
        })),
    }
}

/// Maps `items` on all cores when the `parallel` feature is on, keeping their order.
fn map_parallel<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync + Send) -> Vec<U> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.into_iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::DockerfileModel;

    fn panicking_rule(_: &DockerfileModel, _: &mut Context) {
        panic!("boom");
    }

    fn panicking_project_rule(_: &Project, _: &mut Context) {
        panic!("project boom");
    }

    fn messages(diagnostics: &[Diagnostic]) -> Vec<(String, String)> {
        diagnostics
            .iter()
            .map(|d| (d.code.as_str().to_string(), d.message.clone()))
            .collect()
    }

    #[test]
    fn a_panicking_rule_becomes_an_internal_error_and_the_other_rules_still_report() {
        let source = SourceFile::new(
            "Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12-slim\nRUNN x\n",
        );
        let checks = [
            (RuleCode::DF000, Check::Syntax(FileKind::Dockerfile)),
            (RuleCode::DF004, Check::Dockerfile(panicking_rule)),
            (
                RuleCode::DF014,
                Check::Dockerfile(crate::rules::dockerfile::base_image_unpinned::check),
            ),
        ];
        let input = Input {
            source,
            decode_issue: None,
        };
        let (parsed, diagnostics) =
            lint_one_file(input, &RuleSet::all(), &RuleOptions::default(), &checks);
        assert_eq!(parsed.source.path(), std::path::Path::new("Dockerfile"));
        assert_eq!(
            messages(&diagnostics),
            [
                ("DF000".into(), "unknown instruction \"RUNN\"".into()),
                (
                    "DF000".into(),
                    "internal error while linting this file (rule DF004 (runs-as-root) failed: boom); please report it".into()
                ),
            ]
        );
        assert_eq!(
            diagnostics[1].location.path,
            std::path::Path::new("Dockerfile")
        );
        assert_eq!(diagnostics[1].location.start.line, 1);
    }

    #[test]
    fn a_panicking_project_rule_is_reported_on_the_first_file() {
        let source = SourceFile::new("Dockerfile", FileKind::Dockerfile, "FROM python:3.12\n");
        let project = Project::new(
            vec![ParsedFile::parse(source)],
            BTreeSet::from([PathBuf::from("Dockerfile")]),
        );
        let checks = [(RuleCode::DI001, Check::Project(panicking_project_rule))];
        let diagnostics =
            run_project_rules(&project, &RuleSet::all(), &RuleOptions::default(), &checks);
        assert_eq!(
            messages(&diagnostics),
            [(
                "DF000".into(),
                "internal error while linting this file (rule DI001 (dockerignore-missing) failed: project boom); please report it".into()
            )]
        );
    }

    #[test]
    fn invalid_utf8_in_a_kind_without_a_syntax_code_is_a_located_note() {
        let (source, issue) =
            SourceFile::from_bytes("run.sh", FileKind::ShellScript, b"echo a\necho \xFF\n");
        let input = Input {
            source,
            decode_issue: issue,
        };
        let (parsed, diagnostics) =
            lint_one_file(input, &RuleSet::all(), &RuleOptions::default(), CHECKS);
        assert!(diagnostics.is_empty());
        assert_eq!(
            parsed.note.as_deref(),
            Some(
                "invalid UTF-8 at byte 12; the file was read with replacement characters (line 2, column 6)"
            )
        );
    }
}
