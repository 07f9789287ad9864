//! DF002: see rules/dockerfile/DF002-shell-form-server.md

use crate::engine::{Context, RuleCode, Violation};
use crate::parse::command::WrapperKind;
use crate::parse::dockerfile::InstructionKind;
use crate::project::DockerfileModel;

use super::helpers::entrypoint_is_init;

/// The server runs as a child of `/bin/sh -c`, which stays PID 1.
struct ShellFormServer {
    /// Whether the shell comes from an exec-form `sh -c "..."` rather than the shell
    /// form of the instruction.
    explicit_shell: bool,
    /// `CMD` or `ENTRYPOINT`.
    instruction: &'static str,
}

impl Violation for ShellFormServer {
    const CODE: RuleCode = RuleCode::DF002;

    fn message(&self) -> String {
        let how = if self.explicit_shell {
            "the server runs inside `sh -c` without `exec`".to_string()
        } else {
            format!(
                "the shell form of `{}` starts the server under `/bin/sh -c`",
                self.instruction
            )
        };
        format!(
            "{how}: the shell is PID 1 and does not pass SIGTERM on, so `docker stop` and \
             Kubernetes kill the server after the grace period, with no graceful shutdown \
             and no lifespan shutdown handlers"
        )
    }

    fn help(&self) -> Option<String> {
        Some(if self.explicit_shell {
            "start the server with `exec` inside the string (`... && exec uvicorn ...`) so \
             it replaces the shell"
                .to_string()
        } else {
            format!(
                "write `{}` in JSON form (`[\"uvicorn\", \"app.main:app\", ...]`), or start \
                 the server with `exec` so it replaces the shell",
                self.instruction
            )
        })
    }
}

pub(crate) fn check(model: &DockerfileModel, cx: &mut Context) {
    let Some(start) = model.start() else {
        return;
    };
    let Some(invocation) = start.invocation() else {
        return;
    };
    if invocation.via_exec()
        || entrypoint_is_init(model, start)
        || invocation
            .wrappers
            .iter()
            .any(|w| matches!(w.kind, WrapperKind::Tini | WrapperKind::DumbInit))
    {
        return;
    }
    let (span, explicit_shell, index) = match (&invocation.shell, start.shell_form) {
        (_, Some(index)) => {
            let Some(instruction) = model.ast.instructions.get(index) else {
                return;
            };
            let (InstructionKind::Cmd(command) | InstructionKind::Entrypoint(command)) =
                &instruction.kind
            else {
                return;
            };
            (command.span(), false, index)
        }
        (Some(shell), None) => {
            let Some(index) = start.instruction() else {
                return;
            };
            (shell.script_span, true, index)
        }
        (None, None) => return,
    };
    let instruction = match model.ast.instructions.get(index).map(|i| &i.kind) {
        Some(InstructionKind::Entrypoint(_)) => "ENTRYPOINT",
        _ => "CMD",
    };
    cx.report(
        ShellFormServer {
            explicit_shell,
            instruction,
        },
        span,
    );
}
