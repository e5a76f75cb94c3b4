//! The wire format: every frame is a JSON object `{"type", "body"}`.
//!
//! [`ServerFrame::parse`] reads what the server sends without copying the
//! bodies (they stay borrowed [`RawValue`]s of the frame's text, decoded
//! later by the event type of the channel they belong to); [`ClientFrame`]
//! writes what the client sends.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The deepest nesting of arrays and objects a body may have before it is
/// typed. A renote of a renote of ... nests a `Note` per level; decoding a
/// hostile chain hundreds of levels deep would exhaust the stack of a debug
/// build long before `serde_json`'s own limit of 128. Real frames stay far
/// below (a renote of a reply is about 10 levels).
pub const MAX_BODY_DEPTH: usize = 48;

/// A frame received from the server, with its bodies borrowed from the text.
#[derive(Debug, Clone)]
pub enum ServerFrame<'a> {
    /// `channel {id, type, body}`: an event of the open channel `id`.
    Channel {
        /// The connection id the client chose in `connect`.
        id: Cow<'a, str>,
        /// The event type, such as `note` or `notification`.
        kind: Cow<'a, str>,
        /// The event's payload; `None` when absent or `null`.
        body: Option<&'a RawValue>,
    },
    /// `connected {id}`: the answer to a `connect` sent with `pong: true`.
    Connected {
        /// The connection id the client chose.
        id: Cow<'a, str>,
    },
    /// `noteUpdated {id, type, body}`: a change to a captured note.
    NoteUpdated {
        /// The note's id.
        id: Cow<'a, str>,
        /// `reacted`, `unreacted`, `deleted`, `pollVoted`, `updated`, ...
        kind: Cow<'a, str>,
        /// The change's payload.
        body: Option<&'a RawValue>,
    },
    /// Any other type: a broadcast to every connection (`emojiAdded`,
    /// `announcementCreated`, ...), or something newer.
    Broadcast {
        /// The frame's `type`.
        kind: Cow<'a, str>,
        /// The frame's `body`.
        body: Option<&'a RawValue>,
    },
}

/// Why a frame could not be read. The frame is reported and skipped; the
/// connection goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    problem: String,
}

impl FrameError {
    fn new(problem: impl Into<String>) -> Self {
        FrameError {
            problem: problem.into(),
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed streaming frame: {}", self.problem)
    }
}

impl std::error::Error for FrameError {}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Addressed<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
}

impl<'a> ServerFrame<'a> {
    /// Reads one text frame.
    ///
    /// # Errors
    ///
    /// [`FrameError`] when the text is not a JSON object with a string
    /// `type`, or when a `channel`, `connected` or `noteUpdated` frame lacks
    /// the `id` (and `type`) its body must have.
    pub fn parse(text: &'a str) -> Result<ServerFrame<'a>, FrameError> {
        let envelope: Envelope<'a> = serde_json::from_str(text).map_err(|e| {
            FrameError::new(format!(
                "not a JSON object with a string `type` and a `body` ({e})"
            ))
        })?;
        let addressed = |what: &str| -> Result<Addressed<'a>, FrameError> {
            let body = envelope
                .body
                .ok_or_else(|| FrameError::new(format!("a `{what}` frame without a body")))?;
            serde_json::from_str(body.get()).map_err(|e| {
                FrameError::new(format!(
                    "the body of a `{what}` frame is not an object with a string `id` and `type` ({e})"
                ))
            })
        };
        Ok(match envelope.kind.as_ref() {
            "channel" => {
                let a = addressed("channel")?;
                ServerFrame::Channel {
                    id: a.id,
                    kind: a.kind,
                    body: a.body,
                }
            }
            "noteUpdated" => {
                let a = addressed("noteUpdated")?;
                ServerFrame::NoteUpdated {
                    id: a.id,
                    kind: a.kind,
                    body: a.body,
                }
            }
            "connected" => {
                let body = envelope
                    .body
                    .ok_or_else(|| FrameError::new("a `connected` frame without a body"))?;
                let IdOnly { id } = serde_json::from_str(body.get()).map_err(|e| {
                    FrameError::new(format!(
                        "the body of a `connected` frame is not an object with a string `id` ({e})"
                    ))
                })?;
                ServerFrame::Connected { id }
            }
            _ => ServerFrame::Broadcast {
                kind: envelope.kind,
                body: envelope.body,
            },
        })
    }
}

/// A frame the client sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "body")]
pub enum ClientFrame<'a> {
    /// Open a channel; `pong: true` asks the server to confirm with `connected`.
    #[serde(rename = "connect")]
    Connect {
        /// The channel's name, such as `homeTimeline`.
        channel: &'a str,
        /// The connection id chosen by the client.
        id: &'a str,
        /// The channel's parameters (`{}` when it has none).
        params: &'a serde_json::Value,
        /// Whether the server should answer `connected`.
        pong: bool,
    },
    /// Close the channel `id`.
    #[serde(rename = "disconnect")]
    Disconnect {
        /// The connection id.
        id: &'a str,
    },
    /// A message to the open channel `id` (`ch` is the short form of `channel`).
    #[serde(rename = "ch")]
    Message {
        /// The connection id.
        id: &'a str,
        /// The message type, such as `requestLog`.
        #[serde(rename = "type")]
        kind: &'a str,
        /// The message's body.
        body: &'a serde_json::Value,
    },
    /// Capture a note: its changes arrive as `noteUpdated`.
    #[serde(rename = "subNote")]
    SubNote {
        /// The note's id.
        id: &'a str,
    },
    /// Capture a note and mark it read.
    #[serde(rename = "sr")]
    SubNoteAndRead {
        /// The note's id.
        id: &'a str,
    },
    /// Stop capturing a note.
    #[serde(rename = "unsubNote")]
    UnsubNote {
        /// The note's id.
        id: &'a str,
    },
    /// Mark every notification read.
    #[serde(rename = "readNotification")]
    ReadNotification {},
}

impl ClientFrame<'_> {
    /// The frame as JSON text.
    pub fn to_text(&self) -> String {
        // Serializing these shapes (strings, bools, JSON values) cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The nesting depth of a JSON text beyond `limit`, if it goes beyond
/// (brackets inside strings do not count). Linear and allocation-free, so
/// hostile frames are refused before any typed decoding.
pub(crate) fn nesting_beyond(json: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(depth);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        let f = ServerFrame::parse(
            r#"{"type":"channel","body":{"id":"c1","type":"note","body":{"id":"n"}}}"#,
        )
        .unwrap();
        match f {
            ServerFrame::Channel { id, kind, body } => {
                assert_eq!(id, "c1");
                assert_eq!(kind, "note");
                assert_eq!(body.unwrap().get(), r#"{"id":"n"}"#);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            ServerFrame::parse(r#"{"type":"connected","body":{"id":"c1"}}"#).unwrap(),
            ServerFrame::Connected { id } if id == "c1"
        ));
        let f = ServerFrame::parse(
            r#"{"type":"channel","body":{"id":"c1","type":"readAllNotifications"}}"#,
        )
        .unwrap();
        assert!(matches!(f, ServerFrame::Channel { body: None, .. }));
        let f = ServerFrame::parse(r#"{"type":"emojiAdded","body":{"emoji":{}}}"#).unwrap();
        assert!(matches!(f, ServerFrame::Broadcast { ref kind, .. } if kind == "emojiAdded"));
    }

    #[test]
    fn refuses_malformed_frames_with_a_reason() {
        for (text, says) in [
            ("not json", "not a JSON object"),
            ("[1,2]", "not a JSON object"),
            (r#"{"body":{}}"#, "not a JSON object"),
            (r#"{"type":"channel"}"#, "without a body"),
            (
                r#"{"type":"channel","body":{"type":"note"}}"#,
                "string `id`",
            ),
            (r#"{"type":"connected","body":{"id":5}}"#, "string `id`"),
            (r#"{"type":"channel","body":"#, "not a JSON object"),
        ] {
            let err = ServerFrame::parse(text).unwrap_err();
            assert!(err.to_string().contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn writes_client_frames() {
        let params = serde_json::json!({"withRenotes": true});
        let f = ClientFrame::Connect {
            channel: "homeTimeline",
            id: "c1",
            params: &params,
            pong: true,
        };
        assert_eq!(
            f.to_text(),
            r#"{"type":"connect","body":{"channel":"homeTimeline","id":"c1","params":{"withRenotes":true},"pong":true}}"#
        );
        assert_eq!(
            ClientFrame::ReadNotification {}.to_text(),
            r#"{"type":"readNotification","body":{}}"#
        );
        assert_eq!(
            ClientFrame::SubNoteAndRead { id: "n1" }.to_text(),
            r#"{"type":"sr","body":{"id":"n1"}}"#
        );
    }

    #[test]
    fn depth() {
        assert_eq!(nesting_beyond(b"[[[]]]", 3), None);
        assert_eq!(nesting_beyond(b"[[[[]]]]", 3), Some(4));
        assert_eq!(nesting_beyond(br#"{"a":"[[[[[[","b":[{}]}"#, 3), None);
        assert_eq!(nesting_beyond(br#"["\"[[[[",[[[1]]]]"#, 3), Some(4));
    }
}
