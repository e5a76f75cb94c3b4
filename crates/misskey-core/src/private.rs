//! Support code for the generated crates. Not a stable API.

pub use serde;
pub use serde_json;

/// What the generated structs' `object!` serde impls call.
pub use crate::object::support as object;
/// How a tagged union serializes a branch whose struct leaves the tag out.
pub use crate::object::support::serialize_tagged;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use std::fmt;

use crate::{UnknownKind, UnknownValue};

/// The catch-all value of a string enum, for a string it does not know.
/// Only the generated `From<&str>` calls this, after matching every known
/// value.
pub fn unknown_value(value: &str) -> UnknownValue {
    UnknownValue::new(value)
}

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

/// The JSON of a union value, kept as text until its branch is known.
///
/// Buffering the text (one copy, no parsing into a tree) and parsing it again
/// as the chosen branch is several times faster than going through
/// `serde_json::Value`, which allocates every string and map of the value
/// only to convert them once more. It needs a serde_json deserializer
/// (text, bytes, a reader, or a `serde_json::Value`), which is what the
/// Misskey API speaks.
pub type Raw = Box<serde_json::value::RawValue>;

/// Buffers one JSON value for a union.
pub fn buffer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Raw, D::Error> {
    serde::Deserialize::deserialize(deserializer)
}

/// Parses JSON text as `T`, the payload of a union's branch. When it fails,
/// the error says where inside the value (`at \`user.name\`: ...`): the
/// text is parsed once more with the path tracked, which costs nothing when
/// decoding succeeds.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Err(e) if e.path().iter().next().is_some() => {
                    let path = e.path().to_string();
                    Err(de::Error::custom(format_args!(
                        "at `{path}`: {}",
                        e.into_inner()
                    )))
                }
                _ => Err(first),
            }
        }
    }
}

/// Decodes the buffered value as the branch of a tagged union that its tag
/// `tag` selects.
pub fn branch<'de, T, D>(raw: &Raw, union: &str, tag: &str) -> Result<T, D::Error>
where
    T: DeserializeOwned,
    D: Deserializer<'de>,
{
    parse(raw.get()).map_err(|e| de::Error::custom(format_args!("{union} `{tag}`: {e}")))
}

/// Keeps the buffered value of a tagged union whose tag no branch has.
pub fn unknown_kind<'de, D: Deserializer<'de>>(
    raw: &Raw,
    tag: &'static str,
) -> Result<UnknownKind, D::Error> {
    serde_json::from_str(raw.get())
        .map(|json| UnknownKind::new(tag, json))
        .map_err(de::Error::custom)
}

/// Reads the string discriminator `tag` of a buffered JSON object, for
/// `oneOf` types whose branches are told apart by a property such as `type`.
/// `None` when the value is not an object or has no string `tag`.
pub fn raw_tag<'de, 'r, D: Deserializer<'de>>(
    raw: &'r Raw,
    tag: &str,
) -> Result<Option<std::borrow::Cow<'r, str>>, D::Error> {
    if json_kind(raw) != Kind::Object {
        return Ok(None);
    }
    let probe = probe(raw, Some(tag), &[]).map_err(de::Error::custom)?;
    Ok(probe.tag)
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
    fn accepts(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Shape::Object(_), Kind::Object)
                | (Shape::Array, Kind::Array)
                | (Shape::String, Kind::String)
                | (Shape::Bool, Kind::Bool)
                | (Shape::Number, Kind::Integer | Kind::Number)
                | (Shape::Integer, Kind::Integer)
                | (Shape::Any, _)
        )
    }
}

/// One branch of an untagged union: its name, shape and decoder (from JSON text).
pub type Branch<T> = (
    &'static str,
    Shape,
    fn(&str) -> Result<T, serde_json::Error>,
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
/// "did not match any variant". Among equally likely branches, the one
/// missing fewer of its keys, then one that names the value's JSON type, is
/// tried before the others.
pub fn decode_union<'de, T, D>(
    raw: &Raw,
    union: &str,
    branches: &[Branch<T>],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let kind = json_kind(raw);
    // Which evidence keys the object has, read in one pass over its keys.
    let keys: Vec<&'static str> = match kind {
        Kind::Object => branches
            .iter()
            .filter_map(|b| match b.1 {
                Shape::Object(keys) => Some(keys.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect(),
        _ => Vec::new(),
    };
    let present = if keys.is_empty() {
        Vec::new()
    } else {
        probe(raw, None, &keys).map_err(de::Error::custom)?.present
    };
    let has = |key: &str| keys.iter().zip(&present).any(|(k, p)| *p && *k == key);
    // (evidence, missing keys, branch)
    let mut candidates: Vec<(isize, usize, usize)> = branches
        .iter()
        .enumerate()
        .filter(|(_, b)| b.1.accepts(kind))
        .map(|(i, b)| match (&b.1, kind) {
            (Shape::Object(keys), Kind::Object) => {
                let found = keys.iter().filter(|k| has(k)).count();
                let missing = keys.len() - found;
                (found as isize - missing as isize, missing, i)
            }
            _ => (0, 0, i),
        })
        .collect();
    // Most evidence first. On a tie, the branch missing fewer of its keys
    // (a user with half of `MeDetailed`'s keys is first read as the user it
    // fully is, instead of failing as `MeDetailed` after a whole parse), then
    // a branch that names the value's JSON type before one that takes
    // anything (a list of users is read as the list), then spec order.
    let any = |i: usize| matches!(branches[i].1, Shape::Any);
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(any(a.2).cmp(&any(b.2)))
            .then(a.2.cmp(&b.2))
    });
    let mut first_error: Option<(usize, serde_json::Error)> = None;
    for (_, _, i) in candidates {
        match (branches[i].2)(raw.get()) {
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
            kind.describe()
        )),
    })
}

/// The JSON type of a buffered value, from its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Integer | Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

fn json_kind(raw: &Raw) -> Kind {
    // A RawValue holds exactly one valid JSON value, without surrounding space.
    let text = raw.get().trim_start();
    match text.as_bytes().first() {
        Some(b'{') => Kind::Object,
        Some(b'[') => Kind::Array,
        Some(b'"') => Kind::String,
        Some(b't' | b'f') => Kind::Bool,
        Some(b'n') | None => Kind::Null,
        Some(_) if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) => Kind::Number,
        Some(_) => Kind::Integer,
    }
}

/// What one pass over a buffered object's keys found.
struct Probe<'r> {
    tag: Option<std::borrow::Cow<'r, str>>,
    present: Vec<bool>,
}

/// Reads the keys of a buffered object (values are skipped, not parsed
/// into anything): the string value of `tag`, and which of `keys` occur.
fn probe<'r>(
    raw: &'r Raw,
    tag: Option<&str>,
    keys: &[&str],
) -> Result<Probe<'r>, serde_json::Error> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess};

    struct Seed<'a> {
        tag: Option<&'a str>,
        keys: &'a [&'a str],
    }
    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = Probe<'de>;
        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Probe<'de>, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for Seed<'_> {
        type Value = Probe<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe<'de>, A::Error> {
            let mut probe = Probe {
                tag: None,
                present: vec![false; self.keys.len()],
            };
            while let Some(key) = map.next_key::<crate::object::support::Key<'de>>()? {
                let key = key.as_str();
                if self.tag == Some(key) {
                    let value: &'de serde_json::value::RawValue = map.next_value()?;
                    probe.tag = string_of(value.get());
                    continue;
                }
                for (k, p) in self.keys.iter().zip(&mut probe.present) {
                    if *k == key {
                        *p = true;
                    }
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(probe)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    Seed { tag, keys }.deserialize(&mut deserializer)
}

/// The string a JSON text holds, borrowed when it has no escapes.
fn string_of(json: &str) -> Option<std::borrow::Cow<'_, str>> {
    let inner = json.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(json)
            .ok()
            .map(std::borrow::Cow::Owned)
    } else {
        Some(std::borrow::Cow::Borrowed(inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type E = serde_json::Error;

    fn raw(text: &str) -> Raw {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn buffers_from_text_and_from_value() {
        let from_text: Raw = serde_json::from_str(r#" {"a": [1, 2]} "#).unwrap();
        assert_eq!(from_text.get(), r#"{"a": [1, 2]}"#);
        let from_value: Raw = serde_json::from_value(json!({"a": [1, 2]})).unwrap();
        assert_eq!(from_value.get(), r#"{"a":[1,2]}"#);
    }

    #[test]
    fn reads_the_tag() {
        let tag = |text: &str| {
            raw_tag::<&mut serde_json::Deserializer<serde_json::de::StrRead>>(&raw(text), "type")
                .unwrap()
                .map(|t| t.into_owned())
        };
        assert_eq!(
            tag(r#"{"id": "x", "note": {"type": "inner"}, "type": "follow"}"#).as_deref(),
            Some("follow")
        );
        assert_eq!(tag(r#"{"type": "fo\u006Flow"}"#).as_deref(), Some("foolow"));
        assert_eq!(tag(r#"{"type": 3}"#), None);
        assert_eq!(tag(r#"{"kind": "follow"}"#), None);
        assert_eq!(tag(r#"["type", "follow"]"#), None);
    }

    #[derive(Debug, PartialEq)]
    enum U {
        Big(serde_json::Value),
        Small(serde_json::Value),
        List(Vec<serde_json::Value>),
        Anything(serde_json::Value),
    }

    fn needs(keys: &'static [&'static str], text: &str) -> Result<serde_json::Value, E> {
        let v: serde_json::Value = serde_json::from_str(text)?;
        match keys.iter().find(|k| v.get(**k).is_none()) {
            Some(k) => Err(serde::de::Error::missing_field(k)),
            None => Ok(v),
        }
    }

    const BRANCHES: &[Branch<U>] = &[
        ("Anything", Shape::Any, |t| parse(t).map(U::Anything)),
        ("Big", Shape::Object(&["a", "b", "c", "d"]), |t| {
            needs(&["a", "b", "c", "d"], t).map(U::Big)
        }),
        ("Small", Shape::Object(&[]), |t| needs(&[], t).map(U::Small)),
        ("List", Shape::Array, |t| parse(t).map(U::List)),
    ];

    fn decode(text: &str) -> Result<U, E> {
        decode_union::<U, &mut serde_json::Deserializer<serde_json::de::StrRead>>(
            &raw(text),
            "U",
            BRANCHES,
        )
    }

    #[test]
    fn evidence_then_fewer_missing_then_named_type() {
        // All of Big's keys: Big.
        assert!(matches!(
            decode(r#"{"a": 1, "b": 1, "c": 1, "d": 1}"#),
            Ok(U::Big(_))
        ));
        // Three of four: Big is tried first, and when it fails the next branch is.
        assert!(matches!(
            decode(r#"{"a": 1, "b": 1, "c": 1}"#),
            Ok(U::Small(_))
        ));
        // Half of Big's keys ties with Small, which misses none: Small, in one parse.
        assert!(matches!(decode(r#"{"a": 1, "b": 1}"#), Ok(U::Small(_))));
        // An array goes to the branch that names arrays before the catch-all.
        assert!(matches!(decode("[1, 2]"), Ok(U::List(_))));
        // Only the catch-all takes a string.
        assert!(matches!(decode(r#""x""#), Ok(U::Anything(_))));
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct User {
        name: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Note {
        user: User,
    }

    #[test]
    fn a_branch_error_names_the_path_inside_the_branch() {
        let e = parse::<Note>(r#"{"user": {"name": 5}}"#).unwrap_err();
        assert!(
            e.to_string().starts_with("at `user.name`: invalid type"),
            "{e}"
        );
        // At the top of the value there is no path to name.
        let e = parse::<Note>("[]").unwrap_err();
        assert!(!e.to_string().starts_with("at "), "{e}");
        let raw: Raw = serde_json::from_str(r#"{"type": "mention", "user": {}}"#).unwrap();
        let e = branch::<Note, &mut serde_json::Deserializer<serde_json::de::StrRead>>(
            &raw,
            "Notification",
            "mention",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Notification `mention`: at `user`: missing field `name`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_kinds_keep_the_json_and_name_their_tag() {
        let raw: Raw = serde_json::from_str(r#"{"type": "future", "id": "x"}"#).unwrap();
        let kind =
            unknown_kind::<&mut serde_json::Deserializer<serde_json::de::StrRead>>(&raw, "type")
                .unwrap();
        assert_eq!(kind.kind(), Some("future"));
        assert_eq!(kind.get("id"), Some(&serde_json::json!("x")));
        assert_eq!(
            serde_json::to_value(&kind).unwrap(),
            serde_json::json!({"type": "future", "id": "x"})
        );
    }
}
