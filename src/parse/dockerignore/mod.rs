//! `.dockerignore` parser and matcher with Docker's semantics.
//!
//! Reading follows Docker's own reader line by line:
//! - a UTF-8 byte-order mark is dropped from the first line, one `\r` before each `\n` too;
//! - a line whose *first byte* is `#` is a comment (`  # x` is the pattern `# x`);
//! - each other line is trimmed of Unicode whitespace; blank lines are skipped;
//! - a leading `!` negates (re-includes); whitespace after it is trimmed too (`! foo`);
//! - the rest goes through Go's `filepath.Clean` (`./a//b/../c/` → `a/c`), then loses one
//!   leading `/` (`/foo` → `foo`, but `/` alone stays `/` and so matches nothing; `.`
//!   matches nothing either);
//! - a line of 64 KiB or more makes Docker fail to read the file;
//! - a `\r` not followed by `\n` does not break the line (an error says so, at the `\r`).
//!
//! Matching follows BuildKit's walk of the build context: every path is decided top-down,
//! directory by directory, and a pattern that matched a directory counts as matching
//! everything inside it. The last pattern that matches a path (or one of its parent
//! directories) decides: excluded for a plain pattern, included for a `!` pattern. The
//! pattern syntax and its Docker quirks are described in the `glob` submodule.
//!
//! An invalid pattern makes Docker refuse the whole build. Here it becomes a
//! [`SyntaxError`] at the offending characters and is left out of matching, so every other
//! line is still checked.

mod glob;

use crate::parse::{Parsed, SyntaxError};
use crate::span::{Span, Spanned};
use glob::Matcher;

/// Directories [`DockerIgnore::lets_through_anywhere`] places a name in: the context root
/// and two nested levels, so that root-only patterns (`.env`, `*.pyc`) and one-level
/// patterns (`*/.env`) are told apart from patterns that reach any depth (`**/.env`).
pub const PROBE_DIRS: [&str; 3] = ["", "app", "app/config"];

/// File name standing for "any file" inside a directory; chosen to match no real pattern.
const PROBE_FILE: &str = "deploylint-probe.bin";

/// Longest line (bytes, without its `\n`) Docker's reader accepts.
const MAX_LINE_BYTES: usize = 64 * 1024 - 1;

/// A parsed `.dockerignore`: its patterns in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    /// Every pattern line, in file order, invalid ones included (see [`Pattern::is_valid`]).
    pub patterns: Vec<Pattern>,
}

/// One pattern line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The line as written, trimmed of surrounding whitespace, `!` included.
    pub raw: Spanned<String>,
    /// Whether the line starts with `!`: matching paths are re-included.
    pub negated: bool,
    /// The pattern Docker matches with: after `!`, cleaned, leading `/` removed.
    pub cleaned: String,
    /// The pattern part as written (after `!` and the whitespace following it).
    pub span: Span,
    /// `None` when the pattern is invalid.
    matcher: Option<Matcher>,
}

impl Pattern {
    /// Whether the pattern is valid and takes part in matching.
    pub fn is_valid(&self) -> bool {
        self.matcher.is_some()
    }

    /// Whether this pattern alone matches exactly `path` (not counting parent directories).
    ///
    /// `path` is relative to the context root; it is cleaned first (`./a/` → `a`). An
    /// invalid pattern matches nothing.
    pub fn matches(&self, path: &str) -> bool {
        match (&self.matcher, normalize_path(path)) {
            (Some(matcher), Some(path)) => matcher.matches(&path),
            _ => false,
        }
    }

    /// Whether this pattern matches `path` or one of the directories containing it.
    pub fn matches_or_parent(&self, path: &str) -> bool {
        let (Some(matcher), Some(path)) = (&self.matcher, normalize_path(path)) else {
            return false;
        };
        prefixes(&path).any(|prefix| matcher.matches(prefix))
    }
}

/// Reads a `.dockerignore` file. Never fails: bad lines become errors, the rest is kept.
pub fn parse(text: &str) -> Parsed<DockerIgnore> {
    let mut patterns = Vec::new();
    let mut errors = Vec::new();
    let mut line_start = 0usize;
    for (index, line_with_newline) in text.split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += line_with_newline.len();
        let mut line = line_with_newline
            .strip_suffix('\n')
            .unwrap_or(line_with_newline);
        let mut offset = start;
        if line.len() > MAX_LINE_BYTES {
            errors.push(SyntaxError::new(
                "line is 64 KiB or longer: Docker cannot read this file",
                Span::from_range(start..start + line.len()),
            ));
            continue;
        }
        line = line.strip_suffix('\r').unwrap_or(line);
        if index == 0
            && let Some(rest) = line.strip_prefix('\u{feff}')
        {
            offset += line.len() - rest.len();
            line = rest;
        }
        if let Some(cr) = line.find('\r') {
            errors.push(SyntaxError::new(
                "carriage return without a line feed: Docker breaks lines only at line feeds, \
                 so the text after it stays on this line",
                Span::from_range(offset + cr..offset + cr + 1),
            ));
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some((pattern, error)) = parse_line(line, offset) {
            patterns.push(pattern);
            errors.extend(error);
        }
    }
    Parsed {
        tree: DockerIgnore { patterns },
        errors,
    }
}

/// Parses one non-comment line starting at byte `offset`; `None` for a blank line.
fn parse_line(line: &str, offset: usize) -> Option<(Pattern, Option<SyntaxError>)> {
    let trimmed_start = line.trim_start();
    let trimmed = trimmed_start.trim_end();
    if trimmed.is_empty() {
        return None;
    }
    let raw_start = offset + (line.len() - trimmed_start.len());
    let raw = Spanned::new(
        trimmed.to_owned(),
        Span::from_range(raw_start..raw_start + trimmed.len()),
    );
    let (negated, body, body_start) = match trimmed.strip_prefix('!') {
        Some(after) => {
            let body = after.trim_start();
            (true, body, raw_start + 1 + (after.len() - body.len()))
        }
        None => (false, trimmed, raw_start),
    };
    let span = Span::from_range(body_start..body_start + body.len());
    let mut pattern = Pattern {
        raw,
        negated,
        cleaned: String::new(),
        span,
        matcher: None,
    };
    if body.is_empty() {
        let error = SyntaxError::new("`!` must be followed by a pattern", pattern.raw.span);
        return Some((pattern, Some(error)));
    }
    let base = u32::try_from(body_start).unwrap_or(u32::MAX);
    let mut cleaned = glob::clean_with_offsets(body, base);
    if cleaned.text.len() > 1 && cleaned.text.starts_with('/') {
        cleaned.text.remove(0);
        cleaned.offsets.remove(0);
    }
    pattern.cleaned = cleaned.text;
    if negated && pattern.cleaned == "/" {
        let error = SyntaxError::new(
            "`!/` re-includes nothing: Docker rejects it as a bare `!`",
            pattern.raw.span,
        );
        return Some((pattern, Some(error)));
    }
    match glob::compile(&pattern.cleaned) {
        Ok(matcher) => {
            pattern.matcher = Some(matcher);
            Some((pattern, None))
        }
        Err(error) => {
            let source_offset = |i: usize| cleaned.offsets.get(i).copied();
            let start = source_offset(error.start).unwrap_or(span.start);
            let end = error
                .end
                .checked_sub(1)
                .and_then(source_offset)
                .map_or(span.end, |last| last.saturating_add(1))
                .min(span.end);
            let error = SyntaxError::new(error.message, Span::new(start, end.max(start)));
            Some((pattern, Some(error)))
        }
    }
}

/// A query path in the form Docker compares against: cleaned, relative, no leading `/`.
/// `None` for the context root itself.
fn normalize_path(path: &str) -> Option<String> {
    let cleaned = glob::clean(path);
    let relative = cleaned.trim_start_matches('/');
    if relative.is_empty() || relative == "." {
        None
    } else {
        Some(relative.to_owned())
    }
}

/// `name`, then `name` inside each of the [`PROBE_DIRS`].
fn probe_paths(name: &str) -> impl Iterator<Item = String> + '_ {
    PROBE_DIRS.iter().map(move |dir| {
        if dir.is_empty() {
            name.to_owned()
        } else {
            format!("{dir}/{name}")
        }
    })
}

/// `a`, `a/b`, `a/b/c` for `a/b/c`: the path's directories from the top, then the path.
fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/')
        .map(|(at, _)| at)
        .chain(std::iter::once(path.len()))
        .filter_map(|end| path.get(..end))
        .filter(|prefix| !prefix.is_empty())
}

/// The outcome of walking to one path.
struct Decision {
    /// Whether the path is left out of the build context.
    excluded: bool,
    /// For each pattern: whether it matched the path or a directory above it.
    matched: Vec<bool>,
}

impl Decision {
    /// Index of the last pattern that matched: the one that decided.
    fn deciding_index(&self) -> Option<usize> {
        self.matched.iter().rposition(|&m| m)
    }
}

impl DockerIgnore {
    /// Whether a path relative to the context root (`app/.env`, `src/x.pyc`) is left out of
    /// the build context. The root itself never is.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.decide(path).is_some_and(|d| d.excluded)
    }

    /// The last pattern deciding `path` (matching it or one of its parent directories), or
    /// `None` when no pattern does. A `!` pattern here means the path is re-included by it.
    pub fn deciding_pattern(&self, path: &str) -> Option<&Pattern> {
        let decision = self.decide(path)?;
        self.patterns.get(decision.deciding_index()?)
    }

    /// Whether the directory `dir` (`.git`, `app/venv`) is excluded together with
    /// everything inside it: it is excluded, and no later `!` pattern could re-include
    /// anything below it.
    pub fn excludes_dir(&self, dir: &str) -> bool {
        let Some(dir) = normalize_path(dir) else {
            return false;
        };
        match self.decide(&dir) {
            Some(decision) if decision.excluded => {
                !self.could_re_include_below(&dir, decision.deciding_index())
            }
            _ => false,
        }
    }

    /// Whether everything *inside* the directory `dir` is excluded, even if the (then
    /// empty) directory itself is sent: true for `venv`, `venv/*` and `venv/**` alike.
    ///
    /// Decided on a neutral file name inside `dir` plus the absence of any later `!`
    /// pattern that could reach below it; a pattern aimed at particular names only
    /// (`venv/*.pyc`) does not count as excluding the contents.
    pub fn excludes_dir_contents(&self, dir: &str) -> bool {
        let Some(dir) = normalize_path(dir) else {
            return false;
        };
        match self.decide(&format!("{dir}/{PROBE_FILE}")) {
            Some(decision) if decision.excluded => {
                !self.could_re_include_below(&dir, decision.deciding_index())
            }
            _ => false,
        }
    }

    /// Whether a file or directory called `name` (or at the relative path `name`) gets into
    /// the context at the root or nested in one of [`PROBE_DIRS`].
    pub fn lets_through_anywhere(&self, name: &str) -> bool {
        self.first_let_through(name).is_some()
    }

    /// The first of `name`, `app/name`, `app/config/name` (see [`PROBE_DIRS`]) that gets into
    /// the context, for messages such as "`app/.env` is sent to the daemon".
    pub fn first_let_through(&self, name: &str) -> Option<String> {
        probe_paths(name).find(|path| !self.is_excluded(path))
    }

    /// Whether some of the contents of a directory called `name` get into the context at
    /// the root or nested in one of [`PROBE_DIRS`] (see [`Self::excludes_dir_contents`]).
    pub fn lets_dir_through_anywhere(&self, name: &str) -> bool {
        self.first_dir_let_through(name).is_some()
    }

    /// The first of `name`, `app/name`, `app/config/name` whose contents are not all
    /// excluded, for messages such as "`app/venv/` is sent to the daemon".
    pub fn first_dir_let_through(&self, name: &str) -> Option<String> {
        probe_paths(name).find(|dir| !self.excludes_dir_contents(dir))
    }

    /// Whether a `!` pattern after `deciding` (the pattern that excluded `dir`, by index)
    /// could match something below `dir` and so re-include it. Earlier `!` patterns cannot:
    /// the excluding pattern still matches everything below and comes after them.
    fn could_re_include_below(&self, dir: &str, deciding: Option<usize>) -> bool {
        let below = format!("{dir}/");
        let first_candidate = deciding.map_or(0, |d| d + 1);
        self.patterns
            .iter()
            .skip(first_candidate)
            .filter(|pattern| pattern.negated)
            .filter_map(|pattern| pattern.matcher.as_ref())
            .any(|matcher| matcher.could_match_below(&below))
    }

    /// Walks from the root down to `path` the way BuildKit does, deciding each level from
    /// the one above; `None` for the root.
    fn decide(&self, path: &str) -> Option<Decision> {
        let path = normalize_path(path)?;
        let mut parent: Option<Vec<bool>> = None;
        let mut excluded = false;
        for prefix in prefixes(&path) {
            excluded = false;
            let mut matched = vec![false; self.patterns.len()];
            for (index, pattern) in self.patterns.iter().enumerate() {
                let Some(matcher) = &pattern.matcher else {
                    continue;
                };
                let mut hit = parent
                    .as_ref()
                    .and_then(|p| p.get(index).copied())
                    .unwrap_or(false);
                if !hit {
                    // A pattern that cannot change the outcome is not even tried, and then
                    // does not count as matching for the levels below either.
                    if pattern.negated != excluded {
                        continue;
                    }
                    hit = matcher.matches(prefix);
                }
                if let Some(slot) = matched.get_mut(index) {
                    *slot = hit;
                }
                if hit {
                    excluded = !pattern.negated;
                }
            }
            parent = Some(matched);
        }
        Some(Decision {
            excluded,
            matched: parent.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a file that must be free of errors.
    fn ignore(text: &str) -> DockerIgnore {
        let parsed = parse(text);
        assert_eq!(parsed.errors, vec![], "unexpected errors for {text:?}");
        parsed.tree
    }

    /// Paths of `paths` excluded by `text`.
    fn excluded<'a>(text: &str, paths: &[&'a str]) -> Vec<&'a str> {
        let file = ignore(text);
        paths
            .iter()
            .copied()
            .filter(|p| file.is_excluded(p))
            .collect()
    }

    /// The single error of `text`, as (message, covered text).
    fn error(text: &str) -> (String, String) {
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        let error = &parsed.errors[0];
        (error.message.clone(), error.span.text(text).to_owned())
    }

    #[test]
    fn single_star_stays_in_one_directory() {
        assert_eq!(
            excluded("*.pyc", &["x.pyc", "a/x.pyc", "x.py", ".pyc"]),
            ["x.pyc", ".pyc"]
        );
    }

    #[test]
    fn leading_double_star_reaches_any_depth() {
        assert_eq!(
            excluded("**/*.pyc", &["x.pyc", "a/x.pyc", "a/b/x.pyc", "x.py"]),
            ["x.pyc", "a/x.pyc", "a/b/x.pyc"]
        );
    }

    #[test]
    fn double_star_in_the_middle_spans_zero_or_more_directories() {
        assert_eq!(
            excluded(
                "a/**/b",
                &["a/b", "a/x/b", "a/x/y/b", "a/xb", "ab", "a/b/c"]
            ),
            ["a/b", "a/x/b", "a/x/y/b", "a/b/c"]
        );
    }

    #[test]
    fn double_star_glued_to_text_needs_a_slash_in_between() {
        // `a**b` is `a(.*/)?b`: either nothing or a run ending in `/`.
        assert_eq!(excluded("a**b", &["ab", "ax/b", "axb"]), ["ab", "ax/b"]);
    }

    #[test]
    fn trailing_double_star_matches_below_but_not_the_directory() {
        assert_eq!(
            excluded("x/**", &["x", "x/y", "x/y/z", "xy"]),
            ["x/y", "x/y/z"]
        );
    }

    #[test]
    fn double_star_alone_matches_everything() {
        assert_eq!(
            excluded("**", &["a", "a/b", ".env", "Dockerfile"]),
            ["a", "a/b", ".env", "Dockerfile"]
        );
    }

    #[test]
    fn leading_double_star_slash_matches_the_bare_name_too() {
        assert_eq!(
            excluded(
                "**/.env",
                &[".env", "a/.env", "a/b/.env", "a.env", "x/a.env"]
            ),
            [".env", "a/.env", "a/b/.env"]
        );
    }

    #[test]
    fn leading_double_star_without_slash_is_a_plain_suffix_test() {
        // Docker's shortcut: any path ending in `foo`, even in the middle of a name.
        assert_eq!(
            excluded("**foo", &["foo", "barfoo", "a/barfoo", "foobar"]),
            ["foo", "barfoo", "a/barfoo"]
        );
    }

    #[test]
    fn a_directory_pattern_excludes_its_contents() {
        assert_eq!(
            excluded(
                ".git",
                &[".git", ".git/HEAD", ".git/objects/ab/cd", ".gitignore"]
            ),
            [".git", ".git/HEAD", ".git/objects/ab/cd"]
        );
    }

    #[test]
    fn wildcard_pattern_matching_a_directory_excludes_its_contents() {
        assert_eq!(
            excluded(
                "*.egg-info",
                &["pkg.egg-info/PKG-INFO", "src/pkg.egg-info/x"]
            ),
            ["pkg.egg-info/PKG-INFO"]
        );
    }

    #[test]
    fn negation_re_includes() {
        assert_eq!(
            excluded("*.md\n!README.md", &["README.md", "CHANGES.md"]),
            ["CHANGES.md"]
        );
    }

    #[test]
    fn negation_with_space_after_bang() {
        let file = ignore("*\n!   src");
        assert_eq!(file.patterns[1].cleaned, "src");
        assert!(file.patterns[1].negated);
        assert!(!file.is_excluded("src/main.py"));
        assert!(file.is_excluded("tests/x.py"));
    }

    #[test]
    fn last_matching_pattern_wins() {
        assert!(ignore("!a\na").is_excluded("a"));
        assert!(!ignore("a\n!a").is_excluded("a"));
        assert!(ignore("a\n!a\na").is_excluded("a"));
    }

    #[test]
    fn file_re_included_inside_an_excluded_directory() {
        let file = ignore("app\n!app/keep.txt");
        assert!(!file.is_excluded("app/keep.txt"));
        assert!(file.is_excluded("app/other.txt"));
        assert!(file.is_excluded("app"));
        assert!(!file.excludes_dir("app"));
        assert!(ignore("app").excludes_dir("app"));
    }

    #[test]
    fn excluded_file_is_not_re_included_by_a_later_negated_parent() {
        // BuildKit walks top-down: `!a` is not tried for `a` (nothing to re-include yet),
        // so it is not remembered as matching `a` when `a/x` is decided.
        let file = ignore("a/x\n!a");
        assert!(file.is_excluded("a/x"));
        assert!(!file.is_excluded("a/y"));
    }

    #[test]
    fn excludes_dir_considers_wildcard_re_includes() {
        let file = ignore("venv\n!**/*.pth");
        assert!(!file.excludes_dir("venv"));
        assert!(!file.is_excluded("venv/lib/x.pth"));
        assert!(ignore("venv\n!src/*.py").excludes_dir("venv"));
        assert!(!ignore("venv").excludes_dir("src"));
    }

    #[test]
    fn earlier_re_include_cannot_reach_into_a_later_excluded_directory() {
        let file = ignore("!venv/keep\nvenv");
        assert!(file.is_excluded("venv/keep"));
        assert!(file.excludes_dir("venv"));
    }

    #[test]
    fn directory_contents_excluded_with_or_without_the_directory() {
        for text in ["venv", "venv/", "venv/*", "venv/**", "**/venv"] {
            assert!(ignore(text).excludes_dir_contents("venv"), "{text}");
        }
        assert!(!ignore("venv/*").excludes_dir("venv"));
        assert!(!ignore("venv/*.pyc").excludes_dir_contents("venv"));
        assert!(!ignore("venv/*\n!venv/keep").excludes_dir_contents("venv"));
        assert!(!ignore("").excludes_dir_contents("venv"));
    }

    #[test]
    fn dir_probes_report_the_first_directory_let_through() {
        assert!(!ignore("**/venv").lets_dir_through_anywhere("venv"));
        assert_eq!(
            ignore("venv/").first_dir_let_through("venv").as_deref(),
            Some("app/venv")
        );
        assert_eq!(
            ignore("*/venv\nvenv\n")
                .first_dir_let_through("venv")
                .as_deref(),
            Some("app/config/venv")
        );
    }

    #[test]
    fn leading_slash_and_dot_slash_are_removed() {
        let file = ignore("/foo\n./bar\n//baz");
        let cleaned: Vec<&str> = file.patterns.iter().map(|p| p.cleaned.as_str()).collect();
        assert_eq!(cleaned, ["foo", "bar", "baz"]);
        assert!(file.is_excluded("foo"));
        assert!(!file.is_excluded("x/foo"));
    }

    #[test]
    fn patterns_are_cleaned() {
        let file = ignore("foo/\na//b/./c/../d\n../up\n/../x\na/..\n!./keep/");
        let cleaned: Vec<&str> = file.patterns.iter().map(|p| p.cleaned.as_str()).collect();
        assert_eq!(cleaned, ["foo", "a/b/d", "../up", "x", ".", "keep"]);
        assert!(file.is_excluded("foo/bar"));
    }

    #[test]
    fn dot_and_slash_alone_match_nothing() {
        for text in [".", "/", "./", "a/.."] {
            let file = ignore(text);
            assert!(!file.is_excluded("a"), "{text}");
            assert!(!file.is_excluded("a/b"), "{text}");
        }
        assert_eq!(ignore("/").patterns[0].cleaned, "/");
    }

    #[test]
    fn query_paths_are_normalized() {
        let file = ignore("app/.env");
        assert!(file.is_excluded("./app/.env"));
        assert!(file.is_excluded("/app//.env"));
        assert!(file.is_excluded("app/.env/"));
        assert!(!file.is_excluded("."));
        assert!(!file.is_excluded(""));
    }

    #[test]
    fn question_mark_is_one_non_slash_character() {
        assert_eq!(excluded("a?c", &["abc", "a/c", "ac", "abbc"]), ["abc"]);
    }

    #[test]
    fn character_class_with_range() {
        assert_eq!(
            excluded("[a-c].txt", &["a.txt", "b.txt", "d.txt", "ab.txt"]),
            ["a.txt", "b.txt"]
        );
    }

    #[test]
    fn negated_character_class() {
        assert_eq!(excluded("[^a].txt", &["a.txt", "b.txt"]), ["b.txt"]);
    }

    #[test]
    fn bang_in_a_class_is_a_plain_character() {
        // Only `^` negates a class; `[!a]` (shell/gitignore style) means "`!` or `a`".
        assert_eq!(
            excluded("[!a].txt", &["!.txt", "a.txt", "b.txt"]),
            ["!.txt", "a.txt"]
        );
    }

    #[test]
    fn character_class_can_match_a_slash() {
        // The class is handed to a regular expression, which knows nothing of `/`.
        assert_eq!(excluded("a[^x]b", &["a/b", "ayb", "axb"]), ["a/b", "ayb"]);
        assert_eq!(excluded("a[/]b", &["a/b"]), ["a/b"]);
    }

    #[test]
    fn escaped_characters_in_and_out_of_classes() {
        assert_eq!(excluded("\\*.txt", &["*.txt", "a.txt"]), ["*.txt"]);
        assert_eq!(excluded("[\\]x]", &["]", "x", "\\"]), ["]", "x"]);
        assert_eq!(excluded("a\\?", &["a?", "ab"]), ["a?"]);
    }

    #[test]
    fn regular_expression_characters_are_literal() {
        assert_eq!(
            excluded(
                "a.b+(c)|{d}$*",
                &["a.b+(c)|{d}$", "axb+(c)|{d}$", "a.b+(c)|{d}$x"]
            ),
            ["a.b+(c)|{d}$", "a.b+(c)|{d}$x"]
        );
    }

    #[test]
    fn caret_outside_a_class_is_literal_only_without_wildcards() {
        assert_eq!(excluded("a^b", &["a^b", "ab"]), ["a^b"]);
        // With a wildcard Docker builds a regular expression, where `^` anchors the start.
        assert_eq!(excluded("a^b*", &["a^b", "a^bc", "bc"]), Vec::<&str>::new());
        assert_eq!(
            excluded("^*.log", &["x.log", "^x.log"]),
            ["x.log", "^x.log"]
        );
    }

    #[test]
    fn non_ascii_names_match_by_character() {
        assert_eq!(
            excluded("ü?er*", &["über", "üßer.txt", "uber"]),
            ["über", "üßer.txt"]
        );
        assert_eq!(excluded("[ä-ö]", &["ä", "ö", "a"]), ["ä", "ö"]);
    }

    #[test]
    fn comment_only_at_first_byte_of_line() {
        let file = ignore("# a comment\n  # not a comment\n#\n");
        assert_eq!(file.patterns.len(), 1);
        assert_eq!(file.patterns[0].cleaned, "# not a comment");
        assert!(file.is_excluded("# not a comment"));
    }

    #[test]
    fn blank_lines_are_skipped_and_whitespace_trimmed() {
        let text = "\n   \n\t node_modules \t\n";
        let file = ignore(text);
        assert_eq!(file.patterns.len(), 1);
        let pattern = &file.patterns[0];
        assert_eq!(pattern.raw.value, "node_modules");
        assert_eq!(pattern.raw.span, Span::new(7, 19));
        assert_eq!(pattern.span, Span::new(7, 19));
    }

    #[test]
    fn crlf_line_endings() {
        let text = "foo\r\n!bar\r\n";
        let file = ignore(text);
        let raws: Vec<&str> = file.patterns.iter().map(|p| p.raw.value.as_str()).collect();
        assert_eq!(raws, ["foo", "!bar"]);
        assert_eq!(file.patterns[1].raw.span, Span::new(5, 9));
        assert_eq!(file.patterns[1].span, Span::new(6, 9));
        assert_eq!(file.patterns[1].span.text(text), "bar");
    }

    #[test]
    fn lone_carriage_returns_do_not_break_lines_and_are_reported() {
        let text = "# c\r.env\rbuild\n";
        let parsed = parse(text);
        assert!(parsed.tree.patterns.is_empty(), "one comment line");
        assert_eq!(
            error(text),
            (
                "carriage return without a line feed: Docker breaks lines only at line feeds, so the text after it stays on this line".to_string(),
                "\r".to_string()
            )
        );
        assert_eq!(parsed.errors[0].span, Span::new(3, 4));
        let parsed = parse("a\rb\r\n");
        assert_eq!(parsed.errors[0].span, Span::new(1, 2));
        assert_eq!(parsed.tree.patterns[0].raw.value, "a\rb");
    }

    #[test]
    fn byte_order_mark_is_dropped_from_the_first_line() {
        let text = "\u{feff}.env\n";
        let file = ignore(text);
        assert_eq!(file.patterns[0].cleaned, ".env");
        assert_eq!(file.patterns[0].span, Span::new(3, 7));
        // Also when the first line is a comment.
        assert_eq!(ignore("\u{feff}# c\nx").patterns.len(), 1);
    }

    #[test]
    fn pattern_spans_point_at_the_text_after_bang() {
        let text = "a\n  !  b/ \n";
        let file = ignore(text);
        let pattern = &file.patterns[1];
        assert_eq!(pattern.raw.span.text(text), "!  b/");
        assert_eq!(pattern.span.text(text), "b/");
        assert_eq!(pattern.cleaned, "b");
    }

    #[test]
    fn unterminated_class_is_an_error() {
        assert_eq!(
            error("x/[abc"),
            ("`[` is never closed".to_owned(), "[abc".to_owned())
        );
    }

    #[test]
    fn empty_class_is_an_error() {
        let (message, text) = error("a[]");
        assert!(message.starts_with("empty `[]` class"), "{message}");
        assert_eq!(text, "]");
        assert_eq!(error("[^]x]").1, "]");
    }

    #[test]
    fn unescaped_dash_in_class_is_an_error() {
        let (message, text) = error("[-a]");
        assert!(message.starts_with("`-` must be written"), "{message}");
        assert_eq!(text, "-");
        assert_eq!(error("[a-c-e]").1, "-");
    }

    #[test]
    fn range_without_upper_end_is_an_error() {
        let (message, text) = error("[a-]");
        assert!(message.starts_with("`]` cannot end a range"), "{message}");
        assert_eq!(text, "]");
    }

    #[test]
    fn reversed_range_is_an_error() {
        let (message, text) = error("x[z-a]");
        assert_eq!(
            message,
            "range `z-a` is reversed: Docker rejects it; write `a-z`"
        );
        assert_eq!(text, "z-a");
    }

    #[test]
    fn trailing_backslash_is_an_error() {
        let (message, text) = error("foo\\");
        assert_eq!(message, "`\\` at the end of the pattern escapes nothing");
        assert_eq!(text, "\\");
    }

    #[test]
    fn backslash_before_a_letter_is_an_error() {
        let (message, text) = error("a\\d");
        assert!(
            message.starts_with("`\\d` is not a literal `d`"),
            "{message}"
        );
        assert_eq!(text, "\\d");
        assert_eq!(error("[\\w]").1, "\\w");
    }

    #[test]
    fn wildcard_inside_class_is_an_error() {
        let (message, text) = error("[*].txt");
        assert!(message.starts_with("`*` inside `[...]`"), "{message}");
        assert_eq!(text, "*");
        assert_eq!(error("[a?]").1, "?");
    }

    #[test]
    fn posix_class_is_an_error() {
        let (message, text) = error("[[:alpha:]]");
        assert!(message.starts_with("`[:` inside `[...]`"), "{message}");
        assert_eq!(text, "[:");
        // Without a closing `:]` the `[` is an ordinary character.
        assert_eq!(excluded("[[:a]", &["[", ":", "a"]), ["[", ":", "a"]);
    }

    #[test]
    fn bare_bang_is_an_error() {
        let text = "a\n!\n! \n!/\n";
        let parsed = parse(text);
        let spans: Vec<&str> = parsed.errors.iter().map(|e| e.span.text(text)).collect();
        assert_eq!(spans, ["!", "!", "!/"]);
        assert_eq!(
            parsed.errors[0].message,
            "`!` must be followed by a pattern"
        );
        assert_eq!(parsed.tree.patterns.len(), 4);
        assert!(!parsed.tree.patterns[1].is_valid());
    }

    #[test]
    fn error_span_follows_the_pattern_through_cleaning() {
        let text = "ok\n./x//y/[ab\n";
        let parsed = parse(text);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].span, Span::new(10, 13));
        assert_eq!(parsed.errors[0].span.text(text), "[ab");
    }

    #[test]
    fn segment_removed_by_cleaning_is_not_checked() {
        // Docker cleans before checking: `[/..` disappears.
        let file = ignore("[/../x");
        assert_eq!(file.patterns[0].cleaned, "x");
    }

    #[test]
    fn invalid_pattern_is_kept_out_of_matching() {
        let parsed = parse("[abc\n.env\n");
        assert_eq!(parsed.errors.len(), 1);
        let file = parsed.tree;
        assert!(!file.patterns[0].is_valid());
        assert!(file.patterns[1].is_valid());
        assert!(!file.is_excluded("[abc"));
        assert!(file.is_excluded(".env"));
    }

    #[test]
    fn overlong_line_is_an_error() {
        let text = format!("a\n{}\nb", "x".repeat(70_000));
        let parsed = parse(&text);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].span, Span::new(2, 70_002));
        assert_eq!(parsed.tree.patterns.len(), 2);
    }

    #[test]
    fn deciding_pattern_names_the_last_match() {
        let file = ignore(".env\n*.md\n!.env\n");
        let decider = file.deciding_pattern(".env").map(|p| p.raw.value.as_str());
        assert_eq!(decider, Some("!.env"));
        assert_eq!(file.deciding_pattern("main.py"), None);
        let file = ignore("app\n");
        assert_eq!(
            file.deciding_pattern("app/x/.env")
                .map(|p| p.cleaned.as_str()),
            Some("app")
        );
    }

    #[test]
    fn lets_through_anywhere_probes_root_and_nested_paths() {
        let root_only = ignore(".env");
        assert!(root_only.lets_through_anywhere(".env"));
        assert_eq!(
            root_only.first_let_through(".env").as_deref(),
            Some("app/.env")
        );
        assert!(!ignore("**/.env").lets_through_anywhere(".env"));
        assert!(ignore("*/.env").lets_through_anywhere(".env"));
        assert_eq!(
            ignore(".env\n*/.env").first_let_through(".env").as_deref(),
            Some("app/config/.env")
        );
        assert!(!ignore("**/.env*\n").lets_through_anywhere(".env.production"));
    }

    #[test]
    fn pattern_matches_and_matches_or_parent() {
        let file = ignore("src/*.py");
        let pattern = &file.patterns[0];
        assert!(pattern.matches("src/a.py"));
        assert!(!pattern.matches("src/a.py/x"));
        assert!(pattern.matches_or_parent("src/a.py/x"));
    }

    #[test]
    fn star_patterns_run_in_linear_time() {
        let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        let path = "a".repeat(20_000);
        let file = ignore(pattern);
        assert!(!file.is_excluded(&path));
        let deep = ["d"; 300].join("/");
        assert!(!ignore("**/**/**/**/x").is_excluded(&deep));
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let pieces = [
            "[", "]", "^", "-", "\\", "*", "**", "?", "/", "!", ".", "..", "a", "ü", " ", "\r",
            "\n", "#", ":",
        ];
        let mut text = String::new();
        for i in 0..1500usize {
            text.push_str(pieces[(i * 7 + i / 3) % pieces.len()]);
            let parsed = parse(&text);
            for error in &parsed.errors {
                assert!(text.get(error.span.range()).is_some(), "{text:?} {error:?}");
            }
            let _ = parsed.tree.is_excluded("a/b/ü");
            let _ = parsed.tree.excludes_dir("a");
        }
    }
}
