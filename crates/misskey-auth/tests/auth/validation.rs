use misskey_auth::{AuthError, MiAuth, Permission};

fn origin_error(input: &str) -> String {
    let err = MiAuth::new(input).unwrap_err();
    assert!(
        matches!(err, AuthError::InvalidOrigin { .. }),
        "{input}: {err:?}"
    );
    err.to_string()
}

#[test]
fn origins() {
    for ok in [
        "https://misskey.example",
        "https://misskey.example/",
        "https://misskey.example:8443",
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "http://127.1.2.3",
        "http://[::1]:3000/",
    ] {
        assert!(MiAuth::new(ok).is_ok(), "{ok}");
    }
    assert_eq!(
        origin_error("http://misskey.example"),
        "invalid Misskey origin `http://misskey.example`: plain `http` would send the login and the token unencrypted; use `https://misskey.example` (http is only allowed for loopback development servers: localhost, 127.0.0.0/8, ::1)"
    );
    assert_eq!(
        origin_error("misskey.example"),
        "invalid Misskey origin `misskey.example`: it has no scheme; did you mean `https://misskey.example`?"
    );
    assert_eq!(
        origin_error("https://misskey.example/api"),
        "invalid Misskey origin `https://misskey.example/api`: it has a path (`/api`); pass only the server's base URL, such as `https://misskey.example`"
    );
    assert!(origin_error("ftp://misskey.example").contains("the scheme must be `https`, not `ftp`"));
    assert!(origin_error("https://misskey.example/?x=1").contains("query or fragment"));
    assert!(origin_error("https://me:pw@misskey.example").contains("user name or password"));
    assert!(origin_error("").contains("it is empty"));
    assert!(origin_error("http://10.0.0.1").contains("plain `http`"));
    assert!(origin_error("http://[::2]").contains("plain `http`"));
}

fn start_error(flow: MiAuth) -> AuthError {
    flow.start().unwrap_err()
}

#[test]
fn callbacks_and_icons() {
    let base = MiAuth::new("https://misskey.example").unwrap();
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
    ] {
        let err = start_error(base.clone().callback(bad));
        assert!(
            matches!(
                err,
                AuthError::InvalidUrl {
                    what: "MiAuth callback URL",
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
        assert!(err.to_string().contains("cannot be a callback"), "{err}");
    }
    assert_eq!(
        start_error(base.clone().callback("javascript:alert(1)")).to_string(),
        "invalid MiAuth callback URL `javascript:alert(1)`: `javascript:` URLs run code or read local data in the browser, so they cannot be a callback; use an `https` URL, a loopback `http://127.0.0.1:PORT/...` URL or your app's own scheme"
    );
    assert!(start_error(base.clone().callback("/relative"))
        .to_string()
        .contains("not an absolute URL"));
    for ok in [
        "https://app.example/cb?x=1",
        "myapp://login-done",
        "http://127.0.0.1:8000/cb",
    ] {
        assert!(base.clone().callback(ok).start().is_ok(), "{ok}");
    }
    let err = start_error(base.clone().icon("javascript:x"));
    assert_eq!(
        err.to_string(),
        "invalid MiAuth icon URL `javascript:x`: the icon must be an `https` image URL, not `javascript:`"
    );
}

#[test]
fn permissions() {
    let base = MiAuth::new("https://misskey.example").unwrap();
    // Unknown permissions are kept, not dropped.
    let s = base
        .clone()
        .permissions([
            "read:account",
            "write:sharkey-thing",
            "read:admin:system-webhook",
        ])
        .start()
        .unwrap();
    assert_eq!(
        s.permissions(),
        &[
            Permission::ReadAccount,
            Permission::ReadAdminSystemWebhook,
            Permission::Other("write:sharkey-thing".into())
        ]
    );
    let err = start_error(base.clone().permission("read:account,write:notes"));
    assert_eq!(
        err.to_string(),
        "invalid permission `read:account,write:notes`: it contains a comma or whitespace; pass each permission separately, such as `read:account` and `write:notes`"
    );
    assert!(start_error(base.permission(""))
        .to_string()
        .contains("it is empty"));
}
