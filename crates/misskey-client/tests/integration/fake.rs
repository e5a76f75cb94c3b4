//! A fake Misskey on 127.0.0.1 that records what it receives and answers
//! what the test says.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, State};
use axum::http::{HeaderMap, Request, Response, StatusCode};
use axum::Router;
use serde_json::Value;

/// The directory of the real server answers.
pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/misskey-2024.10.1/"
);

/// A fixture file: `{endpoint, request, status, response, ...}`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{FIXTURES}{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The reply recorded in a fixture, as the server sent it.
pub fn fixture_reply(name: &str) -> Reply {
    let f = fixture(name);
    let status = f["status"].as_u64().unwrap() as u16;
    if status == 204 {
        Reply::empty(204)
    } else {
        Reply::json(status, &f["response"])
    }
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    /// The body as JSON (panics if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// Parses a multipart body into its parts, in order.
    pub async fn multipart(&self) -> Vec<FormPart> {
        let mut req = Request::builder().method("POST").uri(&self.path);
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let req = req.body(Body::from(self.body.clone())).unwrap();
        let mut mp = Multipart::from_request(req, &()).await.expect("multipart");
        let mut parts = Vec::new();
        while let Some(field) = mp.next_field().await.expect("field") {
            parts.push(FormPart {
                name: field.name().unwrap_or_default().to_owned(),
                file_name: field.file_name().map(str::to_owned),
                content_type: field.content_type().map(str::to_owned),
                data: field.bytes().await.expect("bytes").to_vec(),
            });
        }
        parts
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct FormPart {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl FormPart {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.data).unwrap()
    }
}

/// What the fake answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply::raw(
            status,
            Some("application/json; charset=utf-8"),
            serde_json::to_vec(value).unwrap(),
        )
    }

    pub fn empty(status: u16) -> Reply {
        Reply::raw(status, None, Vec::new())
    }

    pub fn raw(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: content_type
                .map(|ct| vec![("content-type".to_owned(), ct.to_owned())])
                .unwrap_or_default(),
            body: body.into(),
            delay: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }
}

type Responder = dyn Fn(&Recorded) -> Reply + Send + Sync;

struct Shared {
    log: Mutex<Vec<Recorded>>,
    responder: Box<Responder>,
}

/// A running fake server; stops when the test's runtime ends.
pub struct Fake {
    pub origin: String,
    shared: Arc<Shared>,
}

impl Fake {
    /// Starts a fake that answers every request with `responder`.
    pub async fn start(responder: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Fake {
        let shared = Arc::new(Shared {
            log: Mutex::new(Vec::new()),
            responder: Box::new(responder),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Fake { origin, shared }
    }

    /// Starts a fake that always gives the same answer.
    pub async fn always(reply: Reply) -> Fake {
        Fake::start(move |_| reply.clone()).await
    }

    /// What the fake received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The only request received (panics otherwise).
    pub fn only_request(&self) -> Recorded {
        let mut all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:?}");
        all.remove(0)
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        body,
    };
    shared.log.lock().unwrap().push(recorded.clone());
    let reply = (shared.responder)(&recorded);
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
    for (k, v) in &reply.headers {
        response = response.header(k, v);
    }
    response.body(Body::from(reply.body)).unwrap()
}
