//! FastAPI / ASGI application code rules (FA), over the project's app model.

pub mod blocking_call_in_async;
pub mod engine_pool_defaults;
pub mod health_endpoint_touches_dependencies;
pub mod import_time_pool;
pub mod lifespan_without_cleanup;
pub mod on_event_deprecated;
pub mod readiness_leaks_errors;
pub mod sync_driver_in_async_engine;
pub mod uvicorn_run_reload;
