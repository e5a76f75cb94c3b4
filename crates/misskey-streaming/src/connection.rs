//! The task that owns the WebSocket: it routes frames to the handles'
//! queues, keeps the connection alive, and reconnects.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use misskey_core::AccessToken;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tracing::{debug, debug_span, info, info_span, trace, warn, Instrument, Span};

use crate::frame::{ClientFrame, FrameHead};
use crate::queue::{Item, Queue};
use crate::stream::{Config, TokenPlacement};
use crate::Error;

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The largest frame accepted: far above any real note (a note with 16
/// files and a long text is under 100 KiB), low enough that a hostile
/// server cannot make the client buffer without bound.
pub(crate) const MAX_FRAME_BYTES: usize = 16 << 20;

/// What handles ask of the task.
pub(crate) enum Command {
    Open {
        sub: u64,
        name: &'static str,
        shared: bool,
        params: Value,
        queue: Queue,
        confirmed: Option<oneshot::Sender<()>>,
    },
    Message {
        sub: u64,
        kind: String,
        body: Value,
        reply: oneshot::Sender<Result<(), Error>>,
    },
    Capture {
        sub: u64,
        note: String,
        read: bool,
        queue: Queue,
    },
    Broadcasts {
        sub: u64,
        queue: Queue,
    },
    ReadNotifications {
        reply: oneshot::Sender<Result<(), Error>>,
    },
    /// A handle was dropped.
    Close {
        sub: u64,
    },
}

struct Wire {
    name: &'static str,
    params: Value,
    subs: Vec<(u64, Queue)>,
    confirmed: bool,
    waiting: Vec<oneshot::Sender<()>>,
    opened: Instant,
    span: Span,
}

struct Captured {
    read: bool,
    subs: Vec<(u64, Queue)>,
}

enum Target {
    Wire(String),
    Note(String),
    Broadcasts,
}

pub(crate) struct Task {
    cfg: Arc<Config>,
    rx: mpsc::UnboundedReceiver<Command>,
    wires: HashMap<String, Wire>,
    notes: HashMap<String, Captured>,
    broadcasts: Vec<(u64, Queue)>,
    targets: HashMap<u64, Target>,
    next_wire: u64,
}

enum Exit {
    /// Every handle and the `Stream` were dropped.
    Shutdown,
    /// The socket is gone; reconnect.
    Dropped(String),
}

enum ReconnectEnd {
    Shutdown,
    GaveUp(String),
}

/// Opens the WebSocket: the token in the `Authorization` header (or the
/// `i` query parameter), never in a log line or an error message.
///
/// The HTTP upgrade is written here rather than by the WebSocket library,
/// whose handshake logs the whole request, headers and URL included, at
/// trace level.
pub(crate) async fn open_socket(cfg: &Config) -> Result<Socket, Error> {
    match tokio::time::timeout(cfg.connect_timeout, handshake(cfg)).await {
        Err(_) => Err(Error::Connect {
            origin: cfg.origin.clone(),
            reason: format!("no answer within {:?}", cfg.connect_timeout),
        }),
        Ok(result) => result,
    }
}

async fn handshake(cfg: &Config) -> Result<Socket, Error> {
    let fail = |reason: String| Error::Connect {
        origin: cfg.origin.clone(),
        reason: redact(&reason, cfg.token.as_ref()),
    };
    let url = &cfg.url;
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let connect_host = host.trim_start_matches('[').trim_end_matches(']');
    let tcp = TcpStream::connect((connect_host, port))
        .await
        .map_err(|e| fail(format!("cannot reach {host}:{port} ({e})")))?;
    let _ = tcp.set_nodelay(true);
    let mut stream = if url.scheme() == "wss" {
        let name = rustls::pki_types::ServerName::try_from(connect_host.to_owned())
            .map_err(|e| fail(format!("`{host}` is not a valid TLS server name ({e})")))?;
        let tls = tokio_rustls::TlsConnector::from(tls_config()?)
            .connect(name, tcp)
            .await
            .map_err(|e| fail(format!("TLS failed ({e})")))?;
        MaybeTlsStream::Rustls(tls)
    } else {
        MaybeTlsStream::Plain(tcp)
    };

    let mut target = url.path().to_owned();
    if let (Some(token), TokenPlacement::Query) = (&cfg.token, cfg.placement) {
        let mut with_token = url.clone();
        with_token
            .query_pairs_mut()
            .append_pair("i", token.expose_secret());
        target.push('?');
        target.push_str(with_token.query().unwrap_or_default());
    }
    let key = tungstenite::handshake::client::generate_key();
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    };
    let user_agent: String = cfg.user_agent.chars().filter(|c| !c.is_control()).collect();
    let mut request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host_header}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nUser-Agent: {user_agent}\r\n"
    );
    if let (Some(token), TokenPlacement::Header) = (&cfg.token, cfg.placement) {
        request.push_str("Authorization: Bearer ");
        request.push_str(token.expose_secret());
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| fail(format!("cannot send the upgrade request ({e})")))?;
    drop(request);
    stream
        .flush()
        .await
        .map_err(|e| fail(format!("cannot send the upgrade request ({e})")))?;

    // Read the answer's head (and keep what follows it: the first frames).
    let mut buf = Vec::with_capacity(1024);
    let head_len = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 16 * 1024 {
            return Err(fail("the answer's headers are longer than 16 KiB".into()));
        }
        let mut chunk = [0u8; 2048];
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| fail(format!("the connection failed during the upgrade ({e})")))?;
        if n == 0 {
            return Err(fail(
                "the server closed the connection during the upgrade".into(),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(&buf[..head_len]) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(fail("the answer to the upgrade is not HTTP".into())),
    }
    let status = response.code.unwrap_or(0);
    match status {
        101 => {}
        401 => {
            return Err(Error::Refused {
                origin: cfg.origin.clone(),
                status,
                hint: "the token is wrong, revoked, or lacks the `read:account` permission",
            })
        }
        403 => {
            return Err(Error::Refused {
                origin: cfg.origin.clone(),
                status,
                hint: "the account is suspended or the token is not allowed to stream",
            })
        }
        _ => {
            return Err(fail(format!(
                "HTTP {status} instead of a WebSocket upgrade at /streaming (is this a Misskey \
                 server, and does a proxy in front of it pass WebSockets through?)"
            )))
        }
    }
    let accept = response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-accept"))
        .map(|h| h.value);
    if accept != Some(tungstenite::handshake::derive_accept_key(key.as_bytes()).as_bytes()) {
        return Err(fail(
            "the upgrade answer lacks the right `Sec-WebSocket-Accept` (a proxy in the way?)"
                .into(),
        ));
    }
    let rest = buf.split_off(head_len);
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES));
    Ok(WebSocketStream::from_partially_read(stream, rest, Role::Client, Some(ws_config)).await)
}

/// TLS with the Mozilla roots (as the REST client uses) and the `ring`
/// provider named explicitly, so that it works whatever other crates enable.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, Error> {
    static CONFIG: std::sync::OnceLock<Arc<rustls::ClientConfig>> = std::sync::OnceLock::new();
    if let Some(c) = CONFIG.get() {
        return Ok(c.clone());
    }
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::Connect {
        origin: String::new(),
        reason: format!("cannot set up TLS ({e})"),
    })?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(CONFIG.get_or_init(|| Arc::new(config)).clone())
}

/// Removes the token from a text that came from elsewhere (an error of the
/// WebSocket library could quote the URL with `?i=`).
pub(crate) fn redact(text: &str, token: Option<&AccessToken>) -> String {
    match token {
        Some(t) if !t.expose_secret().is_empty() => text.replace(t.expose_secret(), "<redacted>"),
        _ => text.to_owned(),
    }
}

impl Task {
    pub(crate) fn new(cfg: Arc<Config>, rx: mpsc::UnboundedReceiver<Command>) -> Self {
        Task {
            cfg,
            rx,
            wires: HashMap::new(),
            notes: HashMap::new(),
            broadcasts: Vec::new(),
            targets: HashMap::new(),
            next_wire: 0,
        }
    }

    pub(crate) async fn run(mut self, socket: Socket) {
        let mut socket = Some(socket);
        while let Some(mut ws) = socket.take() {
            match self.serve(&mut ws).await {
                Exit::Shutdown => {
                    debug!("every handle is gone; closing the connection");
                    let _ = ws.close(None).await;
                    break;
                }
                Exit::Dropped(reason) => {
                    drop(ws);
                    warn!(%reason, "streaming connection lost; reconnecting");
                    self.push_all(|| Item::Disconnected {
                        reason: reason.clone(),
                    });
                    let down_since = Instant::now();
                    let span = info_span!("misskey_stream_reconnect");
                    match self.reconnect().instrument(span.clone()).await {
                        Ok((ws, attempts)) => {
                            let down_for = down_since.elapsed();
                            span.in_scope(|| {
                                info!(?down_for, attempts, "streaming connection back")
                            });
                            self.push_all(|| Item::Reconnected { down_for, attempts });
                            socket = Some(ws);
                        }
                        Err(ReconnectEnd::Shutdown) => break,
                        Err(ReconnectEnd::GaveUp(reason)) => {
                            warn!(%reason, "streaming connection given up");
                            self.push_all(|| Item::Closed {
                                reason: reason.clone(),
                            });
                            return;
                        }
                    }
                }
            }
        }
        for queue in self.queues() {
            queue.finish();
        }
    }

    fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.wires
            .values()
            .flat_map(|w| w.subs.iter())
            .chain(self.notes.values().flat_map(|n| n.subs.iter()))
            .chain(self.broadcasts.iter())
            .map(|(_, q)| q)
    }

    fn push_all(&self, item: impl Fn() -> Item) {
        for queue in self.queues() {
            queue.push(item());
        }
    }

    async fn reconnect(&mut self) -> Result<(Socket, u32), ReconnectEnd> {
        let mut attempt: u32 = 0;
        loop {
            let delay = self.cfg.backoff.delay(attempt);
            attempt += 1;
            let sleep = tokio::time::sleep(delay);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = &mut sleep => break,
                    cmd = self.rx.recv() => match cmd {
                        None => return Err(ReconnectEnd::Shutdown),
                        Some(cmd) => {
                            // Offline: only the bookkeeping, nothing to send.
                            let _ = self.command(cmd, None).await;
                        }
                    }
                }
            }
            let span = info_span!("misskey_stream_connect", origin = %self.cfg.origin, attempt);
            match open_socket(&self.cfg).instrument(span).await {
                Ok(ws) => return Ok((ws, attempt)),
                Err(e @ Error::Refused { .. }) => return Err(ReconnectEnd::GaveUp(e.to_string())),
                Err(e) => {
                    warn!(attempt, error = %e, "reconnect attempt failed");
                    if self
                        .cfg
                        .backoff
                        .max_attempts
                        .is_some_and(|max| attempt >= max)
                    {
                        return Err(ReconnectEnd::GaveUp(format!(
                            "gave up after {attempt} reconnect attempts; the last one failed: {e}"
                        )));
                    }
                }
            }
        }
    }

    /// Runs one socket until it drops or every handle is gone.
    async fn serve(&mut self, ws: &mut Socket) -> Exit {
        // (Re)open every live channel and capture every note again.
        let mut resend = Vec::new();
        for (id, wire) in &mut self.wires {
            wire.confirmed = false;
            resend.push(
                ClientFrame::Connect {
                    channel: wire.name,
                    id,
                    params: &wire.params,
                    pong: true,
                }
                .to_text(),
            );
        }
        for id in self.notes.keys() {
            resend.push(ClientFrame::SubNote { id }.to_text());
        }
        for text in resend {
            if let Err(e) = ws.send(Message::text(text)).await {
                return Exit::Dropped(self.describe(&e));
            }
        }

        let idle_timeout = self.cfg.idle_timeout;
        let ping_every = self.cfg.ping_interval;
        let mut ping =
            tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let idle = tokio::time::sleep(idle_timeout);
        tokio::pin!(idle);
        loop {
            tokio::select! {
                message = ws.next() => {
                    idle.as_mut().reset(tokio::time::Instant::now() + idle_timeout);
                    match message {
                        None => return Exit::Dropped("the connection closed".into()),
                        Some(Err(e)) => return Exit::Dropped(self.describe(&e)),
                        Some(Ok(Message::Text(text))) => self.dispatch(text.as_str()),
                        Some(Ok(Message::Binary(bytes))) => match std::str::from_utf8(&bytes) {
                            Ok(text) => self.dispatch(text),
                            Err(_) => self.malformed("a binary frame that is not UTF-8 text".into()),
                        },
                        Some(Ok(Message::Ping(_))) => {
                            // The library queues the pong; send it now rather than with
                            // the next outgoing frame, which may be minutes away.
                            trace!("ping from the server");
                            if let Err(e) = ws.flush().await {
                                return Exit::Dropped(self.describe(&e));
                            }
                        }
                        Some(Ok(Message::Pong(_))) => trace!("pong"),
                        Some(Ok(Message::Close(frame))) => {
                            let reason = match frame {
                                Some(f) if f.reason.is_empty() => format!("the server closed the connection (code {})", u16::from(f.code)),
                                Some(f) => format!("the server closed the connection (code {}: {})", u16::from(f.code), f.reason),
                                None => "the server closed the connection".into(),
                            };
                            return Exit::Dropped(reason);
                        }
                        Some(Ok(Message::Frame(_))) => {}
                    }
                }
                cmd = self.rx.recv() => match cmd {
                    None => return Exit::Shutdown,
                    Some(cmd) => if let Err(reason) = self.command(cmd, Some(ws)).await {
                        return Exit::Dropped(reason);
                    }
                },
                _ = ping.tick() => {
                    if let Err(e) = ws.send(Message::Ping(Default::default())).await {
                        return Exit::Dropped(self.describe(&e));
                    }
                }
                _ = &mut idle => {
                    return Exit::Dropped(format!(
                        "nothing received for {idle_timeout:?}, not even a pong: the connection is half-open \
                         or the server stopped answering"
                    ));
                }
            }
        }
    }

    fn describe(&self, e: &tungstenite::Error) -> String {
        redact(&e.to_string(), self.cfg.token.as_ref())
    }

    fn malformed(&self, error: String) {
        warn!(%error, "malformed frame skipped");
        for (_, queue) in &self.broadcasts {
            queue.push(Item::Malformed {
                error: error.clone(),
            });
        }
    }

    /// Routes a frame by its head (`type`, and the `id` and event `type` of
    /// a channel or note frame): the body is not read here but by each
    /// handle the frame is for, straight into its event type.
    fn dispatch(&mut self, text: &str) {
        let head = match FrameHead::read(text) {
            Ok(head) => head,
            Err(e) => return self.malformed(e.to_string()),
        };
        // One copy of the text, shared by the handles it goes to.
        let mut shared: Option<Arc<str>> = None;
        let mut frame = || Item::Frame(shared.get_or_insert_with(|| Arc::from(text)).clone());
        match head {
            FrameHead::Channel { id, kind } => match self.wires.get(id.as_ref()) {
                Some(wire) => {
                    trace!(parent: &wire.span, kind = %kind, "event");
                    for (_, queue) in &wire.subs {
                        queue.push(frame());
                    }
                }
                None => trace!(id = %id, kind = %kind, "event of a closed channel ignored"),
            },
            FrameHead::Connected { id } => {
                if let Some(wire) = self.wires.get_mut(id.as_ref()) {
                    debug!(parent: &wire.span, "channel confirmed");
                    wire.confirmed = true;
                    for tx in wire.waiting.drain(..) {
                        let _ = tx.send(());
                    }
                }
            }
            FrameHead::NoteUpdated { id, kind } => {
                if let Some(note) = self.notes.get(id.as_ref()) {
                    trace!(note = %id, kind = %kind, "note updated");
                    for (_, queue) in &note.subs {
                        queue.push(frame());
                    }
                }
            }
            FrameHead::Broadcast { kind } => {
                trace!(kind = %kind, "broadcast");
                for (_, queue) in &self.broadcasts {
                    queue.push(frame());
                }
            }
        }
    }

    /// Applies a command; sends what it needs when a socket is given.
    /// `Err` when sending failed (the socket is gone).
    async fn command(&mut self, cmd: Command, ws: Option<&mut Socket>) -> Result<(), String> {
        let mut out: Option<String> = None;
        match cmd {
            Command::Open {
                sub,
                name,
                shared,
                params,
                queue,
                confirmed,
            } => {
                let existing = if shared {
                    self.wires
                        .iter_mut()
                        .find(|(_, w)| w.name == name)
                        .map(|(id, w)| (id.clone(), w))
                } else {
                    None
                };
                match existing {
                    Some((id, wire)) => {
                        // The server keeps one of these per socket: share it.
                        debug!(parent: &wire.span, "another handle joins the shared channel");
                        wire.subs.push((sub, queue));
                        if let Some(tx) = confirmed {
                            if wire.confirmed {
                                let _ = tx.send(());
                            } else {
                                wire.waiting.push(tx);
                            }
                        }
                        self.targets.insert(sub, Target::Wire(id));
                    }
                    None => {
                        self.next_wire += 1;
                        let id = format!("ch{}", self.next_wire);
                        let span = debug_span!("misskey_channel", channel = name, id = %id);
                        debug!(parent: &span, "channel opened");
                        out = Some(
                            ClientFrame::Connect {
                                channel: name,
                                id: &id,
                                params: &params,
                                pong: true,
                            }
                            .to_text(),
                        );
                        self.wires.insert(
                            id.clone(),
                            Wire {
                                name,
                                params,
                                subs: vec![(sub, queue)],
                                confirmed: false,
                                waiting: confirmed.into_iter().collect(),
                                opened: Instant::now(),
                                span,
                            },
                        );
                        self.targets.insert(sub, Target::Wire(id));
                    }
                }
            }
            Command::Close { sub } => match self.targets.remove(&sub) {
                Some(Target::Wire(id)) => {
                    if let Some(wire) = self.wires.get_mut(&id) {
                        wire.subs.retain(|(s, _)| *s != sub);
                        if wire.subs.is_empty() {
                            if let Some(wire) = self.wires.remove(&id) {
                                debug!(parent: &wire.span, lived = ?wire.opened.elapsed(), "channel closed");
                            }
                            out = Some(ClientFrame::Disconnect { id: &id }.to_text());
                        }
                    }
                }
                Some(Target::Note(id)) => {
                    if let Some(note) = self.notes.get_mut(&id) {
                        note.subs.retain(|(s, _)| *s != sub);
                        if note.subs.is_empty() {
                            self.notes.remove(&id);
                            debug!(note = %id, "note capture ended");
                            out = Some(ClientFrame::UnsubNote { id: &id }.to_text());
                        }
                    }
                }
                Some(Target::Broadcasts) => self.broadcasts.retain(|(s, _)| *s != sub),
                None => {}
            },
            Command::Capture {
                sub,
                note,
                read,
                queue,
            } => {
                let entry = self.notes.entry(note.clone()).or_insert(Captured {
                    read: false,
                    subs: Vec::new(),
                });
                if entry.subs.is_empty() || (read && !entry.read) {
                    debug!(note = %note, read, "note captured");
                    out = Some(if read {
                        ClientFrame::SubNoteAndRead { id: &note }.to_text()
                    } else {
                        ClientFrame::SubNote { id: &note }.to_text()
                    });
                    entry.read |= read;
                }
                entry.subs.push((sub, queue));
                self.targets.insert(sub, Target::Note(note));
            }
            Command::Broadcasts { sub, queue } => {
                self.broadcasts.push((sub, queue));
                self.targets.insert(sub, Target::Broadcasts);
            }
            Command::Message {
                sub,
                kind,
                body,
                reply,
            } => {
                let Some(Target::Wire(id)) = self.targets.get(&sub) else {
                    let _ = reply.send(Err(Error::Closed {
                        reason: "the channel is closed".into(),
                    }));
                    return Ok(());
                };
                let Some(ws) = ws else {
                    let _ = reply.send(Err(Error::NotConnected { message: kind }));
                    return Ok(());
                };
                let text = ClientFrame::Message {
                    id,
                    kind: &kind,
                    body: &body,
                }
                .to_text();
                return match ws.send(Message::text(text)).await {
                    Ok(()) => {
                        let _ = reply.send(Ok(()));
                        Ok(())
                    }
                    Err(e) => {
                        let _ = reply.send(Err(Error::NotConnected { message: kind }));
                        Err(self.describe(&e))
                    }
                };
            }
            Command::ReadNotifications { reply } => {
                let Some(ws) = ws else {
                    let _ = reply.send(Err(Error::NotConnected {
                        message: "readNotification".into(),
                    }));
                    return Ok(());
                };
                let text = ClientFrame::ReadNotification {}.to_text();
                return match ws.send(Message::text(text)).await {
                    Ok(()) => {
                        let _ = reply.send(Ok(()));
                        Ok(())
                    }
                    Err(e) => {
                        let _ = reply.send(Err(Error::NotConnected {
                            message: "readNotification".into(),
                        }));
                        Err(self.describe(&e))
                    }
                };
            }
        }
        if let (Some(text), Some(ws)) = (out, ws) {
            ws.send(Message::text(text))
                .await
                .map_err(|e| self.describe(&e))?;
        }
        Ok(())
    }
}

/// The delay before reconnect attempt `attempt` (0-based).
pub(crate) fn backoff_delay(
    initial: Duration,
    max: Duration,
    multiplier: f64,
    jitter: f64,
    attempt: u32,
) -> Duration {
    let grown = initial.as_secs_f64() * multiplier.max(1.0).powi(attempt.min(64) as i32);
    let capped = grown.min(max.as_secs_f64()).max(0.0);
    let jitter = jitter.clamp(0.0, 1.0);
    Duration::from_secs_f64(capped * (1.0 - jitter * fastrand::f64()))
}
