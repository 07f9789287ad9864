//! Rules over Kubernetes manifests (per file, and across the project's manifests).

pub mod dangling_secret_ref;
pub(crate) mod helpers;
pub mod image_unpinned;
pub mod liveness_touches_dependencies;
pub mod missing_liveness_probe;
pub mod missing_pdb;
pub mod missing_prestop;
pub mod missing_readiness_probe;
pub mod runs_as_root;
pub mod same_liveness_readiness;
pub mod secret_literal_in_env;
