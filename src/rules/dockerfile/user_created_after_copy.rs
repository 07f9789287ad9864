//! DF011: see rules/dockerfile/DF011-user-created-after-copy.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::dockerfile::InstructionKind;
use crate::project::DockerfileModel;

use super::helpers::{copies_from_context, user_creation};

/// A user or group created after files were copied from the build context.
struct UserCreatedAfterCopy {
    program: String,
}

impl Violation for UserCreatedAfterCopy {
    const CODE: RuleCode = RuleCode::DF011;

    fn message(&self) -> String {
        format!(
            "`{}` runs after files are copied from the build context: this layer is rebuilt \
             on every code change, and the copied files cannot be `--chown`ed to a user that \
             does not exist yet",
            self.program
        )
    }

    fn help(&self) -> Option<String> {
        Some(
            "create users and groups right after `FROM`, then copy with `COPY --chown=app:app`"
                .to_string(),
        )
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(file) = cx.file() else {
        return;
    };
    for stage in &model.ast.stages {
        let mut copy_span = None;
        for (index, instruction) in model.stage_instructions(stage) {
            if copies_from_context(instruction) {
                copy_span.get_or_insert(instruction.span);
                continue;
            }
            let Some(copy) = copy_span else {
                continue;
            };
            if !matches!(instruction.kind, InstructionKind::Run(_)) {
                continue;
            }
            let Some(program) = model.script(index).commands.iter().find_map(user_creation) else {
                continue;
            };
            cx.report(
                UserCreatedAfterCopy {
                    program: program.as_str().to_string(),
                },
                program.span,
            )
            .label(file, copy, "files are copied from the build context here");
            // One finding per stage: moving the first one fixes the order.
            break;
        }
    }
}
