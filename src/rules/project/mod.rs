//! Cross-file rules (XF): checks over the linked services, each reported where the
//! problem is written, with a labelled span for every other fact it used.

pub mod invalid_setting_value;
pub mod required_setting_not_provided;
pub(crate) mod settings_env;
pub mod unknown_setting_env;
