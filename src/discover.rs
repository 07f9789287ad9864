//! Finding the files to lint under the given paths, and reading them.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::source::{DecodeIssue, FileKind, SourceFile};

/// Directories never worth walking into: VCS data, virtualenvs, caches, dependencies.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    "target",
];

/// A file that was found but not linted, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The file.
    pub path: PathBuf,
    /// Why it was skipped.
    pub message: String,
}

/// A file or directory that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoProblem {
    /// The path.
    pub path: PathBuf,
    /// The operating system's error.
    pub message: String,
}

/// What a walk found.
#[derive(Clone, Debug, Default)]
pub struct Discovered {
    /// Files of a kind the linter reads, in sorted order.
    pub files: Vec<(PathBuf, FileKind)>,
    /// Every file path seen, read or not.
    pub inventory: BTreeSet<PathBuf>,
    /// Paths that could not be walked.
    pub problems: Vec<IoProblem>,
    /// Files of a kind the linter reads that were passed over, with the reason: a FIFO
    /// or device, a symbolic link out of the walked directory or one that does not
    /// resolve.
    pub notes: Vec<Note>,
}

/// Walks `paths` (files or directories) and returns the files to lint.
///
/// Hidden files are walked (`.dockerignore` is one), `.gitignore` is honoured even
/// outside a git repository, and virtualenvs and dependency folders are skipped (also a
/// virtualenv under any name, recognised by its `pyvenv.cfg`). Symbolic links met in a
/// walk are never followed into directories; a link to a file is read when its target
/// lies inside the walked directory (and is not already read under its own name), and
/// passed over with a note otherwise. Paths given explicitly are read as given.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for root in paths {
        // A path named on the command line is followed even when it is a link.
        let metadata = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(error) => {
                found.problems.push(IoProblem {
                    path: root.clone(),
                    message: error.to_string(),
                });
                continue;
            }
        };
        if metadata.is_dir() {
            walk(root, &mut found);
        } else {
            found.inventory.insert(root.clone());
            if let Some(kind) = FileKind::detect(root) {
                found.files.push((root.clone(), kind));
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

/// Walks one directory into `found`.
fn walk(root: &Path, found: &mut Discovered) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && is_skipped_dir(entry.path()))
        })
        .build();
    let canonical_root = std::fs::canonicalize(root).ok();
    let mut walked = Vec::new();
    let mut links = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                found.problems.push(IoProblem {
                    path: error_path(&error).unwrap_or_else(|| root.to_path_buf()),
                    message: error.to_string(),
                });
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let path = entry.into_path();
        let kind = FileKind::detect(&path);
        if file_type.is_file() {
            if let Some(kind) = kind {
                walked.push(path.clone());
                found.files.push((path.clone(), kind));
            }
            found.inventory.insert(path);
            continue;
        }
        let Some(kind) = kind else {
            continue;
        };
        if !file_type.is_symlink() {
            found.notes.push(Note {
                path,
                message: NOT_A_REGULAR_FILE.to_string(),
            });
            continue;
        }
        match resolve_link(&path, canonical_root.as_deref()) {
            Ok(Some(target)) => links.push((path, kind, target)),
            Ok(None) => {}
            Err(message) => found.notes.push(Note { path, message }),
        }
    }
    if links.is_empty() {
        return;
    }
    // A link to a file already read under its own name adds nothing.
    let canonical_walked: BTreeSet<PathBuf> = match &canonical_root {
        Some(canonical) => walked
            .iter()
            .filter_map(|p| p.strip_prefix(root).ok())
            .map(|relative| canonical.join(relative))
            .collect(),
        None => BTreeSet::new(),
    };
    for (path, kind, target) in links {
        if !canonical_walked.contains(&target) {
            found.inventory.insert(path.clone());
            found.files.push((path, kind));
        }
    }
}

/// The note given to FIFOs, sockets and devices: opening a FIFO would wait for a writer.
const NOT_A_REGULAR_FILE: &str = "skipped: not a regular file";

/// Where the symbolic link `link` leads: `Ok(Some(target))` for a regular file inside
/// `root` (both canonical), `Ok(None)` for a directory (links to directories are not
/// followed), and the reason for a note otherwise.
fn resolve_link(link: &Path, root: Option<&Path>) -> Result<Option<PathBuf>, String> {
    let target = std::fs::canonicalize(link)
        .map_err(|error| format!("skipped: symbolic link that does not resolve ({error})"))?;
    if !root.is_some_and(|root| target.starts_with(root)) {
        return Err("skipped: symbolic link to a file outside the walked directory".to_string());
    }
    let metadata = std::fs::metadata(&target)
        .map_err(|error| format!("skipped: symbolic link that does not resolve ({error})"))?;
    if metadata.is_dir() {
        Ok(None)
    } else if metadata.is_file() {
        Ok(Some(target))
    } else {
        Err(NOT_A_REGULAR_FILE.to_string())
    }
}

fn is_skipped_dir(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    SKIPPED_DIRS.contains(&name) || path.join("pyvenv.cfg").is_file()
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// The outcome of reading one file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadOutcome {
    /// Decoded text (with a decoding issue to report, if any).
    Source(SourceFile, Option<DecodeIssue>),
    /// Not linted, with the reason.
    Skipped(Note),
    /// Could not be read.
    Failed(IoProblem),
}

/// Reads one file: skips binaries and files over `max_size` with a note.
pub fn read_file(path: &Path, kind: FileKind, max_size: u64) -> ReadOutcome {
    let failed = |error: std::io::Error| {
        ReadOutcome::Failed(IoProblem {
            path: path.to_path_buf(),
            message: error.to_string(),
        })
    };
    // Look before opening: opening a FIFO blocks until something writes to it.
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            return ReadOutcome::Skipped(Note {
                path: path.to_path_buf(),
                message: NOT_A_REGULAR_FILE.to_string(),
            });
        }
        Ok(_) => {}
        Err(error) => return failed(error),
    }
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) => return failed(error),
    };
    match file.metadata() {
        Ok(metadata) if !metadata.is_file() => {
            return ReadOutcome::Skipped(Note {
                path: path.to_path_buf(),
                message: NOT_A_REGULAR_FILE.to_string(),
            });
        }
        Ok(metadata) if metadata.len() > max_size => {
            return ReadOutcome::Skipped(Note {
                path: path.to_path_buf(),
                message: format!(
                    "skipped: {} bytes is over the size limit of {max_size} bytes",
                    metadata.len()
                ),
            });
        }
        Ok(_) => {}
        Err(error) => return failed(error),
    }
    let mut bytes = Vec::new();
    // Read one byte past the limit so a file that grew after the check is still caught.
    if let Err(error) = file.take(max_size + 1).read_to_end(&mut bytes) {
        return failed(error);
    }
    source_from_bytes(path, kind, &bytes, max_size)
}

/// Turns bytes into a source file, or a skip note for binary or oversized content.
pub fn source_from_bytes(path: &Path, kind: FileKind, bytes: &[u8], max_size: u64) -> ReadOutcome {
    if bytes.len() as u64 > max_size {
        return ReadOutcome::Skipped(Note {
            path: path.to_path_buf(),
            message: format!("skipped: over the size limit of {max_size} bytes"),
        });
    }
    if looks_binary(bytes) {
        return ReadOutcome::Skipped(Note {
            path: path.to_path_buf(),
            message: "skipped: binary content (NUL bytes)".to_string(),
        });
    }
    let (source, issue) = SourceFile::from_bytes(path, kind, bytes);
    ReadOutcome::Source(source, issue)
}

/// A NUL byte in the first 8 KiB means binary, unless the file is UTF-16 with a BOM.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes.iter().take(8192).any(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_mean_binary_but_utf16_does_not() {
        assert!(looks_binary(b"FROM\0x"));
        assert!(!looks_binary(b"\xFF\xFEF\0"));
        assert!(!looks_binary(b"FROM x"));
    }

    #[test]
    fn walks_hidden_files_and_skips_virtualenvs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("Dockerfile"), "FROM x\n").expect("write");
        std::fs::write(root.join(".dockerignore"), ".env\n").expect("write");
        std::fs::create_dir_all(root.join("env/lib")).expect("mkdir");
        std::fs::write(root.join("env/pyvenv.cfg"), "").expect("write");
        std::fs::write(root.join("env/lib/Dockerfile"), "FROM y\n").expect("write");
        std::fs::create_dir_all(root.join("node_modules/x")).expect("mkdir");
        std::fs::write(root.join("node_modules/x/Dockerfile"), "").expect("write");
        let found = discover(&[root.to_path_buf()]);
        let names: Vec<_> = found
            .files
            .iter()
            .map(|(p, k)| (p.strip_prefix(root).expect("under root").to_path_buf(), *k))
            .collect();
        assert_eq!(
            names,
            vec![
                (PathBuf::from(".dockerignore"), FileKind::DockerIgnore),
                (PathBuf::from("Dockerfile"), FileKind::Dockerfile),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_named_on_the_command_line_is_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("real")).expect("mkdir");
        std::fs::write(root.join("real/Dockerfile"), "FROM x\n").expect("write");
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).expect("link");
        let found = discover(&[root.join("link")]);
        assert_eq!(
            found.files,
            vec![(root.join("link/Dockerfile"), FileKind::Dockerfile)]
        );
        assert!(found.notes.is_empty() && found.problems.is_empty());
    }
}
