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
pub trait Endpoint: Serialize {
    /// The decoded successful response.
    ///
    /// `()` for endpoints that answer `204`, `Option<T>` for endpoints that
    /// answer either `200` or `204`. Both decode from JSON `null`, which is
    /// what a transport should feed them for an empty body.
    type Response: DeserializeOwned;

    /// The endpoint name, which is also the path under `/api/`, such as `notes/create`.
    const PATH: &'static str;
    /// Whether a credential (an access token) must be sent.
    const REQUIRES_CREDENTIAL: bool;
    /// The permission the token needs, if any.
    const PERMISSION: Option<Permission>;
    /// Whether the request is sent as `multipart/form-data` (file uploads).
    const MULTIPART: bool;
    /// Whether the server rate-limits this endpoint (it documents a `429`).
    const RATE_LIMITED: bool;
    /// Whether the server also answers `GET` with query parameters.
    const ALLOW_GET: bool;
    /// Whether the endpoint is marked internal (meant for Misskey's own web client).
    const INTERNAL: bool;
    /// How a successful call is answered.
    const RESPONSE_SHAPE: ResponseShape;
    /// The error codes the spec documents for this endpoint, such as `NO_SUCH_NOTE`.
    const ERROR_CODES: &'static [&'static str];
}
