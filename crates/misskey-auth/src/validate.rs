//! Checks on the URLs and strings a caller passes in.

use std::net::{Ipv4Addr, Ipv6Addr};

use misskey_core::Permission;
use url::{Host, Url};

use crate::AuthError;

/// Whether `host` is a loopback host: `localhost`, `127.0.0.0/8` or `::1`.
pub(crate) fn is_loopback_host(host: Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback() || is_v4_mapped_loopback(ip),
    }
}

fn is_v4_mapped_loopback(ip: Ipv6Addr) -> bool {
    match ip.to_ipv4_mapped() {
        Some(v4) => v4.is_loopback(),
        None => false,
    }
}

/// The loopback address the callback listener binds to.
pub(crate) const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// Parses and checks a server origin such as `https://misskey.example`,
/// with the client's rules ([`misskey_client::parse_origin`]): a missing
/// scheme means `https`, an `/api` suffix is dropped, plain `http` only for
/// loopback hosts, no path, query, fragment or credentials. The result
/// always ends with `/`.
pub(crate) fn parse_origin(input: &str) -> Result<Url, AuthError> {
    match misskey_client::parse_origin(input) {
        Ok(url) => Ok(url),
        Err(misskey_client::Error::InvalidOrigin { problem, fix, .. }) => {
            Err(AuthError::InvalidOrigin {
                input: input.to_owned(),
                reason: format!("{problem}; {fix}"),
            })
        }
        Err(other) => Err(AuthError::InvalidOrigin {
            input: input.to_owned(),
            reason: other.to_string(),
        }),
    }
}

/// `https://host[:port]` without the trailing slash, for building URLs and messages.
pub(crate) fn origin_str(origin: &Url) -> String {
    origin.as_str().trim_end_matches('/').to_owned()
}

/// Schemes a browser would execute or read locally instead of navigating to.
const DANGEROUS_SCHEMES: &[&str] = &["javascript", "data", "file", "vbscript", "blob"];

/// Parses and checks a callback / redirect URL that the server will send the
/// browser to. Custom schemes (`myapp://done`) are allowed for native apps;
/// schemes that run code or read local files are not.
pub(crate) fn parse_callback(what: &'static str, input: &str) -> Result<Url, AuthError> {
    let fail = |reason: String| AuthError::InvalidUrl {
        what,
        input: input.to_owned(),
        reason,
    };
    let url = Url::parse(input.trim()).map_err(|e| {
        fail(format!(
            "it is not an absolute URL ({e}); pass something like `https://app.example/callback` or `http://127.0.0.1:PORT/callback`"
        ))
    })?;
    let scheme = url.scheme();
    if DANGEROUS_SCHEMES.contains(&scheme) {
        return Err(fail(format!(
            "`{scheme}:` URLs run code or read local data in the browser, so they cannot be a callback; \
             use an `https` URL, a loopback `http://127.0.0.1:PORT/...` URL or your app's own scheme"
        )));
    }
    if (scheme == "http" || scheme == "https") && url.host().is_none() {
        return Err(fail("it has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail(
            "it contains a user name or password; remove them".into(),
        ));
    }
    Ok(url)
}

/// Parses and checks an app icon URL: an absolute `http(s)` URL.
pub(crate) fn parse_icon(input: &str) -> Result<Url, AuthError> {
    let fail = |reason: String| AuthError::InvalidUrl {
        what: "MiAuth icon URL",
        input: input.to_owned(),
        reason,
    };
    let url = Url::parse(input.trim()).map_err(|e| {
        fail(format!(
            "it is not an absolute URL ({e}); pass something like `https://app.example/icon.png`"
        ))
    })?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(fail(format!(
            "the icon must be an `https` image URL, not `{}:`",
            url.scheme()
        )));
    }
    if url.host().is_none() {
        return Err(fail("it has no host".into()));
    }
    Ok(url)
}

/// Checks an OAuth `client_id`, which for Misskey is the app's web page URL
/// (IndieAuth style): `https` (or loopback `http`), no fragment, no
/// credentials, no `.`/`..` path segments.
pub(crate) fn parse_client_id(input: &str) -> Result<Url, AuthError> {
    let fail = |reason: String| AuthError::InvalidUrl {
        what: "OAuth client id",
        input: input.to_owned(),
        reason,
    };
    let url = Url::parse(input.trim()).map_err(|e| {
        fail(format!(
            "it is not an absolute URL ({e}); Misskey's client id is your app's web page, such as `https://app.example/`"
        ))
    })?;
    let host = url
        .host()
        .ok_or_else(|| fail("it has no host; pass your app's web page URL".into()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(host) => {}
        _ => {
            return Err(fail(
                "it must be an `https` URL of your app's web page (Misskey fetches it to read its `<link rel=\"redirect_uri\">`)".into(),
            ))
        }
    }
    if url.fragment().is_some() {
        return Err(fail("it must not have a fragment (`#...`)".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail("it must not contain a user name or password".into()));
    }
    // `Url` already removes `.`/`..` segments, so compare with the input.
    if input
        .split(['?', '#'])
        .next()
        .is_some_and(|p| p.split('/').any(|seg| seg == "." || seg == ".."))
    {
        return Err(fail("it must not contain `.` or `..` path segments".into()));
    }
    Ok(url)
}

/// Checks that a permission can be sent: non-empty, and no separators
/// (commas, whitespace) or control characters. Unknown permissions are fine.
pub(crate) fn check_permission(p: &Permission) -> Result<(), AuthError> {
    let s = p.as_str();
    let fail = |reason: &str| AuthError::InvalidPermission {
        input: s.to_owned(),
        reason: reason.to_owned(),
    };
    if s.is_empty() {
        return Err(fail("it is empty"));
    }
    if s.contains(',') || s.chars().any(|c| c.is_whitespace()) {
        return Err(fail(
            "it contains a comma or whitespace; pass each permission separately, such as `read:account` and `write:notes`",
        ));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(fail("it contains control characters"));
    }
    Ok(())
}

/// Percent-encodes `value` for a query string, leaving only RFC 3986
/// unreserved characters and `extra` as they are. Spaces become `%20`
/// (never `+`), so both `URLSearchParams` and `decodeURIComponent` read the
/// value back exactly.
pub(crate) fn encode_query_value(value: &str, extra: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || extra.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_follow_the_clients_rules() {
        for ok in [
            "misskey.example",
            "https://misskey.example/api",
            "http://localhost:3000",
            "http://127.0.0.1",
            "http://127.5.6.7:1/",
            "http://[::1]:3000",
            "https://misskey.example",
            "https://misskey.example/",
            "https://LOCALHOST",
        ] {
            parse_origin(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "http://misskey.example",
            "http://128.0.0.1",
            "http://[::2]",
            "ftp://misskey.example",
            "https://misskey.example/notes",
            "https://misskey.example/?a=b",
            "https://user:pw@misskey.example",
            "",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encodes_strictly() {
        assert_eq!(
            encode_query_value("a b+c&d=é", b""),
            "a%20b%2Bc%26d%3D%C3%A9"
        );
        assert_eq!(encode_query_value("read:account", b":"), "read:account");
    }
}
