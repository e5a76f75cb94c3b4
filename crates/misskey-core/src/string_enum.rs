/// Defines a generated string enum: one variant per value the spec lists,
/// written `Variant = "value"`, and a catch-all variant, marked `#[unknown]`,
/// holding an [`UnknownValue`](crate::UnknownValue) for any other string, so
/// values added by newer servers or forks decode instead of failing.
///
/// ```ignore
/// misskey_core::string_enum! {
///     #![default(Public)]
///     /// Who can see a note.
///     #[derive(Debug, Clone, PartialEq, Eq, Hash)]
///     #[non_exhaustive]
///     pub enum Visibility {
///         Public = "public",
///         ///
///         /// Since 2025.1.0.
///         Followers = "followers",
///         #[unknown]
///         /// A value this version of the bindings does not know.
///         Other(misskey_core::UnknownValue),
///     }
/// }
/// ```
///
/// A variant's doc is its value; doc lines written above it (the versions
/// that have it) follow that. A leading `#![default(Variant)]` implements `Default` (the generator
/// writes it only where the spec names a default value). The macro keeps
/// the generated files short and the compile light: one small match per
/// direction instead of a serde derive.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    (
        $(#![default($default:ident)])?
        $(#[$attr:meta])*
        pub enum $name:ident {
            $(
                $(#[doc = $note:literal])*
                $variant:ident = $value:literal,
            )*
            #[unknown]
            $(#[doc = $other_doc:literal])*
            $other:ident($unknown:ty),
        }
    ) => {
        $(#[$attr])*
        pub enum $name {
            $(
                #[doc = ::core::concat!(" `", $value, "`")]
                $(#[doc = $note])*
                $variant,
            )*
            $(#[doc = $other_doc])*
            $other($unknown),
        }

        impl $name {
            /// Every value the spec lists, in spec order.
            pub const KNOWN: &'static [&'static str] = &[$($value,)*];

            /// The string the server uses for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$other(other) => other.as_str(),
                }
            }

            /// Whether this value is one the spec lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::$other(_))
            }
        }

        $(
            impl ::core::default::Default for $name {
                /// The spec's default value.
                fn default() -> Self {
                    Self::$default
                }
            }
        )?

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$other($crate::private::unknown_value(other)),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::private::serde::Serialize for $name {
            fn serialize<S: $crate::private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::private::deserialize_str_with(deserializer, |s| Self::from(s))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        #![default(Home)]
        /// Who can see a note.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Visibility {
            Public = "public",
            /// Kept from the home timeline of non-followers.
            Home = "home",
            #[unknown]
            /// A value this version of the bindings does not know.
            Other(crate::UnknownValue),
        }
    }

    #[test]
    fn known_values_always_get_their_own_variant() {
        assert_eq!(Visibility::from("public"), Visibility::Public);
        assert_eq!(
            "home".parse::<Visibility>().unwrap(),
            Visibility::Home,
            "FromStr agrees"
        );
        let other = Visibility::from(String::from("secret"));
        assert!(!other.is_known());
        assert_eq!(other.as_str(), "secret");
        assert_eq!(other.to_string(), "secret");
        assert_eq!(Visibility::default(), Visibility::Home);
        assert_eq!(Visibility::KNOWN, ["public", "home"]);
    }

    #[test]
    fn serde_uses_the_strings() {
        let v: Visibility = serde_json::from_str(r#""public""#).unwrap();
        assert_eq!(v, Visibility::Public);
        let v: Visibility = serde_json::from_str(r#""fo\u006Flowers""#).unwrap();
        assert_eq!(v.as_str(), "foolowers");
        assert_eq!(serde_json::to_string(&v).unwrap(), r#""foolowers""#);
        assert!(serde_json::from_str::<Visibility>("3").is_err());
    }
}
