//! A typed, self-healing client for Misskey's streaming API.
//!
//! This first part holds the protocol: the wire frames ([`frame`]), the
//! channel catalogue with typed parameters and events ([`channel`]), and
//! the payloads the OpenAPI spec does not describe ([`payload`]).

#![warn(missing_docs)]

pub mod channel;
mod event;
pub mod frame;
pub mod models;
pub mod payload;

pub use channel::{
    BroadcastEvent, Channel, ChatEvent, DriveEvent, MainEvent, NoteUpdate, TimelineEvent,
};
pub use event::{Event, Lifecycle, Unknown};
