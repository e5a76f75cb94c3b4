//! One example of every error, as a user sees it. Run with `--nocapture`
//! to read them all.

use std::time::Duration;

use misskey_auth::{AuthError, MiAuth, TokenFile};

use crate::direct_client;

#[tokio::test]
async fn every_error_variant_reads_clearly() {
    let refused_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let http = MiAuth::new(format!("http://127.0.0.1:{refused_port}"))
        .unwrap()
        .http_client(direct_client())
        .start()
        .unwrap()
        .check()
        .await
        .unwrap_err();

    let errors: Vec<AuthError> = vec![
        MiAuth::new("http://misskey.example").unwrap_err(),
        MiAuth::new("https://misskey.example").unwrap().callback("javascript:alert(1)").start().unwrap_err(),
        MiAuth::new("https://misskey.example").unwrap().permission("read:account write:notes").start().unwrap_err(),
        http,
        AuthError::Api {
            url: "https://misskey.example/api/auth/session/generate".into(),
            status: 400,
            error: None,
            detail: "No such app. (NO_SUCH_APP)".into(),
        },
        AuthError::UnexpectedResponse {
            url: "https://misskey.example/api/miauth/<session>/check".into(),
            status: 200,
            reason: "there is no boolean `ok` field; is this the origin of a Misskey server (12.27 or later)?".into(),
        },
        AuthError::Timeout {
            what: "the user to approve the MiAuth session",
            waited: Duration::from_secs(300),
            hint: "they did not approve it in time, or denied it (Misskey does not tell apps about a denial); start a new login for a new URL".into(),
            last_error: None,
        },
        AuthError::Cancelled { what: "the user to approve the MiAuth session" },
        AuthError::NotApproved {
            url: "https://misskey.example/api/miauth/<session>/check".into(),
            waited: Duration::from_secs(10),
            hint: "another program may have checked this session first and taken the token, or the redirect did not come from the server; start a new login".into(),
        },
        AuthError::CallbackMismatch { param: "session", count: 2, timed_out: true },
        AuthError::InvalidRedirect {
            callback: "http://127.0.0.1:53682/callback".into(),
            reason: "it names the issuer `https://evil.example`, but this login is with `https://misskey.example`; another server answered (a mix-up attack or a misconfigured server)".into(),
        },
        AuthError::Loopback {
            action: "bind port 53682 (is another program or login using it?)".into(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        },
        AuthError::OAuthDenied { error: "access_denied".into(), description: Some("The user denied the request".into()) },
        AuthError::Discovery {
            url: "https://misskey.example/.well-known/oauth-authorization-server".into(),
            reason: "the server does not publish OAuth 2 metadata (404): OAuth needs Misskey 2023.9 or later; use MiAuth instead".into(),
        },
        AuthError::TokenExchange {
            url: "https://misskey.example/oauth/token".into(),
            reason: "the server refused the code: invalid_grant; the code expired or was already used, or the redirect URI or PKCE verifier does not match the authorization request: start a new login".into(),
        },
        <misskey_auth::AccessToken as TokenFile>::load_from_file("/nonexistent/token.txt").unwrap_err(),
    ];
    for e in &errors {
        let text = e.to_string();
        println!("{text}");
        assert!(!text.is_empty() && !text.contains('\n'));
    }
}
