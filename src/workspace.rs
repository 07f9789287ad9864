//! The workspace: one project held open, with unsaved editor buffers laid over the files
//! on disk.
//!
//! The language server (and any embedder that lints while the user types) goes through
//! these few calls and holds no lint logic of its own: [`Workspace::open`] a project,
//! [`Workspace::set_document`] as buffers change, read [`Workspace::diagnostics`] for a
//! file, offer [`Workspace::actions`] on a range, and [`Workspace::explain`] a code.
//!
//! Every lint is a lint of the whole project (so a cross-file finding shown in one file
//! follows edits to another), re-run lazily after any change and cached until the next.
//!
//! ```
//! use deploylint::{Settings, Workspace};
//!
//! let dir = tempfile::tempdir()?;
//! let mut workspace = Workspace::open(dir.path(), Settings::default());
//! let dockerfile = dir.path().join("Dockerfile");
//! // Not saved anywhere: the buffer's text is linted as the file.
//! workspace.set_document(&dockerfile, "FROM python:3.12-slim\nRUNN pip install fastapi\n");
//! let found = workspace.diagnostics(&dockerfile);
//! assert!(found.iter().any(|d| d.code.as_str() == "DF000"));
//!
//! workspace.set_document(&dockerfile, "FROM python:3.12-slim\nRUN pip install fastapi\n");
//! assert!(!workspace.diagnostics(&dockerfile).iter().any(|d| d.code.as_str() == "DF000"));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{self, ConfigError, Overrides, Settings, absolute};
use crate::diagnostic::Diagnostic;
use crate::engine::{RuleCode, RuleMeta};
use crate::source::{FileKind, SourceFile};
use crate::span::Span;
use crate::suppress::{Scope, parse_directive};
use crate::{LintReport, Linter};

/// The directory a project starts at for `path` (a file or directory): the nearest
/// directory, from `path` upward, that holds the applicable configuration file or a
/// `.git` entry. `None` when there is neither (a file outside any repository).
///
/// The pre-commit mode of `deploylint check --in-project` and the language server lint
/// this whole directory, so cross-file rules see every file of the service.
pub fn project_root(path: &Path) -> Option<PathBuf> {
    let config_dir = config::find(path).and_then(|file| file.parent().map(Path::to_path_buf));
    let start = absolute(path);
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(current) = dir {
        if config_dir.as_deref() == Some(current) || current.join(".git").exists() {
            return Some(current.to_path_buf());
        }
        dir = current.parent();
    }
    None
}

/// The directory linted as `path`'s project: its [`project_root`], else the directory
/// holding it (the path itself for a directory), except the file system root and the
/// home directory, which are never walked (`None`: lint the file alone).
pub fn project_dir(path: &Path) -> Option<PathBuf> {
    if let Some(root) = project_root(path) {
        return Some(root);
    }
    let path = absolute(path);
    let dir = if path.is_dir() {
        path
    } else {
        path.parent()?.to_path_buf()
    };
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let too_wide = dir.parent().is_none() || home.is_some_and(|home| home == dir);
    (!too_wide).then_some(dir)
}

/// The settings that apply to `path`: from the configuration file found upward from it,
/// or the defaults when there is none.
pub fn settings_for(path: &Path) -> Result<Settings, ConfigError> {
    let file = config::find(path)
        .map(|found| config::load(&found))
        .transpose()?;
    Settings::resolve(file.as_ref(), &Overrides::default())
}

/// Lints `targets` (files or directories) in the context of their project directory
/// `root`: every file under `root` is read, so cross-file rules see the whole service,
/// but only the findings located in a target (or under a target directory) are kept,
/// with the notes and read errors about them. This is what a pre-commit hook needs when
/// it is handed only the changed files.
///
/// ```
/// use deploylint::{Linter, Settings};
/// use deploylint::workspace::lint_in_project;
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("Dockerfile"), "FROM python:3.12-slim\nCOPY . .\n")?;
/// std::fs::write(dir.path().join("other.Dockerfile"), "RUNN x\n")?;
/// let linter = Linter::new(Settings::default());
/// let report = lint_in_project(&linter, dir.path(), &[dir.path().join("Dockerfile")]);
/// // The project was read (DI001 needs to know there is no .dockerignore) ...
/// assert!(report.diagnostics.iter().any(|d| d.code.as_str() == "DI001"));
/// // ... and only the given file is reported on.
/// assert!(report.diagnostics.iter().all(|d| d.path().ends_with("Dockerfile")));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn lint_in_project(linter: &Linter, root: &Path, targets: &[PathBuf]) -> LintReport {
    let targets: Vec<PathBuf> = targets.iter().map(|t| absolute(t)).collect();
    let mut walked = vec![absolute(root)];
    walked.extend(targets.iter().cloned());
    let mut report = linter.lint_paths(&walked);
    let wanted = |path: &Path| {
        let path = absolute(path);
        targets.iter().any(|target| path.starts_with(target))
    };
    report.diagnostics.retain(|d| wanted(d.path()));
    report.notes.retain(|n| wanted(&n.path));
    report.io_problems.retain(|p| wanted(&p.path));
    report
}

/// One project held open: its settings, its open documents and its last lint.
#[derive(Debug)]
pub struct Workspace {
    /// The directory walked for the project's files; `None` lints the open documents
    /// alone.
    root: Option<PathBuf>,
    linter: Linter,
    /// Open documents by absolute path: their text replaces the file on disk.
    documents: BTreeMap<PathBuf, String>,
    /// The last lint, until something changes.
    report: Option<LintReport>,
}

impl Workspace {
    /// A workspace over the project in `root` (walked like `deploylint check root`),
    /// linted with `settings`.
    pub fn open(root: impl AsRef<Path>, settings: Settings) -> Workspace {
        Workspace {
            root: Some(absolute(root.as_ref())),
            linter: Linter::new(settings),
            documents: BTreeMap::new(),
            report: None,
        }
    }

    /// A workspace with no directory: only its open documents are linted (for files
    /// outside any project).
    pub fn detached(settings: Settings) -> Workspace {
        Workspace {
            root: None,
            linter: Linter::new(settings),
            documents: BTreeMap::new(),
            report: None,
        }
    }

    /// The workspace `path` belongs to: its [`project_dir`] with the configuration that
    /// applies there, or a detached workspace when there is none to walk.
    pub fn for_path(path: &Path) -> Result<Workspace, ConfigError> {
        let settings = settings_for(path)?;
        Ok(match project_dir(path) {
            Some(root) => Workspace::open(root, settings),
            None => Workspace::detached(settings),
        })
    }

    /// The project directory, if the workspace has one.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        self.linter.settings()
    }

    /// Whether `path` lies inside the project directory (or is open here).
    pub fn contains(&self, path: impl AsRef<Path>) -> bool {
        let path = absolute(path.as_ref());
        self.documents.contains_key(&path)
            || self.root.as_deref().is_some_and(|r| path.starts_with(r))
    }

    /// Opens or updates a document: `text` is linted instead of the file at `path` (which
    /// need not exist yet).
    pub fn set_document(&mut self, path: impl AsRef<Path>, text: impl Into<String>) {
        self.documents.insert(absolute(path.as_ref()), text.into());
        self.report = None;
    }

    /// Closes a document: the file on disk is linted again. Returns whether it was open.
    pub fn close_document(&mut self, path: impl AsRef<Path>) -> bool {
        let closed = self.documents.remove(&absolute(path.as_ref())).is_some();
        if closed {
            self.report = None;
        }
        closed
    }

    /// The text of an open document.
    pub fn document(&self, path: impl AsRef<Path>) -> Option<&str> {
        self.documents
            .get(&absolute(path.as_ref()))
            .map(String::as_str)
    }

    /// The open documents' paths (absolute), in order.
    pub fn documents(&self) -> impl Iterator<Item = &Path> {
        self.documents.keys().map(PathBuf::as_path)
    }

    /// Forgets the last lint, so the next query reads the files on disk again (call it
    /// when files changed behind the workspace's back, e.g. on save).
    pub fn invalidate(&mut self) {
        self.report = None;
    }

    /// The lint of the whole project, with open documents in place of their files; run
    /// now if anything changed since the last one. Secret values in messages are masked.
    pub fn report(&mut self) -> &LintReport {
        if self.report.is_none() {
            self.report = Some(self.lint());
        }
        self.report.get_or_insert_with(LintReport::default)
    }

    /// The findings whose primary location is in `path`, sorted by position.
    pub fn diagnostics(&mut self, path: impl AsRef<Path>) -> Vec<Diagnostic> {
        let path = absolute(path.as_ref());
        self.report()
            .diagnostics
            .iter()
            .filter(|d| d.path() == path)
            .cloned()
            .collect()
    }

    /// The file at `path` as last linted (its text and line index, to turn spans into
    /// editor positions).
    pub fn source(&mut self, path: impl AsRef<Path>) -> Option<&SourceFile> {
        let path = absolute(path.as_ref());
        self.report().file(&path)
    }

    /// What can be done about the findings in `path` that touch `span`: for each, a
    /// suppression comment on its line (and the rule's fix, once rules have fixes).
    pub fn actions(&mut self, path: impl AsRef<Path>, span: Span) -> Vec<Action> {
        let path = absolute(path.as_ref());
        let report = self.report();
        let Some(source) = report.file(&path) else {
            return Vec::new();
        };
        let mut actions: Vec<Action> = Vec::new();
        for diagnostic in report.diagnostics.iter().filter(|d| d.path() == path) {
            let at = diagnostic.location.span;
            if at.start > span.end || span.start > at.end {
                continue;
            }
            let edit = suppression_edit(source, diagnostic.code, at.start);
            let action = Action {
                title: format!("Suppress {} on this line", diagnostic.code),
                kind: ActionKind::Suppress,
                diagnostic: diagnostic.clone(),
                edits: vec![edit],
            };
            if !actions
                .iter()
                .any(|a| a.kind == action.kind && a.edits == action.edits)
            {
                actions.push(action);
            }
        }
        actions
    }

    /// The rules to explain at byte `offset` of `path` (for hover): the codes of the
    /// findings whose span holds it, with the span they cover together; else the rule
    /// named by the code or name under it in a `# deploylint:` comment.
    pub fn rules_at(
        &mut self,
        path: impl AsRef<Path>,
        offset: u32,
    ) -> Option<(Span, Vec<RuleCode>)> {
        let path = absolute(path.as_ref());
        let report = self.report();
        let file = report.file(&path)?;
        let mut codes: Vec<RuleCode> = Vec::new();
        let mut covered: Option<Span> = None;
        for finding in report.diagnostics.iter().filter(|d| d.path() == path) {
            let span = finding.location.span;
            if span.start <= offset && offset <= span.end && !codes.contains(&finding.code) {
                codes.push(finding.code);
                covered = Some(covered.map_or(span, |c| c.cover(span)));
            }
        }
        if let Some(span) = covered {
            return Some((span, codes));
        }
        code_in_suppression(file.text(), offset).map(|(span, code)| (span, vec![code]))
    }

    /// A rule's metadata and documentation, by code (`DF001`) or name.
    pub fn explain(code_or_name: &str) -> Option<&'static RuleMeta> {
        RuleCode::find(code_or_name).map(RuleCode::meta)
    }

    fn lint(&self) -> LintReport {
        let mut report = match &self.root {
            Some(root) => self
                .linter
                .lint_paths_overlaid(std::slice::from_ref(root), &self.documents),
            None => {
                let sources = self
                    .documents
                    .iter()
                    .filter(|(path, _)| !self.settings().is_excluded(path))
                    .filter_map(|(path, text)| {
                        FileKind::detect(path)
                            .map(|kind| SourceFile::new(path.clone(), kind, text.clone()))
                    })
                    .collect();
                self.linter.lint_sources(sources)
            }
        };
        if let Cow::Owned(masked) = crate::output::redact::redacted(&report) {
            report.diagnostics = masked.diagnostics;
        }
        report
    }
}

/// Something an editor can offer on a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Action {
    /// What the editor shows (`Suppress DF001 on this line`).
    pub title: String,
    /// What kind of change it is.
    pub kind: ActionKind,
    /// The finding it addresses.
    pub diagnostic: Diagnostic,
    /// The edits, all in the finding's file, on the text as last linted.
    pub edits: Vec<Edit>,
}

/// The kind of an [`Action`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActionKind {
    /// Adds an inline suppression comment for the finding.
    Suppress,
}

/// A text replacement: `span` of the file becomes `replacement` (an empty span
/// inserts).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    /// The bytes replaced.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// The edit that suppresses `code` for the finding starting at `offset` of `source`:
/// `# deploylint: ignore[CODE]` on its own line above the finding's line (in a
/// Dockerfile, above the first line of the instruction holding it), indented like that
/// line. When the line above already holds an own-line `ignore[...]`, the code is added
/// to its list instead.
pub fn suppression_edit(source: &SourceFile, code: RuleCode, offset: u32) -> Edit {
    let text = source.text();
    let index = source.line_index();
    let anchor = match source.kind() {
        FileKind::Dockerfile => crate::parse::dockerfile::parse(text)
            .tree
            .instructions
            .iter()
            .find(|i| i.span.start <= offset && offset < i.span.end)
            .map_or(offset, |i| i.span.start),
        _ => offset,
    };
    let line = source.line_col(anchor).line;
    let line_span = index.line_span(text, line).unwrap_or(Span::empty(
        anchor.min(u32::try_from(text.len()).unwrap_or(u32::MAX)),
    ));
    let line_text = line_span.text(text);
    let indent: String = line_text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if line > 1
        && let Some(edit) = index
            .line_span(text, line - 1)
            .and_then(|above| add_to_directive(text, above, code))
    {
        return edit;
    }
    let crlf = text
        .get(line_span.end as usize..)
        .is_some_and(|rest| rest.starts_with("\r\n"));
    let eol = if crlf { "\r\n" } else { "\n" };
    Edit {
        span: Span::empty(line_span.start),
        replacement: format!("{indent}# deploylint: ignore[{code}]{eol}"),
    }
}

/// `, CODE` added to the `ignore[...]` list of the own-line directive in `line`, if
/// it is one and does not name `code` already.
fn add_to_directive(text: &str, line: Span, code: RuleCode) -> Option<Edit> {
    let line_text = line.text(text);
    let hash = line_text.find('#')?;
    if !line_text[..hash].trim().is_empty() {
        return None;
    }
    let start = line.start + u32::try_from(hash).ok()?;
    let comment = line_text.get(hash..)?.trim_end_matches('\r');
    let (directive, _) = parse_directive(comment, start)?;
    let directive = directive?;
    if directive.scope != Scope::Line || directive.rules.iter().any(|r| r.value == code) {
        return None;
    }
    let last = directive.rules.last()?;
    let close = text.get(last.span.end as usize..)?.find(']')?;
    let at = last.span.end + u32::try_from(close).ok()?;
    Some(Edit {
        span: Span::empty(at),
        replacement: format!(", {code}"),
    })
}

/// The rule code or name under `offset` when it sits in a `deploylint:` comment.
fn code_in_suppression(text: &str, offset: u32) -> Option<(Span, RuleCode)> {
    let offset = usize::try_from(offset).ok()?.min(text.len());
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = text.get(line_start..line_end)?;
    let comment = line.find('#')?;
    if !line.get(comment..)?.contains("deploylint:") || offset < line_start + comment {
        return None;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let before = text.get(line_start..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| line_start + i);
    let after = text.get(offset..line_end)?;
    let end = after
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(line_end, |(i, _)| offset + i);
    let word = text.get(start..end)?;
    let code = RuleCode::find(word)?;
    let span = Span::from_range(start..end);
    Some((span, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edit: &Edit) -> String {
        let mut out = text.to_string();
        out.replace_range(edit.span.range(), &edit.replacement);
        out
    }

    fn edit_for(kind: FileKind, name: &str, text: &str, code: RuleCode, at: &str) -> String {
        let source = SourceFile::new(name, kind, text);
        let offset = u32::try_from(text.find(at).expect("marker in text")).expect("small");
        apply(text, &suppression_edit(&source, code, offset))
    }

    #[test]
    fn suppression_goes_on_its_own_line_above() {
        let text = "FROM python:3.12\nRUNN pip install x\n";
        assert_eq!(
            edit_for(
                FileKind::Dockerfile,
                "Dockerfile",
                text,
                RuleCode::DF000,
                "RUNN"
            ),
            "FROM python:3.12\n# deploylint: ignore[DF000]\nRUNN pip install x\n"
        );
    }

    #[test]
    fn suppression_in_a_dockerfile_goes_above_the_whole_instruction() {
        let text = "FROM python:3.12\nRUN apt-get update && \\\n    apt-get install -y gcc\n";
        assert_eq!(
            edit_for(
                FileKind::Dockerfile,
                "Dockerfile",
                text,
                RuleCode::DF005,
                "gcc"
            ),
            "FROM python:3.12\n# deploylint: ignore[DF005]\nRUN apt-get update && \\\n    apt-get install -y gcc\n"
        );
    }

    #[test]
    fn suppression_in_yaml_keeps_the_line_indentation() {
        let text = "spec:\n  containers:\n    - image: app:latest\n";
        assert_eq!(
            edit_for(
                FileKind::Yaml,
                "deploy.yaml",
                text,
                RuleCode::K8S010,
                "app:latest"
            ),
            "spec:\n  containers:\n    # deploylint: ignore[K8S010]\n    - image: app:latest\n"
        );
    }

    #[test]
    fn suppression_keeps_crlf_line_endings() {
        let text = "FROM python:3.12\r\nRUNN x\r\n";
        assert_eq!(
            edit_for(
                FileKind::Dockerfile,
                "Dockerfile",
                text,
                RuleCode::DF000,
                "RUNN"
            ),
            "FROM python:3.12\r\n# deploylint: ignore[DF000]\r\nRUNN x\r\n"
        );
    }

    #[test]
    fn suppression_joins_an_ignore_directly_above() {
        let text = "FROM python:3.12\n# deploylint: ignore[DF000] reason=\"x\"\nRUNN x\n";
        assert_eq!(
            edit_for(
                FileKind::Dockerfile,
                "Dockerfile",
                text,
                RuleCode::DF004,
                "RUNN"
            ),
            "FROM python:3.12\n# deploylint: ignore[DF000, DF004] reason=\"x\"\nRUNN x\n"
        );
    }

    #[test]
    fn suppression_on_the_first_line_and_at_the_end_without_newline() {
        assert_eq!(
            edit_for(
                FileKind::Dockerfile,
                "Dockerfile",
                "RUNN x",
                RuleCode::DF000,
                "RUNN"
            ),
            "# deploylint: ignore[DF000]\nRUNN x"
        );
    }

    #[test]
    fn documents_overlay_the_disk_and_cross_file_findings_follow() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dockerfile = dir.path().join("Dockerfile");
        std::fs::write(
            &dockerfile,
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
        )
        .expect("write");
        let mut workspace = Workspace::open(dir.path(), Settings::default());
        let codes = |ws: &mut Workspace| -> Vec<&'static str> {
            ws.diagnostics(&dockerfile)
                .iter()
                .map(|d| d.code.as_str())
                .collect()
        };
        assert!(codes(&mut workspace).contains(&"DI001"));
        // An unsaved `.dockerignore` buffer filters the context: DI001 goes away.
        let ignore = dir.path().join(".dockerignore");
        workspace.set_document(&ignore, ".env\n.git\n");
        assert!(!codes(&mut workspace).contains(&"DI001"));
        assert_eq!(
            workspace.documents().collect::<Vec<_>>(),
            vec![ignore.as_path()]
        );
        assert!(workspace.close_document(&ignore));
        assert!(codes(&mut workspace).contains(&"DI001"));
    }

    #[test]
    fn actions_offer_a_suppression_per_finding() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dockerfile = dir.path().join("Dockerfile");
        let mut workspace = Workspace::open(
            dir.path(),
            Settings::with_rules(crate::engine::RuleSet::only(RuleCode::DF000)),
        );
        workspace.set_document(&dockerfile, "FROM python:3.12\nRUNN x\n");
        let actions = workspace.actions(&dockerfile, Span::new(17, 17));
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].title, "Suppress DF000 on this line");
        assert_eq!(
            actions[0].edits,
            vec![Edit {
                span: Span::empty(17),
                replacement: "# deploylint: ignore[DF000]\n".to_string()
            }]
        );
        assert!(workspace.actions(&dockerfile, Span::new(0, 4)).is_empty());
    }

    #[test]
    fn applied_suppressions_silence_the_finding_and_are_used() {
        let cases = [
            (
                "Dockerfile",
                "FROM python:3.12-slim\nRUN apt-get update && \\\n    apt-get install -y gcc\n",
            ),
            ("Dockerfile.two", "FROM python:3.12-slim\n    RUNN x\n"),
        ];
        for (name, text) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join(name);
            let mut workspace = Workspace::open(dir.path(), Settings::default());
            workspace.set_document(&path, text);
            let before = workspace.diagnostics(&path);
            let Some(first) = before.first() else {
                panic!("{name}: expected findings");
            };
            let code = first.code;
            let actions = workspace.actions(&path, first.location.span);
            let action = actions
                .iter()
                .find(|a| a.diagnostic.code == code)
                .expect("an action for the finding");
            let fixed = apply(text, &action.edits[0]);
            workspace.set_document(&path, fixed.clone());
            let after = workspace.diagnostics(&path);
            assert!(
                !after.iter().any(|d| d.code == code),
                "{name}: {code} still reported in\n{fixed}"
            );
            assert!(
                !after.iter().any(|d| d.code == RuleCode::XF900),
                "{name}: the suppression is unused in\n{fixed}"
            );
        }
    }

    /// Every finding of the example service, suppressed one at a time with its action,
    /// goes away, and the suppression counts as used.
    #[test]
    fn every_suppression_action_on_the_example_service_works() {
        let dir = tempfile::tempdir().expect("tempdir");
        let service =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/orders-service");
        for name in ["Dockerfile", ".dockerignore", "requirements.txt"] {
            std::fs::copy(service.join(name), dir.path().join(name)).expect("copy");
        }
        let mut workspace = Workspace::open(dir.path(), Settings::default());
        let findings = workspace.report().diagnostics.clone();
        assert!(findings.len() >= 5, "{findings:?}");
        for finding in &findings {
            let path = finding.path().to_path_buf();
            let same = |d: &&Diagnostic| d.code == finding.code && d.message == finding.message;
            let before = findings
                .iter()
                .filter(|d| d.path() == path)
                .filter(same)
                .count();
            let text = std::fs::read_to_string(&path).expect("read");
            let actions = workspace.actions(&path, finding.location.span);
            let action = actions
                .iter()
                .find(|a| a.diagnostic == *finding)
                .expect("an action for every finding");
            let suppressed = apply(&text, &action.edits[0]);
            workspace.set_document(&path, suppressed.clone());
            let after = workspace.diagnostics(&path);
            assert_eq!(
                after.iter().filter(same).count(),
                before - 1,
                "{} {} still reported in\n{suppressed}",
                path.display(),
                finding.code
            );
            assert!(
                !after.iter().any(|d| d.code == RuleCode::XF900),
                "unused suppression in\n{suppressed}"
            );
            workspace.close_document(&path);
        }
    }

    #[test]
    fn detached_workspaces_lint_only_their_documents() {
        let mut workspace = Workspace::detached(Settings::default());
        workspace.set_document("/nowhere/Dockerfile", "RUNN x\n");
        let found = workspace.diagnostics(Path::new("/nowhere/Dockerfile"));
        assert!(found.iter().any(|d| d.code == RuleCode::DF000));
        assert!(workspace.source(Path::new("/nowhere/Dockerfile")).is_some());
    }

    #[test]
    fn project_root_is_the_nearest_config_or_git_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        std::fs::create_dir_all(root.join("services/api/k8s")).expect("mkdir");
        std::fs::write(root.join("services/api/deploylint.toml"), "").expect("write");
        let file = root.join("services/api/k8s/deploy.yaml");
        assert_eq!(project_root(&file), Some(root.join("services/api")));
        assert_eq!(
            project_root(&root.join("Dockerfile")),
            Some(root.to_path_buf())
        );
    }

    #[test]
    fn rules_at_a_finding_or_a_code_in_a_suppression_comment() {
        let only_syntax = Settings::with_rules(crate::engine::RuleSet::only(RuleCode::DF000));
        let mut workspace = Workspace::detached(only_syntax);
        let path = Path::new("/nowhere/Dockerfile");
        workspace.set_document(
            path,
            "# deploylint: file-ignore[DF004, base-image-unpinned]\nFROM python:3.12\nRUNN x\n",
        );
        let text = workspace.document(path).expect("open").to_string();
        let at = |needle: &str| u32::try_from(text.find(needle).expect("needle")).expect("small");
        assert_eq!(
            workspace.rules_at(path, at("RUNN") + 2),
            Some((Span::new(at("RUNN"), at("RUNN") + 4), vec![RuleCode::DF000]))
        );
        assert_eq!(
            workspace.rules_at(path, at("DF004") + 1),
            Some((
                Span::new(at("DF004"), at("DF004") + 5),
                vec![RuleCode::DF004]
            ))
        );
        assert_eq!(
            workspace
                .rules_at(path, at("base-image") + 3)
                .map(|(_, codes)| codes),
            Some(vec![RuleCode::DF014])
        );
        assert_eq!(workspace.rules_at(path, at("file-ignore") + 1), None);
        assert_eq!(workspace.rules_at(path, 10_000), None);
    }

    #[test]
    fn explain_finds_rules_by_code_and_name() {
        assert_eq!(
            Workspace::explain("df000").map(|m| m.name),
            Some("dockerfile-syntax")
        );
        assert_eq!(
            Workspace::explain("dockerfile-syntax").map(|m| m.code),
            Some(RuleCode::DF000)
        );
        assert!(Workspace::explain("nope").is_none());
    }
}
