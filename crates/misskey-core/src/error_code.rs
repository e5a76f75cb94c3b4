//! Typed error codes: what an endpoint's errors can be matched against.

use std::fmt::Debug;

use crate::UnknownValue;

/// A set of Misskey error codes that can be matched without strings.
///
/// Implemented by the error-code enum generated for each endpoint (such as
/// `misskey_api::endpoints::notes::show::ErrorCode`) and by
/// [`CommonErrorCode`], the codes Misskey's API handler can answer on any
/// endpoint. Every implementation has a catch-all variant, so that a code the
/// enum does not know (a newer server, a fork) still converts.
///
/// A client turns the `code` and `id` of an error answer into the enum with
/// [`from_code`](Self::from_code); `misskey-client`'s `Error::is` and
/// `Error::code_as` do that for you.
///
/// ```
/// use misskey_core::{CommonErrorCode, ErrorCode};
/// let code = CommonErrorCode::from_code("RATE_LIMIT_EXCEEDED", "d5826d14-3982-4d2e-8011-b9e9f02499ef");
/// assert_eq!(code, CommonErrorCode::RateLimitExceeded);
/// assert_eq!(code.as_str(), "RATE_LIMIT_EXCEEDED");
/// let other = CommonErrorCode::from_code("NO_SUCH_NOTE", "24fcbfc6-2e37-42b6-8388-c29b3861a08d");
/// assert_eq!(other.as_str(), "NO_SUCH_NOTE");
/// ```
pub trait ErrorCode: Sized + Clone + Debug + PartialEq + Eq + Send + Sync + 'static {
    /// The variant for an error answer's `code` and `id`.
    ///
    /// Never fails: a code the enum does not know becomes its catch-all
    /// variant, which keeps the string. `id` lets an enum tell apart two
    /// errors of one endpoint that share a code; most implementations only
    /// look at `code`.
    fn from_code(code: &str, id: &str) -> Self;

    /// The code as the server sends it, such as `NO_SUCH_NOTE`.
    fn as_str(&self) -> &str;
}

/// The error codes Misskey's API handler itself can answer on any endpoint,
/// before or around the endpoint's own code.
///
/// Every endpoint of the spec lists `INVALID_PARAM` (400),
/// `CREDENTIAL_REQUIRED` (401), `AUTHENTICATION_FAILED` (403), `I_AM_AI`
/// (418) and `INTERNAL_ERROR` (500), and rate-limited ones
/// `RATE_LIMIT_EXCEEDED` (429). The handler can also answer the 403 codes
/// `PERMISSION_DENIED` (the token lacks the endpoint's permission),
/// `ROLE_PERMISSION_DENIED` (the user lacks a role or role policy),
/// `ACCESS_DENIED` (an endpoint only Misskey's own web client may call) and
/// `YOUR_ACCOUNT_SUSPENDED`, and `UNKNOWN_API_ENDPOINT` (404) for a path the
/// server does not have.
///
/// ```
/// use misskey_core::{CommonErrorCode, ErrorCode};
/// let code = CommonErrorCode::from_code("PERMISSION_DENIED", "1370e5b7-d4eb-4566-bb1d-7748ee6a1838");
/// assert!(matches!(code, CommonErrorCode::PermissionDenied));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommonErrorCode {
    /// `INVALID_PARAM`: a parameter is missing, of the wrong type or out of
    /// range; the error's `info` names it (`param`) and says why (`reason`).
    InvalidParam,
    /// `CREDENTIAL_REQUIRED`: the endpoint needs an access token and none was sent.
    CredentialRequired,
    /// `AUTHENTICATION_FAILED`: the token is unknown or revoked.
    AuthenticationFailed,
    /// `PERMISSION_DENIED`: the token does not carry the permission the endpoint needs.
    PermissionDenied,
    /// `ROLE_PERMISSION_DENIED`: the user is not assigned a role (moderator,
    /// administrator) or role policy the endpoint needs.
    RolePermissionDenied,
    /// `ACCESS_DENIED`: the endpoint is only for Misskey's own web client
    /// (a session, not an app token). Endpoints also use this code for their
    /// own refusals.
    AccessDenied,
    /// `YOUR_ACCOUNT_SUSPENDED`: the user is suspended.
    YourAccountSuspended,
    /// `RATE_LIMIT_EXCEEDED`: too many calls; wait and retry.
    RateLimitExceeded,
    /// `INTERNAL_ERROR`: the server failed; the error's `info` may carry an id to report.
    InternalError,
    /// `UNKNOWN_API_ENDPOINT`: the server has no such endpoint (an older
    /// version or another fork).
    UnknownApiEndpoint,
    /// `I_AM_AI`: listed on every endpoint of the spec (status 418).
    IAmAi,
    /// Any other code, such as an endpoint's own `NO_SUCH_NOTE`, kept as
    /// sent. It cannot be made by hand, so a code listed above always
    /// converts to its own variant and `==` means what it says.
    Other(UnknownValue),
}

impl ErrorCode for CommonErrorCode {
    fn from_code(code: &str, _id: &str) -> Self {
        match code {
            "INVALID_PARAM" => CommonErrorCode::InvalidParam,
            "CREDENTIAL_REQUIRED" => CommonErrorCode::CredentialRequired,
            "AUTHENTICATION_FAILED" => CommonErrorCode::AuthenticationFailed,
            "PERMISSION_DENIED" => CommonErrorCode::PermissionDenied,
            "ROLE_PERMISSION_DENIED" => CommonErrorCode::RolePermissionDenied,
            "ACCESS_DENIED" => CommonErrorCode::AccessDenied,
            "YOUR_ACCOUNT_SUSPENDED" => CommonErrorCode::YourAccountSuspended,
            "RATE_LIMIT_EXCEEDED" => CommonErrorCode::RateLimitExceeded,
            "INTERNAL_ERROR" => CommonErrorCode::InternalError,
            "UNKNOWN_API_ENDPOINT" => CommonErrorCode::UnknownApiEndpoint,
            "I_AM_AI" => CommonErrorCode::IAmAi,
            other => CommonErrorCode::Other(UnknownValue::new(other)),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            CommonErrorCode::InvalidParam => "INVALID_PARAM",
            CommonErrorCode::CredentialRequired => "CREDENTIAL_REQUIRED",
            CommonErrorCode::AuthenticationFailed => "AUTHENTICATION_FAILED",
            CommonErrorCode::PermissionDenied => "PERMISSION_DENIED",
            CommonErrorCode::RolePermissionDenied => "ROLE_PERMISSION_DENIED",
            CommonErrorCode::AccessDenied => "ACCESS_DENIED",
            CommonErrorCode::YourAccountSuspended => "YOUR_ACCOUNT_SUSPENDED",
            CommonErrorCode::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            CommonErrorCode::InternalError => "INTERNAL_ERROR",
            CommonErrorCode::UnknownApiEndpoint => "UNKNOWN_API_ENDPOINT",
            CommonErrorCode::IAmAi => "I_AM_AI",
            CommonErrorCode::Other(code) => code.as_str(),
        }
    }
}

impl std::fmt::Display for CommonErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Defines an endpoint's generated error-code enum: one variant per code
/// the endpoint documents, written `Variant = ("CODE", "id")` (the id is
/// `""` when the spec gives none), and a last variant, marked `#[common]`,
/// holding the codes any endpoint can answer and the unknown ones.
///
/// ```ignore
/// misskey_core::error_code! {
///     /// The errors `notes/show` documents.
///     #[derive(Debug, Clone, PartialEq, Eq, Hash)]
///     #[non_exhaustive]
///     pub enum ErrorCode {
///         /// `NO_SUCH_NOTE`: No such note.
///         NoSuchNote = ("NO_SUCH_NOTE", "24fcbfc6-2e37-42b6-8388-c29b3861a08d"),
///         #[common]
///         /// A code any endpoint can answer, or an unknown one.
///         Common(misskey_core::CommonErrorCode),
///     }
/// }
/// ```
///
/// It implements [`ErrorCode`] (own codes first, anything else through
/// `CommonErrorCode`), `Display`, `id()` and `KNOWN`: each code is written
/// once, in the definition.
#[doc(hidden)]
#[macro_export]
macro_rules! error_code {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = ($code:literal, $id:literal $(,)?),
            )*
            #[common]
            $(#[doc = $common_doc:literal])*
            Common($common:ty),
        }
    ) => {
        $(#[$attr])*
        pub enum $name {
            $(
                $(#[doc = $doc])*
                $variant,
            )*
            $(#[doc = $common_doc])*
            Common($common),
        }

        impl $name {
            /// The codes the endpoint documents, in spec order.
            pub const KNOWN: &'static [&'static str] = &[$($code,)*];

            /// The stable id the spec documents with the code (`None` for
            /// `Common` and for a code documented without one).
            pub fn id(&self) -> ::core::option::Option<&'static str> {
                let id: &'static str = match self {
                    $(Self::$variant => $id,)*
                    Self::Common(_) => "",
                };
                if id.is_empty() {
                    ::core::option::Option::None
                } else {
                    ::core::option::Option::Some(id)
                }
            }
        }

        impl $crate::ErrorCode for $name {
            fn from_code(code: &str, id: &str) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    _ => Self::Common(<$common as $crate::ErrorCode>::from_code(code, id)),
                }
            }

            fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Common(common) => $crate::ErrorCode::as_str(common),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str($crate::ErrorCode::as_str(self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_known_code() {
        let known = [
            "INVALID_PARAM",
            "CREDENTIAL_REQUIRED",
            "AUTHENTICATION_FAILED",
            "PERMISSION_DENIED",
            "ROLE_PERMISSION_DENIED",
            "ACCESS_DENIED",
            "YOUR_ACCOUNT_SUSPENDED",
            "RATE_LIMIT_EXCEEDED",
            "INTERNAL_ERROR",
            "UNKNOWN_API_ENDPOINT",
            "I_AM_AI",
        ];
        for code in known {
            let parsed = CommonErrorCode::from_code(code, "");
            assert!(!matches!(parsed, CommonErrorCode::Other(_)), "{code}");
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
        }
        let other = CommonErrorCode::from_code("NO_SUCH_NOTE", "x");
        assert!(
            matches!(&other, CommonErrorCode::Other(v) if v.as_str() == "NO_SUCH_NOTE"),
            "{other:?}"
        );
        assert_eq!(other.as_str(), "NO_SUCH_NOTE");
    }

    crate::error_code! {
        /// The errors of a test endpoint.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ShowCode {
            /// `NO_SUCH_NOTE`: No such note.
            NoSuchNote = ("NO_SUCH_NOTE", "24fcbfc6-2e37-42b6-8388-c29b3861a08d"),
            Blocked = ("BLOCKED", ""),
            #[common]
            /// The codes any endpoint can answer.
            Common(crate::CommonErrorCode),
        }
    }

    #[test]
    fn an_endpoint_enum_takes_its_own_codes_then_the_common_ones() {
        let own = ShowCode::from_code("NO_SUCH_NOTE", "24fcbfc6-2e37-42b6-8388-c29b3861a08d");
        assert_eq!(own, ShowCode::NoSuchNote);
        assert_eq!(own.as_str(), "NO_SUCH_NOTE");
        assert_eq!(own.id(), Some("24fcbfc6-2e37-42b6-8388-c29b3861a08d"));
        assert_eq!(ShowCode::Blocked.id(), None, "no documented id");
        assert_eq!(ShowCode::KNOWN, ["NO_SUCH_NOTE", "BLOCKED"]);
        let common = ShowCode::from_code("RATE_LIMIT_EXCEEDED", "");
        assert_eq!(common, ShowCode::Common(CommonErrorCode::RateLimitExceeded));
        assert_eq!(common.id(), None);
        let unknown = ShowCode::from_code("FORK_ONLY", "");
        assert!(matches!(
            &unknown,
            ShowCode::Common(CommonErrorCode::Other(_))
        ));
        assert_eq!(unknown.to_string(), "FORK_ONLY");
    }
}
