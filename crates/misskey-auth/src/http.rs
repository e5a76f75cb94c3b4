//! The small amount of HTTP the flows need.

use std::time::Duration;

use misskey_core::ApiErrorBody;
use reqwest::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use serde::Serialize;

use crate::AuthError;

/// Builds the HTTP client the flows use when the caller does not pass one.
///
/// It never follows redirects (a token request must not silently go to
/// another host, and OAuth clients must not follow redirects at the token
/// endpoint), and it bounds connection and request time.
pub(crate) fn default_client() -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("misskey-auth/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AuthError::http("(building the HTTP client)", e))
}

/// A buffered answer.
pub(crate) struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// POSTs `body` as JSON to `url`. `shown` is the URL to put in error messages
/// (secret path parts replaced).
pub(crate) async fn post_json(
    http: &reqwest::Client,
    url: &str,
    shown: &str,
    body: &impl Serialize,
) -> Result<Answer, AuthError> {
    let body = serde_json::to_vec(body).map_err(|e| AuthError::UnexpectedResponse {
        url: shown.to_owned(),
        status: 0,
        reason: format!("could not encode the request: {e}"),
    })?;
    let response = http
        .post(url)
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .body(body)
        .send()
        .await
        .map_err(|e| AuthError::http(shown, e))?;
    read(response, shown).await
}

/// GETs `url`, asking for JSON.
pub(crate) async fn get_json(
    http: &reqwest::Client,
    url: &str,
    shown: &str,
) -> Result<Answer, AuthError> {
    let response = http
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| AuthError::http(shown, e))?;
    read(response, shown).await
}

async fn read(response: reqwest::Response, shown: &str) -> Result<Answer, AuthError> {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .bytes()
        .await
        .map_err(|e| AuthError::http(shown, e))?
        .to_vec();
    Ok(Answer {
        status,
        location,
        body,
    })
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The error for a non-2xx answer. The body is quoted only in part, and
    /// only for error answers (which never carry a token).
    pub fn into_error(self, shown: &str) -> AuthError {
        let status = self.status;
        if (300..400).contains(&status) {
            return AuthError::UnexpectedResponse {
                url: shown.to_owned(),
                status,
                reason: match &self.location {
                    Some(to) => format!(
                        "it redirects to `{to}`; redirects are not followed for logins, so use the server's canonical origin (the one it redirects to)"
                    ),
                    None => "a redirect without a Location header".into(),
                },
            };
        }
        if let Ok(body) = serde_json::from_slice::<ApiErrorBody>(&self.body) {
            let detail = format!("{} ({})", body.error.message, body.error.code);
            return AuthError::Api {
                url: shown.to_owned(),
                status,
                error: Some(Box::new(body.error)),
                detail,
            };
        }
        // Frameworks and proxies: `{"error": "text", "message": "..."}`,
        // HTML or plain text.
        let detail = match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(v) => {
                let pick = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
                match (pick("message"), pick("error")) {
                    (Some(m), _) => m,
                    (None, Some(e)) => e,
                    _ => snippet(&self.body),
                }
            }
            Err(_) if self.body.is_empty() => "(empty body)".into(),
            Err(_) => format!("non-JSON body: {}", snippet(&self.body)),
        };
        let hint = match status {
            404 => "; is this a Misskey server, and new enough for this login method?",
            429 => "; the server is rate limiting, try again later",
            500..=599 => "; the server or a proxy in front of it failed, try again later",
            _ => "",
        };
        AuthError::Api {
            url: shown.to_owned(),
            status,
            error: None,
            detail: format!("{detail}{hint}"),
        }
    }
}

/// The first 200 characters of a body, on one line.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    let mut out: String = trimmed.chars().take(200).collect();
    if trimmed.chars().count() > 200 {
        out.push('…');
    }
    out
}
