//! The environment a running service gets, gathered from every file that gives it one:
//! Dockerfile `ENV`, Kubernetes `env`/`envFrom` (with the keys of the ConfigMaps and
//! Secrets they name), compose `environment`/`env_file`, systemd
//! `Environment`/`EnvironmentFile`.
//!
//! Later sources override earlier ones, as at run time (an orchestrator's `env` replaces
//! the image's `ENV`). Some sources give variables whose names cannot be known here (an
//! `env_file` that is not read, an `envFrom` of a ConfigMap defined elsewhere): the
//! environment is then *open*, and rules asking "is X set anywhere?" must not answer no.

use super::fact::Origin;

/// What is known about an environment variable's value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvValue {
    /// Written out in full.
    Literal(String),
    /// Read from a Secret (its value is never known here, nor wanted).
    Secret,
    /// Set, but the value is decided at run time (an expansion, a field reference, a
    /// compose pass-through from the host shell).
    Unknown,
}

impl EnvValue {
    /// The literal text, if known.
    pub fn literal(&self) -> Option<&str> {
        match self {
            EnvValue::Literal(text) => Some(text),
            _ => None,
        }
    }
}

/// One variable of the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// Its name, as set.
    pub name: String,
    /// Its value.
    pub value: EnvValue,
    /// Where it is set (the `env` entry, the `ENV` pair, the ConfigMap key).
    pub origin: Origin,
    /// Where its literal value is written, when it is (the ConfigMap value for a
    /// `configMapKeyRef`).
    pub value_origin: Option<Origin>,
    /// What sets it, for messages: "Dockerfile ENV", "Kubernetes env", ...
    pub source: EnvSource,
}

/// The kind of file that set a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EnvSource {
    /// `ENV` in the image.
    Dockerfile,
    /// A container's `env`.
    KubernetesEnv,
    /// A container's `envFrom` (a ConfigMap or Secret's keys).
    KubernetesEnvFrom,
    /// A compose service's `environment`.
    Compose,
    /// A systemd `Environment=`.
    Systemd,
    /// A `NAME=value` prefix of the start command.
    CommandLine,
}

impl EnvSource {
    /// How messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            EnvSource::Dockerfile => "Dockerfile ENV",
            EnvSource::KubernetesEnv => "Kubernetes env",
            EnvSource::KubernetesEnvFrom => "Kubernetes envFrom",
            EnvSource::Compose => "compose environment",
            EnvSource::Systemd => "systemd Environment",
            EnvSource::CommandLine => "the start command",
        }
    }
}

/// A source whose variable names cannot be known here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenSource {
    /// What it is, for `graph` ("env_file .env (not read)").
    pub description: String,
    /// Where it is referenced.
    pub origin: Origin,
}

/// The environment of one running service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    vars: Vec<EnvVar>,
    open: Vec<OpenSource>,
}

impl Environment {
    /// Sets a variable, replacing an earlier value of the same name.
    pub fn set(&mut self, var: EnvVar) {
        self.vars.retain(|v| v.name != var.name);
        self.vars.push(var);
    }

    /// Records a source whose names are unknown.
    pub fn add_open(&mut self, description: impl Into<String>, origin: Origin) {
        self.open.push(OpenSource {
            description: description.into(),
            origin,
        });
    }

    /// The variable `name` (exact case, as the process sees it).
    pub fn get(&self, name: &str) -> Option<&EnvVar> {
        self.vars.iter().find(|v| v.name == name)
    }

    /// The variable `name`, any case (pydantic-settings matches names case-insensitively
    /// unless `case_sensitive`).
    pub fn get_ignore_case(&self, name: &str) -> Option<&EnvVar> {
        self.vars
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(name))
    }

    /// Every variable, in the order they were set.
    pub fn vars(&self) -> &[EnvVar] {
        &self.vars
    }

    /// Sources whose names are unknown; empty when every variable is known.
    pub fn open_sources(&self) -> &[OpenSource] {
        &self.open
    }

    /// Whether every variable the service gets is known.
    pub fn is_complete(&self) -> bool {
        self.open.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn var(name: &str, value: &str, source: EnvSource) -> EnvVar {
        EnvVar {
            name: name.to_string(),
            value: EnvValue::Literal(value.to_string()),
            origin: Origin::file(0, Span::new(0, 1)),
            value_origin: None,
            source,
        }
    }

    #[test]
    fn later_sources_override_earlier_ones() {
        let mut env = Environment::default();
        env.set(var("WORKERS", "2", EnvSource::Dockerfile));
        env.set(var("WORKERS", "4", EnvSource::KubernetesEnv));
        let workers = env.get("WORKERS").expect("set");
        assert_eq!(workers.value.literal(), Some("4"));
        assert_eq!(workers.source, EnvSource::KubernetesEnv);
        assert_eq!(env.vars().len(), 1);
        assert!(env.get("workers").is_none());
        assert_eq!(
            env.get_ignore_case("workers").map(|v| v.name.as_str()),
            Some("WORKERS")
        );
        assert!(env.is_complete());
        env.add_open("env_file .env (not read)", Origin::file(1, Span::new(2, 6)));
        assert!(!env.is_complete());
    }
}
