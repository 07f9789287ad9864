//! One `.dockerignore` pattern: cleaning, validation and matching, as Docker does them.
//!
//! Docker checks a pattern twice. First with Go's `filepath.Match` grammar (classes must be
//! closed and non-empty, `-` and `]` need escaping inside them, a trailing `\` is an error),
//! then it turns the pattern into a Go regular expression: `*` becomes "any run of non-`/`",
//! `?` one non-`/` character, `**` any number of directories, and everything inside `[...]`
//! is handed to the regular-expression engine as is. Where that hand-over gives a pattern a
//! meaning other than the glob one (a reversed range `[z-a]` fails to compile, a `*` inside
//! a class breaks it apart, `\d` means "a digit"), we report the pattern as invalid instead
//! of guessing. Patterns with no wildcard at all compare as plain strings, a leading `**`
//! followed by literal text is a suffix test and a trailing `**` after literal text is a
//! prefix test, exactly as Docker's own shortcuts do.
//!
//! Matching never backtracks: regular-expression-like patterns run as a small NFA over the
//! path's characters, so a query costs at most `path length × pattern length` steps.

/// A path in Go's `filepath.Clean` form, with the source offset of every byte.
///
/// `offsets[i]` is where byte `i` of `text` came from in the pattern as written; separators
/// that Clean joined in point at the slash that preceded their segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CleanedPath {
    /// The cleaned text.
    pub text: String,
    /// Source offset of each byte of `text`.
    pub offsets: Vec<u32>,
}

/// Go's `filepath.Clean` on a slash-separated path (Unix rules), keeping offsets.
///
/// Repeated slashes collapse, `.` segments vanish, `x/..` pairs cancel, `..` right after a
/// leading `/` is dropped, a trailing slash goes; an empty result is `.`.
pub(crate) fn clean_with_offsets(path: &str, base: u32) -> CleanedPath {
    let rooted = path.starts_with('/');
    let mut kept: Vec<(usize, &str)> = Vec::new();
    let mut start = 0usize;
    for segment in path.split('/') {
        let segment_start = start;
        start += segment.len() + 1;
        match segment {
            "" | "." => {}
            ".." => match kept.last() {
                Some((_, last)) if *last != ".." => {
                    kept.pop();
                }
                _ if rooted => {}
                _ => kept.push((segment_start, segment)),
            },
            _ => kept.push((segment_start, segment)),
        }
    }
    let offset = |at: usize| base.saturating_add(u32::try_from(at).unwrap_or(u32::MAX));
    let mut text = String::with_capacity(path.len());
    let mut offsets = Vec::with_capacity(path.len());
    if rooted {
        text.push('/');
        offsets.push(offset(0));
    }
    for (index, (segment_start, segment)) in kept.iter().enumerate() {
        if index > 0 {
            text.push('/');
            offsets.push(offset(segment_start.saturating_sub(1)));
        }
        text.push_str(segment);
        offsets.extend((0..segment.len()).map(|i| offset(segment_start + i)));
    }
    if text.is_empty() {
        text.push('.');
        offsets.push(offset(0));
    }
    CleanedPath { text, offsets }
}

/// Go's `filepath.Clean` on a slash-separated path, without offsets.
pub(crate) fn clean(path: &str) -> String {
    clean_with_offsets(path, 0).text
}

/// Why a pattern is invalid, and which bytes of the cleaned pattern are to blame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PatternError {
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// Byte range in the cleaned pattern.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
}

impl PatternError {
    fn new(message: impl Into<String>, start: usize, end: usize) -> Self {
        PatternError {
            message: message.into(),
            start,
            end: end.max(start),
        }
    }
}

/// A compiled pattern, in the form Docker itself picks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Matcher {
    /// No wildcard: the path must equal the pattern.
    Exact(String),
    /// Literal text then a final `**`: the path must start with the text.
    Prefix(String),
    /// A leading `**` then literal text: the path must end with the text, or, when the text
    /// starts with `/`, equal it without that slash (`**/foo` matches `foo`). `**foo` (no
    /// slash) therefore matches any path ending in `foo`, `barfoo` included.
    Suffix(String),
    /// Anything else: a full match of the steps against the whole path.
    Program(Vec<Step>),
}

/// One step of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    kind: StepKind,
    set: CharSet,
    /// For [`StepKind::Optional`]: index of the step after the group.
    skip_to: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StepKind {
    /// Exactly one character from the set.
    One,
    /// Zero or more characters from the set.
    Many,
    /// Zero-width: holds only at the very start of the path (a bare `^`).
    Start,
    /// Zero-width: enters the optional group that follows, or skips to `skip_to`.
    Optional,
}

/// Which characters one step accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
enum CharSet {
    /// Exactly this character.
    Literal(char),
    /// Any character but `/` (`*`, `?`).
    NotSlash,
    /// Any character but a newline (the `.` of Docker's `**` expansion).
    NotNewline,
    /// A bracket class: inclusive ranges, possibly negated. A class may match `/`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl CharSet {
    fn accepts(&self, c: char) -> bool {
        match self {
            CharSet::Literal(l) => *l == c,
            CharSet::NotSlash => c != '/',
            CharSet::NotNewline => c != '\n',
            CharSet::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

/// Checks `pattern` (already cleaned, without `!`) and compiles it.
pub(crate) fn compile(pattern: &str) -> Result<Matcher, PatternError> {
    validate_glob_syntax(pattern)?;
    translate(pattern)
}

/// The `filepath.Match` grammar check Docker runs on every pattern before using it.
fn validate_glob_syntax(pattern: &str) -> Result<(), PatternError> {
    let chars: Vec<(usize, char)> = pattern.char_indices().collect();
    let end_of = |i: usize| {
        chars
            .get(i)
            .map_or(pattern.len(), |&(at, c)| at + c.len_utf8())
    };
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        match c {
            '\\' => {
                if i + 1 >= chars.len() {
                    return Err(PatternError::new(
                        "`\\` at the end of the pattern escapes nothing",
                        at,
                        end_of(i),
                    ));
                }
                i += 2;
            }
            '[' => i = validate_class(&chars, i, pattern.len())?,
            _ => i += 1,
        }
    }
    Ok(())
}

/// Checks the class opening at `chars[open]` (a `[`); returns the index after its `]`.
fn validate_class(chars: &[(usize, char)], open: usize, len: usize) -> Result<usize, PatternError> {
    let open_at = chars.get(open).map_or(0, |&(at, _)| at);
    let unclosed = || PatternError::new("`[` is never closed", open_at, len);
    let mut i = open + 1;
    if matches!(chars.get(i), Some((_, '^'))) {
        i += 1;
    }
    let mut ranges = 0usize;
    loop {
        if let Some(&(_, ']')) = chars.get(i)
            && ranges > 0
        {
            return Ok(i + 1);
        }
        // The low end of a range (or a single character).
        i = validate_class_char(chars, i, ranges == 0, &unclosed)?;
        if i >= chars.len() {
            return Err(unclosed());
        }
        if let Some(&(_, '-')) = chars.get(i) {
            i = validate_class_char(chars, i + 1, false, &unclosed)?;
            if i >= chars.len() {
                return Err(unclosed());
            }
        }
        ranges += 1;
    }
}

/// Checks one class character (Go's `getEsc`) at `chars[i]`; returns the index after it.
fn validate_class_char(
    chars: &[(usize, char)],
    i: usize,
    first: bool,
    unclosed: &dyn Fn() -> PatternError,
) -> Result<usize, PatternError> {
    match chars.get(i) {
        None => Err(unclosed()),
        Some(&(at, '-')) => Err(PatternError::new(
            "`-` must be written `\\-` where it is not between two characters of a `[...]` range",
            at,
            at + 1,
        )),
        Some(&(at, ']')) if first => Err(PatternError::new(
            "empty `[]` class: write `\\]` for a literal `]`",
            at,
            at + 1,
        )),
        Some(&(at, ']')) => Err(PatternError::new(
            "`]` cannot end a range: write `\\]` for a literal `]`",
            at,
            at + 1,
        )),
        Some((_, '\\')) => match chars.get(i + 1) {
            Some(_) => Ok(i + 2),
            None => Err(unclosed()),
        },
        Some(_) => Ok(i + 1),
    }
}

/// How Docker classifies a pattern while translating it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Exact,
    Prefix,
    Suffix,
    Program,
}

/// Docker's translation of a syntactically valid pattern, with its shortcuts.
fn translate(pattern: &str) -> Result<Matcher, PatternError> {
    let chars: Vec<(usize, char)> = pattern.char_indices().collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut mode = Mode::Exact;
    let mut i = 0;
    let mut first = true;
    while let Some(&(_, c)) = chars.get(i) {
        i += 1;
        match c {
            '*' if matches!(chars.get(i), Some((_, '*'))) => {
                i += 1;
                if matches!(chars.get(i), Some((_, '/'))) {
                    i += 1;
                }
                if i >= chars.len() {
                    if mode == Mode::Exact {
                        mode = Mode::Prefix;
                    } else {
                        steps.push(Step::many(CharSet::NotNewline));
                        mode = Mode::Program;
                    }
                } else {
                    // `(.*/)?`: nothing, or anything ending in a slash.
                    let after_group = steps.len() + 3;
                    steps.push(Step {
                        kind: StepKind::Optional,
                        set: CharSet::NotNewline,
                        skip_to: Some(after_group),
                    });
                    steps.push(Step::many(CharSet::NotNewline));
                    steps.push(Step::one(CharSet::Literal('/')));
                    mode = Mode::Program;
                }
                if first {
                    mode = Mode::Suffix;
                }
            }
            '*' => {
                steps.push(Step::many(CharSet::NotSlash));
                mode = Mode::Program;
            }
            '?' => {
                steps.push(Step::one(CharSet::NotSlash));
                mode = Mode::Program;
            }
            '\\' => {
                let escaped = literal_escape(&chars, i, pattern.len())?;
                steps.push(Step::one(CharSet::Literal(escaped)));
                i += 1;
                mode = Mode::Program;
            }
            '[' => {
                let (set, next) = translate_class(&chars, i, pattern)?;
                steps.push(Step::one(set));
                i = next;
                mode = Mode::Program;
            }
            ']' => {
                steps.push(Step::one(CharSet::Literal(']')));
                mode = Mode::Program;
            }
            // Not escaped by Docker: in a regular expression it is a start-of-path anchor.
            '^' => steps.push(Step {
                kind: StepKind::Start,
                set: CharSet::Literal('^'),
                skip_to: None,
            }),
            _ => steps.push(Step::one(CharSet::Literal(c))),
        }
        first = false;
    }
    Ok(match mode {
        Mode::Exact => Matcher::Exact(pattern.to_owned()),
        Mode::Prefix => Matcher::Prefix(pattern.get(..pattern.len() - 2).unwrap_or("").to_owned()),
        Mode::Suffix => Matcher::Suffix(pattern.get(2..).unwrap_or("").to_owned()),
        Mode::Program => Matcher::Program(steps),
    })
}

impl Step {
    fn one(set: CharSet) -> Self {
        Step {
            kind: StepKind::One,
            set,
            skip_to: None,
        }
    }

    fn many(set: CharSet) -> Self {
        Step {
            kind: StepKind::Many,
            set,
            skip_to: None,
        }
    }
}

/// The character a `\` at `chars[i - 1]` escapes, if Docker reads it as that literal.
///
/// Go's regular expressions take `\` before ASCII punctuation (or space, or a control
/// character) as the character itself; before a letter, digit or non-ASCII character it is
/// a class (`\d`), an assertion (`\b`), a code (`\x41`) or an error. Those are reported.
fn literal_escape(chars: &[(usize, char)], i: usize, len: usize) -> Result<char, PatternError> {
    let backslash_at = i
        .checked_sub(1)
        .and_then(|b| chars.get(b))
        .map_or(0, |&(at, _)| at);
    match chars.get(i) {
        Some(&(_, c)) if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok(c),
        Some(&(at, c)) => Err(PatternError::new(
            format!(
                "`\\{c}` is not a literal `{c}`: Docker reads it as a regular-expression escape; write `{c}` without `\\`"
            ),
            backslash_at,
            at + c.len_utf8(),
        )),
        None => Err(PatternError::new(
            "`\\` at the end of the pattern escapes nothing",
            backslash_at,
            len,
        )),
    }
}

/// Translates the (valid) class whose content starts at `chars[i]`, just after `[`.
fn translate_class(
    chars: &[(usize, char)],
    mut i: usize,
    pattern: &str,
) -> Result<(CharSet, usize), PatternError> {
    let negated = matches!(chars.get(i), Some((_, '^')));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    loop {
        match chars.get(i) {
            None => {
                return Err(PatternError::new("`[` is never closed", 0, pattern.len()));
            }
            Some((_, ']')) if !ranges.is_empty() => {
                return Ok((CharSet::Class { negated, ranges }, i + 1));
            }
            Some(_) => {}
        }
        let (lo, lo_start, next) = class_char(chars, i, pattern)?;
        i = next;
        let mut hi = lo;
        if let Some((_, '-')) = chars.get(i) {
            let (h, _, next) = class_char(chars, i + 1, pattern)?;
            hi = h;
            i = next;
            if lo > hi {
                let end = chars.get(i).map_or(pattern.len(), |&(at, _)| at);
                return Err(PatternError::new(
                    format!("range `{lo}-{hi}` is reversed: Docker rejects it; write `{hi}-{lo}`"),
                    lo_start,
                    end,
                ));
            }
        }
        ranges.push((lo, hi));
    }
}

/// One character inside a class: returns it, where it starts, and the index after it.
fn class_char(
    chars: &[(usize, char)],
    i: usize,
    pattern: &str,
) -> Result<(char, usize, usize), PatternError> {
    let Some(&(at, c)) = chars.get(i) else {
        return Err(PatternError::new("`[` is never closed", 0, pattern.len()));
    };
    match c {
        '\\' => literal_escape(chars, i + 1, pattern.len()).map(|e| (e, at, i + 2)),
        '*' | '?' => Err(PatternError::new(
            format!(
                "`{c}` inside `[...]` is not a literal `{c}` for Docker (it breaks the class apart); write `\\{c}`"
            ),
            at,
            at + 1,
        )),
        '[' if matches!(chars.get(i + 1), Some((_, ':')))
            && pattern
                .get(at + 2..)
                .is_some_and(|rest| rest.contains(":]")) =>
        {
            Err(PatternError::new(
                "`[:` inside `[...]` starts a POSIX class (like `[:alpha:]`) for Docker, not literal characters; write `\\[`",
                at,
                at + 2,
            ))
        }
        _ => Ok((c, at, i + 1)),
    }
}

impl Matcher {
    /// Whether the whole of `path` (slash-separated, relative, cleaned) matches.
    pub(crate) fn matches(&self, path: &str) -> bool {
        match self {
            Matcher::Exact(text) => path == text,
            Matcher::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|bare| path == bare)
            }
            Matcher::Program(steps) => {
                let states = run(steps, path);
                states.get(steps.len()).copied().unwrap_or(false)
            }
        }
    }

    /// Whether some path strictly below `dir_with_slash` (e.g. `".git/"`) could match.
    ///
    /// May say yes for a path no file could have; never says no wrongly.
    pub(crate) fn could_match_below(&self, dir_with_slash: &str) -> bool {
        match self {
            Matcher::Exact(text) => {
                text.len() > dir_with_slash.len() && text.starts_with(dir_with_slash)
            }
            Matcher::Prefix(prefix) => {
                prefix.starts_with(dir_with_slash) || dir_with_slash.starts_with(prefix.as_str())
            }
            Matcher::Suffix(_) => true,
            Matcher::Program(steps) => {
                let states = run(steps, dir_with_slash);
                steps.iter().zip(&states).any(|(step, live)| {
                    *live && matches!(step.kind, StepKind::One | StepKind::Many)
                })
            }
        }
    }
}

/// Runs the NFA over `text`; returns which steps are active at the end (`steps.len()` is
/// the accepting position).
fn run(steps: &[Step], text: &str) -> Vec<bool> {
    let mut current = vec![false; steps.len() + 1];
    let mut next = vec![false; steps.len() + 1];
    add_with_closure(steps, &mut current, 0, true);
    for c in text.chars() {
        next.iter_mut().for_each(|s| *s = false);
        let mut any = false;
        for (index, step) in steps.iter().enumerate() {
            if !current.get(index).copied().unwrap_or(false) || !step.set.accepts(c) {
                continue;
            }
            match step.kind {
                StepKind::One => add_with_closure(steps, &mut next, index + 1, false),
                StepKind::Many => add_with_closure(steps, &mut next, index, false),
                StepKind::Start | StepKind::Optional => continue,
            }
            any = true;
        }
        std::mem::swap(&mut current, &mut next);
        if !any {
            break;
        }
    }
    current
}

/// Marks `index` active, then everything reachable from it without reading a character.
fn add_with_closure(steps: &[Step], active: &mut [bool], index: usize, at_start: bool) {
    let mut pending = vec![index];
    while let Some(at) = pending.pop() {
        match active.get_mut(at) {
            Some(flag) if !*flag => *flag = true,
            _ => continue,
        }
        let Some(step) = steps.get(at) else { continue };
        match step.kind {
            StepKind::Many => pending.push(at + 1),
            StepKind::Start if at_start => pending.push(at + 1),
            StepKind::Optional => {
                pending.push(at + 1);
                pending.extend(step.skip_to);
            }
            StepKind::Start | StepKind::One => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_follows_go_rules() {
        let cases = [
            ("a//b", "a/b"),
            ("./a/./b/", "a/b"),
            ("a/b/../c", "a/c"),
            ("a/..", "."),
            ("../a", "../a"),
            ("../../a/..", "../.."),
            ("/../a", "/a"),
            ("/", "/"),
            ("", "."),
            ("a\\b", "a\\b"),
        ];
        for (input, expected) in cases {
            assert_eq!(clean(input), expected, "{input}");
        }
    }

    #[test]
    fn clean_keeps_source_offsets() {
        let cleaned = clean_with_offsets("./x//yz", 10);
        assert_eq!(cleaned.text, "x/yz");
        assert_eq!(cleaned.offsets, [12, 14, 15, 16]);
    }

    #[test]
    fn docker_shortcuts_are_chosen_like_docker() {
        let kind = |p: &str| match compile(p) {
            Ok(Matcher::Exact(t)) => format!("exact {t}"),
            Ok(Matcher::Prefix(t)) => format!("prefix {t}"),
            Ok(Matcher::Suffix(t)) => format!("suffix {t}"),
            Ok(Matcher::Program(_)) => "program".to_owned(),
            Err(e) => format!("error {}", e.message),
        };
        assert_eq!(kind("a.b"), "exact a.b");
        assert_eq!(kind("a/**"), "prefix a/");
        assert_eq!(kind("**"), "suffix ");
        assert_eq!(kind("**/a.b"), "suffix /a.b");
        assert_eq!(kind("**/*.b"), "program");
        assert_eq!(kind("*/**"), "program");
        assert_eq!(kind("a]"), "program");
    }

    #[test]
    fn could_match_below_a_directory() {
        let below = |p: &str, dir: &str| compile(p).is_ok_and(|m| m.could_match_below(dir));
        assert!(below("a/b", "a/"));
        assert!(!below("a", "a/"));
        assert!(!below("ab/c", "a/"));
        assert!(below("a/**", "a/"));
        assert!(below("a**", "ab/"));
        assert!(below("**/x", "a/"));
        assert!(below("*/x", "a/"));
        assert!(!below("*/x", "a/b/"));
        assert!(!below("b/*", "a/"));
        assert!(below("[ab]/*", "a/"));
    }
}
