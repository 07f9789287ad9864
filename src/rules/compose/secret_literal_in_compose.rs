//! DC001: see rules/compose/DC001-secret-literal-in-compose.md
//!
//! Values are never copied into a message or help, and their spans are redacted in
//! every output.

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::compose::{ComposeFile, is_dev_compose_file};
use crate::rules::secrets::{has_url_password, is_literal_secret_value, is_secret_name};

/// A credential written in plain text in a service's `environment`.
struct SecretLiteralInCompose {
    service: String,
    variable: String,
    /// Whether the value is a URL with an embedded password (rather than a secret name).
    url: bool,
}

impl Violation for SecretLiteralInCompose {
    const CODE: RuleCode = RuleCode::DC001;

    fn message(&self) -> String {
        let what = if self.url {
            "holds a URL with an embedded password"
        } else {
            "sets a secret to a literal value"
        };
        format!(
            "`environment` entry `{}` of service `{}` {what} (value redacted): it is committed \
             with the compose file and shown by `docker inspect`",
            self.variable, self.service
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "interpolate it from the environment or an untracked `.env` file (`{0}: \
             ${{{0}}}`), or use compose `secrets:`; treat the committed value as leaked and \
             rotate it",
            self.variable
        ))
    }
}

pub(crate) fn check(compose: &ComposeFile, cx: &mut Context) {
    let file = cx.file();
    // Local credentials of a development setup (`docker-compose.dev.yml`,
    // `compose.override.yaml`, a dev container) never reach production.
    if file.is_some_and(|f| {
        is_dev_compose_file(f.path())
            || f.path()
                .components()
                .any(|c| c.as_os_str() == ".devcontainer")
    }) {
        return;
    }
    for service in &compose.services {
        for entry in &service.environment {
            let Some(value) = &entry.value else {
                continue;
            };
            let url = has_url_password(&value.value);
            let secret_literal =
                is_secret_name(&entry.name.value) && is_literal_secret_value(&value.value);
            if !url && !secret_literal {
                continue;
            }
            let report = cx.report(
                SecretLiteralInCompose {
                    service: service.name.value.clone(),
                    variable: entry.name.value.clone(),
                    url,
                },
                value.span,
            );
            if let Some(file) = file {
                let _ = report.redact(file, value.span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{RuleCode, RuleSet};
    use crate::{FileKind, Linter, Settings, SourceFile};

    #[test]
    fn values_never_reach_message_help_or_output() {
        let text = "services:\n  api:\n    image: acme/api:1\n    environment:\n      - DB_PASSWORD=zq-secret-value-zq\n      - DSN=postgres://u:zq-url-pw-zq@db/app\n";
        let linter = Linter::new(Settings::with_rules(RuleSet::only(RuleCode::DC001)));
        let report = linter.lint_sources(vec![SourceFile::new(
            "compose.yaml",
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
        let first = &report.diagnostics[0];
        assert_eq!(&text[first.location.span.range()], "zq-secret-value-zq");
    }
}
