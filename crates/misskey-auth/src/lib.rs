//! Get a user's Misskey access token for your app.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use misskey_auth::{MiAuth, Permission};
//! let flow = MiAuth::new("https://misskey.example")?
//!     .name("my-bot")
//!     .permissions([Permission::ReadAccount, Permission::WriteNotes]);
//! let login = flow.with_loopback_callback().await?; // listens on 127.0.0.1
//! println!("Open {}", login.url());
//! let grant = login.finish(std::time::Duration::from_secs(300)).await?;
//! println!("Logged in as {}", grant.user.display_name());
//! let client = grant.client()?; // a misskey_client::Client with the token
//! # let _ = client; Ok(()) }
//! ```
//!
//! # From login to API calls
//!
//! Every flow hands out the SDK's one token type,
//! [`misskey_core::AccessToken`] (re-exported as [`AccessToken`]), which
//! `misskey_client::ClientBuilder::token` takes as it is. [`Grant::client`]
//! and [`oauth::OAuthGrant::client`] build a client for the server the login
//! was on; [`Grant::client_builder`] to configure it first. The secret is not
//! taken out anywhere on the way.
//!
//! # Flows
//!
//! * [`MiAuth`]: the simple flow of every Misskey since 12.27. The app makes
//!   a fresh session id, the user approves it in the browser, the app checks
//!   the session and receives the token and the user. Use
//!   [`MiAuth::start`] to show the URL yourself and [`MiAuthSession::wait`]
//!   (or [`check`](MiAuthSession::check)), or
//!   [`MiAuth::with_loopback_callback`] for command-line and desktop apps.
//! * [`oauth`]: OAuth 2 authorization code with PKCE (S256), Misskey 2023.9+.
//! * [`legacy`]: the old `app/create` + `auth/session/*` flow.
//!
//! # The token is never lost
//!
//! Misskey answers a MiAuth check (and the legacy `auth/session/userkey`)
//! with the token exactly once. A session keeps the first token it receives
//! and returns it from every later check; a check already on its way finishes
//! even if its future is dropped; and a user that does not decode into the
//! generated [`User`] model (forks differ) is kept as raw JSON
//! ([`AuthUser::Raw`]) instead of failing the login.
//!
//! # The loopback callback
//!
//! [`MiAuth::with_loopback_callback`] and
//! [`oauth::OAuth::with_loopback_callback_on`] listen on `127.0.0.1` only
//! (never another interface), use `http://127.0.0.1:PORT/callback` as the
//! callback, and answer the browser with a small page: for MiAuth, the
//! session is checked first, so the page says "you can close this tab" only
//! when the server confirms the approval, and otherwise says the login was
//! not approved and the login fails at once with [`AuthError::NotApproved`]
//! (or keeps waiting: [`MiAuth::on_unapproved_callback`]). A redirect carrying another `session` (or OAuth `state`), such as
//! one from a stale tab, gets an error page, and the login keeps waiting for
//! the right redirect; if none comes before the timeout the error is
//! [`AuthError::CallbackMismatch`]. [`WrongCallback::Fail`] ends the login at
//! the first wrong redirect instead.
//!
//! # Tokens and errors
//!
//! Tokens are [`AccessToken`]s: they print as `<redacted>`, give up the
//! secret only through [`AccessToken::expose_secret`], and are written to a
//! file only when asked ([`TokenFile::save_to_file`], `0600` on Unix).
//! OAuth grants carry the user too, fetched with the new token from `i`.
//! This crate never logs. Every failure is an [`AuthError`] whose message
//! says what failed, where, and how to fix it.
//!
//! Origins are parsed by [`misskey_client::parse_origin`], the client's own
//! rules: `misskey.example` means `https://misskey.example`, an `/api` suffix
//! is dropped, and plain `http` is accepted only for loopback hosts
//! (`localhost`, `127.0.0.0/8`, `::1`) during development. The flows decode
//! the few answer fields they need into their own small types, so they do not
//! depend on how the generated bindings type a field.

#![warn(missing_docs)]

#[macro_use]
mod builder;
mod error;
mod grant;
mod http;
pub mod legacy;
mod loopback;
mod miauth;
pub mod oauth;
mod poll;
mod token;
mod user;
mod validate;

pub use error::AuthError;
pub use grant::{CheckStatus, Grant};
pub use loopback::WrongCallback;
pub use miauth::{MiAuth, MiAuthLoopback, MiAuthSession};
pub use misskey_core::Permission;
pub use poll::PollPolicy;
pub use token::{AccessToken, TokenFile};
pub use user::{AuthUser, User};
