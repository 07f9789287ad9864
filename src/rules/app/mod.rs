//! FastAPI / ASGI application code rules (FA).

pub mod modules;
pub mod on_event_deprecated;
