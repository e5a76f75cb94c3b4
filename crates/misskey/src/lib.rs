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
//! * `streaming` (feature `streaming`, default): the streaming API, typed
//!   channels on one self-healing WebSocket (`misskey::Stream`).
//!
//! Features: `client`, `streaming` and `full` (every public endpoint group)
//! are on by default; `auth` adds the login flows; `internal` adds the endpoints
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

/// The streaming API (feature `streaming`, on by default): [`Stream`],
/// typed channels and their events, reconnect and backfill.
///
/// A mention bot that answers every mention, also those posted while it
/// was disconnected (they are backfilled through the client):
///
/// ```no_run
/// use misskey::{endpoints::notes, streaming::channel, Client, MainEvent, Stream};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder("https://misskey.example").token(std::env::var("MISSKEY_TOKEN")?).build()?;
/// let stream = Stream::connect(&client).await?;          // one socket, token in a header
/// let mut main = stream.channel(channel::Main).await?;   // typed events of `main`
/// while let Some(event) = main.next().await {
///     match event? {
///         MainEvent::Mention(note) => { client.request(&notes::create::Request { reply_id: note.id.into(), text: "hi!".into(), ..Default::default() }).await?; }
///         MainEvent::Reconnected { down_for, .. } => println!("back after {down_for:?}; missed mentions follow"),
///         _ => {}
///     }
/// }
/// # Ok(()) }
/// ```
#[cfg(feature = "streaming")]
pub use misskey_streaming as streaming;
#[cfg(feature = "streaming")]
pub use misskey_streaming::{ChannelHandle, MainEvent, Stream, TimelineEvent};
