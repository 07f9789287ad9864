//! systemd unit files (`*.service`, `*.socket`, `*.timer`) with spans.
//!
//! The grammar is systemd's: `[Section]` headers, `Key=value` assignments (a key may be
//! repeated; an empty assignment resets list-valued keys such as `ExecStart=`), `#` and
//! `;` comment lines, and lines ending in a backslash continued on the next line (the
//! backslash becomes a space, and comment lines between continued lines are skipped).
//! Each value is kept as a [`MappedText`], so the words of `ExecStart=` and the
//! assignments of `Environment=` map back to their exact file bytes.
//!
//! Command lines (`ExecStart=` and the other `Exec*=` keys) are split the way systemd
//! splits them — not the shell's way: whitespace separates words, `"..."` and `'...'`
//! quote (anywhere in a word), C-style backslash escapes are processed inside and outside
//! quotes, a lone `;` separates commands, and the prefixes `-`, `@`, `:`, `+`, `!`, `!!`
//! come first. Specifiers (`%i`, `%h`) and `$VAR` references are left as written.
//!
//! Problems (a bad section header, an assignment without `=` or outside a section, a
//! continuation at the end of the file, an unterminated quote) are [`SyntaxError`]s; the
//! parse goes on past them.

use crate::parse::command::{Invocation, parse_invocation, word_with_references};
use crate::parse::shell::Word;
use crate::parse::{Parsed, SyntaxError};
use crate::span::{MappedText, Span, Spanned};

/// The keys whose value is a command line.
const EXEC_KEYS: &[&str] = &[
    "ExecCondition",
    "ExecStartPre",
    "ExecStart",
    "ExecStartPost",
    "ExecReload",
    "ExecStop",
    "ExecStopPost",
];

/// A parsed unit file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unit {
    /// Sections in file order (a section name may repeat; systemd merges them).
    pub sections: Vec<Section>,
    /// Every comment line (`#` or `;` to the end of the line), in file order.
    pub comments: Vec<Span>,
}

/// One `[Name]` section and its assignments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The name between the brackets.
    pub name: Spanned<String>,
    /// The header line, brackets included.
    pub header: Span,
    /// Assignments in file order, repeated keys included.
    pub entries: Vec<Entry>,
    /// From the header to the end of the last assignment.
    pub span: Span,
}

/// One `Key=value` assignment (continuation lines joined).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key, as written.
    pub key: Spanned<String>,
    /// The value without surrounding whitespace; continuations joined with a space.
    /// Its span runs from the first to the last byte of the value in the file.
    pub value: Spanned<String>,
    /// The value mapped back to the file byte by byte.
    pub mapped: MappedText,
    /// From the key to the end of the value.
    pub span: Span,
}

impl Entry {
    /// Whether the value is empty (`ExecStart=`: resets a list-valued key).
    pub fn is_empty(&self) -> bool {
        self.value.value.is_empty()
    }

    /// The commands of a command-line value (`ExecStart=`): one, or several separated
    /// by lone `;` words.
    pub fn exec_commands(&self) -> Vec<ExecCommand> {
        split_exec(&self.mapped, &mut Vec::new())
    }

    /// The assignments of an `Environment=` value.
    pub fn environment(&self) -> Vec<EnvAssignment> {
        split_environment(&self.mapped, &mut Vec::new())
    }

    /// The file named by an `EnvironmentFile=` value.
    pub fn environment_file(&self) -> Option<EnvironmentFile> {
        let text = &self.value.value;
        if text.is_empty() {
            return None;
        }
        let (optional, path) = match text.strip_prefix('-') {
            Some(rest) => (Some(Span::empty(self.value.span.start)), rest),
            None => (None, text.as_str()),
        };
        let start = text.len() - path.len();
        Some(EnvironmentFile {
            path: Spanned::new(
                path.to_string(),
                self.mapped
                    .span_to_file(Span::from_range(start..text.len())),
            ),
            optional: optional.map(|s| Span::new(s.start, s.start + 1)),
        })
    }

    /// Whether this is a (case-sensitive, as systemd reads it) `key` assignment.
    pub fn is(&self, key: &str) -> bool {
        self.key.value == key
    }
}

/// A prefix of a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExecPrefix {
    /// `-`: a failing exit status is not a failure.
    IgnoreFailure,
    /// `@`: the second word is passed as `argv[0]`.
    Argv0,
    /// `:`: no environment variable substitution.
    NoEnvironmentSubstitution,
    /// `+`: runs with full privileges (ignores `User=` and sandboxing).
    FullPrivileges,
    /// `!`: runs with elevated privileges, `User=` handled by the command.
    ElevatedPrivileges,
    /// `!!`: like `!` on systems without ambient capabilities.
    AmbientFallback,
}

/// One command of a command-line value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecCommand {
    /// The prefixes, in order.
    pub prefixes: Vec<Spanned<ExecPrefix>>,
    /// The program and its arguments after quote removal and escape processing; with
    /// the `@` prefix the `argv[0]` word is left out (see [`ExecCommand::argv0`]).
    pub words: Vec<Word>,
    /// The `argv[0]` given with the `@` prefix.
    pub argv0: Option<Word>,
    /// From the first prefix to the last word.
    pub span: Span,
}

impl ExecCommand {
    /// Whether the command has `prefix`.
    pub fn has_prefix(&self, prefix: ExecPrefix) -> bool {
        self.prefixes.iter().any(|p| p.value == prefix)
    }

    /// The program (first word).
    pub fn program(&self) -> Option<&Word> {
        self.words.first()
    }

    /// The server this command starts, read by the shared command-line model.
    pub fn invocation(&self) -> Option<Invocation> {
        parse_invocation(&self.words)
    }
}

/// One `NAME=value` of an `Environment=` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvAssignment {
    /// The variable's name.
    pub name: Spanned<String>,
    /// Its value after quote removal; the span covers the value as written.
    pub value: Spanned<String>,
    /// The whole assignment as written, quotes included.
    pub span: Span,
}

/// The file of an `EnvironmentFile=` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentFile {
    /// The path (specifiers kept).
    pub path: Spanned<String>,
    /// The `-` prefix (a missing file is not an error), when written.
    pub optional: Option<Span>,
}

/// What a unit file is, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitType {
    /// `*.service`.
    Service,
    /// `*.socket`.
    Socket,
    /// `*.timer`.
    Timer,
    /// Any other unit type.
    Other,
}

impl UnitType {
    /// The type of the unit file at `path`.
    pub fn of_path(path: &std::path::Path) -> UnitType {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("service") => UnitType::Service,
            Some("socket") => UnitType::Socket,
            Some("timer") => UnitType::Timer,
            _ => UnitType::Other,
        }
    }
}

impl Unit {
    /// Every section named `name`, in order.
    pub fn sections_named(&self, name: &str) -> Vec<&Section> {
        self.sections
            .iter()
            .filter(|s| s.name.value == name)
            .collect()
    }

    /// The first `[Service]` section.
    pub fn service(&self) -> Option<&Section> {
        self.sections.iter().find(|s| s.name.value == "Service")
    }

    /// Every assignment of `key` in the sections named `section`, in file order.
    pub fn entries(&self, section: &str, key: &str) -> Vec<&Entry> {
        self.sections
            .iter()
            .filter(|s| s.name.value == section)
            .flat_map(|s| s.entries.iter())
            .filter(|e| e.is(key))
            .collect()
    }

    /// The effective value of a single-valued key: the last assignment.
    pub fn get(&self, section: &str, key: &str) -> Option<&Entry> {
        self.entries(section, key).pop()
    }

    /// The effective assignments of a list-valued key: those after the last empty
    /// assignment (which resets the list), empty ones left out.
    pub fn list(&self, section: &str, key: &str) -> Vec<&Entry> {
        let all = self.entries(section, key);
        let start = all.iter().rposition(|e| e.is_empty()).map_or(0, |i| i + 1);
        all.get(start..).map(<[_]>::to_vec).unwrap_or_default()
    }

    /// The commands of the effective `ExecStart=` lines of `[Service]`.
    pub fn exec_start(&self) -> Vec<(&Entry, ExecCommand)> {
        self.list("Service", "ExecStart")
            .into_iter()
            .flat_map(|entry| entry.exec_commands().into_iter().map(move |c| (entry, c)))
            .collect()
    }

    /// The server started by `ExecStart=`: the first command the model recognises,
    /// preferring a known server over a Python script or module.
    pub fn invocation(&self) -> Option<(&Entry, ExecCommand, Invocation)> {
        let found: Vec<_> = self
            .exec_start()
            .into_iter()
            .filter_map(|(entry, command)| {
                let invocation = command.invocation()?;
                Some((entry, command, invocation))
            })
            .collect();
        let index = found
            .iter()
            .position(|(_, _, i)| i.server.value.is_known())
            .unwrap_or(0);
        found.into_iter().nth(index)
    }

    /// Every `Environment=` assignment of `[Service]`, in order (later ones win).
    pub fn environment(&self) -> Vec<EnvAssignment> {
        self.list("Service", "Environment")
            .into_iter()
            .flat_map(Entry::environment)
            .collect()
    }

    /// The value `Environment=` gives `name` (the last assignment).
    pub fn env_value(&self, name: &str) -> Option<EnvAssignment> {
        self.environment()
            .into_iter()
            .rev()
            .find(|a| a.name.value == name)
    }

    /// Every `EnvironmentFile=` of `[Service]`.
    pub fn environment_files(&self) -> Vec<EnvironmentFile> {
        self.list("Service", "EnvironmentFile")
            .into_iter()
            .filter_map(Entry::environment_file)
            .collect()
    }
}

/// Parses a unit file. Never fails: problems are in `errors`.
pub fn parse(text: &str) -> Parsed<Unit> {
    let mut unit = Unit::default();
    let mut errors = Vec::new();
    let lines = lines(text);
    let mut index = 0;
    while let Some(&(start, line)) = lines.get(index) {
        index += 1;
        let indent = line.len() - line.trim_start().len();
        let content = line.trim();
        let content_start = start + indent;
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') || content.starts_with(';') {
            unit.comments.push(Span::from_range(
                content_start..content_start + content.len(),
            ));
            continue;
        }
        if content.starts_with('[') {
            read_header(content, content_start, &mut unit, &mut errors);
            continue;
        }
        // An assignment, possibly continued.
        let Some(eq) = content.find('=') else {
            errors.push(SyntaxError::new(
                format!(
                    "expected `Key=value` or a `[Section]` header, found `{}`",
                    ellipsis(content)
                ),
                Span::from_range(content_start..content_start + content.len()),
            ));
            continue;
        };
        let key_text = content[..eq].trim_end();
        let key = Spanned::new(
            key_text.to_string(),
            Span::from_range(content_start..content_start + key_text.len()),
        );
        let mut mapped = MappedText::new();
        let after_eq = &content[eq + 1..];
        let value_lead = after_eq.len() - after_eq.trim_start().len();
        let mut piece_start = content_start + eq + 1 + value_lead;
        let mut piece = after_eq.trim_start();
        loop {
            match continued(piece) {
                Some(kept) => {
                    mapped.push(kept, to_u32(piece_start));
                    mapped.push_synthetic(" ");
                    let backslash = piece_start + kept.len();
                    // Skip comment lines inside the continuation.
                    let mut next = None;
                    while let Some(&(line_start, line)) = lines.get(index) {
                        index += 1;
                        let trimmed = line.trim_start();
                        if trimmed.starts_with('#') || trimmed.starts_with(';') {
                            let at = line_start + (line.len() - trimmed.len());
                            unit.comments
                                .push(Span::from_range(at..at + trimmed.trim_end().len()));
                            continue;
                        }
                        next = Some((line_start, line));
                        break;
                    }
                    match next {
                        Some((line_start, line)) => {
                            piece_start = line_start;
                            piece = line.trim_end();
                        }
                        None => {
                            errors.push(SyntaxError::new(
                                "the last line ends with `\\`: the continuation has no next \
                                 line",
                                Span::from_range(backslash..backslash + 1),
                            ));
                            break;
                        }
                    }
                }
                None => {
                    mapped.push(piece, to_u32(piece_start));
                    break;
                }
            }
        }
        let value_text = mapped.text().trim_end().to_string();
        let value_span = if value_text.is_empty() {
            Span::empty(to_u32(content_start + eq + 1))
        } else {
            mapped.span_to_file(Span::from_range(0..value_text.len()))
        };
        let entry = Entry {
            span: Span::new(
                key.span.start,
                value_span.end.max(to_u32(content_start + eq + 1)),
            ),
            key,
            value: Spanned::new(value_text, value_span),
            mapped,
        };
        validate_value(&entry, &mut errors);
        match unit.sections.last_mut() {
            Some(section) => {
                section.span = section.span.cover(entry.span);
                section.entries.push(entry);
            }
            None => errors.push(SyntaxError::new(
                format!(
                    "`{}=` is outside any section: systemd ignores it; put it under a \
                     `[Section]` header",
                    entry.key.value
                ),
                entry.span,
            )),
        }
    }
    Parsed { tree: unit, errors }
}

/// Reads a `[Name]` header line.
fn read_header(content: &str, start: usize, unit: &mut Unit, errors: &mut Vec<SyntaxError>) {
    let span = Span::from_range(start..start + content.len());
    let Some(inner) = content.strip_prefix('[').and_then(|c| c.strip_suffix(']')) else {
        errors.push(SyntaxError::new(
            "bad section header: it must be `[Name]` alone on its line",
            span,
        ));
        return;
    };
    if inner.is_empty() || inner.contains(['[', ']']) || inner.trim() != inner {
        errors.push(SyntaxError::new(
            format!("bad section header `{}`", ellipsis(content)),
            span,
        ));
        return;
    }
    unit.sections.push(Section {
        name: Spanned::new(
            inner.to_string(),
            Span::from_range(start + 1..start + 1 + inner.len()),
        ),
        header: span,
        entries: Vec::new(),
        span,
    });
}

/// Reports quoting problems in values systemd splits into words.
fn validate_value(entry: &Entry, errors: &mut Vec<SyntaxError>) {
    let key = entry.key.value.as_str();
    if EXEC_KEYS.contains(&key) {
        split_exec(&entry.mapped, errors);
    } else if key == "Environment" {
        split_environment(&entry.mapped, errors);
    }
}

/// `(start offset, line without its line break)` for every line.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

/// The text before a continuation backslash, when `piece` (trailing whitespace removed)
/// ends with an odd number of backslashes.
fn continued(piece: &str) -> Option<&str> {
    let trimmed = piece.trim_end();
    let backslashes = trimmed.len() - trimmed.trim_end_matches('\\').len();
    (backslashes % 2 == 1).then(|| &trimmed[..trimmed.len() - 1])
}

fn ellipsis(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A word split from a value: its unquoted text and its byte range in the value.
#[derive(Debug)]
struct RawWord {
    text: String,
    range: std::ops::Range<usize>,
    /// Whether any part was quoted or escaped (a quoted `;` is no separator).
    quoted: bool,
}

/// Splits `text` (from byte `from`) into words the way systemd does: whitespace
/// separates, quotes may start anywhere in a word, C escapes are processed.
fn split_words(
    text: &str,
    from: usize,
    map: &MappedText,
    errors: &mut Vec<SyntaxError>,
) -> Vec<RawWord> {
    let mut words = Vec::new();
    let mut chars = text.get(from..).unwrap_or("").char_indices().peekable();
    let mut current: Option<RawWord> = None;
    let mut quote: Option<(char, usize)> = None;
    while let Some((offset, c)) = chars.next() {
        let at = from + offset;
        let end = at + c.len_utf8();
        if quote.is_none() && c.is_whitespace() {
            if let Some(word) = current.take() {
                words.push(word);
            }
            continue;
        }
        let word = current.get_or_insert_with(|| RawWord {
            text: String::new(),
            range: at..at,
            quoted: false,
        });
        word.range.end = end;
        match (c, quote) {
            ('\\', _) => {
                word.quoted = true;
                match chars.next() {
                    Some((escape_offset, escaped)) => {
                        let escape_end = from + escape_offset + escaped.len_utf8();
                        word.range.end = escape_end;
                        let (value, extra) =
                            unescape(escaped, text.get(escape_end..).unwrap_or(""));
                        word.text.push_str(&value);
                        for _ in 0..extra {
                            if let Some((o, ch)) = chars.next() {
                                word.range.end = from + o + ch.len_utf8();
                            }
                        }
                    }
                    None => word.text.push('\\'),
                }
            }
            ('"' | '\'', None) => {
                word.quoted = true;
                quote = Some((c, at));
            }
            (_, Some((open, _))) if c == open => quote = None,
            _ => word.text.push(c),
        }
    }
    if let Some((open, at)) = quote {
        errors.push(SyntaxError::new(
            format!("unterminated `{open}` quote"),
            map.span_to_file(Span::from_range(at..at + 1)),
        ));
    }
    if let Some(word) = current.take() {
        words.push(word);
    }
    words
}

/// The value of the C escape `\<escaped>` followed by `rest`, and how many more
/// characters of `rest` it used (`\x41`, `\101`, `\u00e9`). Unknown escapes stand for
/// the character itself.
fn unescape(escaped: char, rest: &str) -> (String, usize) {
    let simple = match escaped {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        's' => Some(' '),
        _ => None,
    };
    if let Some(c) = simple {
        return (c.to_string(), 0);
    }
    let digits = |count: usize, radix: u32| -> Option<char> {
        let part = rest.get(..count)?;
        if !part.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        char::from_u32(u32::from_str_radix(part, radix).ok()?)
    };
    let coded = match escaped {
        'x' => digits(2, 16).map(|c| (c, 2)),
        'u' => digits(4, 16).map(|c| (c, 4)),
        'U' => digits(8, 16).map(|c| (c, 8)),
        '0'..='7' => {
            let mut all = String::from(escaped);
            all.push_str(rest.get(..2).unwrap_or(""));
            (all.len() == 3 && all.chars().all(|c| c.is_digit(8)))
                .then(|| u32::from_str_radix(&all, 8).ok().and_then(char::from_u32))
                .flatten()
                .map(|c| (c, 2))
        }
        _ => None,
    };
    match coded {
        Some((c, used)) => (c.to_string(), used),
        None => (escaped.to_string(), 0),
    }
}

/// Splits a command-line value into its commands.
fn split_exec(map: &MappedText, errors: &mut Vec<SyntaxError>) -> Vec<ExecCommand> {
    let text = map.text();
    let mut commands = Vec::new();
    let mut prefixes = Vec::new();
    let mut words: Vec<RawWord> = Vec::new();
    for item in split_words_with_prefixes(text, map, errors) {
        match item {
            Item::Prefixes(found) => prefixes = found,
            Item::Separator => push_command(map, &mut prefixes, &mut words, &mut commands),
            Item::Word(word) => words.push(word),
        }
    }
    push_command(map, &mut prefixes, &mut words, &mut commands);
    commands
}

/// A piece of a command-line value.
enum Item {
    /// The prefixes of the next command.
    Prefixes(Vec<Spanned<ExecPrefix>>),
    /// A lone `;`.
    Separator,
    /// A word.
    Word(RawWord),
}

/// Splits a command-line value into prefixes, words and `;` separators.
fn split_words_with_prefixes(
    text: &str,
    map: &MappedText,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut from = 0;
    let mut expect_prefixes = true;
    loop {
        let rest = text.get(from..).unwrap_or("");
        let skipped = rest.len() - rest.trim_start().len();
        from += skipped;
        if from >= text.len() {
            break;
        }
        if expect_prefixes {
            let (prefixes, used) = read_prefixes(text, from, map);
            from += used;
            items.push(Item::Prefixes(prefixes));
            expect_prefixes = false;
        }
        // Split up to the next unquoted lone `;`, one word at a time.
        let word_end = next_word_end(text, from);
        let chunk_words = split_words(text.get(..word_end).unwrap_or(""), from, map, errors);
        from = word_end;
        for word in chunk_words {
            if !word.quoted && word.text == ";" {
                items.push(Item::Separator);
                expect_prefixes = true;
            } else {
                items.push(Item::Word(word));
            }
        }
    }
    items
}

/// The end of the word starting at `from` (quotes respected).
fn next_word_end(text: &str, from: usize) -> usize {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (offset, c) in text.get(from..).unwrap_or("").char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (c, quote) {
            ('\\', _) => escaped = true,
            ('"' | '\'', None) => quote = Some(c),
            (_, Some(open)) if c == open => quote = None,
            (_, None) if c.is_whitespace() => return from + offset,
            _ => {}
        }
    }
    text.len()
}

/// Reads the prefixes at `from`; returns them and the bytes they use.
fn read_prefixes(text: &str, from: usize, map: &MappedText) -> (Vec<Spanned<ExecPrefix>>, usize) {
    let bytes = text.as_bytes();
    let mut at = from;
    let mut prefixes = Vec::new();
    while let Some(&byte) = bytes.get(at) {
        let (prefix, len) = match byte {
            b'-' => (ExecPrefix::IgnoreFailure, 1),
            b'@' => (ExecPrefix::Argv0, 1),
            b':' => (ExecPrefix::NoEnvironmentSubstitution, 1),
            b'+' => (ExecPrefix::FullPrivileges, 1),
            b'!' if bytes.get(at + 1) == Some(&b'!') => (ExecPrefix::AmbientFallback, 2),
            b'!' => (ExecPrefix::ElevatedPrivileges, 1),
            _ => break,
        };
        prefixes.push(Spanned::new(
            prefix,
            map.span_to_file(Span::from_range(at..at + len)),
        ));
        at += len;
    }
    (prefixes, at - from)
}

fn push_command(
    map: &MappedText,
    prefixes: &mut Vec<Spanned<ExecPrefix>>,
    words: &mut Vec<RawWord>,
    commands: &mut Vec<ExecCommand>,
) {
    let prefixes = std::mem::take(prefixes);
    let raw = std::mem::take(words);
    // systemd substitutes `$VAR` and `${VAR}` unless the `:` prefix is given.
    let substitutes = !prefixes
        .iter()
        .any(|p| p.value == ExecPrefix::NoEnvironmentSubstitution);
    if raw.is_empty() {
        return;
    }
    let mut words: Vec<Word> = raw
        .into_iter()
        .map(|w| {
            let span = map.span_to_file(Span::from_range(w.range));
            if substitutes {
                word_with_references(&w.text, span)
            } else {
                Word::literal(w.text, span)
            }
        })
        .collect();
    let argv0 = if prefixes.iter().any(|p| p.value == ExecPrefix::Argv0) && words.len() > 1 {
        Some(words.remove(1))
    } else {
        None
    };
    let first = prefixes
        .first()
        .map(|p| p.span)
        .or_else(|| words.first().map(|w| w.span))
        .unwrap_or_default();
    let last = words.last().map_or(first, |w| w.span);
    commands.push(ExecCommand {
        prefixes,
        words,
        argv0,
        span: first.cover(last),
    });
}

/// Splits an `Environment=` value into its assignments.
fn split_environment(map: &MappedText, errors: &mut Vec<SyntaxError>) -> Vec<EnvAssignment> {
    let text = map.text();
    let mut assignments = Vec::new();
    for word in split_words(text, 0, map, errors) {
        let span = map.span_to_file(Span::from_range(word.range.clone()));
        let Some((name, value)) = word.text.split_once('=') else {
            errors.push(SyntaxError::new(
                format!(
                    "`{}` in `Environment=` is not a `NAME=value` assignment",
                    ellipsis(&word.text)
                ),
                span,
            ));
            continue;
        };
        // Place the name and value in the file when the word is written as is (possibly
        // wholly quoted); otherwise both take the whole word's span.
        let written = text.get(word.range.clone()).unwrap_or("");
        let inner_start = if written == word.text {
            Some(word.range.start)
        } else if written.len() == word.text.len() + 2
            && written.get(1..written.len() - 1) == Some(word.text.as_str())
        {
            Some(word.range.start + 1)
        } else {
            None
        };
        let (name_span, value_span) = match inner_start {
            Some(start) => {
                let eq = start + name.len();
                (
                    map.span_to_file(Span::from_range(start..eq)),
                    map.span_to_file(Span::from_range(eq + 1..eq + 1 + value.len())),
                )
            }
            None => (span, span),
        };
        assignments.push(EnvAssignment {
            name: Spanned::new(name.to_string(), name_span),
            value: Spanned::new(value.to_string(), value_span),
            span,
        });
    }
    assignments
}

#[cfg(test)]
mod tests;
