//! A typed async client for the Misskey API, on reqwest and tokio.
//!
//! One generic call serves every endpoint: pass a request type that
//! implements [`misskey_core::Endpoint`] (all of `misskey_api::endpoints`
//! do) and get its typed response back.
//!
//! ```no_run
//! use misskey_api::endpoints::notes;
//! use misskey_client::{Client, CommonErrorCode, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::builder("https://misskey.example")
//!     .token(std::env::var("MISSKEY_TOKEN").unwrap())
//!     .build()?;
//! let request = notes::create::Request { text: "hello".into(), ..Default::default() };
//! match client.request(&request).await {
//!     Ok(res) => println!("posted {}", res.created_note.id),
//!     Err(e) if e.is_rate_limited() => println!("slow down, retry after {:?}", e.retry_after()),
//!     Err(e) if e.is(CommonErrorCode::PermissionDenied) => println!("{e}"),
//!     Err(e) if e.code() == Some("NO_SUCH_NOTE") => println!("gone"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! # What it does for you
//!
//! * **Origin**: checked and normalised once by [`ClientBuilder::build`]
//!   (`misskey.example`, `https://misskey.example/` and
//!   `https://misskey.example/api` are the same; plain `http` only for
//!   loopback hosts unless allowed), with an error that says how to fix a bad
//!   one, by [`parse_origin`], which the login flows of `misskey-auth` share.
//! * **Token**: sent as `i` in the body (the default, every server version)
//!   or as `Authorization: Bearer` ([`TokenPlacement`]). A call to an
//!   endpoint that requires a credential fails before sending anything when
//!   there is no token. The [`AccessToken`] type (from `misskey-core`, the same
//!   one the login flows of `misskey-auth` hand out) never shows its value in
//!   `Debug`, `Display` or logs.
//! * **Answers**: `200` JSON is decoded into the endpoint's `Response`; `204`
//!   decodes it from `null` (`()` or `None`), following
//!   [`Endpoint::RESPONSE_SHAPE`](misskey_core::Endpoint::RESPONSE_SHAPE).
//!   A decode failure names the JSON path of the failing value; inside a
//!   union, the path leads to the union and the message goes on with the
//!   path inside the branch it was read as.
//! * **Errors**: one [`Error`] enum: Misskey's own errors (with `code`, `id`,
//!   `message`, `kind`, `info`), rate limits with `Retry-After`, transport
//!   failures (timeouts told apart), answers that are not Misskey's (a proxy's
//!   HTML, a framework's `{"error": "text"}`, empty bodies), decode errors,
//!   and set-up mistakes. Optional bounded retries on `429`
//!   ([`RetryPolicy`]).
//! * **Uploads**: [`Client::upload`] with an [`Upload`] from bytes, a path
//!   or a stream, for multipart endpoints such as `drive/files/create`.
//! * **Pagination**: [`Client::paginate`] walks `untilId`/`sinceId` pages
//!   as a [`Stream`](futures_core::Stream) of items ([`Paginator`]).
//! * **Untyped calls**: [`Client::call`] takes an endpoint name and any
//!   JSON object, for what the bindings do not cover, on the same code path
//!   as typed calls.
//! * **Server versions**: with [`ClientBuilder::check_server_version`], a
//!   call to an endpoint whose [`Endpoint::SINCE`](misskey_core::Endpoint::SINCE) /
//!   [`UNTIL`](misskey_core::Endpoint::UNTIL) rule out the server's version
//!   (read once from `meta`) fails before sending with
//!   [`Error::UnsupportedByServer`].
//! * **Tracing**: each call runs in a `misskey_request` span (at debug level)
//!   with the endpoint, the status and the duration; bodies and the token are
//!   never logged.
//!
//! # Pagination
//!
//! [`Client::paginate`] accepts any request implementing
//! [`misskey_core::Paginate`] (whose `Item` implements
//! [`misskey_core::HasId`]); the generated bindings implement both for every
//! endpoint with `sinceId`/`untilId` that answers a list of items with an
//! id. Both traits are re-exported here.

#![warn(missing_docs)]

mod client;
mod error;
mod origin;
mod pagination;
mod response;
mod token;
mod upload;
mod version;

pub use client::{Client, ClientBuilder, RetryPolicy, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT};
pub use error::{Error, TransportKind, BODY_SNIPPET_CHARS};
pub use misskey_core::{AccessToken, CommonErrorCode, ErrorCode};
pub use misskey_core::{HasId, JsonEndpoint, MultipartEndpoint, Paginate};
pub use origin::parse_origin;
pub use pagination::{Direction, Paginator};
pub use token::TokenPlacement;
pub use upload::{Upload, DEFAULT_FILE_NAME};

/// Re-exported so callers name the same versions as the client.
pub use misskey_core;
/// Re-exported so callers can supply a configured [`reqwest::Client`].
pub use reqwest;
/// The HTTP status type used in [`Error`].
pub use reqwest::StatusCode;
