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
        "invalid Misskey origin `http://misskey.example`: plain `http` would send the access token unencrypted; use `https://misskey.example` (plain http is only accepted for loopback development servers: localhost, 127.0.0.0/8, ::1)"
    );
    // The client's rules: no scheme means https, and `/api` is dropped.
    for same in [
        "misskey.example",
        "https://misskey.example/api",
        "misskey.example/api/",
    ] {
        let flow = MiAuth::new(same).unwrap().start().unwrap();
        assert_eq!(flow.origin().as_str(), "https://misskey.example/", "{same}");
        assert_eq!(
            misskey_client::Client::new(same).unwrap().origin(),
            "https://misskey.example"
        );
    }
    assert_eq!(
        origin_error("https://misskey.example/notes"),
        "invalid Misskey origin `https://misskey.example/notes`: it has the path `/notes`; Misskey is served at the root of its host, so pass only the origin, `https://misskey.example`"
    );
    // Hints keep the port.
    assert_eq!(
        origin_error("ftp://127.0.0.1:3000"),
        "invalid Misskey origin `ftp://127.0.0.1:3000`: the scheme `ftp` is not supported; use `http://127.0.0.1:3000` for a local development server, or `https://127.0.0.1:3000` if it serves TLS"
    );
    // One parser: the same inputs fail the same way in the client.
    for bad in [
        "ftp://misskey.example",
        "http://10.0.0.1",
        "https://a.example/x",
        "",
    ] {
        assert!(misskey_client::Client::new(bad).is_err(), "{bad}");
        assert!(MiAuth::new(bad).is_err(), "{bad}");
    }
    assert!(origin_error("ftp://misskey.example").contains("the scheme `ftp` is not supported"));
    assert!(origin_error("https://misskey.example/?x=1").contains("query string"));
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
            Permission::from("write:sharkey-thing")
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
