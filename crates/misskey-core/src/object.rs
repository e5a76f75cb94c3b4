/// Defines a generated struct: a JSON object with a fixed set of properties,
/// with its `Serialize` and `Deserialize` impls.
///
/// The input is the struct itself, each field marked with its JSON name and
/// how it is treated, so every field is written once:
///
/// ```ignore
/// misskey_core::object! {
///     /// A note.
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct Note {
///         #[json("id", required)]
///         pub id: Id,
///         /// The text, if any.
///         #[json("text", or_default)]
///         pub text: Option<String>,
///     }
/// }
/// ```
///
/// | mode          | when missing from the JSON | when serializing          |
/// |---------------|----------------------------|---------------------------|
/// | `required`    | error (`missing field`)    | always written            |
/// | `or_default`  | its `Default` (`None`, `false`, empty) | always written |
/// | `skip_none`   | `None`                     | left out when `None`      |
/// | `skip_absent` | [`Nullable::Absent`](crate::Nullable::Absent) | left out when absent |
///
/// `integral::MODE` (such as `integral::or_default`) is `MODE` for an
/// integer field the spec types as `number`: an integral float such as
/// `16.0` reads as `16`, a fractional one is an error naming the value.
///
/// Unknown properties are skipped. A leading `#![deserialize(cfg(...))]`
/// puts that attribute on the deserializing impls only (request types get
/// theirs behind a cargo feature).
///
/// This does what `#[derive(Serialize, Deserialize)]` with the matching
/// `#[serde(...)]` attributes would, with a fraction of the code to compile:
/// no sequence form and no field-identifier enum; one visitor shared by every
/// struct; one match arm per field; serializing chains the fields' results
/// instead of returning early from each. Across several hundred generated
/// structs that was most of the crate's compile time.
#[doc(hidden)]
#[macro_export]
macro_rules! object {
    (
        $(#![deserialize($de_attr:meta)])?
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                #[json($json:literal, $($mode:ident)::+)]
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
        }

        impl $crate::private::object::Fields for $name {
            fn serialize_fields<M: $crate::private::serde::ser::SerializeMap>(
                &self,
                map: &mut M,
            ) -> ::core::result::Result<(), M::Error> {
                let done = ::core::result::Result::Ok(());
                $(
                    let done = match done {
                        ::core::result::Result::Ok(()) => $crate::private::object::$($mode)::+::entry(map, $json, &self.$field),
                        failed => failed,
                    };
                )*
                done
            }
        }

        impl $crate::private::serde::Serialize for $name {
            fn serialize<S: $crate::private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::private::object::serialize(self, serializer)
            }
        }

        $(#[$de_attr])?
        impl<'de> $crate::private::object::Object<'de> for $name {
            const NAME: &'static str = ::core::stringify!($name);
            fn visit<A: $crate::private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::core::result::Result<Self, A::Error> {
                // Written for the type checker as much as for serde:
                // one local for all the fields, nothing that can fail
                // once values are moved out of it (which made borrow
                // checking quadratic in the field count), and plain
                // matches instead of `?` (two trait calls to resolve
                // each).
                struct Slots { $($field: ::core::option::Option<$crate::private::object::$($mode)::+::Slot<$ty>>,)* }
                let mut slots = Slots { $($field: ::core::option::Option::None,)* };
                loop {
                    let key = match map.next_key::<$crate::private::object::Key<'de>>() {
                        ::core::result::Result::Ok(::core::option::Option::Some(key)) => key,
                        ::core::result::Result::Ok(::core::option::Option::None) => break,
                        ::core::result::Result::Err(e) => return ::core::result::Result::Err(e),
                    };
                    match key.as_str() {
                        $($json => match map.next_value::<$crate::private::object::$($mode)::+::Slot<$ty>>() {
                            ::core::result::Result::Ok(v) => slots.$field = ::core::option::Option::Some(v),
                            ::core::result::Result::Err(e) => return ::core::result::Result::Err(e),
                        },)*
                        _ => {
                            if let ::core::result::Result::Err(e) =
                                map.next_value::<$crate::private::serde::de::IgnoredAny>()
                            {
                                return ::core::result::Result::Err(e);
                            }
                        }
                    }
                }
                $(
                    if $crate::private::object::$($mode)::+::REQUIRED
                        && ::core::matches!(slots.$field, ::core::option::Option::None)
                    {
                        return ::core::result::Result::Err(
                            <A::Error as $crate::private::serde::de::Error>::missing_field($json),
                        );
                    }
                )*
                ::core::result::Result::Ok(Self {
                    $($field: $crate::private::object::$($mode)::+::take(slots.$field),)*
                })
            }
        }

        $(#[$de_attr])?
        impl<'de> $crate::private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::private::object::deserialize(deserializer)
            }
        }
    };
}

/// What the `object!` expansion calls.
pub mod support {
    use std::fmt;

    /// The modes of integral fields (`integral::or_default`, ...).
    pub use crate::integral::modes as integral;

    use serde::de::{self, Deserialize, Deserializer, Visitor};

    /// A property name, borrowed from the input when the format allows.
    pub enum Key<'de> {
        /// Borrowed from the input.
        Borrowed(&'de str),
        /// Copied (escaped names, readers).
        Owned(String),
    }

    impl Key<'_> {
        /// The name.
        #[inline]
        pub fn as_str(&self) -> &str {
            match self {
                Key::Borrowed(s) => s,
                Key::Owned(s) => s,
            }
        }
    }

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;
            impl<'de> Visitor<'de> for KeyVisitor {
                type Value = Key<'de>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a property name")
                }
                fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                    Ok(Key::Borrowed(v))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                    Ok(Key::Owned(v.to_owned()))
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                    Ok(Key::Owned(v))
                }
            }
            deserializer.deserialize_identifier(KeyVisitor)
        }
    }

    /// What `object!` implements for serializing: the object's entries,
    /// written into a map that the caller opened (so a tagged union can write
    /// its tag first).
    pub trait Fields {
        /// Writes every field as its mode says.
        fn serialize_fields<M: serde::ser::SerializeMap>(
            &self,
            map: &mut M,
        ) -> Result<(), M::Error>;
    }

    /// Serializes an `object!` struct as a JSON object.
    #[inline]
    pub fn serialize<T: Fields + ?Sized, S: serde::Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        value.serialize_fields(&mut map)?;
        map.end()
    }

    /// Serializes a branch of a tagged union whose struct leaves the tag out:
    /// `{tag: value, ...fields}`.
    pub fn serialize_tagged<T: Fields + ?Sized, S: serde::Serializer>(
        serializer: S,
        tag: &'static str,
        value: &'static str,
        payload: &T,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(tag, value)?;
        payload.serialize_fields(&mut map)?;
        map.end()
    }

    /// What `object!` implements for the shared visitor.
    pub trait Object<'de>: Sized {
        /// The struct's name, for error messages.
        const NAME: &'static str;
        /// Reads the object's properties.
        fn visit<A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
    }

    struct ObjectVisitor<T>(std::marker::PhantomData<fn() -> T>);

    impl<'de, T: Object<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::visit(map)
        }
    }

    /// Deserializes an `object!` struct from a JSON object.
    #[inline]
    pub fn deserialize<'de, T: Object<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
    }

    /// Must be present; always written.
    pub mod required {
        /// What a field slot holds while the object is read: the value itself.
        pub type Slot<T> = T;

        /// Writes the entry.
        #[inline]
        pub fn entry<M: serde::ser::SerializeMap, T: serde::Serialize + ?Sized>(
            map: &mut M,
            key: &'static str,
            value: &T,
        ) -> Result<(), M::Error> {
            map.serialize_entry(key, value)
        }
        /// Whether a missing value is an error.
        pub const REQUIRED: bool = true;

        /// The value. `object!` returns a `missing field` error for a
        /// [`REQUIRED`] field that is not there before it takes any value,
        /// so the slot is always filled here.
        #[inline]
        pub fn take<T>(slot: Option<T>) -> T {
            match slot {
                Some(value) => value,
                None => {
                    unreachable!("object! returns `missing field` before taking a required value")
                }
            }
        }
    }

    /// Missing reads as the default; always written.
    pub mod or_default {
        /// What a field slot holds while the object is read: the value itself.
        pub type Slot<T> = T;

        /// Writes the entry.
        #[inline]
        pub fn entry<M: serde::ser::SerializeMap, T: serde::Serialize + ?Sized>(
            map: &mut M,
            key: &'static str,
            value: &T,
        ) -> Result<(), M::Error> {
            map.serialize_entry(key, value)
        }
        /// Whether a missing value is an error.
        pub const REQUIRED: bool = false;

        /// The value, or the type's default.
        #[inline]
        pub fn take<T: Default>(slot: Option<T>) -> T {
            slot.unwrap_or_default()
        }
    }

    /// An `Option` left out of the JSON when `None`.
    pub mod skip_none {
        /// What a field slot holds while the object is read: the value itself.
        pub type Slot<T> = T;

        /// Writes the entry unless it is `None`.
        #[inline]
        pub fn entry<M: serde::ser::SerializeMap, T: serde::Serialize>(
            map: &mut M,
            key: &'static str,
            value: &Option<T>,
        ) -> Result<(), M::Error> {
            match value {
                Some(value) => map.serialize_entry(key, value),
                None => Ok(()),
            }
        }
        /// Whether a missing value is an error.
        pub const REQUIRED: bool = false;

        /// The value, or `None`.
        #[inline]
        pub fn take<T>(slot: Option<Option<T>>) -> Option<T> {
            slot.unwrap_or(None)
        }
    }

    /// A [`Nullable`](crate::Nullable) left out of the JSON when absent.
    pub mod skip_absent {
        use crate::Nullable;

        /// What a field slot holds while the object is read: the value itself.
        pub type Slot<T> = T;

        /// Writes the entry unless it is absent.
        #[inline]
        pub fn entry<M: serde::ser::SerializeMap, T: serde::Serialize>(
            map: &mut M,
            key: &'static str,
            value: &Nullable<T>,
        ) -> Result<(), M::Error> {
            if value.is_absent() {
                Ok(())
            } else {
                map.serialize_entry(key, value)
            }
        }

        /// Whether a missing value is an error.
        pub const REQUIRED: bool = false;

        /// The value, or [`Nullable::Absent`].
        #[inline]
        pub fn take<T>(slot: Option<Nullable<T>>) -> Nullable<T> {
            slot.unwrap_or(Nullable::Absent)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Id, Nullable};
    use serde_json::json;

    crate::object! {
        /// A struct with a field of every mode.
        #[derive(Debug, PartialEq)]
        pub struct Sample {
            #[json("id", required)]
            pub id: Id,
            /// A flag.
            #[json("flag", or_default)]
            pub flag: bool,
            #[json("text", or_default)]
            pub text: Option<String>,
            #[json("note", skip_none)]
            pub note: Option<String>,
            #[json("cw", skip_absent)]
            pub cw: Nullable<String>,
            #[json("type", required)]
            pub r#type: String,
        }
    }

    #[test]
    fn decodes_with_defaults_and_ignores_unknown_keys() {
        let s: Sample =
            serde_json::from_value(json!({"id": "a1", "type": "x", "extra": [1, {"y": 2}]}))
                .unwrap();
        assert_eq!(
            s,
            Sample {
                id: Id::new("a1"),
                flag: false,
                text: None,
                note: None,
                cw: Nullable::Absent,
                r#type: "x".into()
            }
        );
        let s: Sample =
            serde_json::from_str(r#"{"cw": null, "text": "t", "note": null, "flag": true, "type": "x", "id": "a\u0031"}"#).unwrap();
        assert_eq!(
            (s.cw, s.text, s.flag, s.id.as_str()),
            (Nullable::Null, Some("t".into()), true, "a1")
        );
    }

    crate::object! {
        /// Counts the spec types as `number`.
        #[derive(Debug, PartialEq)]
        pub struct Counts {
            #[json("width", integral::skip_none)]
            pub width: Option<i64>,
            #[json("reactions", integral::or_default)]
            pub reactions: std::collections::BTreeMap<String, i64>,
            #[json("votes", integral::required)]
            pub votes: i64,
        }
    }

    #[test]
    fn integral_fields_take_whole_floats_and_name_a_fraction() {
        let c: Counts =
            serde_json::from_value(json!({"width": 16.0, "reactions": {"👍": 2.0}, "votes": 3}))
                .unwrap();
        assert_eq!((c.width, c.reactions["👍"], c.votes), (Some(16), 2, 3));
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"width": 16, "reactions": {"👍": 2}, "votes": 3}),
            "written as integers"
        );
        let c: Counts = serde_json::from_value(json!({"votes": 0})).unwrap();
        assert_eq!((c.width, c.reactions.len()), (None, 0));
        let e = serde_json::from_str::<Counts>(r#"{"width": 16.5, "votes": 1}"#).unwrap_err();
        assert!(e.to_string().contains("16.5"), "{e}");
        let e = serde_json::from_str::<Counts>(r#"{"width": 1}"#).unwrap_err();
        assert_eq!(e.to_string(), "missing field `votes` at line 1 column 12");
    }

    #[test]
    fn missing_required_field_is_an_error() {
        let e = serde_json::from_value::<Sample>(json!({"id": "a1"})).unwrap_err();
        assert_eq!(e.to_string(), "missing field `type`");
        let e = serde_json::from_value::<Sample>(json!([1])).unwrap_err();
        assert!(e.to_string().contains("expected struct Sample"), "{e}");
    }

    #[test]
    fn serializes_in_field_order_skipping_as_told() {
        let s = Sample {
            id: Id::new("a1"),
            flag: false,
            text: None,
            note: None,
            cw: Nullable::Absent,
            r#type: "x".into(),
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"id":"a1","flag":false,"text":null,"type":"x"}"#
        );
        let s = Sample {
            note: Some("n".into()),
            cw: Nullable::Null,
            ..s
        };
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"id": "a1", "flag": false, "text": null, "note": "n", "cw": null, "type": "x"})
        );
    }

    #[test]
    fn a_tagged_branch_writes_its_tag_first() {
        let s = Sample {
            id: Id::new("a1"),
            flag: true,
            text: None,
            note: None,
            cw: Nullable::Absent,
            r#type: "x".into(),
        };
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        super::support::serialize_tagged(&mut serializer, "kind", "sample", &s).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"kind":"sample","id":"a1","flag":true,"text":null,"type":"x"}"#
        );
    }
}
