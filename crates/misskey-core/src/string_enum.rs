/// Implements the string conversions and serde for a generated string enum.
///
/// Every generated enum has one variant per value the spec lists plus a
/// catch-all variant holding any other string, so that values added by newer
/// servers or forks decode instead of failing. The macro keeps the generated
/// files short and the compile light: one small match per direction instead
/// of a serde derive.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident, $other:ident { $($variant:ident => $value:literal,)* }) => {
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

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$other(other.to_owned()),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::$other(value),
                }
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
