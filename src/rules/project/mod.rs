//! Cross-file rules (XF): facts from several files of a service, each cited with its own
//! file and line.

pub mod connection_pool_exhaustion;

use std::path::{Path, PathBuf};

use crate::project::{Origin, Project};

/// The directory every file of the project is under, so messages can name files
/// relative to it (`k8s/postgres.yaml`, not an absolute path).
pub(crate) fn common_dir(project: &Project) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for file in project.files() {
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
}

/// `path:line` of a file origin relative to `base`, the text of a default, or the
/// configuration key.
pub(crate) fn describe(project: &Project, base: &Path, origin: &Origin) -> String {
    match origin {
        Origin::File { file, span } => match project.source(*file) {
            Some(source) => {
                let path = source.path().strip_prefix(base).unwrap_or(source.path());
                let line = source.line_col(span.start).line;
                format!("{}:{line}", path.display())
            }
            None => "?".to_string(),
        },
        Origin::Default(text) => text.clone(),
        Origin::Config(key) => format!("configuration `{key}`"),
    }
}

/// `n thing` or `n things`.
pub(crate) fn plural(count: i64, thing: &str) -> String {
    if count == 1 {
        format!("{count} {thing}")
    } else {
        format!("{count} {thing}s")
    }
}
