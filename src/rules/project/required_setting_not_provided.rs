//! XF002: see rules/project/XF002-required-setting-not-provided.md

use super::settings_env::{
    field_file, has_other_sources, mentions, runtime_name, service_python_files, supplying_var,
    used_classes,
};
use crate::engine::{Context, RuleCode, Violation};
use crate::parse::kubernetes::YamlFileKind;
use crate::parse::python::env_reads;
use crate::parse::python::settings::{SettingsClass, SettingsField, SettingsFlavour};
use crate::project::{Platform, Project, Runtime, Tree};

/// A required settings field whose variable no runtime of the service sets.
struct RequiredSettingNotProvided {
    /// The variable names the field reads (`ORDERS_DATABASE_URL`).
    names: Vec<String>,
    /// `Settings.database_url`.
    field: String,
    /// The runtimes lacking it, as messages name them.
    runtimes: Vec<String>,
    /// What fails at start, when one runtime lacks it ("the pod").
    what_fails: &'static str,
    /// Whether the field is `Optional` (still required in pydantic 2 without a default).
    optional: bool,
}

impl Violation for RequiredSettingNotProvided {
    const CODE: RuleCode = RuleCode::XF002;

    fn message(&self) -> String {
        let names = match self.names.split_first() {
            Some((first, [])) => format!("`{first}`"),
            Some((first, rest)) => format!(
                "`{first}` (or {})",
                rest.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "its variable".to_string(),
        };
        let (runtimes, verb, outcome) = match self.runtimes.as_slice() {
            [one] => (
                one.clone(),
                "sets",
                format!("{} exits at start", self.what_fails),
            ),
            [init @ .., last] => (
                format!("{} and {last}", init.join(", ")),
                "set",
                "each of them exits at start".to_string(),
            ),
            [] => (String::new(), "sets", String::new()),
        };
        format!(
            "{names} is required by `{}` ({}) but {runtimes} {verb} no such variable: \
             {outcome} with a ValidationError",
            self.field,
            if self.optional {
                "no default; `Optional` alone does not give one in pydantic 2"
            } else {
                "no default"
            }
        )
    }

    fn help(&self) -> Option<String> {
        let name = self.names.first().map_or("the variable", String::as_str);
        Some(format!(
            "set `{name}` where the service runs (from a Secret when it holds a credential), \
             or give the field a default"
        ))
    }
}

/// Whether pydantic needs a value for the field: no default, no factory, and not an
/// `Optional` unless the class is known to be pydantic 2's (pydantic 1 gives `Optional`
/// fields the default `None`; pydantic 2 does not).
fn needs_value(class: &SettingsClass, field: &SettingsField) -> bool {
    let has_factory = field
        .field
        .as_ref()
        .is_some_and(|arguments| arguments.default_factory.is_some());
    field.required
        && field.default.is_none()
        && !has_factory
        && !(class.flavour != SettingsFlavour::PydanticSettings && field.annotation.allows_none())
}

/// The production runtimes whose whole environment is known, apart from the image run
/// alone (its environment is given at `docker run`, which the linter never sees) and
/// containers of an image built from no scanned Dockerfile (its `ENV` is unknown).
fn known_runtimes(service: &crate::project::Service, templated: bool) -> Vec<&Runtime> {
    let image_known = service.dockerfile.is_some();
    service
        .runtimes
        .iter()
        .filter(|runtime| !runtime.development && runtime.env.is_complete())
        .filter(|runtime| match runtime.platform {
            Platform::Image => false,
            // Kustomize patches and Helm values can add variables to any container.
            Platform::Kubernetes { .. } => image_known && !templated,
            Platform::Compose { .. } => image_known,
            Platform::Systemd { .. } => true,
        })
        .collect()
}

/// The variables the service's Python code sets by name; `None` when it also sets
/// variables it does not name (`load_dotenv()`, `os.environ.update(...)`), in a parsed
/// module or, by a byte search, in one that was not parsed.
fn code_writes(project: &Project, service: &crate::project::Service) -> Option<Vec<String>> {
    let mut written = Vec::new();
    for (source, file) in service_python_files(project, service) {
        match file.module.as_deref() {
            Some(module) => {
                let reads = env_reads(module);
                if reads.sets_unknown.is_some() {
                    return None;
                }
                written.extend(reads.writes.into_iter().map(|w| w.value));
            }
            None => {
                let text = source.text();
                if text.contains("load_dotenv") || text.contains("read_env(") {
                    return None;
                }
            }
        }
    }
    Some(written)
}

/// Whether a Kubernetes container's own `command`/`args` mention one of the names (a
/// shell command line can `export` it before starting the server).
fn command_mentions(project: &Project, runtime: &Runtime, names: &[String]) -> bool {
    let Platform::Kubernetes {
        file,
        object,
        container,
    } = runtime.platform
    else {
        return false;
    };
    let Some(Tree::Kubernetes(manifests)) = project.files().get(file).map(|f| &f.tree) else {
        return false;
    };
    let Some(container) = manifests
        .objects
        .get(object)
        .and_then(|o| o.workload())
        .and_then(|w| w.pod_spec())
        .and_then(|pod| pod.containers.get(container))
    else {
        return false;
    };
    container
        .command
        .iter()
        .chain(container.args.iter())
        .flatten()
        .any(|word| {
            let text = word.value.to_ascii_uppercase();
            names
                .iter()
                .any(|name| mentions(&text, &name.to_ascii_uppercase()))
        })
}

/// One finding, gathered over every service that runs the class.
struct Finding<'p> {
    class: &'p SettingsClass,
    field: &'p SettingsField,
    names: Vec<String>,
    lacking: Vec<&'p Runtime>,
}

pub(crate) fn check(project: &Project, cx: &mut Context) {
    let templated = project.files().iter().any(|file| {
        matches!(
            file.tree.yaml_kind(),
            Some(
                YamlFileKind::Kustomization
                    | YamlFileKind::HelmTemplate
                    | YamlFileKind::HelmValues
                    | YamlFileKind::ChartYaml
            )
        )
    });
    // Start scripts can export variables: a name they mention is not judged.
    let scripts: Vec<String> = project
        .files()
        .iter()
        .filter(|file| matches!(file.tree, Tree::ShellScript(_)))
        .map(|file| file.source.text().to_ascii_uppercase())
        .collect();
    let settings = &project.python().settings;
    let mut findings: Vec<Finding> = Vec::new();
    for service in project.services() {
        let runtimes = known_runtimes(service, templated);
        if runtimes.is_empty() {
            continue;
        }
        let Some(written_by_code) = code_writes(project, service) else {
            // The code loads an env file or sets variables it does not name.
            continue;
        };
        for class in used_classes(project, service) {
            if has_other_sources(project, class) {
                continue;
            }
            for field in settings.all_fields(class) {
                let names = field.env_names_in(class);
                if !needs_value(class, field) || names.is_empty() {
                    continue;
                }
                let scripted = names.iter().any(|name| {
                    let name = name.to_ascii_uppercase();
                    scripts.iter().any(|text| mentions(text, &name))
                });
                if scripted
                    || names.iter().any(|name| {
                        written_by_code
                            .iter()
                            .any(|written| written.eq_ignore_ascii_case(name))
                    })
                {
                    continue;
                }
                let lacking: Vec<&Runtime> = runtimes
                    .iter()
                    .copied()
                    .filter(|runtime| supplying_var(&runtime.env, class, field).is_none())
                    .filter(|runtime| !command_mentions(project, runtime, &names))
                    .collect();
                if lacking.is_empty() {
                    continue;
                }
                match findings
                    .iter_mut()
                    .find(|f| std::ptr::eq(f.field, field) && f.names == names)
                {
                    Some(finding) => finding.lacking.extend(lacking),
                    None => findings.push(Finding {
                        class,
                        field,
                        names,
                        lacking,
                    }),
                }
            }
        }
    }
    for finding in findings {
        report(project, cx, &finding);
    }
}

fn report(project: &Project, cx: &mut Context, finding: &Finding) {
    let Some(file) = field_file(project, finding.field) else {
        return;
    };
    let Some(source) = project.source(file) else {
        return;
    };
    let named: Vec<_> = finding
        .lacking
        .iter()
        .filter_map(|runtime| runtime_name(project, runtime))
        .collect();
    let Some(first) = named.first() else {
        return;
    };
    let violation = RequiredSettingNotProvided {
        names: finding.names.clone(),
        field: format!("{}.{}", finding.class.name, finding.field.name),
        runtimes: named.iter().map(|n| n.text.clone()).collect(),
        what_fails: first.what_fails,
        optional: finding.field.annotation.allows_none(),
    };
    let name = finding.names.first().cloned().unwrap_or_default();
    let mut report = cx.report_in(source, violation, finding.field.name_span);
    for runtime in &named {
        if let Some(runtime_source) = project.source(runtime.file) {
            report = report.label(
                runtime_source,
                runtime.span,
                format!("runs `{}` without `{name}`", finding.class.name),
            );
        }
    }
    drop(report);
}
