//! Turning an HTTP answer into the endpoint's response or an [`Error`].

use std::time::{Duration, SystemTime};

use std::borrow::Cow;

use misskey_core::{ApiErrorBody, Permission, ResponseShape};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::body_snippet;
use crate::Error;

/// What was received, before interpretation.
pub(crate) struct RawResponse<'a> {
    pub status: StatusCode,
    pub content_type: Option<&'a str>,
    pub retry_after: Option<Duration>,
    pub location: Option<&'a str>,
    pub body: &'a [u8],
}

/// Decides what an answer means for an endpoint whose successful answer has
/// the given shape.
// `&Cow`, not `&str`: errors clone it, which keeps a typed endpoint's
// `&'static str` borrowed instead of copying it.
#[allow(clippy::ptr_arg)]
pub(crate) fn interpret<T: DeserializeOwned>(
    endpoint: &Cow<'static, str>,
    permission: Option<&Permission>,
    shape: ResponseShape,
    raw: &RawResponse<'_>,
) -> Result<T, Error> {
    let unexpected = |reason: String| Error::UnexpectedResponse {
        endpoint: endpoint.clone(),
        status: raw.status,
        content_type: raw.content_type.map(str::to_owned),
        reason,
        body: body_snippet(raw.body),
    };
    let body_is_empty = raw.body.iter().all(u8::is_ascii_whitespace);

    if raw.status == StatusCode::TOO_MANY_REQUESTS {
        return Err(Error::RateLimited {
            endpoint: endpoint.clone(),
            retry_after: raw.retry_after,
            error: serde_json::from_slice::<ApiErrorBody>(raw.body)
                .ok()
                .map(|b| Box::new(b.error)),
        });
    }

    if raw.status.is_success() {
        if raw.status == StatusCode::NO_CONTENT || body_is_empty {
            return match shape {
                ResponseShape::Json => Err(unexpected(if raw.status == StatusCode::NO_CONTENT {
                    "the endpoint answers with a JSON body but the server sent 204 No Content \
                     (is the server a different Misskey version than the bindings?)"
                        .into()
                } else {
                    "the endpoint answers with a JSON body but the body is empty".into()
                })),
                ResponseShape::Empty | ResponseShape::JsonOrEmpty => {
                    decode_json(endpoint, b"null", raw.body)
                }
            };
        }
        if shape == ResponseShape::Empty {
            // The endpoint has no result; whatever the server sent is not needed.
            return decode_json(endpoint, b"null", raw.body);
        }
        if let Some(ct) = raw.content_type {
            if !is_json_content_type(ct) {
                return Err(unexpected(format!(
                    "expected a JSON body but the content type is not JSON{}",
                    if is_html(raw) {
                        " (an HTML page: a proxy, captive portal or web server answered, \
                         or the origin is not a Misskey server)"
                    } else {
                        ""
                    }
                )));
            }
        }
        if let Some(depth) = nesting_beyond(raw.body, MAX_BODY_DEPTH) {
            return Err(unexpected(format!(
                "the body nests {depth} or more levels deep, more than the {MAX_BODY_DEPTH} \
                 any Misskey answer needs (decoding it could exhaust the stack)"
            )));
        }
        return match decode_json(endpoint, raw.body, raw.body) {
            Err(Error::Decode { source, .. })
                if source.is_syntax() || source.is_eof() || source.is_io() =>
            {
                Err(unexpected(format!("the body is not valid JSON ({source})")))
            }
            other => other,
        };
    }

    if raw.status.is_redirection() {
        return Err(unexpected(match raw.location {
            Some(location) => format!(
                "the server redirected to `{location}`; if that is where the server lives, \
                 use its origin (for example `https://` instead of `http://`)"
            ),
            None => "the server answered with a redirect".into(),
        }));
    }

    if let Ok(body) = serde_json::from_slice::<ApiErrorBody>(raw.body) {
        return Err(Error::Api {
            endpoint: endpoint.clone(),
            status: raw.status,
            error: Box::new(body.error),
            permission: permission.cloned(),
        });
    }
    Err(unexpected(describe_foreign_error_body(raw, body_is_empty)))
}

/// Explains an error answer that is not a Misskey error body.
fn describe_foreign_error_body(raw: &RawResponse<'_>, body_is_empty: bool) -> String {
    if body_is_empty {
        return "the body is empty, which Misskey never sends with an error status \
                (a proxy or load balancer probably answered)"
            .into();
    }
    if is_html(raw) {
        return "the body is an HTML page, not a Misskey error (a proxy, load balancer or web \
                server answered; check the origin and whether the server is up)"
            .into();
    }
    match serde_json::from_slice::<serde_json::Value>(raw.body) {
        Ok(serde_json::Value::Object(map)) => match map.get("error") {
            Some(serde_json::Value::String(error)) => {
                let detail = map
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                format!(
                    "the body is not a Misskey error but a plain `{{\"error\": \"{error}\"}}` \
                     (the HTTP framework or a proxy refused the request{detail})"
                )
            }
            _ => "the body is JSON but not a Misskey error body (`{\"error\": {\"code\", ...}}`)"
                .into(),
        },
        Ok(_) => {
            "the body is JSON but not a Misskey error body (`{\"error\": {\"code\", ...}}`)".into()
        }
        Err(_) => "the body is neither JSON nor a Misskey error".into(),
    }
}

fn is_html(raw: &RawResponse<'_>) -> bool {
    raw.content_type
        .is_some_and(|ct| essence(ct).eq_ignore_ascii_case("text/html"))
        || raw
            .body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'<')
}

fn essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// `application/json`, `application/problem+json`, ... with any parameters.
pub(crate) fn is_json_content_type(content_type: &str) -> bool {
    let essence = essence(content_type).to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// How deeply a success body may nest arrays and objects. Real answers
/// nest less than 10 levels (a notification's note's renote's user's
/// decorations); decoding the generated types takes several stack frames per
/// level, so without a bound a hostile or broken body of valid JSON (a
/// `renote` chain 100 levels deep, within serde_json's own limit of 128)
/// could overflow the stack of a debug build.
pub(crate) const MAX_BODY_DEPTH: usize = 48;

/// The depth reached, if the JSON text nests arrays and objects deeper than
/// `limit` (brackets inside strings are not counted). A cheap scan: invalid
/// JSON is left for the decoder to report.
pub(crate) fn nesting_beyond(json: &[u8], limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(depth);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Decodes `json` as `T`, reporting the path of the failing value.
#[allow(clippy::ptr_arg)] // as for `interpret`
fn decode_json<T: DeserializeOwned>(
    endpoint: &Cow<'static, str>,
    json: &[u8],
    body_for_error: &[u8],
) -> Result<T, Error> {
    let decode_error = |path: String, source: serde_json::Error| Error::Decode {
        endpoint: endpoint.clone(),
        path,
        body: body_snippet(body_for_error),
        source,
    };
    let mut de = serde_json::Deserializer::from_slice(json);
    match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => match de.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(decode_error(".".into(), e)),
        },
        Err(e) => {
            let path = e.path().to_string();
            Err(decode_error(path, e.into_inner()))
        }
    }
}

/// Parses a `Retry-After` header: a number of seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        if seconds.is_finite() && seconds >= 0.0 {
            return Some(Duration::from_secs_f64(seconds));
        }
        return None;
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(120))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(120));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn nesting_depth() {
        assert_eq!(nesting_beyond(b"[[[]]]", 3), None);
        assert_eq!(nesting_beyond(b"[[[[]]]]", 3), Some(4));
        assert_eq!(nesting_beyond(br#"{"a": "[[[[[[", "b": [{}]}"#, 3), None);
        assert_eq!(nesting_beyond(br#"["\"[[[[", [[[1]]]]"#, 3), Some(4));
        assert_eq!(nesting_beyond(b"", 0), None);
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("application/json; charset=utf-8"));
        assert!(is_json_content_type("Application/JSON"));
        assert!(is_json_content_type("application/problem+json"));
        assert!(!is_json_content_type("text/html; charset=utf-8"));
        assert!(!is_json_content_type("text/plain"));
    }

    #[test]
    fn decode_error_names_the_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            user: Inner,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Inner {
            #[allow(dead_code)]
            name: String,
        }
        let raw = RawResponse {
            status: StatusCode::OK,
            content_type: Some("application/json"),
            retry_after: None,
            location: None,
            body: br#"{"user": {"name": 5}}"#,
        };
        let err = interpret::<Outer>(&"x/y".into(), None, ResponseShape::Json, &raw).unwrap_err();
        match &err {
            Error::Decode { path, .. } => assert_eq!(path, "user.name"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trailing_garbage_is_not_json() {
        let raw = RawResponse {
            status: StatusCode::OK,
            content_type: Some("application/json"),
            retry_after: None,
            location: None,
            body: br#"{} trailing"#,
        };
        let err = interpret::<serde_json::Value>(&"x/y".into(), None, ResponseShape::Json, &raw)
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    }
}
