use std::time::Duration;

use base64::Engine;
use misskey_auth::oauth::{OAuth, ServerMetadata};
use misskey_auth::{AuthError, AuthUser, Permission};
use sha2::Digest;
use url::Url;

use crate::direct_client;
use crate::fake::{Fake, OAUTH_METADATA};

fn query(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn param(url: &Url, name: &str) -> String {
    let all: Vec<_> = query(url).into_iter().filter(|(k, _)| k == name).collect();
    assert_eq!(all.len(), 1, "exactly one `{name}` in {url}");
    all[0].1.clone()
}

/// The S256 challenge, computed independently of the oauth2 crate.
fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

#[test]
fn the_real_metadata_document_reads() {
    let json = std::fs::read(OAUTH_METADATA).unwrap();
    let meta = ServerMetadata::from_json("http://127.0.0.1:3000", &json).unwrap();
    assert_eq!(meta.issuer, "http://127.0.0.1:3000");
    assert_eq!(
        meta.authorization_endpoint.as_str(),
        "http://127.0.0.1:3000/oauth/authorize"
    );
    assert_eq!(
        meta.token_endpoint.as_str(),
        "http://127.0.0.1:3000/oauth/token"
    );
    assert_eq!(meta.scopes_supported.len(), 83);
    assert!(meta.scopes_supported.contains(&Permission::WriteNotes));
    assert_eq!(meta.code_challenge_methods_supported, ["S256"]);
    assert!(meta.authorization_response_iss_parameter_supported);

    // The same document fetched through another origin is refused.
    let err = ServerMetadata::from_json("https://misskey.example", &json).unwrap_err();
    assert!(matches!(err, AuthError::Discovery { .. }), "{err:?}");
    assert!(err.to_string().contains("the issuer `http://127.0.0.1:3000` is not the server you asked (https://misskey.example)"), "{err}");
}

#[tokio::test]
async fn discovery() {
    let fake = Fake::start().await;
    let meta = ServerMetadata::discover_with(&direct_client(), &fake.base)
        .await
        .unwrap();
    assert_eq!(meta.issuer, fake.base);
    assert_eq!(
        meta.token_endpoint.as_str(),
        format!("{}/oauth/token", fake.base)
    );

    // An older server has no metadata.
    fake.script
        .lock()
        .unwrap()
        .metadata
        .push_back((404, "<html>not found</html>".into()));
    let err = ServerMetadata::discover_with(&direct_client(), &fake.base)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("OAuth discovery at {}/.well-known/oauth-authorization-server failed: the server does not publish OAuth 2 metadata (404): OAuth needs Misskey 2023.9 or later; use MiAuth instead", fake.base)
    );

    // PKCE without S256.
    let doc = std::fs::read_to_string(OAUTH_METADATA)
        .unwrap()
        .replace("http://127.0.0.1:3000", &fake.base)
        .replace("\"S256\"", "\"plain\"");
    fake.script.lock().unwrap().metadata.push_back((200, doc));
    let err = ServerMetadata::discover_with(&direct_client(), &fake.base)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("does not accept PKCE with S256"),
        "{err}"
    );
}

async fn setup(fake: &Fake) -> OAuth {
    let meta = ServerMetadata::discover_with(&direct_client(), &fake.base)
        .await
        .unwrap();
    OAuth::new(meta, "https://app.example/")
        .unwrap()
        .permissions([
            Permission::WriteNotes,
            Permission::ReadAccount,
            Permission::WriteNotes,
        ])
        .permission("write:custom-fork")
        .http_client(direct_client())
}

#[tokio::test]
async fn authorization_url_with_pkce_s256_and_state() {
    let fake = Fake::start().await;
    let auth = setup(&fake)
        .await
        .redirect_uri("https://app.example/callback?x=1")
        .start()
        .unwrap();
    let url = auth.url();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        format!("{}/oauth/authorize", fake.base)
    );
    assert_eq!(param(url, "response_type"), "code");
    assert_eq!(param(url, "client_id"), "https://app.example/");
    assert_eq!(
        param(url, "redirect_uri"),
        "https://app.example/callback?x=1"
    );
    assert_eq!(
        param(url, "scope"),
        "read:account write:custom-fork write:notes"
    );
    assert_eq!(param(url, "code_challenge_method"), "S256");
    assert_eq!(param(url, "state"), auth.state());
    assert!(auth.state().len() >= 16);

    let verifier = auth.pkce_verifier();
    assert!((43..=128).contains(&verifier.len()), "RFC 7636 length");
    assert!(verifier
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
    assert_eq!(param(url, "code_challenge"), s256(verifier));
    assert!(
        !url.as_str().contains(verifier),
        "the verifier never goes in the URL"
    );

    // A fresh state and verifier each time.
    let again = setup(&fake)
        .await
        .redirect_uri("https://app.example/cb")
        .start()
        .unwrap();
    assert_ne!(again.state(), auth.state());
    assert_ne!(again.pkce_verifier(), auth.pkce_verifier());
    assert!(!format!("{auth:?}").contains(auth.pkce_verifier()));
}

#[test]
fn known_pkce_vector() {
    // RFC 7636 appendix B.
    assert_eq!(
        s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[tokio::test]
async fn code_exchange_at_the_token_endpoint() {
    let fake = Fake::start().await;
    let auth = setup(&fake)
        .await
        .redirect_uri("https://app.example/cb")
        .start()
        .unwrap();
    {
        let mut s = fake.script.lock().unwrap();
        s.pkce_challenge = Some(param(auth.url(), "code_challenge"));
        s.oauth_code = Some("CODE123".into());
        s.oauth_scope = Some("read:account write:notes".into());
    }
    let grant = auth.exchange("CODE123").await.unwrap();
    assert_eq!(grant.token.expose_secret(), "OAUTH-TOKEN");
    assert_eq!(
        grant.permissions,
        [Permission::ReadAccount, Permission::WriteNotes]
    );
    // Like a MiAuth grant, it carries the user, fetched with the new token.
    assert_eq!(grant.user.username(), Some("admin"));
    assert!(grant.user.typed().is_some(), "{:?}", grant.user);
    let asked = fake.received("/api/i");
    assert_eq!(asked.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&asked[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"i": "OAUTH-TOKEN"}));
    assert_eq!(grant.origin, fake.base);

    let sent = fake.received("/oauth/token");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(sent[0].body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("authorization_code"));
    assert_eq!(get("code"), Some("CODE123"));
    assert_eq!(get("client_id"), Some("https://app.example/"));
    assert_eq!(get("redirect_uri"), Some("https://app.example/cb"));
    assert_eq!(get("code_verifier"), Some(auth.pkce_verifier()));

    // A code the server does not accept.
    let err = auth.exchange("WRONG").await.unwrap_err();
    assert!(matches!(err, AuthError::TokenExchange { .. }), "{err:?}");
    assert!(
        err.to_string().contains("the server refused the code: invalid_grant (unknown code); the code expired or was already used"),
        "{err}"
    );
}

#[tokio::test]
async fn a_user_that_cannot_be_fetched_does_not_lose_the_token() {
    let fake = Fake::start().await;
    let auth = setup(&fake)
        .await
        .redirect_uri("https://app.example/cb")
        .start()
        .unwrap();
    {
        let mut s = fake.script.lock().unwrap();
        s.pkce_challenge = Some(param(auth.url(), "code_challenge"));
        s.oauth_code = Some("C".into());
        s.i.push_back((
            400,
            serde_json::json!({"error": {
                "message": "Your app does not have the necessary permissions to use this endpoint.",
                "code": "PERMISSION_DENIED", "id": "1370e5b7-d4eb-4566-bb1d-7748ee6a1838", "kind": "client"}})
            .to_string(),
        ));
    }
    let grant = auth.exchange("C").await.unwrap();
    assert_eq!(grant.token.expose_secret(), "OAUTH-TOKEN");
    match &grant.user {
        AuthUser::Raw { json, error } => {
            assert!(json.is_null());
            assert!(
                error.starts_with("could not fetch the user with the new token: Misskey API error 400 PERMISSION_DENIED on i:"),
                "{error}"
            );
            assert!(!error.contains("OAUTH-TOKEN"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_oauth_grant_becomes_a_client_for_the_same_server() {
    let fake = Fake::start().await;
    let auth = setup(&fake)
        .await
        .redirect_uri("https://app.example/cb")
        .start()
        .unwrap();
    {
        let mut s = fake.script.lock().unwrap();
        s.pkce_challenge = Some(param(auth.url(), "code_challenge"));
        s.oauth_code = Some("C".into());
    }
    let grant = auth.exchange("C").await.unwrap();
    let client = grant.client_builder().bearer_auth().build().unwrap();
    assert_eq!(client.origin(), fake.base);
    let me: serde_json::Value = client.call("i", ()).await.unwrap();
    assert_eq!(me["username"], "admin");
}

#[tokio::test]
async fn a_loopback_timeout_names_the_redirect_uri_mismatch() {
    let fake = Fake::start().await;
    let login = setup(&fake).await.with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let err = login.finish(Duration::from_millis(100)).await.unwrap_err();
    assert!(matches!(err, AuthError::Timeout { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "the likely cause is that the redirect URI `{callback}` is not listed on the client id page `https://app.example/`"
        )),
        "{text}"
    );
    assert!(text.contains("<link rel=\"redirect_uri\""), "{text}");
}

#[tokio::test]
async fn a_verifier_that_does_not_match_is_refused() {
    let fake = Fake::start().await;
    let auth = setup(&fake)
        .await
        .redirect_uri("https://app.example/cb")
        .start()
        .unwrap();
    let other = setup(&fake)
        .await
        .redirect_uri("https://app.example/cb")
        .start()
        .unwrap();
    {
        let mut s = fake.script.lock().unwrap();
        // The server saw `other`'s challenge, but `auth` sends its own verifier.
        s.pkce_challenge = Some(param(other.url(), "code_challenge"));
        s.oauth_code = Some("C".into());
    }
    let err = auth.exchange("C").await.unwrap_err();
    assert!(
        err.to_string().contains("PKCE verification failed"),
        "{err}"
    );
    assert!(other.exchange("C").await.is_ok());
}

#[tokio::test]
async fn loopback_redirect_end_to_end() {
    let fake = Fake::start().await;
    let login = setup(&fake).await.with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    assert_eq!(param(login.url(), "redirect_uri"), callback.as_str());
    assert_eq!(callback.host_str(), Some("127.0.0.1"));
    let state = login.authorization().state().to_owned();
    {
        let mut s = fake.script.lock().unwrap();
        s.pkce_challenge = Some(param(login.url(), "code_challenge"));
        s.oauth_code = Some("LOOPCODE".into());
    }
    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));

    let browser = direct_client();
    // A redirect for another login: error page, keeps waiting.
    let r = browser
        .get(format!(
            "{callback}?code=LOOPCODE&state=other&iss={}",
            fake.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(!finish.is_finished());
    // The real one.
    let mut redirect = callback.clone();
    redirect
        .query_pairs_mut()
        .append_pair("code", "LOOPCODE")
        .append_pair("state", &state)
        .append_pair("iss", &fake.base);
    let r = browser.get(redirect.as_str()).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("You can close this tab"));
    let grant = finish.await.unwrap().unwrap();
    assert_eq!(grant.token.expose_secret(), "OAUTH-TOKEN");
    // The server did not report scopes: those asked for.
    assert_eq!(grant.permissions.len(), 3);
}

#[tokio::test]
async fn loopback_refusal_and_wrong_issuer() {
    let fake = Fake::start().await;
    let login = setup(&fake).await.with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let state = login.authorization().state().to_owned();
    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));
    let r = direct_client()
        .get(format!(
            "{callback}?error=access_denied&error_description=The+user+said+no&state={state}&iss={}",
            fake.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("The login did not succeed"));
    let err = finish.await.unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the authorization was refused: access_denied (The user said no); if that was a mistake, start a new login"
    );

    // The redirect names another issuer (RFC 9207 mix-up defence).
    let auth = setup(&fake)
        .await
        .redirect_uri("myapp://done")
        .start()
        .unwrap();
    let err = auth
        .finish_with_redirect(&format!(
            "myapp://done?code=X&state={}&iss=https://evil.example",
            auth.state()
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidRedirect { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("it names the issuer `https://evil.example`"),
        "{err}"
    );
    // No `iss` although the server promises one.
    let err = auth
        .finish_with_redirect(&format!("myapp://done?code=X&state={}", auth.state()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has no `iss`"), "{err}");
    // Wrong state.
    let err = auth
        .finish_with_redirect(&format!("myapp://done?code=X&state=nope&iss={}", fake.base))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::CallbackMismatch { param: "state", .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn finish_with_redirect_exchanges_the_code() {
    let fake = Fake::start().await;
    let auth = setup(&fake)
        .await
        .redirect_uri("myapp://done")
        .start()
        .unwrap();
    {
        let mut s = fake.script.lock().unwrap();
        s.pkce_challenge = Some(param(auth.url(), "code_challenge"));
        s.oauth_code = Some("APPCODE".into());
    }
    let grant = auth
        .finish_with_redirect(&format!(
            "myapp://done?code=APPCODE&state={}&iss={}",
            auth.state(),
            fake.base
        ))
        .await
        .unwrap();
    assert_eq!(grant.token.expose_secret(), "OAUTH-TOKEN");
}

#[test]
fn client_id_and_redirect_validation() {
    let json = std::fs::read(OAUTH_METADATA).unwrap();
    let meta = ServerMetadata::from_json("http://127.0.0.1:3000", &json).unwrap();
    for bad in [
        "http://app.example/",
        "https://app.example/#x",
        "https://u:p@app.example/",
        "app.example",
        "https://app.example/a/../b",
    ] {
        let err = OAuth::new(meta.clone(), bad).unwrap_err();
        assert!(
            matches!(
                err,
                AuthError::InvalidUrl {
                    what: "OAuth client id",
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
    let err = OAuth::new(meta.clone(), "https://app.example/")
        .unwrap()
        .redirect_uri("javascript:alert(1)")
        .start()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid OAuth redirect URI `javascript:alert(1)`"),
        "{err}"
    );
    let err = OAuth::new(meta, "https://app.example/")
        .unwrap()
        .start()
        .unwrap_err();
    assert!(err.to_string().contains("none was set"), "{err}");
}
