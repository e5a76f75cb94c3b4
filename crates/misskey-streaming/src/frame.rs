//! The wire format: every frame is a JSON object `{"type", "body"}`.
//!
//! [`ServerFrame::parse`] reads what the server sends in one pass, without
//! copying the bodies (they stay borrowed [`RawValue`]s of the frame's text,
//! decoded later by the event type of the channel they belong to);
//! [`ClientFrame`] writes what the client sends.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::event::{Event, Unknown};

/// The deepest nesting of arrays and objects a body may have before it is
/// typed. A renote of a renote of ... nests a `Note` per level; decoding a
/// hostile chain hundreds of levels deep would exhaust the stack of a debug
/// build long before `serde_json`'s own limit of 128. Real frames stay far
/// below (a renote of a reply is about 10 levels). Counted while the body
/// is decoded, not by a scan of its own.
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
    /// One pass over the text: Misskey sends `type` before `body`, so the
    /// body is read straight into the shape its type calls for (a frame
    /// that sends `body` first is read again once its type is known).
    ///
    /// # Errors
    ///
    /// [`FrameError`] when the text is not a JSON object with a string
    /// `type`, or when a `channel`, `connected` or `noteUpdated` frame lacks
    /// the `id` (and `type`) its body must have.
    pub fn parse(text: &'a str) -> Result<ServerFrame<'a>, FrameError> {
        let in_body = Cell::new(None);
        let mut de = serde_json::Deserializer::from_str(text);
        let read = FrameSeed { in_body: &in_body }
            .deserialize(&mut de)
            .and_then(|parts| de.end().map(|()| parts));
        match read {
            Ok(Parts::Read(frame)) => frame,
            Ok(Parts::Raw { kind, body }) => Self::from_parts(kind, body),
            Err(e) => Err(match in_body.get() {
                Some(what) if e.classify() == Category::Data => body_error(what, &e),
                _ => envelope_error(&e),
            }),
        }
    }

    /// The frame of type `kind` whose body was read as raw JSON.
    fn from_parts(
        kind: Cow<'a, str>,
        body: Option<&'a RawValue>,
    ) -> Result<ServerFrame<'a>, FrameError> {
        let what = match kind.as_ref() {
            "channel" => "channel",
            "noteUpdated" => "noteUpdated",
            "connected" => "connected",
            _ => return Ok(ServerFrame::Broadcast { kind, body }),
        };
        let body = body.ok_or_else(|| without_body(what))?;
        let mut de = serde_json::Deserializer::from_str(body.get());
        let read = BodySeed { what }
            .deserialize(&mut de)
            .and_then(|frame| de.end().map(|()| frame));
        match read {
            Ok(frame) => frame,
            Err(e) => Err(body_error(what, &e)),
        }
    }
}

fn envelope_error(e: &serde_json::Error) -> FrameError {
    FrameError::new(format!(
        "not a JSON object with a string `type` and a `body` ({e})"
    ))
}

fn without_body(what: &str) -> FrameError {
    FrameError::new(format!("a `{what}` frame without a body"))
}

fn body_error(what: &str, e: &serde_json::Error) -> FrameError {
    if what == "connected" {
        FrameError::new(format!(
            "the body of a `connected` frame is not an object with a string `id` ({e})"
        ))
    } else {
        FrameError::new(format!(
            "the body of a `{what}` frame is not an object with a string `id` and `type` ({e})"
        ))
    }
}

/// A string borrowed from the frame when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// What the one pass gives: the frame (or why its body does not fit its
/// type), or the type and the raw body (a broadcast, or a body that came
/// before the type and is read once the type is known).
enum Parts<'a> {
    Read(Result<ServerFrame<'a>, FrameError>),
    Raw {
        kind: Cow<'a, str>,
        body: Option<&'a RawValue>,
    },
}

/// Reads the envelope `{type, body}`. `in_body` names the frame type while
/// its body is being read, so that an error there is told as one of the body.
struct FrameSeed<'c> {
    in_body: &'c Cell<Option<&'static str>>,
}

impl<'de> DeserializeSeed<'de> for FrameSeed<'_> {
    type Value = Parts<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Parts<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FrameSeed<'_> {
    type Value = Parts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a frame object {type, body}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts<'de>, A::Error> {
        let mut kind: Option<Cow<'de, str>> = None;
        let mut read: Option<Result<ServerFrame<'de>, FrameError>> = None;
        let mut raw: Option<Option<&'de RawValue>> = None;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match key.as_ref() {
                "type" if kind.is_some() => return Err(de::Error::duplicate_field("type")),
                "type" => kind = Some(map.next_value::<Text<'de>>()?.0),
                "body" if read.is_some() || raw.is_some() => {
                    return Err(de::Error::duplicate_field("body"))
                }
                "body" => match kind.as_deref() {
                    Some(k @ ("channel" | "noteUpdated" | "connected")) => {
                        let what = match k {
                            "channel" => "channel",
                            "noteUpdated" => "noteUpdated",
                            _ => "connected",
                        };
                        self.in_body.set(Some(what));
                        let frame = map.next_value_seed(OptionalBody { what })?;
                        self.in_body.set(None);
                        read = Some(frame);
                    }
                    // A broadcast's body, or a body sent before the type.
                    _ => raw = Some(map.next_value::<Option<&'de RawValue>>()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (read, kind, raw) {
            (Some(frame), _, _) => Ok(Parts::Read(frame)),
            (None, Some(kind), raw) => Ok(Parts::Raw {
                kind,
                body: raw.flatten(),
            }),
            (None, None, _) => Err(de::Error::missing_field("type")),
        }
    }
}

/// The body of a `channel`, `noteUpdated` or `connected` frame, `null` or
/// an object.
struct OptionalBody {
    what: &'static str,
}

impl<'de> DeserializeSeed<'de> for OptionalBody {
    type Value = Result<ServerFrame<'de>, FrameError>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalBody {
    type Value = Result<ServerFrame<'de>, FrameError>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a frame body")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(without_body(self.what)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Err(without_body(self.what)))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        BodySeed { what: self.what }.deserialize(deserializer)
    }
}

/// The body of a `channel` or `noteUpdated` frame (`{id, type, body}`) or
/// of a `connected` frame (`{id}`).
struct BodySeed {
    what: &'static str,
}

impl<'de> DeserializeSeed<'de> for BodySeed {
    type Value = Result<ServerFrame<'de>, FrameError>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Ok(Ok(match self.what {
            "connected" => {
                let IdOnly { id } = IdOnly::deserialize(deserializer)?;
                ServerFrame::Connected { id }
            }
            "channel" => {
                let a = Addressed::deserialize(deserializer)?;
                ServerFrame::Channel {
                    id: a.id,
                    kind: a.kind,
                    body: a.body,
                }
            }
            _ => {
                let a = Addressed::deserialize(deserializer)?;
                ServerFrame::NoteUpdated {
                    id: a.id,
                    kind: a.kind,
                    body: a.body,
                }
            }
        }))
    }
}

/// The head of a frame the server sent: what routing it needs, read
/// without reading the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameHead<'a> {
    /// `channel {id, type, body}`.
    Channel {
        /// The connection id.
        id: Cow<'a, str>,
        /// The event type.
        kind: Cow<'a, str>,
    },
    /// `connected {id}`.
    Connected {
        /// The connection id.
        id: Cow<'a, str>,
    },
    /// `noteUpdated {id, type, body}`.
    NoteUpdated {
        /// The note's id.
        id: Cow<'a, str>,
        /// The change's type.
        kind: Cow<'a, str>,
    },
    /// Any other type (a broadcast).
    Broadcast {
        /// The frame's `type`.
        kind: Cow<'a, str>,
    },
}

impl<'a> FrameHead<'a> {
    /// Reads the head of one text frame. A frame laid out as the server
    /// writes it (`type` before `body`; for a channel or note frame, `id`
    /// and `type` before the inner `body`; no whitespace between these
    /// tokens, no escapes in these strings) is recognised by a scan of its
    /// first bytes, which stops where the body starts. Any other frame is read whole, with [`ServerFrame::parse`].
    ///
    /// A frame whose head is sound but whose body is not JSON passes here;
    /// the handle it goes to reports it when it decodes it
    /// ([`Event::decode_frame`]).
    ///
    /// # Errors
    ///
    /// The [`FrameError`]s of [`ServerFrame::parse`] found in the head.
    pub fn read(text: &'a str) -> Result<FrameHead<'a>, FrameError> {
        if let Some((head, _)) = Layout::scan(text) {
            return Ok(head);
        }
        // Another layout, or an error: the whole frame says which.
        Ok(match ServerFrame::parse(text)? {
            ServerFrame::Channel { id, kind, .. } => FrameHead::Channel { id, kind },
            ServerFrame::Connected { id } => FrameHead::Connected { id },
            ServerFrame::NoteUpdated { id, kind, .. } => FrameHead::NoteUpdated { id, kind },
            ServerFrame::Broadcast { kind, .. } => FrameHead::Broadcast { kind },
        })
    }
}

/// Where a frame in the server's layout goes on after its head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rest<'a> {
    /// The text from the start of the (innermost) body's value to the end
    /// of the frame: the value, then the closing braces of the objects
    /// around it.
    Body(&'a str),
    /// A channel or note frame without a body: the text after the inner
    /// object's closing brace.
    Closed(&'a str),
}

/// A scan of the start of a frame in the server's layout, exactly as it
/// writes it (no whitespace between the tokens):
/// `{"type":"channel","body":{"id":"…","type":"…","body":`, the same for
/// `noteUpdated`, or `{"type":"…","body":` for a broadcast. It reads no
/// further and never fails: a frame laid out otherwise (another key order,
/// whitespace, an escape in a string, `connected`, something malformed)
/// gives `None` and is read the careful way.
struct Layout;

impl Layout {
    fn scan(text: &str) -> Option<(FrameHead<'_>, Rest<'_>)> {
        let (frame, rest) = Self::string(text.strip_prefix(r#"{"type":""#)?)?;
        let rest = rest.strip_prefix(r#","body":"#)?;
        let note = match frame {
            "channel" => false,
            "noteUpdated" => true,
            // Small and rare: the careful reading is quick enough.
            "connected" => return None,
            kind => {
                let head = FrameHead::Broadcast {
                    kind: Cow::Borrowed(kind),
                };
                return Some((head, Rest::Body(rest)));
            }
        };
        let (id, rest) = Self::string(rest.strip_prefix(r#"{"id":""#)?)?;
        let (kind, rest) = Self::string(rest.strip_prefix(r#","type":""#)?)?;
        let (id, kind) = (Cow::Borrowed(id), Cow::Borrowed(kind));
        let head = if note {
            FrameHead::NoteUpdated { id, kind }
        } else {
            FrameHead::Channel { id, kind }
        };
        if let Some(rest) = rest.strip_prefix('}') {
            return Some((head, Rest::Closed(rest)));
        }
        Some((head, Rest::Body(rest.strip_prefix(r#","body":"#)?)))
    }

    /// The text up to the closing quote of a string without escapes or
    /// control characters, and the text after that quote.
    fn string(text: &str) -> Option<(&str, &str)> {
        let end = text
            .bytes()
            .position(|b| b == b'"' || b == b'\\' || b < 0x20)?;
        // `end` is at an ASCII byte, so on a character boundary.
        let (string, rest) = text.split_at(end);
        Some((string, rest.strip_prefix('"')?))
    }
}

/// `rest` without `braces` closing braces at its end (and whitespace around
/// them).
fn without_closing(rest: &str, braces: usize) -> Option<&str> {
    let mut rest = rest;
    for _ in 0..braces {
        rest = rest.trim_end_matches([' ', '\t', '\n', '\r']);
        rest = rest.strip_suffix('}')?;
    }
    Some(rest)
}

/// Decodes a whole frame into the event type `E`. A frame in the server's
/// layout is read once: its head by [`Layout::scan`], its body straight
/// into `E`'s payload for the event type, checked to be one JSON value
/// followed only by the braces that close the frame. Anything else (another
/// layout, a payload that does not fit, a malformed frame) is read again the
/// careful way, which keeps the raw body in [`Unknown`] or says what is wrong
/// with the frame.
pub(crate) fn decode_frame<E: Event>(text: &str) -> E {
    if let Some(event) = Layout::scan(text).and_then(|(head, rest)| decode_laid_out(head, rest)) {
        return event;
    }
    match ServerFrame::parse(text) {
        Ok(ServerFrame::Channel { kind, body, .. })
        | Ok(ServerFrame::NoteUpdated { kind, body, .. })
        | Ok(ServerFrame::Broadcast { kind, body }) => E::decode(&kind, body),
        Ok(ServerFrame::Connected { .. }) => E::unknown(Unknown {
            kind: "connected".to_owned(),
            body: None,
            error: None,
        }),
        Err(e) => E::unknown(Unknown {
            kind: String::new(),
            body: None,
            error: Some(e.to_string()),
        }),
    }
}

/// The event of a frame in the server's layout, or `None` to read it the
/// careful way.
fn decode_laid_out<E: Event>(head: FrameHead<'_>, rest: Rest<'_>) -> Option<E> {
    let (kind, braces) = match head {
        FrameHead::Channel { kind, .. } | FrameHead::NoteUpdated { kind, .. } => (kind, 2),
        FrameHead::Broadcast { kind } => (kind, 1),
        FrameHead::Connected { .. } => return None,
    };
    match rest {
        Rest::Body(rest) => {
            let body = without_closing(rest, braces)?;
            let mut de = serde_json::Deserializer::from_str(body);
            let event = E::decode_body(&kind, &mut de).ok()?;
            de.end().ok()?;
            Some(event)
        }
        Rest::Closed(rest) => without_closing(rest, braces - 1)?
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .is_empty()
            .then(|| E::decode(&kind, None)),
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
    fn reads_a_body_sent_before_its_type() {
        let f = ServerFrame::parse(
            r#"{"body":{"body":{"id":"n"},"type":"note","id":"c1"},"type":"channel"}"#,
        )
        .unwrap();
        assert!(matches!(
            f,
            ServerFrame::Channel { ref id, ref kind, body: Some(b) }
                if id == "c1" && kind == "note" && b.get() == r#"{"id":"n"}"#
        ));
        let f = ServerFrame::parse(r#"{"body":{"id":"c1"},"type":"connected"}"#).unwrap();
        assert!(matches!(f, ServerFrame::Connected { id } if id == "c1"));
        let f = ServerFrame::parse(r#"{"body":[1],"type":"emojiAdded","extra":{}}"#).unwrap();
        assert!(
            matches!(f, ServerFrame::Broadcast { ref kind, body: Some(b) } if kind == "emojiAdded" && b.get() == "[1]")
        );
        // Escaped strings are unescaped (and copied).
        let f = ServerFrame::parse(r#"{"type":"chan\u006eel","body":{"id":"c\"1","type":"note"}}"#)
            .unwrap();
        assert!(matches!(f, ServerFrame::Channel { ref id, .. } if id == "c\"1"));
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
            (r#"{"type":"channel","body":null}"#, "without a body"),
            (r#"{"body":null,"type":"noteUpdated"}"#, "without a body"),
            (
                r#"{"body":{"id":"c1"},"type":"channel"}"#,
                "string `id` and `type`",
            ),
            (
                r#"{"type":"channel","body":{"id":"c1","type":"note"}} x"#,
                "not a JSON object",
            ),
            (
                r#"{"type":"channel","body":{"id":"c1","type":"note","body":{"a":tru}}}"#,
                "not a JSON object",
            ),
            (r#"{"type":"x","type":"y","body":1}"#, "duplicate field"),
            (r#"{"type":5,"body":{}}"#, "not a JSON object"),
        ] {
            let err = ServerFrame::parse(text).unwrap_err();
            assert!(err.to_string().contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn scans_the_servers_layout_and_nothing_else() {
        let channel = |id: &'static str, kind: &'static str| FrameHead::Channel {
            id: Cow::Borrowed(id),
            kind: Cow::Borrowed(kind),
        };
        // The server's layout, with or without a body: the head, and where
        // the body starts (whitespace after that is the decoder's to read).
        assert_eq!(
            Layout::scan(
                r#"{"type":"channel","body":{"id":"c1","type":"note","body":{"id":"n"}}}"#
            ),
            Some((channel("c1", "note"), Rest::Body(r#"{"id":"n"}}}"#)))
        );
        assert_eq!(
            Layout::scan(r#"{"type":"channel","body":{"id":"c1","type":"note","body": 1 } }"#),
            Some((channel("c1", "note"), Rest::Body(" 1 } }")))
        );
        assert_eq!(
            Layout::scan(r#"{"type":"channel","body":{"id":"c1","type":"readAllNotifications"} }"#),
            Some((channel("c1", "readAllNotifications"), Rest::Closed(" }")))
        );
        assert_eq!(
            Layout::scan(r#"{"type":"noteUpdated","body":{"id":"n1","type":"deleted","body":{}}}"#),
            Some((
                FrameHead::NoteUpdated {
                    id: Cow::Borrowed("n1"),
                    kind: Cow::Borrowed("deleted")
                },
                Rest::Body("{}}}")
            ))
        );
        assert_eq!(
            Layout::scan(r#"{"type":"emojiAdded","body":{"emoji":{}}}"#),
            Some((
                FrameHead::Broadcast {
                    kind: Cow::Borrowed("emojiAdded")
                },
                Rest::Body(r#"{"emoji":{}}}"#)
            ))
        );
        // Anything else is left to the careful reading.
        for text in [
            r#"{"body":{"id":"c1","type":"note","body":{}},"type":"channel"}"#,
            r#"{"type":"channel","body":{"type":"note","id":"c1","body":{}}}"#,
            r#"{"type":"channel","extra":1,"body":{"id":"c1","type":"note"}}"#,
            r#"{"type":"chan\u006eel","body":{"id":"c1","type":"note"}}"#,
            r#"{"type":"channel","body":{"id":"c\"1","type":"note"}}"#,
            r#"{"type":"connected","body":{"id":"c1"}}"#,
            r#"{"type":"channel","body":{"id":"c1","id":"c2","type":"note"}}"#,
            r#"{"type":"channel","body":{"id":5,"type":"note"}}"#,
            "{\"type\":\"chan\nel\",\"body\":{}}",
            r#"{ "type":"channel","body":{"id":"c1","type":"note"}}"#,
            r#"{"type":"channel", "body":{"id":"c1","type":"note"}}"#,
            r#"{"type":"channel","body":{"id":"c1","type":"note" ,"body":{}}}"#,
            r#"{"type":"channel""#,
            "",
            "[1]",
        ] {
            assert_eq!(Layout::scan(text), None, "{text}");
        }
    }

    #[test]
    fn every_recorded_frame_but_connected_is_in_the_scanned_layout() {
        // The quick path is the one real frames take: the session recorded
        // from a real server (the frame text exactly as it sent it).
        #[derive(Deserialize)]
        struct Record<'a> {
            dir: &'a str,
            #[serde(borrow)]
            msg: &'a RawValue,
        }
        let session =
            include_str!("../../../tests/fixtures/misskey-2024.10.1/streaming-session.jsonl");
        let (mut scanned, mut connected) = (0, 0);
        for line in session.lines() {
            let record: Record = serde_json::from_str(line).unwrap();
            if record.dir != "in" {
                continue;
            }
            let text = record.msg.get();
            match Layout::scan(text) {
                Some((head, _)) => {
                    // The same head as the careful reading finds.
                    let careful = match ServerFrame::parse(text).unwrap() {
                        ServerFrame::Channel { id, kind, .. } => FrameHead::Channel { id, kind },
                        ServerFrame::NoteUpdated { id, kind, .. } => {
                            FrameHead::NoteUpdated { id, kind }
                        }
                        ServerFrame::Broadcast { kind, .. } => FrameHead::Broadcast { kind },
                        other => panic!("{other:?}"),
                    };
                    assert_eq!(head, careful);
                    scanned += 1;
                }
                None => {
                    assert!(text.starts_with(r#"{"type":"connected""#), "{text}");
                    connected += 1;
                }
            }
        }
        assert!(scanned > 50 && connected > 0, "{scanned} {connected}");
    }

    #[test]
    fn decodes_the_layout_only_when_the_frame_closes_right_after_the_body() {
        use crate::TimelineEvent;
        let decode = |text: &str| {
            let (head, rest) = Layout::scan(text).unwrap();
            decode_laid_out::<TimelineEvent>(head, rest)
        };
        let note = r#"{"id":"9x","createdAt":"2024-10-01T00:00:00.000Z","userId":"u","user":{"id":"u","username":"a","host":null,"name":null,"avatarUrl":null,"avatarBlurhash":null,"avatarDecorations":[],"emojis":{},"onlineStatus":"unknown"},"text":"hi","cw":null,"visibility":"public","localOnly":false,"reactionAcceptance":null,"renoteCount":0,"repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},"emojis":{},"fileIds":[],"files":[],"replyId":null,"renoteId":null,"clippedCount":0}"#;
        let frame = |tail: &str| {
            format!(r#"{{"type":"channel","body":{{"id":"c1","type":"note","body":{note}{tail}"#)
        };
        assert!(matches!(
            decode(&frame("}}")),
            Some(TimelineEvent::Note(n)) if n.text.as_deref() == Some("hi")
        ));
        assert!(matches!(
            decode(&frame(" } \n} ")),
            Some(TimelineEvent::Note(_))
        ));
        // Something after the body, a missing or extra brace, a trailing
        // value: not taken (the careful reading says what it is).
        for tail in [r#","more":1}}"#, "}", "}}}", "}} x", r#"}},"x":{}}"#] {
            assert!(decode(&frame(tail)).is_none(), "{tail}");
        }
        // An event without body closes right there.
        let closed = r#"{"type":"channel","body":{"id":"c1","type":"note"}}"#;
        assert!(matches!(
            decode(closed),
            Some(TimelineEvent::Unknown(u)) if u.kind == "note" && u.body.is_none() && u.error.is_some()
        ));
        assert!(decode(r#"{"type":"channel","body":{"id":"c1","type":"x"}} }"#).is_none());
        assert!(matches!(
            decode(r#"{"type":"channel","body":{"id":"c1","type":"x"} } "#),
            Some(TimelineEvent::Unknown(u)) if u.kind == "x" && u.body.is_none()
        ));
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
}
