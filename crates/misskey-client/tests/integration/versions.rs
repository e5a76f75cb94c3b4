//! `ClientBuilder::check_server_version`: endpoints the server's version lacks
//! are refused before sending.

use misskey_client::{Client, Error};
use misskey_core::Endpoint;
use serde::Serialize;
use serde_json::{json, Value};

use crate::fake::{Fake, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";

/// An endpoint added in 2025.4.0.
#[derive(Debug, Clone, Serialize)]
struct ChatHistory {}

impl Endpoint for ChatHistory {
    type Response = Value;
    const PATH: &'static str = "chat/history";
    const SINCE: Option<&'static str> = Some("2025.4.0");
}

impl misskey_core::JsonEndpoint for ChatHistory {}

/// An endpoint removed in 2025.4.0.
#[derive(Debug, Clone, Serialize)]
struct MessagingHistory {}

impl Endpoint for MessagingHistory {
    type Response = Value;
    const PATH: &'static str = "messaging/history";
    const UNTIL: Option<&'static str> = Some("2025.4.0");
}

impl misskey_core::JsonEndpoint for MessagingHistory {}

/// An endpoint that says nothing about versions.
#[derive(Debug, Clone, Serialize)]
struct Plain {}

impl Endpoint for Plain {
    type Response = Value;
    const PATH: &'static str = "i";
}

impl misskey_core::JsonEndpoint for Plain {}

/// A fake that answers `meta` with `version` (or without one) and `[]` otherwise.
async fn server(version: Option<&'static str>) -> Fake {
    Fake::start(move |req| match req.path.as_str() {
        "/api/meta" => Reply::json(
            200,
            &match version {
                Some(v) => json!({"name": "test", "version": v, "uri": "http://x"}),
                None => json!({"name": "test"}),
            },
        ),
        _ => Reply::json(200, &json!([])),
    })
    .await
}

fn checking(fake: &Fake) -> Client {
    Client::builder(&fake.origin)
        .token(TOKEN)
        .check_server_version(true)
        .build()
        .unwrap()
}

fn paths(fake: &Fake) -> Vec<String> {
    fake.requests().into_iter().map(|r| r.path).collect()
}

#[tokio::test]
async fn an_endpoint_newer_than_the_server_is_refused_before_sending() {
    let fake = server(Some("2024.10.1")).await;
    let client = checking(&fake);
    let err = client.request(&ChatHistory {}).await.unwrap_err();
    assert!(matches!(err, Error::UnsupportedByServer { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "chat/history is not available on this server: it runs Misskey 2024.10.1, and the \
         first version that has the endpoint is 2025.4.0; nothing was sent"
    );
    assert_eq!(err.endpoint(), Some("chat/history"));
    // `meta` was asked once, with `detail: false`, and the endpoint never.
    assert_eq!(paths(&fake), ["/api/meta"]);
    assert_eq!(
        fake.requests()[0].json(),
        json!({"detail": false, "i": TOKEN})
    );
    // The version is kept: a second call asks nothing.
    client.request(&ChatHistory {}).await.unwrap_err();
    client.clone().request(&MessagingHistory {}).await.unwrap();
    assert_eq!(paths(&fake), ["/api/meta", "/api/messaging/history"]);
    assert_eq!(client.server_version().await.unwrap(), Some("2024.10.1"));
}

#[tokio::test]
async fn an_endpoint_removed_before_the_server_is_refused() {
    let fake = server(Some("2025.11.0")).await;
    let client = checking(&fake);
    let err = client.request(&MessagingHistory {}).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "messaging/history is not available on this server: it runs Misskey 2025.11.0, and the \
         endpoint was removed in 2025.4.0; nothing was sent"
    );
    client.request(&ChatHistory {}).await.unwrap();
    assert_eq!(paths(&fake), ["/api/meta", "/api/chat/history"]);
}

#[tokio::test]
async fn fork_and_pre_release_versions_compare_by_their_release() {
    // misskey.io's build of 2025.4.1 has what 2025.4.0 added.
    let fake = server(Some("2025.4.1-mhq.13")).await;
    let client = checking(&fake);
    client.request(&ChatHistory {}).await.unwrap();
    assert!(client.request(&MessagingHistory {}).await.is_err());

    // A beta of the release that adds the endpoint may have it: not refused.
    let fake = server(Some("2025.4.0-beta.3")).await;
    let client = checking(&fake);
    client.request(&ChatHistory {}).await.unwrap();
    client.request(&MessagingHistory {}).await.unwrap();

    // An older fork build is refused like the release it is built on.
    let fake = server(Some("2024.10.1-mhq.2")).await;
    assert!(client_err(&fake).await);
}

async fn client_err(fake: &Fake) -> bool {
    matches!(
        checking(fake).request(&ChatHistory {}).await,
        Err(Error::UnsupportedByServer { .. })
    )
}

#[tokio::test]
async fn unknown_or_unnumbered_versions_are_not_refused() {
    for version in [None, Some("unknown"), Some("")] {
        let fake = server(version).await;
        let client = checking(&fake);
        client.request(&ChatHistory {}).await.unwrap();
        assert_eq!(
            paths(&fake),
            ["/api/meta", "/api/chat/history"],
            "{version:?}"
        );
    }
}

#[tokio::test]
async fn without_the_option_or_without_versions_meta_is_never_asked() {
    let fake = server(Some("2024.10.1")).await;
    let unchecked = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    unchecked.request(&ChatHistory {}).await.unwrap();
    let checked = checking(&fake);
    checked.request(&Plain {}).await.unwrap();
    let _: Value = checked.call("chat/history", ()).await.unwrap();
    assert_eq!(
        paths(&fake),
        ["/api/chat/history", "/api/i", "/api/chat/history"]
    );
}

#[tokio::test]
async fn a_failed_meta_is_reported_and_asked_again() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let fake = Fake::start(move |req| match req.path.as_str() {
        "/api/meta" if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => {
            Reply::raw(502, Some("text/html"), "<html>bad gateway</html>")
        }
        "/api/meta" => Reply::json(200, &json!({"version": "2025.11.0"})),
        _ => Reply::json(200, &json!([])),
    })
    .await;
    let client = checking(&fake);
    let err = client.request(&ChatHistory {}).await.unwrap_err();
    assert_eq!(err.endpoint(), Some("meta"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    client.request(&ChatHistory {}).await.unwrap();
    assert_eq!(
        paths(&fake),
        ["/api/meta", "/api/meta", "/api/chat/history"]
    );
}
