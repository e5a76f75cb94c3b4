//! Get a user's Misskey access token for your app.
//!
//! Three ways, newest servers first:
//!
//! * [`MiAuth`]: the simple flow every Misskey since 12.27 supports. The app
//!   makes a session id, the user approves it in the browser, the app checks
//!   the session and receives the token (exactly once; this crate keeps it).
//! * [`oauth`]: OAuth 2 authorization code with PKCE (Misskey 2023.9+).
//! * [`legacy`]: the old `app/create` + `auth/session/*` flow.
//!
//! For command-line and desktop apps, each browser flow can listen on
//! `127.0.0.1` for the redirect that ends the login ("loopback callback").
//!
//! ```no_run
//! # async fn run() -> Result<(), misskey_auth::AuthError> {
//! use misskey_auth::{MiAuth, Permission};
//! use std::time::Duration;
//! let flow = MiAuth::new("https://misskey.example")?
//!     .name("my-bot")
//!     .permissions([Permission::ReadAccount, Permission::WriteNotes]);
//! let login = flow.with_loopback_callback().await?;
//! println!("Open {}", login.url());
//! let auth = login.finish(Duration::from_secs(300)).await?;
//! println!("Logged in as {}", auth.user.display_name());
//! auth.token.save_to_file("token.txt")?;
//! # Ok(()) }
//! ```
//!
//! Tokens are [`AccessToken`]s: they print as `<redacted>` and give up the
//! secret only through [`AccessToken::expose_secret`]. This crate never logs.

#![warn(missing_docs)]

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
pub use token::AccessToken;
pub use user::{AuthUser, User};
