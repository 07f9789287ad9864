//! SD004: see rules/systemd/SD004-runs-as-root.md

use std::path::Path;

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::Server;
use crate::parse::systemd::Unit;

use super::{is_true, service_server, service_value};

/// The service's server runs as root.
struct RunsAsRoot {
    server: Server,
    /// Whether `User=root` is written (rather than no `User=`).
    explicit: bool,
}

impl Violation for RunsAsRoot {
    const CODE: RuleCode = RuleCode::SD004;

    fn message(&self) -> String {
        let how = if self.explicit {
            "`User=` names root"
        } else {
            "the unit sets no `User=`, so systemd runs it as root"
        };
        format!(
            "{} runs as root: {how}; a bug in the application or a dependency gives the \
             attacker the whole machine",
            self.server.name()
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "create a system user for the service (`useradd --system app`) and add \
             `User=app` (and `Group=app`) to `[Service]`, or use `DynamicUser=yes`"
                .to_string(),
        )
    }
}

/// Whether a `User=` value names root.
fn is_root(user: &str) -> bool {
    matches!(user.trim(), "root" | "0")
}

/// Whether the unit lives in a user-manager directory (`~/.config/systemd/user/`), where
/// it runs as the user who owns the manager and `User=` does not apply.
fn is_user_unit(path: &Path) -> bool {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    parts.windows(2).any(|pair| pair == ["systemd", "user"])
}

pub(crate) fn check(unit: &Unit, cx: &mut Context) {
    let Some((_, _, invocation)) = service_server(unit, cx) else {
        return;
    };
    if cx.file().is_some_and(|file| is_user_unit(file.path())) {
        return;
    }
    if service_value(unit, "DynamicUser").is_some_and(|d| is_true(&d.value.value)) {
        return;
    }
    let (span, explicit) = match service_value(unit, "User") {
        Some(user) if is_root(&user.value.value) => (user.value.span, true),
        Some(user) if !user.is_empty() => return,
        _ => match unit.service() {
            Some(section) => (section.header, false),
            None => return,
        },
    };
    let file = cx.file();
    let report = cx.report(
        RunsAsRoot {
            server: invocation.server.value,
            explicit,
        },
        span,
    );
    if let Some(file) = file {
        let _ = report.label(file, invocation.server.span, "the server started here");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_units_by_directory() {
        assert!(is_user_unit(Path::new(
            "home/.config/systemd/user/api.service"
        )));
        assert!(!is_user_unit(Path::new("deploy/systemd/api.service")));
        assert!(!is_user_unit(Path::new("etc/systemd/system/api.service")));
    }
}
