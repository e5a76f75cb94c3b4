//! Support code for the generated crates. Not a stable API.

pub use serde;
pub use serde_json;

/// What the generated structs' `object!` serde impls call.
pub use crate::object::support as object;

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

/// The JSON shape a branch of an untagged union accepts.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// An object; the keys only this branch requires, which pick it first when present.
    Object(&'static [&'static str]),
    /// An array.
    Array,
    /// A string.
    String,
    /// Any number.
    Number,
    /// An integer.
    Integer,
    /// `true` or `false`.
    Bool,
    /// Anything.
    Any,
}

impl Shape {
    fn accepts(&self, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (self, value) {
            (Shape::Object(_), Value::Object(_)) | (Shape::Array, Value::Array(_)) => true,
            (Shape::String, Value::String(_)) | (Shape::Bool, Value::Bool(_)) => true,
            (Shape::Number, Value::Number(_)) => true,
            (Shape::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Shape::Any, _) => true,
            _ => false,
        }
    }
}

/// One branch of an untagged union: its name, shape and decoder.
pub type Branch<T> = (
    &'static str,
    Shape,
    fn(serde_json::Value) -> Result<T, serde_json::Error>,
);

/// Decodes an untagged union (`oneOf`/`anyOf` without a discriminator).
///
/// Unlike serde's `untagged`, the branch is chosen by evidence first: among
/// the branches whose JSON type fits, objects carrying more of a branch's own
/// required keys are tried first, and each of those keys that is missing
/// counts against the branch. So a `MeDetailed` is not read as the smaller
/// `UserDetailedNotMe`, a `MetaLite` is not read as a `MetaDetailed` (whose
/// missing fields could otherwise decode leniently as `None` or `false`), and
/// when nothing fits, the error is the one from the closest branch instead of
/// "did not match any variant".
pub fn decode_union<'de, T, D>(
    value: serde_json::Value,
    union: &str,
    branches: &[Branch<T>],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let mut candidates: Vec<(isize, usize)> = branches
        .iter()
        .enumerate()
        .filter(|(_, b)| b.1.accepts(&value))
        .map(|(i, b)| {
            let evidence = match (&b.1, &value) {
                (Shape::Object(keys), serde_json::Value::Object(map)) => {
                    let present = keys.iter().filter(|k| map.contains_key(**k)).count();
                    present as isize - (keys.len() - present) as isize
                }
                _ => 0,
            };
            (evidence, i)
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut first_error: Option<(usize, serde_json::Error)> = None;
    for (_, i) in candidates {
        match (branches[i].2)(value.clone()) {
            Ok(v) => return Ok(v),
            Err(e) => {
                if first_error.is_none() {
                    first_error = Some((i, e));
                }
            }
        }
    }
    Err(match first_error {
        Some((i, e)) => {
            de::Error::custom(format_args!("{union}: not a valid {} ({e})", branches[i].0))
        }
        None => de::Error::custom(format_args!(
            "{union}: expected one of {}, found {}",
            branches.iter().map(|b| b.0).collect::<Vec<_>>().join(", "),
            json_kind(&value)
        )),
    })
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
