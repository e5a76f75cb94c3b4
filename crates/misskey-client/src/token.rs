//! Where the access token is sent.

/// Where the access token is put in each request.
///
/// Misskey 2024.10.1 accepts both; servers older than 2023 only know
/// [`TokenPlacement::Body`], which is therefore the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TokenPlacement {
    /// As the `i` property of the JSON body (and as the `i` form field of a
    /// multipart upload). Works on every Misskey version.
    #[default]
    Body,
    /// As the header `Authorization: Bearer <token>` (Misskey 2023 and later).
    /// The header is marked sensitive so that HTTP-level logging hides it.
    BearerHeader,
}
