//! Rules over Kubernetes manifests (per file, and across the project's manifests).

pub mod bind_localhost;
pub mod dangling_secret_ref;
pub mod grace_period_too_short;
pub(crate) mod helpers;
pub mod image_unpinned;
pub mod liveness_touches_dependencies;
pub mod memory_limit;
pub mod migrations_in_server_container;
pub mod migrations_per_replica;
pub mod missing_liveness_probe;
pub mod missing_pdb;
pub mod missing_prestop;
pub mod missing_readiness_probe;
pub mod port_mismatch;
pub mod reload_in_container;
pub mod runs_as_root;
pub mod same_liveness_readiness;
pub mod secret_literal_in_env;
