//! Validation and normalisation of the server origin.

use reqwest::Url;

use crate::Error;

/// Checks and normalises what the user gave as the server origin.
///
/// Accepted and fixed silently: surrounding whitespace, a missing scheme
/// (`https://` is assumed), trailing slashes, and an `/api` suffix given by
/// mistake. Refused with [`Error::InvalidOrigin`]: anything that does not
/// parse as a URL, a scheme other than `http`/`https`, user info, a query, a
/// fragment, or any other path (Misskey is always served at the root of its
/// host).
///
/// The result is the origin without a trailing slash, such as
/// `https://misskey.example` or `http://127.0.0.1:3000`.
pub(crate) fn normalize_origin(input: &str) -> Result<Url, Error> {
    let invalid = |problem: String, fix: String| Error::InvalidOrigin {
        input: input.to_owned(),
        problem,
        fix,
    };
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid(
            "it is empty".into(),
            "pass the address of the server, such as `https://misskey.example`".into(),
        ));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| {
        invalid(
            format!("it is not a valid URL ({e})"),
            "pass the address of the server, such as `https://misskey.example`".into(),
        )
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            let host = url.host_str().unwrap_or("misskey.example");
            return Err(invalid(
                format!("the scheme `{other}` is not supported"),
                format!("use `https://{host}` (or `http://` for a local test server)"),
            ));
        }
    }
    let host = match url.host_str() {
        Some(host) if !host.is_empty() => host.to_owned(),
        _ => {
            return Err(invalid(
                "it has no host name".into(),
                "pass the address of the server, such as `https://misskey.example`".into(),
            ))
        }
    };
    let bare = || {
        let mut u = url.clone();
        u.set_path("");
        u.set_query(None);
        u.set_fragment(None);
        let _ = u.set_username("");
        let _ = u.set_password(None);
        u.as_str().trim_end_matches('/').to_owned()
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it contains a user name or password".into(),
            format!(
                "remove them and pass `{}`; the access token is set with `.token(...)`",
                bare()
            ),
        ));
    }
    if url.query().is_some() {
        return Err(invalid(
            "it has a query string (`?...`)".into(),
            format!("pass only the origin, `{}`", bare()),
        ));
    }
    if url.fragment().is_some() {
        return Err(invalid(
            "it has a fragment (`#...`)".into(),
            format!("pass only the origin, `{}`", bare()),
        ));
    }
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/api").unwrap_or(path);
    if !path.is_empty() {
        let problem = if path.starts_with("/api/") {
            format!(
                "it looks like the URL of an endpoint (path `{}`)",
                url.path()
            )
        } else {
            format!("it has the path `{}`", url.path())
        };
        return Err(invalid(
            problem,
            format!(
                "Misskey is served at the root of its host, so pass only the origin, `{}`",
                bare()
            ),
        ));
    }
    url.set_path("");
    debug_assert!(!host.is_empty());
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        normalize_origin(input).unwrap().as_str().to_owned()
    }

    #[test]
    fn normalises() {
        assert_eq!(ok("https://misskey.example"), "https://misskey.example/");
        assert_eq!(ok("https://misskey.example/"), "https://misskey.example/");
        assert_eq!(
            ok("  https://misskey.example//  "),
            "https://misskey.example/"
        );
        assert_eq!(
            ok("https://misskey.example/api"),
            "https://misskey.example/"
        );
        assert_eq!(
            ok("https://misskey.example/api/"),
            "https://misskey.example/"
        );
        assert_eq!(ok("misskey.example"), "https://misskey.example/");
        assert_eq!(ok("localhost:3000"), "https://localhost:3000/");
        assert_eq!(ok("http://127.0.0.1:3000/api"), "http://127.0.0.1:3000/");
        assert_eq!(ok("HTTPS://Misskey.Example"), "https://misskey.example/");
    }

    #[test]
    fn refuses() {
        for input in [
            "",
            "   ",
            "ftp://misskey.example",
            "https://",
            "https://user:pw@misskey.example",
            "https://misskey.example/?x=1",
            "https://misskey.example/#top",
            "https://misskey.example/notes",
            "https://misskey.example/api/notes/create",
            "https://exa mple.com",
        ] {
            let err = normalize_origin(input).unwrap_err();
            assert!(
                matches!(err, Error::InvalidOrigin { .. }),
                "{input:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn messages_say_how_to_fix() {
        let err = normalize_origin("ftp://misskey.example").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Misskey origin \"ftp://misskey.example\": the scheme `ftp` is not supported; \
             use `https://misskey.example` (or `http://` for a local test server)"
        );
        let err = normalize_origin("https://misskey.example/api/notes/create").unwrap_err();
        assert!(
            err.to_string()
                .contains("pass only the origin, `https://misskey.example`"),
            "{err}"
        );
    }
}
