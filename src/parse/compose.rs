//! docker compose files over the span-preserving YAML tree.
//!
//! [`parse`] reads the `services:` of a compose file (the first document with one) into
//! typed [`Service`]s: `build` (a context string, or `context`/`dockerfile`/`target`),
//! `image`, `command` and `entrypoint` (a string, split the way compose splits it, or a
//! list), `environment` (a map or a `NAME=value` list), `env_file` (a string, a list of
//! strings or of `{path, required}` objects), `ports` (short and long syntax),
//! `healthcheck`, `deploy.replicas`, `depends_on` (a list or a map) and `profiles`.
//! Every value keeps its span. Views are lenient: a field of an unexpected type is
//! absent, not an error (compose's own validation is not repeated); the errors are the
//! YAML layer's.
//!
//! Command strings are not run by a shell: compose splits them into words with shell
//! quoting rules. They are read with the shell model and its first command's words are
//! taken, so `${VAR}` interpolations are marked as such and every word keeps its span.

use std::path::Path;

use crate::parse::Parsed;
use crate::parse::command::{Invocation, parse_invocation, word_with_references};
use crate::parse::shell::Word;
use crate::parse::yaml::{self, NodeId, NodeRef, YamlStream};
use crate::span::{Span, Spanned};

/// A parsed compose file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComposeFile {
    /// The YAML tree (comments included, for suppressions).
    pub yaml: YamlStream,
    /// The services, in file order.
    pub services: Vec<Service>,
}

/// How a command was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandForm {
    /// `command: uvicorn app:app --reload`: one string compose splits into words.
    String,
    /// `command: ["uvicorn", "app:app"]`: the words as written.
    List,
}

/// A `command` or `entrypoint`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLine {
    /// How it was written.
    pub form: CommandForm,
    /// Its words, each with its file span.
    pub words: Vec<Word>,
    /// The YAML value.
    pub span: Span,
}

/// `build:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// The context directory (`build: ./api` or `build.context`).
    pub context: Option<Spanned<String>>,
    /// `build.dockerfile`.
    pub dockerfile: Option<Spanned<String>>,
    /// `build.target`: the stage built.
    pub target: Option<Spanned<String>>,
    /// The YAML value.
    pub span: Span,
}

/// One `environment` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    /// The variable's name.
    pub name: Spanned<String>,
    /// Its value; `None` when the entry only names the variable (`- NAME`, `NAME:`,
    /// `NAME: null`), which passes it through from the shell running compose.
    pub value: Option<Spanned<String>>,
    /// The whole entry.
    pub span: Span,
}

/// One `env_file` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFile {
    /// The path, relative to the compose file's directory.
    pub path: Spanned<String>,
    /// `required: false` makes a missing file no error.
    pub required: bool,
}

/// One `ports` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMapping {
    /// The host address (`127.0.0.1` of `127.0.0.1:8000:8000`, `host_ip`).
    pub host_ip: Option<Spanned<String>>,
    /// The published (host) port or range.
    pub published: Option<Spanned<String>>,
    /// The container port or range.
    pub target: Option<Spanned<String>>,
    /// `tcp`/`udp`.
    pub protocol: Option<Spanned<String>>,
    /// The whole entry.
    pub span: Span,
}

/// `healthcheck:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    /// `test`: a string or a list (`["CMD", "curl", ...]`, `["CMD-SHELL", "..."]`).
    pub test: Vec<Spanned<String>>,
    /// `disable: true`, or `test: ["NONE"]`.
    pub disabled: bool,
    /// `interval`.
    pub interval: Option<Spanned<String>>,
    /// `timeout`.
    pub timeout: Option<Spanned<String>>,
    /// `retries`.
    pub retries: Option<Spanned<i64>>,
    /// `start_period`.
    pub start_period: Option<Spanned<String>>,
    /// The YAML value.
    pub span: Span,
}

/// One service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Its key under `services:`.
    pub name: Spanned<String>,
    /// `build`.
    pub build: Option<Build>,
    /// `image`.
    pub image: Option<Spanned<String>>,
    /// `command`: replaces the image's `CMD`.
    pub command: Option<CommandLine>,
    /// `entrypoint`: replaces the image's `ENTRYPOINT` (and drops its `CMD`).
    pub entrypoint: Option<CommandLine>,
    /// `environment`, in file order.
    pub environment: Vec<EnvEntry>,
    /// `env_file`, in order.
    pub env_files: Vec<EnvFile>,
    /// `ports`.
    pub ports: Vec<PortMapping>,
    /// `healthcheck`.
    pub healthcheck: Option<Healthcheck>,
    /// `deploy.replicas` (or the legacy `scale`).
    pub replicas: Option<Spanned<i64>>,
    /// `depends_on`: the services started first.
    pub depends_on: Vec<Spanned<String>>,
    /// `profiles`: the service only starts when one is enabled.
    pub profiles: Vec<Spanned<String>>,
    /// The service's mapping node.
    pub node: NodeId,
    /// The service's mapping.
    pub span: Span,
}

impl Service {
    /// The argument vector compose runs when it is known from this file: `entrypoint`
    /// followed by `command`, or `command` alone (the image's `ENTRYPOINT`, unknown
    /// here, then comes first).
    pub fn argv(&self) -> Vec<Word> {
        let mut words = Vec::new();
        if let Some(entrypoint) = &self.entrypoint {
            words.extend(entrypoint.words.iter().cloned());
        }
        if let Some(command) = &self.command {
            words.extend(command.words.iter().cloned());
        }
        words
    }

    /// The server this service starts, read by the shared command-line model from
    /// [`Service::argv`].
    pub fn invocation(&self) -> Option<Invocation> {
        parse_invocation(&self.argv())
    }

    /// The value `environment` gives `name` (the last entry).
    pub fn env_value(&self, name: &str) -> Option<&EnvEntry> {
        self.environment.iter().rev().find(|e| e.name.value == name)
    }
}

/// Parses a compose file. Never fails: YAML problems are in `errors`.
pub fn parse(text: &str) -> Parsed<ComposeFile> {
    let parsed = yaml::parse(text);
    let services = read_services(&parsed.tree);
    Parsed {
        tree: ComposeFile {
            yaml: parsed.tree,
            services,
        },
        errors: parsed.errors,
    }
}

/// Whether a compose file's name says it is for development or overrides a base file:
/// `compose.override.yaml`, `docker-compose.dev.yml`, `compose-development.yaml`,
/// `docker-compose.local.yml`, `docker-compose.test.yml`.
pub fn is_dev_compose_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    lower.contains("dev")
        || lower
            .split(['.', '-', '_'])
            .any(|word| matches!(word, "override" | "local" | "debug" | "test" | "testing"))
}

/// Reads the services of the first complete document holding `services:`.
fn read_services(stream: &YamlStream) -> Vec<Service> {
    let Some(services) = stream
        .documents
        .iter()
        .filter(|d| d.complete)
        .filter_map(|d| d.root.map(|id| stream.node(id)))
        .find_map(|root| root.get("services").filter(|s| s.is_mapping()))
    else {
        return Vec::new();
    };
    services
        .entries()
        .into_iter()
        .filter_map(|(key, value)| read_service(key, value))
        .collect()
}

fn read_service(key: NodeRef<'_>, node: NodeRef<'_>) -> Option<Service> {
    let name = string(Some(key))?;
    if !node.is_mapping() {
        return None;
    }
    Some(Service {
        name,
        build: node.get("build").and_then(read_build),
        image: string(node.get("image")),
        command: node.get("command").and_then(read_command),
        entrypoint: node.get("entrypoint").and_then(read_command),
        environment: node
            .get("environment")
            .map(read_environment)
            .unwrap_or_default(),
        env_files: node.get("env_file").map(read_env_files).unwrap_or_default(),
        ports: node
            .get("ports")
            .map(|ports| ports.items().filter_map(read_port).collect())
            .unwrap_or_default(),
        healthcheck: node.get("healthcheck").and_then(read_healthcheck),
        replicas: node
            .get_path(&["deploy", "replicas"])
            .or_else(|| node.get("scale"))
            .and_then(|n| Some(Spanned::new(n.as_i64()?, n.span()))),
        depends_on: node.get("depends_on").map(read_names).unwrap_or_default(),
        profiles: node.get("profiles").map(read_names).unwrap_or_default(),
        node: node.id(),
        span: node.span(),
    })
}

/// A non-null scalar's text with its span.
fn string(node: Option<NodeRef<'_>>) -> Option<Spanned<String>> {
    let node = node?;
    if node.is_null() {
        return None;
    }
    Some(Spanned::new(node.as_str()?.to_string(), node.span()))
}

fn read_build(node: NodeRef<'_>) -> Option<Build> {
    if let Some(context) = string(Some(node)) {
        return Some(Build {
            context: Some(context),
            dockerfile: None,
            target: None,
            span: node.span(),
        });
    }
    node.is_mapping().then(|| Build {
        context: string(node.get("context")),
        dockerfile: string(node.get("dockerfile")),
        target: string(node.get("target")),
        span: node.span(),
    })
}

fn read_command(node: NodeRef<'_>) -> Option<CommandLine> {
    if node.is_sequence() {
        let words = node
            .items()
            .filter_map(|item| {
                let (raw, _) = item.scalar()?;
                Some(word_with_references(raw, item.span()))
            })
            .collect();
        return Some(CommandLine {
            form: CommandForm::List,
            words,
            span: node.span(),
        });
    }
    if node.is_null() {
        return None;
    }
    let (raw, _) = node.scalar()?;
    // The scalar as a word knows where its bytes are in the file (exactly for plain and
    // simply quoted strings); its text read as shell gives the words with their spans.
    let script = Word::literal(raw, node.span()).parse_as_script();
    let words = script
        .commands
        .into_iter()
        .next()
        .map(|command| command.words)
        .unwrap_or_default();
    Some(CommandLine {
        form: CommandForm::String,
        words,
        span: node.span(),
    })
}

fn read_environment(node: NodeRef<'_>) -> Vec<EnvEntry> {
    if node.is_mapping() {
        return node
            .entries()
            .into_iter()
            .filter_map(|(key, value)| {
                let name = string(Some(key))?;
                let value_text = string(Some(value));
                Some(EnvEntry {
                    span: name.span.cover(value.span()),
                    name,
                    value: value_text,
                })
            })
            .collect();
    }
    node.items()
        .filter_map(|item| {
            let (raw, _) = item.scalar()?;
            let span = item.span();
            let word = Word::literal(raw, span);
            Some(match raw.split_once('=') {
                Some((name, value)) => EnvEntry {
                    name: Spanned::new(name.to_string(), word.subspan(0..name.len())),
                    value: Some(Spanned::new(
                        value.to_string(),
                        word.subspan(name.len() + 1..raw.len()),
                    )),
                    span,
                },
                None => EnvEntry {
                    name: Spanned::new(raw.to_string(), span),
                    value: None,
                    span,
                },
            })
        })
        .collect()
}

fn read_env_files(node: NodeRef<'_>) -> Vec<EnvFile> {
    let one = |item: NodeRef<'_>| -> Option<EnvFile> {
        if let Some(path) = string(Some(item)) {
            return Some(EnvFile {
                path,
                required: true,
            });
        }
        Some(EnvFile {
            path: string(item.get("path"))?,
            required: item.get("required").and_then(|r| r.as_bool_k8s()) != Some(false),
        })
    };
    if node.is_sequence() {
        node.items().filter_map(one).collect()
    } else {
        one(node).into_iter().collect()
    }
}

fn read_port(item: NodeRef<'_>) -> Option<PortMapping> {
    if item.is_mapping() {
        return Some(PortMapping {
            host_ip: string(item.get("host_ip")),
            published: string(item.get("published")),
            target: string(item.get("target")),
            protocol: string(item.get("protocol")),
            span: item.span(),
        });
    }
    let (raw, _) = item.scalar()?;
    let span = item.span();
    let word = Word::literal(raw, span);
    let part = |range: std::ops::Range<usize>| -> Option<Spanned<String>> {
        let text = raw.get(range.clone())?;
        (!text.is_empty()).then(|| Spanned::new(text.to_string(), word.subspan(range)))
    };
    let (body_end, protocol) = match raw.rfind('/') {
        Some(slash) => (slash, part(slash + 1..raw.len())),
        None => (raw.len(), None),
    };
    let body = &raw[..body_end];
    // `[host_ip:][published:]target`; an IPv6 host is bracketed.
    let (host_ip, rest_start) = if body.starts_with('[') {
        match body.find("]:") {
            Some(close) => (part(0..close + 1), close + 2),
            None => (None, 0),
        }
    } else {
        match body.match_indices(':').count() {
            2 => {
                let colon = body.find(':').unwrap_or(0);
                (part(0..colon), colon + 1)
            }
            _ => (None, 0),
        }
    };
    let rest = &body[rest_start..];
    let (published, target) = match rest.rfind(':') {
        Some(colon) => (
            part(rest_start..rest_start + colon),
            part(rest_start + colon + 1..body_end),
        ),
        None => (None, part(rest_start..body_end)),
    };
    Some(PortMapping {
        host_ip,
        published,
        target,
        protocol,
        span,
    })
}

fn read_healthcheck(node: NodeRef<'_>) -> Option<Healthcheck> {
    if !node.is_mapping() {
        return None;
    }
    let test: Vec<Spanned<String>> = match node.get("test") {
        Some(test) if test.is_sequence() => test.items().filter_map(|i| string(Some(i))).collect(),
        other => string(other).into_iter().collect(),
    };
    let disabled = node.get("disable").and_then(|d| d.as_bool_k8s()) == Some(true)
        || test.first().is_some_and(|t| t.value == "NONE");
    Some(Healthcheck {
        test,
        disabled,
        interval: string(node.get("interval")),
        timeout: string(node.get("timeout")),
        retries: node
            .get("retries")
            .and_then(|r| Some(Spanned::new(r.as_i64()?, r.span()))),
        start_period: string(node.get("start_period")),
        span: node.span(),
    })
}

/// A list of names, or the keys of a mapping (`depends_on: {db: {condition: ...}}`).
fn read_names(node: NodeRef<'_>) -> Vec<Spanned<String>> {
    if node.is_mapping() {
        return node
            .entries()
            .into_iter()
            .filter_map(|(key, _)| string(Some(key)))
            .collect();
    }
    node.items().filter_map(|item| string(Some(item))).collect()
}

#[cfg(test)]
mod tests;
