//! Any bytes as a streaming frame: the envelope reader, the head reader the
//! connection routes with, and every channel's event decoder (careful and
//! one-pass) must not panic, whatever the server sends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misskey_streaming::frame::{FrameHead, ServerFrame};
use misskey_streaming::fuzzing::{
    decode_frame_with_every_event_type, decode_with_every_event_type, EVENT_KINDS,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if FrameHead::read(text).is_ok() {
        decode_frame_with_every_event_type(text);
    }
    match ServerFrame::parse(text) {
        Ok(ServerFrame::Channel { kind, body, .. })
        | Ok(ServerFrame::NoteUpdated { kind, body, .. })
        | Ok(ServerFrame::Broadcast { kind, body }) => {
            // Every event type under every decoder, not only the frame's own.
            decode_with_every_event_type(&kind, body);
            for k in EVENT_KINDS {
                decode_with_every_event_type(k, body);
            }
        }
        Ok(ServerFrame::Connected { .. }) | Err(_) => {}
    }
});
