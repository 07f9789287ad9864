//! Which Python files are read, and the project-wide Python models built from them once.

use std::path::Path;
use std::sync::Arc;

use crate::parse::python::{self, AppModel, PythonModule, SettingsModel};

/// What a Python file is to the linter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PythonRole {
    /// A gunicorn configuration file (`gunicorn.conf.py`, `gunicorn_conf.py`, ...).
    GunicornConfig,
    /// Application code: settings classes, the app, its routes and database setup.
    Module,
}

/// A Python file: its role and, when it was worth parsing, its syntax.
#[derive(Clone, Debug)]
pub struct PythonFile {
    /// Its role.
    pub role: PythonRole,
    /// The parsed module; `None` for files that import nothing the linter models (they
    /// are never parsed, so a large repository costs only a byte search per file). Shared,
    /// as syntax trees are not cloned.
    pub module: Option<Arc<PythonModule>>,
}

/// Libraries whose import makes a module worth parsing.
const MODELLED_IMPORTS: &[&str] = &[
    "pydantic",
    "pydantic_settings",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "sqlmodel",
    "asyncpg",
    "databases",
    "psycopg_pool",
    "redis",
    "uvicorn",
    "gunicorn",
];

impl PythonFile {
    /// Decides the role of `path` and parses `text` when it is a gunicorn config or
    /// imports a modelled library; returns the file and its syntax errors.
    pub fn read(path: &Path, text: &str) -> (PythonFile, Vec<crate::parse::SyntaxError>) {
        let role = if is_gunicorn_config(path) {
            PythonRole::GunicornConfig
        } else {
            PythonRole::Module
        };
        let worth_parsing = role == PythonRole::GunicornConfig
            || MODELLED_IMPORTS.iter().any(|name| imports(text, name));
        if !worth_parsing {
            return (PythonFile { role, module: None }, Vec::new());
        }
        let parsed = python::parse(text);
        (
            PythonFile {
                role,
                module: Some(Arc::new(parsed.tree)),
            },
            parsed.errors,
        )
    }
}

impl PythonFile {
    /// Parses a module that the first pass skipped (it imports none of the modelled
    /// libraries, but imports a project module that does: a settings class deriving from
    /// the project's own base class).
    pub fn parse_module(text: &str) -> (PythonFile, Vec<crate::parse::SyntaxError>) {
        let parsed = python::parse(text);
        (
            PythonFile {
                role: PythonRole::Module,
                module: Some(Arc::new(parsed.tree)),
            },
            parsed.errors,
        )
    }
}

/// The modules a Python file imports, read cheaply from its import lines before any
/// parse: `from a.b import c` → `a.b`, `import a.b as x, d` → `a.b`, `d`; relative
/// imports keep their dots (`from .base import X` → `.base`). Only lines starting with
/// `from`/`import` are read (continuations and imports inside blocks are missed, which
/// only means a module is not parsed).
pub fn imported_modules(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("from ") {
            if let Some(module) = rest.split_whitespace().next()
                && rest.contains(" import")
            {
                found.push(module.to_string());
            }
        } else if let Some(rest) = line.strip_prefix("import ") {
            for part in rest.split(',') {
                if let Some(module) = part.split_whitespace().next() {
                    found.push(module.trim_end_matches(['(', ')', '\\']).to_string());
                }
            }
        }
    }
    found.retain(|m| {
        !m.is_empty()
            && m.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    });
    found
}

/// Whether `text` has an `import name` or `from name` statement (a cheap byte search, so
/// files that cannot matter are never parsed).
fn imports(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].trim_end_matches([' ', '\t']);
        let after = &text[at + name.len()..];
        (before.ends_with("import") || before.ends_with("from") || before.ends_with(','))
            && after.starts_with(|c: char| !c.is_alphanumeric() && c != '_')
    })
}

/// Whether a file name is a gunicorn configuration: `gunicorn.conf.py`,
/// `gunicorn_conf.py`, `gunicorn.config.py`, `gunicorn_config.py`, `gunicorn.py` in a
/// `config`/`conf`/`deploy` directory.
pub fn is_gunicorn_config(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    matches!(
        name,
        "gunicorn.conf.py" | "gunicorn_conf.py" | "gunicorn.config.py" | "gunicorn_config.py"
    ) || (name == "gunicorn.py"
        && path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .is_some_and(|dir| matches!(dir, "config" | "conf" | "deploy" | "etc")))
}

/// The project-wide Python models: pydantic settings classes across modules and the
/// FastAPI/Starlette application (apps, routers, routes, lifespan, pools).
#[derive(Debug)]
pub struct PythonProject {
    /// Settings classes of every parsed application module.
    pub settings: SettingsModel,
    /// The application model of every parsed application module.
    pub app: AppModel,
}

impl PythonProject {
    /// Builds the models from `(dotted module name, module)` pairs.
    pub fn build(modules: &[(String, &PythonModule)]) -> PythonProject {
        let plain: Vec<&PythonModule> = modules.iter().map(|(_, m)| *m).collect();
        let settings = SettingsModel::build(&plain);
        let named: Vec<(&str, &PythonModule)> =
            modules.iter().map(|(n, m)| (n.as_str(), *m)).collect();
        let app = AppModel::build(&named, Some(&settings));
        PythonProject { settings, app }
    }
}

/// The dotted module name of a Python file (`app/routers/orders.py` → `app.routers.orders`,
/// `pkg/__init__.py` → `pkg.__init__`), relative to the nearest `src/` or the path's root.
pub fn module_name(path: &Path) -> String {
    let parts: Vec<String> = path
        .with_extension("")
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let start = parts.iter().rposition(|p| p == "src").map_or(0, |i| i + 1);
    parts[start.min(parts.len())..].join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_importing_modelled_libraries_are_parsed() {
        let (file, _) = PythonFile::read(Path::new("app/db.py"), "from sqlalchemy import x\n");
        assert!(file.module.is_some());
        let (file, _) = PythonFile::read(Path::new("app/util.py"), "import os\nx = 'fastapi'\n");
        assert!(file.module.is_none());
        let (file, _) = PythonFile::read(Path::new("gunicorn.conf.py"), "workers = 2\n");
        assert_eq!(file.role, PythonRole::GunicornConfig);
        assert!(file.module.is_some());
        assert!(imports("import os, fastapi\n", "fastapi"));
        let (file, _) = PythonFile::read(
            Path::new("app/pool.py"),
            "from psycopg_pool import AsyncConnectionPool\n",
        );
        assert!(file.module.is_some());
        assert!(!imports("import fastapi_utils\n", "fastapi"));
    }

    #[test]
    fn import_lines_name_the_modules() {
        let text = "import os, app.db as db\nfrom .base import BaseAppSettings\nfrom app.core import (\n    x,\n)\n    from inner import y\nx = 'from z import w'\n";
        assert_eq!(
            imported_modules(text),
            ["os", "app.db", ".base", "app.core", "inner"]
        );
    }

    #[test]
    fn module_names() {
        assert_eq!(
            module_name(Path::new("app/routers/orders.py")),
            "app.routers.orders"
        );
        assert_eq!(
            module_name(Path::new("./svc/src/pkg/__init__.py")),
            "pkg.__init__"
        );
    }
}
