//! Kubernetes manifest rules.

pub(crate) mod containers;

pub mod bind_localhost;
pub mod grace_period_too_short;
pub mod memory_limit;
pub mod migrations_in_server_container;
pub mod migrations_per_replica;
pub mod port_mismatch;
pub mod reload_in_container;
