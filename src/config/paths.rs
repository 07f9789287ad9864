//! Path globs of the configuration (`exclude`, `per-file-ignores`), matched against paths
//! relative to the configuration file's directory.
//!
//! A glob without `/` matches a file or directory name at any depth (`Dockerfile.dev`,
//! `*.dockerignore`); a glob with `/` is anchored at the configuration's directory
//! (`charts/vendor/**`, `/Dockerfile`). `*` never crosses `/`; `**` does. A glob that
//! matches a directory matches everything inside it.

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// A set of path globs.
#[derive(Clone, Debug)]
pub struct PathGlobs {
    patterns: Vec<String>,
    set: GlobSet,
}

impl Default for PathGlobs {
    fn default() -> Self {
        PathGlobs {
            patterns: Vec::new(),
            set: GlobSet::empty(),
        }
    }
}

impl PathGlobs {
    /// Compiles `patterns`; the error names the first invalid one.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<PathGlobs, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (index, pattern) in patterns.iter().enumerate() {
            builder.add(compile(pattern.as_ref()).map_err(|e| (index, e))?);
        }
        let set = builder.build().map_err(|e| (0, e.to_string()))?;
        Ok(PathGlobs {
            patterns: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            set,
        })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether no glob was given.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `relative` (a `/`-separated path relative to the configuration's
    /// directory) or one of its parent directories matches.
    pub fn matches(&self, relative: &str) -> bool {
        if self.patterns.is_empty() || relative.is_empty() {
            return false;
        }
        let mut end = 0;
        let bytes = relative.as_bytes();
        loop {
            let next = bytes[end..]
                .iter()
                .position(|b| *b == b'/')
                .map_or(relative.len(), |p| end + p);
            if self.set.is_match(&relative[..next]) {
                return true;
            }
            if next >= relative.len() {
                return false;
            }
            end = next + 1;
        }
    }
}

fn compile(pattern: &str) -> Result<Glob, String> {
    let trimmed = pattern.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err("empty glob".to_string());
    }
    let full = if let Some(anchored) = trimmed.strip_prefix('/') {
        anchored.to_string()
    } else if let Some(rest) = trimmed.strip_prefix("./") {
        rest.to_string()
    } else if trimmed.contains('/') {
        trimmed.to_string()
    } else {
        format!("**/{trimmed}")
    };
    GlobBuilder::new(&full)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

/// `path` made absolute against the current directory, without `.` and `..` components.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `root` with `/` separators, or `None` when it lies outside.
/// An empty `root` means "paths as given" (relative paths are kept, minus `./`).
pub fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let relative = if root.as_os_str().is_empty() {
        if path.is_absolute() {
            let cwd = absolute(Path::new("."));
            absolute(path).strip_prefix(&cwd).ok()?.to_path_buf()
        } else {
            path.components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect()
        }
    } else {
        absolute(path).strip_prefix(root).ok()?.to_path_buf()
    };
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(patterns: &[&str]) -> PathGlobs {
        PathGlobs::new(patterns).expect("valid globs")
    }

    #[test]
    fn a_glob_without_slash_matches_a_name_at_any_depth() {
        let g = globs(&["Dockerfile.dev"]);
        assert!(g.matches("Dockerfile.dev"));
        assert!(g.matches("services/api/Dockerfile.dev"));
        assert!(!g.matches("Dockerfile"));
    }

    #[test]
    fn a_glob_with_slash_is_anchored() {
        let g = globs(&["services/*.Dockerfile"]);
        assert!(g.matches("services/api.Dockerfile"));
        assert!(!g.matches("other/services/api.Dockerfile"));
        assert!(!g.matches("services/a/api.Dockerfile"));
        assert!(globs(&["/Dockerfile"]).matches("Dockerfile"));
        assert!(!globs(&["/Dockerfile"]).matches("a/Dockerfile"));
    }

    #[test]
    fn a_directory_match_covers_its_contents() {
        let g = globs(&["charts/vendor"]);
        assert!(g.matches("charts/vendor/redis/Dockerfile"));
        assert!(!g.matches("charts/vendored/Dockerfile"));
        assert!(globs(&["vendor/"]).matches("a/vendor/Dockerfile"));
        assert!(globs(&["**/tests/**"]).matches("svc/tests/x/Dockerfile"));
    }

    #[test]
    fn invalid_globs_name_their_index() {
        let error = PathGlobs::new(&["ok", "a[b"]).expect_err("unclosed class");
        assert_eq!(error.0, 1);
        assert!(PathGlobs::new(&[""]).is_err());
    }

    #[test]
    fn relative_paths_drop_dot_components() {
        assert_eq!(
            relative_to(Path::new(""), Path::new("./a/./Dockerfile")),
            Some("a/Dockerfile".to_string())
        );
        assert_eq!(
            relative_to(Path::new("/repo"), Path::new("/repo/svc/Dockerfile")),
            Some("svc/Dockerfile".to_string())
        );
        assert_eq!(
            relative_to(Path::new("/repo"), Path::new("/elsewhere/Dockerfile")),
            None
        );
    }
}
