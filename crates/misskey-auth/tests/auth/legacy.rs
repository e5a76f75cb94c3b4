use std::time::Duration;

use misskey_auth::legacy::{api_token, LegacyAuth};
use misskey_auth::{AuthError, AuthUser, CheckStatus, Permission, PollPolicy};

use crate::direct_client;
use crate::fake::{fixture, Fake};

fn fast() -> PollPolicy {
    PollPolicy {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(50),
        after_callback: Duration::from_millis(300),
    }
}

#[test]
fn api_token_matches_independently_computed_values() {
    // printf 'ab' | sha256sum
    assert_eq!(
        api_token("a", "b").expose_secret(),
        "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603"
    );
    // printf 'accesstoken123appsecret456' | sha256sum
    assert_eq!(
        api_token("accesstoken123", "appsecret456").expose_secret(),
        "0a351933e82de9bc790b030d2d3e056ae9fb7e9920c61f6ca24698e273c569a8"
    );
}

/// `sha256_hex("ACCESS" + "APPSECRET")`: printf 'ACCESSAPPSECRET' | sha256sum
const FAKE_API_TOKEN: &str = "ea8a37effae3484158d3af0865590c00dc91a9c9dcf93a7d0a10c28909cc4121";

fn userkey_answer(user: serde_json::Value) -> String {
    serde_json::json!({"accessToken": "ACCESS", "user": user}).to_string()
}

#[tokio::test]
async fn create_app_start_session_wait_for_the_key() {
    let fake = Fake::start().await;
    let app = LegacyAuth::new(&fake.base, "legacy bot")
        .unwrap()
        .description("posts things")
        .permissions([
            Permission::WriteNotes,
            Permission::ReadAccount,
            Permission::WriteNotes,
        ])
        .callback("https://app.example/cb?x=1")
        .http_client(direct_client())
        .poll_policy(fast())
        .create_app()
        .await
        .unwrap();
    assert_eq!(app.id(), Some("app1"));
    assert_eq!(app.expose_secret(), "APPSECRET");
    assert!(!format!("{app:?}").contains("APPSECRET"));

    let sent = fake.received("/api/app/create");
    assert_eq!(sent[0].content_type.as_deref(), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "name": "legacy bot",
            "description": "posts things",
            "permission": ["read:account", "write:notes"],
            "callbackUrl": "https://app.example/cb?x=1",
        })
    );

    let session = app.start().await.unwrap();
    assert_eq!(session.url(), format!("{}/auth/SESSIONTOKEN", fake.base));
    let body: serde_json::Value =
        serde_json::from_str(&fake.received("/api/auth/session/generate")[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"appSecret": "APPSECRET"}));

    // Not approved yet: the server answers 400 PENDING_SESSION.
    assert!(matches!(
        session.check().await.unwrap(),
        CheckStatus::Pending
    ));

    let user = fixture("miauth-check.json")["after_approval"]["response"]["user"].clone();
    fake.script
        .lock()
        .unwrap()
        .userkey
        .push_back((200, userkey_answer(user)));
    let grant = session.wait(Duration::from_secs(10)).await.unwrap();
    assert_eq!(grant.token.expose_secret(), FAKE_API_TOKEN);
    assert_eq!(grant.token, api_token("ACCESS", "APPSECRET"));
    assert_eq!(grant.user.typed().unwrap().username, "admin");
    let body: serde_json::Value =
        serde_json::from_str(&fake.received("/api/auth/session/userkey")[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"appSecret": "APPSECRET", "token": "SESSIONTOKEN"})
    );

    // The server deletes the session after handing out the key; the grant stays.
    fake.script.lock().unwrap().userkey.push_back((
        400,
        r#"{"error":{"message":"No such session.","code":"NO_SUCH_SESSION","id":"5b5a1503-8bc8-4bd0-8054-dc189e8cdcb3"}}"#.into(),
    ));
    let CheckStatus::Approved(again) = session.check().await.unwrap() else {
        panic!("the token was lost")
    };
    assert_eq!(again.token.expose_secret(), FAKE_API_TOKEN);
}

#[tokio::test]
async fn an_undecodable_user_still_gives_the_token() {
    let fake = Fake::start().await;
    let app = LegacyAuth::new(&fake.base, "x")
        .unwrap()
        .http_client(direct_client())
        .existing_app("APPSECRET")
        .unwrap();
    assert_eq!(app.id(), None);
    let session = app.start().await.unwrap();
    fake.script.lock().unwrap().userkey.push_back((
        200,
        userkey_answer(serde_json::json!({"id": "u9", "username": "bob", "host": 7})),
    ));
    let CheckStatus::Approved(grant) = session.check().await.unwrap() else {
        panic!("expected approval")
    };
    assert_eq!(grant.token.expose_secret(), FAKE_API_TOKEN);
    assert!(matches!(grant.user, AuthUser::Raw { .. }));
    assert_eq!(grant.user.display_name(), "@bob");
}

#[tokio::test]
async fn errors_and_timeout() {
    let fake = Fake::start().await;
    let app = LegacyAuth::new(&fake.base, "x")
        .unwrap()
        .http_client(direct_client())
        .poll_policy(fast())
        .existing_app("WRONG")
        .unwrap();
    let err = app.start().await.unwrap_err();
    assert_eq!(err.code(), Some("NO_SUCH_APP"));
    assert_eq!(
        err.to_string(),
        format!(
            "{}/api/auth/session/generate answered HTTP 400: No such app. (NO_SUCH_APP)",
            fake.base
        )
    );

    let app = LegacyAuth::new(&fake.base, "x")
        .unwrap()
        .http_client(direct_client())
        .poll_policy(fast())
        .existing_app("APPSECRET")
        .unwrap();
    let session = app.start().await.unwrap();
    let err = session.wait(Duration::from_millis(200)).await.unwrap_err();
    assert!(matches!(err, AuthError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("timed out after 0.2s waiting for the user to approve the app's session"),
        "{err}"
    );

    let err = LegacyAuth::new(&fake.base, "x")
        .unwrap()
        .callback("data:text/html,hi")
        .create_app()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::InvalidUrl {
                what: "app callback URL",
                ..
            }
        ),
        "{err:?}"
    );
}
