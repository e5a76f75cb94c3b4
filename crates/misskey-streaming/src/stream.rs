//! The public face: [`Stream`], its builder, and the handles.

use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{Stream as FuturesStream, StreamExt};
use misskey_client::reqwest::Url;
use misskey_client::{Client, Paginator};
use misskey_core::AccessToken;
use misskey_core::Id;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use tracing::{info_span, warn, Instrument};

use crate::channel::{self, Backfill, BroadcastEvent, Channel, NoteUpdate};
use crate::connection::{self, open_socket, Command, Task};
use crate::event::{Event, Lifecycle, Unknown};
use crate::models::Note;
use crate::queue::{Item, Queue};
use crate::Error;

/// Where the token goes when the socket is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TokenPlacement {
    /// `Authorization: Bearer <token>` (the default): the token never sits
    /// in a URL that proxies and access logs keep. Misskey 2023 and later.
    #[default]
    Header,
    /// `?i=<token>` in the URL, for older servers and proxies that drop the
    /// header. This crate never logs the URL, but proxies in between may.
    Query,
}

/// How reconnect attempts are spaced: exponential growth with random
/// jitter, so that many clients dropped by one server restart do not all
/// come back at the same instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// The delay before the first attempt.
    pub initial: Duration,
    /// The longest delay.
    pub max: Duration,
    /// Each delay is the previous one times this (at least 1).
    pub multiplier: f64,
    /// Up to this fraction of each delay (0 to 1) is taken off at random.
    pub jitter: f64,
    /// Give up after this many failed attempts in a row; `None` never gives up.
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    /// 0.5 s, doubling up to 30 s, with up to half of each delay taken off
    /// at random; never gives up.
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            multiplier: 2.0,
            jitter: 0.5,
            max_attempts: None,
        }
    }
}

impl Backoff {
    /// The delay before attempt `attempt` (counted from 0).
    pub fn delay(&self, attempt: u32) -> Duration {
        connection::backoff_delay(
            self.initial,
            self.max,
            self.multiplier,
            self.jitter,
            attempt,
        )
    }
}

/// The default queue of each handle: events beyond this, not yet taken by
/// the consumer, are dropped and reported as `Lagged`.
pub const DEFAULT_QUEUE_SIZE: usize = 1024;

pub(crate) struct Config {
    pub(crate) url: Url,
    pub(crate) origin: String,
    pub(crate) token: Option<AccessToken>,
    pub(crate) placement: TokenPlacement,
    pub(crate) user_agent: String,
    pub(crate) backoff: Backoff,
    pub(crate) queue_size: usize,
    pub(crate) ping_interval: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) confirm_timeout: Option<Duration>,
    pub(crate) client: Option<Client>,
    pub(crate) backfill: bool,
    pub(crate) backfill_limit: usize,
}

/// Configures and opens a [`Stream`].
///
/// ```no_run
/// # async fn run() -> Result<(), misskey_streaming::Error> {
/// use std::time::Duration;
/// use misskey_streaming::{Backoff, Stream};
///
/// let stream = Stream::builder("https://misskey.example")
///     .token(std::env::var("MISSKEY_TOKEN").unwrap())
///     .backoff(Backoff { max: Duration::from_secs(10), ..Backoff::default() })
///     .queue_size(256)
///     .connect()
///     .await?;
/// # let _ = stream; Ok(()) }
/// ```
pub struct StreamBuilder {
    origin: String,
    token: Option<AccessToken>,
    placement: TokenPlacement,
    user_agent: Option<String>,
    backoff: Backoff,
    queue_size: usize,
    ping_interval: Duration,
    idle_timeout: Duration,
    connect_timeout: Duration,
    confirm_timeout: Option<Duration>,
    client: Option<Client>,
    backfill: bool,
    backfill_limit: usize,
}

impl fmt::Debug for StreamBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamBuilder")
            .field("origin", &self.origin)
            .field("token", &self.token)
            .field("placement", &self.placement)
            .field("backoff", &self.backoff)
            .field("queue_size", &self.queue_size)
            .field("ping_interval", &self.ping_interval)
            .field("idle_timeout", &self.idle_timeout)
            .field("backfill", &(self.backfill && self.client.is_some()))
            .finish_non_exhaustive()
    }
}

impl StreamBuilder {
    /// The access token (without it only public channels work).
    pub fn token(mut self, token: impl Into<AccessToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends the token as `?i=` instead of the `Authorization` header.
    pub fn token_placement(mut self, placement: TokenPlacement) -> Self {
        self.placement = placement;
        self
    }

    /// The REST client used to backfill notes missed while disconnected
    /// (and nothing else). Backfill is on once a client is given.
    pub fn client(mut self, client: Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Turns backfill off (or back on) while keeping the client.
    pub fn backfill(mut self, on: bool) -> Self {
        self.backfill = on;
        self
    }

    /// At most this many notes are backfilled per channel after one
    /// reconnect (default 1000); older ones in the gap are skipped.
    pub fn backfill_limit(mut self, notes: usize) -> Self {
        self.backfill_limit = notes;
        self
    }

    /// The spacing of reconnect attempts.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The queue of each handle (default [`DEFAULT_QUEUE_SIZE`]).
    pub fn queue_size(mut self, events: usize) -> Self {
        self.queue_size = events.max(1);
        self
    }

    /// How often the client pings the server (default 30 s).
    pub fn ping_interval(mut self, every: Duration) -> Self {
        self.ping_interval = every.max(Duration::from_millis(10));
        self
    }

    /// After this long without any frame (not even a pong), the connection
    /// is taken as dead and replaced (default 75 s).
    pub fn idle_timeout(mut self, after: Duration) -> Self {
        self.idle_timeout = after.max(Duration::from_millis(10));
        self
    }

    /// The limit for opening the socket, handshake included (default 30 s).
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }

    /// How long [`Stream::channel`] waits for the server to confirm a
    /// channel (default 10 s); `None` does not wait (for servers that do not
    /// answer `pong: true`).
    pub fn confirm_timeout(mut self, limit: Option<Duration>) -> Self {
        self.confirm_timeout = limit;
        self
    }

    /// The `User-Agent` of the WebSocket request.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Checks the settings, opens the socket and starts the connection task
    /// (on the current tokio runtime).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOrigin`], [`Error::InvalidToken`], and what opening
    /// the socket gives: [`Error::Refused`] (bad token, suspended account),
    /// [`Error::Connect`] (network, TLS, timeout, not a Misskey server).
    pub async fn connect(self) -> Result<Stream, Error> {
        let (url, origin) = crate::origin::streaming_url(&self.origin)?;
        if let Some(token) = &self.token {
            let text = token.expose_secret();
            if text.is_empty() {
                return Err(Error::InvalidToken {
                    problem: "it is empty".into(),
                });
            }
            if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(Error::InvalidToken {
                    problem: "it contains whitespace or control characters (a trailing newline \
                              read from a file or environment variable?)"
                        .into(),
                });
            }
        }
        let cfg = Arc::new(Config {
            url,
            origin,
            token: self.token,
            placement: self.placement,
            user_agent: self.user_agent.unwrap_or_else(|| {
                concat!("misskey-streaming/", env!("CARGO_PKG_VERSION")).to_owned()
            }),
            backoff: self.backoff,
            queue_size: self.queue_size,
            ping_interval: self.ping_interval,
            idle_timeout: self.idle_timeout,
            connect_timeout: self.connect_timeout,
            confirm_timeout: self.confirm_timeout,
            backfill: self.backfill && self.client.is_some(),
            client: self.client,
            backfill_limit: self.backfill_limit,
        });
        let span = info_span!("misskey_stream", origin = %cfg.origin);
        let socket = open_socket(&cfg)
            .instrument(info_span!(parent: &span, "misskey_stream_connect", origin = %cfg.origin, attempt = 0))
            .await?;
        span.in_scope(|| tracing::info!("streaming connection open"));
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(Task::new(cfg.clone(), rx).run(socket).instrument(span));
        Ok(Stream {
            shared: Arc::new(Shared {
                cmd: tx,
                cfg,
                next_sub: AtomicU64::new(1),
            }),
        })
    }
}

struct Shared {
    cmd: mpsc::UnboundedSender<Command>,
    cfg: Arc<Config>,
    next_sub: AtomicU64,
}

impl Shared {
    fn sub(&self) -> u64 {
        self.next_sub.fetch_add(1, Ordering::Relaxed)
    }

    fn send(&self, cmd: Command) {
        // Fails only when the task has ended; the handle then ends too.
        let _ = self.cmd.send(cmd);
    }
}

/// One streaming connection: a WebSocket shared by every channel, note
/// capture and broadcast handle made from it. Cheap to clone.
///
/// The socket stays open while the `Stream` or any handle lives; it is
/// closed when the last is dropped.
#[derive(Clone)]
pub struct Stream {
    shared: Arc<Shared>,
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stream")
            .field("origin", &self.shared.cfg.origin)
            .field("token", &self.shared.cfg.token)
            .finish_non_exhaustive()
    }
}

impl Stream {
    /// Opens a connection to the client's server with the client's token,
    /// and backfill through the client: the usual way.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use misskey_streaming::{channel, Stream};
    /// let client = misskey_client::Client::builder("https://misskey.example").token("TOKEN").build()?;
    /// let stream = Stream::connect(&client).await?;
    /// let home = stream.channel(channel::HomeTimeline::default()).await?;
    /// # let _ = home; Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`StreamBuilder::connect`].
    pub async fn connect(client: &Client) -> Result<Stream, Error> {
        Stream::builder_for(client).connect().await
    }

    /// A builder with the client's origin, token and backfill through the
    /// client, to change other settings before connecting.
    pub fn builder_for(client: &Client) -> StreamBuilder {
        let mut builder = Stream::builder(client.origin()).client(client.clone());
        builder.token = client.token().cloned();
        builder
    }

    /// Starts configuring a connection to the server at `origin`
    /// (`https://misskey.example`; `http://` only for 127.0.0.1, ::1 and
    /// localhost).
    pub fn builder(origin: impl Into<String>) -> StreamBuilder {
        StreamBuilder {
            origin: origin.into(),
            token: None,
            placement: TokenPlacement::default(),
            user_agent: None,
            backoff: Backoff::default(),
            queue_size: DEFAULT_QUEUE_SIZE,
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            connect_timeout: Duration::from_secs(30),
            confirm_timeout: Some(Duration::from_secs(10)),
            client: None,
            backfill: true,
            backfill_limit: 1000,
        }
    }

    /// The server's origin, such as `https://misskey.example`.
    pub fn origin(&self) -> &str {
        &self.shared.cfg.origin
    }

    /// Opens a channel and returns its handle.
    ///
    /// Waits until the server confirms the channel (see
    /// [`StreamBuilder::confirm_timeout`]). For a channel the server keeps
    /// once per socket ([`Channel::SHARED`], such as `main`), a second
    /// handle shares the first one's server-side connection.
    ///
    /// # Errors
    ///
    /// [`Error::NotConfirmed`] when the server does not confirm in time
    /// (unknown channel, missing permission); [`Error::Closed`] when the
    /// connection has ended.
    pub async fn channel<C: Channel>(&self, channel: C) -> Result<ChannelHandle<C>, Error> {
        let sub = self.shared.sub();
        let queue = Queue::new(self.shared.cfg.queue_size);
        let (tx, rx) = oneshot::channel();
        let wait = self.shared.cfg.confirm_timeout;
        self.shared.send(Command::Open {
            sub,
            name: C::NAME,
            shared: C::SHARED,
            params: channel.params(),
            queue: queue.clone(),
            confirmed: wait.map(|_| tx),
        });
        let backfill = match (C::backfill(), &self.shared.cfg.client) {
            (Some(spec), Some(client)) if self.shared.cfg.backfill => Some(BackfillState {
                spec,
                client: client.clone(),
                last: None,
                running: None,
                fetched: HashSet::new(),
            }),
            _ => None,
        };
        let mut handle = ChannelHandle {
            channel,
            inner: Inner {
                sub,
                queue,
                shared: self.shared.clone(),
            },
            backfill,
        };
        if let Some(limit) = wait {
            match tokio::time::timeout(limit, rx).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => {
                    return Err(Error::Closed {
                        reason: "the connection task ended".into(),
                    })
                }
                Err(_) => {
                    return Err(Error::NotConfirmed {
                        channel: C::NAME,
                        waited: limit,
                    })
                }
            }
        }
        handle.anchor_backfill().await;
        Ok(handle)
    }

    /// Captures a note: its reactions, votes, edits and deletion arrive on
    /// the returned handle. Dropping the handle ends the capture.
    pub fn capture_note(&self, note_id: impl Into<Id>) -> NoteCapture {
        self.capture(note_id.into(), false)
    }

    /// Like [`capture_note`](Self::capture_note), and marks the note read
    /// (`sr`).
    pub fn capture_note_and_read(&self, note_id: impl Into<Id>) -> NoteCapture {
        self.capture(note_id.into(), true)
    }

    fn capture(&self, note: Id, read: bool) -> NoteCapture {
        let sub = self.shared.sub();
        let queue = Queue::new(self.shared.cfg.queue_size);
        self.shared.send(Command::Capture {
            sub,
            note: note.as_str().to_owned(),
            read,
            queue: queue.clone(),
        });
        NoteCapture {
            note,
            inner: Inner {
                sub,
                queue,
                shared: self.shared.clone(),
            },
        }
    }

    /// A handle receiving the broadcasts to every connection (custom
    /// emojis, announcements) and reports of frames that could not be read.
    pub fn broadcasts(&self) -> Broadcasts {
        let sub = self.shared.sub();
        let queue = Queue::new(self.shared.cfg.queue_size);
        self.shared.send(Command::Broadcasts {
            sub,
            queue: queue.clone(),
        });
        Broadcasts {
            inner: Inner {
                sub,
                queue,
                shared: self.shared.clone(),
            },
        }
    }

    /// Marks every notification read (`readNotification`).
    ///
    /// # Errors
    ///
    /// [`Error::NotConnected`] while reconnecting, [`Error::Closed`] when
    /// the connection has ended.
    pub async fn read_all_notifications(&self) -> Result<(), Error> {
        let (reply, rx) = oneshot::channel();
        self.shared.send(Command::ReadNotifications { reply });
        rx.await.unwrap_or_else(|_| {
            Err(Error::Closed {
                reason: "the connection task ended".into(),
            })
        })
    }
}

/// What every handle has: its subscription and queue.
struct Inner {
    sub: u64,
    queue: Queue,
    shared: Arc<Shared>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shared.send(Command::Close { sub: self.sub });
    }
}

impl Inner {
    fn poll_event<E: Event>(&self, cx: &mut Context<'_>) -> Poll<Option<Result<E, Error>>> {
        self.queue.poll_pop(cx).map(|item| item.map(to_event))
    }
}

fn to_event<E: Event>(item: Item) -> Result<E, Error> {
    Ok(match item {
        Item::Frame(text) => E::decode_frame(&text),
        Item::Malformed { error } => E::unknown(Unknown {
            kind: String::new(),
            body: None,
            error: Some(error),
        }),
        Item::Disconnected { reason } => E::lifecycle(Lifecycle::Disconnected { reason }),
        Item::Reconnected { down_for, attempts } => {
            E::lifecycle(Lifecycle::Reconnected { down_for, attempts })
        }
        Item::Lagged(n) => E::lifecycle(Lifecycle::Lagged(n)),
        Item::Closed { reason } => return Err(Error::Closed { reason }),
    })
}

struct BackfillState<C: Channel> {
    spec: Backfill<C>,
    client: Client,
    /// The newest note delivered (live or backfilled).
    last: Option<Id>,
    running: Option<Paginator<Note>>,
    /// Notes delivered by the current backfill: the same notes arriving
    /// live afterwards are dropped.
    fetched: HashSet<Id>,
}

/// The handle of one open channel: a [`futures_util::Stream`] of its events.
///
/// Items are `Ok(event)` in the order the server sent them, with
/// `Reconnected`, `Lagged` and backfilled notes in their place; an `Err`
/// item reports a problem ([`Error::Backfill`]) and the stream goes on,
/// except [`Error::Closed`], after which it ends. Dropping the handle sends
/// `disconnect` for the channel.
pub struct ChannelHandle<C: Channel> {
    channel: C,
    inner: Inner,
    backfill: Option<BackfillState<C>>,
}

// The handle is never pinned structurally: `poll_next` only needs `&mut self`.
impl<C: Channel> Unpin for ChannelHandle<C> {}

impl<C: Channel + fmt::Debug> fmt::Debug for ChannelHandle<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelHandle")
            .field("channel", &self.channel)
            .field("backfill", &self.backfill.is_some())
            .finish_non_exhaustive()
    }
}

impl<C: Channel> ChannelHandle<C> {
    /// The channel and its parameters.
    pub fn channel(&self) -> &C {
        &self.channel
    }

    /// The next event; `None` once the connection has ended.
    pub async fn next(&mut self) -> Option<Result<C::Event, Error>> {
        StreamExt::next(self).await
    }

    /// Sends a message of type `kind` to this channel (`ch`). The typed
    /// methods (such as [`request_log`](ChannelHandle::<channel::ServerStats>::request_log))
    /// call this.
    ///
    /// # Errors
    ///
    /// [`Error::NotConnected`] while reconnecting; [`Error::Closed`] when
    /// the connection has ended.
    pub async fn send(&self, kind: &str, body: impl Serialize) -> Result<(), Error> {
        let body = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
        let (reply, rx) = oneshot::channel();
        self.inner.shared.send(Command::Message {
            sub: self.inner.sub,
            kind: kind.to_owned(),
            body,
            reply,
        });
        rx.await.unwrap_or_else(|_| {
            Err(Error::Closed {
                reason: "the connection task ended".into(),
            })
        })
    }

    /// Remembers the newest existing note, so that a reconnect before the
    /// first live note still knows where to backfill from.
    async fn anchor_backfill(&mut self) {
        let Some(bf) = &mut self.backfill else {
            return;
        };
        let mut newest = (bf.spec.fetch)(&self.channel, &bf.client, None).max_items(1);
        match newest.next().await {
            Some(Ok(note)) => bf.last = Some(note.id),
            Some(Err(e)) => {
                warn!(channel = C::NAME, error = %e, "cannot read the newest note; backfill starts at the first live one")
            }
            None => {}
        }
    }
}

impl<C: Channel> FuturesStream for ChannelHandle<C> {
    type Item = Result<C::Event, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(bf) = &mut this.backfill {
                if let Some(running) = &mut bf.running {
                    match running.poll_next_unpin(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(None) => bf.running = None,
                        Poll::Ready(Some(Err(source))) => {
                            bf.running = None;
                            return Poll::Ready(Some(Err(Error::Backfill {
                                channel: C::NAME,
                                source,
                            })));
                        }
                        Poll::Ready(Some(Ok(note))) => {
                            bf.last = Some(note.id.clone());
                            bf.fetched.insert(note.id.clone());
                            return Poll::Ready(Some(Ok((bf.spec.wrap)(note))));
                        }
                    }
                }
            }
            let item = match this.inner.queue.poll_pop(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(item)) => item,
            };
            let reconnected = matches!(item, Item::Reconnected { .. });
            let event = match to_event::<C::Event>(item) {
                Ok(event) => event,
                Err(e) => return Poll::Ready(Some(Err(e))),
            };
            if let Some(bf) = &mut this.backfill {
                if let Some(note) = (bf.spec.note_of)(&event) {
                    if bf.fetched.remove(&note.id) {
                        // Already delivered by the backfill.
                        continue;
                    }
                    bf.last = Some(note.id.clone());
                }
                if reconnected {
                    bf.fetched.clear();
                    if let Some(since) = bf.last.clone() {
                        let limit = this.inner.shared.cfg.backfill_limit;
                        bf.running = Some(
                            (bf.spec.fetch)(&this.channel, &bf.client, Some(since))
                                .max_items(limit),
                        );
                    }
                }
            }
            return Poll::Ready(Some(Ok(event)));
        }
    }
}

impl ChannelHandle<channel::ServerStats> {
    /// Asks for the last `length` samples (`requestLog`); they arrive as
    /// `StatsLog`. `id` is echoed by nothing but lets the server tell
    /// requests apart.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn request_log(&self, id: impl Into<String>, length: u32) -> Result<(), Error> {
        self.send(
            "requestLog",
            RequestLog {
                id: id.into(),
                length,
            },
        )
        .await
    }
}

impl ChannelHandle<channel::QueueStats> {
    /// Asks for the last `length` samples (`requestLog`); they arrive as
    /// `StatsLog`.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn request_log(&self, id: impl Into<String>, length: u32) -> Result<(), Error> {
        self.send(
            "requestLog",
            RequestLog {
                id: id.into(),
                length,
            },
        )
        .await
    }
}

#[derive(Serialize)]
struct RequestLog {
    id: String,
    length: u32,
}

impl ChannelHandle<channel::ReversiGame> {
    /// Puts a stone at `pos` (`putStone`); `id` is a fresh id of the move
    /// that the server echoes in the `log` event.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn put_stone(&self, pos: u32, id: impl Into<String>) -> Result<(), Error> {
        #[derive(Serialize)]
        struct PutStone {
            pos: u32,
            id: String,
        }
        self.send("putStone", PutStone { pos, id: id.into() }).await
    }

    /// Says the player is (not) ready (`ready`).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn ready(&self, ready: bool) -> Result<(), Error> {
        self.send("ready", ready).await
    }

    /// Cancels the game (`cancel`).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn cancel(&self) -> Result<(), Error> {
        self.send("cancel", serde_json::json!({})).await
    }

    /// Changes a game setting before the start (`updateSettings`), such as
    /// `("isLlotheo", true)`.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn update_settings(&self, key: &str, value: impl Serialize) -> Result<(), Error> {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.send(
            "updateSettings",
            serde_json::json!({ "key": key, "value": value }),
        )
        .await
    }

    /// Claims that the opponent ran out of time (`claimTimeIsUp`).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn claim_time_is_up(&self) -> Result<(), Error> {
        self.send("claimTimeIsUp", serde_json::json!({})).await
    }
}

impl ChannelHandle<channel::ChatUser> {
    /// Marks the conversation read up to `message_id` (`read`).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn read(&self, message_id: impl Into<Id>) -> Result<(), Error> {
        self.send("read", serde_json::json!({ "id": message_id.into() }))
            .await
    }
}

impl ChannelHandle<channel::ChatRoom> {
    /// Marks the room read up to `message_id` (`read`).
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub async fn read(&self, message_id: impl Into<Id>) -> Result<(), Error> {
        self.send("read", serde_json::json!({ "id": message_id.into() }))
            .await
    }
}

/// The handle of a captured note ([`Stream::capture_note`]): a
/// [`futures_util::Stream`] of [`NoteUpdate`]s. Captures survive reconnects;
/// dropping the handle sends `unsubNote` (when no other handle captures the
/// same note).
pub struct NoteCapture {
    note: Id,
    inner: Inner,
}

impl fmt::Debug for NoteCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoteCapture")
            .field("note", &self.note)
            .finish()
    }
}

impl NoteCapture {
    /// The captured note's id.
    pub fn note_id(&self) -> &Id {
        &self.note
    }

    /// The next update; `None` once the connection has ended.
    pub async fn next(&mut self) -> Option<Result<NoteUpdate, Error>> {
        StreamExt::next(self).await
    }
}

impl FuturesStream for NoteCapture {
    type Item = Result<NoteUpdate, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_event(cx)
    }
}

/// The handle of broadcasts ([`Stream::broadcasts`]): a
/// [`futures_util::Stream`] of [`BroadcastEvent`]s, including an `Unknown`
/// with an `error` for each frame that could not be read at all.
pub struct Broadcasts {
    inner: Inner,
}

impl fmt::Debug for Broadcasts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Broadcasts").finish_non_exhaustive()
    }
}

impl Broadcasts {
    /// The next broadcast; `None` once the connection has ended.
    pub async fn next(&mut self) -> Option<Result<BroadcastEvent, Error>> {
        StreamExt::next(self).await
    }
}

impl FuturesStream for Broadcasts {
    type Item = Result<BroadcastEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_event(cx)
    }
}
