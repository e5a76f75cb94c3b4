//! Every decoder at once, for the `decode_frame` fuzz target and its stable
//! smoke run in `cargo test`: one list, so a new channel's event type is
//! exercised by both as soon as it is added here.

use serde_json::value::RawValue;

use crate::channel::{
    AdminEvent, QueueStatsEvent, ReversiEvent, ReversiGameEvent, ServerStatsEvent,
};
use crate::{BroadcastEvent, ChatEvent, DriveEvent, Event, MainEvent, NoteUpdate, TimelineEvent};

/// Event types the fuzzers feed every body to, beside the frame's own type.
pub const EVENT_KINDS: [&str; 13] = [
    "note",
    "notification",
    "mention",
    "meUpdated",
    "fileCreated",
    "stats",
    "statsLog",
    "reacted",
    "emojiAdded",
    "message",
    "ended",
    "log",
    "",
];

/// Decodes `body` as event `kind` with every event type's careful decoder.
pub fn decode_with_every_event_type(kind: &str, body: Option<&RawValue>) {
    let _ = MainEvent::decode(kind, body);
    let _ = TimelineEvent::decode(kind, body);
    let _ = DriveEvent::decode(kind, body);
    let _ = ServerStatsEvent::decode(kind, body);
    let _ = QueueStatsEvent::decode(kind, body);
    let _ = AdminEvent::decode(kind, body);
    let _ = ReversiEvent::decode(kind, body);
    let _ = ReversiGameEvent::decode(kind, body);
    let _ = ChatEvent::decode(kind, body);
    let _ = NoteUpdate::decode(kind, body);
    let _ = BroadcastEvent::decode(kind, body);
}

/// Decodes the whole frame `text` with every event type's one-pass decoder.
pub fn decode_frame_with_every_event_type(text: &str) {
    let _ = MainEvent::decode_frame(text);
    let _ = TimelineEvent::decode_frame(text);
    let _ = DriveEvent::decode_frame(text);
    let _ = ServerStatsEvent::decode_frame(text);
    let _ = QueueStatsEvent::decode_frame(text);
    let _ = AdminEvent::decode_frame(text);
    let _ = ReversiEvent::decode_frame(text);
    let _ = ReversiGameEvent::decode_frame(text);
    let _ = ChatEvent::decode_frame(text);
    let _ = NoteUpdate::decode_frame(text);
    let _ = BroadcastEvent::decode_frame(text);
}
