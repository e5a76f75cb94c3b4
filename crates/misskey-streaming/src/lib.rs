//! A typed, self-healing client for Misskey's streaming API.
//!
//! ```no_run
//! use misskey_streaming::{channel, MainEvent, Stream};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = misskey_client::Client::builder("https://misskey.example")
//!     .token(std::env::var("MISSKEY_TOKEN")?)
//!     .build()?;
//! let stream = Stream::connect(&client).await?; // one socket, the token in a header
//! let mut main = stream.channel(channel::Main).await?;
//! while let Some(event) = main.next().await {
//!     match event? {
//!         MainEvent::Mention(note) => println!("mentioned in {}", note.id),
//!         MainEvent::Reconnected { down_for, .. } => println!("back after {down_for:?}"),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! * **One socket, many channels**: [`Stream::channel`] opens a typed
//!   [`channel`] and returns a [`ChannelHandle`], a
//!   [`futures_util::Stream`] of that channel's events (payloads are the
//!   generated models of `misskey-api`). Dropping a handle disconnects its
//!   channel. Note capture ([`Stream::capture_note`]) and broadcasts
//!   ([`Stream::broadcasts`]) work the same way.
//! * **Forward compatible**: an unknown event type, or a payload that does
//!   not decode, arrives as the `Unknown` variant with the raw JSON kept; a
//!   frame that is not readable at all is reported on [`Broadcasts`]; none
//!   of them stops the stream.
//! * **Bounded memory**: each handle has its own queue
//!   ([`StreamBuilder::queue_size`]); a consumer that falls behind gets a
//!   `Lagged(n)` event where events were dropped, and never slows the others.
//! * **Self-healing**: a dropped or silent (half-open) socket is replaced,
//!   with exponential backoff and jitter ([`Backoff`]); every live channel is
//!   reopened with the same parameters and every captured note captured
//!   again; each handle sees `Disconnected` and then `Reconnected { down_for,
//!   .. }`. With a REST client ([`Stream::connect`], [`StreamBuilder::client`]), the notes posted
//!   meanwhile on timeline channels (and the mentions of `main`) are fetched
//!   and delivered after `Reconnected`, in order and without duplicates.
//! * **Token safety**: sent as `Authorization: Bearer` (or `?i=`,
//!   [`TokenPlacement`]), over `wss` off loopback only; never in `Debug`,
//!   errors or logs.
//! * **Tracing**: spans `misskey_stream` (the connection),
//!   `misskey_stream_connect` (each attempt), `misskey_stream_reconnect` and
//!   `misskey_channel` (one per open channel, for its lifetime).

#![warn(missing_docs)]

pub mod channel;
mod connection;
mod depth;
mod error;
mod event;
pub mod frame;
#[doc(hidden)]
pub mod fuzzing;
pub mod models;
mod origin;
pub mod payload;
mod queue;
mod stream;

pub use channel::{
    BroadcastEvent, Channel, ChatEvent, DriveEvent, MainEvent, NoteUpdate, TimelineEvent,
};
pub use error::Error;
pub use event::{Event, Lifecycle, Unknown};
pub use stream::{
    Backoff, Broadcasts, ChannelHandle, NoteCapture, Stream, StreamBuilder, TokenPlacement,
    DEFAULT_QUEUE_SIZE,
};

/// Re-exported so callers name the same client as the backfill.
pub use misskey_client;
/// The token type ([`StreamBuilder::token`] takes anything that converts into it).
pub use misskey_core::AccessToken;
