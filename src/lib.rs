//! deploylint lints the deployment configuration of Python ASGI services (FastAPI,
//! Starlette behind uvicorn or gunicorn) before they ship: Dockerfiles and
//! `.dockerignore` files today, read into typed syntax trees with exact spans and joined
//! into one model of the service.
//!
//! ```
//! use deploylint::{Linter, Settings, SourceFile, FileKind};
//!
//! let dockerfile = SourceFile::new(
//!     "Dockerfile",
//!     FileKind::Dockerfile,
//!     "FROM python:3.12-slim\nRUNN pip install fastapi\n",
//! );
//! let report = Linter::new(Settings::default()).lint_sources(vec![dockerfile]);
//! let syntax = report.diagnostics.iter().find(|d| d.code.as_str() == "DF000");
//! assert_eq!(syntax.map(|d| d.location.start.line), Some(2));
//! ```
//!
//! # Entry points
//!
//! - [`Linter`]: one-shot runs over text in memory ([`Linter::lint_sources`]), over files
//!   and directories on disk ([`Linter::lint_paths`]), or over bytes
//!   ([`Linter::lint_bytes`]); each gives a [`LintReport`].
//! - [`Workspace`]: a project held open while its files change (editors): open documents
//!   overlay the disk, findings and suppression actions per file, rule docs.
//! - [`config`]: reading `deploylint.toml` / `pyproject.toml` into [`Settings`];
//!   [`output`]: rendering a report as text, JSON, SARIF and other formats.
//!
//! # Features
//!
//! - `cli` (default): the `deploylint` command and its terminal dependencies.
//! - `parallel` (default): files are parsed and linted on all cores.
//! - `lsp` (default): the language server, module `lsp` (`deploylint lsp`).
//!
//! With `default-features = false` the library has no terminal, command-line or
//! language-server dependency.

#![warn(missing_docs)]

pub mod baseline;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod output;
pub mod parse;
pub mod project;
pub mod rules;
pub mod source;
pub mod span;
pub mod suppress;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use config::Settings;
pub use diagnostic::{Diagnostic, Label, Location, Severity};
pub use discover::{IoProblem, Note};
pub use engine::{RULES, RuleCode, RuleMeta};
pub use source::{FileKind, SourceFile};
pub use span::Span;
pub use workspace::Workspace;

use discover::ReadOutcome;
use engine::run::{Input, run};

/// The result of one lint run.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LintReport {
    /// Findings, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file that was linted (for rendering source snippets).
    pub files: Vec<SourceFile>,
    /// Files found but not linted (binary, too large), with the reason.
    pub notes: Vec<Note>,
    /// Paths that could not be read.
    pub io_problems: Vec<IoProblem>,
}

impl LintReport {
    /// The process exit code for this report: 2 if a path could not be read, 1 if a
    /// finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> i32 {
        if !self.io_problems.is_empty() {
            2
        } else if self.diagnostics.iter().any(|d| d.severity >= fail_on) {
            1
        } else {
            0
        }
    }

    /// Rewrites every path in the report relative to `base` (paths outside it stay as
    /// they are), so output does not depend on where the files were checked out.
    pub fn relativize(&mut self, base: &Path) {
        let relative = |path: &Path| -> PathBuf {
            path.strip_prefix(base)
                .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
        };
        for diagnostic in &mut self.diagnostics {
            diagnostic.location.path = relative(&diagnostic.location.path);
            for label in &mut diagnostic.labels {
                label.location.path = relative(&label.location.path);
            }
            for secret in &mut diagnostic.redact {
                secret.path = relative(&secret.path);
            }
        }
        self.files = std::mem::take(&mut self.files)
            .into_iter()
            .map(|file| {
                let path = relative(file.path());
                file.with_path(path)
            })
            .collect();
        for note in &mut self.notes {
            note.path = relative(&note.path);
        }
        for problem in &mut self.io_problems {
            problem.path = relative(&problem.path);
        }
    }

    /// The linted file at `path`.
    ///
    /// Files of a run are in path order, so this is a binary search; a report whose
    /// files are not in order (merged, relativized) falls back to a scan.
    pub fn file(&self, path: &Path) -> Option<&SourceFile> {
        match self.files.binary_search_by(|f| f.path().cmp(path)) {
            Ok(index) => self.files.get(index),
            Err(_) => self.files.iter().find(|f| f.path() == path),
        }
    }

    /// Adds the results of another run (paths linted under another configuration) and
    /// restores the output order.
    pub fn merge(&mut self, other: LintReport) {
        self.diagnostics.extend(other.diagnostics);
        diagnostic::sort_and_dedup(&mut self.diagnostics);
        self.files.extend(other.files);
        self.notes.extend(other.notes);
        self.io_problems.extend(other.io_problems);
    }
}

/// What a walk found: the files to lint, every path seen, notes and problems.
struct Gathered {
    inputs: Vec<Input>,
    inventory: BTreeSet<PathBuf>,
    notes: Vec<Note>,
    problems: Vec<IoProblem>,
}

/// The entry point for embedders, the CLI and the editor shim.
#[derive(Clone, Debug, Default)]
pub struct Linter {
    settings: Settings,
}

impl Linter {
    /// A linter with these settings.
    pub fn new(settings: Settings) -> Self {
        Linter { settings }
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Lints files already in memory (editor buffers, stdin, tests) as one project.
    ///
    /// ```
    /// use deploylint::{FileKind, Linter, Settings, SourceFile};
    ///
    /// let files = vec![
    ///     SourceFile::new("svc/Dockerfile", FileKind::Dockerfile, "FROM python:3.12-slim\nCOPY . .\n"),
    ///     SourceFile::new("svc/.dockerignore", FileKind::DockerIgnore, ".env\n.git\n"),
    /// ];
    /// let report = Linter::new(Settings::default()).lint_sources(files);
    /// // The .dockerignore beside the Dockerfile filters its context: no DI001.
    /// assert!(!report.diagnostics.iter().any(|d| d.code.as_str() == "DI001"));
    /// ```
    pub fn lint_sources(&self, sources: Vec<SourceFile>) -> LintReport {
        let inputs = sources
            .into_iter()
            .map(|source| Input {
                source,
                decode_issue: None,
            })
            .collect();
        self.lint_inputs(inputs, BTreeSet::new(), Vec::new(), Vec::new())
    }

    /// Walks `paths` (files or directories), reads every file the linter knows, and
    /// lints them all as one project.
    ///
    /// ```
    /// use deploylint::{Linter, Settings, Severity};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("Dockerfile"), "FROM python:3.12-slim\nRUNN x\n")?;
    /// let mut report = Linter::new(Settings::default()).lint_paths(&[dir.path().to_path_buf()]);
    /// report.relativize(dir.path());
    /// let finding = &report.diagnostics[0];
    /// assert_eq!(finding.path().to_str(), Some("Dockerfile"));
    /// assert_eq!(report.exit_code(Severity::Warning), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn lint_paths(&self, paths: &[PathBuf]) -> LintReport {
        self.lint_paths_overlaid(paths, &BTreeMap::new())
    }

    /// [`Self::lint_paths`], with the texts of `overlay` (editor buffers, by path) read
    /// instead of the files on disk; overlay files the walk did not find (unsaved new
    /// files) are linted too, unless excluded.
    pub(crate) fn lint_paths_overlaid(
        &self,
        paths: &[PathBuf],
        overlay: &BTreeMap<PathBuf, String>,
    ) -> LintReport {
        let gathered = self.gather(paths, overlay);
        self.lint_inputs(
            gathered.inputs,
            gathered.inventory,
            gathered.notes,
            gathered.problems,
        )
    }

    /// Walks `paths` and builds the cross-file model of what it finds, without running
    /// any rule: what `deploylint graph` prints.
    ///
    /// ```
    /// use deploylint::{Linter, Settings};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("Dockerfile"), "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app.main:app\"]\n")?;
    /// let project = Linter::new(Settings::default()).project(&[dir.path().to_path_buf()]);
    /// assert_eq!(project.services().len(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn project(&self, paths: &[PathBuf]) -> project::Project {
        let gathered = self.gather(paths, &BTreeMap::new());
        let files = gathered
            .inputs
            .into_iter()
            .map(|input| project::ParsedFile::parse(input.source))
            .collect();
        project::Project::new(files, gathered.inventory).with_facts(self.settings.facts.clone())
    }

    /// The files to lint under `paths` (overlay texts replacing the disk's), the
    /// inventory of every path seen, and the notes and problems met on the way.
    fn gather(&self, paths: &[PathBuf], overlay: &BTreeMap<PathBuf, String>) -> Gathered {
        let mut found = discover::discover(paths);
        let mut inputs = Vec::new();
        let mut notes: Vec<Note> = found
            .notes
            .into_iter()
            .filter(|note| !self.settings.is_excluded(&note.path))
            .collect();
        let mut problems = found.problems;
        // `found.files` is sorted: open documents the walk did not see are added after.
        let unseen: Vec<(PathBuf, FileKind)> = overlay
            .keys()
            .filter(|path| {
                found
                    .files
                    .binary_search_by(|(known, _)| known.cmp(path))
                    .is_err()
            })
            .filter_map(|path| FileKind::detect(path).map(|kind| (path.clone(), kind)))
            .collect();
        for (path, kind) in unseen {
            found.inventory.insert(path.clone());
            found.files.push((path, kind));
        }
        for (path, kind) in &found.files {
            if self.settings.is_excluded(path) {
                continue;
            }
            if let Some(text) = overlay.get(path) {
                inputs.push(Input {
                    source: SourceFile::new(path.clone(), *kind, text.clone()),
                    decode_issue: None,
                });
                continue;
            }
            match discover::read_file(path, *kind, self.settings.max_file_size) {
                ReadOutcome::Source(source, decode_issue) => inputs.push(Input {
                    source,
                    decode_issue,
                }),
                ReadOutcome::Skipped(note) => notes.push(note),
                ReadOutcome::Failed(problem) => problems.push(problem),
            }
        }
        Gathered {
            inputs,
            inventory: found.inventory,
            notes,
            problems,
        }
    }

    /// Lints bytes read from somewhere else (stdin) as the file `path`; its name decides
    /// its kind, and files of no known kind give an empty report with a note.
    ///
    /// ```
    /// use std::path::Path;
    /// use deploylint::{Linter, Settings};
    ///
    /// let linter = Linter::new(Settings::default());
    /// let report = linter.lint_bytes(Path::new("Dockerfile"), b"\xEF\xBB\xBFRUNN x\n");
    /// assert_eq!(report.diagnostics[0].code.as_str(), "DF000");
    /// assert!(linter.lint_bytes(Path::new("notes.txt"), b"x").notes.len() == 1);
    /// ```
    pub fn lint_bytes(&self, path: &Path, bytes: &[u8]) -> LintReport {
        let Some(kind) = FileKind::detect(path) else {
            return LintReport {
                notes: vec![Note {
                    path: path.to_path_buf(),
                    message: "skipped: not a file kind deploylint reads".to_string(),
                }],
                ..LintReport::default()
            };
        };
        match discover::source_from_bytes(path, kind, bytes, self.settings.max_file_size) {
            ReadOutcome::Source(source, decode_issue) => self.lint_inputs(
                vec![Input {
                    source,
                    decode_issue,
                }],
                BTreeSet::new(),
                Vec::new(),
                Vec::new(),
            ),
            ReadOutcome::Skipped(note) => LintReport {
                notes: vec![note],
                ..LintReport::default()
            },
            ReadOutcome::Failed(problem) => LintReport {
                io_problems: vec![problem],
                ..LintReport::default()
            },
        }
    }

    fn lint_inputs(
        &self,
        inputs: Vec<Input>,
        inventory: BTreeSet<PathBuf>,
        notes: Vec<Note>,
        io_problems: Vec<IoProblem>,
    ) -> LintReport {
        let (diagnostics, parsed) = run(inputs, inventory, &self.settings, suppress::Date::today());
        let mut notes = notes;
        let mut files = Vec::with_capacity(parsed.len());
        for file in parsed {
            if let Some(message) = file.note {
                notes.push(Note {
                    path: file.source.path().to_path_buf(),
                    message,
                });
            }
            files.push(file.source);
        }
        LintReport {
            diagnostics,
            files,
            notes,
            io_problems,
        }
    }
}
