use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Permission;

/// How an endpoint answers a successful call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseShape {
    /// `200` with a JSON body.
    Json,
    /// `204 No Content`; the response type is `()`.
    Empty,
    /// Either `200` with a JSON body or `204`; the response type is `Option<T>`.
    JsonOrEmpty,
}

/// One Misskey API endpoint, implemented by its generated request type.
///
/// Every endpoint is called as `POST {origin}/api/{PATH}` with the request
/// serialized as a JSON object (or as `multipart/form-data` when
/// [`MULTIPART`](Self::MULTIPART) is set). The constants describe what the
/// spec says about the endpoint so that clients can check things (such as a
/// missing credential) before sending anything.
///
/// Only [`Response`](Self::Response) and [`PATH`](Self::PATH) have to be
/// given; every other constant has a default, so an endpoint the generated
/// bindings lack (a fork's, or a newer server's) takes a few lines:
///
/// ```
/// use misskey_core::{Endpoint, Permission};
/// use serde::{Deserialize, Serialize};
///
/// /// A fork's endpoint: `POST /api/notes/bookmark-count`.
/// #[derive(Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct BookmarkCount {
///     note_id: String,
/// }
///
/// #[derive(Deserialize)]
/// struct Count {
///     count: u64,
/// }
///
/// impl Endpoint for BookmarkCount {
///     type Response = Count;
///     const PATH: &'static str = "notes/bookmark-count";
///     // Optional: the defaults are a required credential and no permission.
///     const PERMISSION: Option<Permission> = Some(Permission::ReadFavorites);
/// }
/// # assert!(BookmarkCount::REQUIRES_CREDENTIAL && !BookmarkCount::MULTIPART);
/// ```
///
/// For a one-off call there is also the untyped `Client::call` of
/// `misskey-client`, which takes the name and a JSON value.
pub trait Endpoint: Serialize {
    /// The decoded successful response.
    ///
    /// `()` for endpoints that answer `204`, `Option<T>` for endpoints that
    /// answer either `200` or `204`. Both decode from JSON `null`, which is
    /// what a transport should feed them for an empty body.
    type Response: DeserializeOwned;

    /// The endpoint name, which is also the path under `/api/`, such as `notes/create`.
    const PATH: &'static str;

    /// Whether a credential (an access token) must be sent. Defaults to
    /// `true`: a client then refuses to call without a token instead of
    /// sending a call that the server would refuse with `CREDENTIAL_REQUIRED`.
    const REQUIRES_CREDENTIAL: bool = true;

    /// The permission the token needs, if any (default: none).
    const PERMISSION: Option<Permission> = None;

    /// Whether the request is sent as `multipart/form-data` (file uploads;
    /// default `false`).
    const MULTIPART: bool = false;

    /// Whether the server rate-limits this endpoint (it documents a `429`;
    /// default `false`).
    const RATE_LIMITED: bool = false;

    /// Whether the server also answers `GET` with query parameters (default `false`).
    const ALLOW_GET: bool = false;

    /// Whether the endpoint is marked internal (meant for Misskey's own web
    /// client; default `false`).
    const INTERNAL: bool = false;

    /// How a successful call is answered (default [`ResponseShape::Json`]).
    const RESPONSE_SHAPE: ResponseShape = ResponseShape::Json;

    /// The error codes the spec documents for this endpoint, such as
    /// `NO_SUCH_NOTE` (default: none listed).
    const ERROR_CODES: &'static [&'static str] = &[];

    /// The first Misskey version that has this endpoint, such as
    /// `"2023.9.0"`, when known (default `None`: no lower bound known).
    const SINCE: Option<&'static str> = None;

    /// The first Misskey version that no longer has this endpoint, when it
    /// was removed (default `None`: still present as far as known).
    const UNTIL: Option<&'static str> = None;
}
