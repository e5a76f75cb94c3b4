//! The server origin: one parser for the client and the login flows.

use std::net::Ipv6Addr;

use reqwest::Url;

use crate::Error;

/// Whether plain `http` is accepted for a host that is not the local machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Http {
    /// Only for loopback hosts (`localhost`, `127.0.0.0/8`, `::1`).
    LoopbackOnly,
    /// The same, for [`ClientBuilder`](crate::ClientBuilder), whose error
    /// also names the opt-in.
    LoopbackOnlyUnlessAllowed,
    /// For any host ([`ClientBuilder::allow_insecure_http`](crate::ClientBuilder::allow_insecure_http)).
    Anywhere,
}

/// Checks and normalises the origin of a Misskey server, such as
/// `https://misskey.example`, the way [`Client::builder`](crate::Client::builder)
/// and the login flows of `misskey-auth` do.
///
/// Accepted and fixed silently: surrounding whitespace, a missing scheme
/// (`https://` is assumed, never `http://`), trailing slashes, and an `/api`
/// suffix given by mistake. Plain `http` is accepted only for loopback hosts
/// (`localhost`, `127.0.0.0/8`, `::1`), where development servers run; it
/// would send the token unencrypted anywhere else. Refused with
/// [`Error::InvalidOrigin`], whose message says how to fix it (keeping the
/// port): anything that does not parse as a URL, another scheme, user info,
/// a query, a fragment, or any other path (Misskey is served at the root of
/// its host).
///
/// The result has an empty path, so it prints with one trailing slash
/// (`https://misskey.example/`).
///
/// ```
/// use misskey_client::parse_origin;
/// assert_eq!(parse_origin("misskey.example/").unwrap().as_str(), "https://misskey.example/");
/// assert_eq!(parse_origin("http://127.0.0.1:3000/api").unwrap().as_str(), "http://127.0.0.1:3000/");
/// let err = parse_origin("ftp://127.0.0.1:3000").unwrap_err();
/// assert!(err.to_string().contains("use `http://127.0.0.1:3000`"), "{err}");
/// ```
pub fn parse_origin(input: &str) -> Result<Url, Error> {
    normalize_origin(input, Http::LoopbackOnly)
}

pub(crate) fn normalize_origin(input: &str, http: Http) -> Result<Url, Error> {
    let invalid = |problem: String, fix: String| Error::InvalidOrigin {
        input: input.to_owned(),
        problem,
        fix,
    };
    let example = || "pass the address of the server, such as `https://misskey.example`".to_owned();
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty".into(), example()));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{}", trimmed.trim_start_matches('/'))
    };
    let mut url = Url::parse(&with_scheme)
        .map_err(|e| invalid(format!("it is not a valid URL ({e})"), example()))?;
    let host = match url.host_str() {
        Some(host) if !host.is_empty() => host.to_owned(),
        _ => return Err(invalid("it has no host name".into(), example())),
    };
    let loopback = is_loopback(&host);
    let host_port = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let bare = |scheme: &str| format!("{scheme}://{host_port}");
    match url.scheme() {
        "https" => {}
        "http" if loopback || http == Http::Anywhere => {}
        "http" => {
            return Err(invalid(
                "plain `http` would send the access token unencrypted".into(),
                format!(
                    "use `{}` (plain http is only accepted for loopback development servers: \
                     localhost, 127.0.0.0/8, ::1{})",
                    bare("https"),
                    if http == Http::LoopbackOnlyUnlessAllowed {
                        "; for a server on a trusted private network \
                         use `ClientBuilder::allow_insecure_http`"
                    } else {
                        ""
                    }
                ),
            ))
        }
        other => {
            let fix = if loopback {
                format!(
                    "use `{}` for a local development server, or `{}` if it serves TLS",
                    bare("http"),
                    bare("https")
                )
            } else {
                format!("use `{}`", bare("https"))
            };
            return Err(invalid(
                format!("the scheme `{other}` is not supported"),
                fix,
            ));
        }
    }
    let scheme = url.scheme().to_owned();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it contains a user name or password".into(),
            format!(
                "remove them and pass `{}`; the access token is set separately",
                bare(&scheme)
            ),
        ));
    }
    if url.query().is_some() {
        return Err(invalid(
            "it has a query string (`?...`)".into(),
            format!("pass only the origin, `{}`", bare(&scheme)),
        ));
    }
    if url.fragment().is_some() {
        return Err(invalid(
            "it has a fragment (`#...`)".into(),
            format!("pass only the origin, `{}`", bare(&scheme)),
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
                bare(&scheme)
            ),
        ));
    }
    url.set_path("");
    Ok(url)
}

/// Whether `host` (as `Url::host_str` gives it) is the local machine:
/// `localhost`, `127.0.0.0/8`, `::1` (also as an IPv4-mapped address).
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Ok(v4) = host.parse::<std::net::Ipv4Addr>() {
        return v4.is_loopback();
    }
    let inner = host.trim_start_matches('[').trim_end_matches(']');
    match inner.parse::<Ipv6Addr>() {
        Ok(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        parse_origin(input).unwrap().as_str().to_owned()
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
        assert_eq!(ok("http://127.5.6.7:1/"), "http://127.5.6.7:1/");
        assert_eq!(ok("http://[::1]:3000"), "http://[::1]:3000/");
        assert_eq!(ok("http://LOCALHOST"), "http://localhost/");
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
            "http://misskey.example",
            "http://10.0.0.1",
            "http://128.0.0.1",
            "http://[::2]",
        ] {
            let err = parse_origin(input).unwrap_err();
            assert!(
                matches!(err, Error::InvalidOrigin { .. }),
                "{input:?} gave {err:?}"
            );
        }
        assert!(normalize_origin("http://misskey.lan:3000", Http::Anywhere).is_ok());
    }

    #[test]
    fn messages_say_how_to_fix_and_keep_the_port() {
        let err = parse_origin("ftp://misskey.example").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Misskey origin \"ftp://misskey.example\": the scheme `ftp` is not supported; \
             use `https://misskey.example`"
        );
        let err = parse_origin("ftp://127.0.0.1:3000").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid Misskey origin \"ftp://127.0.0.1:3000\": the scheme `ftp` is not supported; \
             use `http://127.0.0.1:3000` for a local development server, or \
             `https://127.0.0.1:3000` if it serves TLS"
        );
        let err = parse_origin("ws://misskey.example:8443").unwrap_err();
        assert!(
            err.to_string()
                .ends_with("use `https://misskey.example:8443`"),
            "{err}"
        );
        let err = parse_origin("http://misskey.example:3000").unwrap_err();
        assert!(
            err.to_string()
                .contains("use `https://misskey.example:3000`"),
            "{err}"
        );
        let err = parse_origin("https://misskey.example:8443/api/notes/create").unwrap_err();
        assert!(
            err.to_string()
                .contains("pass only the origin, `https://misskey.example:8443`"),
            "{err}"
        );
    }
}
