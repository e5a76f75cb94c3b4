//! The legacy app flow: `app/create`, `auth/session/generate`,
//! `auth/session/userkey`.
//!
//! The app is registered once (keep its secret), each login is a session
//! whose URL the user opens, and after approval the API token is
//! `sha256_hex(accessToken + appSecret)`. New apps should prefer
//! [`MiAuth`](crate::MiAuth).
//!
//! ```no_run
//! # async fn run() -> Result<(), misskey_auth::AuthError> {
//! use misskey_auth::{legacy::LegacyAuth, Permission};
//! let app = LegacyAuth::new("https://misskey.example", "my-bot")?
//!     .permissions([Permission::ReadAccount])
//!     .create_app()
//!     .await?;
//! let session = app.start().await?;
//! println!("Open {}", session.url());
//! let grant = session.wait(std::time::Duration::from_secs(300)).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use misskey_core::Permission;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::time::Instant;
use url::Url;

use crate::builder::checked_permissions_and_client;
use crate::grant::{detached, GrantSlot};
use crate::http::{default_client, post_json, Answer};
use crate::poll::{or_cancel, poll, PollPolicy};
use crate::validate::{origin_str, parse_callback, parse_origin};
use crate::{AccessToken, AuthError, AuthUser, CheckStatus, Grant};

/// What a legacy session's `wait` waits for, in its errors.
const WAITED_FOR: &str = "the user to approve the app's session";

/// The API token of the legacy flow: the lowercase hex SHA-256 of the
/// session's `accessToken` followed by the app secret.
pub fn api_token(access_token: &str, app_secret: &str) -> AccessToken {
    let digest = Sha256::new()
        .chain_update(access_token.as_bytes())
        .chain_update(app_secret.as_bytes())
        .finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    AccessToken::new(hex)
}

/// An app registration being set up for the legacy flow.
#[derive(Debug, Clone)]
pub struct LegacyAuth {
    origin: Url,
    name: String,
    description: String,
    permissions: BTreeSet<Permission>,
    callback: Option<String>,
    http: Option<reqwest::Client>,
    poll: PollPolicy,
}

impl LegacyAuth {
    /// Starts setting up an app called `name` on the server at `origin`
    /// (`https`, or `http` on a loopback host).
    pub fn new(origin: impl AsRef<str>, name: impl Into<String>) -> Result<Self, AuthError> {
        Ok(LegacyAuth {
            origin: parse_origin(origin.as_ref())?,
            name: name.into(),
            description: String::new(),
            permissions: BTreeSet::new(),
            callback: None,
            http: None,
            poll: PollPolicy::default(),
        })
    }

    /// The app description shown to the user.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    login_builder_setters! {
        /// Adds one permission; unknown strings are kept.
        fn permission;
        /// Adds permissions; they are sent sorted and without duplicates.
        fn permissions;
        /// Uses this HTTP client instead of the default one.
        fn http_client;
    }

    /// Where the server sends the browser after approval (`?token=...`
    /// added). Checked when the app is created.
    pub fn callback(mut self, callback_url: impl Into<String>) -> Self {
        self.callback = Some(callback_url.into());
        self
    }

    /// How often [`LegacySession::wait`] checks.
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll = policy;
        self
    }

    /// Registers the app (`app/create`) and returns it with its secret.
    /// Store the secret (see [`LegacyApp::expose_secret`]) and use
    /// [`existing_app`](Self::existing_app) next time instead of creating
    /// a new app for every login.
    pub async fn create_app(self) -> Result<LegacyApp, AuthError> {
        let callback = match &self.callback {
            Some(c) => Some(parse_callback("app callback URL", c)?.to_string()),
            None => None,
        };
        let http = checked_permissions_and_client(&self.permissions, self.http)?;
        let request = AppCreate {
            name: &self.name,
            description: &self.description,
            permission: self.permissions.iter().map(Permission::as_str).collect(),
            callback_url: callback,
        };
        let (app, shown): (AppCreated, _) =
            call(&http, &self.origin, "app/create", &request).await?;
        let secret = app.secret.ok_or_else(|| AuthError::UnexpectedResponse {
            url: shown,
            status: 200,
            reason: "the new app has no `secret`, so no login can be started with it".into(),
        })?;
        Ok(LegacyApp {
            origin: self.origin,
            id: Some(app.id),
            secret,
            http,
            poll: self.poll,
        })
    }

    /// Uses an app registered before, by its secret. No request is made.
    pub fn existing_app(self, app_secret: impl Into<String>) -> Result<LegacyApp, AuthError> {
        let http = match self.http {
            Some(h) => h,
            None => default_client()?,
        };
        Ok(LegacyApp {
            origin: self.origin,
            id: None,
            secret: app_secret.into(),
            http,
            poll: self.poll,
        })
    }
}

// The requests and the few answer fields this flow needs, written here
// rather than taken from the generated bindings: regenerated from another
// instance's spec those may make a field optional or required (issue 13),
// and this flow must compile against any of them.

/// `app/create`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AppCreate<'a> {
    name: &'a str,
    description: &'a str,
    permission: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
}

/// What is read of `app/create`'s answer.
#[derive(Deserialize)]
struct AppCreated {
    id: String,
    /// Only sent to the app's creator; a server that leaves it out cannot be used.
    #[serde(default)]
    secret: Option<String>,
}

/// `auth/session/generate`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionGenerate<'a> {
    app_secret: &'a str,
}

/// What is read of `auth/session/generate`'s answer.
#[derive(Deserialize)]
struct SessionGenerated {
    token: String,
    url: String,
}

/// `auth/session/userkey`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionUserkey<'a> {
    app_secret: &'a str,
    token: &'a str,
}

/// POSTs `request` to `{origin}/api/{endpoint}` and decodes its response;
/// returns it with the URL for messages. Bodies are never quoted (these
/// answers hold secrets).
async fn call<T: DeserializeOwned>(
    http: &reqwest::Client,
    origin: &Url,
    endpoint: &str,
    request: &impl Serialize,
) -> Result<(T, String), AuthError> {
    let (answer, shown) = send(http, origin, endpoint, request).await?;
    let response = decode::<T>(&answer, &shown)?;
    Ok((response, shown))
}

async fn send(
    http: &reqwest::Client,
    origin: &Url,
    endpoint: &str,
    request: &impl Serialize,
) -> Result<(Answer, String), AuthError> {
    let url = format!("{}/api/{endpoint}", origin_str(origin));
    let answer = post_json(http, &url, &url, request).await?;
    if !answer.is_success() {
        return Err(answer.into_error(&url));
    }
    Ok((answer, url))
}

fn decode<T: DeserializeOwned>(answer: &Answer, shown: &str) -> Result<T, AuthError> {
    serde_json::from_slice(&answer.body).map_err(|e| AuthError::UnexpectedResponse {
        url: shown.to_owned(),
        status: answer.status,
        reason: format!("the answer does not have the expected shape ({e})"),
    })
}

/// A registered app: its id and secret.
#[derive(Clone)]
pub struct LegacyApp {
    origin: Url,
    id: Option<String>,
    secret: String,
    http: reqwest::Client,
    poll: PollPolicy,
}

impl fmt::Debug for LegacyApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacyApp")
            .field("origin", &self.origin.as_str())
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl LegacyApp {
    /// The app id, when the app was created by [`LegacyAuth::create_app`].
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The app secret. Store it to reuse the app; do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// Starts a login (`auth/session/generate`): the user opens
    /// [`LegacySession::url`] and approves.
    pub async fn start(&self) -> Result<LegacySession, AuthError> {
        let request = SessionGenerate {
            app_secret: &self.secret,
        };
        let (session, _): (SessionGenerated, _) =
            call(&self.http, &self.origin, "auth/session/generate", &request).await?;
        Ok(LegacySession {
            inner: Arc::new(SessionInner {
                app: self.clone(),
                token: session.token,
                url: session.url,
                grant: GrantSlot::default(),
            }),
        })
    }
}

/// A started legacy login.
///
/// Cloning shares the session, including a token already received.
#[derive(Clone)]
pub struct LegacySession {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    app: LegacyApp,
    token: String,
    url: String,
    grant: GrantSlot,
}

impl fmt::Debug for LegacySession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacySession")
            .field("app", &self.inner.app)
            .field("url", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl LegacySession {
    /// The URL the user opens to approve. It contains the session token:
    /// show it to the user only.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The grant, if a check already received it.
    pub fn grant(&self) -> Option<Grant> {
        self.inner.grant.get()
    }

    /// Asks once whether the user approved (`auth/session/userkey`).
    ///
    /// The server answers with the user's key only once (it deletes the
    /// session), so the grant is kept: later calls return it without asking,
    /// and a request already on its way completes even if this future is
    /// dropped. If the user does not decode, the token is still returned.
    pub async fn check(&self) -> Result<CheckStatus, AuthError> {
        if let Some(grant) = self.inner.grant.get() {
            return Ok(CheckStatus::Approved(grant));
        }
        let inner = Arc::clone(&self.inner);
        detached("the legacy session check", async move {
            inner.check_once().await
        })
        .await
    }

    /// Checks with a bounded backoff until the user approves or `timeout`
    /// passes ([`AuthError::Timeout`]).
    pub async fn wait(&self, timeout: Duration) -> Result<Grant, AuthError> {
        let deadline = Instant::now() + timeout;
        let result = poll(self.inner.app.poll, deadline, || async {
            Ok(match self.check().await? {
                CheckStatus::Approved(grant) => Some(grant),
                CheckStatus::Pending => None,
            })
        })
        .await;
        result.map_err(|end| {
            end.into_error(
                WAITED_FOR,
                timeout,
                "they did not approve it in time, or denied it; start a new session for a new URL",
            )
        })
    }

    /// Like [`wait`](Self::wait), but also stops with
    /// [`AuthError::Cancelled`] when `cancel` completes.
    pub async fn wait_or_cancel<C: Future>(
        &self,
        timeout: Duration,
        cancel: C,
    ) -> Result<Grant, AuthError> {
        or_cancel(self.wait(timeout), cancel, WAITED_FOR).await
    }
}

impl SessionInner {
    async fn check_once(&self) -> Result<CheckStatus, AuthError> {
        let app = &self.app;
        let request = SessionUserkey {
            app_secret: &app.secret,
            token: &self.token,
        };
        let (answer, shown) =
            match send(&app.http, &app.origin, "auth/session/userkey", &request).await {
                Ok(ok) => ok,
                Err(e) if e.code() == Some("PENDING_SESSION") => return Ok(self.grant.status()),
                // The session is deleted once its key was fetched.
                Err(e) if e.code() == Some("NO_SUCH_SESSION") => match self.grant.get() {
                    Some(grant) => return Ok(CheckStatus::Approved(grant)),
                    None => return Err(e),
                },
                Err(e) => return Err(e),
            };
        // Read leniently: the token must not be lost because the user does
        // not decode (forks differ).
        let value: Value =
            serde_json::from_slice(&answer.body).map_err(|_| AuthError::UnexpectedResponse {
                url: shown.clone(),
                status: answer.status,
                reason: "the body is not valid JSON".into(),
            })?;
        let access_token = value
            .get("accessToken")
            .and_then(Value::as_str)
            .ok_or_else(|| AuthError::UnexpectedResponse {
                url: shown.clone(),
                status: answer.status,
                reason: "there is no `accessToken` string".into(),
            })?;
        let grant = Grant {
            token: api_token(access_token, &app.secret),
            user: AuthUser::decode(value.get("user").cloned().unwrap_or(Value::Null)),
            origin: origin_str(&app.origin),
        };
        Ok(CheckStatus::Approved(self.grant.keep(grant)))
    }
}
