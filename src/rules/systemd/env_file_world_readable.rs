//! SD005: see rules/systemd/SD005-env-file-world-readable.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::systemd::Unit;
use crate::span::Span;

use super::{is_service, service_value};

/// The environment file lives inside the code directory.
struct EnvFileWorldReadable {
    path: String,
    code_dir: String,
}

impl Violation for EnvFileWorldReadable {
    const CODE: RuleCode = RuleCode::SD005;

    fn message(&self) -> String {
        format!(
            "`EnvironmentFile={}` lies inside the code directory `{}`: files there are \
             deployed with the code, usually readable by every local user (mode 0644 under \
             the default umask), and easily committed or copied along",
            self.path, self.code_dir
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "keep secrets outside the checkout, in `/etc/<app>/<app>.env` owned by root with \
             mode 0600 (systemd reads it as root before dropping privileges), or use \
             `LoadCredential=`"
                .to_string(),
        )
    }
}

/// Directory names of Python virtual environments: the directory holding one is the
/// code directory.
const VENV_DIRS: &[&str] = &[".venv", "venv", "env", "virtualenv"];

/// The code directories a unit names: `WorkingDirectory=`, the server's `--chdir`, and the
/// directory holding the virtual environment its program runs from
/// (`/srv/app/.venv/bin/gunicorn` → `/srv/app`). Each with the span that names it.
fn code_dirs(unit: &Unit) -> Vec<(String, Span)> {
    let mut dirs = Vec::new();
    if let Some(entry) = service_value(unit, "WorkingDirectory") {
        let text = entry.value.value.trim_start_matches('-');
        if text.starts_with('/') || text.starts_with('%') {
            dirs.push((text.to_string(), entry.value.span));
        }
    }
    if let Some((_, command, invocation)) = unit.invocation() {
        if let Some(chdir) = invocation.chdir.as_ref().and_then(|c| c.literal())
            && chdir.starts_with('/')
            && let Some(value) = &invocation.chdir
        {
            dirs.push((chdir.to_string(), value.span));
        }
        if let Some(program) = command.program() {
            let parts: Vec<&str> = program.text.split('/').collect();
            if let Some(at) = parts.iter().position(|p| VENV_DIRS.contains(p))
                && at > 1
                && program.text.starts_with('/')
            {
                dirs.push((parts[..at].join("/"), program.span));
            }
        }
    }
    dirs.into_iter()
        .map(|(dir, span)| (dir.trim_end_matches('/').to_string(), span))
        .filter(|(dir, _)| !dir.is_empty())
        .collect()
}

pub(crate) fn check(unit: &Unit, cx: &mut Context) {
    if !is_service(cx) {
        return;
    }
    let dirs = code_dirs(unit);
    if dirs.is_empty() {
        return;
    }
    let file = cx.file();
    for env_file in unit.environment_files() {
        let path = &env_file.path.value;
        let Some((dir, dir_span)) = dirs.iter().find(|(dir, _)| {
            path.strip_prefix(dir.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        }) else {
            continue;
        };
        let report = cx.report(
            EnvFileWorldReadable {
                path: path.clone(),
                code_dir: dir.clone(),
            },
            env_file.path.span,
        );
        if let Some(file) = file {
            let _ = report.label(file, *dir_span, "the code directory");
        }
    }
}
