//! DF005: see rules/dockerfile/DF005-build-tools-in-runtime.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::InstructionKind;
use crate::parse::shell::{SimpleCommand, Word, program_basename};
use crate::project::DockerfileModel;

use super::helpers::{
    PackageAction, PackageCommand, PackageManager, is_build_tool_package, package_command,
    package_name,
};

/// How many package names a message lists before summarising the rest.
const LISTED: usize = 4;

/// Compilers or headers installed in a stage that ends up in the image.
struct BuildToolsInRuntime {
    packages: Vec<String>,
}

impl Violation for BuildToolsInRuntime {
    const CODE: RuleCode = RuleCode::DF005;

    fn message(&self) -> String {
        let mut names: Vec<String> = self
            .packages
            .iter()
            .take(LISTED)
            .map(|name| format!("`{name}`"))
            .collect();
        if self.packages.len() > LISTED {
            names.push(format!("{} more", self.packages.len() - LISTED));
        }
        format!(
            "compilers or headers ({}) stay in the final image: weight in every pull and \
             every vulnerability scan, and a toolchain for anyone who gets a shell",
            names.join(", ")
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "compile in a builder stage and copy only the built wheels or virtualenv into \
             the final stage, or remove the packages in the same `RUN` \
             (`apt-get purge -y --auto-remove ...`, `apk add --virtual .build-deps ... && apk \
             del .build-deps`)"
                .to_string(),
        )
    }
}

/// Whether a later removal in the same `RUN` takes `package` (installed by `install`)
/// out again: it names the package, names the `apk --virtual` group it was installed
/// in, or names packages through a variable (unknown, so assumed to).
fn removed_later(
    install: &PackageCommand<'_>,
    package: &str,
    removals: &[&PackageCommand<'_>],
) -> bool {
    let group = install
        .option_value(&["--virtual", "-t"])
        .filter(|_| install.manager == PackageManager::Apk);
    removals.iter().any(|removal| {
        removal.manager == install.manager
            && (removal.has_unknown_packages()
                || removal.packages.iter().any(|word| {
                    let name = package_name(word);
                    name == Some(package) || (group.is_some() && name == group)
                }))
    })
}

/// The idiom of the official images: `apt-mark auto '.*'` (after saving the manual
/// marks) followed by `apt-get purge --auto-remove` or `apt-get autoremove` removes every
/// package the `RUN` installed that nothing kept manual.
fn auto_marked_then_removed(commands: &[SimpleCommand]) -> bool {
    let Some(marked) = commands.iter().position(|c| {
        c.name().map(program_basename) == Some("apt-mark")
            && c.args().first().is_some_and(|w| w.as_str() == "auto")
    }) else {
        return false;
    };
    commands[marked + 1..]
        .iter()
        .filter_map(package_command)
        .any(|c| {
            c.manager == PackageManager::Apt
                && c.action == PackageAction::Remove
                && (c.verb.as_str() == "autoremove"
                    || c.has_option("--auto-remove")
                    || c.has_option("--autoremove"))
        })
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    for (index, instruction) in model.image_instructions() {
        if !matches!(instruction.kind, InstructionKind::Run(_)) {
            continue;
        }
        let commands: Vec<PackageCommand<'_>> = model
            .script(index)
            .commands
            .iter()
            .filter_map(package_command)
            .collect();
        let auto_removed = auto_marked_then_removed(&model.script(index).commands);
        let mut kept: Vec<&Word> = Vec::new();
        for (position, install) in commands.iter().enumerate() {
            if install.action != PackageAction::Install
                || (install.manager == PackageManager::Apt && auto_removed)
            {
                continue;
            }
            let removals: Vec<&PackageCommand<'_>> = commands
                .iter()
                .skip(position + 1)
                .filter(|c| c.action == PackageAction::Remove)
                .collect();
            for word in &install.packages {
                let Some(name) = package_name(word) else {
                    continue;
                };
                if !is_build_tool_package(name) || removed_later(install, name, &removals) {
                    continue;
                }
                kept.push(word);
            }
        }
        let Some(first) = kept.first() else {
            continue;
        };
        let mut packages: Vec<String> = Vec::new();
        for word in &kept {
            let name = package_name(word).unwrap_or_default().to_string();
            if !packages.contains(&name) {
                packages.push(name);
            }
        }
        cx.report(BuildToolsInRuntime { packages }, first.span);
    }
}
