//! FastAPI / ASGI application code rules (FA).

pub mod blocking_call_in_async;
pub mod health_endpoint_touches_dependencies;
pub mod lifespan_without_cleanup;
pub mod modules;
pub mod on_event_deprecated;
