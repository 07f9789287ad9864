//! Inline suppressions: one comment grammar for every file kind with `#` comments
//! (systemd units' `;` comments read the same).
//!
//! ```text
//! # deploylint: ignore[DF001, reload-in-production] reason="..." expires=2026-12-31
//! # deploylint: stage-ignore[DF004]     (a Dockerfile: until the next FROM)
//! # deploylint: file-ignore[DI003]      (the whole file)
//! ```
//!
//! Rules are named by code or name. `reason="..."` (or free text after `]`) and
//! `expires=YYYY-MM-DD` are optional; an expired suppression stops suppressing and is
//! reported. `ignore` written on its own line applies to the next line; in a Dockerfile to
//! the whole next instruction, continuation lines included (in a systemd unit, the whole
//! next assignment). A trailing comment on the same line applies to that line, for the
//! kinds whose parsers give trailing comments (Python, YAML; in a Dockerfile or a unit a
//! `#` mid-line is part of the instruction or value).
//!
//! Each file kind provides its comments ([`Comment`]: span and whether it is alone on its
//! line) and where a scope ends (`Suppression::region`); the grammar and the bookkeeping (used,
//! unused, invalid, expired) are shared. Kubernetes objects will add suppressions from
//! their `deploylint.dev/ignore` annotation through [`object_suppressions`].
//!
//! Problems with suppressions are reported as rules of their own, in the file holding the
//! comment: `XF900` unused, `XF901` invalid, `XF902` expired.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Location};
use crate::engine::{RuleCode, nearest, nearest_word};
use crate::parse::dockerfile::InstructionKind;
use crate::project::{ParsedFile, Tree};
use crate::source::SourceFile;
use crate::span::{Span, Spanned};

/// How far a suppression reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// `ignore`: the next line or instruction (or the comment's own line when trailing).
    Line,
    /// `stage-ignore`: to the end of the Dockerfile stage.
    Stage,
    /// `file-ignore`: the whole file.
    File,
    /// A Kubernetes object's `deploylint.dev/ignore` annotation: that object.
    Object,
}

impl Scope {
    /// The directive word.
    pub fn word(self) -> &'static str {
        match self {
            Scope::Line => "ignore",
            Scope::Stage => "stage-ignore",
            Scope::File => "file-ignore",
            Scope::Object => IGNORE_ANNOTATION,
        }
    }
}

/// A calendar date (`expires=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, from 1.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = number(0..4)?;
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch(i64::try_from(seconds / 86_400).unwrap_or(0))
    }

    /// The civil date `days` after 1970-01-01 (proleptic Gregorian calendar).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A comment as its file's parser saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line (line break excluded).
    pub span: Span,
    /// Whether only whitespace precedes it on its line (otherwise it trails code).
    pub own_line: bool,
}

/// One parsed suppression directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// How far it reaches.
    pub scope: Scope,
    /// The rules it names, each with the span of its code or name.
    pub rules: Vec<Spanned<RuleCode>>,
    /// Why (from `reason="..."` or free text).
    pub reason: Option<String>,
    /// When it stops suppressing.
    pub expires: Option<Date>,
    /// The whole comment.
    pub comment: Span,
    /// The bytes it covers: a diagnostic starting inside is suppressed.
    pub region: Span,
}

impl Suppression {
    fn covers(&self, offset: u32) -> bool {
        self.region.start <= offset && (offset < self.region.end || offset == self.region.start)
    }
}

/// A malformed directive: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The offending part of the comment.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Every directive of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSuppressions {
    /// Well-formed directives (possibly with some unknown codes left out).
    pub suppressions: Vec<Suppression>,
    /// Problems with directives.
    pub invalid: Vec<Invalid>,
}

/// What a directive looks like before it is placed in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Its scope.
    pub scope: Scope,
    /// Known rules it names.
    pub rules: Vec<Spanned<RuleCode>>,
    /// Its reason.
    pub reason: Option<String>,
    /// Its expiry date.
    pub expires: Option<Date>,
}

/// Parses one comment (`text` starts at `#`, at file offset `offset`). `None` when it is
/// not a deploylint directive at all; otherwise the directive, if usable, and every
/// problem found in it.
pub fn parse_directive(text: &str, offset: u32) -> Option<(Option<Directive>, Vec<Invalid>)> {
    let mut cursor = Cursor {
        text,
        pos: 0,
        offset,
    };
    cursor.eat('#');
    cursor.skip_space();
    let rest = cursor.rest();
    let lowered = rest.get(..10).map(str::to_ascii_lowercase);
    if lowered.as_deref() != Some("deploylint")
        || rest[10..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let start = cursor.pos;
    cursor.pos += 10;
    let mut problems = Vec::new();
    cursor.skip_space();
    if !cursor.eat(':') {
        problems.push(cursor.invalid(start, cursor.pos, "expected `deploylint:`".to_string()));
        return Some((None, problems));
    }
    cursor.skip_space();
    let word_start = cursor.pos;
    let word = cursor.take_while(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let scope = match word {
        "ignore" => Scope::Line,
        "stage-ignore" => Scope::Stage,
        "file-ignore" => Scope::File,
        "" => {
            problems.push(cursor.invalid(
                word_start,
                word_start,
                "expected `ignore[...]`, `stage-ignore[...]` or `file-ignore[...]`".to_string(),
            ));
            return Some((None, problems));
        }
        other => {
            let hint = nearest_word(other, &["ignore", "stage-ignore", "file-ignore"]).map_or_else(
                || " (expected `ignore`, `stage-ignore` or `file-ignore`)".to_string(),
                |near| format!(" (did you mean `{near}`?)"),
            );
            problems.push(cursor.invalid(
                word_start,
                cursor.pos,
                format!("unknown directive `{other}`{hint}"),
            ));
            return Some((None, problems));
        }
    };
    cursor.skip_space();
    if !cursor.eat('[') {
        problems.push(cursor.invalid(
            word_start,
            word_start + word.len(),
            format!("`{word}` needs the rules it suppresses in brackets: `{word}[DF001]`"),
        ));
        return Some((None, problems));
    }
    let list_start = cursor.pos - 1;
    let Some(close) = cursor.rest().find(']') else {
        problems.push(cursor.invalid(list_start, text.len(), "unclosed `[`".to_string()));
        return Some((None, problems));
    };
    let list = &cursor.rest()[..close];
    let list_offset = cursor.pos;
    cursor.pos += close + 1;
    let mut rules = Vec::new();
    let mut item_start = 0;
    for item in list.split(',') {
        let trimmed_start = item.len() - item.trim_start().len();
        let name = item.trim();
        let at = list_offset + item_start + trimmed_start;
        item_start += item.len() + 1;
        if name.is_empty() {
            continue;
        }
        match RuleCode::find(name) {
            Some(code) => rules.push(Spanned::new(
                code,
                Span::from_range(offset as usize + at..offset as usize + at + name.len()),
            )),
            None => problems.push(cursor.invalid(at, at + name.len(), unknown_rule_message(name))),
        }
    }
    if rules.is_empty() && problems.is_empty() {
        problems.push(cursor.invalid(
            list_start,
            cursor.pos,
            format!("`{word}[]` names no rule; name the codes or names it suppresses"),
        ));
    }
    // Options and free-text reason.
    let mut reason: Option<String> = None;
    let mut free_text: Vec<&str> = Vec::new();
    let mut expires = None;
    loop {
        cursor.skip_space();
        if cursor.rest().is_empty() {
            break;
        }
        let token_start = cursor.pos;
        let key = option_key(cursor.rest());
        match key {
            Some(key) => {
                cursor.pos += key.len() + 1;
                let value_start = cursor.pos;
                let value = if cursor.eat('"') {
                    match cursor.rest().find('"') {
                        Some(end) => {
                            let value = &cursor.rest()[..end];
                            cursor.pos += end + 1;
                            value
                        }
                        None => {
                            problems.push(cursor.invalid(
                                value_start,
                                text.len(),
                                "unclosed `\"` in the reason".to_string(),
                            ));
                            cursor.pos = text.len();
                            ""
                        }
                    }
                } else {
                    cursor.take_while(|c| !c.is_whitespace())
                };
                match key {
                    "reason" => {
                        let value = value.trim();
                        if !value.is_empty() {
                            reason = Some(value.to_string());
                        }
                    }
                    "expires" => match Date::parse(value) {
                        Some(date) => expires = Some(date),
                        None => problems.push(cursor.invalid(
                            value_start,
                            cursor.pos,
                            format!("`expires={value}` is not a date; write `expires=YYYY-MM-DD`"),
                        )),
                    },
                    other => {
                        let hint = nearest_word(other, &["reason", "expires"]).map_or_else(
                            || " (expected `reason=` or `expires=`)".to_string(),
                            |near| format!(" (did you mean `{near}`?)"),
                        );
                        problems.push(cursor.invalid(
                            token_start,
                            token_start + other.len(),
                            format!("unknown option `{other}`{hint}"),
                        ));
                    }
                }
            }
            None => free_text.push(cursor.take_while(|c| !c.is_whitespace())),
        }
    }
    if reason.is_none() && !free_text.is_empty() {
        reason = Some(free_text.join(" "));
    }
    let directive = (!rules.is_empty()).then_some(Directive {
        scope,
        rules,
        reason,
        expires,
    });
    Some((directive, problems))
}

/// `key` when `text` starts with `key=` and `key` is a lowercase word.
fn option_key(text: &str) -> Option<&str> {
    let end = text.find('=')?;
    let key = &text[..end];
    (!key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_'))
    .then_some(key)
}

struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    offset: u32,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn skip_space(&mut self) {
        self.take_while(char::is_whitespace);
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'t str {
        let rest = self.rest();
        let end = rest.find(|c| !keep(c)).unwrap_or(rest.len());
        self.pos += end;
        &rest[..end]
    }

    fn invalid(&self, start: usize, end: usize, message: String) -> Invalid {
        let base = self.offset as usize;
        Invalid {
            span: Span::from_range(base + start..base + end.max(start)),
            message,
        }
    }
}

/// The comments of a parsed file, as its parser saw them. Kinds without `#` comments
/// (or not wired yet) give none.
pub fn comments(parsed: &ParsedFile) -> Vec<Comment> {
    match &parsed.tree {
        Tree::Dockerfile(model) => model
            .ast
            .comments
            .iter()
            .map(|c| Comment {
                span: c.span,
                own_line: true,
            })
            .collect(),
        // Docker reads a line as a comment only when `#` is its first byte.
        Tree::DockerIgnore(_) => lines(parsed.source.text())
            .filter(|line| line.text(parsed.source.text()).starts_with('#'))
            .map(|span| Comment {
                span,
                own_line: true,
            })
            .collect(),
        Tree::Kubernetes(manifests) => yaml_comments(parsed.source.text(), &manifests.yaml),
        // systemd reads `#` and `;` lines as comments, never a trailing part of a line.
        Tree::Systemd(unit) => unit
            .comments
            .iter()
            .map(|&span| Comment {
                span,
                own_line: true,
            })
            .collect(),
        Tree::Compose(compose) => yaml_comments(parsed.source.text(), &compose.yaml),
        _ => Vec::new(),
    }
}

/// "unknown rule `X` (did you mean `Y`?)".
fn unknown_rule_message(name: &str) -> String {
    let hint = nearest(name)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    format!("unknown rule `{name}`{hint}")
}

/// The annotation that exempts a Kubernetes object from rules: `deploylint.dev/ignore:
/// "K8S005, missing-pdb"`. An optional `deploylint.dev/ignore-reason` gives the reason.
pub const IGNORE_ANNOTATION: &str = "deploylint.dev/ignore";

/// The annotation giving the reason of [`IGNORE_ANNOTATION`].
pub const IGNORE_REASON_ANNOTATION: &str = "deploylint.dev/ignore-reason";

/// The comments of a YAML file, each marked own-line or trailing.
fn yaml_comments(text: &str, yaml: &crate::parse::yaml::YamlStream) -> Vec<Comment> {
    yaml.comments
        .iter()
        .map(|comment| {
            let start = comment.span.start as usize;
            let line_start = text
                .get(..start)
                .and_then(|before| before.rfind(['\n', '\r']))
                .map_or(0, |at| at + 1);
            let own_line = text
                .get(line_start..start)
                .is_some_and(|before| before.trim().is_empty());
            Comment {
                span: comment.span,
                own_line,
            }
        })
        .collect()
}

/// Suppressions that come from the structure of a file rather than its comments: the
/// `deploylint.dev/ignore` annotation of Kubernetes objects, whose region is the object.
pub fn object_suppressions(parsed: &ParsedFile) -> FileSuppressions {
    let mut found = FileSuppressions::default();
    let Tree::Kubernetes(manifests) = &parsed.tree else {
        return found;
    };
    for object in &manifests.objects {
        let Some(value) = object.annotations.get(IGNORE_ANNOTATION) else {
            continue;
        };
        let mut rules = Vec::new();
        let text = parsed.source.slice(value.span);
        // The value's span may include quotes; find each name inside it for exact spans.
        let base = value.span.start + text.find(value.value.as_str()).unwrap_or(0) as u32;
        let mut offset = 0usize;
        for part in value.value.split(',') {
            let start = offset + (part.len() - part.trim_start().len());
            offset += part.len() + 1;
            let name = part.trim();
            if name.is_empty() {
                continue;
            }
            let span = Span::from_range(base as usize + start..base as usize + start + name.len());
            match RuleCode::find(name) {
                Some(code) => rules.push(Spanned::new(code, span)),
                None => found.invalid.push(Invalid {
                    span,
                    message: unknown_rule_message(name),
                }),
            }
        }
        if rules.is_empty() {
            if !value
                .value
                .contains(|c: char| !c.is_whitespace() && c != ',')
            {
                found.invalid.push(Invalid {
                    span: value.span,
                    message: format!(
                        "`{IGNORE_ANNOTATION}` names no rule: list codes or names, \
                         comma-separated"
                    ),
                });
            }
            continue;
        }
        found.suppressions.push(Suppression {
            scope: Scope::Object,
            rules,
            reason: object
                .annotations
                .get(IGNORE_REASON_ANNOTATION)
                .map(|reason| reason.value.clone()),
            expires: None,
            comment: value.span,
            region: object.span,
        });
    }
    found
}

/// Every line of `text` as a span without its line break.
fn lines(text: &str) -> impl Iterator<Item = Span> + '_ {
    let mut start = 0usize;
    text.split_inclusive('\n').map(move |line| {
        let span_start = start;
        start += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        Span::from_range(span_start..span_start + content.len())
    })
}

/// Reads every directive of `parsed` and places each in its file.
pub fn collect(parsed: &ParsedFile) -> FileSuppressions {
    let source = &parsed.source;
    let mut found = object_suppressions(parsed);
    for comment in comments(parsed) {
        // A `;` comment (systemd) reads like a `#` one.
        let text = source.slice(comment.span);
        let (text, offset) = match text.strip_prefix(';') {
            Some(rest) => (rest, comment.span.start + 1),
            None => (text, comment.span.start),
        };
        let Some((directive, problems)) = parse_directive(text, offset) else {
            continue;
        };
        found.invalid.extend(problems);
        let Some(directive) = directive else {
            continue;
        };
        let region = match directive.scope {
            Scope::File => Some(Span::new(0, len(source))),
            Scope::Line if !comment.own_line => Some(line_of(source, comment.span.start)),
            Scope::Line => Some(next_target(parsed, comment.span)),
            Scope::Stage => stage_region(parsed, comment.span),
            Scope::Object => None,
        };
        let Some(region) = region else {
            found.invalid.push(Invalid {
                span: comment.span,
                message: "`stage-ignore` only applies in a Dockerfile (to the end of a stage)"
                    .to_string(),
            });
            continue;
        };
        found.suppressions.push(Suppression {
            scope: directive.scope,
            rules: directive.rules,
            reason: directive.reason,
            expires: directive.expires,
            comment: comment.span,
            region,
        });
    }
    found
}

fn len(source: &SourceFile) -> u32 {
    u32::try_from(source.text().len()).unwrap_or(u32::MAX)
}

fn line_of(source: &SourceFile, offset: u32) -> Span {
    let line = source.line_col(offset).line;
    source
        .line_index()
        .line_span(source.text(), line)
        .unwrap_or(Span::empty(offset))
}

/// What an own-line `ignore` covers: the next line that is neither blank nor a comment;
/// in a Dockerfile, the whole instruction starting there (or the instruction the comment
/// sits inside, between continuation lines); in a systemd unit, the whole assignment
/// starting there, continuation lines included.
fn next_target(parsed: &ParsedFile, comment: Span) -> Span {
    let source = &parsed.source;
    if let Tree::Dockerfile(model) = &parsed.tree
        && let Some(instruction) = model
            .ast
            .instructions
            .iter()
            .find(|i| i.span.start < comment.start && comment.start < i.span.end)
    {
        return instruction.span;
    }
    let text = source.text();
    let line = lines(text)
        .skip_while(|l| l.end <= comment.start)
        .skip(1)
        .find(|l| {
            let content = l.text(text).trim_start();
            let comment = content.starts_with('#')
                || (matches!(parsed.tree, Tree::Systemd(_)) && content.starts_with(';'));
            !content.is_empty() && !comment
        });
    let Some(line) = line else {
        return Span::empty(len(source));
    };
    if let Tree::Systemd(unit) = &parsed.tree
        && let Some(entry) = unit
            .sections
            .iter()
            .flat_map(|s| s.entries.iter())
            .find(|e| line.start <= e.span.start && e.span.start <= line.end)
    {
        return Span::new(line.start, entry.span.end.max(line.end));
    }
    if let Tree::Dockerfile(model) = &parsed.tree
        && let Some(instruction) = model
            .ast
            .instructions
            .iter()
            .find(|i| line.start <= i.span.start && i.span.start <= line.end)
    {
        return Span::new(line.start, instruction.span.end);
    }
    line
}

/// What a `stage-ignore` covers: from the comment to the next `FROM` after the
/// instruction that follows it (so written above a `FROM`, it covers that stage).
fn stage_region(parsed: &ParsedFile, comment: Span) -> Option<Span> {
    let Tree::Dockerfile(model) = &parsed.tree else {
        return None;
    };
    let instructions = &model.ast.instructions;
    let end = instructions
        .iter()
        .position(|i| i.span.end > comment.end)
        .and_then(|first| {
            instructions
                .iter()
                .skip(first + 1)
                .find(|i| matches!(i.kind, InstructionKind::From(_)))
        })
        .map_or(len(&parsed.source), |from| from.span.start);
    Some(Span::new(comment.start, end))
}

/// Applies configuration and inline suppressions to the diagnostics of a run: drops the
/// findings that `per-file-ignores` or a suppression covers, then reports unused,
/// invalid and expired suppressions (`XF900`-`XF902`) where they are enabled.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    files: &[ParsedFile],
    settings: &Settings,
    today: Date,
) -> Vec<Diagnostic> {
    let mut by_path: HashMap<&Path, (usize, FileSuppressions, Vec<Vec<bool>>)> = HashMap::new();
    for (index, file) in files.iter().enumerate() {
        let found = collect(file);
        let used = found
            .suppressions
            .iter()
            .map(|s| vec![false; s.rules.len()])
            .collect();
        by_path.insert(file.source.path(), (index, found, used));
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        if !settings.is_enabled_in(diagnostic.code, diagnostic.path()) {
            continue;
        }
        let suppressed = by_path
            .get_mut(diagnostic.path())
            .is_some_and(|(_, found, used)| suppress(found, used, &diagnostic, today));
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    let mut meta = Vec::new();
    let mut entries: Vec<_> = by_path.values().collect();
    entries.sort_by_key(|(index, _, _)| *index);
    for (index, found, used) in entries {
        let Some(file) = files.get(*index) else {
            continue;
        };
        report_problems(file, found, used, settings, today, &mut meta);
    }
    for diagnostic in meta {
        if !settings.is_enabled_in(diagnostic.code, diagnostic.path()) {
            continue;
        }
        let suppressed = by_path
            .get_mut(diagnostic.path())
            .is_some_and(|(_, found, used)| suppress(found, used, &diagnostic, today));
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    kept
}

/// Whether a live suppression covers `diagnostic`; marks the most specific one used.
fn suppress(
    found: &FileSuppressions,
    used: &mut [Vec<bool>],
    diagnostic: &Diagnostic,
    today: Date,
) -> bool {
    let offset = diagnostic.location.span.start;
    let mut best: Option<(Scope, usize, usize)> = None;
    for (index, suppression) in found.suppressions.iter().enumerate() {
        if suppression.expires.is_some_and(|date| date < today) || !suppression.covers(offset) {
            continue;
        }
        let Some(rule) = suppression
            .rules
            .iter()
            .position(|r| r.value == diagnostic.code)
        else {
            continue;
        };
        if best.is_none_or(|(scope, _, _)| suppression.scope < scope) {
            best = Some((suppression.scope, index, rule));
        }
    }
    match best {
        Some((_, index, rule)) => {
            if let Some(flag) = used.get_mut(index).and_then(|u| u.get_mut(rule)) {
                *flag = true;
            }
            true
        }
        None => false,
    }
}

fn is_suppression_rule(code: RuleCode) -> bool {
    matches!(code, RuleCode::XF900 | RuleCode::XF901 | RuleCode::XF902)
}

fn report_problems(
    file: &ParsedFile,
    found: &FileSuppressions,
    used: &[Vec<bool>],
    settings: &Settings,
    today: Date,
    out: &mut Vec<Diagnostic>,
) {
    let source = &file.source;
    let path = source.path();
    for invalid in &found.invalid {
        out.push(meta_diagnostic(
            source,
            RuleCode::XF901,
            invalid.span,
            format!("invalid suppression: {}", invalid.message),
        ));
    }
    for (suppression, used) in found.suppressions.iter().zip(used) {
        if settings.require_reason && suppression.reason.is_none() {
            out.push(meta_diagnostic(
                source,
                RuleCode::XF901,
                suppression.comment,
                "invalid suppression: it gives no reason, and `require-reason` is on; add \
                 `reason=\"...\"`"
                    .to_string(),
            ));
        }
        if let Some(date) = suppression.expires.filter(|date| *date < today) {
            let codes: Vec<&str> = suppression.rules.iter().map(|r| r.value.as_str()).collect();
            out.push(meta_diagnostic(
                source,
                RuleCode::XF902,
                suppression.comment,
                format!(
                    "this suppression of {} expired on {date} and no longer applies",
                    codes.join(", ")
                ),
            ));
            continue;
        }
        for (rule, was_used) in suppression.rules.iter().zip(used) {
            if *was_used || is_suppression_rule(rule.value) {
                continue;
            }
            let code = rule.value;
            let message = if settings.is_enabled_in(code, path) {
                let place = match suppression.scope {
                    Scope::Line => "on the line it covers",
                    Scope::Stage => "in this stage",
                    Scope::File => "in this file",
                    Scope::Object => "in this object",
                };
                format!(
                    "unused suppression: no {code} ({}) finding {place}",
                    code.name()
                )
            } else {
                format!(
                    "unused suppression: {code} ({}) does not run on this file",
                    code.name()
                )
            };
            out.push(meta_diagnostic(source, RuleCode::XF900, rule.span, message));
        }
    }
}

fn meta_diagnostic(source: &SourceFile, code: RuleCode, span: Span, message: String) -> Diagnostic {
    let help = match code {
        RuleCode::XF900 => Some("remove the rule from the suppression (or the whole comment)"),
        RuleCode::XF901 => Some(
            "write `# deploylint: ignore[CODE, ...] reason=\"...\"` (or `stage-ignore`, \
             `file-ignore`)",
        ),
        RuleCode::XF902 => Some("fix the finding, or extend `expires=` with a new reason"),
        _ => None,
    };
    Diagnostic {
        code,
        severity: code.meta().severity,
        message,
        location: Location::new(source, span),
        labels: Vec::new(),
        help: help.map(str::to_string),
        redact: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileKind;

    fn directive(text: &str) -> (Option<Directive>, Vec<Invalid>) {
        parse_directive(text, 100).expect("a deploylint comment")
    }

    #[test]
    fn other_comments_are_not_directives() {
        assert_eq!(parse_directive("# install deps", 0), None);
        assert_eq!(parse_directive("# deploylinter: x", 0), None);
        assert_eq!(parse_directive("#", 0), None);
    }

    #[test]
    fn codes_and_names_with_spans() {
        let (found, problems) = directive("# deploylint: ignore[DI001, secrets-in-context]");
        let found = found.expect("valid");
        assert!(problems.is_empty());
        assert_eq!(found.scope, Scope::Line);
        assert_eq!(
            found.rules,
            [
                Spanned::new(RuleCode::DI001, Span::new(121, 126)),
                Spanned::new(RuleCode::DI002, Span::new(128, 146)),
            ]
        );
        assert_eq!(found.reason, None);
    }

    #[test]
    fn scopes() {
        assert_eq!(
            directive("#deploylint:stage-ignore[DI001]")
                .0
                .map(|d| d.scope),
            Some(Scope::Stage)
        );
        assert_eq!(
            directive("# deploylint: file-ignore [ DI001 ]")
                .0
                .map(|d| d.scope),
            Some(Scope::File)
        );
    }

    #[test]
    fn reason_and_expiry() {
        let found = directive(
            "# deploylint: ignore[DI001] reason=\"vendored, see #12\" expires=2026-12-31",
        )
        .0
        .expect("valid");
        assert_eq!(found.reason.as_deref(), Some("vendored, see #12"));
        assert_eq!(
            found.expires,
            Some(Date {
                year: 2026,
                month: 12,
                day: 31
            })
        );
        let found = directive("# deploylint: ignore[DI001] built by CI only")
            .0
            .expect("valid");
        assert_eq!(found.reason.as_deref(), Some("built by CI only"));
    }

    #[test]
    fn malformed_directives_are_located() {
        let (found, problems) = directive("# deploylint: ignroe[DI001]");
        assert_eq!(found, None);
        assert_eq!(
            problems,
            [Invalid {
                span: Span::new(114, 120),
                message: "unknown directive `ignroe` (did you mean `ignore`?)".into()
            }]
        );
        let (_, problems) = directive("# deploylint: ignore DI001");
        assert_eq!(
            problems[0].message,
            "`ignore` needs the rules it suppresses in brackets: `ignore[DF001]`"
        );
        let (_, problems) = directive("# deploylint: ignore[]");
        assert_eq!(
            problems[0].message,
            "`ignore[]` names no rule; name the codes or names it suppresses"
        );
        let (_, problems) = directive("# deploylint: ignore[DI001");
        assert_eq!(problems[0].message, "unclosed `[`");
        let (_, problems) = directive("# deploylint ignore[DI001]");
        assert_eq!(problems[0].message, "expected `deploylint:`");
    }

    #[test]
    fn unknown_codes_are_reported_and_known_ones_kept() {
        let (found, problems) = directive("# deploylint: ignore[DI0O1, DI002]");
        assert_eq!(
            found.map(|d| d.rules),
            Some(vec![Spanned::new(RuleCode::DI002, Span::new(128, 133))])
        );
        assert_eq!(
            problems,
            [Invalid {
                span: Span::new(121, 126),
                message: "unknown rule `DI0O1` (did you mean `DI001`?)".into()
            }]
        );
    }

    #[test]
    fn bad_options_and_dates() {
        let (_, problems) = directive("# deploylint: ignore[DI001] expires=2026-02-30");
        assert_eq!(
            problems[0].message,
            "`expires=2026-02-30` is not a date; write `expires=YYYY-MM-DD`"
        );
        let (_, problems) = directive("# deploylint: ignore[DI001] reasn=\"x\"");
        assert_eq!(
            problems[0].message,
            "unknown option `reasn` (did you mean `reason`?)"
        );
        let (_, problems) = directive("# deploylint: ignore[DI001] reason=\"x");
        assert_eq!(problems[0].message, "unclosed `\"` in the reason");
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("20230101"), None);
    }

    fn parsed(path: &str, kind: FileKind, text: &str) -> ParsedFile {
        ParsedFile::parse(SourceFile::new(path, kind, text))
    }

    fn regions(file: &ParsedFile) -> Vec<(Scope, String)> {
        collect(file)
            .suppressions
            .iter()
            .map(|s| (s.scope, file.source.slice(s.region).to_string()))
            .collect()
    }

    #[test]
    fn ignore_covers_the_whole_next_dockerfile_instruction() {
        let file = parsed(
            "Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12\n# deploylint: ignore[DI001]\n\n# other\nRUN a \\\n  && b\nRUN c\n",
        );
        assert_eq!(
            regions(&file),
            [(Scope::Line, "RUN a \\\n  && b".to_string())]
        );
    }

    #[test]
    fn ignore_covers_an_unparseable_line() {
        let file = parsed(
            "Dockerfile",
            FileKind::Dockerfile,
            "FROM python:3.12\n# deploylint: ignore[DF000]\nRUNN x\nRUN y\n",
        );
        assert_eq!(regions(&file), [(Scope::Line, "RUNN x".to_string())]);
    }

    #[test]
    fn stage_ignore_reaches_the_next_from() {
        let text = "FROM a AS build\nRUN x\n# deploylint: stage-ignore[DI001]\nFROM b\nRUN y\nFROM c\nRUN z\n";
        let file = parsed("Dockerfile", FileKind::Dockerfile, text);
        assert_eq!(
            regions(&file),
            [(
                Scope::Stage,
                "# deploylint: stage-ignore[DI001]\nFROM b\nRUN y\n".to_string()
            )]
        );
    }

    #[test]
    fn dockerignore_comments_and_stage_ignore_outside_dockerfiles() {
        let file = parsed(
            ".dockerignore",
            FileKind::DockerIgnore,
            "# deploylint: ignore[DI004]\n# why\n!.env\n# deploylint: stage-ignore[DI004]\n",
        );
        assert_eq!(regions(&file), [(Scope::Line, "!.env".to_string())]);
        let found = collect(&file);
        assert_eq!(
            found.invalid[0].message,
            "`stage-ignore` only applies in a Dockerfile (to the end of a stage)"
        );
    }

    #[test]
    fn systemd_hash_and_semicolon_comments_cover_the_whole_assignment() {
        let text = "[Service]\n; deploylint: ignore[SD002] reason=\"staging box\"\nExecStart=/bin/uvicorn a:b \\\n  --reload\n# deploylint: ignore[SD004]\n# a note\nUser=root\n";
        let file = parsed("api.service", FileKind::SystemdUnit, text);
        assert_eq!(
            regions(&file),
            [
                (
                    Scope::Line,
                    "ExecStart=/bin/uvicorn a:b \\\n  --reload".to_string()
                ),
                (Scope::Line, "User=root".to_string()),
            ]
        );
        let found = collect(&file);
        assert_eq!(found.suppressions[0].reason.as_deref(), Some("staging box"));
        assert_eq!(found.suppressions[0].rules[0].span, Span::new(31, 36));
    }

    #[test]
    fn compose_trailing_and_own_line_comments() {
        let text = "services:\n  api:\n    # deploylint: ignore[DC001]\n    environment:\n      A: b  # deploylint: ignore[DC002]\n";
        let file = parsed("compose.yaml", FileKind::Yaml, text);
        assert_eq!(
            regions(&file),
            [
                (Scope::Line, "    environment:".to_string()),
                (
                    Scope::Line,
                    "      A: b  # deploylint: ignore[DC002]".to_string()
                ),
            ]
        );
    }
}
