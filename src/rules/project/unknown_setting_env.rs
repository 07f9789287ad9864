//! XF003: see rules/project/XF003-unknown-setting-env.md

use super::settings_env::{
    edit_distance, has_prefix, mentions, reads_var, same_name, used_classes,
};
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::settings::SettingsClass;
use crate::parse::python::{EnvReads, env_reads};
use crate::project::{EnvVar, Project, Tree};
use crate::span::Span;

/// The largest edit distance of a "did you mean" suggestion.
const MAX_SUGGESTION_DISTANCE: usize = 2;

/// Heads of variables that libraries read by themselves (SDKs, telemetry agents, the
/// PostgreSQL client library, servers): a settings class sharing the head does not own
/// them (`SENTRY_RELEASE` beside a `SENTRY_` class that only reads `dsn`).
const LIBRARY_PREFIXES: &[&str] = &[
    "AWS_",
    "AZURE_",
    "GOOGLE_",
    "GCLOUD_",
    "OTEL_",
    "SENTRY_",
    "DD_",
    "DATADOG_",
    "NEW_RELIC_",
    "ELASTIC_APM_",
    "HONEYCOMB_",
    "OPENAI_",
    "ANTHROPIC_",
    "LANGCHAIN_",
    "LANGSMITH_",
    "HF_",
    "HUGGINGFACE_",
    "PG",
    "GUNICORN_",
    "UVICORN_",
    "PYTHON",
    "KUBERNETES_",
    "REQUESTS_",
    "SSL_",
    "CURL_",
];

/// Whether a library reads variables of this name by itself.
fn read_by_a_library(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    LIBRARY_PREFIXES
        .iter()
        .any(|prefix| upper.starts_with(prefix))
}

/// A variable with a settings class's prefix that no field reads.
struct UnknownSettingEnv {
    /// The variable.
    var: String,
    /// Where it is set ("Kubernetes env, k8s/deployment.yaml:22").
    set_in: String,
    /// The class.
    class: String,
    /// Its prefix.
    prefix: String,
    /// The nearest variable a field reads, if close.
    suggestion: Option<String>,
    /// The aliased field whose prefixed name this is (`Settings.token` reads `API_TOKEN`).
    aliased: Option<(String, String)>,
}

impl Violation for UnknownSettingEnv {
    const CODE: RuleCode = RuleCode::XF003;

    fn message(&self) -> String {
        let hint = match (&self.aliased, &self.suggestion) {
            (Some((field, alias)), _) => format!(
                ": `{}.{field}` reads `{alias}` (its alias), not the prefixed name; ",
                self.class
            ),
            (None, Some(suggestion)) => format!(": did you mean `{suggestion}`? "),
            (None, None) => ": ".to_string(),
        };
        format!(
            "`{}` ({}) matches no field of `{}` (prefix `{}`){hint}pydantic-settings reads \
             only the variables of declared fields, so the value is silently dropped",
            self.var, self.set_in, self.class, self.prefix
        )
    }

    fn help(&self) -> Option<String> {
        Some(match (&self.aliased, &self.suggestion) {
            (Some((_, alias)), _) => format!("set `{alias}` instead"),
            (None, Some(suggestion)) => format!("rename the variable to `{suggestion}`"),
            (None, None) => format!(
                "remove the variable, or add the field it is meant for to `{}`",
                self.class
            ),
        })
    }
}

/// What other code of the project reads, so a variable it uses is not reported.
struct Readers<'p> {
    /// The environment reads of every parsed Python module (gunicorn configs included).
    reads: Vec<EnvReads>,
    /// The text of every Python file (parsed or not), for names written in quotes.
    python: Vec<&'p str>,
    /// The text of every other file that can expand a variable (`$NAME`, `${NAME}`,
    /// `$(NAME)`): manifests, compose files, Dockerfiles, units, scripts.
    expanding: Vec<&'p str>,
}

impl<'p> Readers<'p> {
    fn new(project: &'p Project) -> Self {
        let reads = project
            .python_files()
            .filter_map(|(_, file)| file.module.as_deref())
            .map(env_reads)
            .collect();
        let python = project
            .python_files()
            .map(|(source, _)| source.text())
            .collect();
        let expanding = project
            .files()
            .iter()
            .filter(|file| !matches!(file.tree, Tree::Python(_) | Tree::DockerIgnore(_)))
            .map(|file| file.source.text())
            .collect();
        Readers {
            reads,
            python,
            expanding,
        }
    }

    /// Whether some code reads `name` (or may).
    fn read(&self, name: &str) -> bool {
        let upper = name.to_ascii_uppercase();
        self.reads.iter().any(|reads| {
            reads.may_read(name)
                || reads
                    .names
                    .iter()
                    .any(|n| n.value.eq_ignore_ascii_case(name))
        }) || self
            .python
            .iter()
            .any(|text| mentions(text, name) || (upper != name && mentions(text, &upper)))
            || self.expanding.iter().any(|text| expands(text, name))
    }
}

/// Whether `text` expands the variable `name`: `$NAME`, `${NAME...}`, `$(NAME)`.
fn expands(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = &text[..at];
        let after = &text[at + name.len()..];
        let ends_name = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        ends_name && (before.ends_with('$') || before.ends_with("${") || before.ends_with("$("))
    })
}

/// One finding, reported once per place the variable is set.
struct Finding<'p> {
    class: &'p SettingsClass,
    prefix: String,
    var: EnvVar,
    file: usize,
    span: Span,
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let settings = &project.python().settings;
    let mut readers: Option<Readers> = None;
    let mut findings: Vec<Finding> = Vec::new();
    for service in project.services() {
        // A field whose variable is not known here (a computed prefix, an `AliasPath`)
        // may be the one reading any variable.
        let unknown_names = service.settings_classes.iter().any(|&index| {
            settings.classes.get(index).is_some_and(|class| {
                settings
                    .all_fields(class)
                    .iter()
                    .any(|field| field.env_names_in(class).is_empty())
            })
        });
        if unknown_names {
            continue;
        }
        for class in used_classes(project, service) {
            let Some(prefix) = class.effective_config.prefix().filter(|p| !p.is_empty()) else {
                continue;
            };
            let case_sensitive = class.effective_config.is_case_sensitive();
            for runtime in service.runtimes.iter().filter(|r| !r.development) {
                for var in runtime.env.vars() {
                    if !has_prefix(&var.name, prefix, case_sensitive)
                        || var.name.len() == prefix.len()
                        || read_by_a_library(&var.name)
                    {
                        continue;
                    }
                    // Any settings class reading it (another with the same prefix, one
                    // with a longer prefix) makes it known.
                    let known = settings.classes.iter().any(|other| {
                        settings
                            .all_fields(other)
                            .iter()
                            .any(|field| reads_var(other, field, &var.name))
                    });
                    if known {
                        continue;
                    }
                    let Some((file, span)) = var.origin.location() else {
                        continue;
                    };
                    if findings.iter().any(|f| f.file == file && f.span == span) {
                        continue;
                    }
                    let readers = readers.get_or_insert_with(|| Readers::new(project));
                    if readers.read(&var.name) {
                        continue;
                    }
                    findings.push(Finding {
                        class,
                        prefix: prefix.to_string(),
                        var: var.clone(),
                        file,
                        span,
                    });
                }
            }
        }
    }
    for finding in findings {
        report(project, cx, &finding);
    }
}

fn report(project: &Project, cx: &mut Context, finding: &Finding) {
    let settings = &project.python().settings;
    let Some(source) = project.source(finding.file) else {
        return;
    };
    let class = finding.class;
    let fields = settings.all_fields(class);
    let case_sensitive = class.effective_config.is_case_sensitive();
    // The prefixed name of a field that reads its alias instead.
    let aliased = fields.iter().find_map(|field| {
        let prefixed = format!("{}{}", finding.prefix, field.name);
        let names = field.env_names_in(class);
        (same_name(&finding.var.name, &prefixed, case_sensitive)
            && !names
                .iter()
                .any(|n| same_name(n, &prefixed, case_sensitive)))
        .then(|| Some((field.name.clone(), names.first()?.clone())))
        .flatten()
    });
    let suggestion = fields
        .iter()
        .flat_map(|field| field.env_names_in(class))
        .map(|name| {
            let distance = edit_distance(&finding.var.name, &name, MAX_SUGGESTION_DISTANCE);
            (distance, name)
        })
        .filter(|(distance, _)| *distance <= MAX_SUGGESTION_DISTANCE)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name);
    let violation = UnknownSettingEnv {
        var: finding.var.name.clone(),
        set_in: format!(
            "{}, {}",
            finding.var.source.describe(),
            project.describe_origin(&finding.var.origin)
        ),
        class: class.name.clone(),
        prefix: finding.prefix.clone(),
        suggestion,
        aliased,
    };
    // Point at the name itself when the entry spells it out (`- name: X`, `ENV X=1`).
    let span = source
        .text()
        .get(finding.span.start as usize..finding.span.end as usize)
        .and_then(|entry| entry.find(finding.var.name.as_str()))
        .map_or(finding.span, |at| {
            let start = finding.span.start as usize + at;
            Span::from_range(start..start + finding.var.name.len())
        });
    let mut report = cx.report_in(source, violation, span);
    let class_file = project
        .python_module_file_indices()
        .get(class.module)
        .and_then(|&file| project.source(file));
    if let Some(class_source) = class_file {
        report = report.label(
            class_source,
            class.name_span,
            format!(
                "`{}` reads `{}*` variables for its fields only",
                class.name, finding.prefix
            ),
        );
    }
    drop(report);
}

#[cfg(test)]
mod tests {
    use super::expands;

    #[test]
    fn library_variables() {
        assert!(super::read_by_a_library("SENTRY_RELEASE"));
        assert!(super::read_by_a_library("pghost"));
        assert!(!super::read_by_a_library("ORDERS_PG_HOST"));
    }

    #[test]
    fn expansions_of_a_variable() {
        assert!(expands(
            "url: postgresql://u:$(ORDERS_DB_PASSWORD)@db/x",
            "ORDERS_DB_PASSWORD"
        ));
        assert!(expands(
            "exec app --token ${ORDERS_TOKEN:-x}",
            "ORDERS_TOKEN"
        ));
        assert!(expands("echo $ORDERS_TOKEN", "ORDERS_TOKEN"));
        assert!(!expands("echo $ORDERS_TOKEN_FILE", "ORDERS_TOKEN"));
        assert!(!expands("ORDERS_TOKEN: x", "ORDERS_TOKEN"));
    }
}
