//! The rule registry: every rule's code and check, grouped by file kind, sorted by code.
//!
//! Each rule lives in its own file under the kind's module; its metadata and
//! documentation live in `rules/<kind>/<CODE>-<name>.md`.

pub mod dockerignore;

use crate::engine::{Check, RuleCode};
use crate::source::FileKind;

/// Every rule with its check, sorted by code.
pub static CHECKS: &[(RuleCode, Check)] = &[
    // Dockerfile
    (RuleCode::DF000, Check::Syntax(FileKind::Dockerfile)),
    // .dockerignore
    (RuleCode::DI000, Check::Syntax(FileKind::DockerIgnore)),
    (
        RuleCode::DI001,
        Check::Project(dockerignore::dockerignore_missing::check),
    ),
    (
        RuleCode::DI002,
        Check::Project(dockerignore::secrets_in_context::check),
    ),
    (
        RuleCode::DI003,
        Check::Project(dockerignore::bloat_in_context::check),
    ),
    (
        RuleCode::DI004,
        Check::Project(dockerignore::reinclude_secret::check),
    ),
    // Cross-file; XF9xx: the suppression comments themselves (reported by `crate::suppress`)
    (RuleCode::XF900, Check::Suppression),
    (RuleCode::XF901, Check::Suppression),
    (RuleCode::XF902, Check::Suppression),
];
