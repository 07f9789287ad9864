//! Rules over `.dockerignore` files and the build contexts they filter.

pub mod bloat_in_context;
pub mod dockerignore_missing;
pub mod reinclude_secret;
pub mod secrets_in_context;

use std::path::Path;

use crate::parse::dockerfile::Instruction;
use crate::parse::dockerignore::DockerIgnore;
use crate::project::Project;
use crate::source::SourceFile;
use crate::span::{Span, Spanned};

/// Paths that must never reach an image, relative to the context root, with the name a
/// message uses for each.
pub(crate) const SECRET_PROBES: &[(&str, &str)] = &[
    (".env", "`.env`"),
    (".env.production", "`.env.*` files"),
    (".git/HEAD", "`.git/`"),
];

/// Example files that are meant to be shipped.
const SHAREABLE_ENV_FILES: &[&str] = &[".env.example", ".env.sample", ".env.template", ".env.dist"];

/// An ignore file and the Dockerfiles whose whole-context copies it filters.
pub(crate) struct FilteredContext<'p> {
    /// The ignore file.
    pub file: &'p SourceFile,
    /// Its patterns.
    pub ignore: &'p DockerIgnore,
    /// The context directory.
    pub dir: &'p Path,
    /// The first whole-context `COPY`/`ADD` of each Dockerfile using it.
    pub copies: Vec<(&'p SourceFile, &'p Instruction, &'p Spanned<String>)>,
}

/// Every ignore file that filters at least one whole-context copy, once each.
pub(crate) fn filtered_contexts(project: &Project) -> Vec<FilteredContext<'_>> {
    let mut contexts: Vec<FilteredContext<'_>> = Vec::new();
    // Index in `contexts` by ignore file, so many services stay linear.
    let mut by_ignore: std::collections::HashMap<&Path, usize> = Default::default();
    for (dockerfile, model) in project.dockerfiles() {
        let Some((instruction, source)) = model.whole_context_copies().next() else {
            continue;
        };
        let context = project.build_context(dockerfile);
        let Some((file, ignore)) = context.ignore else {
            continue;
        };
        match by_ignore
            .get(file.path())
            .and_then(|&index| contexts.get_mut(index))
        {
            Some(existing) => existing.copies.push((dockerfile, instruction, source)),
            None => {
                by_ignore.insert(file.path(), contexts.len());
                contexts.push(FilteredContext {
                    file,
                    ignore,
                    dir: context.dir,
                    copies: vec![(dockerfile, instruction, source)],
                });
            }
        }
    }
    contexts
}

/// Secret paths to check in a context: the fixed probes plus every real `.env*` file the
/// walk saw inside it (except shareable examples).
pub(crate) fn secret_probes(project: &Project, dir: &Path) -> Vec<(String, String)> {
    let mut probes: Vec<(String, String)> = SECRET_PROBES
        .iter()
        .map(|(path, name)| ((*path).to_string(), (*name).to_string()))
        .collect();
    for path in project.inventory_under(dir) {
        let Some(name) = Path::new(&path).file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let is_env = name == ".env" || name.starts_with(".env.");
        if is_env && !SHAREABLE_ENV_FILES.contains(&name) && !probes.iter().any(|(p, _)| *p == path)
        {
            let label = format!("`{path}`");
            probes.push((path, label));
        }
    }
    probes
}

/// Where a whole-file finding on an ignore file is anchored: its first pattern, or the
/// start of the file when it has none.
pub(crate) fn anchor(context: &FilteredContext<'_>) -> Span {
    context
        .ignore
        .patterns
        .first()
        .map_or(Span::empty(0), |p| p.raw.span)
}
