//! XF004: see rules/project/XF004-invalid-setting-value.md

use super::settings_env::{
    Accepts, RuntimeName, field_file, rejection, runtime_name, same_name, used_classes,
};
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::python::settings::{SettingsClass, SettingsField};
use crate::project::{EnvVar, Origin, Project};
use crate::span::Span;

/// The longest value shown in a message.
const MAX_SHOWN_VALUE: usize = 40;

/// An environment value the field's type rejects.
struct InvalidSettingValue {
    /// The variable (`ORDERS_LOG_LEVEL`).
    var: String,
    /// Its value, as written (shortened).
    value: String,
    /// What sets it and where ("Kubernetes env, k8s/deployment.yaml:21").
    set_in: String,
    /// Why pydantic rejects it.
    reason: String,
    /// `Settings.log_level: Literal["debug", "info"]`.
    field: String,
    /// Where the service runs with this value.
    runtimes: Vec<String>,
}

impl Violation for InvalidSettingValue {
    const CODE: RuleCode = RuleCode::XF004;

    fn message(&self) -> String {
        let runtimes = match self.runtimes.as_slice() {
            [one] => format!("{one} stops"),
            [init @ .., last] => format!("{} and {last} stop", init.join(", ")),
            [] => "the service stops".to_string(),
        };
        format!(
            "`{}` is {:?} ({}), which {}, so `{}` cannot validate: {runtimes} at start with \
             a ValidationError",
            self.var, self.value, self.set_in, self.reason, self.field
        )
    }

    fn help(&self) -> Option<String> {
        Some(format!(
            "give `{}` a value the field's type accepts, or widen the type if the value is \
             meant",
            self.var
        ))
    }
}

/// One finding: a written value and the field it cannot fill, with every runtime using it.
struct Finding<'p> {
    class: &'p SettingsClass,
    field: &'p SettingsField,
    var: EnvVar,
    reason: String,
    file: usize,
    span: Span,
    runtimes: Vec<RuntimeName>,
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let settings = &project.python().settings;
    let mut findings: Vec<Finding> = Vec::new();
    for service in project.services() {
        let classes = used_classes(project, service);
        for runtime in service.runtimes.iter().filter(|r| !r.development) {
            for class in &classes {
                let case_sensitive = class.effective_config.is_case_sensitive();
                for field in settings.all_fields(class) {
                    let Some(accepts) = super::settings_env::accepts(field) else {
                        continue;
                    };
                    let names = field.env_names_in(class);
                    let Some(var) = runtime.env.vars().iter().rev().find(|var| {
                        names
                            .iter()
                            .any(|name| same_name(&var.name, name, case_sensitive))
                    }) else {
                        continue;
                    };
                    let Some(value) = var.value.literal() else {
                        continue;
                    };
                    let Some(reason) = rejection(&accepts, value, field.annotation.allows_none())
                    else {
                        continue;
                    };
                    let Some((file, span)) = var
                        .value_origin
                        .as_ref()
                        .and_then(|o| o.location())
                        .or_else(|| var.origin.location())
                    else {
                        continue;
                    };
                    let runtime = runtime_name(project, runtime);
                    match findings
                        .iter_mut()
                        .find(|f| f.file == file && f.span == span && std::ptr::eq(f.field, field))
                    {
                        Some(finding) => finding.runtimes.extend(runtime),
                        None => findings.push(Finding {
                            class,
                            field,
                            var: var.clone(),
                            reason: describe_reason(&accepts, reason),
                            file,
                            span,
                            runtimes: runtime.into_iter().collect(),
                        }),
                    }
                }
            }
        }
    }
    for finding in findings {
        report(project, cx, &finding);
    }
}

/// The reason, completed with the type for URL fields.
fn describe_reason(accepts: &Accepts, reason: String) -> String {
    match accepts {
        Accepts::Url(name, _) if reason.starts_with("is empty") => {
            format!("{reason} (`{name}` needs one)")
        }
        _ => reason,
    }
}

fn report(project: &Project, cx: &mut Context, finding: &Finding) {
    let Some(value_source) = project.source(finding.file) else {
        return;
    };
    let Some(field_source) = field_file(project, finding.field).and_then(|f| project.source(f))
    else {
        return;
    };
    let value = finding.var.value.literal().unwrap_or("");
    let shown = if value.chars().count() > MAX_SHOWN_VALUE {
        let head: String = value.chars().take(MAX_SHOWN_VALUE).collect();
        format!("{head}...")
    } else {
        value.to_string()
    };
    let violation = InvalidSettingValue {
        var: finding.var.name.clone(),
        value: shown,
        set_in: format!(
            "{}, {}",
            finding.var.source.describe(),
            project.describe_origin(&Origin::file(finding.file, finding.span))
        ),
        reason: finding.reason.clone(),
        field: format!(
            "{}.{}: {}",
            finding.class.name, finding.field.name, finding.field.annotation
        ),
        runtimes: finding.runtimes.iter().map(|r| r.text.clone()).collect(),
    };
    // A broken bound is written in `Field(...)`: show the whole field then.
    let field_span = if finding.reason.contains("constraint") && finding.field.field.is_some() {
        finding.field.span
    } else {
        finding.field.annotation_span
    };
    let mut report = cx.report_in(value_source, violation, finding.span).label(
        field_source,
        field_span,
        format!(
            "`{}` is declared `{}` here",
            finding.field.name, finding.field.annotation
        ),
    );
    for runtime in &finding.runtimes {
        if let Some(source) = project.source(runtime.file) {
            report = report.label(
                source,
                runtime.span,
                format!("runs `{}` with this value", finding.class.name),
            );
        }
    }
    drop(report);
}
