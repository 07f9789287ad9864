//! Source files: their path, kind, decoded text and line index.

use std::path::{Path, PathBuf};

use crate::span::{LineCol, LineIndex, Span};

/// What a file is, decided from its name alone (never from its content).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FileKind {
    /// `Dockerfile`, `Containerfile`, `Dockerfile.*`, `*.Dockerfile`.
    Dockerfile,
    /// `.dockerignore` and the per-Dockerfile `<name>.dockerignore`.
    DockerIgnore,
    /// A shell script (`*.sh`, `docker-entrypoint`), read when a Dockerfile runs it.
    ShellScript,
    /// A Python file (`*.py`): gunicorn configs and application code.
    Python,
    /// A YAML file (`*.yaml`, `*.yml`): Kubernetes manifests are linted, other YAML
    /// (Helm templates, CI workflows, values files) is recognised and left alone.
    Yaml,
    /// A systemd unit (`*.service`; `*.socket` and `*.timer` are read for their syntax
    /// only).
    SystemdUnit,
}

impl FileKind {
    /// Detects the kind of `path` from its file name, or `None` for files the linter
    /// does not read.
    pub fn detect(path: &Path) -> Option<FileKind> {
        // A name that is not UTF-8 is matched on its readable part (`Dockerfile.\xFF`).
        let name = path.file_name()?.to_string_lossy();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".dockerignore") {
            return Some(FileKind::DockerIgnore);
        }
        if lower == "dockerfile"
            || lower == "containerfile"
            || lower.starts_with("dockerfile.")
            || lower.starts_with("containerfile.")
            || lower.ends_with(".dockerfile")
            || lower.ends_with(".containerfile")
        {
            return Some(FileKind::Dockerfile);
        }
        if lower.ends_with(".sh") || lower == "docker-entrypoint" || lower == "entrypoint" {
            return Some(FileKind::ShellScript);
        }
        if lower.ends_with(".py") {
            return Some(FileKind::Python);
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Some(FileKind::Yaml);
        }
        if lower.ends_with(".service") || lower.ends_with(".socket") || lower.ends_with(".timer") {
            return Some(FileKind::SystemdUnit);
        }
        None
    }

    /// The code prefix of this kind's rules (`DF`, `DI`, ...).
    pub fn code_prefix(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "DF",
            FileKind::DockerIgnore => "DI",
            FileKind::ShellScript => "SH",
            FileKind::Yaml => "K8S",
            FileKind::Python => "PS",
            FileKind::SystemdUnit => "SD",
        }
    }

    /// A short lowercase name (`dockerfile`, `dockerignore`, ...) used in config and output.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "dockerfile",
            FileKind::DockerIgnore => "dockerignore",
            FileKind::ShellScript => "shell",
            FileKind::Yaml => "yaml",
            FileKind::Python => "python",
            FileKind::SystemdUnit => "systemd",
        }
    }
}

/// A problem met while turning a file's bytes into text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeIssue {
    /// The bytes were not valid UTF-8; the text was decoded lossily. `offset` is the first
    /// bad byte in the original bytes (and, as lossy decoding keeps everything before it,
    /// in the text).
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: u32,
    },
    /// A UTF-16 file held an unpaired surrogate or an odd last byte; the text was decoded
    /// with a replacement character there. `offset` is that character's offset in the
    /// decoded text.
    InvalidUtf16 {
        /// Offset of the first replacement character in the text.
        offset: u32,
    },
}

impl DecodeIssue {
    /// Where the problem is, as a byte offset in the decoded text.
    pub fn offset(&self) -> u32 {
        match self {
            DecodeIssue::InvalidUtf8 { offset } | DecodeIssue::InvalidUtf16 { offset } => *offset,
        }
    }

    /// What went wrong, for a diagnostic or note.
    pub fn message(&self) -> String {
        match self {
            DecodeIssue::InvalidUtf8 { offset } => format!(
                "invalid UTF-8 at byte {offset}; the file was read with replacement characters"
            ),
            DecodeIssue::InvalidUtf16 { .. } => "invalid UTF-16 (an unpaired surrogate or an odd \
                 last byte); the file was read with replacement characters"
                .to_string(),
        }
    }
}

/// One file's path, kind, text and line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    path: PathBuf,
    kind: FileKind,
    text: String,
    line_index: LineIndex,
}

impl SourceFile {
    /// A source file from text already in memory (an editor buffer, stdin, a test).
    pub fn new(path: impl Into<PathBuf>, kind: FileKind, text: impl Into<String>) -> Self {
        let mut text = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        SourceFile::from_text(path.into(), kind, text)
    }

    /// A source file from text exactly as given (its byte-order mark already removed).
    fn from_text(path: PathBuf, kind: FileKind, text: String) -> Self {
        let line_index = LineIndex::new(&text);
        SourceFile {
            path,
            kind,
            text,
            line_index,
        }
    }

    /// A source file from raw bytes: a UTF-8 BOM is dropped, UTF-16 with a BOM is
    /// decoded, and invalid UTF-8 is decoded lossily and reported.
    pub fn from_bytes(
        path: impl Into<PathBuf>,
        kind: FileKind,
        bytes: &[u8],
    ) -> (Self, Option<DecodeIssue>) {
        // Only the first byte-order mark is dropped, so that offsets stay true.
        let (text, issue) = decode(bytes);
        (SourceFile::from_text(path.into(), kind, text), issue)
    }

    /// The same file under another path (for reports shown relative to a directory).
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = path.into();
        self
    }

    /// The path as given to the linter.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's kind.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The decoded text (without a byte-order mark).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line index of the text.
    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.line_index.line_col(&self.text, offset)
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        span.text(&self.text)
    }
}

/// Decodes file bytes into text.
fn decode(bytes: &[u8]) -> (String, Option<DecodeIssue>) {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(error) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(DecodeIssue::InvalidUtf8 {
                offset: u32::try_from(error.valid_up_to()).unwrap_or(u32::MAX),
            }),
        ),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> (String, Option<DecodeIssue>) {
    let pairs = bytes.chunks_exact(2);
    let odd_last_byte = !pairs.remainder().is_empty();
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut first_bad = None;
    for decoded in char::decode_utf16(units) {
        let c = decoded.unwrap_or_else(|_| {
            first_bad.get_or_insert(text.len());
            char::REPLACEMENT_CHARACTER
        });
        text.push(c);
    }
    if odd_last_byte {
        first_bad.get_or_insert(text.len());
        text.push(char::REPLACEMENT_CHARACTER);
    }
    let issue = first_bad.map(|offset| DecodeIssue::InvalidUtf16 {
        offset: u32::try_from(offset).unwrap_or(u32::MAX),
    });
    (text, issue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds_by_name() {
        let kind = |name: &str| FileKind::detect(Path::new(name));
        assert_eq!(kind("Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind("svc/Containerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(kind("api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(kind(".dockerignore"), Some(FileKind::DockerIgnore));
        assert_eq!(
            kind("Dockerfile.dockerignore"),
            Some(FileKind::DockerIgnore)
        );
        assert_eq!(
            kind("api.Dockerfile.dockerignore"),
            Some(FileKind::DockerIgnore)
        );
        assert_eq!(kind("entrypoint.sh"), Some(FileKind::ShellScript));
        assert_eq!(kind("k8s/deploy.yaml"), Some(FileKind::Yaml));
        assert_eq!(kind("compose.yml"), Some(FileKind::Yaml));
        assert_eq!(kind("deploy/api.service"), Some(FileKind::SystemdUnit));
        assert_eq!(kind("api.socket"), Some(FileKind::SystemdUnit));
        assert_eq!(kind("backup.timer"), Some(FileKind::SystemdUnit));
        assert_eq!(kind("README.md"), None);
        assert_eq!(kind("Dockerfiles"), None);
    }

    #[test]
    fn decodes_boms_and_reports_invalid_utf8() {
        let (file, issue) =
            SourceFile::from_bytes("a", FileKind::Dockerfile, b"\xEF\xBB\xBFFROM x");
        assert_eq!((file.text(), issue), ("FROM x", None));
        let (file, _) = SourceFile::from_bytes("a", FileKind::Dockerfile, b"\xFF\xFEF\0R\0");
        assert_eq!(file.text(), "FR");
        let (file, _) = SourceFile::from_bytes("a", FileKind::Dockerfile, b"\xFE\xFF\0F\0R");
        assert_eq!(file.text(), "FR");
        let (file, issue) =
            SourceFile::from_bytes("a", FileKind::Dockerfile, b"\xFF\xFEF\0\x00\xD8R\0!");
        assert_eq!(file.text(), "F\u{FFFD}R\u{FFFD}");
        assert_eq!(issue, Some(DecodeIssue::InvalidUtf16 { offset: 1 }));
        let (file, issue) = SourceFile::from_bytes("a", FileKind::Dockerfile, b"\xFE\xFF\0F\0");
        assert_eq!(file.text(), "F\u{FFFD}");
        assert_eq!(issue, Some(DecodeIssue::InvalidUtf16 { offset: 1 }));
        let (file, issue) =
            SourceFile::from_bytes("a", FileKind::Dockerfile, b"\xEF\xBB\xBF\xEF\xBB\xBFa\xFF");
        assert_eq!(file.text(), "\u{feff}a\u{FFFD}");
        assert_eq!(issue, Some(DecodeIssue::InvalidUtf8 { offset: 4 }));
        let (file, issue) = SourceFile::from_bytes("a", FileKind::Dockerfile, b"FROM \xFFx");
        assert_eq!(file.text(), "FROM \u{FFFD}x");
        assert_eq!(issue, Some(DecodeIssue::InvalidUtf8 { offset: 5 }));
    }
}
