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
    let per_file = map_parallel(inputs, |input| lint_one_file(input, rules, options));
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(per_file.len());
    for (parsed, found) in per_file {
        diagnostics.extend(found);
        files.push(parsed);
    }
    let project = Project::new(files, inventory);
    diagnostics.extend(run_project_rules(&project, rules, options));
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

/// Parses one file and runs its kind's per-file rules, behind a panic net so one bad
/// file never ends the run.
fn lint_one_file(
    input: Input,
    rules: &RuleSet,
    options: &RuleOptions,
) -> (ParsedFile, Vec<Diagnostic>) {
    let Input {
        source,
        decode_issue,
    } = input;
    let kind = source.kind();
    let backup = source.clone();
    let outcome = catch_unwind(AssertUnwindSafe(move || {
        let parsed = ParsedFile::parse(source);
        let diagnostics = per_file_diagnostics(&parsed, decode_issue.as_ref(), rules, options);
        (parsed, diagnostics)
    }));
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            let mut diagnostics = Vec::new();
            if let Some(code) = syntax_code_of_source(&backup) {
                diagnostics.push(internal_error(&backup, code, &panic_message(&panic)));
            }
            let parsed = ParsedFile {
                tree: empty_tree(kind),
                source: backup,
                errors: Vec::new(),
                note: None,
            };
            (parsed, diagnostics)
        }
    }
}

fn per_file_diagnostics(
    parsed: &ParsedFile,
    decode_issue: Option<&DecodeIssue>,
    rules: &RuleSet,
    options: &RuleOptions,
) -> Vec<Diagnostic> {
    let source = &parsed.source;
    let mut cx = Context::for_file(source).with_options(options);
    if let Some(code) = syntax_code_of(parsed).filter(|c| rules.contains(*c)) {
        if let Some(DecodeIssue::InvalidUtf8 { offset }) = decode_issue {
            cx.push(syntax_diagnostic(
                source,
                code,
                Span::new(*offset, offset.saturating_add(1)),
                format!(
                    "invalid UTF-8 at byte {offset}; the file was read with replacement characters"
                ),
            ));
        }
        for error in &parsed.errors {
            cx.push(syntax_diagnostic(
                source,
                code,
                error.span,
                error.message.clone(),
            ));
        }
    }
    for (code, check) in CHECKS {
        if !rules.contains(*code) {
            continue;
        }
        match (check, &parsed.tree) {
            (Check::Dockerfile(check), Tree::Dockerfile(model)) => check(model, &mut cx),
            (Check::DockerIgnore(check), Tree::DockerIgnore(ignore)) => check(ignore, &mut cx),
            (Check::Kubernetes(check), Tree::Kubernetes(manifests)) => check(manifests, &mut cx),
            (Check::Systemd(check), Tree::Systemd(unit)) => check(unit, &mut cx),
            (Check::Compose(check), Tree::Compose(compose)) => check(compose, &mut cx),
            (Check::Python(check), Tree::Python(file)) if file.module.is_some() => {
                check(file, &mut cx)
            }
            _ => {}
        }
    }
    cx.into_diagnostics()
}

fn run_project_rules(project: &Project, rules: &RuleSet, options: &RuleOptions) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (code, check) in CHECKS {
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
                    let message = format!("rule {code} failed: {}", panic_message(&panic));
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
    syntax_diagnostic(
        file,
        code,
        Span::empty(0),
        format!("internal error while linting this file ({message}); please report it"),
    )
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
            role: crate::project::PythonRole::Module,
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
