//! Which kind of YAML file a path holds, from its name and a cheap look at its text, so
//! that only Kubernetes manifests reach the manifest rules.

use std::path::Path;

/// The kinds of YAML files the linter tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum YamlFileKind {
    /// Kubernetes objects (`apiVersion` + `kind`).
    Manifest,
    /// A Helm template (Go template syntax): not YAML until rendered, skipped.
    HelmTemplate,
    /// A Helm chart's `Chart.yaml`.
    ChartYaml,
    /// A Helm `values*.yaml`.
    HelmValues,
    /// A `kustomization.yaml`.
    Kustomization,
    /// A docker compose file.
    Compose,
    /// A GitHub Actions workflow.
    GithubWorkflow,
    /// Any other YAML (or not YAML at all).
    Other,
}

/// Classifies `path` with contents `text`.
///
/// Names decide first (`Chart.yaml`, `kustomization.yaml`, `docker-compose*.yml`,
/// `compose*.yaml`, `.github/workflows/*`, `values*.yaml`); then Go template actions that
/// Helm uses (`{{ .Values`, `{{-`, `{{ include`, `{{ if`, ...; or any `{{` under a
/// `templates/` directory) make a Helm template. Other `{{ }}` text, such as Prometheus
/// alert templates inside a manifest, does not. Otherwise a file with `apiVersion:` and
/// `kind:` keys is a manifest, a top-level `services:` a compose file.
pub fn classify(path: &Path, text: &str) -> YamlFileKind {
    // Names that are not UTF-8 are matched on their readable part.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let is_yaml_name = name.ends_with(".yaml") || name.ends_with(".yml");
    let components: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_ascii_lowercase())
        .collect();
    let in_dir = |dir: &str| {
        components
            .iter()
            .rev()
            .skip(1)
            .any(|component| component == dir)
    };
    if is_yaml_name && in_dir(".github") && in_dir("workflows") {
        return YamlFileKind::GithubWorkflow;
    }
    if name == "chart.yaml" || name == "chart.yml" {
        return YamlFileKind::ChartYaml;
    }
    if matches!(
        name.as_str(),
        "kustomization.yaml" | "kustomization.yml" | "kustomization"
    ) {
        return YamlFileKind::Kustomization;
    }
    if is_yaml_name
        && (name.starts_with("docker-compose")
            || name.starts_with("compose.")
            || name.starts_with("compose-")
            || name.contains(".compose."))
    {
        return YamlFileKind::Compose;
    }
    if !is_yaml_name && !name.ends_with(".json") {
        return YamlFileKind::Other;
    }
    let manifest = looks_like_manifest(text);
    if name.starts_with("values") && !manifest {
        return YamlFileKind::HelmValues;
    }
    if text.contains("{{") && is_helm_template(text, in_dir("templates")) {
        return YamlFileKind::HelmTemplate;
    }
    if manifest {
        return YamlFileKind::Manifest;
    }
    if has_top_level_key(text, "services") {
        return YamlFileKind::Compose;
    }
    YamlFileKind::Other
}

/// Whether a text containing `{{` is a Helm template: it sits under `templates/`, or it
/// refers to a chart object (`.Values`, `.Release`, ...), or it has another Helm-style
/// action and is not valid YAML as it stands. A valid manifest that merely carries a
/// template in a string (a Jinja chat template in a ConfigMap) stays a manifest.
fn is_helm_template(text: &str, under_templates_dir: bool) -> bool {
    match helm_action(text) {
        HelmAction::ChartObject => true,
        HelmAction::Other => {
            under_templates_dir || !crate::parse::yaml::parse(text).errors.is_empty()
        }
        HelmAction::None => under_templates_dir,
    }
}

/// The strongest Helm signal in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum HelmAction {
    None,
    Other,
    ChartObject,
}

/// Whether the text holds a Go template action of the kind Helm charts use (see
/// [`classify`]).
pub fn has_helm_action(text: &str) -> bool {
    helm_action(text) != HelmAction::None
}

/// The Go template actions of the kind Helm charts use: a trim marker
/// (`{{-`), a comment, a chart object (`.Values`, `.Release`, ...) or a control word or
/// function Helm charts call (`if`, `end`, `include`, `toYaml`, ...).
fn helm_action(text: &str) -> HelmAction {
    const OBJECTS: &[&str] = &[
        "Values",
        "Release",
        "Chart",
        "Capabilities",
        "Files",
        "Template",
    ];
    const WORDS: &[&str] = &[
        "include", "template", "if", "else", "end", "range", "with", "define", "block", "toYaml",
        "toJson", "tpl", "required", "default", "printf", "quote", "nindent", "indent", "b64enc",
    ];
    let mut found = HelmAction::None;
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let after = &rest[at + 2..];
        rest = after;
        let action = after.strip_prefix('-').unwrap_or(after).trim_start();
        if after.starts_with('-') || action.starts_with("/*") {
            found = found.max(HelmAction::Other);
        }
        let action = action.strip_prefix('$').unwrap_or(action);
        let (path, action) = match action.strip_prefix('.') {
            Some(path) => (true, path),
            None => (false, action),
        };
        let word_end = action
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(action.len());
        let word = &action[..word_end];
        if path && OBJECTS.contains(&word) {
            return HelmAction::ChartObject;
        }
        if !path && WORDS.contains(&word) {
            found = found.max(HelmAction::Other);
        }
    }
    found
}

/// Whether some line is an `apiVersion:` key and some line a `kind:` key (at any
/// indentation, also as the first key of a sequence item).
fn looks_like_manifest(text: &str) -> bool {
    let mut api_version = false;
    let mut kind = false;
    for line in yaml_lines(text) {
        let key = line.trim_start().trim_start_matches("- ").trim_start();
        let key = key.trim_start_matches(['"', '\'']);
        api_version |= key.starts_with("apiVersion");
        kind |= key.starts_with("kind");
        if api_version && kind {
            return true;
        }
    }
    false
}

/// The lines of a YAML text: YAML breaks lines at `\n`, `\r\n` and a lone `\r`.
fn yaml_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', '\r'])
}

fn has_top_level_key(text: &str, key: &str) -> bool {
    yaml_lines(text).any(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, text: &str) -> YamlFileKind {
        classify(Path::new(path), text)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n";

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_classified_by_their_readable_part() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"k8s/\xFF/app\xFF.yaml"));
        assert_eq!(classify(path, DEPLOYMENT), YamlFileKind::Manifest);
    }

    #[test]
    fn lone_carriage_returns_break_lines() {
        let text = DEPLOYMENT.replace('\n', "\r");
        assert_eq!(
            kind("k8s/app.yaml", &format!("# c\r{text}")),
            YamlFileKind::Manifest
        );
        assert_eq!(
            kind("c.yaml", "x: 1\rservices:\r  a: {}\r"),
            YamlFileKind::Compose
        );
    }

    #[test]
    fn classification_by_name_and_content() {
        assert_eq!(kind("k8s/app.yaml", DEPLOYMENT), YamlFileKind::Manifest);
        assert_eq!(kind("k8s/app.yml", DEPLOYMENT), YamlFileKind::Manifest);
        assert_eq!(
            kind("chart/Chart.yaml", "apiVersion: v2\nname: x\n"),
            YamlFileKind::ChartYaml
        );
        assert_eq!(
            kind("chart/values.yaml", "replicaCount: 1\n"),
            YamlFileKind::HelmValues
        );
        assert_eq!(
            kind("chart/values-prod.yaml", "image: {}\n"),
            YamlFileKind::HelmValues
        );
        assert_eq!(
            kind(
                "chart/templates/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
            ),
            YamlFileKind::HelmTemplate
        );
        assert_eq!(
            kind(
                "deploy/x.yaml",
                "{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\n{{- end }}\n"
            ),
            YamlFileKind::HelmTemplate
        );
        assert_eq!(
            kind("overlays/prod/kustomization.yaml", "resources: []\n"),
            YamlFileKind::Kustomization
        );
        assert_eq!(
            kind("docker-compose.override.yml", "services: {}\n"),
            YamlFileKind::Compose
        );
        assert_eq!(
            kind("compose.yaml", "services: {}\n"),
            YamlFileKind::Compose
        );
        assert_eq!(
            kind("stack.yml", "version: '3'\nservices:\n  web: {}\n"),
            YamlFileKind::Compose
        );
        assert_eq!(
            kind(".github/workflows/ci.yml", "on: push\njobs: {}\n"),
            YamlFileKind::GithubWorkflow
        );
        assert_eq!(
            kind("config/settings.yaml", "debug: true\n"),
            YamlFileKind::Other
        );
        assert_eq!(kind("README.md", DEPLOYMENT), YamlFileKind::Other);
    }

    #[test]
    fn template_text_inside_a_valid_manifest_is_not_helm() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  chat: |\n    {{- bos_token }}\n    {% for m in messages %}{{ m }}{% endfor %}\n";
        assert_eq!(kind("llm/config.yaml", text), YamlFileKind::Manifest);
        let broken = "apiVersion: v1\nkind: ConfigMap\n{{- if true }}\ndata: {}\n{{- end }}\n";
        assert_eq!(kind("llm/config.yaml", broken), YamlFileKind::HelmTemplate);
    }

    #[test]
    fn prometheus_templates_inside_a_manifest_are_not_helm() {
        let text = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - rules:\n    - annotations:\n        summary: \"{{ $labels.instance }} down for {{ $value }}\"\n";
        assert_eq!(kind("monitoring/rules.yaml", text), YamlFileKind::Manifest);
    }
}
