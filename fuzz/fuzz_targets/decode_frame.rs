//! Any bytes as a streaming frame: the envelope reader, the head reader the
//! connection routes with, and every channel's event decoder (careful and
//! one-pass) must not panic, whatever the server sends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misskey_streaming::channel::{
    AdminEvent, QueueStatsEvent, ReversiEvent, ReversiGameEvent, ServerStatsEvent,
};
use misskey_streaming::frame::{FrameHead, ServerFrame};
use misskey_streaming::{BroadcastEvent, ChatEvent, DriveEvent, Event, MainEvent, NoteUpdate, TimelineEvent};
use serde_json::value::RawValue;

fn all(kind: &str, body: Option<&RawValue>) {
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

/// The one-pass decoding of the whole frame, into every event type.
fn all_frames(text: &str) {
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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if FrameHead::read(text).is_ok() {
        all_frames(text);
    }
    match ServerFrame::parse(text) {
        Ok(ServerFrame::Channel { kind, body, .. })
        | Ok(ServerFrame::NoteUpdated { kind, body, .. })
        | Ok(ServerFrame::Broadcast { kind, body }) => {
            // Every event type under every decoder, not only the frame's own.
            for k in [kind.as_ref(), "note", "notification", "mention", "meUpdated", "fileCreated", "stats", "statsLog", "reacted", "emojiAdded", "message", "ended", "log"] {
                all(k, body);
            }
        }
        Ok(ServerFrame::Connected { .. }) | Err(_) => {}
    }
});
