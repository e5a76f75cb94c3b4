//! Typed bindings for the Misskey API.

pub use misskey_api as api;
pub use misskey_core as core;

/// The async HTTP client (feature `client`, on by default): [`Client`],
/// [`Upload`], errors, pagination.
#[cfg(feature = "client")]
pub use misskey_client as client;
#[cfg(feature = "client")]
pub use misskey_client::{Client, Upload};
