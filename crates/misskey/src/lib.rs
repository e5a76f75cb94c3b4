//! Typed bindings for the Misskey API.

pub use misskey_api as api;
pub use misskey_core as core;
