//! The server origin → the streaming URL.

use misskey_client::reqwest::Url;

use crate::Error;

/// The streaming URL (`wss://host/streaming`, `ws://` only on loopback) and
/// the origin as shown in messages and logs (`https://host`), from what the
/// user gave: `misskey.example`, `https://misskey.example/`,
/// `wss://misskey.example`, `http://127.0.0.1:3000`.
pub(crate) fn streaming_url(input: &str) -> Result<(Url, String), Error> {
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
    let url = Url::parse(&with_scheme).map_err(|e| {
        invalid(
            format!("it is not a valid URL ({e})"),
            "pass the address of the server, such as `https://misskey.example`".into(),
        )
    })?;
    let host = url.host_str().unwrap_or_default().to_owned();
    if host.is_empty() {
        return Err(invalid(
            "it has no host name".into(),
            "pass the address of the server, such as `https://misskey.example`".into(),
        ));
    }
    let host_port = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let secure = match url.scheme() {
        "https" | "wss" => true,
        "http" | "ws" => false,
        other => {
            return Err(invalid(
                format!("the scheme `{other}` is not supported"),
                format!("use `https://{host_port}` (or `http://` for a local test server)"),
            ))
        }
    };
    if !secure && !is_loopback(&host) {
        return Err(invalid(
            "it is not encrypted (`http`/`ws`) and not on this machine, so the token would cross \
             the network in clear"
                .into(),
            format!("use `https://{host_port}`; plain `http://` is accepted for 127.0.0.1, ::1 and localhost only"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it contains a user name or password".into(),
            "remove them; the access token is set with `.token(...)`".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "it has a query or a fragment".into(),
            format!("pass only the origin, such as `https://{host_port}`"),
        ));
    }
    let path = url.path().trim_end_matches('/');
    let path = path
        .strip_suffix("/streaming")
        .or_else(|| path.strip_suffix("/api"))
        .unwrap_or(path);
    if !path.is_empty() {
        return Err(invalid(
            format!("it has the path `{}`", url.path()),
            format!("Misskey is served at the root of its host, so pass only the origin, `https://{host_port}`"),
        ));
    }
    let (ws_scheme, http_scheme) = if secure {
        ("wss", "https")
    } else {
        ("ws", "http")
    };
    let origin = format!("{http_scheme}://{host_port}");
    let ws = Url::parse(&format!("{ws_scheme}://{host_port}/streaming")).map_err(|e| {
        invalid(
            format!("it is not a valid URL ({e})"),
            "pass the address of the server, such as `https://misskey.example`".into(),
        )
    })?;
    Ok((ws, origin))
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (String, String) {
        let (url, origin) = streaming_url(input).unwrap();
        (url.to_string(), origin)
    }

    #[test]
    fn makes_the_streaming_url() {
        let want = (
            "wss://misskey.example/streaming".to_owned(),
            "https://misskey.example".to_owned(),
        );
        for input in [
            "misskey.example",
            "https://misskey.example",
            "https://misskey.example/",
            " wss://misskey.example/streaming ",
            "https://misskey.example/api",
        ] {
            assert_eq!(ok(input), want, "{input}");
        }
        assert_eq!(
            ok("http://127.0.0.1:3000").0,
            "ws://127.0.0.1:3000/streaming"
        );
        assert_eq!(ok("ws://localhost:3000").1, "http://localhost:3000");
        assert_eq!(ok("http://[::1]:3000").0, "ws://[::1]:3000/streaming");
    }

    #[test]
    fn refuses_clear_text_off_loopback_and_other_mistakes() {
        let err = streaming_url("http://misskey.example:3000")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not encrypted"), "{err}");
        assert!(err.contains("use `https://misskey.example:3000`"), "{err}");
        for input in [
            "",
            "ftp://x.example",
            "https://x.example/notes",
            "https://u:p@x.example",
            "https://x.example/?i=1",
        ] {
            assert!(
                matches!(streaming_url(input), Err(Error::InvalidOrigin { .. })),
                "{input}"
            );
        }
    }
}
