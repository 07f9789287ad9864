//! What the rules need to know about one Dockerfile beyond its syntax tree.

use crate::parse::dockerfile::Dockerfile;

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
}
