//! Tests of the login flows against a fake Misskey on 127.0.0.1 started by
//! the tests themselves (no other network).

mod fake;
mod legacy;
mod loopback;
mod messages;
mod miauth;
mod oauth;
mod token_file;
mod validation;

/// An HTTP client that never uses a proxy, for the flows and the "browser".
pub fn direct_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
