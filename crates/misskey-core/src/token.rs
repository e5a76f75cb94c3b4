//! The access token, shared by the client, the login flows and streaming.

use std::fmt;

/// A Misskey access token (the `i` credential).
///
/// One type for every crate of the SDK: the login flows of `misskey-auth`
/// hand one out, and `misskey-client` and the streaming client take it as it
/// is, so the secret never has to be taken out on the way from logging in to
/// calling the API.
///
/// It never shows itself: `Debug` prints `AccessToken(<redacted>)` and
/// `Display` prints `<redacted>`, so logging a struct that holds one does not
/// leak it. Comparison takes the same time wherever two tokens of the same
/// length differ. Read the secret with [`expose_secret`](Self::expose_secret)
/// only where it is sent. It deliberately implements neither `Serialize` nor
/// `Deserialize`; `misskey-auth` can save it to a private file.
///
/// ```
/// use misskey_core::AccessToken;
/// let token = AccessToken::new("s3cr3t");
/// assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
/// assert_eq!(token.to_string(), "<redacted>");
/// assert_eq!(token.expose_secret(), "s3cr3t");
/// ```
#[derive(Clone, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token string, for example one read from your own configuration.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The token itself. Send it as `Authorization: Bearer ...` or as `"i"`;
    /// do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Consumes the wrapper and returns the token string.
    pub fn into_secret(self) -> String {
        self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Compares in time independent of where the tokens differ.
impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        AccessToken(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        AccessToken(token.to_owned())
    }
}

impl From<&String> for AccessToken {
    fn from(token: &String) -> Self {
        AccessToken(token.clone())
    }
}

impl From<&AccessToken> for AccessToken {
    fn from(token: &AccessToken) -> Self {
        token.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_and_compares() {
        let t = AccessToken::new("secret-value");
        assert_eq!(format!("{t:?}"), "AccessToken(<redacted>)");
        assert_eq!(format!("{t:#?}"), "AccessToken(<redacted>)");
        assert_eq!(t.to_string(), "<redacted>");
        assert_eq!(t.expose_secret(), "secret-value");
        assert_eq!(t, AccessToken::from("secret-value"));
        assert_eq!(t, AccessToken::from(&"secret-value".to_owned()));
        assert_ne!(t, AccessToken::from("secret-valuf"));
        assert_ne!(t, AccessToken::from("secret"));
        assert_eq!(t.clone().into_secret(), "secret-value");
    }
}
