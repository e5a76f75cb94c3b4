//! OAuth 2 login: authorization code with PKCE (S256), Misskey 2023.9 and later.
//!
//! Misskey follows IndieAuth for clients: the `client_id` is the URL of the
//! app's web page, and Misskey fetches that page to read its
//! `<link rel="redirect_uri" href="...">` links. The `redirect_uri` must
//! match one of them exactly, so for the loopback callback pick a fixed port
//! ([`OAuth::with_loopback_callback_on`]) and list
//! `http://127.0.0.1:PORT/callback` on the page.
//!
//! ```no_run
//! # async fn run() -> Result<(), misskey_auth::AuthError> {
//! use misskey_auth::{oauth::OAuth, Permission};
//! let oauth = OAuth::discover("https://misskey.example", "https://app.example/")
//!     .await?
//!     .permissions([Permission::ReadAccount, Permission::WriteNotes]);
//! let login = oauth.with_loopback_callback_on(53682).await?;
//! println!("Open {}", login.url());
//! let grant = login.finish(std::time::Duration::from_secs(300)).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use misskey_core::Permission;
use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    HttpClientError, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    TokenResponse, TokenUrl,
};
use serde::Deserialize;
use tokio::time::Instant;
use url::Url;

use crate::builder::checked_permissions_and_client;
use crate::error::error_chain;
use crate::http::{default_client, get_json};
use crate::loopback::{Listener, Verdict, WrongCallback};
use crate::poll::or_cancel;
use crate::validate::{
    is_loopback_host, origin_str, parse_callback, parse_client_id, parse_origin,
};
use crate::{AccessToken, AuthError, AuthUser};

/// The path of the OAuth server metadata document (RFC 8414).
pub const METADATA_PATH: &str = ".well-known/oauth-authorization-server";

/// What a server publishes at `/.well-known/oauth-authorization-server`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ServerMetadata {
    /// The server the metadata was fetched from, such as `https://misskey.example/`.
    pub origin: Url,
    /// The issuer identifier, exactly as published (Misskey: its URL).
    pub issuer: String,
    /// Where the user authorizes the app.
    pub authorization_endpoint: Url,
    /// Where the app exchanges the code for a token.
    pub token_endpoint: Url,
    /// The permissions (scopes) this instance knows. Forks add their own;
    /// unknown ones are kept as [`Permission::Other`].
    pub scopes_supported: Vec<Permission>,
    /// The PKCE methods the server accepts (Misskey: `S256`); empty if not published.
    pub code_challenge_methods_supported: Vec<String>,
    /// Whether the server adds `iss` to the redirect (RFC 9207); when it
    /// does, the redirect is rejected if `iss` is missing or different.
    pub authorization_response_iss_parameter_supported: bool,
}

#[derive(Deserialize)]
struct RawMetadata {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    #[serde(default)]
    scopes_supported: Vec<String>,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

impl ServerMetadata {
    /// Fetches `{origin}/.well-known/oauth-authorization-server` with the
    /// default HTTP client.
    pub async fn discover(origin: impl AsRef<str>) -> Result<Self, AuthError> {
        Self::discover_with(&default_client()?, origin).await
    }

    /// Fetches the metadata with the given HTTP client.
    pub async fn discover_with(
        http: &reqwest::Client,
        origin: impl AsRef<str>,
    ) -> Result<Self, AuthError> {
        let origin_url = parse_origin(origin.as_ref())?;
        let url = format!("{}/{METADATA_PATH}", origin_str(&origin_url));
        let fail = |reason: String| AuthError::Discovery {
            url: url.clone(),
            reason,
        };
        let answer = get_json(http, &url, &url).await?;
        if answer.status == 404 {
            return Err(fail(
                "the server does not publish OAuth 2 metadata (404): OAuth needs Misskey 2023.9 or later; use MiAuth instead".into(),
            ));
        }
        if !answer.is_success() {
            return Err(answer.into_error(&url));
        }
        Self::from_json(origin.as_ref(), &answer.body).map_err(|e| match e {
            AuthError::Discovery { reason, .. } => fail(reason),
            other => other,
        })
    }

    /// Reads a metadata document fetched elsewhere (or cached) for the
    /// server at `origin`, with the same checks as [`discover`](Self::discover).
    pub fn from_json(origin: impl AsRef<str>, json: &[u8]) -> Result<Self, AuthError> {
        let origin_url = parse_origin(origin.as_ref())?;
        let shown = format!("{}/{METADATA_PATH}", origin_str(&origin_url));
        let fail = |reason: String| AuthError::Discovery {
            url: shown.clone(),
            reason,
        };
        let raw: RawMetadata = serde_json::from_slice(json).map_err(|e| {
            fail(format!(
                "the document is not OAuth metadata JSON ({e}); is this a Misskey 2023.9+ server?"
            ))
        })?;
        let missing = |field: &str| {
            fail(format!(
                "`{field}` is missing, so the server does not offer the authorization code flow; use MiAuth instead"
            ))
        };
        let issuer = raw.issuer.ok_or_else(|| missing("issuer"))?;
        let issuer_url = Url::parse(&issuer)
            .map_err(|e| fail(format!("the issuer `{issuer}` is not a URL ({e})")))?;
        if issuer_url.origin() != origin_url.origin() {
            return Err(fail(format!(
                "the issuer `{issuer}` is not the server you asked ({}); use the server's own URL as the origin (a proxy or a misconfigured `url` in the server config can cause this)",
                origin_str(&origin_url)
            )));
        }
        let endpoint = |field: &str, value: Option<String>| -> Result<Url, AuthError> {
            let value = value.ok_or_else(|| missing(field))?;
            let url = Url::parse(&value)
                .map_err(|e| fail(format!("`{field}` `{value}` is not a URL ({e})")))?;
            let secure = url.scheme() == "https"
                || (url.scheme() == "http" && url.host().is_some_and(is_loopback_host));
            if !secure {
                return Err(fail(format!(
                    "`{field}` `{value}` is not an https URL, so codes and tokens would travel unencrypted"
                )));
            }
            Ok(url)
        };
        let authorization_endpoint =
            endpoint("authorization_endpoint", raw.authorization_endpoint)?;
        let token_endpoint = endpoint("token_endpoint", raw.token_endpoint)?;
        if !raw.code_challenge_methods_supported.is_empty()
            && !raw
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256")
        {
            return Err(fail(format!(
                "the server does not accept PKCE with S256 (it lists {:?}); use MiAuth instead",
                raw.code_challenge_methods_supported
            )));
        }
        Ok(ServerMetadata {
            origin: origin_url,
            issuer,
            authorization_endpoint,
            token_endpoint,
            scopes_supported: raw
                .scopes_supported
                .into_iter()
                .map(Permission::from)
                .collect(),
            code_challenge_methods_supported: raw.code_challenge_methods_supported,
            authorization_response_iss_parameter_supported: raw
                .authorization_response_iss_parameter_supported,
        })
    }
}

/// An OAuth login being set up: the server's metadata, the app's client id,
/// the redirect URI and the permissions.
#[derive(Debug, Clone)]
pub struct OAuth {
    metadata: ServerMetadata,
    client_id: Url,
    redirect_uri: Option<String>,
    permissions: BTreeSet<Permission>,
    http: Option<reqwest::Client>,
    on_wrong_callback: WrongCallback,
}

impl OAuth {
    /// Sets up a login with already fetched metadata. `client_id` is the
    /// URL of the app's web page (Misskey fetches it to read the allowed
    /// redirect URIs), such as `https://app.example/`.
    pub fn new(metadata: ServerMetadata, client_id: impl AsRef<str>) -> Result<Self, AuthError> {
        Ok(OAuth {
            metadata,
            client_id: parse_client_id(client_id.as_ref())?,
            redirect_uri: None,
            permissions: BTreeSet::new(),
            http: None,
            on_wrong_callback: WrongCallback::default(),
        })
    }

    /// Fetches the server's metadata from `origin` and sets up a login.
    pub async fn discover(
        origin: impl AsRef<str>,
        client_id: impl AsRef<str>,
    ) -> Result<Self, AuthError> {
        let client_id = parse_client_id(client_id.as_ref())?;
        let metadata = ServerMetadata::discover(origin).await?;
        Self::new(metadata, client_id.as_str())
    }

    /// The server's metadata.
    pub fn metadata(&self) -> &ServerMetadata {
        &self.metadata
    }

    /// Where the server sends the browser with the code. It must be one of
    /// the `redirect_uri` links on the client id page. Not needed with
    /// [`with_loopback_callback`](Self::with_loopback_callback).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    login_builder_setters! {
        /// Adds one permission (scope).
        fn permission;
        /// Adds permissions; they are sent as the space-separated `scope`,
        /// sorted and without duplicates. Unknown strings are kept.
        fn permissions;
        /// Uses this HTTP client for the token exchange. It should not follow
        /// redirects (the default client does not).
        fn http_client;
    }

    /// What the loopback callback does with a redirect carrying another
    /// `state` (default: [`WrongCallback::KeepWaiting`]).
    pub fn on_wrong_callback(mut self, policy: WrongCallback) -> Self {
        self.on_wrong_callback = policy;
        self
    }

    /// Makes a fresh `state` and PKCE verifier and the authorization URL,
    /// for the redirect URI set with [`redirect_uri`](Self::redirect_uri).
    pub fn start(self) -> Result<OAuthAuthorization, AuthError> {
        let redirect = match &self.redirect_uri {
            Some(uri) => parse_callback("OAuth redirect URI", uri)?,
            None => {
                return Err(AuthError::InvalidUrl {
                    what: "OAuth redirect URI",
                    input: String::new(),
                    reason: "none was set; call `.redirect_uri(...)` or use `.with_loopback_callback_on(port)`".into(),
                })
            }
        };
        self.start_with(redirect)
    }

    /// Starts the login with a callback listener on `127.0.0.1` and a free
    /// port. Misskey only accepts redirect URIs listed on the client id page,
    /// so this fits only servers or pages that allow any loopback port; see
    /// [`with_loopback_callback_on`](Self::with_loopback_callback_on).
    pub async fn with_loopback_callback(self) -> Result<OAuthLoopback, AuthError> {
        self.with_loopback_callback_on(0).await
    }

    /// Starts the login with a callback listener on `127.0.0.1:port`; the
    /// redirect URI is `http://127.0.0.1:PORT/callback`.
    pub async fn with_loopback_callback_on(self, port: u16) -> Result<OAuthLoopback, AuthError> {
        let listener = Listener::bind(port).await?;
        let on_wrong = self.on_wrong_callback;
        let authorization = self.start_with(listener.callback_url().clone())?;
        Ok(OAuthLoopback {
            authorization,
            listener,
            on_wrong,
        })
    }

    fn start_with(self, redirect: Url) -> Result<OAuthAuthorization, AuthError> {
        let http = checked_permissions_and_client(&self.permissions, self.http)?;
        let client = oauth_client(&self.metadata, &self.client_id, &redirect);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(
                self.permissions
                    .iter()
                    .map(|p| Scope::new(p.as_str().to_owned())),
            )
            .set_pkce_challenge(challenge)
            .url();
        Ok(OAuthAuthorization {
            metadata: self.metadata,
            client_id: self.client_id,
            redirect,
            permissions: self.permissions.into_iter().collect(),
            url,
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
            http,
        })
    }
}

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn oauth_client(metadata: &ServerMetadata, client_id: &Url, redirect: &Url) -> Client {
    BasicClient::new(ClientId::new(client_id.as_str().to_owned()))
        .set_auth_uri(AuthUrl::from_url(metadata.authorization_endpoint.clone()))
        .set_token_uri(TokenUrl::from_url(metadata.token_endpoint.clone()))
        .set_redirect_uri(RedirectUrl::from_url(redirect.clone()))
        .set_auth_type(AuthType::RequestBody)
}

/// A started OAuth login: the authorization URL, its `state` and PKCE verifier.
pub struct OAuthAuthorization {
    metadata: ServerMetadata,
    client_id: Url,
    redirect: Url,
    permissions: Vec<Permission>,
    url: Url,
    state: String,
    verifier: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for OAuthAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthAuthorization")
            .field("issuer", &self.metadata.issuer)
            .field("client_id", &self.client_id.as_str())
            .field("redirect", &self.redirect.as_str())
            .field("permissions", &self.permissions)
            .field("state", &"<redacted>")
            .field("verifier", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The result of a successful OAuth login.
///
/// Like a MiAuth [`Grant`](crate::Grant) it carries the user, and
/// [`client`](Self::client) turns it into an API client for the same server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuthGrant {
    /// The access token. It is redacted when printed.
    pub token: AccessToken,
    /// The permissions granted (as the server reported them, or those asked
    /// for if it did not say).
    pub permissions: Vec<Permission>,
    /// Whose token it is: fetched with the new token from the `i` endpoint
    /// right after the exchange (the token endpoint does not say). When that
    /// fails (a token without `read:account`, a network error, a user that
    /// does not decode), the login still succeeds and this is
    /// [`AuthUser::Raw`] with the reason: the token is never dropped.
    pub user: AuthUser,
    /// The server the token is for, such as `https://misskey.example`.
    pub origin: String,
}

impl OAuthGrant {
    /// A client builder for the server the login was on, with the token set.
    pub fn client_builder(&self) -> misskey_client::ClientBuilder {
        misskey_client::Client::builder(self.origin.as_str()).token(&self.token)
    }

    /// An API client for the server the login was on, with the token and
    /// default settings.
    ///
    /// # Errors
    ///
    /// As [`misskey_client::ClientBuilder::build`].
    pub fn client(&self) -> Result<misskey_client::Client, misskey_client::Error> {
        self.client_builder().build()
    }
}

/// Asks the server whose token this is (`i`), with the login's HTTP client.
/// Never fails: a failure is kept as the reason in [`AuthUser::Raw`].
async fn fetch_user(origin: &Url, token: &AccessToken, http: &reqwest::Client) -> AuthUser {
    let client = misskey_client::Client::builder(origin.as_str())
        .token(token)
        .http_client(http.clone())
        .build();
    let result = match client {
        Ok(client) => client.call::<serde_json::Value>("i", ()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(json) => AuthUser::decode(json),
        Err(e) => AuthUser::Raw {
            json: serde_json::Value::Null,
            error: format!("could not fetch the user with the new token: {e}"),
        },
    }
}

impl OAuthAuthorization {
    /// The URL to open in the user's browser.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirect URI the server will send the browser to.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect
    }

    /// The `state` sent with the request; the redirect must carry it back.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The PKCE code verifier (the URL carries only its S256 challenge).
    /// Keep it secret; it is sent only to the token endpoint.
    pub fn pkce_verifier(&self) -> &str {
        &self.verifier
    }

    /// The permissions asked for, sorted.
    pub fn permissions(&self) -> &[Permission] {
        &self.permissions
    }

    /// Finishes the login from the full redirect URL your app received
    /// (for example through a custom URL scheme): checks `state` and `iss`,
    /// reports a refusal, and exchanges the code.
    pub async fn finish_with_redirect(&self, redirect: &str) -> Result<OAuthGrant, AuthError> {
        let url = Url::parse(redirect).map_err(|e| AuthError::InvalidRedirect {
            callback: self.redirect.to_string(),
            reason: format!("it is not a URL ({e})"),
        })?;
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        match self.judge(&query) {
            Verdict::Done(code) => self.exchange(&code).await,
            Verdict::Mismatch => Err(AuthError::CallbackMismatch {
                param: "state",
                count: 1,
                timed_out: false,
            }),
            Verdict::Fail(e) | Verdict::Unconfirmed(e) => Err(e),
        }
    }

    /// Reads a redirect's query: `Done(code)`, a mismatch, or a failure.
    fn judge(&self, query: &[(String, String)]) -> Verdict<String> {
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let state_ok = get("state").is_some_and(|s| constant_time_eq(s, &self.state));
        if !state_ok {
            return Verdict::Mismatch;
        }
        let invalid = |reason: String| {
            Verdict::Fail(AuthError::InvalidRedirect {
                callback: self.redirect.to_string(),
                reason,
            })
        };
        match get("iss") {
            Some(iss) if iss != self.metadata.issuer => {
                return invalid(format!(
                    "it names the issuer `{iss}`, but this login is with `{}`; another server answered (a mix-up attack or a misconfigured server)",
                    self.metadata.issuer
                ))
            }
            None if self.metadata.authorization_response_iss_parameter_supported => {
                return invalid(
                    "it has no `iss` although the server says it always sends one".into(),
                )
            }
            _ => {}
        }
        if let Some(error) = get("error") {
            return Verdict::Fail(AuthError::OAuthDenied {
                error: error.to_owned(),
                description: get("error_description").map(str::to_owned),
            });
        }
        match get("code") {
            Some(code) if !code.is_empty() => Verdict::Done(code.to_owned()),
            _ => invalid("it carries neither `code` nor `error`".into()),
        }
    }

    /// Exchanges an authorization `code` (from a redirect whose `state` you
    /// checked) for a token at the token endpoint, sending the PKCE verifier,
    /// then fetches the user with the new token (see [`OAuthGrant::user`]).
    pub async fn exchange(&self, code: &str) -> Result<OAuthGrant, AuthError> {
        let client = oauth_client(&self.metadata, &self.client_id, &self.redirect);
        let token_url = self.metadata.token_endpoint.to_string();
        let fail = |reason: String| AuthError::TokenExchange {
            url: token_url.clone(),
            reason,
        };
        let response: BasicTokenResponse = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(self.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(e) => fail(server_refusal(&e)),
                RequestTokenError::Request(HttpClientError::Reqwest(e)) => {
                    AuthError::http(token_url.clone(), *e)
                }
                RequestTokenError::Request(e) => fail(error_chain(&e)),
                RequestTokenError::Parse(e, _body) => fail(format!(
                    "the answer is not a token response ({e}); is the token endpoint right?"
                )),
                RequestTokenError::Other(e) => fail(e),
            })?;
        let permissions = match response.scopes() {
            Some(scopes) => scopes
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| Permission::from(s.as_str()))
                .collect(),
            None => self.permissions.clone(),
        };
        let token = AccessToken::new(response.access_token().secret().clone());
        let user = fetch_user(&self.metadata.origin, &token, &self.http).await;
        Ok(OAuthGrant {
            token,
            permissions,
            user,
            origin: origin_str(&self.metadata.origin),
        })
    }
}

fn server_refusal(e: &BasicErrorResponse) -> String {
    let code = e.error().as_ref();
    let mut out = format!("the server refused the code: {code}");
    if let Some(d) = e.error_description() {
        out.push_str(&format!(" ({d})"));
    }
    if code == "invalid_grant" {
        out.push_str("; the code expired or was already used, or the redirect URI or PKCE verifier does not match the authorization request: start a new login");
    } else if code == "invalid_client" {
        out.push_str("; check the client id (your app's page URL) and its redirect_uri links");
    }
    out
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An OAuth login whose redirect URI is a listener on `127.0.0.1`.
///
/// Made by [`OAuth::with_loopback_callback_on`]. A redirect carrying another
/// `state` gets an error page (see [`WrongCallback`]); a refusal gets an error
/// page and ends the login with [`AuthError::OAuthDenied`].
#[derive(Debug)]
pub struct OAuthLoopback {
    authorization: OAuthAuthorization,
    listener: Listener,
    on_wrong: WrongCallback,
}

impl OAuthLoopback {
    /// The URL to open in the user's browser.
    pub fn url(&self) -> &Url {
        self.authorization.url()
    }

    /// The redirect URI, `http://127.0.0.1:PORT/callback`.
    pub fn callback_url(&self) -> &Url {
        self.listener.callback_url()
    }

    /// The underlying authorization (state, verifier).
    pub fn authorization(&self) -> &OAuthAuthorization {
        &self.authorization
    }

    /// Changes what a redirect with another `state` does.
    pub fn on_wrong_callback(mut self, policy: WrongCallback) -> Self {
        self.on_wrong = policy;
        self
    }

    /// Waits up to `timeout` for the browser to come back with the code,
    /// answers it with a "you can close this tab" page, and exchanges the code.
    pub async fn finish(self, timeout: Duration) -> Result<OAuthGrant, AuthError> {
        let OAuthLoopback {
            authorization,
            listener,
            on_wrong,
        } = self;
        let deadline = Instant::now() + timeout;
        let hint = format!(
            "the likely cause is that the redirect URI `{}` is not listed on the client id page \
             `{}`: Misskey only redirects to a URI given there exactly as \
             `<link rel=\"redirect_uri\" href=\"...\">` (same port and path), and otherwise \
             shows an error on its authorization page instead of redirecting; otherwise the user \
             did not authorize in time, or the browser could not reach the callback on 127.0.0.1 \
             (it must run on this machine); start a new login",
            authorization.redirect, authorization.client_id
        );
        let code = listener
            .serve(
                deadline,
                on_wrong,
                WrongCallback::Fail,
                "state",
                || AuthError::Timeout {
                    what: "the browser to come back from the OAuth authorization page",
                    waited: timeout,
                    hint: hint.into(),
                    last_error: None,
                },
                |query| std::future::ready(authorization.judge(query)),
            )
            .await?;
        // The browser is done with the listener: close the port now.
        drop(listener);
        authorization.exchange(&code).await
    }

    /// Like [`finish`](Self::finish), but also stops with
    /// [`AuthError::Cancelled`] when `cancel` completes.
    pub async fn finish_or_cancel<C: Future>(
        self,
        timeout: Duration,
        cancel: C,
    ) -> Result<OAuthGrant, AuthError> {
        or_cancel(self.finish(timeout), cancel, "the OAuth login to finish").await
    }
}
