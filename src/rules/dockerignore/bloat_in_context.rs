//! DI003: see rules/dockerignore/DI003-bloat-in-context.md

use super::secrets_in_context::join_names;
use super::{anchor, filtered_contexts};
use crate::engine::{Context, RuleCode, Violation};
use crate::project::Project;

/// Paths that bloat an image, with the name a message uses. Caches are probed one level
/// down because a root-only pattern (`__pycache__`) misses the ones in packages.
const BLOAT_PROBES: &[(&str, &str)] = &[
    ("venv/pyvenv.cfg", "`venv/`"),
    (".venv/pyvenv.cfg", "`.venv/`"),
    (
        "app/__pycache__/main.cpython-312.pyc",
        "`__pycache__/` in packages",
    ),
    ("app/main.pyc", "`*.pyc` in packages"),
    (".pytest_cache/README.md", "`.pytest_cache/`"),
    ("app.egg-info/PKG-INFO", "`*.egg-info/`"),
];

/// Local build and cache directories the ignore file lets through.
struct BloatInContext {
    leaks: Vec<String>,
}

impl Violation for BloatInContext {
    const CODE: RuleCode = RuleCode::DI003;

    fn message(&self) -> String {
        format!(
            "this `.dockerignore` lets {} into the build context: larger images and \
             slower builds, and a local virtualenv can shadow the image's packages",
            join_names(&self.leaks)
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "add `venv`, `.venv`, `**/__pycache__`, `**/*.pyc`, `.pytest_cache` and \
             `*.egg-info` (and `node_modules` for a JavaScript front end)"
                .to_string(),
        )
    }
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    for context in filtered_contexts(project) {
        let mut leaks: Vec<String> = BLOAT_PROBES
            .iter()
            .filter(|(path, _)| !context.ignore.is_excluded(path))
            .map(|(_, name)| (*name).to_string())
            .collect();
        if project.has_path(&context.dir.join("package.json"))
            && !context.ignore.is_excluded("node_modules/package/index.js")
        {
            leaks.push("`node_modules/`".to_string());
        }
        if leaks.is_empty() {
            continue;
        }
        let mut report = cx.report_in(context.file, BloatInContext { leaks }, anchor(&context));
        for (dockerfile, _, source) in &context.copies {
            report = report.label(dockerfile, source.span, "the whole context is copied here");
        }
    }
}
