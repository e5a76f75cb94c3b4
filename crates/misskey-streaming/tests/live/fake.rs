//! A fake Misskey on 127.0.0.1: a WebSocket server (tokio-tungstenite)
//! driven by the test, and a REST server (axum) for backfill.

// The handshake callback's error type is tungstenite's.
#![allow(clippy::result_large_err)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

pub const TOKEN: &str = "s3cr3t-T0KEN-value";

/// What the fake's socket does next.
pub enum Ctl {
    Text(String),
    Ping,
    /// Close with 1012 (service restart), as a restarting server does.
    Restart,
    /// Stop reading and writing but keep the TCP connection open.
    Silence,
}

/// One accepted WebSocket connection.
pub struct Conn {
    pub uri: String,
    pub authorization: Option<String>,
    frames: mpsc::UnboundedReceiver<Value>,
    ctl: mpsc::UnboundedSender<Ctl>,
}

impl Conn {
    /// The next frame the client sent (a pong shows as `{"type": "PONG"}`,
    /// a ping as `{"type": "PING"}`).
    pub async fn recv(&mut self) -> Value {
        tokio::time::timeout(Duration::from_secs(10), self.frames.recv())
            .await
            .expect("the client sent nothing within 10 s")
            .expect("the connection ended")
    }

    /// The next frame of type `kind`, skipping others.
    pub async fn expect(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.recv().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Whether the client sends nothing (but pongs) for `wait`.
    pub async fn quiet_for(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.frames.recv()).await {
                Err(_) | Ok(None) => return None,
                Ok(Some(f)) if f["type"] == "PONG" || f["type"] == "PING" => continue,
                Ok(Some(f)) => return Some(f),
            }
        }
    }

    pub fn send(&self, frame: Value) {
        self.send_text(frame.to_string());
    }

    pub fn send_text(&self, text: impl Into<String>) {
        let _ = self.ctl.send(Ctl::Text(text.into()));
    }

    pub fn event(&self, id: &str, kind: &str, body: Value) {
        self.send(json!({"type": "channel", "body": {"id": id, "type": kind, "body": body}}));
    }

    pub fn ctl(&self, ctl: Ctl) {
        let _ = self.ctl.send(ctl);
    }
}

pub struct Fake {
    pub origin: String,
    conns: mpsc::UnboundedReceiver<Conn>,
}

impl Fake {
    /// Starts the WebSocket fake. It answers `connect` with `connected`
    /// like Misskey, except for a channel named `noSuchChannel`.
    pub async fn start() -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let (conn_tx, conns) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let conn_tx = conn_tx.clone();
                tokio::spawn(async move {
                    let seen = Arc::new(Mutex::new((String::new(), None::<String>)));
                    let seen2 = seen.clone();
                    let callback = move |req: &Request, res: Response| {
                        let auth = req
                            .headers()
                            .get("authorization")
                            .map(|v| v.to_str().unwrap().to_owned());
                        *seen2.lock().unwrap() = (req.uri().to_string(), auth);
                        Ok(res)
                    };
                    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await
                    else {
                        return;
                    };
                    let (uri, authorization) = seen.lock().unwrap().clone();
                    let (frames_tx, frames) = mpsc::unbounded_channel();
                    let (ctl, mut ctl_rx) = mpsc::unbounded_channel();
                    let _ = conn_tx.send(Conn {
                        uri,
                        authorization,
                        frames,
                        ctl,
                    });
                    loop {
                        tokio::select! {
                            msg = ws.next() => match msg {
                                Some(Ok(Message::Text(t))) => {
                                    let frame: Value = serde_json::from_str(&t).unwrap_or(Value::String(t.to_string()));
                                    if frame["type"] == "connect"
                                        && frame["body"]["pong"] == true
                                        && frame["body"]["channel"] != "noSuchChannel"
                                    {
                                        let reply = json!({"type": "connected", "body": {"id": frame["body"]["id"]}});
                                        let _ = ws.send(Message::text(reply.to_string())).await;
                                    }
                                    let _ = frames_tx.send(frame);
                                }
                                Some(Ok(Message::Pong(_))) => {
                                    let _ = frames_tx.send(json!({"type": "PONG"}));
                                }
                                Some(Ok(Message::Ping(_))) => {
                                    // tungstenite answers it; tell the test it came.
                                    let _ = frames_tx.send(json!({"type": "PING"}));
                                }
                                Some(Ok(_)) => {}
                                _ => return,
                            },
                            ctl = ctl_rx.recv() => match ctl {
                                Some(Ctl::Text(t)) => { let _ = ws.send(Message::text(t)).await; }
                                Some(Ctl::Ping) => { let _ = ws.send(Message::Ping(Default::default())).await; }
                                Some(Ctl::Restart) => {
                                    let _ = ws.close(Some(CloseFrame { code: CloseCode::Restart, reason: "restarting".into() })).await;
                                    return;
                                }
                                Some(Ctl::Silence) => {
                                    // Keep the socket open, never read or answer again.
                                    let _keep = ws;
                                    std::future::pending::<()>().await;
                                    return;
                                }
                                None => return,
                            }
                        }
                    }
                });
            }
        });
        Fake { origin, conns }
    }

    /// The next connection the client opens.
    pub async fn accept(&mut self) -> Conn {
        tokio::time::timeout(Duration::from_secs(15), self.conns.recv())
            .await
            .expect("no connection within 15 s")
            .unwrap()
    }
}

/// A fake REST API serving timeline-like lists from `notes`, paginated by
/// `sinceId` (oldest first) or newest first without it, like Misskey.
pub struct Rest {
    pub origin: String,
    pub notes: Arc<Mutex<Vec<Value>>>,
    pub calls: Arc<Mutex<Vec<Value>>>,
}

impl Rest {
    pub async fn start() -> Rest {
        let notes: Arc<Mutex<Vec<Value>>> = Arc::default();
        let calls: Arc<Mutex<Vec<Value>>> = Arc::default();
        let (n, c) = (notes.clone(), calls.clone());
        let handler = move |axum::extract::Path(endpoint): axum::extract::Path<String>,
                            body: String| {
            let (notes, calls) = (n.clone(), c.clone());
            async move {
                let req: Value = serde_json::from_str(&body).unwrap_or_default();
                calls
                    .lock()
                    .unwrap()
                    .push(json!({"endpoint": endpoint, "body": req}));
                let limit = req["limit"].as_u64().unwrap_or(10) as usize;
                let mut all: Vec<Value> = notes.lock().unwrap().clone();
                all.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
                let page: Vec<Value> = match req["sinceId"].as_str() {
                    Some(since) => all
                        .into_iter()
                        .filter(|n| n["id"].as_str().unwrap() > since)
                        .take(limit)
                        .collect(),
                    None => all.into_iter().rev().take(limit).collect(),
                };
                axum::Json(Value::Array(page))
            }
        };
        let app = axum::Router::new().route("/api/{*endpoint}", axum::routing::post(handler));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Rest {
            origin,
            notes,
            calls,
        }
    }
}

/// A real note body from the recorded session, with another id and text.
pub fn note(id: &str, text: &str) -> Value {
    let session =
        include_str!("../../../../tests/fixtures/misskey-2024.10.1/streaming-session.jsonl");
    let mut body = session
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["msg"]["body"]["type"] == "note")
        .unwrap()["msg"]["body"]["body"]
        .clone();
    body["id"] = json!(id);
    body["text"] = json!(text);
    body
}
