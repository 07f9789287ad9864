//! The shared server command-line model: uvicorn/gunicorn/... invocations.
//!
//! Dockerfile `CMD`/`ENTRYPOINT`, Kubernetes `command`/`args`, systemd `ExecStart` and
//! compose `command` all start the same servers. [`parse_invocation`] reads an argument
//! vector (as [`Word`]s, so every value keeps its file span) into a typed
//! [`Invocation`]: which server, which app, where it binds, how many workers, reload,
//! config file, timeouts, and each value's span and whether an environment variable
//! templates it. Wrappers (`exec`, `tini --`, `opentelemetry-instrument`, `poetry run`,
//! `sh -c "..."`, ...) are skipped and recorded. [`find_server`] does the same for a
//! parsed shell script (an entrypoint script, a shell-form `CMD`).
//!
//! The model reads command lines only; defaults that live elsewhere (gunicorn's
//! `./gunicorn.conf.py`, `GUNICORN_CMD_ARGS`, `UVICORN_*` variables, `uvicorn.run(...)`
//! in a Python script) are for the callers to apply.

mod launch;
mod servers;
mod templated;
#[cfg(test)]
mod tests;

use std::ops::Range;

pub use templated::word_with_references;

use crate::parse::SyntaxError;
use crate::parse::shell::{Script, SimpleCommand, Word};
use crate::span::{Span, Spanned};

/// `sh -c` strings may hold `sh -c` strings this deep; deeper ones are not followed.
const MAX_SHELL_DEPTH: u32 = 8;

/// The program that serves the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Server {
    /// `uvicorn` or `python -m uvicorn`.
    Uvicorn,
    /// `gunicorn` or `python -m gunicorn`.
    Gunicorn,
    /// `hypercorn`.
    Hypercorn,
    /// `granian`.
    Granian,
    /// `daphne`.
    Daphne,
    /// `fastapi run` (production mode of the FastAPI CLI).
    FastApiRun,
    /// `fastapi dev` (development mode: reload on, bound to localhost by default).
    FastApiDev,
    /// `flask run` (Werkzeug's development server).
    FlaskRun,
    /// `python -m http.server` (a static file server for development).
    HttpServer,
    /// `python manage.py runserver` (Django's development server).
    DjangoRunserver,
    /// `python path/to/script.py`: the server, if any, is started inside the script.
    PythonScript,
    /// `python -m some.module` for a module that is none of the known servers.
    PythonModule,
}

impl Server {
    /// The server's name as users write it.
    pub fn name(self) -> &'static str {
        match self {
            Server::Uvicorn => "uvicorn",
            Server::Gunicorn => "gunicorn",
            Server::Hypercorn => "hypercorn",
            Server::Granian => "granian",
            Server::Daphne => "daphne",
            Server::FastApiRun => "fastapi run",
            Server::FastApiDev => "fastapi dev",
            Server::FlaskRun => "flask run",
            Server::HttpServer => "python -m http.server",
            Server::DjangoRunserver => "manage.py runserver",
            Server::PythonScript => "python script",
            Server::PythonModule => "python module",
        }
    }

    /// Whether the server is meant for development only.
    pub fn is_dev_server(self) -> bool {
        matches!(
            self,
            Server::FastApiDev | Server::FlaskRun | Server::HttpServer | Server::DjangoRunserver
        )
    }

    /// Whether the command certainly starts a known server (not a Python script or
    /// module that may or may not start one).
    pub fn is_known(self) -> bool {
        !matches!(self, Server::PythonScript | Server::PythonModule)
    }

    /// The host the server binds when the command line names none. gunicorn binds
    /// `0.0.0.0:$PORT` instead when `PORT` is set, and uvicorn reads `UVICORN_HOST`:
    /// callers that know the environment apply that.
    pub fn default_host(self) -> Option<&'static str> {
        match self {
            Server::Uvicorn
            | Server::Gunicorn
            | Server::Hypercorn
            | Server::Granian
            | Server::Daphne
            | Server::FastApiDev
            | Server::FlaskRun
            | Server::DjangoRunserver => Some("127.0.0.1"),
            Server::FastApiRun | Server::HttpServer => Some("0.0.0.0"),
            Server::PythonScript | Server::PythonModule => None,
        }
    }

    /// The port the server listens on when the command line names none.
    pub fn default_port(self) -> Option<u16> {
        match self {
            Server::FlaskRun => Some(5000),
            Server::PythonScript | Server::PythonModule => None,
            _ => Some(8000),
        }
    }
}

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueSource {
    /// Written out in full.
    Literal,
    /// One parameter expansion: `$PORT`, `${PORT}`, `${WORKERS:-4}`.
    Env {
        /// The variable's name.
        var: String,
        /// The default (`4` in `${WORKERS:-4}`, `${WORKERS-4}`, `${WORKERS:=4}`).
        default: Option<String>,
    },
    /// Anything else the shell computes: command substitution, several expansions,
    /// text mixed with expansions.
    Dynamic,
}

/// A flag's value or an argument, with its span and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// The text after quote removal (expansions verbatim).
    pub text: String,
    /// Where it is written in the file.
    pub span: Span,
    /// Literal or templated.
    pub source: ValueSource,
}

impl Value {
    /// The whole word as a value.
    pub fn from_word(word: &Word) -> Value {
        Value::from_part(word, 0..word.text.len())
    }

    /// Bytes `range` of the word's text as a value (`80` of `--port=80`). The whole
    /// text keeps the word's span, quotes included.
    pub fn from_part(word: &Word, range: Range<usize>) -> Value {
        let text = word.text.get(range.clone()).unwrap_or("").to_string();
        let span = if range.start == 0 && range.end == word.text.len() {
            word.span
        } else {
            word.subspan(range.clone())
        };
        let overlapping: Vec<Range<usize>> = word
            .expansion_ranges()
            .iter()
            .filter(|e| e.start < range.end && range.start < e.end)
            .cloned()
            .collect();
        let source = match overlapping.as_slice() {
            [] => ValueSource::Literal,
            [only] if *only == range => expansion_source(&text),
            _ => ValueSource::Dynamic,
        };
        Value { text, span, source }
    }

    /// Whether an environment variable or the shell decides the value.
    pub fn is_templated(&self) -> bool {
        self.source != ValueSource::Literal
    }

    /// The text when it is a literal.
    pub fn literal(&self) -> Option<&str> {
        (self.source == ValueSource::Literal).then_some(self.text.as_str())
    }

    /// The variable templating the value, if it is one `$VAR`/`${VAR..}`.
    pub fn env_var(&self) -> Option<&str> {
        match &self.source {
            ValueSource::Env { var, .. } => Some(var),
            _ => None,
        }
    }

    /// The literal text, or the default of an env-templated value: what the value is
    /// when no variable overrides it.
    pub fn effective(&self) -> Option<&str> {
        match &self.source {
            ValueSource::Literal => Some(&self.text),
            ValueSource::Env { default, .. } => default.as_deref(),
            ValueSource::Dynamic => None,
        }
    }

    /// [`Value::effective`] as an unsigned integer.
    pub fn effective_u64(&self) -> Option<u64> {
        self.effective()?.trim().parse().ok()
    }
}

/// The source of a value that is exactly one expansion.
fn expansion_source(text: &str) -> ValueSource {
    let Some(body) = text.strip_prefix('$') else {
        return ValueSource::Dynamic;
    };
    let is_name = |s: &str| {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if is_name(body) {
        return ValueSource::Env {
            var: body.to_string(),
            default: None,
        };
    }
    let Some(inner) = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')) else {
        return ValueSource::Dynamic;
    };
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    if !is_name(name) {
        return ValueSource::Dynamic;
    }
    let default = if rest.is_empty() {
        None
    } else if let Some(d) = [":-", ":=", "-", "="]
        .iter()
        .find_map(|op| rest.strip_prefix(op))
    {
        Some(strip_quotes(d).to_string())
    } else if rest.starts_with(":?") || rest.starts_with('?') {
        None
    } else {
        return ValueSource::Dynamic;
    };
    ValueSource::Env {
        var: name.to_string(),
        default,
    }
}

/// `"x"` or `'x'` → `x`.
fn strip_quotes(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

/// What a bind host means for reachability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostClass {
    /// Reachable from the same machine (or container) only: `127.x`, `localhost`, `::1`.
    Loopback,
    /// Every interface: `0.0.0.0`, `::`, `[::]`, an empty host.
    AllInterfaces,
    /// A specific other address or name.
    Other,
    /// Decided by an environment variable or the shell.
    Templated,
}

/// Classifies a bind host value.
pub fn classify_host(host: &Value) -> HostClass {
    match host.literal() {
        Some(text) => classify_host_text(text),
        None => HostClass::Templated,
    }
}

/// Classifies a literal bind host.
pub fn classify_host_text(host: &str) -> HostClass {
    let host = host.trim();
    let unbracketed = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let lower = unbracketed.to_ascii_lowercase();
    if lower.contains('$') {
        return HostClass::Templated;
    }
    match lower.as_str() {
        "" | "0.0.0.0" | "::" | "0" | "*" | "0:0:0:0:0:0:0:0" => HostClass::AllInterfaces,
        "localhost" | "ip6-localhost" | "ip6-loopback" | "::1" | "0:0:0:0:0:0:0:1" => {
            HostClass::Loopback
        }
        other if other.starts_with("127.") || other.ends_with(".localhost") => HostClass::Loopback,
        _ => HostClass::Other,
    }
}

/// Where a server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindAddress {
    /// A TCP host and/or port; a missing part means the server's default.
    Tcp {
        /// The host (brackets of IPv6 literals kept: `[::]`).
        host: Option<Value>,
        /// The port.
        port: Option<Value>,
    },
    /// A Unix socket path (`--uds`, `unix:/path`).
    Unix(Value),
    /// An inherited file descriptor (`--fd 3`, `fd://3`).
    Fd(Value),
    /// A whole bind address from a variable (`-b $BIND`): unknown until run time.
    Templated(Value),
}

/// One address the server listens on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bind {
    /// The address.
    pub address: BindAddress,
    /// The flags (and values) it was read from.
    pub span: Span,
}

impl Bind {
    /// The host of a TCP bind.
    pub fn host(&self) -> Option<&Value> {
        match &self.address {
            BindAddress::Tcp { host, .. } => host.as_ref(),
            _ => None,
        }
    }

    /// The port of a TCP bind.
    pub fn port(&self) -> Option<&Value> {
        match &self.address {
            BindAddress::Tcp { port, .. } => port.as_ref(),
            _ => None,
        }
    }
}

/// A command-line flag as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The flag as written, without an attached value (`--workers`, `-w`).
    pub name: Spanned<String>,
    /// Its value, attached (`--workers=4`, `-w4`) or the next argument.
    pub value: Option<Value>,
    /// From the flag to the end of its value.
    pub span: Span,
}

/// A program that runs the server for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WrapperKind {
    /// Shell `exec`: the server replaces the shell.
    Exec,
    /// `tini`: a minimal init that forwards signals and reaps zombies.
    Tini,
    /// `dumb-init`: the same.
    DumbInit,
    /// `opentelemetry-instrument`.
    OpenTelemetryInstrument,
    /// `ddtrace-run`.
    DdtraceRun,
    /// `newrelic-admin run-program` / `run-python`.
    NewRelicAdmin,
    /// `poetry run`.
    PoetryRun,
    /// `uv run`, `uvx`.
    UvRun,
    /// `pipenv run`.
    PipenvRun,
    /// `pdm run`.
    PdmRun,
    /// `hatch run`.
    HatchRun,
    /// `env [VAR=value]...`.
    Env,
    /// `gosu user`.
    Gosu,
    /// `su-exec user`.
    SuExec,
    /// `setpriv [options]`.
    Setpriv,
    /// `nohup`.
    Nohup,
    /// `nice [-n N]`.
    Nice,
    /// `sh -c "..."` (also `bash`, `dash`, `ash`): the server is a command of the
    /// string; see [`Invocation::shell`].
    Shell,
}

/// A wrapper met before the server, with the span of the wrapper and its options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wrapper {
    /// Which wrapper.
    pub kind: WrapperKind,
    /// From its program word to its last option.
    pub span: Span,
}

/// How Python was started, when it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PythonLaunch {
    /// The interpreter as written (`python3`, `/usr/local/bin/python`).
    pub interpreter: Spanned<String>,
    /// The `-u` flag (unbuffered output), if given.
    pub unbuffered: Option<Span>,
    /// The module of `-m module`.
    pub module: Option<Value>,
    /// The script path of `python path.py`.
    pub script: Option<Value>,
}

/// The shell string the server was found in (`sh -c "migrate && exec gunicorn ..."`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellContext {
    /// The shell program as written (`sh`, `/bin/bash`).
    pub shell: Spanned<String>,
    /// The span of the `-c` string word.
    pub script_span: Span,
    /// The string's other commands, in order (`alembic upgrade head` before the
    /// server, say).
    pub other_commands: Vec<SimpleCommand>,
    /// Whether the server command is the string's last command.
    pub server_is_last: bool,
    /// Syntax errors in the string.
    pub errors: Vec<SyntaxError>,
}

/// A server invocation read from a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The server, spanning the words that name it (`python -m uvicorn`, `fastapi dev`).
    pub server: Spanned<Server>,
    /// Wrappers before the server, outermost first.
    pub wrappers: Vec<Wrapper>,
    /// When the server runs inside `sh -c "..."`, that string.
    pub shell: Option<ShellContext>,
    /// Environment assignments on the way (`env A=1`, shell `A=1 cmd` prefixes).
    pub env: Vec<Word>,
    /// How Python was started, when the server was started through it.
    pub python: Option<PythonLaunch>,
    /// The application: `pkg.module:app`, a `fastapi run` path, a `--app` value.
    pub app: Option<Value>,
    /// `--factory`: the target is a callable returning the app.
    pub factory: Option<Span>,
    /// granian's `--interface` (`asgi`, `rsgi`, `wsgi`) or uvicorn's.
    pub interface: Option<Value>,
    /// Where it listens, in command-line order.
    pub binds: Vec<Bind>,
    /// Worker processes (`-w`, `--workers`).
    pub workers: Option<Value>,
    /// Worker class (`-k`, `--worker-class`).
    pub worker_class: Option<Value>,
    /// Threads per worker (`--threads`, granian `--runtime-threads`).
    pub threads: Option<Value>,
    /// Reload on code change: the flag (`--reload`) or the word implying it (`dev`).
    pub reload: Option<Span>,
    /// Reload directories (`--reload-dir`, granian `--reload-paths`).
    pub reload_dirs: Vec<Value>,
    /// Debug mode (`--debug`); `--log-level debug` is not debug mode.
    pub debug: Option<Span>,
    /// `--log-level`.
    pub log_level: Option<Value>,
    /// Config file (`-c`, `--config`), as written (gunicorn's `python:module` form
    /// too). Unset when not given: gunicorn's default `./gunicorn.conf.py` is the
    /// caller's to apply.
    pub config: Option<Value>,
    /// `--preload`.
    pub preload: Option<Span>,
    /// Worker timeout (`-t`, `--timeout`, daphne `--http-timeout`).
    pub timeout: Option<Value>,
    /// Graceful shutdown timeout (`--graceful-timeout`, `--timeout-graceful-shutdown`).
    pub graceful_timeout: Option<Value>,
    /// Keep-alive timeout (`--keep-alive`, `--timeout-keep-alive`).
    pub keep_alive: Option<Value>,
    /// Working directory (`--chdir`, granian `--working-dir`).
    pub chdir: Option<Value>,
    /// `--proxy-headers` (true) or `--no-proxy-headers` (false).
    pub proxy_headers: Option<Spanned<bool>>,
    /// `--forwarded-allow-ips`.
    pub forwarded_allow_ips: Option<Value>,
    /// Recycle workers after this many requests (`--max-requests`,
    /// `--limit-max-requests`).
    pub max_requests: Option<Value>,
    /// `--max-requests-jitter`.
    pub max_requests_jitter: Option<Value>,
    /// `--access-logfile`.
    pub access_logfile: Option<Value>,
    /// `--error-logfile` / `--log-file`.
    pub error_logfile: Option<Value>,
    /// `--worker-tmp-dir`.
    pub worker_tmp_dir: Option<Value>,
    /// Every flag after the server, known or not, in order.
    pub flags: Vec<Flag>,
    /// The flags the model does not know (kept, never an error).
    pub unknown_flags: Vec<Flag>,
    /// Arguments that are neither flags, flag values nor the app (a Python script's
    /// own arguments, say).
    pub positionals: Vec<Value>,
    /// From the first word (wrappers included) to the last.
    pub span: Span,
}

impl Invocation {
    fn new(server: Server, span: Span) -> Invocation {
        Invocation {
            server: Spanned::new(server, span),
            wrappers: Vec::new(),
            shell: None,
            env: Vec::new(),
            python: None,
            app: None,
            factory: None,
            interface: None,
            binds: Vec::new(),
            workers: None,
            worker_class: None,
            threads: None,
            reload: None,
            reload_dirs: Vec::new(),
            debug: None,
            log_level: None,
            config: None,
            preload: None,
            timeout: None,
            graceful_timeout: None,
            keep_alive: None,
            chdir: None,
            proxy_headers: None,
            forwarded_allow_ips: None,
            max_requests: None,
            max_requests_jitter: None,
            access_logfile: None,
            error_logfile: None,
            worker_tmp_dir: None,
            flags: Vec::new(),
            unknown_flags: Vec::new(),
            positionals: Vec::new(),
            span,
        }
    }

    /// Whether the server replaces a shell through `exec` (in a `sh -c` string, a
    /// script line or a shell-form command).
    pub fn via_exec(&self) -> bool {
        self.wrapper(WrapperKind::Exec).is_some()
    }

    /// Whether the server runs inside a `sh -c` string.
    pub fn in_shell(&self) -> bool {
        self.shell.is_some()
    }

    /// The first wrapper of `kind`.
    pub fn wrapper(&self, kind: WrapperKind) -> Option<&Wrapper> {
        self.wrappers.iter().find(|w| w.kind == kind)
    }

    /// The first flag written with one of `names` (`["-w", "--workers"]`).
    pub fn flag(&self, names: &[&str]) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| names.contains(&f.name.value.as_str()))
    }

    /// An environment assignment on the way (`NAME=value`), as a value.
    pub fn env_value(&self, name: &str) -> Option<Value> {
        self.env.iter().rev().find_map(|word| {
            let value = word.text.strip_prefix(name)?.strip_prefix('=')?;
            let start = word.text.len() - value.len();
            Some(Value::from_part(word, start..word.text.len()))
        })
    }
}

/// Reads an argument vector into a server invocation; `None` when it starts no server
/// this model knows (`alembic upgrade head`, `sh script.sh`, `python -c ...`).
pub fn parse_invocation(words: &[Word]) -> Option<Invocation> {
    launch::parse_argv(words, 0)
}

/// [`parse_invocation`] for a shell command; its `NAME=value` prefixes go to
/// [`Invocation::env`].
pub fn parse_command(command: &SimpleCommand) -> Option<Invocation> {
    launch::parse_simple_command(command, 0)
}

/// A server command found in a shell script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerCommand<'s> {
    /// The invocation.
    pub invocation: Invocation,
    /// The command's index in [`Script::commands`].
    pub index: usize,
    /// The script.
    pub script: &'s Script,
}

impl<'s> ServerCommand<'s> {
    /// The shell command that starts the server.
    pub fn command(&self) -> &'s SimpleCommand {
        &self.script.commands[self.index]
    }

    /// The commands before the server command (`alembic upgrade head &&`).
    pub fn before(&self) -> &'s [SimpleCommand] {
        self.script.commands.get(..self.index).unwrap_or(&[])
    }

    /// The commands after the server command.
    pub fn after(&self) -> &'s [SimpleCommand] {
        self.script.commands.get(self.index + 1..).unwrap_or(&[])
    }

    /// Whether the server command is the script's last command.
    pub fn is_last(&self) -> bool {
        self.index + 1 == self.script.commands.len()
    }
}

/// Every command of a script that starts a server, in order.
pub fn find_invocations(script: &Script) -> Vec<ServerCommand<'_>> {
    launch::find_invocations_at(script, 0)
}

/// The command of a script that starts its server: the last one starting a known
/// server, else the last one starting a Python script or module.
pub fn find_server(script: &Script) -> Option<ServerCommand<'_>> {
    pick_server(find_invocations(script))
}

fn pick_server(mut found: Vec<ServerCommand<'_>>) -> Option<ServerCommand<'_>> {
    let index = found
        .iter()
        .rposition(|f| f.invocation.server.value.is_known())
        .or_else(|| found.len().checked_sub(1))?;
    Some(found.swap_remove(index))
}
