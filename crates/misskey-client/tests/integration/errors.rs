//! Every kind of error, from the fake's answers.

use std::time::{Duration, SystemTime};

use misskey_client::{Client, Error, RetryPolicy, TransportKind};
use misskey_core::Id;
use serde_json::json;

use crate::endpoints::*;
use crate::fake::{fixture, fixture_reply, Fake, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";

fn show() -> NotesShow {
    NotesShow {
        note_id: Id::new("aaaaaaaaaaaaaaaa"),
    }
}

async fn show_error(reply: Reply) -> Error {
    let fake = Fake::always(reply).await;
    let client = Client::new(&fake.origin).unwrap();
    client.request(&show()).await.unwrap_err()
}

#[tokio::test]
async fn misskey_api_error() {
    let err = show_error(fixture_reply("error-no-such-note.json")).await;
    assert_eq!(err.code(), Some("NO_SUCH_NOTE"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.is_api_error());
    assert!(!err.is_rate_limited());
    assert_eq!(err.endpoint(), Some("notes/show"));
    let api = err.api_error().unwrap();
    assert_eq!(api.id, "24fcbfc6-2e37-42b6-8388-c29b3861a08d");
    assert_eq!(api.kind.as_deref(), Some("client"));
    assert_eq!(
        err.to_string(),
        "Misskey API error 400 NO_SUCH_NOTE on notes/show: No such note. \
         (id 24fcbfc6-2e37-42b6-8388-c29b3861a08d)"
    );
}

#[tokio::test]
async fn misskey_api_error_keeps_info() {
    let err = show_error(fixture_reply("error-invalid-param.json")).await;
    assert_eq!(err.code(), Some("INVALID_PARAM"));
    let info = err.api_error().unwrap().info.clone().unwrap();
    assert_eq!(info["param"], "#/properties/noteId/format");
}

#[tokio::test]
async fn server_side_credential_error() {
    let fake = Fake::always(fixture_reply("error-credential-required.json")).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .request(&NotesCreate {
            text: Some("x".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("CREDENTIAL_REQUIRED"));
    assert_eq!(err.status().unwrap().as_u16(), 401);
}

fn rate_limit_body() -> serde_json::Value {
    json!({"error": {
        "message": "Rate limit exceeded. Please try again later.",
        "code": "RATE_LIMIT_EXCEEDED",
        "id": "d5826d14-3982-4d2e-8011-b9e9f02499ef",
        "kind": "client"
    }})
}

#[tokio::test]
async fn rate_limited_with_retry_after_seconds() {
    let err = show_error(Reply::json(429, &rate_limit_body()).header("retry-after", "30")).await;
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.code(), Some("RATE_LIMIT_EXCEEDED"));
    assert_eq!(err.status().unwrap().as_u16(), 429);
    assert_eq!(
        err.to_string(),
        "rate limited on notes/show (HTTP 429 RATE_LIMIT_EXCEEDED): retry after 30s"
    );
}

#[tokio::test]
async fn rate_limited_with_retry_after_date() {
    let date = httpdate_in(Duration::from_secs(120));
    let err = show_error(Reply::json(429, &rate_limit_body()).header("retry-after", &date)).await;
    let wait = err.retry_after().expect("parsed");
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

#[tokio::test]
async fn rate_limited_without_retry_after_or_body() {
    let err = show_error(Reply::json(429, &rate_limit_body())).await;
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), None);
    assert!(
        err.to_string()
            .ends_with("the server did not say when to retry"),
        "{err}"
    );

    let err = show_error(Reply::raw(429, Some("text/plain"), "Too Many Requests")).await;
    assert!(err.is_rate_limited());
    assert_eq!(err.code(), None);
    assert_eq!(
        err.to_string(),
        "rate limited on notes/show (HTTP 429): the server did not say when to retry"
    );
}

#[tokio::test]
async fn html_from_a_proxy() {
    let page = format!(
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<p>nginx</p>".repeat(100)
    );
    let err = show_error(Reply::raw(502, Some("text/html"), page.clone())).await;
    match &err {
        Error::UnexpectedResponse {
            status,
            content_type,
            body,
            reason,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(body.starts_with("<!DOCTYPE html><html><head><title>502 Bad Gateway"));
            assert_eq!(body.chars().count(), 201, "200 chars and an ellipsis");
            assert!(reason.contains("HTML page"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status().unwrap().as_u16(), 502);
    assert_eq!(err.code(), None);
    let text = err.to_string();
    assert!(
        text.starts_with("unexpected response from notes/show: HTTP 502, the body is an HTML page"),
        "{text}"
    );
    assert!(text.len() < 600, "{text}");
    eprintln!("{err}");
}

#[tokio::test]
async fn html_with_status_200() {
    let err = show_error(Reply::raw(
        200,
        Some("text/html; charset=utf-8"),
        "<html>Welcome to nginx!</html>",
    ))
    .await;
    assert!(
        matches!(&err, Error::UnexpectedResponse { reason, .. } if reason.contains("content type is not JSON") && reason.contains("HTML")),
        "{err:?}"
    );
}

#[tokio::test]
async fn empty_error_body() {
    let err = show_error(Reply::empty(500)).await;
    match &err {
        Error::UnexpectedResponse { body, reason, .. } => {
            assert_eq!(body, "");
            assert!(reason.contains("empty"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().ends_with("body starts: (empty)"), "{err}");
}

#[tokio::test]
async fn empty_success_body_for_a_json_endpoint() {
    let err = show_error(Reply::raw(200, Some("application/json"), "")).await;
    assert!(
        matches!(&err, Error::UnexpectedResponse { reason, .. } if reason.contains("body is empty")),
        "{err:?}"
    );
}

#[tokio::test]
async fn framework_error_with_a_string_error() {
    let f = fixture("error-415-framework.json");
    let err = show_error(fixture_reply("error-415-framework.json")).await;
    match &err {
        Error::UnexpectedResponse {
            status,
            reason,
            body,
            ..
        } => {
            assert_eq!(status.as_u16(), 415);
            assert!(reason.contains("Unsupported Media Type"), "{reason}");
            assert!(reason.contains("HTTP framework"), "{reason}");
            assert!(body.contains("FST_ERR_CTP_INVALID_MEDIA_TYPE"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), None, "a framework code is not a Misskey code");
    assert_eq!(f["status"], 415);
    eprintln!("{err}");
}

#[tokio::test]
async fn wrong_content_type_on_success() {
    let err = show_error(Reply::raw(
        200,
        Some("text/plain"),
        r#"{"id": "x", "text": null, "user": {"id": "u", "username": "a", "name": null}}"#,
    ))
    .await;
    match &err {
        Error::UnexpectedResponse {
            content_type,
            reason,
            ..
        } => {
            assert_eq!(content_type.as_deref(), Some("text/plain"));
            assert!(reason.contains("content type is not JSON"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn body_that_is_not_json() {
    let err = show_error(Reply::raw(200, Some("application/json"), "{\"id\": ")).await;
    assert!(
        matches!(&err, Error::UnexpectedResponse { reason, .. } if reason.contains("not valid JSON")),
        "{err:?}"
    );
    let err = show_error(Reply::raw(
        503,
        Some("application/json"),
        "{\"unrelated\": 1}",
    ))
    .await;
    assert!(
        matches!(&err, Error::UnexpectedResponse { reason, .. } if reason.contains("not a Misskey error body")),
        "{err:?}"
    );
}

#[tokio::test]
async fn decode_error_names_the_json_path() {
    let mut body = fixture("notes-create-text.json")["response"].clone();
    body["createdNote"]["user"]["username"] = json!(42);
    let fake = Fake::always(Reply::json(200, &body)).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .request(&NotesCreate {
            text: Some("x".into()),
        })
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            endpoint,
            path,
            source,
            ..
        } => {
            assert_eq!(*endpoint, "notes/create");
            assert_eq!(path, "createdNote.user.username");
            assert!(source.to_string().contains("expected a string"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with(
            "could not decode the response of notes/create at `createdNote.user.username`: \
             invalid type: integer `42`, expected a string"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn timeout_is_reported_as_such() {
    let fake =
        Fake::always(fixture_reply("error-no-such-note.json").delay(Duration::from_secs(30))).await;
    let client = Client::builder(&fake.origin)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.request(&show()).await.unwrap_err();
    // Far below the server's delay, with room for a loaded CI machine.
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(
        err,
        Error::Transport {
            kind: TransportKind::Timeout,
            ..
        }
    ));
    assert!(
        err.to_string().starts_with("timed out calling notes/show"),
        "{err}"
    );
    eprintln!("{err}");
}

#[tokio::test]
async fn connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = Client::new(origin)
        .unwrap()
        .request(&show())
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert!(!err.is_timeout());
    assert!(
        err.to_string()
            .starts_with("could not connect calling notes/show"),
        "{err}"
    );
    eprintln!("{err}");
}

#[tokio::test]
async fn redirect_is_reported_with_where_it_points() {
    let err = show_error(
        Reply::raw(301, Some("text/html"), "<html>Moved</html>")
            .header("location", "https://misskey.example/api/notes/show"),
    )
    .await;
    match &err {
        Error::UnexpectedResponse { status, reason, .. } => {
            assert_eq!(status.as_u16(), 301);
            assert!(
                reason.contains("redirected to `https://misskey.example/api/notes/show`"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_marker_trait_that_contradicts_multipart_is_refused_before_sending() {
    // The generated requests cannot get here: `request` takes only a
    // `JsonEndpoint` and `upload` only a `MultipartEndpoint` (see the
    // compile_fail example on `Client::request`).
    let fake = Fake::always(Reply::json(200, &json!({}))).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client.request(&Confused::default()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "drive/files/create takes a file as multipart/form-data; call it with `Client::upload` instead"
    );
    let err = client
        .upload(
            &ConfusedUpload::default(),
            misskey_client::Upload::from_bytes(&b"x"[..]),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WrongMethod { .. }), "{err:?}");
    assert_eq!(err.endpoint(), Some("meta"));
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn retries_on_rate_limit_when_enabled() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    let fake = Fake::start(move |_| {
        if counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
            Reply::json(429, &rate_limit_body()).header("retry-after", "0")
        } else {
            fixture_reply("notes-create-text.json")
        }
    })
    .await;
    let client = Client::builder(&fake.origin)
        .token(TOKEN)
        .retry_on_rate_limit(RetryPolicy::new(3, Duration::from_secs(1)))
        .build()
        .unwrap();
    let created = client
        .request(&NotesCreate {
            text: Some("x".into()),
        })
        .await
        .unwrap();
    assert_eq!(created.created_note.id, "atw7t079w9j7001f");
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    // Always limited: 1 call + 2 retries, then the error.
    let fake = Fake::always(Reply::json(429, &rate_limit_body())).await;
    let client = Client::builder(&fake.origin)
        .retry_on_rate_limit(
            RetryPolicy::new(2, Duration::from_secs(1)).default_wait(Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let err = client.request(&show()).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(fake.requests().len(), 3);

    // A wait longer than allowed is not waited for.
    let fake =
        Fake::always(Reply::json(429, &rate_limit_body()).header("retry-after", "3600")).await;
    let client = Client::builder(&fake.origin)
        .retry_on_rate_limit(RetryPolicy::new(5, Duration::from_secs(10)))
        .build()
        .unwrap();
    let err = client.request(&show()).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(fake.requests().len(), 1);

    // Off by default.
    let fake = Fake::always(Reply::json(429, &rate_limit_body()).header("retry-after", "0")).await;
    let err = Client::new(&fake.origin)
        .unwrap()
        .request(&show())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn the_token_never_appears_in_logs_or_errors() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = Fake::always(fixture_reply("error-no-such-note.json")).await;
    for placement in [
        misskey_client::TokenPlacement::Body,
        misskey_client::TokenPlacement::BearerHeader,
    ] {
        let client = Client::builder(&fake.origin)
            .token(TOKEN)
            .token_placement(placement)
            .build()
            .unwrap();
        let err = client.request(&show()).await.unwrap_err();
        assert!(!format!("{err} {err:?} {client:?}").contains(TOKEN));
    }
    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("notes/show"), "{logs}");
    assert!(logs.contains("status=400"), "{logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
}

fn httpdate_in(after: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + after)
}

#[tokio::test]
async fn tls_failure_is_told_apart() {
    // Speaking TLS to a plain-HTTP server fails in the handshake.
    let fake = Fake::always(Reply::json(200, &json!({}))).await;
    let origin = fake.origin.replace("http://", "https://");
    let err = Client::new(origin)
        .unwrap()
        .request(&show())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Tls,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("TLS error calling notes/show"),
        "{err}"
    );
    eprintln!("{err}");
}

/// An error-code enum written by hand, as the generator writes one per endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ShowCode {
    NoSuchNote,
    /// Told apart by id, as an endpoint may reuse a code for two causes.
    NoSuchNoteGone,
    Other(String),
}

impl misskey_core::ErrorCode for ShowCode {
    fn from_code(code: &str, id: &str) -> Self {
        match (code, id) {
            ("NO_SUCH_NOTE", "00000000-0000-0000-0000-000000000000") => ShowCode::NoSuchNoteGone,
            ("NO_SUCH_NOTE", _) => ShowCode::NoSuchNote,
            (other, _) => ShowCode::Other(other.to_owned()),
        }
    }
    fn as_str(&self) -> &str {
        match self {
            ShowCode::NoSuchNote | ShowCode::NoSuchNoteGone => "NO_SUCH_NOTE",
            ShowCode::Other(code) => code,
        }
    }
}

#[tokio::test]
async fn error_codes_match_as_typed_enums() {
    use misskey_client::CommonErrorCode;
    let err = show_error(fixture_reply("error-no-such-note.json")).await;
    assert!(err.is(ShowCode::NoSuchNote));
    assert!(!err.is(ShowCode::NoSuchNoteGone));
    assert_eq!(err.code_as::<ShowCode>(), Some(ShowCode::NoSuchNote));
    // The common enum keeps a code it does not know, and the string stays.
    match err.code_as::<CommonErrorCode>() {
        Some(CommonErrorCode::Other(code)) => assert_eq!(code.as_str(), "NO_SUCH_NOTE"),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), Some("NO_SUCH_NOTE"));

    let err = show_error(fixture_reply("error-invalid-param.json")).await;
    assert!(err.is(CommonErrorCode::InvalidParam));
    assert_eq!(
        err.code_as::<ShowCode>(),
        Some(ShowCode::Other("INVALID_PARAM".into()))
    );
    match err.code_as::<CommonErrorCode>() {
        Some(CommonErrorCode::InvalidParam) => {}
        other => panic!("{other:?}"),
    }

    let err = show_error(Reply::json(429, &rate_limit_body())).await;
    assert!(err.is(CommonErrorCode::RateLimitExceeded));

    // No Misskey error body, no code.
    let err = show_error(Reply::raw(
        502,
        Some("text/html"),
        "<html>bad gateway</html>",
    ))
    .await;
    assert!(!err.is(CommonErrorCode::InternalError));
    assert_eq!(err.code_as::<CommonErrorCode>(), None);
}

#[tokio::test]
async fn invalid_param_display_carries_the_servers_info() {
    let err = show_error(fixture_reply("error-invalid-param.json")).await;
    assert_eq!(
        err.to_string(),
        "Misskey API error 400 INVALID_PARAM on notes/show: Invalid param. \
         [param `#/properties/noteId/format`: must match format \"misskey:id\"] \
         (id 3d81ceae-475f-4600-b2a8-2bc116157532)"
    );
}

#[tokio::test]
async fn other_info_is_quoted_and_cut() {
    let body = |info: serde_json::Value| {
        json!({"error": {"message": "Access denied.", "code": "ACCESS_DENIED",
            "id": "fe8d7103-0ea8-4ec3-814d-f8b401dc69e9", "kind": "client", "info": info}})
    };
    let err = show_error(Reply::json(
        400,
        &body(json!({"reason": "You are not the admin."})),
    ))
    .await;
    assert!(
        err.to_string()
            .contains("Access denied. [You are not the admin.] (id"),
        "{err}"
    );
    let err = show_error(Reply::json(400, &body(json!({"e": "x".repeat(1000)})))).await;
    let text = err.to_string();
    assert!(text.contains(r#"[info: {"e":"xxx"#), "{text}");
    assert!(text.contains("…] (id"), "{text}");
    assert!(text.len() < 600, "{}", text.len());
}

#[tokio::test]
async fn permission_denied_names_the_permission_the_endpoint_needs() {
    // What Misskey's API handler answers when the token lacks the endpoint's `kind`.
    let body = json!({"error": {
        "message": "Your app does not have the necessary permissions to use this endpoint.",
        "code": "PERMISSION_DENIED",
        "id": "1370e5b7-d4eb-4566-bb1d-7748ee6a1838",
        "kind": "client"
    }});
    let fake = Fake::always(Reply::json(400, &body)).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .request(&misskey_api::endpoints::notes::create::Request {
            text: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Misskey API error 400 PERMISSION_DENIED on notes/create: Your app does not have the \
         necessary permissions to use this endpoint. [the endpoint needs the permission \
         `write:notes`; log in again asking for it] (id 1370e5b7-d4eb-4566-bb1d-7748ee6a1838)"
    );
    assert!(err.is(misskey_client::CommonErrorCode::PermissionDenied));
    match &err {
        Error::Api { permission, .. } => {
            assert_eq!(permission, &Some(misskey_core::Permission::WriteNotes))
        }
        other => panic!("{other:?}"),
    }
}
