//! The engine: which rules run, on what, and how their findings are collected.
//!
//! A rule is a plain function registered in [`crate::rules::CHECKS`] with the input it
//! reads ([`Check`]). The engine parses each file once, runs the enabled per-file rules
//! of its kind, builds the [`Project`] once, runs the enabled project rules, then sorts.

pub mod meta;
pub mod run;
mod selection;

pub use meta::{Category, FixAvailability, RULES, RuleCode, RuleMeta, RuleOption, RuleStatus};
pub use selection::{RuleSelector, RuleSet, SelectorError};
pub(crate) use selection::{nearest, nearest_word};

use crate::config::RuleOptions;
use crate::diagnostic::{Diagnostic, Label, Location, Severity};
use crate::parse::compose::ComposeFile;
use crate::parse::dockerignore::DockerIgnore;
use crate::parse::kubernetes::{Manifests, YamlFileKind};
use crate::parse::systemd::Unit;
use crate::project::{DockerfileModel, Project, PythonFile};
use crate::source::{FileKind, SourceFile};
use crate::span::Span;

/// A rule's input and entry point.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Check {
    /// The kind's "could not be parsed" code: reported by the engine from syntax errors.
    Syntax(FileKind),
    /// The "could not be parsed" code of the YAML files of one classification (compose
    /// files' DC000): it replaces the kind's [`Check::Syntax`] code for those files.
    YamlSyntax(YamlFileKind),
    /// A per-file rule over one Dockerfile.
    Dockerfile(fn(&DockerfileModel, &mut Context)),
    /// A per-file rule over one `.dockerignore`.
    DockerIgnore(fn(&DockerIgnore, &mut Context)),
    /// A per-file rule over one Kubernetes manifest file.
    Kubernetes(fn(&Manifests, &mut Context)),
    /// A per-file rule over one systemd unit.
    Systemd(fn(&Unit, &mut Context)),
    /// A per-file rule over one docker compose file.
    Compose(fn(&ComposeFile, &mut Context)),
    /// A per-file rule over one parsed Python file (gunicorn config or module).
    Python(fn(&PythonFile, &mut Context)),
    /// The "could not be parsed" code of gunicorn configuration files (other Python files
    /// use the Python kind's code).
    GunicornSyntax,
    /// A rule over the whole project (several files at once).
    Project(fn(&Project, &mut Context)),
    /// Reported by the suppression pass (`crate::suppress`) about the suppression
    /// comments themselves, after every other rule ran.
    Suppression,
}

/// What a rule reports: the message and help of one finding. The code, name and default
/// severity come from the rule's metadata, never from the rule's code.
pub trait Violation {
    /// The rule that reports this violation.
    const CODE: RuleCode;
    /// What is wrong: lowercase, no trailing period.
    fn message(&self) -> String;
    /// What to do about it.
    fn help(&self) -> Option<String> {
        None
    }
}

/// Collects the diagnostics of the rules run over one file (or over the project).
pub struct Context<'a> {
    file: Option<&'a SourceFile>,
    options: Option<&'a RuleOptions>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    /// A context for the per-file rules of `file`.
    pub fn for_file(file: &'a SourceFile) -> Self {
        Context {
            file: Some(file),
            options: None,
            diagnostics: Vec::new(),
        }
    }

    /// A context for project rules (every report names its file).
    pub fn for_project() -> Self {
        Context {
            file: None,
            options: None,
            diagnostics: Vec::new(),
        }
    }

    /// The same context, giving rules the configured per-rule options.
    pub fn with_options(mut self, options: &'a RuleOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// The configured options of rule `code` as its options struct (every field
    /// `#[serde(default)]`), or the defaults.
    pub fn options<T: serde::de::DeserializeOwned + Default>(&self, code: RuleCode) -> T {
        self.options.map(|o| o.get(code)).unwrap_or_default()
    }

    /// A context for a per-file check that a project rule runs on `file`, with this
    /// context's options; give its diagnostics back with [`Context::absorb`].
    pub fn for_file_of<'b>(&self, file: &'b SourceFile) -> Context<'b>
    where
        'a: 'b,
    {
        Context {
            file: Some(file),
            options: self.options,
            diagnostics: Vec::new(),
        }
    }

    /// Takes over the diagnostics of a context made by [`Context::for_file_of`].
    pub fn absorb(&mut self, other: Context<'_>) {
        self.diagnostics.extend(other.diagnostics);
    }

    /// The file the per-file rules are looking at.
    pub fn file(&self) -> Option<&'a SourceFile> {
        self.file
    }

    /// Reports `violation` at `span` of the current file. Labels can be added to the
    /// returned guard; the diagnostic is recorded when the guard is dropped.
    ///
    /// # Panics
    /// Never; in a project context (no current file) the report is dropped in release
    /// builds and asserts in debug builds, as it is a bug in the rule.
    pub fn report<V: Violation>(&mut self, violation: V, span: Span) -> Report<'_> {
        match self.file {
            Some(file) => self.report_in(file, violation, span),
            None => {
                debug_assert!(false, "project rules must use report_in");
                Report {
                    sink: &mut self.diagnostics,
                    diagnostic: None,
                }
            }
        }
    }

    /// Reports `violation` at `span` of `file`.
    pub fn report_in<V: Violation>(
        &mut self,
        file: &SourceFile,
        violation: V,
        span: Span,
    ) -> Report<'_> {
        let meta = V::CODE.meta();
        let diagnostic = Diagnostic {
            code: V::CODE,
            severity: meta.severity,
            message: violation.message(),
            location: Location::new(file, span),
            labels: Vec::new(),
            help: violation.help(),
            redact: Vec::new(),
        };
        Report {
            sink: &mut self.diagnostics,
            diagnostic: Some(diagnostic),
        }
    }

    /// The diagnostics collected so far.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// A diagnostic under construction; recorded when dropped.
pub struct Report<'c> {
    sink: &'c mut Vec<Diagnostic>,
    diagnostic: Option<Diagnostic>,
}

impl Report<'_> {
    /// Adds a labelled secondary span (possibly in another file).
    pub fn label(mut self, file: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.labels.push(Label {
                location: Location::new(file, span),
                message: message.into(),
            });
        }
        self
    }

    /// Adds a label where a fact of the project model is written; a fact from a
    /// documented default or the configuration has no place to point at and adds none.
    pub fn label_origin(
        self,
        project: &crate::project::Project,
        origin: &crate::project::Origin,
        message: impl Into<String>,
    ) -> Self {
        match origin
            .location()
            .and_then(|(file, span)| Some((project.source(file)?, span)))
        {
            Some((file, span)) => self.label(file, span, message),
            None => self,
        }
    }

    /// Marks `span` of `file` as a secret: its text is masked in every output format
    /// (source snippets included) and never appears in messages.
    pub fn redact(mut self, file: &SourceFile, span: Span) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.redact.push(Location::new(file, span));
        }
        self
    }

    /// Replaces the severity (for rules whose severity depends on context).
    pub fn severity(mut self, severity: Severity) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.severity = severity;
        }
        self
    }
}

impl Drop for Report<'_> {
    fn drop(&mut self) {
        if let Some(diagnostic) = self.diagnostic.take() {
            self.sink.push(diagnostic);
        }
    }
}
