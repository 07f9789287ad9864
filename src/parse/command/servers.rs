//! Each server's command-line flags, and the reader that applies them.
//!
//! A flag is known when its server documents it; value-taking flags must be listed so
//! their value is not mistaken for the app target. Unknown flags are assumed to take no
//! value unless written `--flag=value`.

use std::ops::Range;

use super::{Bind, BindAddress, Flag, Invocation, Server, Value, ValueSource};
use crate::parse::shell::Word;
use crate::span::{Span, Spanned};

/// A program that starts a server, by executable or `python -m` module name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Program {
    Uvicorn,
    Gunicorn,
    Hypercorn,
    Granian,
    Daphne,
    FastApi,
    Flask,
    HttpServer,
    /// `django-admin`, `python -m django`, `manage.py` (after `runserver`).
    Django,
}

/// The program an executable's basename starts.
pub(super) fn program_of_executable(name: &str) -> Option<Program> {
    Some(match name {
        "uvicorn" => Program::Uvicorn,
        "gunicorn" => Program::Gunicorn,
        "hypercorn" => Program::Hypercorn,
        "granian" => Program::Granian,
        "daphne" => Program::Daphne,
        "fastapi" => Program::FastApi,
        "flask" => Program::Flask,
        "django-admin" => Program::Django,
        _ => return None,
    })
}

/// The program a `python -m` module starts.
pub(super) fn program_of_module(module: &str) -> Option<Program> {
    match module {
        "http.server" => Some(Program::HttpServer),
        "django" => Some(Program::Django),
        "django-admin" => None,
        other => program_of_executable(other),
    }
}

/// What a flag sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Host,
    Port,
    Uds,
    Fd,
    Bind,
    Workers,
    WorkerClass,
    Threads,
    Reload,
    NoReload,
    ReloadDir,
    Debug,
    LogLevel,
    Config,
    Preload,
    Timeout,
    GracefulTimeout,
    KeepAlive,
    Chdir,
    ProxyHeaders,
    NoProxyHeaders,
    ForwardedAllowIps,
    MaxRequests,
    MaxRequestsJitter,
    AccessLogfile,
    ErrorLogfile,
    WorkerTmpDir,
    Factory,
    Interface,
    App,
    /// Known, not modelled.
    Other,
}

/// A flag of a server.
struct Spec {
    names: &'static [&'static str],
    takes_value: bool,
    field: Field,
}

/// A value-taking flag.
const fn value(names: &'static [&'static str], field: Field) -> Spec {
    Spec {
        names,
        takes_value: true,
        field,
    }
}

/// A switch.
const fn switch(names: &'static [&'static str], field: Field) -> Spec {
    Spec {
        names,
        takes_value: false,
        field,
    }
}

const UVICORN: &[Spec] = &[
    value(&["--host"], Field::Host),
    value(&["--port"], Field::Port),
    value(&["--uds"], Field::Uds),
    value(&["--fd"], Field::Fd),
    value(&["--workers"], Field::Workers),
    switch(&["--reload"], Field::Reload),
    value(&["--reload-dir"], Field::ReloadDir),
    switch(&["--debug"], Field::Debug),
    value(&["--log-level"], Field::LogLevel),
    switch(&["--proxy-headers"], Field::ProxyHeaders),
    switch(&["--no-proxy-headers"], Field::NoProxyHeaders),
    value(&["--forwarded-allow-ips"], Field::ForwardedAllowIps),
    value(&["--timeout-keep-alive"], Field::KeepAlive),
    value(&["--timeout-graceful-shutdown"], Field::GracefulTimeout),
    value(&["--limit-max-requests"], Field::MaxRequests),
    switch(&["--factory"], Field::Factory),
    value(&["--interface"], Field::Interface),
    value(
        &[
            "--reload-include",
            "--reload-exclude",
            "--reload-delay",
            "--loop",
            "--http",
            "--ws",
            "--ws-max-size",
            "--ws-max-queue",
            "--ws-ping-interval",
            "--ws-ping-timeout",
            "--ws-per-message-deflate",
            "--lifespan",
            "--env-file",
            "--log-config",
            "--root-path",
            "--limit-concurrency",
            "--backlog",
            "--ssl-keyfile",
            "--ssl-certfile",
            "--ssl-keyfile-password",
            "--ssl-version",
            "--ssl-cert-reqs",
            "--ssl-ca-certs",
            "--ssl-ciphers",
            "--header",
            "-H",
            "--app-dir",
            "--h11-max-incomplete-event-size",
            "--timeout-worker-healthcheck",
        ],
        Field::Other,
    ),
    switch(
        &[
            "--access-log",
            "--no-access-log",
            "--use-colors",
            "--no-use-colors",
            "--server-header",
            "--no-server-header",
            "--date-header",
            "--no-date-header",
            "--version",
            "--help",
        ],
        Field::Other,
    ),
];

const GUNICORN: &[Spec] = &[
    value(&["-c", "--config"], Field::Config),
    value(&["-b", "--bind"], Field::Bind),
    value(&["-w", "--workers"], Field::Workers),
    value(&["-k", "--worker-class"], Field::WorkerClass),
    value(&["--threads"], Field::Threads),
    value(&["-t", "--timeout"], Field::Timeout),
    value(&["--graceful-timeout"], Field::GracefulTimeout),
    value(&["--keep-alive"], Field::KeepAlive),
    switch(&["--reload"], Field::Reload),
    value(&["--reload-extra-file"], Field::ReloadDir),
    switch(&["--preload"], Field::Preload),
    value(&["--chdir"], Field::Chdir),
    value(&["--forwarded-allow-ips"], Field::ForwardedAllowIps),
    value(&["--max-requests"], Field::MaxRequests),
    value(&["--max-requests-jitter"], Field::MaxRequestsJitter),
    value(&["--access-logfile"], Field::AccessLogfile),
    value(&["--error-logfile", "--log-file"], Field::ErrorLogfile),
    value(&["--log-level"], Field::LogLevel),
    value(&["--worker-tmp-dir"], Field::WorkerTmpDir),
    value(
        &[
            "--backlog",
            "--worker-connections",
            "--limit-request-line",
            "--limit-request-fields",
            "--limit-request-field_size",
            "--reload-engine",
            "-e",
            "--env",
            "-p",
            "--pid",
            "-u",
            "--user",
            "-g",
            "--group",
            "-m",
            "--umask",
            "--access-logformat",
            "--logger-class",
            "--log-config",
            "--log-config-json",
            "--log-syslog-to",
            "--log-syslog-prefix",
            "--log-syslog-facility",
            "--statsd-host",
            "--statsd-prefix",
            "--dogstatsd-tags",
            "-n",
            "--name",
            "--pythonpath",
            "--paste",
            "--paster",
            "--paste-global",
            "--proxy-allow-from",
            "--keyfile",
            "--certfile",
            "--ssl-version",
            "--cert-reqs",
            "--ca-certs",
            "--ciphers",
            "--header-map",
            "--forwarder-headers",
            "--worker-class",
        ],
        Field::Other,
    ),
    switch(
        &[
            "-D",
            "--daemon",
            "-R",
            "--enable-stdio-inheritance",
            "--check-config",
            "--print-config",
            "--spew",
            "--capture-output",
            "--reuse-port",
            "--no-sendfile",
            "--initgroups",
            "--proxy-protocol",
            "--suppress-ragged-eofs",
            "--do-handshake-on-connect",
            "--strip-header-spaces",
            "--disable-redirect-access-to-syslog",
            "--log-syslog",
            "--version",
            "--help",
        ],
        Field::Other,
    ),
];

const HYPERCORN: &[Spec] = &[
    value(
        &["-b", "--bind", "--insecure-bind", "--quic-bind"],
        Field::Bind,
    ),
    value(&["-w", "--workers"], Field::Workers),
    value(&["-k", "--worker-class"], Field::WorkerClass),
    value(&["-c", "--config"], Field::Config),
    switch(&["--reload"], Field::Reload),
    switch(&["--debug"], Field::Debug),
    value(&["--graceful-timeout"], Field::GracefulTimeout),
    value(&["--keep-alive"], Field::KeepAlive),
    value(&["--access-logfile"], Field::AccessLogfile),
    value(&["--error-logfile", "--log-file"], Field::ErrorLogfile),
    value(&["--log-level"], Field::LogLevel),
    value(&["--max-requests"], Field::MaxRequests),
    value(&["--max-requests-jitter"], Field::MaxRequestsJitter),
    value(
        &[
            "--root-path",
            "--certfile",
            "--keyfile",
            "--keyfile-password",
            "--ca-certs",
            "--ciphers",
            "-p",
            "--pid",
            "--access-logformat",
            "--access-log-format",
            "--backlog",
            "--read-timeout",
            "-u",
            "--user",
            "-g",
            "--group",
            "-m",
            "--umask",
            "--log-config",
            "--server-name",
            "--statsd-host",
            "--statsd-prefix",
            "--websocket-ping-interval",
            "--verify-mode",
        ],
        Field::Other,
    ),
];

const GRANIAN: &[Spec] = &[
    value(&["--host"], Field::Host),
    value(&["--port"], Field::Port),
    value(&["--uds"], Field::Uds),
    value(&["--interface"], Field::Interface),
    value(&["--workers"], Field::Workers),
    value(&["--threads", "--runtime-threads"], Field::Threads),
    switch(&["--reload"], Field::Reload),
    switch(&["--no-reload"], Field::NoReload),
    value(&["--reload-paths"], Field::ReloadDir),
    value(&["--log-level"], Field::LogLevel),
    value(&["--working-dir"], Field::Chdir),
    switch(&["--factory"], Field::Factory),
    value(&["--workers-kill-timeout"], Field::GracefulTimeout),
    value(
        &[
            "--http",
            "--loop",
            "--task-impl",
            "--runtime-mode",
            "--blocking-threads",
            "--runtime-blocking-threads",
            "--blocking-threads-idle-timeout",
            "--backlog",
            "--backpressure",
            "--http1-buffer-size",
            "--http1-header-read-timeout",
            "--http2-adaptive-window",
            "--http2-initial-connection-window-size",
            "--http2-initial-stream-window-size",
            "--http2-keep-alive-interval",
            "--http2-keep-alive-timeout",
            "--http2-max-concurrent-streams",
            "--http2-max-frame-size",
            "--http2-max-headers-size",
            "--http2-max-send-buffer-size",
            "--log-config",
            "--access-log-fmt",
            "--ssl-keyfile",
            "--ssl-certificate",
            "--ssl-keyfile-password",
            "--url-path-prefix",
            "--respawn-interval",
            "--workers-lifetime",
            "--workers-max-rss",
            "--process-name",
            "--pid-file",
            "--env-files",
            "--reload-ignore-dirs",
            "--reload-ignore-patterns",
            "--reload-ignore-paths",
            "--reload-filter",
            "--static-path-route",
            "--static-path-mount",
            "--static-path-expires",
        ],
        Field::Other,
    ),
    switch(
        &[
            "--ws",
            "--no-ws",
            "--log",
            "--no-log",
            "--access-log",
            "--no-access-log",
            "--respawn-failed-workers",
            "--version",
            "--help",
        ],
        Field::Other,
    ),
];

const DAPHNE: &[Spec] = &[
    value(&["-b", "--bind"], Field::Host),
    value(&["-p", "--port"], Field::Port),
    value(&["-u", "--unix-socket"], Field::Uds),
    value(&["--fd"], Field::Fd),
    value(&["-t", "--http-timeout"], Field::Timeout),
    value(&["--application-close-timeout"], Field::GracefulTimeout),
    switch(&["--proxy-headers"], Field::ProxyHeaders),
    value(
        &[
            "-e",
            "--endpoint",
            "-v",
            "--verbosity",
            "--access-log",
            "--log-fmt",
            "--ping-interval",
            "--ping-timeout",
            "--root-path",
            "--proxy-headers-host",
            "--proxy-headers-port",
            "-s",
            "--server-name",
            "--websocket_timeout",
            "--websocket_connect_timeout",
        ],
        Field::Other,
    ),
    switch(&["--no-server-name"], Field::Other),
];

const FASTAPI: &[Spec] = &[
    value(&["--host"], Field::Host),
    value(&["--port"], Field::Port),
    switch(&["--reload"], Field::Reload),
    switch(&["--no-reload"], Field::NoReload),
    value(&["--workers"], Field::Workers),
    switch(&["--proxy-headers"], Field::ProxyHeaders),
    switch(&["--no-proxy-headers"], Field::NoProxyHeaders),
    value(&["--forwarded-allow-ips"], Field::ForwardedAllowIps),
    value(&["-e", "--entrypoint"], Field::App),
    value(&["--app", "--root-path"], Field::Other),
    switch(
        &["--verbose", "--no-verbose", "--version", "--help"],
        Field::Other,
    ),
];

const FLASK: &[Spec] = &[
    value(&["-A", "--app"], Field::App),
    switch(&["--debug"], Field::Debug),
    value(&["-h", "--host"], Field::Host),
    value(&["-p", "--port"], Field::Port),
    switch(&["--reload"], Field::Reload),
    switch(&["--no-reload"], Field::NoReload),
    value(
        &[
            "-e",
            "--env-file",
            "--cert",
            "--key",
            "--extra-files",
            "--exclude-patterns",
        ],
        Field::Other,
    ),
    switch(
        &[
            "--no-debug",
            "--debugger",
            "--no-debugger",
            "--with-threads",
            "--without-threads",
            "--version",
            "--help",
        ],
        Field::Other,
    ),
];

const HTTP_SERVER: &[Spec] = &[
    value(&["-b", "--bind"], Field::Host),
    value(&["-d", "--directory", "-p", "--protocol"], Field::Other),
    switch(&["--cgi"], Field::Other),
];

const DJANGO_RUNSERVER: &[Spec] = &[
    switch(&["--noreload"], Field::NoReload),
    value(
        &["--settings", "--pythonpath", "-v", "--verbosity"],
        Field::Other,
    ),
    switch(
        &[
            "--nothreading",
            "--ipv6",
            "-6",
            "--insecure",
            "--nostatic",
            "--traceback",
            "--no-color",
            "--force-color",
            "--skip-checks",
        ],
        Field::Other,
    ),
];

fn lookup(specs: &'static [Spec], name: &str) -> Option<&'static Spec> {
    specs.iter().find(|spec| spec.names.contains(&name))
}

/// Where a flag's value is: a word and a byte range of its text.
struct ValueAt<'w> {
    word: &'w Word,
    range: Range<usize>,
}

impl ValueAt<'_> {
    fn value(&self) -> Value {
        Value::from_part(self.word, self.range.clone())
    }
}

/// Reads flags into an invocation.
struct Reader<'i> {
    invocation: &'i mut Invocation,
    specs: &'static [Spec],
    host: Option<(Value, Span)>,
    port: Option<(Value, Span)>,
}

impl Reader<'_> {
    /// Reads `args`; returns the positional arguments.
    fn read<'w>(&mut self, args: &'w [Word]) -> Vec<&'w Word> {
        let mut positionals = Vec::new();
        let mut only_positionals = false;
        let mut i = 0;
        while let Some(word) = args.get(i) {
            i += 1;
            let text = word.as_str();
            if only_positionals || !text.starts_with('-') || text.len() == 1 {
                positionals.push(word);
                continue;
            }
            if text == "--" {
                only_positionals = true;
                continue;
            }
            let (name_len, spec, attached) = if text.starts_with("--") {
                let name_len = text.find('=').unwrap_or(text.len());
                let spec = lookup(self.specs, &text[..name_len]);
                let attached = (name_len < text.len()).then(|| name_len + 1..text.len());
                (name_len, spec, attached)
            } else {
                // `-w4`, `-b0.0.0.0:80`: a value-taking short flag with its value attached.
                let short_len = text.char_indices().nth(2).map_or(text.len(), |(k, _)| k);
                match lookup(self.specs, &text[..short_len]) {
                    Some(spec) if spec.takes_value && short_len < text.len() => {
                        (short_len, Some(spec), Some(short_len..text.len()))
                    }
                    Some(spec) if short_len == text.len() => (short_len, Some(spec), None),
                    _ => (text.len(), None, None),
                }
            };
            let mut value_at = attached.map(|range| ValueAt { word, range });
            let mut span = word.span;
            if value_at.is_none()
                && spec.is_some_and(|s| s.takes_value)
                && let Some(next) = args.get(i)
            {
                i += 1;
                span = span.cover(next.span);
                value_at = Some(ValueAt {
                    word: next,
                    range: 0..next.text.len(),
                });
            }
            let flag = Flag {
                name: Spanned::new(text[..name_len].to_string(), word.subspan(0..name_len)),
                value: value_at.as_ref().map(ValueAt::value),
                span,
            };
            match spec {
                Some(spec) => self.apply(spec.field, &flag, value_at.as_ref()),
                None => self.invocation.unknown_flags.push(flag.clone()),
            }
            self.invocation.flags.push(flag);
        }
        positionals
    }

    fn apply(&mut self, field: Field, flag: &Flag, value_at: Option<&ValueAt<'_>>) {
        let switched_on = flag
            .value
            .as_ref()
            .is_none_or(|v| !matches!(v.text.to_ascii_lowercase().as_str(), "false" | "0" | "no"));
        let inv = &mut *self.invocation;
        let value = flag.value.clone();
        match field {
            Field::Host => self.host = value.map(|v| (v, flag.span)),
            Field::Port => self.port = value.map(|v| (v, flag.span)),
            Field::Uds => {
                if let Some(v) = value {
                    inv.binds.push(Bind {
                        address: BindAddress::Unix(v),
                        span: flag.span,
                    });
                }
            }
            Field::Fd => {
                if let Some(v) = value {
                    inv.binds.push(Bind {
                        address: BindAddress::Fd(v),
                        span: flag.span,
                    });
                }
            }
            Field::Bind => {
                if let Some(at) = value_at {
                    inv.binds
                        .push(parse_bind(at.word, at.range.clone(), flag.span));
                }
            }
            Field::Workers => inv.workers = value,
            Field::WorkerClass => inv.worker_class = value,
            Field::Threads => inv.threads = value,
            Field::Reload => inv.reload = switched_on.then_some(flag.span),
            Field::NoReload => inv.reload = None,
            Field::ReloadDir => inv.reload_dirs.extend(value),
            Field::Debug => inv.debug = switched_on.then_some(flag.span),
            Field::LogLevel => inv.log_level = value,
            Field::Config => inv.config = value,
            Field::Preload => inv.preload = switched_on.then_some(flag.span),
            Field::Timeout => inv.timeout = value,
            Field::GracefulTimeout => inv.graceful_timeout = value,
            Field::KeepAlive => inv.keep_alive = value,
            Field::Chdir => inv.chdir = value,
            Field::ProxyHeaders => inv.proxy_headers = Some(Spanned::new(switched_on, flag.span)),
            Field::NoProxyHeaders => inv.proxy_headers = Some(Spanned::new(false, flag.span)),
            Field::ForwardedAllowIps => inv.forwarded_allow_ips = value,
            Field::MaxRequests => inv.max_requests = value,
            Field::MaxRequestsJitter => inv.max_requests_jitter = value,
            Field::AccessLogfile => inv.access_logfile = value,
            Field::ErrorLogfile => inv.error_logfile = value,
            Field::WorkerTmpDir => inv.worker_tmp_dir = value,
            Field::Factory => inv.factory = switched_on.then_some(flag.span),
            Field::Interface => inv.interface = value,
            Field::App => inv.app = value,
            Field::Other => {}
        }
    }

    /// Adds the TCP bind of separate host and port flags, if any.
    fn finish(self) {
        let span = match (&self.host, &self.port) {
            (Some((_, a)), Some((_, b))) => a.cover(*b),
            (Some((_, a)), None) | (None, Some((_, a))) => *a,
            (None, None) => return,
        };
        self.invocation.binds.push(Bind {
            address: BindAddress::Tcp {
                host: self.host.map(|(v, _)| v),
                port: self.port.map(|(v, _)| v),
            },
            span,
        });
    }
}

/// Reads a `host:port`, `[v6]:port`, `unix:/path`, `fd://N` bind address written in
/// bytes `range` of `word`.
fn parse_bind(word: &Word, range: Range<usize>, span: Span) -> Bind {
    let whole = Value::from_part(word, range.clone());
    let text = whole.text.as_str();
    let address = if matches!(whole.source, ValueSource::Env { .. })
        || (whole.source == ValueSource::Dynamic && !text.contains(':'))
    {
        BindAddress::Templated(whole)
    } else if let Some(path) = text.strip_prefix("unix:") {
        let skip = text.len() - path.trim_start_matches("//").len();
        BindAddress::Unix(Value::from_part(word, range.start + skip..range.end))
    } else if text.starts_with("fd://") {
        BindAddress::Fd(Value::from_part(word, range.start + 5..range.end))
    } else {
        split_host_port(word, range)
    };
    Bind { address, span }
}

/// Splits `host:port` at the colon outside brackets and expansions.
fn split_host_port(word: &Word, range: Range<usize>) -> BindAddress {
    let text = word.text.get(range.clone()).unwrap_or("");
    let in_expansion = |at: usize| {
        word.expansion_ranges()
            .iter()
            .any(|e| e.start <= at && at < e.end)
    };
    let bracket_end = if text.starts_with('[') {
        text.find(']').map(|k| k + 1)
    } else {
        None
    };
    let colons: Vec<usize> = text
        .char_indices()
        .filter(|&(k, c)| {
            c == ':' && !in_expansion(range.start + k) && bracket_end.is_none_or(|end| k >= end)
        })
        .map(|(k, _)| k)
        .collect();
    let split = match (bracket_end, colons.as_slice()) {
        (Some(end), [first, ..]) if *first == end => Some(end),
        (Some(_), _) => None,
        (None, [only]) => Some(*only),
        (None, _) => None,
    };
    match split {
        Some(colon) => BindAddress::Tcp {
            host: Some(Value::from_part(word, range.start..range.start + colon)),
            port: Some(Value::from_part(word, range.start + colon + 1..range.end)),
        },
        None if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => BindAddress::Tcp {
            host: None,
            port: Some(Value::from_part(word, range)),
        },
        None => BindAddress::Tcp {
            host: Some(Value::from_part(word, range)),
            port: None,
        },
    }
}

/// Reads `args` with `specs`; the first positional that looks like `module:attr` (else
/// the first positional) is the app.
fn read_server(
    server: Server,
    name_span: Span,
    args: &[Word],
    specs: &'static [Spec],
) -> Invocation {
    let mut invocation = Invocation::new(server, name_span);
    let mut reader = Reader {
        invocation: &mut invocation,
        specs,
        host: None,
        port: None,
    };
    let mut positionals = reader.read(args);
    reader.finish();
    if invocation.app.is_none() && !positionals.is_empty() {
        let index = positionals
            .iter()
            .position(|p| p.text.contains(':'))
            .unwrap_or(0);
        invocation.app = Some(Value::from_word(positionals.remove(index)));
    }
    invocation.positionals = positionals.into_iter().map(Value::from_word).collect();
    invocation
}

/// The index of the first positional argument of `args`, skipping flags listed in
/// `specs` (with their values).
fn first_positional(args: &[Word], specs: &'static [Spec]) -> Option<usize> {
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let text = word.as_str();
        if !text.starts_with('-') || text.len() == 1 {
            return Some(i);
        }
        let takes_value = !text.contains('=') && lookup(specs, text).is_some_and(|s| s.takes_value);
        i += if takes_value { 2 } else { 1 };
    }
    None
}

/// Reads the arguments of `program` (whose name is at `name_span`); `None` when the
/// command starts no server (`flask db upgrade`, `fastapi --version`).
pub(super) fn parse_program(
    program: Program,
    name_span: Span,
    args: &[Word],
) -> Option<Invocation> {
    Some(match program {
        Program::Uvicorn => read_server(Server::Uvicorn, name_span, args, UVICORN),
        Program::Gunicorn => read_server(Server::Gunicorn, name_span, args, GUNICORN),
        Program::Hypercorn => read_server(Server::Hypercorn, name_span, args, HYPERCORN),
        Program::Granian => read_server(Server::Granian, name_span, args, GRANIAN),
        Program::Daphne => read_server(Server::Daphne, name_span, args, DAPHNE),
        Program::FastApi => {
            let at = first_positional(args, FASTAPI)?;
            let subcommand = &args[at];
            let server = match subcommand.as_str() {
                "run" => Server::FastApiRun,
                "dev" => Server::FastApiDev,
                _ => return None,
            };
            let mut words = args[..at].to_vec();
            words.extend_from_slice(&args[at + 1..]);
            let is_dev = server == Server::FastApiDev;
            let mut invocation = Invocation::new(server, name_span.cover(subcommand.span));
            if is_dev {
                invocation.reload = Some(subcommand.span);
            }
            let mut reader = Reader {
                invocation: &mut invocation,
                specs: FASTAPI,
                host: None,
                port: None,
            };
            let mut positionals = reader.read(&words);
            reader.finish();
            if invocation.app.is_none() && !positionals.is_empty() {
                invocation.app = Some(Value::from_word(positionals.remove(0)));
            }
            invocation.positionals = positionals.into_iter().map(Value::from_word).collect();
            invocation
        }
        Program::Flask => {
            let at = first_positional(args, FLASK)?;
            let subcommand = &args[at];
            if subcommand.as_str() != "run" {
                return None;
            }
            let mut words = args[..at].to_vec();
            words.extend_from_slice(&args[at + 1..]);
            read_server(
                Server::FlaskRun,
                name_span.cover(subcommand.span),
                &words,
                FLASK,
            )
        }
        Program::HttpServer => {
            let mut invocation = Invocation::new(Server::HttpServer, name_span);
            let mut reader = Reader {
                invocation: &mut invocation,
                specs: HTTP_SERVER,
                host: None,
                port: None,
            };
            let mut positionals = reader.read(args);
            if !positionals.is_empty() {
                let port = positionals.remove(0);
                reader.port = Some((Value::from_word(port), port.span));
            }
            reader.finish();
            invocation.positionals = positionals.into_iter().map(Value::from_word).collect();
            invocation
        }
        Program::Django => {
            // `runserver [addrport] [options]` after `django-admin`, `python -m django`
            // or `manage.py`.
            let subcommand = args.first().filter(|w| w.as_str() == "runserver")?;
            let name_span = name_span.cover(subcommand.span);
            let mut invocation = Invocation::new(Server::DjangoRunserver, name_span);
            invocation.reload = Some(subcommand.span);
            let mut reader = Reader {
                invocation: &mut invocation,
                specs: DJANGO_RUNSERVER,
                host: None,
                port: None,
            };
            let mut positionals = reader.read(&args[1..]);
            reader.finish();
            if !positionals.is_empty() {
                let address = positionals.remove(0);
                invocation
                    .binds
                    .push(parse_bind(address, 0..address.text.len(), address.span));
            }
            invocation.positionals = positionals.into_iter().map(Value::from_word).collect();
            invocation
        }
    })
}
