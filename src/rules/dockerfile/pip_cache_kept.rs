//! DF007: see rules/dockerfile/DF007-pip-cache-kept.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::{Instruction, InstructionKind, KeyValue};
use crate::parse::shell::{Script, SimpleCommand, program_basename};
use crate::project::DockerfileModel;

use super::helpers::{pip_install, program_words};

/// A `pip install` whose download and wheel cache stays in the layer.
struct PipCacheKept;

impl Violation for PipCacheKept {
    const CODE: RuleCode = RuleCode::DF007;

    fn message(&self) -> String {
        "`pip install` keeps its cache of downloaded packages and built wheels in the image \
         layer: tens to hundreds of megabytes that every node pulls and nothing ever reads"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or keep the cache out of \
             the layer with `RUN --mount=type=cache,target=/root/.cache/pip`"
                .to_string(),
        )
    }
}

/// The environment variable that turns pip's cache off.
const NO_CACHE_VARIABLE: &str = "PIP_NO_CACHE_DIR";

/// Whether a `NAME=value` word sets `name` to a non-empty value.
fn sets_non_empty(assignment: &str, name: &str) -> bool {
    assignment
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('='))
        .is_some_and(|value| !value.is_empty())
}

/// Whether a pair sets `name` to a non-empty value.
fn pair_sets(pair: &KeyValue, name: &str) -> bool {
    pair.key.value == name && pair.value.as_ref().is_some_and(|v| !v.value.is_empty())
}

/// Whether an instruction configures pip globally before the install: `ENV
/// PIP_NO_CACHE_DIR`, `ENV PIP_CONFIG_FILE`, a copied `pip.conf`, or `pip config set ...no-cache-dir`.
fn configures_pip(model: &DockerfileModel, index: usize, instruction: &Instruction) -> bool {
    match &instruction.kind {
        InstructionKind::Env(pairs) => pairs
            .iter()
            .any(|pair| pair_sets(pair, NO_CACHE_VARIABLE) || pair_sets(pair, "PIP_CONFIG_FILE")),
        InstructionKind::Copy(copy) | InstructionKind::Add(copy) => copy
            .sources
            .iter()
            .chain(copy.destination.iter())
            .any(|path| path.value.ends_with("pip.conf")),
        InstructionKind::Run(_) => model.script(index).commands.iter().any(|command| {
            let words = program_words(command);
            let name = words.first().map(|w| program_basename(w.as_str()));
            name.is_some_and(|n| n.starts_with("pip"))
                && words.get(1).is_some_and(|w| w.as_str() == "config")
                && words.iter().any(|w| w.as_str().contains("no-cache-dir"))
        }),
        _ => false,
    }
}

/// Whether the image stages set up pip without a cache before instruction `index` of
/// stage `stage_index`: an `ENV` anywhere in the ancestry, or an `ARG` with a non-empty
/// default earlier in the same stage.
fn cache_disabled_before(model: &DockerfileModel, stage_index: usize, index: usize) -> bool {
    let ancestry = model.ast.stage_ancestry(stage_index);
    let inherited = ancestry
        .iter()
        .filter_map(|s| model.ast.stages.get(*s))
        .any(|stage| {
            model
                .stage_instructions(stage)
                .take_while(|(i, _)| *i < index)
                .any(|(i, instruction)| configures_pip(model, i, instruction))
        });
    inherited
        || model
            .ast
            .args_in_scope(stage_index, index)
            .iter()
            .any(|arg| {
                arg.declaration.key.value == NO_CACHE_VARIABLE
                    && arg.default.is_some_and(|d| !d.value.is_empty())
            })
}

/// Whether a command deletes pip's cache: `rm` of a `.cache/pip` or `.cache` directory
/// (`/root/.cache/pip`, `~/.cache/pip/*`, `$HOME/.cache`), or `pip cache purge|remove`.
fn clears_cache(command: &SimpleCommand) -> bool {
    let words = program_words(command);
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    let name = program_basename(program.as_str());
    if name == "rm" {
        return args.iter().any(|word| {
            let path = word.as_str().trim_end_matches(['*', '/']);
            path.ends_with("/.cache/pip") || path.ends_with("/.cache") || path == "~/.cache"
        });
    }
    name.starts_with("pip")
        && args.first().is_some_and(|w| w.as_str() == "cache")
        && args
            .get(1)
            .is_some_and(|w| matches!(w.as_str(), "purge" | "remove"))
}

/// Whether the script sets `PIP_NO_CACHE_DIR` for `command`: as a prefix assignment
/// (`PIP_NO_CACHE_DIR=1 pip install`, `env PIP_NO_CACHE_DIR=1 pip install`) or with an
/// earlier `export`.
fn set_in_script(script: &Script, command: &SimpleCommand) -> bool {
    let prefixed = command
        .assignments
        .iter()
        .chain(&command.words)
        .any(|word| sets_non_empty(word.as_str(), NO_CACHE_VARIABLE));
    prefixed
        || script
            .commands
            .iter()
            .take_while(|c| c.span.start < command.span.start)
            .filter(|c| c.name() == Some("export"))
            .any(|c| {
                c.args()
                    .iter()
                    .any(|w| sets_non_empty(w.as_str(), NO_CACHE_VARIABLE))
            })
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    for (index, instruction) in model.image_instructions() {
        if !matches!(instruction.kind, InstructionKind::Run(_))
            || instruction.has_mount_type("cache")
        {
            continue;
        }
        let Some(stage) = model.ast.stage_of(index) else {
            continue;
        };
        let script = model.script(index);
        if script.commands.iter().any(clears_cache) {
            continue;
        }
        let mut disabled_before: Option<bool> = None;
        for command in &script.commands {
            let Some(pip) = pip_install(command) else {
                continue;
            };
            if pip.has_option("--no-cache-dir") || set_in_script(script, command) {
                continue;
            }
            if *disabled_before
                .get_or_insert_with(|| cache_disabled_before(model, stage.index, index))
            {
                break;
            }
            cx.report(PipCacheKept, pip.install.span);
        }
    }
}
