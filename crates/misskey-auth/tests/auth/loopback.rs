//! The loopback callback, with reqwest playing the browser.

use std::time::Duration;

use misskey_auth::{AuthError, MiAuth, Permission, PollPolicy, WrongCallback};
use url::Url;

use crate::direct_client;
use crate::fake::{miauth_approved, Fake};

fn flow(fake: &Fake) -> MiAuth {
    MiAuth::new(&fake.base)
        .unwrap()
        .name("cli")
        .permissions([Permission::ReadAccount, Permission::WriteNotes])
        .http_client(direct_client())
        .poll_policy(PollPolicy {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(50),
            after_callback: Duration::from_millis(300),
        })
}

/// What the browser does when the server redirects it to the callback.
async fn browser_get(url: &str) -> (u16, String) {
    let response = direct_client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let ct = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    (status, response.text().await.unwrap())
}

fn callback_of(url: &Url) -> Url {
    let callback = url
        .query_pairs()
        .find(|(k, _)| k == "callback")
        .map(|(_, v)| v.into_owned())
        .expect("the authorization URL carries the callback");
    Url::parse(&callback).unwrap()
}

#[tokio::test]
async fn end_to_end() {
    let fake = Fake::start().await;
    fake.push_miauth(200, miauth_approved());
    let login = flow(&fake).with_loopback_callback().await.unwrap();

    let callback = callback_of(login.url());
    assert_eq!(&callback, login.callback_url());
    assert_eq!(callback.scheme(), "http");
    assert_eq!(
        callback.host_str(),
        Some("127.0.0.1"),
        "never anything but loopback"
    );
    assert_eq!(callback.path(), "/callback");
    assert_ne!(callback.port(), Some(0));
    let session = login.session().session_id();

    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));
    // The browser follows Misskey's redirect: callback + `?session=...`.
    let (status, page) = browser_get(&format!("{callback}?session={session}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("You can close this tab"), "{page}");

    let grant = finish.await.unwrap().unwrap();
    assert_eq!(
        grant.token.expose_secret(),
        "TOKEN-PLACEHOLDER-32-CHARACTERS!"
    );
    assert_eq!(grant.user.username(), Some("admin"));
    assert_eq!(fake.received("/api/miauth/").len(), 1);

    // The listener is gone once the login finished.
    assert!(direct_client().get(callback.as_str()).send().await.is_err());
}

#[tokio::test]
async fn wrong_session_gets_an_error_page_and_the_login_keeps_waiting() {
    let fake = Fake::start().await;
    fake.push_miauth(200, miauth_approved());
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));

    let (status, page) = browser_get(&format!(
        "{callback}?session=00000000-0000-4000-8000-000000000000"
    ))
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("This link is for a different login"),
        "{page}"
    );
    let (status, _) = browser_get(callback.as_str()).await; // no session at all
    assert_eq!(status, 400);
    // Other paths (a favicon) are not the callback.
    let (status, _) = browser_get(&format!(
        "http://127.0.0.1:{}/favicon.ico",
        callback.port().unwrap()
    ))
    .await;
    assert_eq!(status, 404);
    assert!(!finish.is_finished());
    assert!(
        fake.received("/api/miauth/").is_empty(),
        "no check for a wrong session"
    );

    let (status, _) = browser_get(&format!("{callback}?session={session}")).await;
    assert_eq!(status, 200);
    let grant = finish.await.unwrap().unwrap();
    assert_eq!(
        grant.token.expose_secret(),
        "TOKEN-PLACEHOLDER-32-CHARACTERS!"
    );
}

#[tokio::test]
async fn wrong_session_can_fail_at_once() {
    let fake = Fake::start().await;
    let login = flow(&fake)
        .on_wrong_callback(WrongCallback::Fail)
        .with_loopback_callback()
        .await
        .unwrap();
    let callback = login.callback_url().clone();
    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));
    let (status, _) = browser_get(&format!("{callback}?session=stale")).await;
    assert_eq!(status, 400);
    let err = finish.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::CallbackMismatch {
                param: "session",
                count: 1,
                timed_out: false
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the loopback callback received 1 request(s) whose `session` did not match this login: a stale browser tab or another program called it; start a new login and use only the newest URL"
    );
}

#[tokio::test]
async fn timeout_without_redirect_and_after_wrong_ones() {
    let fake = Fake::start().await;
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let err = login.finish(Duration::from_millis(200)).await.unwrap_err();
    assert!(matches!(err, AuthError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().starts_with("timed out after 0.2s waiting for the browser to come back from the MiAuth approval page"), "{err}");

    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let finish = tokio::spawn(login.finish(Duration::from_millis(500)));
    browser_get(&format!("{callback}?session=nope")).await;
    let err = finish.await.unwrap().unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::CallbackMismatch {
                count: 1,
                timed_out: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("and the right one never came"),
        "{err}"
    );
}

#[tokio::test]
async fn redirect_without_approval_is_not_approved() {
    let fake = Fake::start().await; // the check always says `{"ok": false}`
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let finish = tokio::spawn(login.finish(Duration::from_millis(200)));
    browser_get(&format!("{callback}?session={session}")).await;
    // Checks go on for `after_callback` (300 ms here) after the redirect.
    let err = tokio::time::timeout(Duration::from_secs(5), finish)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, AuthError::NotApproved { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("the browser came back to the callback, but"),
        "{err}"
    );
}

#[tokio::test]
async fn only_requests_for_the_loopback_host_are_served() {
    let fake = Fake::start().await;
    fake.push_miauth(200, miauth_approved());
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));

    // A DNS-rebinding page would send its own host name.
    let response = direct_client()
        .get(format!("{callback}?session={session}"))
        .header("Host", format!("evil.example:{}", callback.port().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    // And only GET.
    let response = direct_client()
        .post(format!("{callback}?session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert!(!finish.is_finished());

    // `localhost` is the same machine, so that name is accepted.
    let response = direct_client()
        .get(format!("{callback}?session={session}"))
        .header("Host", format!("localhost:{}", callback.port().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(finish.await.unwrap().is_ok());
}

#[tokio::test]
async fn a_fixed_port_that_is_taken_is_a_clear_error() {
    let fake = Fake::start().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = flow(&fake)
        .with_loopback_callback_on(port)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Loopback { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "loopback callback listener on 127.0.0.1: could not bind port {port} (is another program or login using it?): "
        )),
        "{err}"
    );
}

#[tokio::test]
async fn finish_can_be_cancelled() {
    let fake = Fake::start().await;
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let err = login
        .finish_or_cancel(
            Duration::from_secs(30),
            tokio::time::sleep(Duration::from_millis(50)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Cancelled { .. }), "{err:?}");
}

#[tokio::test]
async fn an_unapproved_callback_is_told_so_and_fails_at_once() {
    let fake = Fake::start().await; // the check always says `{"ok": false}`
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let started = std::time::Instant::now();
    // A long timeout: the failure must not wait for it.
    let finish = tokio::spawn(login.finish(Duration::from_secs(120)));
    let (status, page) = browser_get(&format!("{callback}?session={session}")).await;
    assert_eq!(status, 403);
    assert!(page.contains("The login was not approved"), "{page}");
    assert!(!page.contains("You can close this tab"), "{page}");
    let err = tokio::time::timeout(Duration::from_secs(5), finish)
        .await
        .expect("finish fails at once, not at the timeout")
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, AuthError::NotApproved { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        err.to_string().contains("the user denied the login"),
        "{err}"
    );
    // The session was checked before the browser got its page.
    assert!(!fake.received("/api/miauth/").is_empty());
}

#[tokio::test]
async fn an_unapproved_callback_can_keep_waiting_for_the_approval() {
    let fake = Fake::start().await;
    let login = flow(&fake)
        .on_unapproved_callback(WrongCallback::KeepWaiting)
        .with_loopback_callback()
        .await
        .unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let finish = tokio::spawn(login.finish(Duration::from_secs(20)));
    let (status, page) = browser_get(&format!("{callback}?session={session}")).await;
    assert_eq!(status, 403);
    assert!(page.contains("the application is still waiting"), "{page}");
    assert!(!finish.is_finished());
    // The user approves after all; the browser comes back again.
    fake.push_miauth(200, miauth_approved());
    let (status, page) = browser_get(&format!("{callback}?session={session}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("You can close this tab"), "{page}");
    let grant = finish.await.unwrap().unwrap();
    assert_eq!(grant.user.username(), Some("admin"));
}

#[tokio::test]
async fn an_unapproved_callback_that_keeps_waiting_reports_it_at_the_timeout() {
    let fake = Fake::start().await;
    let login = flow(&fake)
        .on_unapproved_callback(WrongCallback::KeepWaiting)
        .with_loopback_callback()
        .await
        .unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let finish = tokio::spawn(login.finish(Duration::from_millis(1500)));
    browser_get(&format!("{callback}?session={session}")).await;
    let err = finish.await.unwrap().unwrap_err();
    assert!(matches!(err, AuthError::NotApproved { .. }), "{err:?}");
}

#[tokio::test]
async fn a_miauth_grant_becomes_a_client_for_the_same_server() {
    let fake = Fake::start().await;
    fake.push_miauth(200, miauth_approved());
    let login = flow(&fake).with_loopback_callback().await.unwrap();
    let callback = login.callback_url().clone();
    let session = login.session().session_id();
    let finish = tokio::spawn(login.finish(Duration::from_secs(10)));
    browser_get(&format!("{callback}?session={session}")).await;
    let grant = finish.await.unwrap().unwrap();
    // Login, then call the API: the token goes from the grant to the client as it is.
    let client = grant.client().unwrap();
    assert_eq!(client.origin(), fake.base);
    let me: serde_json::Value = client.call("i", ()).await.unwrap();
    assert_eq!(me["username"], "admin");
    let sent = fake.received("/api/i");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body.contains("TOKEN-PLACEHOLDER-32-CHARACTERS!"));
    // The same, from the parts.
    let client = misskey_client::Client::builder(&fake.base)
        .token(grant.token)
        .build()
        .unwrap();
    assert!(client.has_token());
}
