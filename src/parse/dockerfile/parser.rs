//! Parsing one logical line into an [`Instruction`]: keyword, flags and the
//! instruction-specific arguments.

use std::ops::Range;

use super::ast::{
    Command, Copy, Flag, From, Healthcheck, Instruction, InstructionKind, KeyValue, Run,
};
use super::json::{ExecForm, parse_exec};
use super::words::{
    Logical, RawFlag, extract_flags, skip_spaces, split_words, trim_end, unquote, unquote_flag,
};
use crate::parse::SyntaxError;
use crate::span::Spanned;

/// What parsing one logical line produced.
pub(crate) struct LineOutcome {
    /// The instruction, or the first problem found in it.
    pub(crate) result: Result<Instruction, SyntaxError>,
    /// For `RUN`/`COPY`/`ADD` in shell form: the text range where heredoc markers may be.
    /// Set even when the instruction has an error, so their bodies are still skipped.
    pub(crate) heredoc_args: Option<Range<usize>>,
}

/// How a flag's value is read.
#[derive(Clone, Copy, PartialEq)]
enum FlagType {
    /// `--name=value`; a value is required.
    Value,
    /// `--name` or `--name=true|false`.
    Bool,
    /// A Go duration (`30s`, `1m30s`).
    Duration,
    /// A non-negative integer.
    Count,
}

/// A flag an instruction accepts.
struct FlagSpec {
    name: &'static str,
    kind: FlagType,
    repeatable: bool,
}

const fn flag(name: &'static str, kind: FlagType, repeatable: bool) -> FlagSpec {
    FlagSpec {
        name,
        kind,
        repeatable,
    }
}

const FROM_FLAGS: &[FlagSpec] = &[flag("platform", FlagType::Value, false)];
const RUN_FLAGS: &[FlagSpec] = &[
    flag("mount", FlagType::Value, true),
    flag("network", FlagType::Value, false),
    flag("security", FlagType::Value, false),
    flag("device", FlagType::Value, true),
];
const COPY_FLAGS: &[FlagSpec] = &[
    flag("from", FlagType::Value, false),
    flag("chown", FlagType::Value, false),
    flag("chmod", FlagType::Value, false),
    flag("link", FlagType::Bool, false),
    flag("parents", FlagType::Bool, false),
    flag("exclude", FlagType::Value, true),
];
const ADD_FLAGS: &[FlagSpec] = &[
    flag("chown", FlagType::Value, false),
    flag("chmod", FlagType::Value, false),
    flag("link", FlagType::Bool, false),
    flag("parents", FlagType::Bool, false),
    flag("exclude", FlagType::Value, true),
    flag("checksum", FlagType::Value, false),
    flag("keep-git-dir", FlagType::Bool, false),
    flag("unpack", FlagType::Bool, false),
];
const HEALTHCHECK_FLAGS: &[FlagSpec] = &[
    flag("interval", FlagType::Duration, false),
    flag("timeout", FlagType::Duration, false),
    flag("start-period", FlagType::Duration, false),
    flag("start-interval", FlagType::Duration, false),
    flag("retries", FlagType::Count, false),
];

/// Parses the instruction starting at (or after whitespace from) `start` in `line`.
/// `nested` is true for the instruction an `ONBUILD` triggers.
pub(crate) fn parse_instruction(
    line: &Logical,
    start: usize,
    escape: char,
    nested: bool,
) -> LineOutcome {
    let mut heredoc_args = None;
    let result = Reader { line, escape }.instruction(start, nested, &mut heredoc_args);
    LineOutcome {
        result,
        heredoc_args,
    }
}

struct Reader<'a> {
    line: &'a Logical,
    escape: char,
}

type ParseResult<T> = Result<T, SyntaxError>;

impl Reader<'_> {
    fn text(&self) -> &str {
        &self.line.text
    }

    fn spanned(&self, value: String, range: Range<usize>) -> Spanned<String> {
        Spanned::new(value, self.line.span(range))
    }

    fn raw(&self, range: Range<usize>) -> Spanned<String> {
        let value = self.text().get(range.clone()).unwrap_or("").to_owned();
        self.spanned(value, range)
    }

    fn error(&self, message: impl Into<String>, range: Range<usize>) -> SyntaxError {
        SyntaxError::new(message, self.line.span(range))
    }

    fn instruction(
        &self,
        start: usize,
        nested: bool,
        heredoc_args: &mut Option<Range<usize>>,
    ) -> ParseResult<Instruction> {
        let text = self.text();
        let end = trim_end(text, start..text.len()).end;
        let keyword_start = skip_spaces(text, start).min(end);
        let keyword_end = text[keyword_start..end]
            .find(super::words::is_space)
            .map_or(end, |i| keyword_start + i);
        let keyword_range = keyword_start..keyword_end;
        let keyword = self.raw(keyword_range.clone());
        let upper = keyword.value.to_ascii_uppercase();
        let (raw_flags, args_start) = extract_flags(text, keyword_end..end);
        let args = args_start..end;
        let args_empty = args.start >= args.end;
        let kind_name = upper.as_str();
        let specs: &[FlagSpec] = match kind_name {
            "FROM" => FROM_FLAGS,
            "RUN" => RUN_FLAGS,
            "COPY" => COPY_FLAGS,
            "ADD" => ADD_FLAGS,
            "HEALTHCHECK" => HEALTHCHECK_FLAGS,
            _ => &[],
        };
        let known = matches!(
            kind_name,
            "FROM"
                | "RUN"
                | "CMD"
                | "ENTRYPOINT"
                | "SHELL"
                | "COPY"
                | "ADD"
                | "ENV"
                | "LABEL"
                | "ARG"
                | "EXPOSE"
                | "USER"
                | "WORKDIR"
                | "VOLUME"
                | "STOPSIGNAL"
                | "HEALTHCHECK"
                | "ONBUILD"
                | "MAINTAINER"
        );
        if !known {
            return Err(self.error(
                format!("unknown instruction {:?}", keyword.value),
                keyword_range,
            ));
        }
        // Heredoc bodies follow the line whatever else is wrong with it.
        let shell_form = !matches!(parse_exec(text, args.clone()), ExecForm::Strings(..));
        if !nested && shell_form && matches!(kind_name, "RUN" | "COPY" | "ADD") {
            *heredoc_args = Some(args.clone());
        }
        let flags = self.flags(&raw_flags, specs, kind_name)?;
        if matches!(
            kind_name,
            "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "COPY" | "ADD" | "VOLUME"
        ) && looks_like_unclosed_json(&text[args.clone()])
        {
            return Err(self.error("unterminated JSON array (no closing \"]\")", args));
        }
        let missing = |what: &str| {
            self.error(
                format!("missing {what} after {kind_name}"),
                keyword_range.clone(),
            )
        };
        let kind = match kind_name {
            "FROM" => InstructionKind::From(self.from(args.clone(), &missing)?),
            "RUN" => {
                if args_empty {
                    return Err(missing("a command"));
                }
                InstructionKind::Run(Run {
                    command: self.command(args.clone(), kind_name)?,
                    heredocs: Vec::new(),
                })
            }
            "CMD" => InstructionKind::Cmd(self.command(args.clone(), kind_name)?),
            "ENTRYPOINT" => InstructionKind::Entrypoint(self.command(args.clone(), kind_name)?),
            "SHELL" => match parse_exec(text, args.clone()) {
                ExecForm::Strings(items, _) if !items.is_empty() => InstructionKind::Shell(
                    items
                        .into_iter()
                        .map(|(value, range)| self.spanned(value, range))
                        .collect(),
                ),
                _ => {
                    return Err(self.error(
                        "expected a JSON array of strings after SHELL, such as [\"/bin/sh\", \"-c\"]",
                        if args_empty { keyword_range } else { args },
                    ));
                }
            },
            "COPY" | "ADD" => {
                let copy = self.copy(args.clone(), kind_name, &missing)?;
                if kind_name == "COPY" {
                    InstructionKind::Copy(copy)
                } else {
                    InstructionKind::Add(copy)
                }
            }
            "ENV" | "LABEL" => {
                if args_empty {
                    return Err(missing("name=value"));
                }
                let pairs = self.name_values(args.clone(), kind_name)?;
                if kind_name == "ENV" {
                    InstructionKind::Env(pairs)
                } else {
                    InstructionKind::Label(pairs)
                }
            }
            "ARG" => {
                if args_empty {
                    return Err(missing("a name"));
                }
                InstructionKind::Arg(self.args(args.clone())?)
            }
            "EXPOSE" => {
                if args_empty {
                    return Err(missing("a port"));
                }
                InstructionKind::Expose(self.words(args.clone()))
            }
            "USER" => InstructionKind::User(self.single(args.clone(), &missing, "a user")?),
            "WORKDIR" => {
                InstructionKind::Workdir(self.single(args.clone(), &missing, "a directory")?)
            }
            "STOPSIGNAL" => {
                InstructionKind::Stopsignal(self.single(args.clone(), &missing, "a signal")?)
            }
            "MAINTAINER" => {
                if args_empty {
                    return Err(missing("a name"));
                }
                InstructionKind::Maintainer(self.raw(args.clone()))
            }
            "VOLUME" => {
                if args_empty {
                    return Err(missing("a path"));
                }
                InstructionKind::Volume(self.volume(args.clone())?)
            }
            "HEALTHCHECK" => {
                InstructionKind::Healthcheck(self.healthcheck(args.clone(), &missing)?)
            }
            "ONBUILD" => {
                if nested {
                    return Err(self.error("nested ONBUILD is not allowed", keyword_range));
                }
                if args_empty {
                    return Err(missing("an instruction"));
                }
                let mut ignored = None;
                let inner = self.instruction(args.start, true, &mut ignored)?;
                let inner_upper = inner.keyword.value.to_ascii_uppercase();
                if inner_upper == "FROM" || inner_upper == "MAINTAINER" {
                    return Err(SyntaxError::new(
                        format!("an ONBUILD trigger cannot be {inner_upper}"),
                        inner.keyword.span,
                    ));
                }
                InstructionKind::Onbuild(Box::new(inner))
            }
            _ => {
                return Err(self.error(
                    format!("unknown instruction {:?}", keyword.value),
                    keyword_range,
                ));
            }
        };
        Ok(Instruction {
            span: self.line.span(keyword_start..end),
            keyword,
            flags,
            args_span: self.line.span(args),
            kind,
        })
    }

    fn flags(
        &self,
        raw_flags: &[RawFlag],
        specs: &[FlagSpec],
        kind_name: &str,
    ) -> ParseResult<Vec<Flag>> {
        let text = self.text();
        let mut flags: Vec<Flag> = Vec::with_capacity(raw_flags.len());
        for raw in raw_flags {
            let raw_name = text.get(raw.name.clone()).unwrap_or("");
            let name = raw_name.to_ascii_lowercase();
            let written = text.get(raw.range.clone()).unwrap_or("");
            if name.is_empty() {
                return Err(self.error(
                    format!("missing flag name in {written:?}"),
                    raw.range.clone(),
                ));
            }
            let Some(spec) = specs.iter().find(|spec| spec.name == name) else {
                return Err(self.error(
                    format!("unknown flag \"--{raw_name}\" for {kind_name}"),
                    raw.range.clone(),
                ));
            };
            if !spec.repeatable && flags.iter().any(|f| f.name.value == name) {
                return Err(self.error(
                    format!("flag \"--{name}\" given more than once"),
                    raw.range.clone(),
                ));
            }
            let value = raw.value.clone().map(|range| {
                let value = unquote_flag(text.get(range.clone()).unwrap_or(""));
                self.spanned(value, range)
            });
            self.check_flag_value(spec, value.as_ref(), raw)?;
            flags.push(Flag {
                name: self.spanned(name, raw.name.clone()),
                value,
                span: self.line.span(raw.range.clone()),
            });
        }
        Ok(flags)
    }

    fn check_flag_value(
        &self,
        spec: &FlagSpec,
        value: Option<&Spanned<String>>,
        raw: &RawFlag,
    ) -> ParseResult<()> {
        let name = spec.name;
        let Some(value) = value else {
            if spec.kind == FlagType::Bool {
                return Ok(());
            }
            return Err(self.error(
                format!("flag \"--{name}\" needs a value (--{name}=...)"),
                raw.range.clone(),
            ));
        };
        let text = value.value.as_str();
        let valid = match spec.kind {
            FlagType::Value => true,
            FlagType::Bool => matches!(
                text.to_ascii_lowercase().as_str(),
                "true" | "false" | "1" | "0" | "t" | "f"
            ),
            FlagType::Duration => is_go_duration(text),
            FlagType::Count => !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
        };
        if valid {
            return Ok(());
        }
        let expected = match spec.kind {
            FlagType::Value => "a value",
            FlagType::Bool => "true or false",
            FlagType::Duration => "a duration such as 30s or 1m30s",
            FlagType::Count => "a whole number",
        };
        Err(SyntaxError::new(
            format!("invalid value {text:?} for flag \"--{name}\" (expected {expected})"),
            value.span,
        ))
    }

    /// A command in exec form when it is a JSON array of strings, else in shell form.
    fn command(&self, args: Range<usize>, kind_name: &str) -> ParseResult<Command> {
        match parse_exec(self.text(), args.clone()) {
            ExecForm::Strings(items, range) => Ok(Command::Exec {
                args: items
                    .into_iter()
                    .map(|(value, range)| self.spanned(value, range))
                    .collect(),
                span: self.line.span(range),
            }),
            ExecForm::NotStrings => Err(self.error(
                format!("the JSON array of {kind_name} must contain only strings"),
                args,
            )),
            ExecForm::NotJson => Ok(Command::Shell {
                text: self.line.mapped(args.clone()),
                span: self.line.span(args),
            }),
        }
    }

    fn from(&self, args: Range<usize>, missing: &dyn Fn(&str) -> SyntaxError) -> ParseResult<From> {
        let words = split_words(self.text(), args.clone(), self.escape);
        match words.as_slice() {
            [] => Err(missing("an image")),
            [image] => Ok(From {
                image: self.raw(image.clone()),
                alias: None,
            }),
            [image, as_word, name] if self.text()[as_word.clone()].eq_ignore_ascii_case("as") => {
                let alias = self.raw(name.clone());
                if !is_valid_stage_name(&alias.value) {
                    return Err(SyntaxError::new(
                        format!(
                            "invalid stage name {:?} (it must start with a letter and hold only letters, digits, \"-\", \"_\" and \".\")",
                            alias.value
                        ),
                        alias.span,
                    ));
                }
                Ok(From {
                    image: self.raw(image.clone()),
                    alias: Some(alias),
                })
            }
            [_, as_word] if self.text()[as_word.clone()].eq_ignore_ascii_case("as") => {
                Err(self.error("missing stage name after AS".to_owned(), as_word.clone()))
            }
            _ => Err(self.error(
                format!(
                    "expected \"FROM <image> [AS <name>]\", found {} arguments",
                    words.len()
                ),
                args,
            )),
        }
    }

    fn copy(
        &self,
        args: Range<usize>,
        kind_name: &str,
        missing: &dyn Fn(&str) -> SyntaxError,
    ) -> ParseResult<Copy> {
        if args.start >= args.end {
            return Err(missing("a source and a destination"));
        }
        let mut paths = match parse_exec(self.text(), args.clone()) {
            ExecForm::Strings(items, _) => items
                .into_iter()
                .map(|(value, range)| self.spanned(value, range))
                .collect(),
            ExecForm::NotStrings => {
                return Err(self.error(
                    format!("the JSON array of {kind_name} must contain only strings"),
                    args,
                ));
            }
            ExecForm::NotJson => self.words(args.clone()),
        };
        if paths.len() < 2 {
            return Err(self.error(
                format!("missing destination in {kind_name} (it needs a source and a destination)"),
                args,
            ));
        }
        let destination = paths.pop();
        Ok(Copy {
            sources: paths,
            destination,
            heredocs: Vec::new(),
        })
    }

    /// Whitespace-separated words, unquoted.
    fn words(&self, args: Range<usize>) -> Vec<Spanned<String>> {
        split_words(self.text(), args, self.escape)
            .into_iter()
            .map(|range| {
                let (value, _) = unquote(&self.text()[range.clone()], self.escape);
                self.spanned(value, range)
            })
            .collect()
    }

    /// Unquotes a word for a key-value instruction, rejecting an open quote.
    fn value(&self, range: Range<usize>, kind_name: &str) -> ParseResult<Spanned<String>> {
        let (value, open) = unquote(self.text().get(range.clone()).unwrap_or(""), self.escape);
        if open {
            return Err(self.error(format!("unterminated quote in {kind_name} value"), range));
        }
        Ok(self.spanned(value, range))
    }

    /// `ENV`/`LABEL`: `name=value ...`, or the legacy `name value with spaces`.
    fn name_values(&self, args: Range<usize>, kind_name: &str) -> ParseResult<Vec<KeyValue>> {
        let text = self.text();
        let words = split_words(text, args.clone(), self.escape);
        let Some(first) = words.first() else {
            return Ok(Vec::new());
        };
        if !text[first.clone()].contains('=') {
            // Legacy form: the first word is the name, the rest of the line its value.
            let value_start = skip_spaces(text, first.end).min(args.end);
            if value_start >= args.end {
                return Err(self.error(
                    format!(
                        "missing value for {:?} in {kind_name} (write name=value)",
                        &text[first.clone()]
                    ),
                    first.clone(),
                ));
            }
            let value = self.value(value_start..args.end, kind_name)?;
            return Ok(vec![KeyValue {
                key: self.raw(first.clone()),
                value: Some(value),
                span: self.line.span(args),
            }]);
        }
        let mut pairs = Vec::with_capacity(words.len());
        for word in words {
            let Some(eq) = text[word.clone()].find('=') else {
                return Err(self.error(
                    format!(
                        "expected name=value in {kind_name}, found {:?}",
                        &text[word.clone()]
                    ),
                    word,
                ));
            };
            if eq == 0 {
                return Err(self.error(format!("empty name in {kind_name}"), word));
            }
            let key = word.start..word.start + eq;
            let value = self.value(word.start + eq + 1..word.end, kind_name)?;
            pairs.push(KeyValue {
                key: self.raw(key),
                value: Some(value),
                span: self.line.span(word),
            });
        }
        Ok(pairs)
    }

    /// `ARG name[=default] ...`.
    fn args(&self, args: Range<usize>) -> ParseResult<Vec<KeyValue>> {
        let text = self.text();
        let mut pairs = Vec::new();
        for word in split_words(text, args, self.escape) {
            let (key, value) = match text[word.clone()].find('=') {
                Some(0) => return Err(self.error("empty name in ARG", word)),
                Some(eq) => (
                    word.start..word.start + eq,
                    Some(self.value(word.start + eq + 1..word.end, "ARG")?),
                ),
                None => (word.clone(), None),
            };
            pairs.push(KeyValue {
                key: self.raw(key),
                value,
                span: self.line.span(word),
            });
        }
        Ok(pairs)
    }

    /// `USER`, `WORKDIR`, `STOPSIGNAL`: the whole argument text is one value.
    fn single(
        &self,
        args: Range<usize>,
        missing: &dyn Fn(&str) -> SyntaxError,
        what: &str,
    ) -> ParseResult<Spanned<String>> {
        if args.start >= args.end {
            return Err(missing(what));
        }
        let (value, _) = unquote(&self.text()[args.clone()], self.escape);
        Ok(self.spanned(value, args))
    }

    fn volume(&self, args: Range<usize>) -> ParseResult<Vec<Spanned<String>>> {
        let paths = match parse_exec(self.text(), args.clone()) {
            ExecForm::Strings(items, _) => items
                .into_iter()
                .map(|(value, range)| self.spanned(value, range))
                .collect(),
            ExecForm::NotStrings => {
                return Err(self.error("the JSON array of VOLUME must contain only strings", args));
            }
            ExecForm::NotJson => self.words(args.clone()),
        };
        if let Some(empty) = paths.iter().find(|path| path.value.trim().is_empty()) {
            return Err(SyntaxError::new("empty path in VOLUME", empty.span));
        }
        if paths.is_empty() {
            return Err(self.error("missing a path in VOLUME", args));
        }
        Ok(paths)
    }

    fn healthcheck(
        &self,
        args: Range<usize>,
        missing: &dyn Fn(&str) -> SyntaxError,
    ) -> ParseResult<Healthcheck> {
        let text = self.text();
        if args.start >= args.end {
            return Err(missing("NONE or CMD <command>"));
        }
        let kind_end = text[args.clone()]
            .find(super::words::is_space)
            .map_or(args.end, |i| args.start + i);
        let kind = &text[args.start..kind_end];
        let rest = skip_spaces(text, kind_end).min(args.end)..args.end;
        if kind.eq_ignore_ascii_case("none") {
            if rest.start < rest.end {
                return Err(self.error("unexpected arguments after HEALTHCHECK NONE", rest));
            }
            return Ok(Healthcheck::None);
        }
        if !kind.eq_ignore_ascii_case("cmd") {
            return Err(self.error(
                format!("unknown HEALTHCHECK type {kind:?} (expected CMD or NONE)"),
                args.start..kind_end,
            ));
        }
        if rest.start >= rest.end {
            return Err(self.error(
                "missing command after HEALTHCHECK CMD",
                args.start..kind_end,
            ));
        }
        Ok(Healthcheck::Cmd(self.command(rest, "HEALTHCHECK CMD")?))
    }
}

/// `["...` with no `]` anywhere: an exec form whose closing bracket was forgotten
/// (Docker would silently run it as a shell command).
fn looks_like_unclosed_json(args: &str) -> bool {
    args.strip_prefix('[')
        .is_some_and(|rest| rest.trim_start().starts_with('"') && !rest.contains(']'))
}

/// Stage names as BuildKit accepts them: `[a-z][a-z0-9-_.]*`, case-insensitively.
fn is_valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether `text` is a Go duration (`0`, `30s`, `1m30s`, `1.5h`, `100ms`).
fn is_go_duration(text: &str) -> bool {
    let text = text.strip_prefix(['+', '-']).unwrap_or(text);
    if text == "0" {
        return true;
    }
    if text.is_empty() {
        return false;
    }
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        rest = &rest[digits..];
        let mut fraction = 0;
        if let Some(after) = rest.strip_prefix('.') {
            fraction = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            rest = &after[fraction..];
        }
        if digits == 0 && fraction == 0 {
            return false;
        }
        let Some(unit) = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .iter()
            .find(|unit| rest.starts_with(**unit))
        else {
            return false;
        };
        rest = &rest[unit.len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        for ok in ["0", "30s", "1m30s", "1.5h", "100ms", "2us"] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "30", "s", "1x", "1m30"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }

    #[test]
    fn stage_names() {
        assert!(is_valid_stage_name("Build-1.x_y"));
        assert!(!is_valid_stage_name("1build"));
        assert!(!is_valid_stage_name("a/b"));
    }
}
