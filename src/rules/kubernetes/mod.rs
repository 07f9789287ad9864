//! Rules over Kubernetes manifests (per file, and across the project's manifests).

pub(crate) mod helpers;
pub mod missing_liveness_probe;
pub mod missing_prestop;
pub mod missing_readiness_probe;
