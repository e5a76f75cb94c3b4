use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A request field that is optional *and* nullable: it can be left out, sent
/// as `null`, or sent with a value.
///
/// Misskey gives the two a different meaning: `i/update` with
/// `"description": null` clears the description, while leaving
/// `description` out keeps it. `Option` cannot say both, so such fields use
/// this type. Generated request structs leave [`Nullable::Absent`] out of
/// the JSON and read a missing field as absent.
///
/// ```
/// use misskey_core::Nullable;
/// let keep: Nullable<String> = Nullable::Absent;      // field left out
/// let clear: Nullable<String> = Nullable::Null;       // "field": null
/// let set: Nullable<String> = "hello".into();         // "field": "hello"
/// assert!(keep.is_absent() && clear.is_null() && set.as_value().is_some());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// Not sent at all: the server keeps its current value or default.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field will be left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the field will be sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Converts into the value, dropping the difference between absent and null.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `Some(v)` becomes a value, `None` becomes `null` (not absent): for
    /// "set this, or clear it". `From<Option<T>>` (`.into()`) makes `None`
    /// absent instead.
    pub fn from_option_or_null(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// `Some(v)` becomes a value and `None` becomes [`Nullable::Absent`]: the
/// field is left out and the server keeps what it has, which is what `None`
/// means for every other optional request field. To send `null` (clear the
/// field) for `None`, use [`Nullable::from_option_or_null`].
///
/// ```
/// use misskey_core::Nullable;
/// let from_config: Option<String> = None;
/// let description: Nullable<String> = from_config.into();
/// assert!(description.is_absent());
/// let cleared = Nullable::<String>::from_option_or_null(None);
/// assert!(cleared.is_null());
/// let set: Nullable<String> = Some("hi".to_owned()).into();
/// assert_eq!(set, Nullable::Value("hi".to_owned()));
/// ```
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Nullable::Value(v),
            None => Nullable::Absent,
        }
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent fields are normally skipped by `skip_serializing_if`; if a
            // caller serializes one on its own, `null` is the closest meaning.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing field never reaches here: the generated struct yields `Absent`.
        Ok(Nullable::from_option_or_null(Option::deserialize(
            deserializer,
        )?))
    }
}
