//! How an endpoint's request is sent: the marker traits that let a client
//! take only the endpoints each of its methods can send.

use crate::Endpoint;

/// An endpoint whose request is sent as a JSON object, which is what
/// `misskey-client`'s `Client::request` takes.
///
/// Every generated request implements it, except those of endpoints that
/// take a file ([`MultipartEndpoint`]), so calling `request` with one of
/// those does not compile. A hand-written [`Endpoint`] (a fork's endpoint)
/// adds one line: `impl misskey_core::JsonEndpoint for MyRequest {}`.
pub trait JsonEndpoint: Endpoint {}

/// An endpoint that takes a file as `multipart/form-data`
/// (`drive/files/create`), which is what `misskey-client`'s `Client::upload`
/// takes. Its request struct holds the other form fields; the file is sent
/// as the parts named by [`FILE_FIELDS`](Self::FILE_FIELDS).
pub trait MultipartEndpoint: Endpoint {
    /// The form parts that hold files, such as `["file"]`.
    const FILE_FIELDS: &'static [&'static str];
}
