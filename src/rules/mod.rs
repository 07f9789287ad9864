//! The rule registry: every rule's code and check, grouped by file kind, sorted by code.
//!
//! Each rule lives in its own file under the kind's module; its metadata and
//! documentation live in `rules/<kind>/<CODE>-<name>.md`.

use crate::engine::{Check, RuleCode};
use crate::source::FileKind;

/// Every rule with its check, sorted by code.
pub static CHECKS: &[(RuleCode, Check)] = &[
    // Dockerfile
    (RuleCode::DF000, Check::Syntax(FileKind::Dockerfile)),
];
