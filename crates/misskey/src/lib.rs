//! Typed bindings for the Misskey API.

pub use misskey_api as api;
pub use misskey_core as core;

/// The async HTTP client (feature `client`, on by default): [`Client`],
/// [`Upload`], errors, pagination.
#[cfg(feature = "client")]
pub use misskey_client as client;
#[cfg(feature = "client")]
pub use misskey_client::{Client, Upload};

/// Getting a user's access token (feature `auth`): [`MiAuth`], OAuth 2 and
/// the legacy app flow, with a loopback callback helper.
#[cfg(feature = "auth")]
pub use misskey_auth as auth;
#[cfg(feature = "auth")]
pub use misskey_auth::{AccessToken, MiAuth};
