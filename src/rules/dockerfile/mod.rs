//! Rules over one Dockerfile.

pub mod apt_lists_kept;
pub mod base_image_unpinned;
pub mod bind_localhost;
pub mod build_tools_in_runtime;
pub mod dependencies_after_code;
pub mod dev_server_in_production;
pub mod entrypoint_script_without_exec;
pub mod expose_port_mismatch;
pub(crate) mod helpers;
pub mod migrations_in_server_start;
pub mod pip_cache_kept;
pub mod python_output_buffered;
pub mod reload_in_production;
pub mod runs_as_root;
pub mod secret_in_image;
pub mod shell_form_server;
pub mod sync_worker_for_asgi;
pub mod user_created_after_copy;
