//! K8S008: see rules/kubernetes/K8S008-secret-literal-in-env.md
//!
//! Values are never copied into a message or help: a finding names the variable and
//! says `(value redacted)`.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::Manifests;
use crate::rules::secrets::{has_url_password, is_literal_secret_value, is_secret_name};

use super::helpers::{container_label, workloads};

/// A credential written in plain text in a container's `env`.
struct SecretLiteralInEnv {
    workload: String,
    container: String,
    variable: String,
    /// Whether the value is a URL with an embedded password (rather than a secret name).
    url: bool,
}

impl Violation for SecretLiteralInEnv {
    const CODE: RuleCode = RuleCode::K8S008;

    fn message(&self) -> String {
        let what = if self.url {
            "holds a URL with an embedded password"
        } else {
            "sets a secret to a literal value"
        };
        format!(
            "env `{}` of container {} in {} {what} (value redacted): it is committed with the \
             manifest and readable by anyone who can read the {}",
            self.variable,
            self.container,
            self.workload,
            self.workload.split('/').next().unwrap_or("object")
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "keep the value in a Secret and reference it: `valueFrom: {{secretKeyRef: {{name: \
             app-secrets, key: {}}}}}`; treat the committed value as leaked and rotate it",
            self.variable
        ))
    }
}

pub(crate) fn check(manifests: &Manifests, cx: &mut Context) {
    for workload in workloads(&manifests.objects) {
        for container in workload.pod.all_containers() {
            for env in &container.env {
                let Some(value) = &env.value else {
                    continue;
                };
                let url = has_url_password(&value.value);
                let secret_literal =
                    is_secret_name(&env.name.value) && is_literal_secret_value(&value.value);
                if !url && !secret_literal {
                    continue;
                }
                let file = cx.file();
                let report = cx.report(
                    SecretLiteralInEnv {
                        workload: workload.display_name(),
                        container: container_label(container),
                        variable: env.name.value.clone(),
                        url,
                    },
                    value.span,
                );
                // The value must not reach any output, source snippets included.
                if let Some(file) = file {
                    let _ = report.redact(file, value.span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{RuleCode, RuleSet};
    use crate::{FileKind, Linter, Settings, SourceFile};

    #[test]
    fn values_never_reach_message_or_help() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: i:1\n      env:\n        - name: DB_PASSWORD\n          value: zq-secret-value-zq\n        - name: DSN\n          value: postgres://u:zq-url-pw-zq@db/app\n";
        let linter = Linter::new(Settings::with_rules(RuleSet::only(RuleCode::K8S008)));
        let report = linter.lint_sources(vec![SourceFile::new(
            "k8s/pod.yaml",
            FileKind::Yaml,
            text.to_string(),
        )]);
        assert_eq!(report.diagnostics.len(), 2);
        for diagnostic in &report.diagnostics {
            let help = diagnostic.help.clone().unwrap_or_default();
            assert!(diagnostic.message.contains("(value redacted)"));
            assert!(
                !diagnostic.message.contains("zq-"),
                "{}",
                diagnostic.message
            );
            assert!(!help.contains("zq-"), "{help}");
            assert_eq!(diagnostic.redact.len(), 1);
            assert_eq!(diagnostic.redact[0].span, diagnostic.location.span);
        }
    }
}
