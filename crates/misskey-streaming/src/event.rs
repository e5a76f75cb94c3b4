//! What every event type has in common: decoding that never fails, the
//! `Unknown` fallback, and the connection's lifecycle events.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::depth::Limited;
use crate::frame::MAX_BODY_DEPTH;

/// An event this version does not know, or whose payload did not decode
/// into its type: kept as the raw JSON the server sent.
///
/// Newer servers and forks add event types and fields; a payload built by
/// hand on the server (antenna events, `signin`) may lack fields the named
/// model requires. Nothing is dropped: the body is here to inspect, and
/// `error` says why typing failed (`None` for an unknown type).
#[derive(Debug, Clone)]
pub struct Unknown {
    /// The event's `type` as sent.
    pub kind: String,
    /// The event's `body` as sent (`None` when it had none or it was `null`).
    pub body: Option<Box<RawValue>>,
    /// Why the body did not decode into the event's type; `None` when the
    /// type itself is unknown.
    pub error: Option<String>,
}

impl Unknown {
    pub(crate) fn new(kind: &str, body: Option<&RawValue>, error: Option<String>) -> Self {
        Unknown {
            kind: kind.to_owned(),
            body: body.map(RawValue::to_owned),
            error,
        }
    }

    /// The body parsed as a [`serde_json::Value`] (`Null` when absent).
    pub fn body_value(&self) -> serde_json::Value {
        self.body
            .as_ref()
            .and_then(|b| serde_json::from_str(b.get()).ok())
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Events about the connection itself, delivered to every handle in order
/// with its other events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifecycle {
    /// The socket dropped; the stream is reconnecting.
    Disconnected {
        /// What happened, such as "the server closed the connection (1012)".
        reason: String,
    },
    /// The socket is back and the channel reopened with the same parameters.
    Reconnected {
        /// How long the connection was down.
        down_for: Duration,
        /// How many connection attempts it took.
        attempts: u32,
    },
    /// The consumer fell behind: this many events were dropped because the
    /// handle's queue was full.
    Lagged(u64),
}

/// An event type of a channel (or of note capture, or of broadcasts).
///
/// Implemented by the enums of [`crate::channel`]; every enum has the
/// variants `Disconnected`, `Reconnected`, `Lagged` and `Unknown` besides
/// its channel's own events.
pub trait Event: Sized + Send + 'static {
    /// Decodes one event from its `type` and `body`. Never fails: an unknown
    /// type or a body that does not decode gives the `Unknown` variant.
    fn decode(kind: &str, body: Option<&RawValue>) -> Self;

    /// Wraps a lifecycle event.
    fn lifecycle(event: Lifecycle) -> Self;

    /// Wraps an event that could not be typed.
    fn unknown(unknown: Unknown) -> Self;

    /// The wire `type` of the event (`note`, `mention`, ...); for `Unknown`
    /// the type as sent; `None` for lifecycle events.
    fn event_type(&self) -> Option<&str>;

    /// Whether this is the `Unknown` variant.
    fn is_unknown(&self) -> bool;

    /// Decodes the body of an event of type `kind` straight from a
    /// deserializer, failing (rather than giving `Unknown`) when it does not
    /// fit, so that the caller can read the frame again and keep the raw
    /// body. The default reads the raw body and calls [`Event::decode`].
    ///
    /// # Errors
    ///
    /// The deserializer's error when the body does not decode.
    fn decode_body<'de, D: serde::Deserializer<'de>>(
        kind: &str,
        body: D,
    ) -> Result<Self, D::Error> {
        let raw = <Option<&'de RawValue> as serde::Deserialize>::deserialize(body)?;
        Ok(Self::decode(kind, raw))
    }

    /// Decodes one whole text frame (`channel`, `noteUpdated` or a
    /// broadcast) in one pass, the body straight into this type. Never
    /// fails: a frame that does not fit is read again the careful way,
    /// giving `Unknown` with the raw body, or for a malformed frame
    /// `Unknown` with an empty `kind` and the reason in `error`.
    fn decode_frame(text: &str) -> Self {
        crate::frame::decode_frame(text)
    }
}

/// Decodes a body into `T` in one pass, refusing bodies nested beyond
/// [`MAX_BODY_DEPTH`] as the decoder descends (see [`crate::depth`]).
pub(crate) fn decode_payload<T: DeserializeOwned>(body: Option<&RawValue>) -> Result<T, String> {
    let text = body.map_or("null", RawValue::get);
    let mut de = serde_json::Deserializer::from_str(text);
    T::deserialize(Limited::new(&mut de, MAX_BODY_DEPTH))
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| e.to_string())
}

/// Defines an event enum: one line per event (`"wire" => Variant(Payload)`
/// or `"wire" => Variant` for an event without payload), plus the common
/// `Disconnected`, `Reconnected`, `Lagged` and `Unknown` variants.
macro_rules! events {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $wire:literal => $variant:ident $(($payload:ty))?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("\n\nWire type `", $wire, "`.")]
                $variant $(($payload))?,
            )*
            /// The socket dropped; the stream is reconnecting. Events sent
            /// meanwhile are missed unless backfill fetches them.
            Disconnected {
                /// What happened.
                reason: String,
            },
            /// The socket is back and this subscription was renewed with the
            /// same parameters. Backfilled events, if any, follow.
            Reconnected {
                /// How long the connection was down.
                down_for: std::time::Duration,
                /// How many connection attempts it took.
                attempts: u32,
            },
            /// This many events were dropped because the consumer fell behind
            /// and the handle's queue was full.
            Lagged(u64),
            /// An event type this version does not know, or a payload that
            /// did not decode into its type: the raw JSON is kept.
            Unknown($crate::event::Unknown),
        }

        impl $crate::event::Event for $name {
            fn decode(kind: &str, body: Option<&serde_json::value::RawValue>) -> Self {
                match kind {
                    $( $wire => events!(@decode $name, kind, body, $variant $(, $payload)?), )*
                    _ => $name::Unknown($crate::event::Unknown::new(kind, body, None)),
                }
            }

            fn lifecycle(event: $crate::event::Lifecycle) -> Self {
                match event {
                    $crate::event::Lifecycle::Disconnected { reason } => $name::Disconnected { reason },
                    $crate::event::Lifecycle::Reconnected { down_for, attempts } => {
                        $name::Reconnected { down_for, attempts }
                    }
                    $crate::event::Lifecycle::Lagged(n) => $name::Lagged(n),
                }
            }

            fn unknown(unknown: $crate::event::Unknown) -> Self {
                $name::Unknown(unknown)
            }

            fn event_type(&self) -> Option<&str> {
                match self {
                    $( events!(@pattern $name, $variant $(, $payload)?) => Some($wire), )*
                    $name::Unknown(u) => Some(u.kind.as_str()),
                    $name::Disconnected { .. } | $name::Reconnected { .. } | $name::Lagged(_) => None,
                }
            }

            fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }

            fn decode_body<'de, D: serde::Deserializer<'de>>(
                kind: &str,
                body: D,
            ) -> Result<Self, D::Error> {
                match kind {
                    $( $wire => events!(@body $name, body, $variant $(, $payload)?), )*
                    _ => {
                        let raw = <Option<&'de serde_json::value::RawValue> as serde::Deserialize>::deserialize(body)?;
                        Ok($name::Unknown($crate::event::Unknown::new(kind, raw, None)))
                    }
                }
            }
        }
    };
    (@decode $name:ident, $kind:ident, $body:ident, $variant:ident) => {
        $name::$variant
    };
    (@decode $name:ident, $kind:ident, $body:ident, $variant:ident, $payload:ty) => {
        match $crate::event::decode_payload::<$payload>($body) {
            Ok(value) => $name::$variant(value),
            Err(error) => $name::Unknown($crate::event::Unknown::new($kind, $body, Some(error))),
        }
    };
    (@body $name:ident, $body:ident, $variant:ident) => {
        <serde::de::IgnoredAny as serde::Deserialize>::deserialize($body).map(|_| $name::$variant)
    };
    (@body $name:ident, $body:ident, $variant:ident, $payload:ty) => {
        <$payload as serde::Deserialize>::deserialize($crate::depth::Limited::new(
            $body,
            $crate::frame::MAX_BODY_DEPTH,
        ))
        .map($name::$variant)
    };
    (@pattern $name:ident, $variant:ident) => { $name::$variant };
    (@pattern $name:ident, $variant:ident, $payload:ty) => { $name::$variant(_) };
}

pub(crate) use events;
