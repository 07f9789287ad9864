//! Python files: the syntax layer, a static evaluator, and the models rules read
//! (gunicorn configuration, pydantic settings).
//!
//! The parser is Ruff's, kept private to this module: every public type here is our own
//! and carries byte [`Span`](crate::span::Span)s. Nothing is ever executed.

mod eval;
pub mod gunicorn;
pub mod settings;
mod syntax;

pub use eval::{Binding, BindingKind, Evaluated, Namespace, Value, evaluate_module};

pub use gunicorn::GunicornConfig;
pub use settings::SettingsModel;
pub use syntax::{MAX_SYNTAX_DEPTH, PythonModule, PythonTarget, parse, parse_for};
