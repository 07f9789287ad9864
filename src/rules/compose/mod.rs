//! Rules over docker compose files.

pub mod reload_in_compose_production;
pub mod secret_literal_in_compose;
