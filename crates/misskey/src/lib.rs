//! Typed bindings for the Misskey API.
//!
//! ```no_run
//! use misskey::{endpoints::notes, Client};
//!
//! # async fn run() -> Result<(), misskey::client::Error> {
//! let client = Client::builder("https://misskey.example").token("TOKEN").build()?;
//! let res = client
//!     .request(&notes::create::Request { text: "hello".into(), ..Default::default() })
//!     .await?;
//! println!("posted {}", res.created_note.id);
//! # Ok(()) }
//! ```
//!
//! * [`endpoints`]: one module per endpoint (`notes::create`), each with a
//!   `Request` and its `Response`; [`models`]: the shared types.
//! * [`Client`] (feature `client`, default): call any endpoint over HTTP.
//! * `auth` (feature `auth`): MiAuth, OAuth 2 with PKCE and the legacy flow.
//!
//! Features: `client` and `full` (every public endpoint group) are on by
//! default; `auth` adds the login flows; `internal` adds the endpoints
//! Misskey's own web client uses. To compile only some endpoint groups, turn
//! the defaults off and enable groups on `misskey-api` directly.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use misskey_api::{endpoints, models};
pub use misskey_core::{AccessToken, DateTime, Endpoint, ErrorCode, Id, Nullable, Permission};

/// The generated endpoint and model types.
pub use misskey_api as api;
/// Core types: the `Endpoint` trait, `Permission`, `Nullable`, `Id`.
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
pub use misskey_auth::MiAuth;
