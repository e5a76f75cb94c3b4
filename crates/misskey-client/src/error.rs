//! The one error type of the client.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use misskey_core::{ApiError, ErrorCode, Permission};
use reqwest::StatusCode;

/// How many characters of an unexpected body are kept in errors.
pub const BODY_SNIPPET_CHARS: usize = 200;

/// Everything that can go wrong when calling Misskey.
///
/// Match on the variants, or use the helpers ([`code`](Self::code),
/// [`is_rate_limited`](Self::is_rate_limited),
/// [`retry_after`](Self::retry_after), [`status`](Self::status),
/// [`is_timeout`](Self::is_timeout), ...). Every variant's `Display` says
/// what happened, on which endpoint, and where useful how to fix it. No
/// variant ever holds the access token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Misskey answered with its own error body `{"error": {"code", ...}}`.
    ///
    /// `Display` carries what the server said: the code, the message, the
    /// `info` it sent (for `INVALID_PARAM` the parameter and the reason), and
    /// for `PERMISSION_DENIED` the permission the endpoint needs.
    #[error(
        "Misskey API error {} {} on {endpoint}: {}{} (id {})",
        status.as_u16(),
        error.code,
        error.message,
        Detail { error, permission: permission.as_ref() },
        error.id
    )]
    Api {
        /// The endpoint called, such as `notes/show`.
        endpoint: Cow<'static, str>,
        /// The HTTP status, such as `400`.
        status: StatusCode,
        /// The error Misskey reported (`code`, `id`, `message`, `kind`, `info`),
        /// boxed to keep `Result<_, Error>` small.
        error: Box<ApiError>,
        /// The permission the endpoint needs ([`Endpoint::PERMISSION`](misskey_core::Endpoint::PERMISSION)),
        /// when it needs one; `None` for untyped calls.
        permission: Option<Permission>,
    },

    /// The server answered `429 Too Many Requests`.
    #[error(
        "rate limited on {endpoint} (HTTP 429{}): {}",
        error.as_ref().map(|e| format!(" {}", e.code)).unwrap_or_default(),
        RetryAfterText(*retry_after)
    )]
    RateLimited {
        /// The endpoint called.
        endpoint: Cow<'static, str>,
        /// How long the server asked to wait (`Retry-After`), when it said so.
        retry_after: Option<Duration>,
        /// The Misskey error body (`RATE_LIMIT_EXCEEDED`), when one was sent.
        error: Option<Box<ApiError>>,
    },

    /// The request did not get an HTTP answer: connection refused, DNS, TLS,
    /// timeout, or the connection broke while sending or receiving.
    #[error("{kind} calling {endpoint}: {}", ErrorChain(source))]
    Transport {
        /// The endpoint called.
        endpoint: Cow<'static, str>,
        /// What kind of failure this was.
        kind: TransportKind,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The server answered with something that is not what Misskey sends: an
    /// HTML page from a proxy, a framework error such as
    /// `{"error": "Unsupported Media Type"}`, an empty body, a body that is not
    /// JSON, a wrong content type, a redirect, or `204` where a body was due.
    #[error(
        "unexpected response from {endpoint}: HTTP {}, {reason}{}; body starts: {}",
        status.as_u16(),
        content_type.as_ref().map(|ct| format!(" (content type `{ct}`)")).unwrap_or_default(),
        BodyText(body)
    )]
    UnexpectedResponse {
        /// The endpoint called.
        endpoint: Cow<'static, str>,
        /// The HTTP status.
        status: StatusCode,
        /// The `Content-Type` header, when sent.
        content_type: Option<String>,
        /// What is wrong with the answer, and a hint where one helps.
        reason: String,
        /// The start of the body (at most [`BODY_SNIPPET_CHARS`] characters).
        body: String,
    },

    /// The answer was JSON, but not of the shape the endpoint's response type
    /// expects.
    #[error(
        "could not decode the response of {endpoint} at `{path}`: {source}; body starts: {}",
        BodyText(body)
    )]
    Decode {
        /// The endpoint called.
        endpoint: Cow<'static, str>,
        /// The JSON path of the failing value, such as `createdNote.user.name`
        /// (`.` for the whole body).
        path: String,
        /// The start of the body (at most [`BODY_SNIPPET_CHARS`] characters).
        body: String,
        /// The serde error: what was found and what was expected.
        #[source]
        source: serde_json::Error,
    },

    /// The endpoint needs an access token and the client has none. Nothing
    /// was sent.
    #[error(
        "{endpoint} requires a credential but the client has no access token; \
         set one with `Client::builder(origin).token(...)`"
    )]
    MissingCredential {
        /// The endpoint that was not called.
        endpoint: Cow<'static, str>,
    },

    /// The server's version does not have the endpoint (checked only with
    /// [`ClientBuilder::check_server_version`](crate::ClientBuilder::check_server_version)).
    /// Nothing was sent.
    #[error(
        "{endpoint} is not available on this server: it runs Misskey {server_version}, and {}; \
         nothing was sent",
        VersionRange { since: *since, until: *until }
    )]
    UnsupportedByServer {
        /// The endpoint that was not called.
        endpoint: Cow<'static, str>,
        /// The server's version, as `meta` reported it.
        server_version: String,
        /// The first version that has the endpoint ([`Endpoint::SINCE`](misskey_core::Endpoint::SINCE)).
        since: Option<&'static str>,
        /// The first version that no longer has it ([`Endpoint::UNTIL`](misskey_core::Endpoint::UNTIL)).
        until: Option<&'static str>,
    },

    /// The origin given to [`Client::new`](crate::Client::new) or
    /// [`Client::builder`](crate::Client::builder) is not usable.
    #[error("invalid Misskey origin {input:?}: {problem}; {fix}")]
    InvalidOrigin {
        /// What was given.
        input: String,
        /// What is wrong with it.
        problem: String,
        /// How to fix it.
        fix: String,
    },

    /// The access token cannot be sent (it contains characters that are not
    /// allowed in an HTTP header). The token itself is not shown.
    #[error("invalid access token: {problem}")]
    InvalidToken {
        /// What is wrong with it.
        problem: String,
    },

    /// Reading the file (or stream) to upload failed, or the upload's MIME
    /// type is not valid.
    #[error(
        "upload{} failed: {}{source}",
        endpoint.as_ref().map(|e| format!(" to {e}")).unwrap_or_default(),
        path.as_ref().map(|p| format!("could not read `{}`: ", p.display())).unwrap_or_default()
    )]
    Upload {
        /// The endpoint called (`drive/files/create`); `None` when the error
        /// happened while preparing the [`Upload`](crate::Upload).
        endpoint: Option<Cow<'static, str>>,
        /// The file being read, when the upload came from a path.
        path: Option<PathBuf>,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The endpoint was called the wrong way: a multipart endpoint with
    /// [`Client::request`](crate::Client::request), or a JSON endpoint with
    /// [`Client::upload`](crate::Client::upload). Nothing was sent.
    #[error("{endpoint} {problem}; call it with `Client::{use_instead}` instead")]
    WrongMethod {
        /// The endpoint that was not called.
        endpoint: Cow<'static, str>,
        /// What is wrong.
        problem: &'static str,
        /// The method to use.
        use_instead: &'static str,
    },

    /// The endpoint name given to [`Client::call`](crate::Client::call) is not
    /// one Misskey could have. Nothing was sent.
    #[error("invalid endpoint name {name:?}: {problem}; pass the name as in `notes/create` (the path under `/api/`)")]
    InvalidEndpointName {
        /// What was given.
        name: Cow<'static, str>,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// The request could not be turned into a JSON object. Nothing was sent.
    #[error("could not serialize the request for {endpoint}: {source}")]
    Serialize {
        /// The endpoint that was not called.
        endpoint: Cow<'static, str>,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },

    /// The HTTP client could not be built (for example, TLS could not be
    /// initialised).
    #[error("could not build the HTTP client: {problem}")]
    Build {
        /// What went wrong.
        problem: String,
        /// The underlying error, if any.
        #[source]
        source: Option<reqwest::Error>,
    },
}

/// What kind of transport failure an [`Error::Transport`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// The call took longer than the client's timeout.
    Timeout,
    /// The TLS handshake failed (certificate not trusted, expired, wrong host, ...).
    Tls,
    /// No connection could be made (refused, DNS failure, unreachable).
    Connect,
    /// The connection failed while the request was sent or the answer read.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Timeout => "timed out",
            TransportKind::Tls => "TLS error",
            TransportKind::Connect => "could not connect",
            TransportKind::Other => "connection error",
        })
    }
}

impl TransportKind {
    /// Classifies a reqwest error.
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            return TransportKind::Timeout;
        }
        // `io::Error::source` skips the wrapped error itself, so wrapped
        // errors are followed with `get_ref` as well.
        let mut stack: Vec<&(dyn std::error::Error + 'static)> = vec![error];
        while let Some(e) = stack.pop() {
            if e.is::<rustls::Error>() {
                return TransportKind::Tls;
            }
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::TimedOut {
                    return TransportKind::Timeout;
                }
                if let Some(inner) = io.get_ref() {
                    stack.push(inner);
                }
            }
            if let Some(next) = e.source() {
                stack.push(next);
            }
        }
        if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Other
        }
    }
}

impl Error {
    /// The Misskey error code, such as `NO_SUCH_NOTE` or
    /// `RATE_LIMIT_EXCEEDED`, when the server sent a Misskey error body.
    pub fn code(&self) -> Option<&str> {
        self.api_error().map(|e| e.code.as_str())
    }

    /// The Misskey error code as a typed enum, when the server sent a
    /// Misskey error body.
    ///
    /// `C` is the endpoint's generated error-code enum (such as
    /// `notes::show::ErrorCode`) or [`CommonErrorCode`](misskey_core::CommonErrorCode)
    /// for the codes any endpoint can answer. A code `C` does not know
    /// becomes its catch-all variant; [`code`](Self::code) keeps the string.
    pub fn code_as<C: ErrorCode>(&self) -> Option<C> {
        self.api_error().map(|e| C::from_code(&e.code, &e.id))
    }

    /// Whether the server answered with this error code.
    ///
    /// ```
    /// # fn check(err: misskey_client::Error) {
    /// use misskey_client::CommonErrorCode;
    /// if err.is(CommonErrorCode::PermissionDenied) {
    ///     eprintln!("log in again with more permissions");
    /// }
    /// # }
    /// ```
    pub fn is<C: ErrorCode>(&self, code: C) -> bool {
        self.code_as::<C>().is_some_and(|c| c == code)
    }

    /// The Misskey error body, when the server sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            Error::RateLimited { error, .. } => error.as_deref(),
            _ => None,
        }
    }

    /// Whether this is a Misskey error body (any status but 429).
    pub fn is_api_error(&self) -> bool {
        matches!(self, Error::Api { .. })
    }

    /// Whether the server answered `429 Too Many Requests`.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// How long a rate-limited caller should wait, when the server said so
    /// with `Retry-After` (in seconds or as an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::Transport { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        )
    }

    /// Whether no connection could be made (refused, DNS, unreachable, TLS).
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Connect | TransportKind::Tls,
                ..
            }
        )
    }

    /// Whether the error happened before anything was sent, because of how
    /// the client or the call was set up (missing credential, invalid origin
    /// or token, wrong method, unserializable request).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::MissingCredential { .. }
                | Error::InvalidOrigin { .. }
                | Error::InvalidToken { .. }
                | Error::WrongMethod { .. }
                | Error::InvalidEndpointName { .. }
                | Error::Serialize { .. }
                | Error::Build { .. }
        )
    }

    /// The endpoint the error is about, when there is one.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            Error::Api { endpoint, .. }
            | Error::RateLimited { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::UnexpectedResponse { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::MissingCredential { endpoint }
            | Error::UnsupportedByServer { endpoint, .. }
            | Error::WrongMethod { endpoint, .. }
            | Error::Serialize { endpoint, .. }
            | Error::InvalidEndpointName { name: endpoint, .. } => Some(endpoint),
            Error::Upload { endpoint, .. } => endpoint.as_deref(),
            _ => None,
        }
    }
}

/// Keeps the start of a body for an error message.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut chars = text.char_indices();
    match chars.nth(BODY_SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

struct BodyText<'a>(&'a str);

impl fmt::Display for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(empty)")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// How much of an unfamiliar `info` object is quoted in a message.
const INFO_CHARS: usize = 300;

/// What a Misskey error's `Display` adds after the message: the server's
/// `info`, and for `PERMISSION_DENIED` the permission the endpoint needs.
struct Detail<'a> {
    error: &'a ApiError,
    permission: Option<&'a Permission>,
}

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use serde_json::Value;
        if let Some(info) = &self.error.info {
            let text = |key: &str| info.get(key).and_then(Value::as_str);
            match (text("param"), text("reason")) {
                (Some(param), Some(reason)) => write!(f, " [param `{param}`: {reason}]")?,
                (Some(param), None) => write!(f, " [param `{param}`]")?,
                (None, Some(reason)) => write!(f, " [{reason}]")?,
                (None, None) => match info {
                    Value::Null => {}
                    Value::Object(map) if map.is_empty() => {}
                    other => {
                        let json = other.to_string();
                        let mut cut = json.chars();
                        let shown: String = cut.by_ref().take(INFO_CHARS).collect();
                        let more = if cut.next().is_some() { "…" } else { "" };
                        write!(f, " [info: {shown}{more}]")?;
                    }
                },
            }
        }
        if self.error.code == "PERMISSION_DENIED" {
            if let Some(permission) = self.permission {
                write!(
                    f,
                    " [the endpoint needs the permission `{}`; log in again asking for it]",
                    permission.as_str()
                )?;
            }
        }
        Ok(())
    }
}

struct VersionRange {
    since: Option<&'static str>,
    until: Option<&'static str>,
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.since, self.until) {
            (Some(since), Some(until)) => {
                write!(f, "the endpoint exists from {since} until before {until}")
            }
            (Some(since), None) => write!(f, "the first version that has the endpoint is {since}"),
            (None, Some(until)) => write!(f, "the endpoint was removed in {until}"),
            (None, None) => f.write_str("its version does not have the endpoint"),
        }
    }
}

struct RetryAfterText(Option<Duration>);

impl fmt::Display for RetryAfterText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) if d.subsec_millis() == 0 => write!(f, "retry after {}s", d.as_secs()),
            Some(d) => write!(f, "retry after {:.1}s", d.as_secs_f64()),
            None => f.write_str("the server did not say when to retry"),
        }
    }
}

/// An error with its sources as one line.
pub(crate) fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    ErrorChain(error).to_string()
}

/// Prints an error with its sources, `a: b: c`, without repeating a source
/// whose text is already contained in the previous one.
struct ErrorChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut last = self.0.to_string();
        f.write_str(&last)?;
        let mut source = self.0.source();
        while let Some(e) = source {
            let text = e.to_string();
            if !last.contains(&text) {
                write!(f, ": {text}")?;
            }
            last = text;
            source = e.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_cut_on_a_char_boundary() {
        let long = "é".repeat(500);
        let s = body_snippet(long.as_bytes());
        assert_eq!(s.chars().count(), BODY_SNIPPET_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(body_snippet(b"short"), "short");
        assert_eq!(body_snippet(b""), "");
    }

    #[test]
    fn api_error_display() {
        let err = Error::Api {
            endpoint: "notes/show".into(),
            permission: None,
            status: StatusCode::BAD_REQUEST,
            error: Box::new(ApiError {
                code: "NO_SUCH_NOTE".into(),
                message: "No such note.".into(),
                id: "24fcbfc6-2e37-42b6-8388-c29b3861a08d".into(),
                kind: Some("client".into()),
                info: None,
            }),
        };
        assert_eq!(
            err.to_string(),
            "Misskey API error 400 NO_SUCH_NOTE on notes/show: No such note. \
             (id 24fcbfc6-2e37-42b6-8388-c29b3861a08d)"
        );
        assert_eq!(err.code(), Some("NO_SUCH_NOTE"));
        assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
        assert!(!err.is_rate_limited());
    }

    #[test]
    fn error_is_small() {
        assert!(
            std::mem::size_of::<Error>() <= 104,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn rate_limited_display() {
        let err = Error::RateLimited {
            endpoint: "notes/create".into(),
            retry_after: Some(Duration::from_secs(30)),
            error: None,
        };
        assert_eq!(
            err.to_string(),
            "rate limited on notes/create (HTTP 429): retry after 30s"
        );
        assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    }
}
