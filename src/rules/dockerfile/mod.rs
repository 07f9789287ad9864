//! Rules over one Dockerfile.

pub mod apt_lists_kept;
pub mod base_image_unpinned;
pub mod build_tools_in_runtime;
pub mod dependencies_after_code;
pub(crate) mod helpers;
pub mod pip_cache_kept;
pub mod runs_as_root;
pub mod secret_in_image;
pub mod user_created_after_copy;
