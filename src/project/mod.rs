//! The project: every parsed file of one run, and the links between them.
//!
//! Built once per run from all parsed files; project rules read it and never re-read
//! or re-parse anything.

mod database;
mod dockerfile;
mod env;
mod fact;
mod manifest_index;
mod python;
mod service;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

pub use database::{
    DEFAULT_MAX_CONNECTIONS, DEFAULT_RESERVED_CONNECTIONS, Database, DatabaseLink,
    DatabasePlatform, LinkEvidence, PoolContribution, PoolSize, PoolTerm, WorkerPool, conf_setting,
    is_database_url_name, is_postgres_image, postgres_host,
};
pub use dockerfile::{DockerfileModel, StartCommand, is_dev_dockerfile, is_dev_name};
pub use env::{EnvSource, EnvValue, EnvVar, Environment, OpenSource};
pub use fact::{Fact, Origin};
pub use python::{PythonFile, PythonProject, PythonRole, is_gunicorn_config, module_name};
pub use service::{
    AppLink, Launch, Platform, Runtime, RuntimePlace, Service, SettingFact, container_command_line,
    image_name, is_infrastructure_image,
};

use crate::parse::compose::ComposeFile;
use crate::parse::dockerignore::DockerIgnore;
use crate::parse::kubernetes::{self, Manifests, YamlFileKind};
use crate::parse::shell::Script;
use crate::parse::systemd::Unit;
use crate::parse::{self, SyntaxError};
use crate::source::{FileKind, SourceFile};

/// The typed tree of one file.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Tree {
    /// A Dockerfile and what is derived from it.
    Dockerfile(Box<DockerfileModel>),
    /// A `.dockerignore`.
    DockerIgnore(DockerIgnore),
    /// A shell script.
    ShellScript(Script),
    /// Kubernetes manifests.
    Kubernetes(Box<Manifests>),
    /// A docker compose file.
    Compose(Box<ComposeFile>),
    /// A systemd unit.
    Systemd(Box<Unit>),
    /// A Python file (parsed only when it matters; see [`PythonFile`]).
    Python(Box<PythonFile>),
    /// YAML that is neither a plain manifest nor a compose file (Helm templates, CI
    /// workflows, ...): recognised and not linted.
    OtherYaml(YamlFileKind),
}

impl Tree {
    /// The classification of a YAML file's tree (`None` for other kinds).
    pub fn yaml_kind(&self) -> Option<YamlFileKind> {
        match self {
            Tree::Kubernetes(_) => Some(YamlFileKind::Manifest),
            Tree::Compose(_) => Some(YamlFileKind::Compose),
            Tree::OtherYaml(kind) => Some(*kind),
            _ => None,
        }
    }
}

/// One file, parsed.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    /// The file.
    pub source: SourceFile,
    /// Its tree (partial when there are syntax errors).
    pub tree: Tree,
    /// Syntax errors met while parsing.
    pub errors: Vec<SyntaxError>,
    /// Why the file was recognised but not linted, if it was not (a Helm template).
    pub note: Option<String>,
    /// Whether the project parsed it after the per-file pass (a Python module reached
    /// through a project import), so its syntax errors are reported with the project's.
    pub late_parsed: bool,
}

impl ParsedFile {
    /// Parses `source` according to its kind.
    pub fn parse(source: SourceFile) -> ParsedFile {
        let (tree, errors) = match source.kind() {
            FileKind::Dockerfile => {
                let parsed = parse::dockerfile::parse(source.text());
                (
                    Tree::Dockerfile(Box::new(DockerfileModel::new(parsed.tree))),
                    parsed.errors,
                )
            }
            FileKind::DockerIgnore => {
                let parsed = parse::dockerignore::parse(source.text());
                (Tree::DockerIgnore(parsed.tree), parsed.errors)
            }
            FileKind::ShellScript => {
                let script =
                    parse::shell::parse(&crate::span::MappedText::contiguous(source.text(), 0));
                let errors = script.errors.clone();
                (Tree::ShellScript(script), errors)
            }
            FileKind::Yaml => match kubernetes::classify(source.path(), source.text()) {
                YamlFileKind::Manifest => {
                    let parsed = kubernetes::parse_manifests(source.text());
                    (Tree::Kubernetes(Box::new(parsed.tree)), parsed.errors)
                }
                YamlFileKind::Compose => {
                    let parsed = parse::compose::parse(source.text());
                    (Tree::Compose(Box::new(parsed.tree)), parsed.errors)
                }
                other => (Tree::OtherYaml(other), Vec::new()),
            },
            FileKind::SystemdUnit => {
                let parsed = parse::systemd::parse(source.text());
                (Tree::Systemd(Box::new(parsed.tree)), parsed.errors)
            }
            FileKind::Python => {
                let (file, errors) = PythonFile::read(source.path(), source.text());
                (Tree::Python(Box::new(file)), errors)
            }
        };
        let note = matches!(tree, Tree::OtherYaml(YamlFileKind::HelmTemplate)).then(|| {
            "skipped: a Helm template (`{{ }}`) is not YAML until it is rendered".to_string()
        });
        ParsedFile {
            source,
            tree,
            errors,
            note,
            late_parsed: false,
        }
    }
}

/// Where a Dockerfile is built from, and the ignore file that filters it.
#[derive(Clone, Copy, Debug)]
pub struct BuildContext<'p> {
    /// The context directory.
    pub dir: &'p Path,
    /// The ignore file in effect, if any.
    pub ignore: Option<(&'p SourceFile, &'p DockerIgnore)>,
}

/// Every parsed file of a run, and the paths of every other file seen.
#[derive(Debug, Default)]
pub struct Project {
    files: Vec<ParsedFile>,
    /// The Python models, built on first use.
    python: std::sync::OnceLock<PythonProject>,
    /// Index in `files` by normalized path.
    by_path: HashMap<PathBuf, usize>,
    /// Every file path the walk saw, read or not, normalized (so rules can ask whether a
    /// `package.json` exists without any I/O).
    inventory: BTreeSet<PathBuf>,
    /// Cross-manifest lookups, built on first use.
    kubernetes: std::sync::OnceLock<manifest_index::KubernetesIndex>,
    /// What the configuration says about the deployment (database size, service links).
    facts: crate::config::Facts,
    /// The linked services, built on first use.
    services: std::sync::OnceLock<Vec<Service>>,
    /// The deepest directory holding every file, for naming files in messages.
    display_base: std::sync::OnceLock<PathBuf>,
    /// Index in `files` by normalized path, in path order (the files under a directory
    /// are one range), built on first use.
    sorted_paths: std::sync::OnceLock<std::collections::BTreeMap<PathBuf, usize>>,
}

/// Files whose presence says "a build context starts here".
const PROJECT_MARKERS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "Pipfile",
    "poetry.lock",
    "uv.lock",
    "package.json",
    "go.mod",
    "Cargo.toml",
    "pom.xml",
    "Gemfile",
];

impl Project {
    /// Builds the project from parsed files and the inventory of all paths seen.
    pub fn new(mut files: Vec<ParsedFile>, inventory: BTreeSet<PathBuf>) -> Self {
        parse_project_importers(&mut files);
        let mut inventory: BTreeSet<PathBuf> = inventory.iter().map(|p| normalize(p)).collect();
        let mut by_path = HashMap::with_capacity(files.len());
        for (index, file) in files.iter().enumerate() {
            let path = normalize(file.source.path());
            by_path.insert(path.clone(), index);
            inventory.insert(path);
        }
        Project {
            files,
            python: std::sync::OnceLock::new(),
            by_path,
            inventory,
            kubernetes: std::sync::OnceLock::new(),
            facts: crate::config::Facts::default(),
            services: std::sync::OnceLock::new(),
            display_base: std::sync::OnceLock::new(),
            sorted_paths: std::sync::OnceLock::new(),
        }
    }

    /// The indices in [`Project::files`] of the parsed files under `dir`, in path order
    /// (a range lookup, so rules asking it per service stay linear).
    pub fn files_under(&self, dir: &Path) -> Vec<usize> {
        let sorted = self.sorted_paths.get_or_init(|| {
            self.by_path
                .iter()
                .map(|(path, &index)| (path.clone(), index))
                .collect()
        });
        let dir = normalize(dir);
        sorted
            .range(dir.clone()..)
            .take_while(|(path, _)| path.starts_with(&dir))
            .map(|(_, &index)| index)
            .collect()
    }

    /// The same project, with the configuration's facts (declared services, database
    /// size) for the cross-file model.
    pub fn with_facts(mut self, facts: crate::config::Facts) -> Self {
        self.facts = facts;
        self.services = std::sync::OnceLock::new();
        self
    }

    /// The configuration's facts.
    pub fn facts(&self) -> &crate::config::Facts {
        &self.facts
    }

    /// The services of the repository, linked across files (built once, on first use).
    pub fn services(&self) -> &[Service] {
        self.services
            .get_or_init(|| service::link(self, &self.facts.services))
    }

    /// `path` as messages name it: relative to the deepest directory holding every file
    /// of the run (`k8s/postgres.yaml` for a project linted from anywhere), with `/`.
    pub fn display_path(&self, path: &Path) -> String {
        let base = self.display_base.get_or_init(|| {
            let mut common: Option<PathBuf> = None;
            for file in &self.files {
                let dir = file.source.path().parent().unwrap_or(Path::new(""));
                common = Some(match common {
                    None => dir.to_path_buf(),
                    Some(current) => current
                        .components()
                        .zip(dir.components())
                        .take_while(|(a, b)| a == b)
                        .map(|(a, _)| a.as_os_str())
                        .collect(),
                });
            }
            common.unwrap_or_default()
        });
        path.strip_prefix(base)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// `path:line` of `span` in file `file`, for messages (see [`Project::display_path`]).
    pub fn file_line(&self, file: usize, span: crate::span::Span) -> String {
        match self.source(file) {
            Some(source) => format!(
                "{}:{}",
                self.display_path(source.path()),
                source.line_col(span.start).line
            ),
            None => "?".to_string(),
        }
    }

    /// Where a fact comes from, for messages: `path:line`, the default's own words, or the
    /// configuration key.
    pub fn describe_origin(&self, origin: &Origin) -> String {
        match origin {
            Origin::File { file, span } => self.file_line(*file, *span),
            Origin::Default(text) => text.clone(),
            Origin::Config(key) => format!("configuration `{key}`"),
        }
    }

    /// The file at `index` of [`Project::files`] (the index a [`Origin::File`] holds).
    pub fn source(&self, index: usize) -> Option<&SourceFile> {
        self.files.get(index).map(|f| &f.source)
    }

    /// The index in [`Project::files`] of every parsed application module, in model order
    /// (so `result[module]` is the file of model module `module`).
    pub fn python_module_file_indices(&self) -> Vec<usize> {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                matches!(&f.tree, Tree::Python(file) if file.role == PythonRole::Module && file.module.is_some())
            })
            .map(|(index, _)| index)
            .collect()
    }

    /// Every parsed file.
    pub fn files(&self) -> &[ParsedFile] {
        &self.files
    }

    /// Gives the parsed files back (for the report).
    pub fn into_files(self) -> Vec<ParsedFile> {
        self.files
    }

    /// Every Dockerfile with its model.
    pub fn dockerfiles(&self) -> impl Iterator<Item = (&SourceFile, &DockerfileModel)> {
        self.files.iter().filter_map(|f| match &f.tree {
            Tree::Dockerfile(model) => Some((&f.source, model.as_ref())),
            _ => None,
        })
    }

    /// Every parsed Python file with its role and module.
    pub fn python_files(&self) -> impl Iterator<Item = (&SourceFile, &PythonFile)> {
        self.files.iter().filter_map(|f| match &f.tree {
            Tree::Python(file) => Some((&f.source, file.as_ref())),
            _ => None,
        })
    }

    /// The source files of the modules the Python models are built from, indexed like the
    /// models' module numbers (`SettingsClass::module`, `PoolCreation::module`, ...).
    pub fn python_module_files(&self) -> Vec<&SourceFile> {
        self.python_modules().map(|(source, _)| source).collect()
    }

    /// Parsed application modules (not gunicorn configs), in model order.
    fn python_modules(
        &self,
    ) -> impl Iterator<Item = (&SourceFile, &crate::parse::python::PythonModule)> {
        self.python_files()
            .filter(|(_, file)| file.role == PythonRole::Module)
            .filter_map(|(source, file)| Some((source, file.module.as_deref()?)))
    }

    /// The settings and application models of every parsed application module (built
    /// once, on first use).
    pub fn python(&self) -> &PythonProject {
        self.python.get_or_init(|| {
            let modules: Vec<(String, &crate::parse::python::PythonModule)> = self
                .python_modules()
                .map(|(source, module)| (module_name(source.path()), module))
                .collect();
            PythonProject::build(&modules)
        })
    }

    /// Every Kubernetes manifest file with its objects.
    pub fn manifests(&self) -> impl Iterator<Item = (&SourceFile, &Manifests)> {
        self.files.iter().filter_map(|f| match &f.tree {
            Tree::Kubernetes(manifests) => Some((&f.source, manifests.as_ref())),
            _ => None,
        })
    }

    /// Every docker compose file with its services.
    pub fn compose_files(&self) -> impl Iterator<Item = (&SourceFile, &ComposeFile)> {
        self.files.iter().filter_map(|f| match &f.tree {
            Tree::Compose(compose) => Some((&f.source, compose.as_ref())),
            _ => None,
        })
    }

    /// Every systemd unit file with its parsed unit.
    pub fn systemd_units(&self) -> impl Iterator<Item = (&SourceFile, &Unit)> {
        self.files.iter().filter_map(|f| match &f.tree {
            Tree::Systemd(unit) => Some((&f.source, unit.as_ref())),
            _ => None,
        })
    }

    /// The parsed file at `path`, if it was read.
    pub fn file(&self, path: &Path) -> Option<&ParsedFile> {
        self.index_of(path).and_then(|index| self.files.get(index))
    }

    /// The index in [`Project::files`] of the parsed file at `path`.
    pub fn index_of(&self, path: &Path) -> Option<usize> {
        self.by_path.get(&normalize(path)).copied()
    }

    /// Whether the walk saw a file at `path` (read or not).
    pub fn has_path(&self, path: &Path) -> bool {
        self.inventory.contains(&normalize(path))
    }

    /// Whether the walk saw a file at `path` or anywhere below it (a directory).
    pub fn has_path_or_below(&self, path: &Path) -> bool {
        let path = normalize(path);
        self.inventory
            .range(path.clone()..)
            .next()
            .is_some_and(|first| first.starts_with(&path))
    }

    /// Every path the walk saw inside `dir`, relative to it, with `/` separators.
    pub fn inventory_under(&self, dir: &Path) -> Vec<String> {
        let dir = normalize(dir);
        self.inventory
            .range(dir.clone()..)
            .take_while(|path| path.starts_with(&dir))
            .filter_map(|path| {
                let relative = path.strip_prefix(&dir).ok()?;
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                (!parts.is_empty()).then(|| parts.join("/"))
            })
            .collect()
    }

    /// The build context of a Dockerfile and the ignore file Docker would use
    /// (`<Dockerfile>.dockerignore` beside the Dockerfile first, then the context's
    /// `.dockerignore`).
    ///
    /// The context is decided on evidence: the directory (the Dockerfile's own, or one of
    /// its three nearest ancestors) where the most literal `COPY`/`ADD` sources exist;
    /// without such evidence, the Dockerfile's directory if it holds a project file
    /// (`pyproject.toml`, `requirements.txt`, `package.json`, ...), else the nearest
    /// ancestor that does (a `docker/Dockerfile` built from the repository root), else the
    /// Dockerfile's directory.
    pub fn build_context<'p>(&'p self, dockerfile: &'p SourceFile) -> BuildContext<'p> {
        let own = dockerfile.path().parent().unwrap_or(Path::new(""));
        let dir = self.context_dir(dockerfile, own);
        let mut specific = dockerfile.path().as_os_str().to_owned();
        specific.push(".dockerignore");
        let ignore = self
            .ignore_at(Path::new(&specific))
            .or_else(|| self.ignore_at(&dir.join(".dockerignore")));
        BuildContext { dir, ignore }
    }

    fn context_dir<'p>(&self, dockerfile: &SourceFile, own: &'p Path) -> &'p Path {
        let candidates: Vec<&Path> = own.ancestors().take(4).collect();
        let sources: Vec<&str> = self
            .file(dockerfile.path())
            .and_then(|f| match &f.tree {
                Tree::Dockerfile(model) => Some(model.context_sources()),
                _ => None,
            })
            .unwrap_or_default();
        let score = |dir: &Path| {
            sources
                .iter()
                .filter(|source| self.has_path_or_below(&dir.join(source)))
                .count()
        };
        let best = candidates.iter().map(|dir| (score(dir), *dir)).fold(
            None::<(usize, &Path)>,
            |best, (points, dir)| match best {
                Some((top, _)) if top >= points => best,
                _ => Some((points, dir)),
            },
        );
        if let Some((points, dir)) = best
            && points > 0
        {
            return dir;
        }
        let has_marker = |dir: &Path| PROJECT_MARKERS.iter().any(|m| self.has_path(&dir.join(m)));
        if has_marker(own) {
            return own;
        }
        candidates
            .into_iter()
            .skip(1)
            .find(|dir| has_marker(dir))
            .unwrap_or(own)
    }

    fn ignore_at(&self, path: &Path) -> Option<(&SourceFile, &DockerIgnore)> {
        let file = self.file(path)?;
        match &file.tree {
            Tree::DockerIgnore(ignore) => Some((&file.source, ignore)),
            _ => None,
        }
    }
}

/// How many rounds of [`parse_project_importers`] run: each round reaches one more link of
/// an import chain (a settings class deriving from a class deriving from the project's
/// base class).
const IMPORT_ROUNDS: usize = 4;

/// Parses the Python modules the first pass skipped that import a module it parsed
/// (`from app.core.base import BaseAppSettings` in a file importing no modelled library),
/// so classes deriving from project classes are modelled too. Their syntax errors are
/// kept in [`ParsedFile::errors`] and [`ParsedFile::late_parsed`] is set, so the engine
/// reports them.
fn parse_project_importers(files: &mut [ParsedFile]) {
    use std::collections::HashSet;
    let is_parsed_module = |file: &ParsedFile| matches!(&file.tree, Tree::Python(python) if python.role == PythonRole::Module && python.module.is_some());
    let is_skipped_module = |file: &ParsedFile| matches!(&file.tree, Tree::Python(python) if python.role == PythonRole::Module && python.module.is_none());
    if !files.iter().any(is_skipped_module) {
        return;
    }
    for _ in 0..IMPORT_ROUNDS {
        // Every dotted suffix of every parsed module's name, and their paths.
        let mut names: HashSet<String> = HashSet::new();
        let mut top_level: HashSet<String> = HashSet::new();
        let mut paths: HashSet<PathBuf> = HashSet::new();
        for file in files.iter().filter(|f| is_parsed_module(f)) {
            let name = module_name(file.source.path());
            let package = name.strip_suffix(".__init__").unwrap_or(&name);
            top_level.insert(package.to_string());
            let parts: Vec<&str> = name.split('.').collect();
            for start in 0..parts.len() {
                names.insert(parts[start..].join("."));
            }
            if let Some(package) = name.strip_suffix(".__init__") {
                let parts: Vec<&str> = package.split('.').collect();
                for start in 0..parts.len() {
                    names.insert(parts[start..].join("."));
                }
            }
            paths.insert(normalize(file.source.path()));
        }
        let mut changed = false;
        for file in files.iter_mut().filter(|f| is_skipped_module(f)) {
            let dir = file
                .source
                .path()
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            let imports_parsed =
                python::imported_modules(file.source.text())
                    .iter()
                    .any(|module| match module.strip_prefix('.') {
                        Some(relative) => {
                            let mut base = dir.clone();
                            let mut rest = relative;
                            while let Some(up) = rest.strip_prefix('.') {
                                base.pop();
                                rest = up;
                            }
                            let target = base.join(rest.replace('.', "/"));
                            paths.contains(&normalize(&target.with_extension("py")))
                                || paths.contains(&normalize(&target.join("__init__.py")))
                        }
                        // A one-word import names a top-level module only (`import config`),
                        // not the last part of a deeper one.
                        None if module.contains('.') => names.contains(module.as_str()),
                        None => top_level.contains(module.as_str()),
                    });
            if imports_parsed {
                let (parsed, errors) = PythonFile::parse_module(file.source.text());
                file.tree = Tree::Python(Box::new(parsed));
                file.errors = errors;
                file.late_parsed = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether two Kubernetes namespaces can be the same: unless both are written and differ
/// (a manifest without one is applied to whichever namespace it is given).
pub fn namespaces_agree(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// `path` without `.` components, for comparing paths given in different spellings.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests;
