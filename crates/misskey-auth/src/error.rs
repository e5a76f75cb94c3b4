use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use misskey_core::ApiError;

/// Everything that can go wrong while getting a token.
///
/// Every message says what failed, where (the URL or file involved, with
/// session ids and secrets left out) and, where there is one, how to fix it.
/// Tokens never appear in these messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The server origin given to a flow is not usable.
    #[error("invalid Misskey origin `{input}`: {reason}")]
    InvalidOrigin {
        /// What was passed in.
        input: String,
        /// What is wrong with it and how to fix it.
        reason: String,
    },

    /// A URL given to a flow (callback, icon, client id, redirect URI) is not usable.
    #[error("invalid {what} `{input}`: {reason}")]
    InvalidUrl {
        /// Which URL this is, such as `MiAuth callback URL`.
        what: &'static str,
        /// What was passed in.
        input: String,
        /// What is wrong with it and how to fix it.
        reason: String,
    },

    /// A permission string cannot be sent to the server.
    #[error("invalid permission `{input}`: {reason}")]
    InvalidPermission {
        /// What was passed in.
        input: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The server could not be reached, or the connection broke.
    #[error("could not reach {url}: {detail}; check the origin and your network connection")]
    Http {
        /// The endpoint that was called.
        url: String,
        /// The transport error and its causes, in one line.
        detail: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}: {detail}")]
    Api {
        /// The endpoint that was called.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// Misskey's error body, when the answer had one.
        error: Option<Box<ApiError>>,
        /// A one-line description of the answer.
        detail: String,
    },

    /// The server answered with something this crate does not understand.
    #[error("{url} answered HTTP {status} with an unexpected response: {reason}")]
    UnexpectedResponse {
        /// The endpoint that was called.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// What was unexpected (never includes a token).
        reason: String,
    },

    /// The user did not complete the login within the time the caller allowed.
    #[error("timed out after {} waiting for {what}: {hint}{}", secs(*waited), last_error_suffix(last_error))]
    Timeout {
        /// What was being waited for, such as `the user to approve the MiAuth session`.
        what: &'static str,
        /// How long was waited.
        waited: Duration,
        /// What to do about it.
        hint: Cow<'static, str>,
        /// The last transient error seen while polling, if any.
        last_error: Option<String>,
    },

    /// The caller's cancellation signal fired while waiting.
    #[error("cancelled while waiting for {what}")]
    Cancelled {
        /// What was being waited for.
        what: &'static str,
    },

    /// The browser came back to the callback, but the server says the login
    /// was not approved.
    #[error("the browser came back to the callback, but {url} still says the session is not approved after {}: {hint}", secs(*waited))]
    NotApproved {
        /// The endpoint that was polled.
        url: String,
        /// How long it was polled after the callback.
        waited: Duration,
        /// What to do about it.
        hint: Cow<'static, str>,
    },

    /// The loopback callback was called for a different login than the one
    /// waiting (wrong `session` or `state`), and no matching call came.
    #[error("the loopback callback received {count} request(s) whose `{param}` did not match this login{}: a stale browser tab or another program called it; start a new login and use only the newest URL", if *timed_out { " and the right one never came" } else { "" })]
    CallbackMismatch {
        /// The query parameter that did not match (`session` or `state`).
        param: &'static str,
        /// How many mismatching requests arrived.
        count: u32,
        /// Whether the login then timed out (otherwise it failed on the first mismatch).
        timed_out: bool,
    },

    /// The redirect to the loopback callback was malformed or unsafe.
    #[error("the authorization redirect to {callback} was rejected: {reason}")]
    InvalidRedirect {
        /// The callback URL.
        callback: String,
        /// What was wrong.
        reason: String,
    },

    /// The loopback callback listener could not be set up or failed.
    #[error("loopback callback listener on 127.0.0.1: could not {action}: {source}")]
    Loopback {
        /// What was being done, such as `bind port 8080`.
        action: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The user (or the server) refused the OAuth authorization.
    #[error("the authorization was refused: {error}{}; if that was a mistake, start a new login", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    OAuthDenied {
        /// The OAuth error code, such as `access_denied`.
        error: String,
        /// The server's description, if it sent one.
        description: Option<String>,
    },

    /// The OAuth server metadata could not be fetched or is unusable.
    #[error("OAuth discovery at {url} failed: {reason}")]
    Discovery {
        /// The metadata URL.
        url: String,
        /// What went wrong and how to fix it.
        reason: String,
    },

    /// The OAuth token endpoint refused the code or answered something unusable.
    #[error("OAuth token exchange at {url} failed: {reason}")]
    TokenExchange {
        /// The token endpoint.
        url: String,
        /// What went wrong (never includes a token).
        reason: String,
    },

    /// A token file could not be written or read.
    #[error("could not {action} token file `{}`: {reason}", path.display())]
    TokenFile {
        /// `save` or `load`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What went wrong and how to fix it.
        reason: String,
        /// The underlying I/O error, if any.
        #[source]
        source: Option<std::io::Error>,
    },
}

impl AuthError {
    /// Misskey's error code (such as `NO_SUCH_APP`), when the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            AuthError::Api {
                error: Some(error), ..
            } => Some(&error.code),
            _ => None,
        }
    }

    /// The HTTP status of the answer this error comes from, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            AuthError::Api { status, .. } | AuthError::UnexpectedResponse { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// Whether trying again later may succeed: connection problems, server
    /// errors (5xx) and rate limiting (429). Polling loops retry these.
    pub fn is_transient(&self) -> bool {
        match self {
            AuthError::Http { .. } => true,
            AuthError::Api { status, .. } | AuthError::UnexpectedResponse { status, .. } => {
                *status == 429 || *status >= 500
            }
            _ => false,
        }
    }

    pub(crate) fn http(url: impl Into<String>, source: reqwest::Error) -> Self {
        let source = source.without_url();
        let detail = error_chain(&source);
        AuthError::Http {
            url: url.into(),
            detail,
            source,
        }
    }
}

/// One line with an error and all its causes, skipping causes whose text is
/// already part of the previous one.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut current = error.source();
    while let Some(cause) = current {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        current = cause.source();
    }
    out
}

struct Secs(Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_millis() == 0 {
            write!(f, "{}s", d.as_secs())
        } else {
            write!(f, "{:.1}s", d.as_secs_f64())
        }
    }
}

fn secs(d: Duration) -> Secs {
    Secs(d)
}

fn last_error_suffix(last: &Option<String>) -> String {
    match last {
        Some(e) => format!(" (last error while polling: {e})"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_compactly() {
        assert_eq!(Secs(Duration::from_secs(300)).to_string(), "300s");
        assert_eq!(Secs(Duration::from_millis(1500)).to_string(), "1.5s");
    }

    #[test]
    fn chain_skips_repeated_text() {
        let e = std::io::Error::other("boom");
        assert_eq!(error_chain(&e), "boom");
    }
}
