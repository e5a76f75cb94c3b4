use std::time::Duration;

use misskey_auth::{AuthError, AuthUser, CheckStatus, MiAuth, Permission, PollPolicy};
use url::Url;

use crate::direct_client;
use crate::fake::{miauth_approved, Fake};

fn fast() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(50),
        after_callback: Duration::from_millis(300),
    }
}

fn flow(fake: &Fake) -> MiAuth {
    MiAuth::new(&fake.base)
        .unwrap()
        .name("test app")
        .permissions([Permission::ReadAccount])
        .http_client(direct_client())
        .poll_policy(fast())
}

#[test]
fn authorization_url_encodes_every_value() {
    let name = "My Bot ✨ für Tests & co + more";
    let icon = "https://app.example/icon.png?size=64&v=2#x";
    let callback = "https://app.example/cb?from=miauth&next=/a b";
    let session = MiAuth::new("https://misskey.example")
        .unwrap()
        .name(name)
        .icon(icon)
        .callback(callback)
        .permissions([Permission::WriteNotes, Permission::ReadAccount])
        .permissions(["write:notes", "write:custom-fork"])
        .start()
        .unwrap();
    let url = session.url().clone();
    assert_eq!(url.scheme(), "https");
    assert_eq!(url.host_str(), Some("misskey.example"));
    assert_eq!(url.path(), format!("/miauth/{}", session.session_id()));
    assert_eq!(session.session_id().get_version_num(), 4);

    let raw_query = url.query().unwrap();
    assert!(
        !raw_query.contains('+'),
        "spaces must be %20, not +: {raw_query}"
    );
    assert!(!raw_query.contains(' '));
    // Permissions are comma-separated, sorted and deduplicated.
    assert!(
        raw_query.ends_with("&permission=read:account,write:custom-fork,write:notes"),
        "{raw_query}"
    );

    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| {
        let found: Vec<_> = pairs.iter().filter(|(n, _)| n == k).collect();
        assert_eq!(found.len(), 1, "exactly one `{k}` in {pairs:?}");
        found[0].1.clone()
    };
    assert_eq!(get("name"), name);
    assert_eq!(get("icon"), Url::parse(icon).unwrap().as_str());
    assert_eq!(get("callback"), Url::parse(callback).unwrap().as_str());
    assert_eq!(
        get("permission"),
        "read:account,write:custom-fork,write:notes"
    );
    assert_eq!(pairs.len(), 4);
    assert_eq!(
        session.permissions(),
        &[
            Permission::ReadAccount,
            Permission::from("write:custom-fork"),
            Permission::WriteNotes
        ]
    );
}

#[test]
fn every_start_makes_a_new_session() {
    let flow = MiAuth::new("http://localhost:3000").unwrap().name("a");
    let a = flow.clone().start().unwrap();
    let b = flow.start().unwrap();
    assert_ne!(a.session_id(), b.session_id());
    assert_ne!(a.url(), b.url());
    assert_eq!(
        a.url().as_str(),
        format!("http://localhost:3000/miauth/{}?name=a", a.session_id())
    );
}

#[tokio::test]
async fn not_yet_then_approved_and_the_token_is_kept() {
    let fake = Fake::start().await;
    fake.push_miauth(200, r#"{"ok":false}"#);
    fake.push_miauth(200, miauth_approved());
    // What the real server answers to every later check of the session:
    fake.push_miauth(200, r#"{"ok":false}"#);
    let session = flow(&fake).start().unwrap();

    assert!(matches!(
        session.check().await.unwrap(),
        CheckStatus::Pending
    ));
    let CheckStatus::Approved(grant) = session.check().await.unwrap() else {
        panic!("expected approval")
    };
    assert_eq!(
        grant.token.expose_secret(),
        "TOKEN-PLACEHOLDER-32-CHARACTERS!"
    );
    let user = grant
        .user
        .typed()
        .expect("the real fixture decodes into the model");
    assert_eq!(user.username, "admin");
    assert_eq!(user.id.as_str(), "atw7hn1cw9j70001");
    assert_eq!(grant.user.display_name(), "@admin");

    // A later check cannot lose the token, whatever the server says now.
    let CheckStatus::Approved(again) = session.check().await.unwrap() else {
        panic!("the token was lost")
    };
    assert_eq!(again.token, grant.token);
    assert_eq!(
        session.wait(Duration::from_millis(10)).await.unwrap().token,
        grant.token
    );
    assert_eq!(session.clone().grant().unwrap().token, grant.token);

    let checks = fake.received("/api/miauth/");
    assert_eq!(checks.len(), 2, "no request after the token arrived");
    for c in &checks {
        assert_eq!(
            c.path,
            format!("/api/miauth/{}/check", session.session_id())
        );
        assert_eq!(c.content_type.as_deref(), Some("application/json"));
        assert_eq!(c.body, "{}");
    }
}

#[tokio::test]
async fn a_check_answering_ok_false_after_success_keeps_the_first_token() {
    // Two handles on one session check at the same time; the server gives
    // the token to one of them and `{"ok": false}` to the other.
    let fake = Fake::start().await;
    fake.push_miauth(200, miauth_approved());
    fake.push_miauth(200, r#"{"ok":false}"#);
    let session = flow(&fake).start().unwrap();
    let other = session.clone();
    let (a, b) = tokio::join!(session.check(), other.check());
    for status in [a.unwrap(), b.unwrap()] {
        match status {
            CheckStatus::Approved(g) => {
                assert_eq!(g.token.expose_secret(), "TOKEN-PLACEHOLDER-32-CHARACTERS!")
            }
            // Only possible if the `ok: false` answer was read before the token arrived.
            CheckStatus::Pending => {}
        }
    }
    let CheckStatus::Approved(g) = session.check().await.unwrap() else {
        panic!("the token was lost")
    };
    assert_eq!(g.token.expose_secret(), "TOKEN-PLACEHOLDER-32-CHARACTERS!");
}

#[tokio::test]
async fn dropping_a_check_midway_does_not_lose_the_token() {
    let fake = Fake::start().await;
    fake.push_miauth(200, miauth_approved());
    let session = flow(&fake).start().unwrap();
    // Start a check and drop it at once: the request still completes.
    let _ = tokio::time::timeout(Duration::from_micros(1), session.check()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let CheckStatus::Approved(g) = session.check().await.unwrap() else {
        panic!("the token was lost")
    };
    assert_eq!(g.token.expose_secret(), "TOKEN-PLACEHOLDER-32-CHARACTERS!");
    assert_eq!(fake.received("/api/miauth/").len(), 1);
}

#[tokio::test]
async fn an_undecodable_user_still_gives_the_token() {
    let fake = Fake::start().await;
    // A fork's user: fields missing and of other types.
    fake.push_miauth(
        200,
        r#"{"ok":true,"token":"FORK-TOKEN","user":{"id":"u1","username":"alice","name":"Alice","host":7}}"#,
    );
    let session = flow(&fake).start().unwrap();
    let CheckStatus::Approved(grant) = session.check().await.unwrap() else {
        panic!("expected approval")
    };
    assert_eq!(grant.token.expose_secret(), "FORK-TOKEN");
    match &grant.user {
        AuthUser::Raw { json, error } => {
            assert_eq!(json["username"], "alice");
            assert!(!error.is_empty());
        }
        AuthUser::Typed(_) => panic!("should not decode"),
    }
    assert_eq!(grant.user.username(), Some("alice"));
    assert_eq!(grant.user.id(), Some("u1"));
    assert_eq!(grant.user.display_name(), "Alice");

    // No user at all, or a user that is not even an object.
    fake.push_miauth(200, r#"{"ok":true,"token":"T2"}"#);
    let s2 = flow(&fake).start().unwrap();
    let CheckStatus::Approved(g2) = s2.check().await.unwrap() else {
        panic!()
    };
    assert_eq!(g2.token.expose_secret(), "T2");
    assert_eq!(g2.user.display_name(), "(unknown user)");
    fake.push_miauth(200, r#"{"ok":true,"token":"T3","user":[1,2]}"#);
    let s3 = flow(&fake).start().unwrap();
    let CheckStatus::Approved(g3) = s3.check().await.unwrap() else {
        panic!()
    };
    assert_eq!(g3.token.expose_secret(), "T3");
    assert!(g3.user.typed().is_none());
}

#[tokio::test]
async fn wait_polls_until_approved() {
    let fake = Fake::start().await;
    fake.push_miauth(200, r#"{"ok":false}"#);
    fake.push_miauth(200, r#"{"ok":false}"#);
    fake.push_miauth(200, miauth_approved());
    let session = flow(&fake).start().unwrap();
    let grant = session.wait(Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        grant.token.expose_secret(),
        "TOKEN-PLACEHOLDER-32-CHARACTERS!"
    );
    assert_eq!(fake.received("/api/miauth/").len(), 3);
}

#[tokio::test]
async fn wait_retries_server_errors() {
    let fake = Fake::start().await;
    fake.push_miauth(502, "<html>Bad Gateway</html>");
    fake.push_miauth(500, r#"{"error":{"message":"Internal error","code":"INTERNAL_ERROR","id":"x","kind":"server"}}"#);
    fake.push_miauth(200, miauth_approved());
    let session = flow(&fake).start().unwrap();
    let grant = session.wait(Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        grant.token.expose_secret(),
        "TOKEN-PLACEHOLDER-32-CHARACTERS!"
    );
}

#[tokio::test]
async fn wait_times_out_when_never_approved() {
    let fake = Fake::start().await;
    let session = flow(&fake).start().unwrap();
    let started = std::time::Instant::now();
    let err = session.wait(Duration::from_millis(300)).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert!(matches!(err, AuthError::Timeout { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("timed out after 0.3s waiting for the user to approve the MiAuth session"),
        "{text}"
    );
    assert!(fake.received("/api/miauth/").len() >= 3, "it polled");
}

#[tokio::test]
async fn wait_can_be_cancelled() {
    let fake = Fake::start().await;
    let session = flow(&fake).start().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = tx.send(());
    });
    let err = session
        .wait_or_cancel(Duration::from_secs(30), rx)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Cancelled { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cancelled while waiting for the user to approve the MiAuth session"
    );
}

#[tokio::test]
async fn permanent_errors_end_the_wait_with_the_server_message() {
    let fake = Fake::start().await;
    fake.push_miauth(
        404,
        r#"{"error":{"message":"Unknown API endpoint.","code":"UNKNOWN_API_ENDPOINT","id":"2ca3b769-540a-4f08-9dd5-b5a825b6d0f1","kind":"client"}}"#,
    );
    let session = flow(&fake).start().unwrap();
    let err = session.wait(Duration::from_secs(30)).await.unwrap_err();
    assert_eq!(err.code(), Some("UNKNOWN_API_ENDPOINT"));
    assert_eq!(err.status(), Some(404));
    let text = err.to_string();
    assert!(text.contains("/api/miauth/<session>/check answered HTTP 404: Unknown API endpoint. (UNKNOWN_API_ENDPOINT)"), "{text}");
    assert!(
        !text.contains(&session.session_id().to_string()),
        "the session id stays out of messages"
    );

    // A framework error (`error` is a string), like the real 415 fixture.
    let fixture = crate::fake::fixture("error-415-framework.json");
    fake.push_miauth(415, fixture["response"].to_string());
    let err = flow(&fake).start().unwrap().check().await.unwrap_err();
    assert!(
        err.to_string().ends_with(
            "answered HTTP 415: Unsupported Media Type: application/x-www-form-urlencoded"
        ),
        "{err}"
    );
    assert_eq!(err.code(), None);

    // Something that is not Misskey at all.
    fake.push_miauth(200, "<!DOCTYPE html><html>hello</html>");
    let err = flow(&fake).start().unwrap().check().await.unwrap_err();
    assert!(
        matches!(err, AuthError::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("expected JSON"), "{err}");

    // A token-bearing answer that is broken is not quoted.
    fake.push_miauth(200, r#"{"ok":true,"token":12345678}"#);
    let err = flow(&fake).start().unwrap().check().await.unwrap_err();
    assert!(!err.to_string().contains("12345678"), "{err}");
}

#[tokio::test]
async fn unreachable_server_is_a_clear_error() {
    // Bind and drop a port so nothing listens on it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let session = MiAuth::new(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .http_client(direct_client())
        .start()
        .unwrap();
    let err = session.check().await.unwrap_err();
    assert!(err.is_transient());
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "could not reach http://127.0.0.1:{port}/api/miauth/<session>/check: "
        )),
        "{text}"
    );
    assert!(
        text.ends_with("check the origin and your network connection"),
        "{text}"
    );
}
