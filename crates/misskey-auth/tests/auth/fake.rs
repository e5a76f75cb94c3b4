//! A fake Misskey on 127.0.0.1 that answers the routes the login flows use,
//! with scripted answers, and records what it received.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/misskey-2024.10.1"
);
pub const OAUTH_METADATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../api-spec/misskey-2024.10.1.oauth-authorization-server.json"
);

/// Reads a fixture file as JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{FIXTURES}/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The approved answer of the real MiAuth check fixture.
pub fn miauth_approved() -> String {
    fixture("miauth-check.json")["after_approval"]["response"].to_string()
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: Option<String>,
    pub body: String,
}

/// A scripted answer: status and body.
pub type Answer = (u16, String);

#[derive(Default)]
pub struct Script {
    /// Answers for `miauth/{session}/check`; `{"ok": false}` when empty.
    pub miauth: VecDeque<Answer>,
    /// Answers for `/.well-known/oauth-authorization-server`; the fixture
    /// (pointed at this server) when empty.
    pub metadata: VecDeque<Answer>,
    /// The PKCE challenge the token endpoint checks the verifier against.
    pub pkce_challenge: Option<String>,
    /// The code the token endpoint accepts.
    pub oauth_code: Option<String>,
    /// The `scope` the token endpoint reports.
    pub oauth_scope: Option<String>,
    /// Answers for the legacy `auth/session/userkey`; PENDING_SESSION when empty.
    pub userkey: VecDeque<Answer>,
    /// Answers for `i`; when empty, the real `i` fixture for the tokens the
    /// fake hands out, `AUTHENTICATION_FAILED` for others.
    pub i: VecDeque<Answer>,
    pub received: Vec<Received>,
}

pub struct Fake {
    pub base: String,
    pub script: Arc<Mutex<Script>>,
}

impl Fake {
    pub async fn start() -> Fake {
        let script = Arc::new(Mutex::new(Script::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/api/miauth/{session}/check", post(miauth_check))
            .route("/.well-known/oauth-authorization-server", get(metadata))
            .route("/oauth/token", post(token))
            .route("/api/app/create", post(app_create))
            .route("/api/auth/session/generate", post(session_generate))
            .route("/api/auth/session/userkey", post(session_userkey))
            .route("/api/i", post(i))
            .fallback(not_found)
            .with_state(AppState {
                script: script.clone(),
                base: base.clone(),
            });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Fake { base, script }
    }

    pub fn push_miauth(&self, status: u16, body: impl Into<String>) {
        self.script
            .lock()
            .unwrap()
            .miauth
            .push_back((status, body.into()));
    }

    pub fn received(&self, prefix: &str) -> Vec<Received> {
        self.script
            .lock()
            .unwrap()
            .received
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

#[derive(Clone)]
struct AppState {
    script: Arc<Mutex<Script>>,
    base: String,
}

fn record(state: &AppState, uri: &Uri, headers: &HeaderMap, body: &Bytes) {
    state.script.lock().unwrap().received.push(Received {
        path: uri.path().to_owned(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: String::from_utf8_lossy(body).into_owned(),
    });
}

fn json(status: u16, body: String) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn api_error(status: u16, code: &str, message: &str) -> Response {
    json(
        status,
        serde_json::json!({"error": {"message": message, "code": code, "id": "00000000-0000-0000-0000-000000000000", "kind": "client"}})
            .to_string(),
    )
}

async fn miauth_check(
    State(state): State<AppState>,
    Path(_session): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &uri, &headers, &body);
    // Like the real server: a form content type is refused by the framework.
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/json") {
        return json(415, r#"{"statusCode":415,"code":"FST_ERR_CTP_INVALID_MEDIA_TYPE","error":"Unsupported Media Type","message":"Unsupported Media Type"}"#.into());
    }
    let next = state.script.lock().unwrap().miauth.pop_front();
    match next {
        Some((status, body)) => json(status, body),
        None => json(200, r#"{"ok":false}"#.into()),
    }
}

async fn metadata(State(state): State<AppState>) -> Response {
    let next = state.script.lock().unwrap().metadata.pop_front();
    if let Some((status, body)) = next {
        return json(status, body);
    }
    let text = std::fs::read_to_string(OAUTH_METADATA).unwrap();
    // The real document names the server it came from; point it here.
    json(200, text.replace("http://127.0.0.1:3000", &state.base))
}

fn b64url_sha256(input: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(input.as_bytes()))
}

async fn token(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &uri, &headers, &body);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let script = state.script.lock().unwrap();
    let oauth_error = |error: &str, description: &str| {
        json(
            400,
            serde_json::json!({"error": error, "error_description": description}).to_string(),
        )
    };
    if get("grant_type").as_deref() != Some("authorization_code") {
        return oauth_error("unsupported_grant_type", "grant_type");
    }
    if get("code") != script.oauth_code {
        return oauth_error("invalid_grant", "unknown code");
    }
    let verifier = get("code_verifier").unwrap_or_default();
    if Some(b64url_sha256(&verifier)) != script.pkce_challenge {
        return oauth_error("invalid_grant", "PKCE verification failed");
    }
    if get("client_id").is_none() || get("redirect_uri").is_none() {
        return oauth_error("invalid_request", "client_id and redirect_uri are required");
    }
    let mut answer = serde_json::json!({"access_token": "OAUTH-TOKEN", "token_type": "Bearer"});
    if let Some(scope) = &script.oauth_scope {
        answer["scope"] = scope.clone().into();
    }
    json(200, answer.to_string())
}

async fn app_create(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &uri, &headers, &body);
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
    json(
        200,
        serde_json::json!({
            "id": "app1",
            "name": request["name"],
            "callbackUrl": request.get("callbackUrl").cloned().unwrap_or(serde_json::Value::Null),
            "permission": request["permission"],
            "secret": "APPSECRET",
            "isAuthorized": false,
        })
        .to_string(),
    )
}

async fn session_generate(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &uri, &headers, &body);
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
    if request["appSecret"] != "APPSECRET" {
        return api_error(400, "NO_SUCH_APP", "No such app.");
    }
    json(
        200,
        serde_json::json!({"token": "SESSIONTOKEN", "url": format!("{}/auth/SESSIONTOKEN", state.base)}).to_string(),
    )
}

async fn session_userkey(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &uri, &headers, &body);
    let next = state.script.lock().unwrap().userkey.pop_front();
    match next {
        Some((status, body)) => json(status, body),
        None => api_error(400, "PENDING_SESSION", "This session is not completed yet."),
    }
}

/// The tokens this fake hands out (MiAuth's fixture and the OAuth exchange).
const KNOWN_TOKENS: [&str; 2] = ["TOKEN-PLACEHOLDER-32-CHARACTERS!", "OAUTH-TOKEN"];

async fn i(State(state): State<AppState>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    record(&state, &uri, &headers, &body);
    let next = state.script.lock().unwrap().i.pop_front();
    if let Some((status, body)) = next {
        return json(status, body);
    }
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer.or(request["i"].as_str()).unwrap_or_default();
    if KNOWN_TOKENS.contains(&token) {
        json(200, fixture("i.json")["response"].to_string())
    } else {
        api_error(403, "AUTHENTICATION_FAILED", "Authentication failed.")
    }
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        api_error(404, "UNKNOWN_API_ENDPOINT", "Unknown API endpoint.")
    } else {
        (StatusCode::NOT_FOUND, "<html>not found</html>").into_response()
    }
}
