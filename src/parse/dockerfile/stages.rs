//! Build stages: computing them from `FROM` lines, and what each stage inherits
//! (environment, user, working directory, build arguments).

use std::collections::HashMap;

use super::ast::{Dockerfile, Instruction, InstructionKind, KeyValue, Stage, StageBase};
use super::expand::try_substitute;
use crate::parse::SyntaxError;
use crate::span::Spanned;

/// Splits the instructions into stages, one per `FROM`, resolving each base (global
/// `ARG` defaults substituted into the image). Reports instructions other than `ARG`
/// placed before the first `FROM`.
pub(crate) fn compute_stages(
    instructions: &[Instruction],
    errors: &mut Vec<SyntaxError>,
) -> Vec<Stage> {
    let mut global: HashMap<&str, Option<String>> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    // Stage names, lowercased, to the first stage of that name: one lookup per `FROM`
    // keeps thousands of stages linear.
    let mut named: HashMap<String, usize> = HashMap::new();
    for (index, instruction) in instructions.iter().enumerate() {
        match &instruction.kind {
            InstructionKind::From(from) => {
                if let Some(last) = stages.last_mut() {
                    last.end = index;
                }
                let image = try_substitute(&from.image.value, |name| {
                    global.get(name).cloned().flatten()
                })
                .unwrap_or_else(|| from.image.value.clone());
                let base = if let Some(&parent) = named.get(&image.to_ascii_lowercase()) {
                    StageBase::Stage(parent)
                } else if image.eq_ignore_ascii_case("scratch") {
                    StageBase::Scratch
                } else {
                    StageBase::Image(image)
                };
                if let Some(alias) = &from.alias {
                    named
                        .entry(alias.value.to_ascii_lowercase())
                        .or_insert(stages.len());
                }
                stages.push(Stage {
                    index: stages.len(),
                    name: from.alias.clone(),
                    from: index,
                    end: index + 1,
                    base,
                });
            }
            InstructionKind::Arg(pairs) if stages.is_empty() => {
                for pair in pairs {
                    global.insert(
                        pair.key.value.as_str(),
                        pair.value.as_ref().map(|v| v.value.clone()),
                    );
                }
            }
            _ if stages.is_empty() => errors.push(SyntaxError::new(
                format!(
                    "instruction {} before the first FROM (only ARG may come before FROM)",
                    instruction.keyword.value.to_ascii_uppercase()
                ),
                instruction.keyword.span,
            )),
            _ => {}
        }
    }
    if let Some(last) = stages.last_mut() {
        last.end = instructions.len();
    }
    stages
}

/// A build argument visible at some point of a stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgInScope<'a> {
    /// The `ARG` declaration that brings the name into scope (the one in the stage).
    pub declaration: &'a KeyValue,
    /// The default value: the declaration's own, or for `ARG NAME` without one, the
    /// default of the global `ARG NAME` before the first `FROM`.
    pub default: Option<&'a Spanned<String>>,
}

impl Dockerfile {
    /// The last stage: what `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage named `name` (compared case-insensitively, as BuildKit does).
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| {
            stage
                .name
                .as_ref()
                .is_some_and(|alias| alias.value.eq_ignore_ascii_case(name))
        })
    }

    /// The stage holding the instruction at `instruction_index`, if any (instructions
    /// before the first `FROM` belong to none).
    pub fn stage_of(&self, instruction_index: usize) -> Option<&Stage> {
        // Stages are in file order and do not overlap: a binary search, as rules ask
        // this for every instruction.
        let after = self
            .stages
            .partition_point(|stage| stage.from <= instruction_index);
        let stage = self.stages.get(after.checked_sub(1)?)?;
        (instruction_index < stage.end).then_some(stage)
    }

    /// The instructions of `stage`, its `FROM` first.
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        let end = stage.end.min(self.instructions.len());
        self.instructions
            .get(stage.from.min(end)..end)
            .unwrap_or(&[])
    }

    /// `stage_index` followed by the stages it builds on through `FROM <stage>`, nearest
    /// first. Empty for an unknown index.
    pub fn stage_ancestry(&self, stage_index: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut current = Some(stage_index);
        while let Some(index) = current {
            let Some(stage) = self.stages.get(index) else {
                break;
            };
            chain.push(index);
            current = match stage.base {
                // A base is always an earlier stage: indexes strictly decrease, so the
                // loop ends after at most one visit per stage.
                StageBase::Stage(parent) if parent < index => Some(parent),
                _ => None,
            };
        }
        chain
    }

    /// Instructions of the stage's ancestry, oldest first (inherited ones before the
    /// stage's own).
    fn inherited_instructions(&self, stage_index: usize) -> impl Iterator<Item = &Instruction> {
        let mut chain = self.stage_ancestry(stage_index);
        chain.reverse();
        chain.into_iter().flat_map(move |index| {
            self.stages
                .get(index)
                .map_or(&[][..], |stage| self.stage_instructions(stage))
        })
    }

    /// The `ENV` variables set in a stage, including those inherited from parent stages;
    /// for a name set several times, the last setting wins and is listed where it
    /// was last set.
    pub fn effective_env(&self, stage_index: usize) -> Vec<&KeyValue> {
        let mut all: Vec<Option<&KeyValue>> = Vec::new();
        let mut last_position: HashMap<&str, usize> = HashMap::new();
        for instruction in self.inherited_instructions(stage_index) {
            if let InstructionKind::Env(pairs) = &instruction.kind {
                for pair in pairs {
                    if let Some(previous) = last_position.insert(pair.key.as_str(), all.len())
                        && let Some(slot) = all.get_mut(previous)
                    {
                        *slot = None;
                    }
                    all.push(Some(pair));
                }
            }
        }
        all.into_iter().flatten().collect()
    }

    /// The `USER` in effect at the end of a stage (inherited from parent stages when
    /// the stage sets none); `None` means the base image's user (often root).
    pub fn effective_user(&self, stage_index: usize) -> Option<&Spanned<String>> {
        self.inherited_instructions(stage_index)
            .filter_map(|instruction| match &instruction.kind {
                InstructionKind::User(user) => Some(user),
                _ => None,
            })
            .last()
    }

    /// The working directory at the end of a stage, with relative `WORKDIR`s joined to
    /// the previous one; the span is the last `WORKDIR` argument's. `None` when no
    /// `WORKDIR` is set in the stage or its parents.
    pub fn effective_workdir(&self, stage_index: usize) -> Option<Spanned<String>> {
        let mut current: Option<Spanned<String>> = None;
        for instruction in self.inherited_instructions(stage_index) {
            if let InstructionKind::Workdir(dir) = &instruction.kind {
                let path = match &current {
                    Some(previous) if !is_absolute(&dir.value) => {
                        format!("{}/{}", previous.value.trim_end_matches('/'), dir.value)
                    }
                    _ => dir.value.clone(),
                };
                current = Some(Spanned::new(path, dir.span));
            }
        }
        current
    }

    /// The `ARG`s declared before the first `FROM` (usable in `FROM` lines, and in a
    /// stage only once redeclared there).
    pub fn global_args(&self) -> Vec<&KeyValue> {
        let first_from = self
            .stages
            .first()
            .map_or(self.instructions.len(), |s| s.from);
        self.instructions[..first_from.min(self.instructions.len())]
            .iter()
            .filter_map(|instruction| match &instruction.kind {
                InstructionKind::Arg(pairs) => Some(pairs.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The build arguments visible just before the instruction at `instruction_index`
    /// in stage `stage_index`: those declared earlier in the same stage (ARGs are not
    /// inherited from parent stages); the last declaration of a name wins.
    pub fn args_in_scope(
        &self,
        stage_index: usize,
        instruction_index: usize,
    ) -> Vec<ArgInScope<'_>> {
        let Some(stage) = self.stages.get(stage_index) else {
            return Vec::new();
        };
        let globals = self.global_args();
        let end = instruction_index.min(stage.end);
        let mut scope: Vec<ArgInScope<'_>> = Vec::new();
        for instruction in self.instructions.get(stage.from..end).unwrap_or(&[]) {
            let InstructionKind::Arg(pairs) = &instruction.kind else {
                continue;
            };
            for pair in pairs {
                let default = pair.value.as_ref().or_else(|| {
                    globals
                        .iter()
                        .rev()
                        .find(|global| global.key.value == pair.key.value)
                        .and_then(|global| global.value.as_ref())
                });
                scope.retain(|arg| arg.declaration.key.value != pair.key.value);
                scope.push(ArgInScope {
                    declaration: pair,
                    default,
                });
            }
        }
        scope
    }
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/')
        || path.starts_with('$')
        || path.as_bytes().get(1) == Some(&b':')
        || path.starts_with('\\')
}
