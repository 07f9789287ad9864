//! What the rules need to know about one Dockerfile beyond its syntax tree.

use crate::parse::dockerfile::{Dockerfile, Instruction, InstructionKind};
use crate::span::Spanned;

/// A Dockerfile's tree plus facts derived from it once, for all rules.
#[derive(Clone, Debug, Default)]
pub struct DockerfileModel {
    /// The syntax tree.
    pub ast: Dockerfile,
}

impl DockerfileModel {
    /// Derives the model from a parsed tree.
    pub fn new(ast: Dockerfile) -> Self {
        DockerfileModel { ast }
    }

    /// Every `COPY`/`ADD` from the build context whose source is the whole context (`.`
    /// or `./`), with that source.
    pub fn whole_context_copies(&self) -> impl Iterator<Item = (&Instruction, &Spanned<String>)> {
        self.ast.instructions.iter().filter_map(|instruction| {
            let (InstructionKind::Copy(copy) | InstructionKind::Add(copy)) = &instruction.kind
            else {
                return None;
            };
            if instruction.flags.iter().any(|f| f.name.value == "from") {
                return None;
            }
            let source = copy
                .sources
                .iter()
                .find(|s| matches!(s.value.as_str(), "." | "./" | "./."))?;
            Some((instruction, source))
        })
    }
}
