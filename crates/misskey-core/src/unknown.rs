//! What the generated enums keep when the server sends something this
//! version of the bindings does not know.

use std::fmt;

use serde::{Serialize, Serializer};

/// A string enum value this version of the bindings does not know (a newer
/// server or a fork sent it), kept as sent.
///
/// It cannot be made from a string by hand: every generated string enum
/// converts a string it knows into that value's own variant, and only the
/// others into its catch-all variant holding an `UnknownValue`. So
/// `NoteVisibility::from("public")` is always `NoteVisibility::Public`, and
/// comparing with `==` means what it says.
///
/// ```
/// use misskey_core::Permission;
/// let p = Permission::from("write:custom-fork");
/// assert!(!p.is_known());
/// assert_eq!(p.as_str(), "write:custom-fork");
/// assert_eq!(Permission::from("write:notes"), Permission::WriteNotes);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// Only the generated conversions make one, for strings they do not know.
    pub(crate) fn new(value: &str) -> Self {
        UnknownValue(value.into())
    }

    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An object of a kind this version of the bindings does not know: a
/// tagged union's value whose tag (such as a notification's `type`) no
/// branch has, kept as the JSON the server sent.
///
/// Like [`UnknownValue`], it is only made when decoding, so a union's
/// catch-all variant never holds a kind the bindings know.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownKind {
    tag: &'static str,
    json: serde_json::Value,
}

impl UnknownKind {
    /// Only the generated decoders make one, for tags they do not know.
    pub(crate) fn new(tag: &'static str, json: serde_json::Value) -> Self {
        UnknownKind { tag, json }
    }

    /// The value of the tag property (such as `type`), if it is a string.
    pub fn kind(&self) -> Option<&str> {
        self.json.get(self.tag).and_then(|t| t.as_str())
    }

    /// A property of the object.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.json.get(key)
    }

    /// The whole value as sent.
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// The whole value as sent, by value.
    pub fn into_json(self) -> serde_json::Value {
        self.json
    }
}

impl Serialize for UnknownKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}
