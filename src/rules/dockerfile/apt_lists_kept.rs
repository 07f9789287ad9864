//! DF008: see rules/dockerfile/DF008-apt-lists-kept.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::{Instruction, InstructionKind};
use crate::parse::shell::{SimpleCommand, program_basename};
use crate::project::DockerfileModel;

use super::helpers::{
    PackageAction, PackageCommand, PackageManager, package_command, program_words,
};

/// An `apt-get install` that leaves avoidable weight in its layer.
struct AptListsKept {
    /// `apt-get` or `apt`.
    program: String,
    /// The package lists are not removed in the same `RUN`.
    lists_kept: bool,
    /// Recommended packages are installed too.
    recommends: bool,
}

impl Violation for AptListsKept {
    const CODE: RuleCode = RuleCode::DF008;

    fn message(&self) -> String {
        let what = match (self.lists_kept, self.recommends) {
            (true, true) => {
                "keeps the package lists in the layer and installs every recommended package"
            }
            (true, false) => "keeps the package lists (`/var/lib/apt/lists`) in the layer",
            _ => "installs every recommended package, not only the dependencies",
        };
        format!(
            "`{} install` {what}: tens of megabytes the running service never uses, in \
             every pull and every vulnerability scan",
            self.program
        )
    }

    fn help(&self) -> Option<String> {
        let mut steps = Vec::new();
        if self.recommends {
            steps.push("add `--no-install-recommends`");
        }
        if self.lists_kept {
            steps.push("end the same `RUN` with `&& rm -rf /var/lib/apt/lists/*`");
        }
        Some(steps.join(" and "))
    }
}

/// Where apt keeps its lists and downloaded archives.
const APT_STATE_DIRS: &[&str] = &["/var/lib/apt", "/var/cache/apt"];

/// Whether the `RUN` mounts a cache or tmpfs over apt's lists or archives, so they never
/// reach the layer.
fn mounts_apt_state(instruction: &Instruction) -> bool {
    instruction.mounts().any(|options| {
        let pairs: Vec<(&str, &str)> = options
            .split(',')
            .filter_map(|option| option.trim().split_once('='))
            .collect();
        let kind_ok = pairs
            .iter()
            .any(|(key, value)| *key == "type" && matches!(*value, "cache" | "tmpfs"));
        let target_ok = pairs.iter().any(|(key, value)| {
            matches!(*key, "target" | "dst" | "destination")
                && APT_STATE_DIRS
                    .iter()
                    .any(|dir| value.trim_end_matches('/').starts_with(dir))
        });
        kind_ok && target_ok
    })
}

/// Whether a command deletes apt's package lists: `rm` (any flags) of
/// `/var/lib/apt/lists[/*]`, `find /var/lib/apt/lists ... -delete`, or `apt-get
/// distclean`.
fn removes_lists(command: &SimpleCommand) -> bool {
    let words = program_words(command);
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    let is_lists = |text: &str| text.trim_end_matches(['*', '/']) == "/var/lib/apt/lists";
    match program_basename(program.as_str()) {
        "rm" => args.iter().any(|w| is_lists(w.as_str())),
        "find" => {
            args.iter().any(|w| is_lists(w.as_str()))
                && args.iter().any(|w| w.as_str() == "-delete")
        }
        "apt-get" | "apt" => args
            .iter()
            .any(|w| matches!(w.as_str(), "distclean" | "dist-clean")),
        _ => false,
    }
}

/// Whether an install turns recommended packages off: `--no-install-recommends`, or
/// `-o APT::Install-Recommends=false` (also `0`, `no`, `off`).
fn skips_recommends(install: &PackageCommand<'_>) -> bool {
    install.has_option("--no-install-recommends")
        || install.options().any(|word| {
            let text = word.as_str().to_ascii_lowercase();
            text.split_once("apt::install-recommends=")
                .is_some_and(|(_, value)| {
                    matches!(
                        value.trim_matches(['"', '\'']),
                        "false" | "0" | "no" | "off"
                    )
                })
        })
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    for (index, instruction) in model.image_instructions() {
        if !matches!(instruction.kind, InstructionKind::Run(_)) || mounts_apt_state(instruction) {
            continue;
        }
        let script = model.script(index);
        let mut lists_kept = !script.commands.iter().any(removes_lists);
        for install in script.commands.iter().filter_map(package_command) {
            if install.manager != PackageManager::Apt || install.action != PackageAction::Install {
                continue;
            }
            let recommends = !skips_recommends(&install);
            if lists_kept || recommends {
                cx.report(
                    AptListsKept {
                        program: program_basename(install.program.as_str()).to_string(),
                        lists_kept,
                        recommends,
                    },
                    install.verb.span,
                );
            }
            // The lists are one per `RUN`: say so once.
            lists_kept = false;
        }
    }
}
