//! Core types shared by every misskey-sdk crate.
//!
//! * [`Endpoint`]: what the generated request types implement, so that any
//!   transport can call any endpoint without knowing it in advance;
//!   [`JsonEndpoint`] or [`MultipartEndpoint`] say how its request is sent.
//! * [`Permission`]: the typed permission list (generated from the instance's
//!   published `scopes_supported` and the spec).
//! * [`Nullable`]: the tri-state used for request fields that are optional *and*
//!   nullable, where Misskey treats `null` as "clear this".
//! * [`Id`], [`DateTime`]: the representations of `misskey:id` and `date-time`.
//! * [`AccessToken`]: the one token type of the SDK, redacted when printed.
//! * [`ApiError`]: the error body Misskey answers with; [`ErrorCode`]: typed
//!   error codes ([`CommonErrorCode`] for the codes any endpoint can answer).
//! * [`Paginate`], [`HasId`]: what lets a client walk `sinceId`/`untilId` lists.
//! * [`UnknownValue`], [`UnknownKind`]: what the generated enums keep when a
//!   server sends a value or a kind of object this version does not know.
//!
//! This crate has no HTTP dependency.

#![warn(missing_docs)]

mod body;
mod endpoint;
mod error_body;
mod error_code;
mod id;
mod integral;
mod nullable;
mod object;
mod paginate;
mod permission;
mod permission_helpers;
#[doc(hidden)]
pub mod private;
mod string_enum;
mod token;
mod unknown;

pub use body::{JsonEndpoint, MultipartEndpoint};
pub use endpoint::{Endpoint, ResponseShape};
pub use error_body::{ApiError, ApiErrorBody};
pub use error_code::{CommonErrorCode, ErrorCode};
pub use id::Id;
pub use nullable::Nullable;
pub use paginate::{HasId, Paginate};
pub use permission::Permission;
pub use token::AccessToken;
pub use unknown::{UnknownKind, UnknownValue};

/// A point in time as Misskey sends it (`format: date-time`, RFC 3339 in UTC).
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// Re-exported so generated code and users name the same `chrono`.
pub use chrono;
