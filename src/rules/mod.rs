//! The rule registry: every rule's code and check, grouped by file kind, sorted by code.
//!
//! Each rule lives in its own file under the kind's module; its metadata and
//! documentation live in `rules/<kind>/<CODE>-<name>.md`.

pub mod app;
pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod gunicorn;
pub mod kubernetes;
pub(crate) mod migrations;
pub mod project;
pub(crate) mod secrets;
pub mod settings;
pub mod systemd;

use crate::engine::{Check, RuleCode};
use crate::parse::kubernetes::YamlFileKind;
use crate::source::FileKind;

/// Every rule with its check, sorted by code.
#[rustfmt::skip]
pub static CHECKS: &[(RuleCode, Check)] = &[
    // Dockerfile
    (RuleCode::DF000, Check::Syntax(FileKind::Dockerfile)),
    (RuleCode::DF001, Check::Dockerfile(dockerfile::reload_in_production::check)),
    (RuleCode::DF002, Check::Dockerfile(dockerfile::shell_form_server::check)),
    (RuleCode::DF003, Check::Dockerfile(dockerfile::bind_localhost::check)),
    (RuleCode::DF004, Check::Dockerfile(dockerfile::runs_as_root::check)),
    (RuleCode::DF005, Check::Dockerfile(dockerfile::build_tools_in_runtime::check)),
    (RuleCode::DF006, Check::Dockerfile(dockerfile::python_output_buffered::check)),
    (RuleCode::DF007, Check::Dockerfile(dockerfile::pip_cache_kept::check)),
    (RuleCode::DF008, Check::Dockerfile(dockerfile::apt_lists_kept::check)),
    (RuleCode::DF009, Check::Dockerfile(dockerfile::secret_in_image::check)),
    (RuleCode::DF010, Check::Dockerfile(dockerfile::dependencies_after_code::check)),
    (RuleCode::DF011, Check::Dockerfile(dockerfile::user_created_after_copy::check)),
    (RuleCode::DF012, Check::Dockerfile(dockerfile::migrations_in_server_start::check)),
    (RuleCode::DF013, Check::Project(dockerfile::sync_worker_for_asgi::check)),
    (RuleCode::DF014, Check::Dockerfile(dockerfile::base_image_unpinned::check)),
    (RuleCode::DF015, Check::Dockerfile(dockerfile::expose_port_mismatch::check)),
    (RuleCode::DF016, Check::Dockerfile(dockerfile::dev_server_in_production::check)),
    (RuleCode::DF017, Check::Project(dockerfile::entrypoint_script_without_exec::check)),
    // .dockerignore
    (RuleCode::DI000, Check::Syntax(FileKind::DockerIgnore)),
    (RuleCode::DI001, Check::Project(dockerignore::dockerignore_missing::check)),
    (RuleCode::DI002, Check::Project(dockerignore::secrets_in_context::check)),
    (RuleCode::DI003, Check::Project(dockerignore::bloat_in_context::check)),
    (RuleCode::DI004, Check::Project(dockerignore::reinclude_secret::check)),
    // gunicorn.conf.py
    (RuleCode::GU000, Check::GunicornSyntax),
    (RuleCode::GU001, Check::Python(gunicorn::reload_enabled::check)),
    (RuleCode::GU002, Check::Project(gunicorn::sync_worker_for_asgi::check)),
    (RuleCode::GU003, Check::Project(gunicorn::cpu_formula_workers::check_project)),
    (RuleCode::GU004, Check::Project(gunicorn::no_worker_recycling::check_project)),
    (RuleCode::GU005, Check::Project(gunicorn::recycling_without_jitter::check_project)),
    (RuleCode::GU006, Check::Project(gunicorn::preload_with_import_time_pool::check)),
    (RuleCode::GU007, Check::Project(gunicorn::bind_localhost::check)),
    (RuleCode::GU008, Check::Python(gunicorn::unknown_setting::check)),
    (RuleCode::GU009, Check::Project(gunicorn::graceful_timeout_short::check_project)),
    (RuleCode::GU010, Check::Project(gunicorn::logs_to_file_in_container::check)),
    (RuleCode::GU011, Check::Project(gunicorn::worker_heartbeat_on_disk::check)),
    // Python (pydantic settings and all parsed modules)
    (RuleCode::PS000, Check::Syntax(FileKind::Python)),
    (RuleCode::PS001, Check::Project(settings::str_typed_dsn::check)),
    (RuleCode::PS002, Check::Project(settings::str_typed_secret::check)),
    (RuleCode::PS003, Check::Project(settings::hardcoded_secret_default::check)),
    (RuleCode::PS004, Check::Project(settings::unconstrained_environment::check)),
    (RuleCode::PS005, Check::Project(settings::debug_defaults_true::check)),
    (RuleCode::PS006, Check::Project(settings::no_env_prefix::check)),
    (RuleCode::PS007, Check::Project(settings::pydantic_v1_settings_import::check)),
    (RuleCode::PS008, Check::Project(settings::empty_default_dsn::check)),
    // FastAPI / ASGI app code
    (RuleCode::FA001, Check::Project(app::on_event_deprecated::check)),
    (RuleCode::FA002, Check::Project(app::blocking_call_in_async::check)),
    (RuleCode::FA003, Check::Project(app::health_endpoint_touches_dependencies::check)),
    (RuleCode::FA004, Check::Project(app::lifespan_without_cleanup::check)),
    (RuleCode::FA005, Check::Project(app::import_time_pool::check)),
    (RuleCode::FA006, Check::Project(app::engine_pool_defaults::check)),
    (RuleCode::FA007, Check::Project(app::sync_driver_in_async_engine::check)),
    (RuleCode::FA008, Check::Project(app::uvicorn_run_reload::check)),
    (RuleCode::FA009, Check::Project(app::readiness_leaks_errors::check)),
    // Kubernetes
    (RuleCode::K8S000, Check::Syntax(FileKind::Yaml)),
    (RuleCode::K8S001, Check::Kubernetes(kubernetes::missing_liveness_probe::check)),
    (RuleCode::K8S002, Check::Kubernetes(kubernetes::missing_readiness_probe::check)),
    (RuleCode::K8S003, Check::Kubernetes(kubernetes::same_liveness_readiness::check)),
    (RuleCode::K8S004, Check::Project(kubernetes::liveness_touches_dependencies::check)),
    (RuleCode::K8S005, Check::Project(kubernetes::missing_prestop::check)),
    (RuleCode::K8S006, Check::Project(kubernetes::grace_period_too_short::check)),
    (RuleCode::K8S007, Check::Kubernetes(kubernetes::memory_limit::check)),
    (RuleCode::K8S008, Check::Kubernetes(kubernetes::secret_literal_in_env::check)),
    (RuleCode::K8S009, Check::Project(kubernetes::dangling_secret_ref::check)),
    (RuleCode::K8S010, Check::Kubernetes(kubernetes::image_unpinned::check)),
    (RuleCode::K8S011, Check::Kubernetes(kubernetes::reload_in_container::check)),
    (RuleCode::K8S012, Check::Kubernetes(kubernetes::bind_localhost::check)),
    (RuleCode::K8S013, Check::Kubernetes(kubernetes::migrations_in_server_container::check)),
    (RuleCode::K8S014, Check::Project(kubernetes::missing_pdb::check)),
    (RuleCode::K8S015, Check::Project(kubernetes::port_mismatch::check)),
    (RuleCode::K8S016, Check::Kubernetes(kubernetes::runs_as_root::check)),
    (RuleCode::K8S017, Check::Project(kubernetes::migrations_per_replica::check)),
    // Cross-file; XF9xx: the suppression comments themselves (reported by `crate::suppress`)
    (RuleCode::XF001, Check::Project(project::connection_pool_exhaustion::check)),
    (RuleCode::XF002, Check::Project(project::required_setting_not_provided::check)),
    (RuleCode::XF003, Check::Project(project::unknown_setting_env::check)),
    (RuleCode::XF004, Check::Project(project::invalid_setting_value::check)),
    (RuleCode::XF005, Check::Project(project::worker_memory_exceeds_limit::check)),
    (RuleCode::XF006, Check::Project(project::too_many_workers_for_cpu::check)),
    (RuleCode::XF900, Check::Suppression),
    (RuleCode::XF901, Check::Suppression),
    (RuleCode::XF902, Check::Suppression),
    // systemd units
    (RuleCode::SD000, Check::Syntax(FileKind::SystemdUnit)),
    (RuleCode::SD001, Check::Systemd(systemd::no_restart_policy::check)),
    (RuleCode::SD002, Check::Systemd(systemd::reload_in_execstart::check)),
    (RuleCode::SD003, Check::Systemd(systemd::python_output_buffered::check)),
    (RuleCode::SD004, Check::Systemd(systemd::runs_as_root::check)),
    (RuleCode::SD005, Check::Systemd(systemd::env_file_world_readable::check)),
    (RuleCode::SD006, Check::Systemd(systemd::notify_without_sd_notify::check)),
    // docker compose
    (RuleCode::DC000, Check::YamlSyntax(YamlFileKind::Compose)),
    (RuleCode::DC001, Check::Compose(compose::secret_literal_in_compose::check)),
    (RuleCode::DC002, Check::Compose(compose::reload_in_compose_production::check)),
];
