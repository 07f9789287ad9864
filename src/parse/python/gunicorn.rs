//! gunicorn's configuration: every documented setting, resolved from a config file, the
//! command line and `GUNICORN_CMD_ARGS`, each value with its origin.
//!
//! gunicorn reads, in increasing precedence: its documented defaults, the config file
//! (`-c/--config`, default `./gunicorn.conf.py`, or `python:module`), `GUNICORN_CMD_ARGS`
//! (split like a shell would), then the command line. [`GunicornConfig`] replays that order.
//! Config files are evaluated statically (see [`evaluate_module`]); nothing is executed.

use std::collections::HashSet;

use ruff_python_ast::visitor::{Visitor, walk_expr};
use ruff_python_ast::{Expr, ExprContext};

use super::eval::{BindingKind, Evaluated, Value, evaluate_module};
use super::syntax::PythonModule;
use crate::span::{Span, Spanned};

/// How a setting is given on gunicorn's command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgumentKind {
    /// Config-file only: no command-line flag.
    None,
    /// The flag takes one value (`--workers 4`, `--workers=4`, `-w4`).
    Value,
    /// The flag takes one value and may be repeated; the values form a list (`-b a -b b`).
    Append,
    /// The bare flag sets the setting to `True` (`--preload`).
    SetsTrue,
    /// The bare flag sets the setting to `False` (`--no-sendfile`).
    SetsFalse,
    /// The flag takes an optional value; bare, it means `when_bare` (`--proxy-protocol`).
    OptionalValue {
        /// The value of the bare flag.
        when_bare: &'static str,
    },
}

/// The type gunicorn validates a setting's value as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingType {
    /// A non-negative integer.
    Int,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// A list of strings (a single string is accepted as a one-element list).
    StrList,
    /// A dict.
    Dict,
    /// A server hook: a callable defined in the config file.
    Hook,
    /// A class, given as a dotted path string or the class object (`worker_class`).
    Class,
    /// A user or group, by name or numeric id.
    UserOrGroup,
}

/// A setting's documented default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    /// `None`.
    None,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(&'static str),
    /// A list of strings.
    StrList(&'static [&'static str]),
    /// A dict of strings.
    Dict(&'static [(&'static str, &'static str)]),
    /// A hook that does nothing.
    NoOpHook,
    /// Computed when gunicorn starts (the text says from what).
    Runtime(&'static str),
}

/// One documented gunicorn setting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SettingSpec {
    /// The name used in config files (`max_requests_jitter`).
    pub name: &'static str,
    /// The documentation section it is listed under.
    pub section: &'static str,
    /// Its command-line flags, short first (`-w`, `--workers`); empty for config-only ones.
    pub flags: &'static [&'static str],
    /// How the flags take their value.
    pub argument: ArgumentKind,
    /// The value type gunicorn checks.
    pub kind: SettingType,
    /// The documented default.
    pub default: DefaultValue,
    /// An environment variable gunicorn's default reads (`WEB_CONCURRENCY` for `workers`,
    /// `PORT` for `bind`, which then becomes `0.0.0.0:$PORT`).
    pub default_env: Option<&'static str>,
}

impl SettingSpec {
    /// The documented default as a [`Value`] (`Unknown` for runtime-computed ones).
    pub fn default_value(&self) -> Value {
        match self.default {
            DefaultValue::None => Value::None,
            DefaultValue::Bool(flag) => Value::Bool(flag),
            DefaultValue::Int(number) => Value::Int(number),
            DefaultValue::Str(text) => Value::Str(text.to_string()),
            DefaultValue::StrList(items) => Value::List(
                items
                    .iter()
                    .map(|item| Evaluated::new(Value::Str((*item).to_string()), Span::default()))
                    .collect(),
            ),
            DefaultValue::Dict(items) => Value::Dict(
                items
                    .iter()
                    .map(|(key, value)| {
                        (
                            Evaluated::new(Value::Str((*key).to_string()), Span::default()),
                            Evaluated::new(Value::Str((*value).to_string()), Span::default()),
                        )
                    })
                    .collect(),
            ),
            DefaultValue::NoOpHook => Value::Function(self.name.to_string()),
            DefaultValue::Runtime(_) => Value::Unknown,
        }
    }

    /// Whether this setting is a server hook (a function in the config file).
    pub fn is_hook(&self) -> bool {
        self.kind == SettingType::Hook
    }
}

/// The documented setting called `name` (config-file spelling).
pub fn setting(name: &str) -> Option<&'static SettingSpec> {
    SETTINGS.iter().find(|spec| spec.name == name)
}

/// The setting a command-line flag sets, by exact flag (`-w`, `--workers`).
pub fn setting_for_flag(flag: &str) -> Option<&'static SettingSpec> {
    SETTINGS.iter().find(|spec| spec.flags.contains(&flag))
}

/// Every documented gunicorn setting (gunicorn 26.1), in documentation order.
pub static SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        name: "config",
        section: "Config File",
        flags: &["-c", "--config"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("./gunicorn.conf.py"),
        default_env: None,
    },
    SettingSpec {
        name: "wsgi_app",
        section: "Config File",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "bind",
        section: "Server Socket",
        flags: &["-b", "--bind"],
        argument: ArgumentKind::Append,
        kind: SettingType::StrList,
        default: DefaultValue::StrList(&["127.0.0.1:8000"]),
        default_env: Some("PORT"),
    },
    SettingSpec {
        name: "backlog",
        section: "Server Socket",
        flags: &["--backlog"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(2048),
        default_env: None,
    },
    SettingSpec {
        name: "workers",
        section: "Worker Processes",
        flags: &["-w", "--workers"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(1),
        default_env: Some("WEB_CONCURRENCY"),
    },
    SettingSpec {
        name: "worker_class",
        section: "Worker Processes",
        flags: &["-k", "--worker-class"],
        argument: ArgumentKind::Value,
        kind: SettingType::Class,
        default: DefaultValue::Str("sync"),
        default_env: None,
    },
    SettingSpec {
        name: "threads",
        section: "Worker Processes",
        flags: &["--threads"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(1),
        default_env: None,
    },
    SettingSpec {
        name: "worker_connections",
        section: "Worker Processes",
        flags: &["--worker-connections"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(1000),
        default_env: None,
    },
    SettingSpec {
        name: "max_requests",
        section: "Worker Processes",
        flags: &["--max-requests"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(0),
        default_env: None,
    },
    SettingSpec {
        name: "max_requests_jitter",
        section: "Worker Processes",
        flags: &["--max-requests-jitter"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(0),
        default_env: None,
    },
    SettingSpec {
        name: "timeout",
        section: "Worker Processes",
        flags: &["-t", "--timeout"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(30),
        default_env: None,
    },
    SettingSpec {
        name: "graceful_timeout",
        section: "Worker Processes",
        flags: &["--graceful-timeout"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(30),
        default_env: None,
    },
    SettingSpec {
        name: "keepalive",
        section: "Worker Processes",
        flags: &["--keep-alive"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(2),
        default_env: None,
    },
    SettingSpec {
        name: "limit_request_line",
        section: "Security",
        flags: &["--limit-request-line"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(4094),
        default_env: None,
    },
    SettingSpec {
        name: "limit_request_fields",
        section: "Security",
        flags: &["--limit-request-fields"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(100),
        default_env: None,
    },
    SettingSpec {
        name: "limit_request_field_size",
        section: "Security",
        flags: &["--limit-request-field_size"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(8190),
        default_env: None,
    },
    SettingSpec {
        name: "reload",
        section: "Debugging",
        flags: &["--reload"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "reload_engine",
        section: "Debugging",
        flags: &["--reload-engine"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("auto"),
        default_env: None,
    },
    SettingSpec {
        name: "reload_extra_files",
        section: "Debugging",
        flags: &["--reload-extra-file"],
        argument: ArgumentKind::Append,
        kind: SettingType::StrList,
        default: DefaultValue::StrList(&[]),
        default_env: None,
    },
    SettingSpec {
        name: "spew",
        section: "Debugging",
        flags: &["--spew"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "check_config",
        section: "Debugging",
        flags: &["--check-config"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "print_config",
        section: "Debugging",
        flags: &["--print-config"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "preload_app",
        section: "Server Mechanics",
        flags: &["--preload"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "sendfile",
        section: "Server Mechanics",
        flags: &["--no-sendfile"],
        argument: ArgumentKind::SetsFalse,
        kind: SettingType::Bool,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "reuse_port",
        section: "Server Mechanics",
        flags: &["--reuse-port"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "chdir",
        section: "Server Mechanics",
        flags: &["--chdir"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Runtime("the current directory"),
        default_env: None,
    },
    SettingSpec {
        name: "daemon",
        section: "Server Mechanics",
        flags: &["-D", "--daemon"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "raw_env",
        section: "Server Mechanics",
        flags: &["-e", "--env"],
        argument: ArgumentKind::Append,
        kind: SettingType::StrList,
        default: DefaultValue::StrList(&[]),
        default_env: None,
    },
    SettingSpec {
        name: "pidfile",
        section: "Server Mechanics",
        flags: &["-p", "--pid"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "worker_tmp_dir",
        section: "Server Mechanics",
        flags: &["--worker-tmp-dir"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "user",
        section: "Server Mechanics",
        flags: &["-u", "--user"],
        argument: ArgumentKind::Value,
        kind: SettingType::UserOrGroup,
        default: DefaultValue::Runtime("the effective user id"),
        default_env: None,
    },
    SettingSpec {
        name: "group",
        section: "Server Mechanics",
        flags: &["-g", "--group"],
        argument: ArgumentKind::Value,
        kind: SettingType::UserOrGroup,
        default: DefaultValue::Runtime("the effective group id"),
        default_env: None,
    },
    SettingSpec {
        name: "umask",
        section: "Server Mechanics",
        flags: &["-m", "--umask"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(0),
        default_env: None,
    },
    SettingSpec {
        name: "initgroups",
        section: "Server Mechanics",
        flags: &["--initgroups"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "tmp_upload_dir",
        section: "Server Mechanics",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "secure_scheme_headers",
        section: "Server Mechanics",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Dict,
        default: DefaultValue::Dict(&[
            ("X-FORWARDED-PROTOCOL", "ssl"),
            ("X-FORWARDED-PROTO", "https"),
            ("X-FORWARDED-SSL", "on"),
        ]),
        default_env: None,
    },
    SettingSpec {
        name: "forwarded_allow_ips",
        section: "Server Mechanics",
        flags: &["--forwarded-allow-ips"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("127.0.0.1,::1"),
        default_env: Some("FORWARDED_ALLOW_IPS"),
    },
    SettingSpec {
        name: "accesslog",
        section: "Logging",
        flags: &["--access-logfile"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "disable_redirect_access_to_syslog",
        section: "Logging",
        flags: &["--disable-redirect-access-to-syslog"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "access_log_format",
        section: "Logging",
        flags: &["--access-logformat"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str(
            r#"%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s""#,
        ),
        default_env: None,
    },
    SettingSpec {
        name: "errorlog",
        section: "Logging",
        flags: &["--error-logfile", "--log-file"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("-"),
        default_env: None,
    },
    SettingSpec {
        name: "loglevel",
        section: "Logging",
        flags: &["--log-level"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("info"),
        default_env: None,
    },
    SettingSpec {
        name: "capture_output",
        section: "Logging",
        flags: &["--capture-output"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "logger_class",
        section: "Logging",
        flags: &["--logger-class"],
        argument: ArgumentKind::Value,
        kind: SettingType::Class,
        default: DefaultValue::Str("gunicorn.glogging.Logger"),
        default_env: None,
    },
    SettingSpec {
        name: "logconfig",
        section: "Logging",
        flags: &["--log-config"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "logconfig_dict",
        section: "Logging",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Dict,
        default: DefaultValue::Dict(&[]),
        default_env: None,
    },
    SettingSpec {
        name: "logconfig_json",
        section: "Logging",
        flags: &["--log-config-json"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "syslog_addr",
        section: "Logging",
        flags: &["--log-syslog-to"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("udp://localhost:514"),
        default_env: None,
    },
    SettingSpec {
        name: "syslog",
        section: "Logging",
        flags: &["--log-syslog"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "syslog_prefix",
        section: "Logging",
        flags: &["--log-syslog-prefix"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "syslog_facility",
        section: "Logging",
        flags: &["--log-syslog-facility"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("user"),
        default_env: None,
    },
    SettingSpec {
        name: "enable_stdio_inheritance",
        section: "Logging",
        flags: &["-R", "--enable-stdio-inheritance"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "statsd_host",
        section: "Logging",
        flags: &["--statsd-host"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "dogstatsd_tags",
        section: "Logging",
        flags: &["--dogstatsd-tags"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str(""),
        default_env: None,
    },
    SettingSpec {
        name: "statsd_prefix",
        section: "Logging",
        flags: &["--statsd-prefix"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str(""),
        default_env: None,
    },
    SettingSpec {
        name: "enable_backlog_metric",
        section: "Logging",
        flags: &["--enable-backlog-metric"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "proc_name",
        section: "Process Naming",
        flags: &["-n", "--name"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "default_proc_name",
        section: "Process Naming",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Str,
        default: DefaultValue::Str("gunicorn"),
        default_env: None,
    },
    SettingSpec {
        name: "pythonpath",
        section: "Server Mechanics",
        flags: &["--pythonpath"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "paste",
        section: "Server Mechanics",
        flags: &["--paste", "--paster"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "on_starting",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "on_reload",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "when_ready",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "pre_fork",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "post_fork",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "post_worker_init",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "worker_int",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "worker_abort",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "pre_exec",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "pre_request",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "post_request",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "child_exit",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "worker_exit",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "nworkers_changed",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "on_exit",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "ssl_context",
        section: "Server Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "proxy_protocol",
        section: "Server Mechanics",
        flags: &["--proxy-protocol"],
        argument: ArgumentKind::OptionalValue { when_bare: "auto" },
        kind: SettingType::Str,
        default: DefaultValue::Str("off"),
        default_env: None,
    },
    SettingSpec {
        name: "proxy_allow_ips",
        section: "Server Mechanics",
        flags: &["--proxy-allow-from"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("127.0.0.1,::1"),
        default_env: None,
    },
    SettingSpec {
        name: "protocol",
        section: "Server Mechanics",
        flags: &["--protocol"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("http"),
        default_env: None,
    },
    SettingSpec {
        name: "uwsgi_allow_ips",
        section: "Server Mechanics",
        flags: &["--uwsgi-allow-from"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("127.0.0.1,::1"),
        default_env: None,
    },
    SettingSpec {
        name: "keyfile",
        section: "SSL",
        flags: &["--keyfile"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "certfile",
        section: "SSL",
        flags: &["--certfile"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "ssl_version",
        section: "SSL",
        flags: &["--ssl-version"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(2),
        default_env: None,
    },
    SettingSpec {
        name: "cert_reqs",
        section: "SSL",
        flags: &["--cert-reqs"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(0),
        default_env: None,
    },
    SettingSpec {
        name: "ca_certs",
        section: "SSL",
        flags: &["--ca-certs"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "suppress_ragged_eofs",
        section: "SSL",
        flags: &["--suppress-ragged-eofs"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(true),
        default_env: None,
    },
    SettingSpec {
        name: "do_handshake_on_connect",
        section: "SSL",
        flags: &["--do-handshake-on-connect"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "ciphers",
        section: "SSL",
        flags: &["--ciphers"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::None,
        default_env: None,
    },
    SettingSpec {
        name: "http_protocols",
        section: "HTTP/2",
        flags: &["--http-protocols"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("h1"),
        default_env: None,
    },
    SettingSpec {
        name: "http2_cleartext",
        section: "HTTP/2",
        flags: &["--http2-cleartext"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("off"),
        default_env: None,
    },
    SettingSpec {
        name: "http2_max_concurrent_streams",
        section: "HTTP/2",
        flags: &["--http2-max-concurrent-streams"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(100),
        default_env: None,
    },
    SettingSpec {
        name: "http2_initial_window_size",
        section: "HTTP/2",
        flags: &["--http2-initial-window-size"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(65535),
        default_env: None,
    },
    SettingSpec {
        name: "http2_max_frame_size",
        section: "HTTP/2",
        flags: &["--http2-max-frame-size"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Int(16384),
        default_env: None,
    },
    SettingSpec {
        name: "http2_max_header_list_size",
        section: "HTTP/2",
        flags: &["--http2-max-header-list-size"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(65536),
        default_env: None,
    },
    SettingSpec {
        name: "raw_paste_global_conf",
        section: "Server Mechanics",
        flags: &["--paste-global"],
        argument: ArgumentKind::Append,
        kind: SettingType::StrList,
        default: DefaultValue::StrList(&[]),
        default_env: None,
    },
    SettingSpec {
        name: "permit_obsolete_folding",
        section: "Server Mechanics",
        flags: &["--permit-obsolete-folding"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "strip_header_spaces",
        section: "Server Mechanics",
        flags: &["--strip-header-spaces"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "permit_unconventional_http_method",
        section: "Server Mechanics",
        flags: &["--permit-unconventional-http-method"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "permit_unconventional_http_version",
        section: "Server Mechanics",
        flags: &["--permit-unconventional-http-version"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "casefold_http_method",
        section: "Server Mechanics",
        flags: &["--casefold-http-method"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
    SettingSpec {
        name: "forwarder_headers",
        section: "Server Mechanics",
        flags: &["--forwarder-headers"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("SCRIPT_NAME,PATH_INFO"),
        default_env: None,
    },
    SettingSpec {
        name: "header_map",
        section: "Server Mechanics",
        flags: &["--header-map"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("drop"),
        default_env: None,
    },
    SettingSpec {
        name: "asgi_loop",
        section: "Worker Processes",
        flags: &["--asgi-loop"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("auto"),
        default_env: None,
    },
    SettingSpec {
        name: "asgi_lifespan",
        section: "Worker Processes",
        flags: &["--asgi-lifespan"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("auto"),
        default_env: None,
    },
    SettingSpec {
        name: "asgi_disconnect_grace_period",
        section: "Worker Processes",
        flags: &["--asgi-disconnect-grace-period"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(3),
        default_env: None,
    },
    SettingSpec {
        name: "http_parser",
        section: "Worker Processes",
        flags: &["--http-parser"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str("auto"),
        default_env: None,
    },
    SettingSpec {
        name: "root_path",
        section: "Server Mechanics",
        flags: &["--root-path"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Str(""),
        default_env: None,
    },
    SettingSpec {
        name: "dirty_apps",
        section: "Dirty Arbiters",
        flags: &["--dirty-app"],
        argument: ArgumentKind::Append,
        kind: SettingType::StrList,
        default: DefaultValue::StrList(&[]),
        default_env: None,
    },
    SettingSpec {
        name: "dirty_workers",
        section: "Dirty Arbiters",
        flags: &["--dirty-workers"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(0),
        default_env: None,
    },
    SettingSpec {
        name: "dirty_timeout",
        section: "Dirty Arbiters",
        flags: &["--dirty-timeout"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(300),
        default_env: None,
    },
    SettingSpec {
        name: "dirty_threads",
        section: "Dirty Arbiters",
        flags: &["--dirty-threads"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(1),
        default_env: None,
    },
    SettingSpec {
        name: "dirty_graceful_timeout",
        section: "Dirty Arbiters",
        flags: &["--dirty-graceful-timeout"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(30),
        default_env: None,
    },
    SettingSpec {
        name: "on_dirty_starting",
        section: "Dirty Arbiter Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "dirty_post_fork",
        section: "Dirty Arbiter Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "dirty_worker_init",
        section: "Dirty Arbiter Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "dirty_worker_exit",
        section: "Dirty Arbiter Hooks",
        flags: &[],
        argument: ArgumentKind::None,
        kind: SettingType::Hook,
        default: DefaultValue::NoOpHook,
        default_env: None,
    },
    SettingSpec {
        name: "control_socket",
        section: "Control",
        flags: &["--control-socket"],
        argument: ArgumentKind::Value,
        kind: SettingType::Str,
        default: DefaultValue::Runtime("gunicorn.ctl in $XDG_RUNTIME_DIR, else ~/.gunicorn/"),
        default_env: None,
    },
    SettingSpec {
        name: "control_socket_mode",
        section: "Control",
        flags: &["--control-socket-mode"],
        argument: ArgumentKind::Value,
        kind: SettingType::Int,
        default: DefaultValue::Int(0o600),
        default_env: None,
    },
    SettingSpec {
        name: "control_socket_disable",
        section: "Control",
        flags: &["--no-control-socket"],
        argument: ArgumentKind::SetsTrue,
        kind: SettingType::Bool,
        default: DefaultValue::Bool(false),
        default_env: None,
    },
];

/// Where a resolved setting's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// gunicorn's documented default (spans are empty).
    Default,
    /// A module-level name in the config file; spans are in that file.
    ConfigFile,
    /// `GUNICORN_CMD_ARGS`; spans are where its text was read (see
    /// [`GunicornConfig::apply_env_args`]).
    EnvArgs,
    /// The command line; spans are those of its words.
    CommandLine,
}

/// One setting's final value.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedSetting {
    /// The documented setting.
    pub spec: &'static SettingSpec,
    /// The value with its provenance (`value.span` is the value's own expression or word).
    pub value: Evaluated,
    /// Where it came from.
    pub origin: Origin,
    /// What set it: the name in the config file, or the flag and its value on a command line.
    pub span: Span,
}

impl ResolvedSetting {
    /// Whether anything but the default set it.
    pub fn is_set(&self) -> bool {
        self.origin != Origin::Default
    }
}

/// A module-level name in a config file that looks like a misspelt setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSetting {
    /// The name as written.
    pub name: String,
    /// Where it is bound.
    pub span: Span,
    /// The closest real setting.
    pub suggestion: &'static str,
    /// Edit distance to it (insertions, deletions, substitutions, transpositions).
    pub distance: usize,
}

/// One command-line word, as the command model read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word's text after quote removal.
    pub text: String,
    /// Where the word is written.
    pub span: Span,
    /// The environment variable it expands (`$WORKERS`, `${WORKERS:-4}`); `text` is then the
    /// default.
    pub env_override: Option<String>,
}

impl Word {
    /// A literal word.
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Word {
            text: text.into(),
            span,
            env_override: None,
        }
    }
}

/// A command-line problem gunicorn would stop at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgumentProblem {
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// Which config file gunicorn loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigTarget {
    /// No `-c`: `./gunicorn.conf.py`, relative to the working directory, if it exists.
    Default,
    /// `-c PATH` or `-c file:PATH`.
    File(Spanned<String>),
    /// `-c python:MODULE`.
    Module(Spanned<String>),
}

/// The default config file gunicorn looks for.
pub const DEFAULT_CONFIG_FILE: &str = "./gunicorn.conf.py";

/// The result of reading gunicorn's command-line words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedArguments {
    /// Each setting given, in order: the setting, its value, the span of flag and value.
    pub settings: Vec<(&'static SettingSpec, Evaluated, Span)>,
    /// Positional words (the application target, `module:app`).
    pub positionals: Vec<Word>,
    /// Unknown, ambiguous or incomplete options.
    pub problems: Vec<ArgumentProblem>,
}

/// Reads gunicorn's command-line words (those after `gunicorn`) the way its argument
/// parser does: `--flag value`, `--flag=value`, `-w4`, unique prefixes of long flags
/// (`--work 4` is ambiguous, `--preload-app` unknown), `--` ends the options.
pub fn parse_arguments(words: &[Word]) -> ParsedArguments {
    let mut parsed = ParsedArguments::default();
    let mut index = 0;
    let mut options_done = false;
    while let Some(word) = words.get(index) {
        index += 1;
        let text = word.text.as_str();
        if options_done || !looks_like_option(text) {
            parsed.positionals.push(word.clone());
            continue;
        }
        if text == "--" {
            options_done = true;
            continue;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let flag = format!("--{name}");
            let spec = match find_long_flag(&flag) {
                Ok(Some(spec)) => spec,
                Ok(None) => continue,
                Err(message) => {
                    parsed.problems.push(ArgumentProblem {
                        message,
                        span: word.span,
                    });
                    continue;
                }
            };
            take_option(spec, word, inline, words, &mut index, &mut parsed);
            continue;
        }
        // Short flags, possibly clustered (`-Dw4`).
        let mut rest = &text[1..];
        while let Some(letter) = rest.chars().next() {
            let flag = format!("-{letter}");
            rest = &rest[letter.len_utf8()..];
            if flag == "-v" || flag == "-h" {
                continue;
            }
            let Some(spec) = setting_for_flag(&flag) else {
                parsed.problems.push(ArgumentProblem {
                    message: format!("unknown option `{flag}`"),
                    span: word.span,
                });
                break;
            };
            match spec.argument {
                ArgumentKind::SetsTrue | ArgumentKind::SetsFalse => {
                    take_option(spec, word, None, words, &mut index, &mut parsed);
                }
                _ => {
                    let inline = (!rest.is_empty()).then_some(rest);
                    take_option(spec, word, inline, words, &mut index, &mut parsed);
                    break;
                }
            }
        }
    }
    parsed
}

/// Whether argparse treats the word as an option: starts with `-`, is not `-` alone, not a
/// negative number, and holds no space.
fn looks_like_option(text: &str) -> bool {
    text.starts_with('-')
        && text.len() > 1
        && !text.contains(' ')
        && !text[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The setting a long flag (or a unique prefix of one) sets; `Ok(None)` for `--help`/
/// `--version`.
fn find_long_flag(flag: &str) -> Result<Option<&'static SettingSpec>, String> {
    if flag == "--help" || flag == "--version" {
        return Ok(None);
    }
    if let Some(spec) = setting_for_flag(flag) {
        return Ok(Some(spec));
    }
    let mut matches: Vec<(&'static str, &'static SettingSpec)> = Vec::new();
    for spec in SETTINGS {
        for candidate in spec.flags {
            if candidate.starts_with("--") && candidate.starts_with(flag) {
                matches.push((candidate, spec));
            }
        }
    }
    let builtin = ["--help", "--version"]
        .iter()
        .any(|extra| extra.starts_with(flag));
    if builtin {
        return if matches.is_empty() {
            Ok(None)
        } else {
            Err(format!("ambiguous option `{flag}`"))
        };
    }
    match matches.as_slice() {
        [] => Err(format!("unknown option `{flag}`")),
        [(_, spec)] => Ok(Some(spec)),
        many => Err(format!(
            "ambiguous option `{flag}` could match {}",
            many.iter()
                .map(|(candidate, _)| format!("`{candidate}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Records one option: reads its value (inline or the next word) and converts it.
fn take_option(
    spec: &'static SettingSpec,
    word: &Word,
    inline: Option<&str>,
    words: &[Word],
    index: &mut usize,
    parsed: &mut ParsedArguments,
) {
    let flag_value = |value: bool| {
        let mut evaluated = Evaluated::new(Value::Bool(value), word.span);
        evaluated.env_override.clone_from(&word.env_override);
        evaluated
    };
    let from_text = |text: &str, source: &Word| {
        let mut evaluated = Evaluated::new(convert_text(spec, text), source.span);
        evaluated.env_override.clone_from(&source.env_override);
        evaluated
    };
    let (value, span) = match spec.argument {
        ArgumentKind::None => return,
        ArgumentKind::SetsTrue | ArgumentKind::SetsFalse => {
            if inline.is_some() && word.text.starts_with("--") {
                parsed.problems.push(ArgumentProblem {
                    message: format!("option `{}` takes no value", spec.flags.join("/")),
                    span: word.span,
                });
                return;
            }
            (
                flag_value(spec.argument == ArgumentKind::SetsTrue),
                word.span,
            )
        }
        ArgumentKind::OptionalValue { when_bare } => match inline {
            Some(text) => (from_text(text, word), word.span),
            None => match words.get(*index) {
                Some(next) if !looks_like_option(&next.text) => {
                    *index += 1;
                    (from_text(&next.text, next), word.span.cover(next.span))
                }
                _ => (from_text(when_bare, word), word.span),
            },
        },
        ArgumentKind::Value | ArgumentKind::Append => match inline {
            Some(text) => (from_text(text, word), word.span),
            None => match words.get(*index) {
                Some(next) if !looks_like_option(&next.text) => {
                    *index += 1;
                    (from_text(&next.text, next), word.span.cover(next.span))
                }
                _ => {
                    parsed.problems.push(ArgumentProblem {
                        message: format!("option `{}` expects a value", word.text),
                        span: word.span,
                    });
                    return;
                }
            },
        },
    };
    parsed.settings.push((spec, value, span));
}

/// Converts a command-line string to the setting's type, as gunicorn would.
fn convert_text(spec: &SettingSpec, text: &str) -> Value {
    match spec.kind {
        SettingType::Int => {
            let octal_aware = matches!(spec.name, "umask" | "control_socket_mode");
            parse_cli_int(text, octal_aware).map_or(Value::Unknown, Value::Int)
        }
        SettingType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "on" => Value::Bool(true),
            "false" | "0" | "no" | "n" | "off" => Value::Bool(false),
            _ => Value::Unknown,
        },
        _ => Value::Str(text.to_string()),
    }
}

/// `int(text)`, or `int(text, 0)` with a leading-zero octal for `umask`-like settings.
fn parse_cli_int(text: &str, octal_aware: bool) -> Option<i64> {
    let text = text.trim();
    if octal_aware {
        let lower = text.to_ascii_lowercase();
        let (digits, radix) = if let Some(rest) = lower.strip_prefix("0x") {
            (rest.to_string(), 16)
        } else if let Some(rest) = lower.strip_prefix("0o") {
            (rest.to_string(), 8)
        } else if let Some(rest) = lower.strip_prefix("0b") {
            (rest.to_string(), 2)
        } else if lower.len() > 1 && lower.starts_with('0') {
            (lower[1..].to_string(), 8)
        } else {
            (lower, 10)
        };
        return i64::from_str_radix(&digits.replace('_', ""), radix).ok();
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || digits.contains("__") || digits.ends_with('_') {
        return None;
    }
    digits.replace('_', "").parse().ok()
}

/// Splits `GUNICORN_CMD_ARGS` text like POSIX `shlex.split`, with the span of each word
/// (shifted by `base`, the offset of the text in its file).
pub fn split_env_args(text: &str, base: u32) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let span_of = |start: usize, end: usize| Span::from_range(start..end).shift(base);
    while let Some((offset, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if let Some(begin) = start.take() {
                    words.push(Word::new(
                        std::mem::take(&mut current),
                        span_of(begin, offset),
                    ));
                }
            }
            '\'' => {
                start.get_or_insert(offset);
                for (_, inner) in chars.by_ref() {
                    if inner == '\'' {
                        break;
                    }
                    current.push(inner);
                }
            }
            '"' => {
                start.get_or_insert(offset);
                while let Some((_, inner)) = chars.next() {
                    match inner {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&(_, escaped @ ('"' | '\\' | '$' | '`'))) => {
                                chars.next();
                                current.push(escaped);
                            }
                            Some(&(_, '\n')) => {
                                chars.next();
                            }
                            _ => current.push('\\'),
                        },
                        other => current.push(other),
                    }
                }
            }
            '\\' => {
                start.get_or_insert(offset);
                match chars.next() {
                    Some((_, '\n')) | None => {}
                    Some((_, escaped)) => current.push(escaped),
                }
            }
            other => {
                start.get_or_insert(offset);
                current.push(other);
            }
        }
    }
    if let Some(begin) = start {
        words.push(Word::new(current, span_of(begin, text.len())));
    }
    words
}

/// The config file gunicorn loads, given its command line and `GUNICORN_CMD_ARGS` words:
/// the command line's `-c` wins over the environment's.
pub fn config_target(command_line: &[Word], env_args: &[Word]) -> ConfigTarget {
    let last_config = |words: &[Word]| {
        parse_arguments(words)
            .settings
            .into_iter()
            .rev()
            .find(|(spec, _, _)| spec.name == "config")
            .and_then(|(_, value, _)| match value.value {
                Value::Str(text) => Some(Spanned::new(text, value.span)),
                _ => None,
            })
    };
    match last_config(command_line).or_else(|| last_config(env_args)) {
        None => ConfigTarget::Default,
        Some(Spanned { value, span }) => {
            if let Some(module) = value.strip_prefix("python:") {
                ConfigTarget::Module(Spanned::new(module.to_string(), span))
            } else {
                let path = value.strip_prefix("file:").unwrap_or(&value);
                ConfigTarget::File(Spanned::new(path.to_string(), span))
            }
        }
    }
}

/// gunicorn's resolved configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct GunicornConfig {
    settings: Vec<ResolvedSetting>,
    unknown: Vec<UnknownSetting>,
    positionals: Vec<Word>,
    problems: Vec<ArgumentProblem>,
}

impl Default for GunicornConfig {
    fn default() -> Self {
        GunicornConfig::new()
    }
}

impl GunicornConfig {
    /// Every setting at its documented default.
    pub fn new() -> Self {
        let settings = SETTINGS
            .iter()
            .map(|spec| ResolvedSetting {
                spec,
                value: Evaluated {
                    value: spec.default_value(),
                    span: Span::default(),
                    env_override: spec.default_env.map(str::to_string),
                    conditional: false,
                },
                origin: Origin::Default,
                span: Span::default(),
            })
            .collect();
        GunicornConfig {
            settings,
            unknown: Vec::new(),
            positionals: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Resolves the whole configuration in gunicorn's order: defaults, then the config file,
    /// then `GUNICORN_CMD_ARGS` words, then the command line.
    pub fn resolve(
        config_file: Option<&PythonModule>,
        env_args: &[Word],
        command_line: &[Word],
    ) -> Self {
        let mut config = GunicornConfig::new();
        if let Some(module) = config_file {
            config.apply_config_file(module);
        }
        config.apply_words(env_args, Origin::EnvArgs);
        config.apply_words(command_line, Origin::CommandLine);
        config
    }

    /// Applies a config file's module-level names (evaluated statically), and records the
    /// names that look like misspelt settings.
    pub fn apply_config_file(&mut self, module: &PythonModule) {
        let namespace = evaluate_module(module);
        for binding in namespace.bindings() {
            if let Some(index) = SETTINGS.iter().position(|spec| spec.name == binding.name)
                && let Some(slot) = self.settings.get_mut(index)
            {
                slot.value = binding.value.clone();
                slot.origin = Origin::ConfigFile;
                slot.span = binding.name_span;
            }
        }
        self.unknown = find_unknown_settings(module, &namespace);
    }

    /// Applies `GUNICORN_CMD_ARGS`: `text` is the variable's value, `base` its offset in the
    /// file it was read from.
    pub fn apply_env_args(&mut self, text: &str, base: u32) {
        let words = split_env_args(text, base);
        self.apply_words(&words, Origin::EnvArgs);
    }

    /// Applies command-line words (those after `gunicorn`).
    pub fn apply_command_line(&mut self, words: &[Word]) {
        self.apply_words(words, Origin::CommandLine);
    }

    fn apply_words(&mut self, words: &[Word], origin: Origin) {
        let parsed = parse_arguments(words);
        let mut appended: HashSet<&'static str> = HashSet::new();
        for (spec, value, span) in parsed.settings {
            let Some(slot) = self
                .settings
                .iter_mut()
                .find(|slot| slot.spec.name == spec.name)
            else {
                continue;
            };
            if spec.argument == ArgumentKind::Append {
                // Repeated flags build one list that replaces lower-precedence values.
                if appended.insert(spec.name) {
                    slot.value = Evaluated::new(Value::List(Vec::new()), value.span);
                    slot.span = span;
                }
                if let Value::List(items) = &mut slot.value.value {
                    items.push(value.clone());
                }
                slot.value.span = slot.value.span.cover(value.span);
                slot.value = slot.value.clone().inherit([&value]);
                slot.span = slot.span.cover(span);
            } else {
                slot.value = value;
                slot.span = span;
            }
            slot.origin = origin;
        }
        if origin == Origin::CommandLine {
            self.positionals.extend(parsed.positionals);
        }
        self.problems.extend(parsed.problems);
    }

    /// The setting called `name` (config-file spelling), resolved.
    pub fn get(&self, name: &str) -> Option<&ResolvedSetting> {
        self.settings.iter().find(|slot| slot.spec.name == name)
    }

    /// Every setting, in documentation order.
    pub fn settings(&self) -> &[ResolvedSetting] {
        &self.settings
    }

    /// The settings set by something other than a default.
    pub fn explicit(&self) -> impl Iterator<Item = &ResolvedSetting> {
        self.settings.iter().filter(|slot| slot.is_set())
    }

    /// Config-file names that look like misspelt settings (`worker`, `max_request`).
    pub fn unknown_settings(&self) -> &[UnknownSetting] {
        &self.unknown
    }

    /// The command line's positional words (the application target).
    pub fn app_targets(&self) -> &[Word] {
        &self.positionals
    }

    /// Command-line problems gunicorn would stop at.
    pub fn problems(&self) -> &[ArgumentProblem] {
        &self.problems
    }

    /// The bind addresses, a single string counting as a one-element list.
    pub fn bind_addresses(&self) -> Vec<Evaluated> {
        let Some(bind) = self.get("bind") else {
            return Vec::new();
        };
        match &bind.value.value {
            Value::List(items) | Value::Tuple(items) => items
                .iter()
                .map(|item| {
                    let mut item = item.clone();
                    if item.span.is_empty() {
                        item.span = bind.value.span;
                    }
                    item.inherit([&bind.value])
                })
                .collect(),
            _ => vec![bind.value.clone()],
        }
    }
}

/// The longest name compared against the settings (longer ones are never typos of them).
const MAX_COMPARED_NAME_LEN: usize = 48;

/// Module-level names that are probably misspelt settings. Skipped: real settings, private
/// (`_x`) and constant-style (`WORKERS`) names, imports, classes, names the file reads
/// itself (helpers such as `cores = cpu_count()`); functions are compared with the hooks
/// only. A name may differ by 1 edit from a setting of 5 to 7 letters and by 2 from a
/// longer one; shorter settings (`bind`, `user`) are too close to everyday words.
fn find_unknown_settings(
    module: &PythonModule,
    namespace: &super::eval::Namespace,
) -> Vec<UnknownSetting> {
    let read = names_read(module);
    let mut unknown = Vec::new();
    for binding in namespace.bindings() {
        let name = binding.name.as_str();
        if setting(name).is_some()
            || name.starts_with('_')
            || name.len() > MAX_COMPARED_NAME_LEN
            || !name.chars().any(|c| c.is_ascii_lowercase())
            || matches!(binding.kind, BindingKind::Import | BindingKind::Class)
            || read.contains(name)
        {
            continue;
        }
        let hooks_only = binding.kind == BindingKind::Function;
        let best = SETTINGS
            .iter()
            .filter(|spec| !hooks_only || spec.is_hook())
            .map(|spec| (spec.name, edit_distance(name, spec.name)))
            .filter(|(candidate, distance)| {
                *distance > 0 && *distance <= allowed_distance(candidate)
            })
            .min_by_key(|(_, distance)| *distance);
        if let Some((suggestion, distance)) = best {
            unknown.push(UnknownSetting {
                name: name.to_string(),
                span: binding.name_span,
                suggestion,
                distance,
            });
        }
    }
    unknown
}

fn allowed_distance(setting: &str) -> usize {
    match setting.len() {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// Every name read (not assigned) anywhere in the module, functions included.
fn names_read(module: &PythonModule) -> HashSet<String> {
    struct Reads(HashSet<String>);
    impl<'a> Visitor<'a> for Reads {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr
                && name.ctx == ExprContext::Load
            {
                self.0.insert(name.id.to_string());
            }
            walk_expr(self, expr);
        }
    }
    let mut reads = Reads(HashSet::new());
    for statement in module.body() {
        reads.visit_stmt(statement);
    }
    reads.0
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions each cost 1.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    let cell = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        rows[cell(i, 0)] = i;
    }
    for j in 0..=b.len() {
        rows[cell(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[cell(i - 1, j)] + 1)
                .min(rows[cell(i, j - 1)] + 1)
                .min(rows[cell(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[cell(i - 2, j - 2)] + 1);
            }
            rows[cell(i, j)] = best;
        }
    }
    rows[cell(a.len(), b.len())]
}

#[cfg(test)]
mod tests {
    use super::super::syntax::parse;
    use super::*;

    fn at(text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in text");
        Span::from_range(start..start + needle.len())
    }

    /// Words of a command line, with spans in `text`.
    fn words(text: &str) -> Vec<Word> {
        split_env_args(text, 0)
    }

    fn config_file(text: &str) -> GunicornConfig {
        let parsed = parse(text);
        assert_eq!(parsed.errors, vec![]);
        let mut config = GunicornConfig::new();
        config.apply_config_file(&parsed.tree);
        config
    }

    #[test]
    fn table_has_every_documented_setting_once() {
        assert_eq!(SETTINGS.len(), 119);
        let names: HashSet<&str> = SETTINGS.iter().map(|spec| spec.name).collect();
        assert_eq!(names.len(), SETTINGS.len());
        let flags: Vec<&str> = SETTINGS
            .iter()
            .flat_map(|spec| spec.flags.iter().copied())
            .collect();
        let unique: HashSet<&str> = flags.iter().copied().collect();
        assert_eq!(unique.len(), flags.len(), "a flag belongs to one setting");
        for hook in [
            "on_starting",
            "post_fork",
            "when_ready",
            "worker_exit",
            "pre_request",
            "ssl_context",
        ] {
            assert_eq!(
                setting(hook).map(|spec| spec.kind),
                Some(SettingType::Hook),
                "{hook}"
            );
        }
    }

    #[test]
    fn table_facts_for_common_settings() {
        let workers = setting("workers").expect("workers");
        assert_eq!(workers.flags, &["-w", "--workers"]);
        assert_eq!(workers.default, DefaultValue::Int(1));
        assert_eq!(workers.default_env, Some("WEB_CONCURRENCY"));
        assert_eq!(
            setting_for_flag("-k").map(|spec| spec.name),
            Some("worker_class")
        );
        assert_eq!(
            setting_for_flag("--keep-alive").map(|spec| spec.name),
            Some("keepalive")
        );
        assert_eq!(
            setting_for_flag("--limit-request-field_size").map(|spec| spec.name),
            Some("limit_request_field_size")
        );
        assert_eq!(
            setting_for_flag("--log-file").map(|spec| spec.name),
            Some("errorlog")
        );
        assert_eq!(
            setting_for_flag("--paster").map(|spec| spec.name),
            Some("paste")
        );
        assert_eq!(
            setting("preload_app").map(|spec| spec.argument),
            Some(ArgumentKind::SetsTrue)
        );
        assert_eq!(
            setting("sendfile").map(|spec| spec.argument),
            Some(ArgumentKind::SetsFalse)
        );
        assert_eq!(
            setting("graceful_timeout").map(|spec| spec.default),
            Some(DefaultValue::Int(30))
        );
        assert_eq!(
            setting("errorlog").map(|spec| spec.default),
            Some(DefaultValue::Str("-"))
        );
        assert_eq!(
            setting("worker_tmp_dir").map(|spec| spec.default),
            Some(DefaultValue::None)
        );
        assert_eq!(
            setting("config").map(|spec| spec.default),
            Some(DefaultValue::Str(DEFAULT_CONFIG_FILE))
        );
    }

    #[test]
    fn defaults_carry_their_env_variables() {
        let config = GunicornConfig::new();
        let workers = config.get("workers").expect("workers");
        assert_eq!(workers.origin, Origin::Default);
        assert_eq!(workers.value.value, Value::Int(1));
        assert_eq!(
            workers.value.env_override.as_deref(),
            Some("WEB_CONCURRENCY")
        );
        let bind = config.bind_addresses();
        assert_eq!(bind.len(), 1);
        assert_eq!(bind[0].value, Value::Str("127.0.0.1:8000".into()));
        assert_eq!(bind[0].env_override.as_deref(), Some("PORT"));
    }

    #[test]
    fn config_file_values_with_spans() {
        let text = "import multiprocessing, os\nbind = \"0.0.0.0:\" + os.getenv(\"PORT\", \"8000\")\nworkers = multiprocessing.cpu_count() * 2 + 1\nworker_class = \"uvicorn.workers.UvicornWorker\"\npreload_app = True\n";
        let config = config_file(text);
        let workers = config.get("workers").expect("workers");
        assert_eq!(workers.origin, Origin::ConfigFile);
        assert!(workers.value.value.is_two_n_plus_one());
        assert_eq!(workers.span, at(text, "workers"));
        assert_eq!(
            workers.value.span,
            at(text, "multiprocessing.cpu_count() * 2 + 1")
        );
        let bind = config.bind_addresses();
        assert_eq!(bind[0].value, Value::Str("0.0.0.0:8000".into()));
        assert_eq!(bind[0].env_override.as_deref(), Some("PORT"));
        assert_eq!(
            config.get("worker_class").map(|s| s.value.value.clone()),
            Some(Value::Str("uvicorn.workers.UvicornWorker".into()))
        );
        assert_eq!(
            config.get("preload_app").map(|s| s.value.value.clone()),
            Some(Value::Bool(true))
        );
        assert_eq!(config.explicit().count(), 4);
    }

    #[test]
    fn hooks_in_config_file_are_settings() {
        let text = "def post_fork(server, worker):\n    pass\nwhen_ready = lambda server: None\n";
        let config = config_file(text);
        let hook = config.get("post_fork").expect("hook");
        assert_eq!(hook.origin, Origin::ConfigFile);
        assert_eq!(hook.value.value, Value::Function("post_fork".into()));
        assert_eq!(
            config.get("when_ready").map(|s| s.origin),
            Some(Origin::ConfigFile)
        );
        assert_eq!(config.unknown_settings(), &[]);
    }

    #[test]
    fn misspelt_settings_are_reported_with_suggestions() {
        let text = "worker = 4\nmax_request = 1000\ngraceful_timout = 30\nkeep_alive = 5\ndef post_forks(server, worker):\n    pass\n";
        let config = config_file(text);
        let found: Vec<(&str, &str, usize, Span)> = config
            .unknown_settings()
            .iter()
            .map(|u| (u.name.as_str(), u.suggestion, u.distance, u.span))
            .collect();
        assert_eq!(
            found,
            vec![
                ("worker", "workers", 1, Span::new(0, 6)),
                ("max_request", "max_requests", 1, at(text, "max_request")),
                (
                    "graceful_timout",
                    "graceful_timeout",
                    1,
                    at(text, "graceful_timout")
                ),
                ("keep_alive", "keepalive", 1, at(text, "keep_alive")),
                ("post_forks", "post_fork", 1, at(text, "post_forks")),
            ]
        );
    }

    #[test]
    fn helpers_constants_imports_and_short_names_are_not_unknown_settings() {
        let text = "import os\nfrom x import worker\n_workers = 2\nWORKER = 3\ncores = os.cpu_count()\nworkers = cores * 2\nthread = 1\nprint(thread)\nbid = 1\nusers = []\ndef helper():\n    pass\nclass Worker:\n    pass\n";
        let config = config_file(text);
        assert_eq!(config.unknown_settings(), &[]);
    }

    #[test]
    fn command_line_long_short_inline_and_prefix_forms() {
        let line = "-w 4 --bind=0.0.0.0:80 -b [::]:80 -kuvicorn.workers.UvicornWorker --preload --graceful 100 --access-logfile - app.main:app";
        let parsed = parse_arguments(&words(line));
        assert_eq!(parsed.problems, vec![]);
        let got: Vec<(&str, Value, Span)> = parsed
            .settings
            .iter()
            .map(|(spec, value, span)| (spec.name, value.value.clone(), *span))
            .collect();
        assert_eq!(
            got,
            vec![
                ("workers", Value::Int(4), at(line, "-w 4")),
                (
                    "bind",
                    Value::Str("0.0.0.0:80".into()),
                    at(line, "--bind=0.0.0.0:80")
                ),
                ("bind", Value::Str("[::]:80".into()), at(line, "-b [::]:80")),
                (
                    "worker_class",
                    Value::Str("uvicorn.workers.UvicornWorker".into()),
                    at(line, "-kuvicorn.workers.UvicornWorker")
                ),
                ("preload_app", Value::Bool(true), at(line, "--preload")),
                (
                    "graceful_timeout",
                    Value::Int(100),
                    at(line, "--graceful 100")
                ),
                (
                    "accesslog",
                    Value::Str("-".into()),
                    at(line, "--access-logfile -")
                ),
            ]
        );
        assert_eq!(parsed.positionals.len(), 1);
        assert_eq!(parsed.positionals[0].text, "app.main:app");
    }

    #[test]
    fn ambiguous_unknown_and_incomplete_options_are_problems() {
        let parsed = parse_arguments(&words("--work 2 --frobnicate --timeout"));
        let messages: Vec<&str> = parsed.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("ambiguous option `--work`"));
        assert_eq!(messages[1], "unknown option `--frobnicate`");
        assert_eq!(messages[2], "option `--timeout` expects a value");
    }

    #[test]
    fn clustered_short_flags() {
        let parsed = parse_arguments(&words("-Dw3"));
        let got: Vec<(&str, Value)> = parsed
            .settings
            .iter()
            .map(|(spec, value, _)| (spec.name, value.value.clone()))
            .collect();
        assert_eq!(
            got,
            vec![("daemon", Value::Bool(true)), ("workers", Value::Int(3))]
        );
    }

    #[test]
    fn optional_value_flag() {
        let parsed = parse_arguments(&words("--proxy-protocol --workers 2"));
        assert_eq!(parsed.settings[0].1.value, Value::Str("auto".into()));
        let parsed = parse_arguments(&words("--proxy-protocol v2"));
        assert_eq!(parsed.settings[0].1.value, Value::Str("v2".into()));
    }

    #[test]
    fn umask_accepts_octal() {
        let parsed = parse_arguments(&words("-m 007 --umask 0o22"));
        assert_eq!(parsed.settings[0].1.value, Value::Int(7));
        assert_eq!(parsed.settings[1].1.value, Value::Int(18));
    }

    #[test]
    fn env_args_split_like_a_shell_with_shifted_spans() {
        let text = "--bind='0.0.0.0:8000' \"--workers\" 3";
        let split = split_env_args(text, 100);
        let got: Vec<(&str, Span)> = split.iter().map(|w| (w.text.as_str(), w.span)).collect();
        assert_eq!(
            got,
            vec![
                ("--bind=0.0.0.0:8000", Span::new(100, 121)),
                ("--workers", Span::new(122, 133)),
                ("3", Span::new(134, 135)),
            ]
        );
    }

    #[test]
    fn precedence_is_config_then_env_args_then_command_line() {
        let parsed = parse("workers = 2\ntimeout = 60\nkeepalive = 5\n");
        let env = split_env_args("--workers 3 --timeout 90", 0);
        let cli = words("-w 4");
        let config = GunicornConfig::resolve(Some(&parsed.tree), &env, &cli);
        let get = |name: &str| {
            let setting = config.get(name).expect("setting");
            (setting.value.value.clone(), setting.origin)
        };
        assert_eq!(get("workers"), (Value::Int(4), Origin::CommandLine));
        assert_eq!(get("timeout"), (Value::Int(90), Origin::EnvArgs));
        assert_eq!(get("keepalive"), (Value::Int(5), Origin::ConfigFile));
        assert_eq!(get("backlog"), (Value::Int(2048), Origin::Default));
    }

    #[test]
    fn repeated_binds_on_the_command_line_replace_the_config_file_list() {
        let parsed = parse("bind = ['127.0.0.1:9000']\n");
        let line = "-b 0.0.0.0:80 -b [::]:80";
        let config = GunicornConfig::resolve(Some(&parsed.tree), &[], &words(line));
        let binds: Vec<Value> = config
            .bind_addresses()
            .into_iter()
            .map(|b| b.value)
            .collect();
        assert_eq!(
            binds,
            vec![
                Value::Str("0.0.0.0:80".into()),
                Value::Str("[::]:80".into())
            ]
        );
        assert_eq!(
            config.get("bind").map(|b| b.span),
            Some(Span::new(0, line.len() as u32))
        );
    }

    #[test]
    fn env_templated_word_marks_the_value_overridable() {
        let mut word = Word::new("4", Span::new(3, 15));
        word.env_override = Some("WORKERS".into());
        let config = GunicornConfig::resolve(None, &[], &[Word::new("-w", Span::new(0, 2)), word]);
        let workers = config.get("workers").expect("workers");
        assert_eq!(workers.value.value, Value::Int(4));
        assert_eq!(workers.value.env_override.as_deref(), Some("WORKERS"));
        assert_eq!(workers.span, Span::new(0, 15));
    }

    #[test]
    fn config_target_from_flags() {
        assert_eq!(config_target(&words("app:app"), &[]), ConfigTarget::Default);
        let line = "-c python:deploy.gunicorn_conf app:app";
        assert_eq!(
            config_target(&words(line), &[]),
            ConfigTarget::Module(Spanned::new(
                "deploy.gunicorn_conf".into(),
                at(line, "python:deploy.gunicorn_conf")
            ))
        );
        let env = split_env_args("--config=env.py", 0);
        assert_eq!(
            config_target(&[], &env),
            ConfigTarget::File(Spanned::new("env.py".into(), Span::new(0, 15)))
        );
        assert_eq!(
            config_target(&words("--config file:conf/g.py"), &env),
            ConfigTarget::File(Spanned::new("conf/g.py".into(), Span::new(9, 23)))
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("worker", "workers"), 1);
        assert_eq!(edit_distance("wokrers", "workers"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("bind", "bind"), 0);
    }
}
