//! The access token and where it is sent.

use std::fmt;

/// A Misskey access token (the `i` of the API).
///
/// Its value never appears in `Debug` or `Display` output, nor in logs written
/// by this crate: both print `Token(<redacted>)`. Read it with
/// [`Token::expose`] when you really need the text.
///
/// ```
/// use misskey_client::Token;
/// let token = Token::new("s3cr3t");
/// assert_eq!(format!("{token:?}"), "Token(<redacted>)");
/// assert_eq!(token.to_string(), "Token(<redacted>)");
/// assert_eq!(token.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token text. Take care not to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl From<String> for Token {
    fn from(token: String) -> Self {
        Token(token)
    }
}

impl From<&str> for Token {
    fn from(token: &str) -> Self {
        Token(token.to_owned())
    }
}

impl From<&String> for Token {
    fn from(token: &String) -> Self {
        Token(token.clone())
    }
}

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
