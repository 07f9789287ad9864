//! deploylint: lints the deployment configuration of Python ASGI services.

pub mod parse;
pub mod source;
pub mod span;
