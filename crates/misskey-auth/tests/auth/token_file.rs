use misskey_auth::{AccessToken, AuthError, TokenFile};

#[test]
fn save_and_load_round_trip_with_private_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.txt");
    let token = AccessToken::new("s3cret-token");
    token.save_to_file(&path).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "s3cret-token\n");
    assert_eq!(AccessToken::load_from_file(&path).unwrap(), token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // An existing, too open file is replaced by a private one.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        AccessToken::new("second").save_to_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            AccessToken::load_from_file(&path).unwrap().expose_secret(),
            "second"
        );
    }
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.txt");
    let err = AccessToken::load_from_file(&missing).unwrap_err();
    assert!(matches!(err, AuthError::TokenFile { action: "load", .. }));
    assert_eq!(
        err.to_string(),
        format!("could not load token file `{}`: the file does not exist; log in first and save the token with `AccessToken::save_to_file`", missing.display())
    );

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    assert!(AccessToken::load_from_file(&empty)
        .unwrap_err()
        .to_string()
        .ends_with("the file is empty; log in again and save the new token"));

    let two = dir.path().join("two.txt");
    std::fs::write(&two, "secret-one\nsecret-two\n").unwrap();
    let err = AccessToken::load_from_file(&two).unwrap_err().to_string();
    assert!(err.contains("not a token file"), "{err}");
    assert!(!err.contains("secret-one"), "the content is never quoted");

    let no_dir = dir.path().join("missing-dir").join("token.txt");
    let err = AccessToken::new("x").save_to_file(&no_dir).unwrap_err();
    assert!(
        err.to_string().contains("does not exist; create it first"),
        "{err}"
    );
    let err = AccessToken::new("x").save_to_file(dir.path()).unwrap_err();
    assert!(err.to_string().contains("it is a directory"), "{err}");
}

#[test]
fn the_token_never_prints() {
    let token = AccessToken::new("s3cret-token");
    assert_eq!(format!("{token}"), "<redacted>");
    assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Config {
        token: AccessToken,
    }
    assert!(!format!(
        "{:?}",
        Config {
            token: token.clone()
        }
    )
    .contains("s3cret"));
    assert_eq!(token.expose_secret(), "s3cret-token");
}
