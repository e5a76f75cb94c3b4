//! The client and its builder.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use misskey_core::{
    Endpoint, JsonEndpoint, MultipartEndpoint, Paginate, Permission, ResponseShape,
};
use reqwest::header::{
    HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER, USER_AGENT,
};
use reqwest::multipart::Form;
use reqwest::{RequestBuilder, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use tracing::Instrument;

use crate::origin::{normalize_origin, Http};
use crate::pagination::Paginator;
use crate::response::{interpret, parse_retry_after, RawResponse};
use crate::version::Version;
use crate::{AccessToken, Error, TokenPlacement, TransportKind, Upload};

/// The timeout used when none is set and the client builds its own HTTP client.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `User-Agent` sent when none is set and the client builds its own HTTP client.
pub const DEFAULT_USER_AGENT: &str = concat!("misskey-client/", env!("CARGO_PKG_VERSION"));

/// Automatic retries after `429 Too Many Requests`; off unless set with
/// [`ClientBuilder::retry_on_rate_limit`].
///
/// The client waits as long as the server's `Retry-After` says (or, without
/// it, [`default_wait`](Self::default_wait) doubled on each retry), at most
/// [`max_retries`](Self::new) times. When the wait would be longer than
/// `max_wait`, it gives up at once and returns [`Error::RateLimited`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_wait: Duration,
    default_wait: Duration,
}

impl RetryPolicy {
    /// Retries at most `max_retries` times, never waiting longer than
    /// `max_wait` for one retry.
    pub fn new(max_retries: u32, max_wait: Duration) -> Self {
        RetryPolicy {
            max_retries,
            max_wait,
            default_wait: Duration::from_secs(1),
        }
    }

    /// The first wait when the server sends no `Retry-After` (default one
    /// second; doubled on each further retry).
    pub fn default_wait(mut self, wait: Duration) -> Self {
        self.default_wait = wait;
        self
    }

    /// How long to wait before retry number `retry` (0-based), or `None` to give up.
    fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| {
            self.default_wait
                .saturating_mul(2u32.saturating_pow(retry.min(16)))
        });
        (wait <= self.max_wait).then_some(wait)
    }
}

impl Default for RetryPolicy {
    /// Three retries, waiting at most a minute each.
    fn default() -> Self {
        RetryPolicy::new(3, Duration::from_secs(60))
    }
}

enum TimeoutSetting {
    Default,
    Set(Duration),
    Disabled,
}

/// Configures a [`Client`]; made by [`Client::builder`].
pub struct ClientBuilder {
    origin: String,
    token: Option<AccessToken>,
    placement: TokenPlacement,
    timeout: TimeoutSetting,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    http_policy: Http,
    check_version: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("origin", &self.origin)
            .field("token", &self.token)
            .field("placement", &self.placement)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The access token to send with every call: an [`AccessToken`] (such
    /// as the `token` of a `misskey-auth` login grant, taken as it is) or a
    /// string.
    ///
    /// ```no_run
    /// # async fn run(token: misskey_client::AccessToken) -> Result<(), misskey_client::Error> {
    /// use misskey_client::Client;
    /// // `token` as a login grant of misskey-auth hands it out: `grant.token`.
    /// let client = Client::builder("https://misskey.example").token(token).build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn token(mut self, token: impl Into<AccessToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The access token to send, if any (convenient with an `Option` from
    /// configuration).
    pub fn maybe_token(mut self, token: Option<impl Into<AccessToken>>) -> Self {
        self.token = token.map(Into::into);
        self
    }

    /// Where the token goes: the JSON body's `i` (the default) or an
    /// `Authorization: Bearer` header.
    pub fn token_placement(mut self, placement: TokenPlacement) -> Self {
        self.placement = placement;
        self
    }

    /// Sends the token as `Authorization: Bearer <token>` instead of `i`.
    pub fn bearer_auth(self) -> Self {
        self.token_placement(TokenPlacement::BearerHeader)
    }

    /// The time a whole call may take, from connecting to the end of the
    /// answer (uploads included). Defaults to [`DEFAULT_TIMEOUT`], or to the
    /// supplied HTTP client's own setting when one is given with
    /// [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = TimeoutSetting::Set(timeout);
        self
    }

    /// Lets calls take as long as they take.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = TimeoutSetting::Disabled;
        self
    }

    /// The `User-Agent` header. Defaults to [`DEFAULT_USER_AGENT`], or to the
    /// supplied HTTP client's own setting when one is given.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this HTTP client (with its own proxy, TLS and pool settings)
    /// instead of building one. Note that reqwest's default redirect policy
    /// turns a redirected `POST` into a `GET`; the client this crate builds
    /// follows no redirects and reports them instead.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Accepts a plain `http://` origin on any host, for a server on a
    /// private network you trust (a Docker network, a LAN). By default plain
    /// `http` is accepted only for loopback hosts, because the token (and
    /// everything else) would cross the network unencrypted.
    pub fn allow_insecure_http(mut self) -> Self {
        self.http_policy = Http::Anywhere;
        self
    }

    /// Refuses, before sending, a call to an endpoint the server's version
    /// does not have (off by default).
    ///
    /// When on, the first call to an endpoint that declares
    /// [`Endpoint::SINCE`] or [`Endpoint::UNTIL`] asks the server's `meta`
    /// for its `version` (once; the answer is kept for the client and its
    /// clones), and a call the version rules out fails with
    /// [`Error::UnsupportedByServer`] naming the endpoint, the server's
    /// version and the first version that has (or no longer has) it.
    /// Calls to endpoints that declare neither, and untyped calls, are not
    /// checked and do not fetch `meta`.
    ///
    /// Versions compare by their leading numbers (`2024.10.1`; the old
    /// `13.x` scheme sorts below the calendar versions). A suffix such as
    /// `-beta.2` or `-rc.1` is a pre-release of that version; any other
    /// suffix, such as misskey.io's `2025.4.1-mhq.13` or a fork's build tag,
    /// is a build of that release and counts as it. Only certain cases are
    /// refused: a pre-release of the version that added (or removed) an
    /// endpoint is let through, and so is every call when the server sends
    /// no `version`, or one that does not start with a number (forks with
    /// their own numbering, such as Sharkey's, are compared as numbers
    /// too, which is only meaningful if the endpoint's versions come from
    /// that fork's specs).
    pub fn check_server_version(mut self, check: bool) -> Self {
        self.check_version = check;
        self
    }

    /// Retries calls answered with `429 Too Many Requests` (off by default).
    pub fn retry_on_rate_limit(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOrigin`] when the origin is not usable,
    /// [`Error::InvalidToken`] when the token is empty or contains whitespace
    /// or control characters, [`Error::Build`] when the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let origin = normalize_origin(&self.origin, self.http_policy)?;
        if let Some(token) = &self.token {
            check_token(token)?;
        }
        let bearer = match (&self.token, self.placement) {
            (Some(token), TokenPlacement::BearerHeader) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                    .map_err(|_| Error::InvalidToken {
                        problem: "it cannot be sent in an HTTP header".into(),
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            _ => None,
        };
        let user_agent = match &self.user_agent {
            Some(ua) => Some(HeaderValue::from_str(ua).map_err(|_| Error::Build {
                problem: format!(
                    "the user agent {ua:?} is not a valid header value (use printable ASCII)"
                ),
                source: None,
            })?),
            None => None,
        };
        let (http, timeout, per_request_user_agent) = match self.http {
            Some(http) => {
                let timeout = match self.timeout {
                    TimeoutSetting::Set(t) => Some(t),
                    TimeoutSetting::Default | TimeoutSetting::Disabled => None,
                };
                (http, timeout, user_agent)
            }
            None => {
                let timeout = match self.timeout {
                    TimeoutSetting::Default => Some(DEFAULT_TIMEOUT),
                    TimeoutSetting::Set(t) => Some(t),
                    TimeoutSetting::Disabled => None,
                };
                let ua = user_agent.unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT));
                let http = reqwest::Client::builder()
                    .user_agent(ua)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|source| Error::Build {
                        problem: crate::error::chain_text(&source),
                        source: Some(source),
                    })?;
                (http, timeout, None)
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                origin,
                token: self.token,
                placement: self.placement,
                bearer,
                timeout,
                user_agent: per_request_user_agent,
                retry: self.retry,
                check_version: self.check_version,
                server_version: tokio::sync::OnceCell::new(),
            }),
        })
    }
}

fn check_token(token: &AccessToken) -> Result<(), Error> {
    let text = token.expose_secret();
    if text.is_empty() {
        return Err(Error::InvalidToken {
            problem: "it is empty".into(),
        });
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidToken {
            problem: "it contains whitespace or control characters \
                      (a trailing newline read from a file or environment variable?)"
                .into(),
        });
    }
    Ok(())
}

/// A Misskey API client: cheap to clone (clones share the connection pool).
///
/// ```no_run
/// # async fn run() -> Result<(), misskey_client::Error> {
/// use misskey_client::Client;
/// let client = Client::builder("https://misskey.example").token("...").build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    origin: Url,
    token: Option<AccessToken>,
    placement: TokenPlacement,
    bearer: Option<HeaderValue>,
    timeout: Option<Duration>,
    user_agent: Option<HeaderValue>,
    retry: Option<RetryPolicy>,
    check_version: bool,
    /// The `version` from `meta`, fetched once when needed (`None`: not sent).
    server_version: tokio::sync::OnceCell<Option<String>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.origin())
            .field("token", &self.inner.token)
            .field("placement", &self.inner.placement)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("check_server_version", &self.inner.check_version)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client without a token and with default settings.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOrigin`] when `origin` is not usable (see
    /// [`Client::builder`]).
    pub fn new(origin: impl Into<String>) -> Result<Client, Error> {
        Client::builder(origin).build()
    }

    /// Starts configuring a client for the server at `origin`.
    ///
    /// The origin is checked and normalised by [`ClientBuilder::build`] with
    /// [`parse_origin`](crate::parse_origin), the same rules the login flows
    /// of `misskey-auth` use: `misskey.example`, `https://misskey.example/`
    /// and `https://misskey.example/api` all mean `https://misskey.example`;
    /// plain `http` only for loopback hosts (unless
    /// [`allow_insecure_http`](ClientBuilder::allow_insecure_http)); another
    /// scheme, a query, user info or another path is refused with a message
    /// saying how to fix it.
    pub fn builder(origin: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            origin: origin.into(),
            token: None,
            placement: TokenPlacement::default(),
            timeout: TimeoutSetting::Default,
            user_agent: None,
            http: None,
            retry: None,
            http_policy: Http::LoopbackOnlyUnlessAllowed,
            check_version: false,
        }
    }

    /// The normalised origin, such as `https://misskey.example`.
    pub fn origin(&self) -> &str {
        self.inner.origin.as_str().trim_end_matches('/')
    }

    /// The URL an endpoint is called at, such as `https://misskey.example/api/notes/create`.
    pub fn endpoint_url(&self, path: &str) -> String {
        format!("{}api/{}", self.inner.origin.as_str(), path)
    }

    /// Whether the client has an access token.
    pub fn has_token(&self) -> bool {
        self.inner.token.is_some()
    }

    /// The access token the client sends, if it has one.
    ///
    /// For code that talks to the same server by other means with the same
    /// credential, such as the streaming client opening its WebSocket. The
    /// token stays redacted unless the caller exposes it.
    pub fn token(&self) -> Option<&AccessToken> {
        self.inner.token.as_ref()
    }

    /// Calls an endpoint and decodes its answer.
    ///
    /// The request is sent as a JSON object (`{}` when it has no fields) to
    /// `POST {origin}/api/{PATH}`, with the token as `i` or as a bearer
    /// header. A `204` answer decodes the response from JSON `null`, which
    /// gives `()` or `None`.
    ///
    /// It takes the endpoints whose request is a JSON object
    /// ([`JsonEndpoint`]); an endpoint that takes a file is sent with
    /// [`upload`](Self::upload), and calling `request` with one does not
    /// compile:
    ///
    /// ```compile_fail,E0277
    /// # async fn run(client: misskey_client::Client) {
    /// use misskey_api::endpoints::drive;
    /// let _ = client.request(&drive::files::create::Request::default()).await;
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// See [`Error`]. [`Error::MissingCredential`] is returned without
    /// sending anything when the endpoint requires a credential and the
    /// client has no token. [`Error::WrongMethod`] (nothing sent) when a
    /// hand-written endpoint says it is a [`JsonEndpoint`] and also that it
    /// is [`MULTIPART`](Endpoint::MULTIPART).
    pub async fn request<E: JsonEndpoint>(&self, request: &E) -> Result<E::Response, Error> {
        if E::MULTIPART {
            return Err(Error::WrongMethod {
                endpoint: E::PATH.into(),
                problem: "takes a file as multipart/form-data",
                use_instead: "upload",
            });
        }
        let target = Target::of::<E>();
        let body = request_object(&target, request)?;
        self.send_json(&target, body).await
    }

    /// Calls any endpoint by name, for what the generated bindings do not
    /// cover: a fork's endpoint, a newer server's, or a field the bindings
    /// lack. Like misskey-js's `api.request(name, params)`.
    ///
    /// `params` is anything that serializes to a JSON object (usually
    /// `serde_json::json!({...})`; `()` sends `{}`), and the answer decodes
    /// into any `T`: [`serde_json::Value`], or your own type. A `204` answer
    /// decodes `T` from JSON `null` (so `()`, `Option<_>` and `Value` accept
    /// it). It goes through the same code as [`request`](Self::request): the
    /// token (as `i` or a bearer header), errors, rate-limit retries and
    /// tracing are the same. What an untyped call cannot know about the
    /// endpoint, it does not check: it sends the call without a token if the
    /// client has none (the server answers `CREDENTIAL_REQUIRED`), and a
    /// `PERMISSION_DENIED` error cannot name the permission. Multipart
    /// endpoints need a hand-written [`Endpoint`] and [`upload`](Self::upload).
    ///
    /// ```no_run
    /// # async fn run(client: misskey_client::Client) -> Result<(), misskey_client::Error> {
    /// use serde_json::{json, Value};
    /// let note: Value = client.call("notes/show", json!({"noteId": "9zzz"})).await?;
    /// println!("{}", note["text"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`request`](Self::request), plus [`Error::InvalidEndpointName`]
    /// (nothing sent) when `name` cannot be an endpoint name.
    pub async fn call<T: DeserializeOwned>(
        &self,
        name: impl Into<Cow<'static, str>>,
        params: impl Serialize,
    ) -> Result<T, Error> {
        let target = Target::untyped(name.into())?;
        let body = request_object(&target, &params)?;
        self.send_json(&target, body).await
    }

    /// The server's version, as its `meta` reports it (such as `2024.10.1`),
    /// or `None` when it does not say. Asked once per client (clones share
    /// the answer); a failed attempt is not kept, so the next call asks again.
    ///
    /// # Errors
    ///
    /// The error of the `meta` call.
    pub async fn server_version(&self) -> Result<Option<&str>, Error> {
        let version = self
            .inner
            .server_version
            .get_or_try_init(|| async {
                #[derive(serde::Deserialize)]
                struct Meta {
                    #[serde(default)]
                    version: Option<String>,
                }
                let target = Target::untyped(Cow::Borrowed("meta"))?;
                let mut body = Map::new();
                body.insert("detail".into(), Value::Bool(false));
                let meta: Meta = self.send_json_unchecked(&target, body).await?;
                Ok::<_, Error>(meta.version)
            })
            .await?;
        Ok(version.as_deref())
    }

    /// With [`ClientBuilder::check_server_version`], refuses an endpoint
    /// the server's version certainly does not have.
    async fn check_available(&self, target: &Target) -> Result<(), Error> {
        if !self.inner.check_version || (target.since.is_none() && target.until.is_none()) {
            return Ok(());
        }
        let Some(server) = self.server_version().await? else {
            return Ok(());
        };
        let Some(version) = Version::parse(server) else {
            tracing::debug!(
                endpoint = &*target.path,
                server_version = server,
                "not checking the endpoint's versions: the server's version is not numbered"
            );
            return Ok(());
        };
        let since = target.since.and_then(Version::parse);
        let until = target.until.and_then(Version::parse);
        if version.lacks(since.as_ref(), until.as_ref()) {
            tracing::debug!(
                endpoint = &*target.path,
                server_version = server,
                "not calling: the server's version does not have the endpoint"
            );
            return Err(Error::UnsupportedByServer {
                endpoint: target.path.clone(),
                server_version: server.to_owned(),
                since: target.since,
                until: target.until,
            });
        }
        Ok(())
    }

    /// Sends a JSON call: the part shared by typed and untyped calls.
    async fn send_json<T: DeserializeOwned>(
        &self,
        target: &Target,
        body: Map<String, Value>,
    ) -> Result<T, Error> {
        self.check_credential(target)?;
        self.check_available(target).await?;
        self.send_json_unchecked(target, body).await
    }

    async fn send_json_unchecked<T: DeserializeOwned>(
        &self,
        target: &Target,
        mut body: Map<String, Value>,
    ) -> Result<T, Error> {
        if let (Some(token), TokenPlacement::Body) = (&self.inner.token, self.inner.placement) {
            body.insert("i".into(), Value::String(token.expose_secret().to_owned()));
        }
        let body = Bytes::from(
            serde_json::to_vec(&body).map_err(|source| Error::Serialize {
                endpoint: target.path.clone(),
                source,
            })?,
        );
        let span = tracing::debug_span!(
            "misskey_request",
            endpoint = &*target.path,
            multipart = false,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        self.exchange::<T>(target, true, || {
            Ok(self
                .post(&target.path)
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone()))
        })
        .instrument(span)
        .await
    }

    /// Uploads a file to a multipart endpoint such as `drive/files/create`.
    ///
    /// The request's fields become form fields: it is serialized to a JSON
    /// object, strings are sent as they are, numbers and booleans as their
    /// JSON text (Misskey parses those back), arrays and objects as JSON
    /// text, and `null` fields are left out — Misskey only converts
    /// number and boolean form fields, so a `null` would arrive as the text
    /// `"null"`; every nullable field of `drive/files/create` defaults to
    /// `null` anyway. The token, in body mode, is the form field `i`. The
    /// fields come before the `file` part, because Misskey's multipart
    /// parser only sees fields sent before the file.
    ///
    /// # Errors
    ///
    /// It takes the endpoints that take a file ([`MultipartEndpoint`]); the
    /// file is sent as the first of their
    /// [`FILE_FIELDS`](MultipartEndpoint::FILE_FIELDS) (`file` when a
    /// hand-written endpoint lists none).
    ///
    /// ```no_run
    /// # async fn run(client: misskey_client::Client) -> Result<(), misskey_client::Error> {
    /// use misskey_api::endpoints::drive;
    /// use misskey_client::Upload;
    /// let request = drive::files::create::Request::default();
    /// let file = client.upload(&request, Upload::from_bytes(&b"GIF89a"[..])).await?;
    /// println!("{}", file.id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Client::request`], plus [`Error::WrongMethod`] (nothing sent)
    /// when a hand-written endpoint says it is a [`MultipartEndpoint`] but
    /// not [`MULTIPART`](Endpoint::MULTIPART), and [`Error::Upload`] when
    /// the file or stream cannot be read.
    pub async fn upload<E: MultipartEndpoint>(
        &self,
        request: &E,
        mut upload: Upload,
    ) -> Result<E::Response, Error> {
        if !E::MULTIPART {
            return Err(Error::WrongMethod {
                endpoint: E::PATH.into(),
                problem: "does not take a file (it is not a multipart endpoint)",
                use_instead: "request",
            });
        }
        let target = Target::of::<E>();
        self.check_credential(&target)?;
        self.check_available(&target).await?;
        let fields = request_object(&target, request)?;
        let span = tracing::debug_span!(
            "misskey_request",
            endpoint = E::PATH,
            multipart = true,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let file_part = E::FILE_FIELDS.first().copied().unwrap_or("file");
        let read_error: Arc<Mutex<Option<io::Error>>> = Arc::default();
        let repeatable = upload.is_repeatable();
        let path = upload.path().map(|p| p.to_path_buf());
        let result = self
            .exchange::<E::Response>(&target, repeatable, || {
                let mut form = Form::new();
                if let (Some(token), TokenPlacement::Body) =
                    (&self.inner.token, self.inner.placement)
                {
                    form = form.text("i", token.expose_secret().to_owned());
                }
                for (name, value) in &fields {
                    let text = match value {
                        Value::Null => continue,
                        // The file itself is the part below.
                        _ if E::FILE_FIELDS.contains(&name.as_str()) || name == file_part => {
                            continue
                        }
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    form = form.text(name.clone(), text);
                }
                form = form.part(file_part, upload.make_part(E::PATH, &read_error)?);
                Ok(self.post(E::PATH).multipart(form))
            })
            .instrument(span)
            .await;
        let read_failure = read_error.lock().unwrap_or_else(|p| p.into_inner()).take();
        match (result, read_failure) {
            (Err(Error::Transport { .. }), Some(source)) => Err(Error::Upload {
                endpoint: Some(E::PATH.into()),
                path,
                source,
            }),
            (result, _) => result,
        }
    }

    /// Walks every page of a paginated endpoint as a stream of items.
    ///
    /// Like [`request`](Self::request) and [`upload`](Self::upload), it
    /// borrows the request (the paginator keeps its own copy, whose cursor it
    /// moves), so one request value can be sent, walked and reused.
    ///
    /// Newest to oldest with `untilId`, or, when the request sets `sinceId`,
    /// from there to the newest. See [`Paginator`] for the details; the
    /// requests that qualify implement [`misskey_core::Paginate`] (every
    /// generated request with `sinceId`/`untilId` whose response is a list of
    /// items with an id does).
    ///
    /// ```no_run
    /// # use misskey_client::{Client, Error};
    /// # use misskey_core::{HasId, Paginate};
    /// # async fn run<R>(client: Client, request: R) -> Result<(), Error>
    /// # where R: Paginate + Send + Sync + 'static, R::Item: Send + 'static {
    /// use futures_util::TryStreamExt;
    /// let mut items = client.paginate(&request).max_items(1000);
    /// while let Some(item) = items.try_next().await? {
    ///     println!("{:?}", item.id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn paginate<R>(&self, request: &R) -> Paginator<R::Item>
    where
        R: Paginate + Send + Sync + 'static,
        R::Item: Send + 'static,
    {
        Paginator::new(self.clone(), request.clone())
    }

    fn check_credential(&self, target: &Target) -> Result<(), Error> {
        if target.requires_credential && self.inner.token.is_none() {
            tracing::debug!(
                endpoint = &*target.path,
                "not calling: the endpoint requires a credential"
            );
            return Err(Error::MissingCredential {
                endpoint: target.path.clone(),
            });
        }
        Ok(())
    }

    fn post(&self, path: &str) -> RequestBuilder {
        let mut builder = self.inner.http.post(self.endpoint_url(path));
        if let Some(bearer) = &self.inner.bearer {
            builder = builder.header(AUTHORIZATION, bearer.clone());
        }
        if let Some(ua) = &self.inner.user_agent {
            builder = builder.header(USER_AGENT, ua.clone());
        }
        if let Some(timeout) = self.inner.timeout {
            builder = builder.timeout(timeout);
        }
        builder
    }

    /// Sends what `make` builds, retrying on 429 when configured (and
    /// `repeatable`), and interprets the answer.
    async fn exchange<T: DeserializeOwned>(
        &self,
        target: &Target,
        repeatable: bool,
        mut make: impl FnMut() -> Result<RequestBuilder, Error>,
    ) -> Result<T, Error> {
        let mut retry = 0;
        loop {
            let result = self.send_once::<T>(target, make()?).await;
            let wait = match (&result, &self.inner.retry) {
                (Err(Error::RateLimited { retry_after, .. }), Some(policy)) if repeatable => {
                    policy.wait(retry, *retry_after)
                }
                _ => None,
            };
            match wait {
                Some(wait) => {
                    tracing::info!(
                        endpoint = &*target.path,
                        retry = retry + 1,
                        wait_ms = wait.as_millis() as u64,
                        "rate limited; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                None => return result,
            }
        }
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        target: &Target,
        builder: RequestBuilder,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let transport = |source: reqwest::Error| {
            let kind = TransportKind::of(&source);
            tracing::debug!(
                endpoint = &*target.path,
                duration_ms = started.elapsed().as_millis() as u64,
                error = %kind,
                "no answer"
            );
            Error::Transport {
                endpoint: target.path.clone(),
                kind,
                source,
            }
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let location = header(LOCATION);
        let retry_after = header(RETRY_AFTER)
            .as_deref()
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = response.bytes().await.map_err(transport)?;
        let duration_ms = started.elapsed().as_millis() as u64;
        let span = tracing::Span::current();
        span.record("status", status.as_u16());
        span.record("duration_ms", duration_ms);
        tracing::debug!(
            endpoint = &*target.path,
            status = status.as_u16(),
            duration_ms,
            "answer"
        );
        interpret::<T>(
            &target.path,
            target.permission.as_ref(),
            target.shape,
            &RawResponse {
                status,
                content_type: content_type.as_deref(),
                retry_after,
                location: location.as_deref(),
                body: &body,
            },
        )
    }
}

/// What a call needs to know about its endpoint: from the [`Endpoint`]
/// constants for typed calls, the safe minimum for untyped ones.
struct Target {
    path: Cow<'static, str>,
    requires_credential: bool,
    permission: Option<Permission>,
    shape: ResponseShape,
    since: Option<&'static str>,
    until: Option<&'static str>,
}

impl Target {
    fn of<E: Endpoint>() -> Self {
        Target {
            path: Cow::Borrowed(E::PATH),
            requires_credential: E::REQUIRES_CREDENTIAL,
            permission: E::PERMISSION,
            shape: E::RESPONSE_SHAPE,
            since: E::SINCE,
            until: E::UNTIL,
        }
    }

    /// An endpoint known only by name: nothing is refused before sending, and
    /// both a body and `204` are accepted.
    fn untyped(name: Cow<'static, str>) -> Result<Self, Error> {
        if let Some(problem) = endpoint_name_problem(&name) {
            return Err(Error::InvalidEndpointName { name, problem });
        }
        Ok(Target {
            path: name,
            requires_credential: false,
            permission: None,
            shape: ResponseShape::JsonOrEmpty,
            since: None,
            until: None,
        })
    }
}

/// Why `name` cannot be the name of a Misskey endpoint, if it cannot.
fn endpoint_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it is empty");
    }
    if name.starts_with('/') {
        return Some("it starts with `/`; leave out the leading slash");
    }
    if name.starts_with("api/") {
        return Some("it starts with `api/`; leave that out, the client adds it");
    }
    if name.contains("://") {
        return Some("it is a URL; the origin is set on the client");
    }
    if name.ends_with('/') || name.contains("//") {
        return Some("it has an empty path segment");
    }
    if name
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Some("it has a `.` or `..` segment");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
    {
        return Some("it contains characters other than letters, digits, `/`, `-`, `_` and `.`");
    }
    None
}

/// Serializes a request to the JSON object that is sent (`{}` for a request
/// without fields).
fn request_object(target: &Target, request: &impl Serialize) -> Result<Map<String, Value>, Error> {
    let serialize_error = |source| Error::Serialize {
        endpoint: target.path.clone(),
        source,
    };
    match serde_json::to_value(request).map_err(serialize_error)? {
        Value::Object(map) => Ok(map),
        // A unit struct (or `()`) serializes as `null`; Misskey wants `{}`.
        Value::Null => Ok(Map::new()),
        other => Err(serialize_error(
            <serde_json::Error as serde::ser::Error>::custom(format!(
                "a request must serialize to a JSON object, not {}",
                match other {
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::String(_) => "a string",
                    _ => "an array",
                }
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_policy_waits() {
        let p = RetryPolicy::new(2, Duration::from_secs(10)).default_wait(Duration::from_secs(1));
        assert_eq!(p.wait(0, None), Some(Duration::from_secs(1)));
        assert_eq!(p.wait(1, None), Some(Duration::from_secs(2)));
        assert_eq!(p.wait(2, None), None);
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(5))),
            Some(Duration::from_secs(5))
        );
        assert_eq!(p.wait(0, Some(Duration::from_secs(11))), None);
    }

    #[test]
    fn endpoint_names_are_checked() {
        for ok in ["notes/create", "i", "admin/roles/assign", "fork.ext/x-y_z"] {
            assert_eq!(endpoint_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/notes/create",
            "api/notes/create",
            "https://misskey.example/api/i",
            "notes/",
            "notes//create",
            "../admin",
            "notes/create?x=1",
            "notes create",
        ] {
            assert!(endpoint_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_checked() {
        for bad in ["", "abc\n", "a b"] {
            let err = Client::builder("https://misskey.example")
                .token(bad)
                .build()
                .unwrap_err();
            assert!(matches!(err, Error::InvalidToken { .. }), "{err:?}");
        }
    }

    #[test]
    fn debug_hides_the_token() {
        let client = Client::builder("https://misskey.example")
            .token("SECRET-TOKEN")
            .bearer_auth()
            .build()
            .unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains("SECRET-TOKEN"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        let builder = Client::builder("x.example").token("SECRET-TOKEN");
        assert!(!format!("{builder:?}").contains("SECRET-TOKEN"));
    }
}
