//! DF010: see rules/dockerfile/DF010-dependencies-after-code.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::InstructionKind;
use crate::project::DockerfileModel;

use super::helpers::is_dependency_install;

/// Dependencies installed after the whole build context was copied.
struct DependenciesAfterCode;

impl Violation for DependenciesAfterCode {
    const CODE: RuleCode = RuleCode::DF010;

    fn message(&self) -> String {
        "dependencies are installed after the whole build context is copied: any code change \
         invalidates this layer, so every build downloads and installs them all again"
            .to_string()
    }

    fn help(&self) -> Option<String> {
        Some(
            "copy only the dependency files first (`COPY requirements.txt .`, or \
             `pyproject.toml` and the lock file), install, then `COPY . .`"
                .to_string(),
        )
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(file) = cx.file() else {
        return;
    };
    let whole_copies: Vec<_> = model.whole_context_copies().map(|(i, _)| i.span).collect();
    for stage in &model.ast.stages {
        let mut copy_span = None;
        for (index, instruction) in model.stage_instructions(stage) {
            if whole_copies.contains(&instruction.span) {
                copy_span.get_or_insert(instruction.span);
                continue;
            }
            if !matches!(instruction.kind, InstructionKind::Run(_)) {
                continue;
            }
            let Some(install) = model
                .script(index)
                .commands
                .iter()
                .find(|command| is_dependency_install(command))
            else {
                continue;
            };
            if let Some(copy) = copy_span {
                cx.report(DependenciesAfterCode, install.span).label(
                    file,
                    copy,
                    "the whole build context is copied here",
                );
            }
            // Only the stage's first dependency install matters.
            break;
        }
    }
}
