//! MiAuth, Misskey's simple login flow (Misskey 12.27 and later).

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use misskey_core::Permission;
use serde_json::Value;
use tokio::time::Instant;
use url::Url;
use uuid::Uuid;

use crate::builder::checked_permissions_and_client;
use crate::grant::{detached, GrantSlot};
use crate::http::post_json;
use crate::loopback::{Listener, Verdict, WrongCallback};
use crate::poll::{or_cancel, poll, PollEnd, PollPolicy};
use crate::validate::{encode_query_value, origin_str, parse_callback, parse_icon, parse_origin};
use crate::{AccessToken, AuthError, AuthUser, CheckStatus, Grant};

/// What a MiAuth session's `wait` waits for, in its errors.
const WAITED_FOR: &str = "the user to approve the MiAuth session";

/// A MiAuth login being set up: the server, and what the app asks for.
///
/// Set the app's name, icon, callback and permissions, then either
/// [`start`](Self::start) (you show the URL and [`wait`](MiAuthSession::wait)
/// or [`check`](MiAuthSession::check)), or
/// [`with_loopback_callback`](Self::with_loopback_callback) for command-line
/// and desktop apps. The icon and callback URLs and the permissions are
/// checked when the login starts, so the setters never fail.
///
/// ```no_run
/// # async fn run() -> Result<(), misskey_auth::AuthError> {
/// use misskey_auth::{MiAuth, Permission};
/// let session = MiAuth::new("https://misskey.example")?
///     .name("my-bot")
///     .permissions([Permission::ReadAccount, Permission::WriteNotes])
///     .start()?;
/// println!("Open {}", session.url());
/// let grant = session.wait(std::time::Duration::from_secs(300)).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MiAuth {
    origin: Url,
    name: Option<String>,
    icon: Option<String>,
    callback: Option<String>,
    permissions: BTreeSet<Permission>,
    http: Option<reqwest::Client>,
    poll: PollPolicy,
    on_wrong_callback: WrongCallback,
    on_unapproved_callback: WrongCallback,
}

impl MiAuth {
    /// Starts setting up a login on the server at `origin`, such as
    /// `https://misskey.example`.
    ///
    /// The origin must use `https`; plain `http` is accepted only for
    /// loopback hosts (`localhost`, `127.0.0.0/8`, `::1`) for development.
    pub fn new(origin: impl AsRef<str>) -> Result<Self, AuthError> {
        Ok(MiAuth {
            origin: parse_origin(origin.as_ref())?,
            name: None,
            icon: None,
            callback: None,
            permissions: BTreeSet::new(),
            http: None,
            poll: PollPolicy::default(),
            on_wrong_callback: WrongCallback::default(),
            on_unapproved_callback: WrongCallback::Fail,
        })
    }

    /// The app name the user sees on the approval page.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The URL of the app's icon, shown on the approval page.
    pub fn icon(mut self, icon_url: impl Into<String>) -> Self {
        self.icon = Some(icon_url.into());
        self
    }

    /// Where the server sends the browser after approval, with
    /// `?session=...` added. `javascript:`, `data:`, `file:` (and similar)
    /// URLs are refused when the login starts. Not needed with
    /// [`with_loopback_callback`](Self::with_loopback_callback), which sets its own.
    pub fn callback(mut self, callback_url: impl Into<String>) -> Self {
        self.callback = Some(callback_url.into());
        self
    }

    login_builder_setters! {
        /// Adds one permission. Strings the bindings do not know (a fork's own
        /// permissions) are kept as [`Permission::Other`].
        fn permission;
        /// Adds permissions: [`Permission`]s or strings such as `"write:notes"`.
        /// They are sent sorted and without duplicates.
        fn permissions;
        /// Uses this HTTP client instead of the default one. The default does
        /// not follow redirects and times out requests after 30 seconds.
        fn http_client;
    }

    /// How often [`MiAuthSession::wait`] checks (default: every 1 s, backing off to 5 s).
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll = policy;
        self
    }

    /// What the loopback callback does with a redirect for another session
    /// (default: [`WrongCallback::KeepWaiting`]).
    pub fn on_wrong_callback(mut self, policy: WrongCallback) -> Self {
        self.on_wrong_callback = policy;
        self
    }

    /// What the loopback callback does when the browser comes back for this
    /// session but the server does not confirm the approval (the user
    /// denied, or another program checked the session first): the browser is
    /// told so either way; by default ([`WrongCallback::Fail`]) the login
    /// then fails at once with [`AuthError::NotApproved`], and with
    /// [`WrongCallback::KeepWaiting`] it waits for the browser to come back
    /// again until the timeout.
    pub fn on_unapproved_callback(mut self, policy: WrongCallback) -> Self {
        self.on_unapproved_callback = policy;
        self
    }

    /// Creates a fresh session (a random UUID v4, never reused) and its
    /// authorization URL.
    ///
    /// Fails if the icon or callback URL or a permission is unusable. Each
    /// call makes a new session, so a `MiAuth` can be cloned and started again
    /// after a timeout.
    pub fn start(self) -> Result<MiAuthSession, AuthError> {
        let callback = match &self.callback {
            Some(c) => Some(parse_callback("MiAuth callback URL", c)?),
            None => None,
        };
        self.start_with(callback)
    }

    /// Starts the login with a callback listener on `127.0.0.1` and a free
    /// port, for command-line and desktop apps.
    ///
    /// The callback becomes `http://127.0.0.1:PORT/callback` (replacing any
    /// [`callback`](Self::callback) set before). Show
    /// [`url`](MiAuthLoopback::url) to the user, then call
    /// [`finish`](MiAuthLoopback::finish).
    pub async fn with_loopback_callback(self) -> Result<MiAuthLoopback, AuthError> {
        self.with_loopback_callback_on(0).await
    }

    /// Like [`with_loopback_callback`](Self::with_loopback_callback) on a
    /// fixed port (`0` picks a free one).
    pub async fn with_loopback_callback_on(self, port: u16) -> Result<MiAuthLoopback, AuthError> {
        let listener = Listener::bind(port).await?;
        let on_wrong = self.on_wrong_callback;
        let on_unapproved = self.on_unapproved_callback;
        let session = self.start_with(Some(listener.callback_url().clone()))?;
        Ok(MiAuthLoopback {
            session,
            listener,
            on_wrong,
            on_unapproved,
        })
    }

    fn start_with(self, callback: Option<Url>) -> Result<MiAuthSession, AuthError> {
        let icon = match &self.icon {
            Some(i) => Some(parse_icon(i)?),
            None => None,
        };
        let http = checked_permissions_and_client(&self.permissions, self.http)?;
        let session = Uuid::new_v4();
        let origin = origin_str(&self.origin);

        let mut query = Vec::new();
        if let Some(name) = &self.name {
            query.push(format!("name={}", encode_query_value(name, b"")));
        }
        if let Some(icon) = &icon {
            query.push(format!("icon={}", encode_query_value(icon.as_str(), b"")));
        }
        if let Some(callback) = &callback {
            query.push(format!(
                "callback={}",
                encode_query_value(callback.as_str(), b"")
            ));
        }
        if !self.permissions.is_empty() {
            let joined: Vec<String> = self
                .permissions
                .iter()
                .map(|p| encode_query_value(p.as_str(), b":"))
                .collect();
            query.push(format!("permission={}", joined.join(",")));
        }
        let mut url = format!("{origin}/miauth/{session}");
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.join("&"));
        }
        let url = Url::parse(&url).map_err(|e| AuthError::InvalidOrigin {
            input: origin.clone(),
            reason: format!("the authorization URL does not parse ({e})"),
        })?;

        Ok(MiAuthSession {
            inner: Arc::new(Inner {
                check_url: format!("{origin}/api/miauth/{session}/check"),
                shown_check_url: format!("{origin}/api/miauth/<session>/check"),
                origin: self.origin,
                session,
                url,
                permissions: self.permissions.into_iter().collect(),
                http,
                poll: self.poll,
                grant: GrantSlot::default(),
            }),
        })
    }
}

/// A started MiAuth login: one session id and its authorization URL.
///
/// Cloning shares the session, including a token already received.
#[derive(Debug, Clone)]
pub struct MiAuthSession {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    origin: Url,
    session: Uuid,
    url: Url,
    permissions: Vec<Permission>,
    check_url: String,
    shown_check_url: String,
    http: reqwest::Client,
    poll: PollPolicy,
    grant: GrantSlot,
}

impl MiAuthSession {
    /// The authorization URL to open in the user's browser:
    /// `{origin}/miauth/{session}?name=..&icon=..&callback=..&permission=a,b`.
    pub fn url(&self) -> &Url {
        &self.inner.url
    }

    /// The session id. Treat it as a secret until the login finishes: whoever
    /// checks an approved session first receives the token.
    pub fn session_id(&self) -> Uuid {
        self.inner.session
    }

    /// The server origin, ending with `/`.
    pub fn origin(&self) -> &Url {
        &self.inner.origin
    }

    /// The permissions asked for, sorted.
    pub fn permissions(&self) -> &[Permission] {
        &self.inner.permissions
    }

    /// The grant, if a check already received it.
    pub fn grant(&self) -> Option<Grant> {
        self.inner.cached()
    }

    /// Asks the server once whether the user has approved
    /// (`POST {origin}/api/miauth/{session}/check`).
    ///
    /// Misskey hands out the token only once; this session remembers it, so
    /// every later call returns the same grant without asking again. The
    /// request runs to completion even if this future is dropped, so a token
    /// that is already on its way is not lost: the next call returns it.
    pub async fn check(&self) -> Result<CheckStatus, AuthError> {
        if let Some(grant) = self.inner.cached() {
            return Ok(CheckStatus::Approved(grant));
        }
        let inner = Arc::clone(&self.inner);
        detached("the MiAuth check", async move { inner.check_once().await }).await
    }

    /// Checks with a bounded backoff (see [`PollPolicy`]) until the user
    /// approves or `timeout` passes.
    ///
    /// Fails with [`AuthError::Timeout`] when the user does not approve in
    /// time; Misskey does not tell apps about a denial, so a denied session
    /// also ends this way. Dropping the future stops waiting; see
    /// [`wait_or_cancel`](Self::wait_or_cancel) for a cancellation signal.
    pub async fn wait(&self, timeout: Duration) -> Result<Grant, AuthError> {
        let deadline = Instant::now() + timeout;
        self.poll_until(deadline).await.map_err(|end| {
            end.into_error(
                WAITED_FOR,
                timeout,
                "they did not approve it in time, or denied it (Misskey does not tell apps about a denial); start a new login for a new URL",
            )
        })
    }

    /// Like [`wait`](Self::wait), but also stops with
    /// [`AuthError::Cancelled`] when `cancel` completes, for example
    /// `token.cancelled()` of a `tokio_util` `CancellationToken`, a oneshot
    /// receiver, or `tokio::signal::ctrl_c()`.
    pub async fn wait_or_cancel<C: Future>(
        &self,
        timeout: Duration,
        cancel: C,
    ) -> Result<Grant, AuthError> {
        or_cancel(self.wait(timeout), cancel, WAITED_FOR).await
    }

    async fn poll_until(&self, deadline: Instant) -> Result<Grant, PollEnd> {
        poll(self.inner.poll, deadline, || async {
            Ok(match self.check().await? {
                CheckStatus::Approved(grant) => Some(grant),
                CheckStatus::Pending => None,
            })
        })
        .await
    }
}

impl Inner {
    fn cached(&self) -> Option<Grant> {
        self.grant.get()
    }

    async fn check_once(&self) -> Result<CheckStatus, AuthError> {
        let answer = post_json(
            &self.http,
            &self.check_url,
            &self.shown_check_url,
            &serde_json::json!({}),
        )
        .await?;
        if !answer.is_success() {
            return Err(answer.into_error(&self.shown_check_url));
        }
        let unexpected = |reason: String| AuthError::UnexpectedResponse {
            url: self.shown_check_url.clone(),
            status: answer.status,
            reason,
        };
        let body: Value = serde_json::from_slice(&answer.body).map_err(|_| {
            // Quote only bodies that cannot hold a token (not JSON objects).
            if answer.body.trim_ascii_start().starts_with(b"{") {
                unexpected("the body is not valid JSON".into())
            } else {
                unexpected(format!(
                    "expected JSON, got `{}`; is this the origin of a Misskey server?",
                    crate::http::snippet(&answer.body[..answer.body.len().min(60)])
                ))
            }
        })?;
        match body.get("ok").and_then(Value::as_bool) {
            Some(false) => {
                // A concurrent check may have received the token meanwhile.
                Ok(self.grant.status())
            }
            Some(true) => {
                let token = body.get("token").and_then(Value::as_str).ok_or_else(|| {
                    unexpected("`ok` is true but there is no `token` string".into())
                })?;
                let grant = Grant {
                    token: AccessToken::new(token),
                    user: AuthUser::decode(body.get("user").cloned().unwrap_or(Value::Null)),
                    origin: origin_str(&self.origin),
                };
                Ok(CheckStatus::Approved(self.grant.keep(grant)))
            }
            None => Err(unexpected(
                "there is no boolean `ok` field; is this the origin of a Misskey server (12.27 or later)?".into(),
            )),
        }
    }
}

/// A MiAuth login whose callback is a listener on `127.0.0.1`.
///
/// Made by [`MiAuth::with_loopback_callback`]. Show [`url`](Self::url) to the
/// user, then [`finish`](Self::finish): it waits for the browser to come back
/// to `http://127.0.0.1:PORT/callback?session=...`, checks the session while
/// the browser waits, and answers it with a "you can close this tab" page
/// when the server confirms the approval, or a page saying the login was not
/// approved when it does not.
///
/// A redirect carrying another session (a stale tab, another program) gets an
/// error page; by default the login keeps waiting for the right one (see
/// [`WrongCallback`]). The listener closes when this value is dropped.
#[derive(Debug)]
pub struct MiAuthLoopback {
    session: MiAuthSession,
    listener: Listener,
    on_wrong: WrongCallback,
    on_unapproved: WrongCallback,
}

impl MiAuthLoopback {
    /// The authorization URL to open in the user's browser.
    pub fn url(&self) -> &Url {
        self.session.url()
    }

    /// The callback URL, `http://127.0.0.1:PORT/callback`.
    pub fn callback_url(&self) -> &Url {
        self.listener.callback_url()
    }

    /// The underlying session (for its id, or to check it yourself).
    pub fn session(&self) -> &MiAuthSession {
        &self.session
    }

    /// Changes what a redirect for another session does.
    pub fn on_wrong_callback(mut self, policy: WrongCallback) -> Self {
        self.on_wrong = policy;
        self
    }

    /// Changes what a redirect for this session that the server does not
    /// confirm does (see [`MiAuth::on_unapproved_callback`]).
    pub fn on_unapproved_callback(mut self, policy: WrongCallback) -> Self {
        self.on_unapproved = policy;
        self
    }

    /// Waits up to `timeout` for the browser to come back, checks the
    /// session and returns the grant.
    ///
    /// When the browser comes back, the session is checked for at most
    /// [`PollPolicy::after_callback`] (the server normally confirms at once)
    /// before the browser gets its page. Fails with [`AuthError::Timeout`] if
    /// the browser does not come back in time,
    /// [`AuthError::CallbackMismatch`] if only redirects for other sessions
    /// came, and [`AuthError::NotApproved`] at once if the browser came back
    /// but the server does not confirm the approval (the user denied, or
    /// something else checked the session first and took the token); see
    /// [`MiAuth::on_unapproved_callback`] to keep waiting instead.
    pub async fn finish(self, timeout: Duration) -> Result<Grant, AuthError> {
        let MiAuthLoopback {
            session,
            listener,
            on_wrong,
            on_unapproved,
        } = self;
        if let Some(grant) = session.grant() {
            return Ok(grant);
        }
        let deadline = Instant::now() + timeout;
        let expected = session.session_id().to_string();
        let session = &session;
        let grant = listener
            .serve(
                deadline,
                on_wrong,
                on_unapproved,
                "session",
                || AuthError::Timeout {
                    what: "the browser to come back from the MiAuth approval page",
                    waited: timeout,
                    hint: "the user did not approve in time, denied it, or the browser could not reach the callback on 127.0.0.1 (it must run on this machine); start a new login for a new URL".into(),
                    last_error: None,
                },
                |query| {
                    let matches = query
                        .iter()
                        .any(|(k, v)| k == "session" && *v == expected);
                    async move {
                        if !matches {
                            return Verdict::Mismatch;
                        }
                        let started = Instant::now();
                        let window = started + session.inner.poll.after_callback;
                        match session.poll_until(window).await {
                            Ok(grant) => Verdict::Done(grant),
                            Err(PollEnd::Failed(e)) => Verdict::Fail(e),
                            Err(PollEnd::Deadline { .. }) => {
                                Verdict::Unconfirmed(AuthError::NotApproved {
                                    url: session.inner.shown_check_url.clone(),
                                    waited: started.elapsed(),
                                    hint: "the user denied the login, or another program checked this session first and took the token, or the redirect did not come from the server; start a new login".into(),
                                })
                            }
                        }
                    }
                },
            )
            .await;
        // The browser is done with the listener: the port closes when it drops.
        drop(listener);
        grant
    }

    /// Like [`finish`](Self::finish), but also stops with
    /// [`AuthError::Cancelled`] when `cancel` completes.
    pub async fn finish_or_cancel<C: Future>(
        self,
        timeout: Duration,
        cancel: C,
    ) -> Result<Grant, AuthError> {
        or_cancel(self.finish(timeout), cancel, "the MiAuth login to finish").await
    }
}
