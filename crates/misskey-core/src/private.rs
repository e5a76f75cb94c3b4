//! Support code for the generated crates. Not a stable API.

pub use serde;
pub use serde_json;

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// Deserializes a string without allocating when the input allows borrowing.
pub fn deserialize_str_with<'de, D, T>(
    deserializer: D,
    convert: impl FnOnce(&str) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<F>(F);
    impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for StrVisitor<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    deserializer.deserialize_str(StrVisitor(convert))
}

/// Reads the string discriminator `tag` of a JSON object, for `oneOf` types
/// whose branches are told apart by a property such as `type`.
pub fn tag_of<'a>(value: &'a serde_json::Value, tag: &str) -> Option<&'a str> {
    value.get(tag)?.as_str()
}

/// Decodes one branch of a tagged `oneOf` from the buffered JSON value.
pub fn from_tagged_value<'de, T, D>(value: serde_json::Value) -> Result<T, D::Error>
where
    T: serde::de::DeserializeOwned,
    D: Deserializer<'de>,
{
    serde_json::from_value(value).map_err(de::Error::custom)
}
