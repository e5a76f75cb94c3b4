//! Tolerant decoding of the integers the spec types as `number` (counts and
//! sizes, by the generator's fix-ups): an integral JSON float such as `16.0`
//! reads as `16`; a fractional one such as `16.5`, or one out of `i64`'s
//! range, is a decode error that names the value.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};

use crate::Nullable;

/// A value decoded with [`IntegralValue`], for a field slot of `object!`.
pub struct Integral<T>(pub T);

impl<'de, T: IntegralValue> de::Deserialize<'de> for Integral<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::decode(deserializer).map(Integral)
    }
}

/// The shapes an integral field can have: `i64`, and `Option`, `Nullable`,
/// `Vec` and string-keyed maps of them.
pub trait IntegralValue: Sized {
    /// Reads the value, taking integral floats for integers.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// What an integral field expects, for error messages.
const EXPECTED: &str = "an integer (a whole number, such as 16 or 16.0)";

impl IntegralValue for i64 {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntVisitor;
        impl Visitor<'_> for IntVisitor {
            type Value = i64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
                Ok(v)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
                i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &EXPECTED))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
                // `i64::MAX as f64` rounds up to 2^63, which is out of range.
                const LIMIT: f64 = 9_223_372_036_854_775_808.0;
                if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
                    Ok(v as i64)
                } else {
                    Err(E::invalid_value(Unexpected::Float(v), &EXPECTED))
                }
            }
        }
        deserializer.deserialize_i64(IntVisitor)
    }
}

/// Decodes one `T` as [`IntegralValue`] inside a list or map.
struct Seed<T>(PhantomData<T>);

impl<'de, T: IntegralValue> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::decode(deserializer)
    }
}

impl<T: IntegralValue> IntegralValue for Option<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);
        impl<'de, T: IntegralValue> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "null or {EXPECTED}")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::decode(d).map(Some)
            }
        }
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

impl<T: IntegralValue> IntegralValue for Nullable<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing field never reaches here: the generated struct yields `Absent`.
        Option::<T>::decode(deserializer).map(Nullable::from_option_or_null)
    }
}

impl<T: IntegralValue> IntegralValue for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: IntegralValue> Visitor<'de> for SeqVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of {EXPECTED}")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(v) = seq.next_element_seed(Seed::<T>(PhantomData))? {
                    out.push(v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

impl<T: IntegralValue> IntegralValue for BTreeMap<String, T> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);
        impl<'de, T: IntegralValue> Visitor<'de> for MapVisitor<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object whose values are {EXPECTED}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value_seed(Seed::<T>(PhantomData))?;
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// The `object!` modes of an integral field: written like any field, read
/// through `Integral`.
pub mod modes {
    use super::Integral;

    /// [`required`](crate::private::object::required), read tolerantly.
    pub mod required {
        pub use crate::private::object::required::{entry, REQUIRED};
        /// What a field slot holds while the object is read.
        pub type Slot<T> = super::Integral<T>;
        /// The value (always there, see the plain mode).
        #[inline]
        pub fn take<T>(slot: Option<Slot<T>>) -> T {
            crate::private::object::required::take(slot.map(|v| v.0))
        }
    }

    /// [`or_default`](crate::private::object::or_default), read tolerantly.
    pub mod or_default {
        pub use crate::private::object::or_default::{entry, REQUIRED};
        /// What a field slot holds while the object is read.
        pub type Slot<T> = super::Integral<T>;
        /// The value, or the type's default.
        #[inline]
        pub fn take<T: Default>(slot: Option<Slot<T>>) -> T {
            slot.map(|v| v.0).unwrap_or_default()
        }
    }

    /// [`skip_none`](crate::private::object::skip_none), read tolerantly.
    pub mod skip_none {
        pub use crate::private::object::skip_none::{entry, REQUIRED};
        /// What a field slot holds while the object is read.
        pub type Slot<T> = super::Integral<T>;
        /// The value, or `None`.
        #[inline]
        pub fn take<T>(slot: Option<Slot<Option<T>>>) -> Option<T> {
            slot.and_then(|v| v.0)
        }
    }

    /// [`skip_absent`](crate::private::object::skip_absent), read tolerantly.
    pub mod skip_absent {
        use crate::Nullable;

        pub use crate::private::object::skip_absent::{entry, REQUIRED};
        /// What a field slot holds while the object is read.
        pub type Slot<T> = super::Integral<T>;
        /// The value, or [`Nullable::Absent`].
        #[inline]
        pub fn take<T>(slot: Option<Slot<Nullable<T>>>) -> Nullable<T> {
            slot.map_or(Nullable::Absent, |v| v.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int<T: IntegralValue>(json: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        T::decode(&mut de).map_err(|e| e.to_string())
    }

    #[test]
    fn integral_floats_read_as_integers_and_fractions_are_refused() {
        assert_eq!(int::<i64>("16"), Ok(16));
        assert_eq!(int::<i64>("16.0"), Ok(16));
        assert_eq!(int::<i64>("-3.0"), Ok(-3));
        assert_eq!(int::<i64>("1e3"), Ok(1000));
        let err = int::<i64>("16.5").unwrap_err();
        assert!(err.contains("16.5") && err.contains("an integer"), "{err}");
        assert!(int::<i64>("1e300").is_err(), "out of range");
        assert!(
            int::<i64>("18446744073709551615").is_err(),
            "u64 beyond i64"
        );
        assert!(int::<i64>("\"16\"").is_err());
    }

    #[test]
    fn lists_maps_and_options_read_their_items_tolerantly() {
        assert_eq!(int::<Vec<i64>>("[1, 2.0, 3]"), Ok(vec![1, 2, 3]));
        let map = int::<BTreeMap<String, i64>>(r#"{"👍": 2.0, ":x:": 1}"#).unwrap();
        assert_eq!(map.get("👍"), Some(&2));
        assert_eq!(int::<Option<i64>>("null"), Ok(None));
        assert_eq!(int::<Option<i64>>("7.0"), Ok(Some(7)));
        assert_eq!(int::<Nullable<i64>>("null"), Ok(Nullable::Null));
        assert_eq!(int::<Nullable<i64>>("7.0"), Ok(Nullable::Value(7)));
        assert!(int::<Vec<i64>>("[1, 2.5]").is_err());
    }
}
