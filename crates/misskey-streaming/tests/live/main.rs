//! The streaming client against a fake Misskey on 127.0.0.1.

mod fake;

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fake::{note, Conn, Ctl, Fake, Rest, TOKEN};
use futures_util::StreamExt;
use misskey_streaming::channel::{self, Channel};
use misskey_streaming::{
    BroadcastEvent, Error, Event, MainEvent, NoteUpdate, Stream, StreamBuilder, TimelineEvent,
    TokenPlacement,
};
use serde_json::{json, Value};

/// Every log line of this test binary, at TRACE, `log` records included.
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf: Arc<Mutex<Vec<u8>>> = Arc::default();
        #[derive(Clone)]
        struct W(Arc<Mutex<Vec<u8>>>);
        impl Write for W {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let w = W(buf.clone());
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || w.clone())
            .try_init()
            .unwrap();
        buf
    })
    .clone()
}

fn builder(fake: &Fake) -> StreamBuilder {
    logs();
    Stream::builder(&fake.origin).token(TOKEN)
}

async fn open(b: StreamBuilder, fake: &mut Fake) -> (Stream, Conn) {
    let (stream, conn) = tokio::join!(b.connect(), fake.accept());
    (stream.unwrap(), conn)
}

async fn next<S, T>(s: &mut S) -> T
where
    S: futures_util::Stream<Item = Result<T, Error>> + Unpin,
{
    tokio::time::timeout(Duration::from_secs(10), s.next())
        .await
        .expect("no event within 10 s")
        .expect("the stream ended")
        .expect("an error item")
}

fn recorded() -> Vec<Value> {
    include_str!("../../../../tests/fixtures/misskey-2024.10.1/streaming-session.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every event of a handle until `quiet` passes without one, as wire types.
async fn drain<S, E>(s: &mut S, quiet: Duration) -> Vec<E>
where
    S: futures_util::Stream<Item = Result<E, Error>> + Unpin,
{
    let mut out = Vec::new();
    while let Ok(Some(item)) = tokio::time::timeout(quiet, s.next()).await {
        out.push(item.unwrap());
    }
    out
}

#[tokio::test]
async fn many_channels_on_one_socket_with_the_recorded_params_and_events() {
    let mut fake = Fake::start().await;
    let (stream, mut conn) = open(builder(&fake), &mut fake).await;
    assert_eq!(conn.uri, "/streaming", "the token must not be in the URL");
    assert_eq!(
        conn.authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    let mut main = stream.channel(channel::Main).await.unwrap();
    let mut home = stream
        .channel(channel::HomeTimeline {
            with_renotes: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut local = stream
        .channel(channel::LocalTimeline {
            with_replies: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut hybrid = stream
        .channel(channel::HybridTimeline::default())
        .await
        .unwrap();
    let mut global = stream
        .channel(channel::GlobalTimeline::default())
        .await
        .unwrap();
    let mut drive = stream.channel(channel::Drive).await.unwrap();
    let mut stats = stream.channel(channel::ServerStats).await.unwrap();
    let mut queue = stream.channel(channel::QueueStats).await.unwrap();
    let mut admin = stream.channel(channel::Admin).await.unwrap();
    let mut antenna = stream
        .channel(channel::Antenna {
            antenna_id: "au8qigxyce03000c".into(),
        })
        .await
        .unwrap();
    let mut list = stream
        .channel(channel::UserList {
            list_id: "au8qigvece03000a".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut tag = stream
        .channel(channel::Hashtag {
            q: vec![vec!["rectag".into()]],
        })
        .await
        .unwrap();
    let mut chan = stream
        .channel(channel::ChannelTimeline {
            channel_id: "au8qigyhce03000d".into(),
        })
        .await
        .unwrap();

    // The connect frames are the recorded client's, but for the ids.
    let rec = recorded();
    let mut ids: HashMap<String, String> = HashMap::new(); // recorded id -> ours
    for r in rec
        .iter()
        .filter(|r| r["dir"] == "out" && r["msg"]["type"] == "connect")
        .take(13)
    {
        let sent = conn.expect("connect").await;
        let want = &r["msg"]["body"];
        assert_eq!(sent["body"]["channel"], want["channel"]);
        assert_eq!(
            sent["body"]["params"], want["params"],
            "params of {}",
            want["channel"]
        );
        assert_eq!(sent["body"]["pong"], true);
        ids.insert(
            want["id"].as_str().unwrap().into(),
            sent["body"]["id"].as_str().unwrap().into(),
        );
    }
    let our_ids: std::collections::HashSet<&String> = ids.values().collect();
    assert_eq!(our_ids.len(), 13, "every channel has its own id");

    // Replay what the server sent, with our ids.
    let mut expected: HashMap<String, usize> = HashMap::new();
    for r in rec.iter().filter(|r| r["dir"] == "in") {
        let mut msg = r["msg"].clone();
        if msg["type"] == "channel" {
            let id = ids[msg["body"]["id"].as_str().unwrap()].clone();
            *expected.entry(id.clone()).or_default() += 1;
            msg["body"]["id"] = json!(id);
            conn.send(msg);
        }
    }
    let quiet = Duration::from_millis(300);
    let count = |events: Vec<Box<dyn std::fmt::Debug>>, unknown: usize, id: &str, name: &str| {
        assert_eq!(unknown, 0, "{name}: {events:?}");
        assert_eq!(
            events.len(),
            expected.get(id).copied().unwrap_or(0),
            "{name}: {events:?}"
        );
    };
    macro_rules! check {
        ($h:ident, $rec:literal) => {{
            let evs = drain(&mut $h, quiet).await;
            let unknown = evs.iter().filter(|e| e.is_unknown()).count();
            let boxed: Vec<Box<dyn std::fmt::Debug>> = evs
                .into_iter()
                .map(|e| Box::new(e.event_type().unwrap_or("").to_owned()) as _)
                .collect();
            count(boxed, unknown, &ids[$rec], $rec);
        }};
    }
    check!(main, "c-main");
    check!(home, "c-home");
    check!(local, "c-local");
    check!(hybrid, "c-hybrid");
    check!(global, "c-global");
    check!(drive, "c-drive");
    check!(stats, "c-stats");
    check!(queue, "c-queue");
    check!(admin, "c-admin");
    check!(antenna, "c-antenna");
    check!(list, "c-list");
    check!(tag, "c-tag");
    check!(chan, "c-channel");

    // A message to a channel, as the recorded client sent it.
    stats.request_log("log1", 3).await.unwrap();
    let sent = conn.expect("ch").await;
    let want = rec.iter().find(|r| r["msg"]["type"] == "ch").unwrap()["msg"].clone();
    assert_eq!(sent["body"]["type"], want["body"]["type"]);
    assert_eq!(sent["body"]["body"], want["body"]["body"]);
    assert_eq!(sent["body"]["id"], json!(ids["c-stats"]));
}

#[tokio::test]
async fn an_unknown_channel_is_a_clear_error_not_a_silent_handle() {
    #[derive(Debug, serde::Serialize)]
    struct NoSuch;
    impl Channel for NoSuch {
        const NAME: &'static str = "noSuchChannel";
        const SHARED: bool = false;
        type Event = TimelineEvent;
    }
    let mut fake = Fake::start().await;
    let (stream, mut conn) = open(
        builder(&fake).confirm_timeout(Some(Duration::from_millis(300))),
        &mut fake,
    )
    .await;
    let err = stream.channel(NoSuch).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotConfirmed {
                channel: "noSuchChannel",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("may not know this channel"),
        "{err}"
    );
    let connect = conn.expect("connect").await;
    // The abandoned channel is disconnected again.
    let disconnect = conn.expect("disconnect").await;
    assert_eq!(disconnect["body"]["id"], connect["body"]["id"]);
}

#[tokio::test]
async fn dropping_a_handle_disconnects_its_channel_and_shared_channels_are_shared() {
    let mut fake = Fake::start().await;
    let (stream, mut conn) = open(builder(&fake), &mut fake).await;
    let home = stream
        .channel(channel::HomeTimeline::default())
        .await
        .unwrap();
    let home_id = conn.expect("connect").await["body"]["id"].clone();
    let mut main1 = stream.channel(channel::Main).await.unwrap();
    let mut main2 = stream.channel(channel::Main).await.unwrap();
    let main_connect = conn.expect("connect").await;
    assert_eq!(main_connect["body"]["channel"], "main");
    assert_eq!(
        conn.quiet_for(Duration::from_millis(200)).await,
        None,
        "main is connected once"
    );

    // Both main handles get the event sent once.
    conn.event(
        main_connect["body"]["id"].as_str().unwrap(),
        "readAllNotifications",
        Value::Null,
    );
    assert!(matches!(
        next(&mut main1).await,
        MainEvent::ReadAllNotifications
    ));
    assert!(matches!(
        next(&mut main2).await,
        MainEvent::ReadAllNotifications
    ));

    drop(home);
    let d = conn.expect("disconnect").await;
    assert_eq!(d["body"]["id"], home_id);
    drop(main1);
    assert_eq!(
        conn.quiet_for(Duration::from_millis(200)).await,
        None,
        "main2 still uses it"
    );
    drop(main2);
    assert_eq!(
        conn.expect("disconnect").await["body"]["id"],
        main_connect["body"]["id"]
    );
    drop(stream);
}

#[tokio::test]
async fn broken_frames_and_unknown_types_are_reported_and_the_stream_goes_on() {
    let mut fake = Fake::start().await;
    let (stream, mut conn) = open(builder(&fake), &mut fake).await;
    let mut home = stream
        .channel(channel::HomeTimeline::default())
        .await
        .unwrap();
    let mut broadcasts = stream.broadcasts();
    let id = conn.expect("connect").await["body"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    conn.send_text("not json");
    conn.send_text(r#"{"type":"channel","body":{"id":5}}"#);
    conn.event(&id, "somethingNew", json!({"a": 1}));
    conn.event(&id, "note", json!({"id": "x", "text": 5}));
    conn.send(json!({"type": "emojiAdded", "body": {"emoji": {"id": "e1", "aliases": [], "name": "blob", "category": null, "host": null, "url": "https://x/e.png", "license": null, "isSensitive": false, "localOnly": false, "roleIdsThatCanBeUsedThisEmojiAsReaction": []}}}));
    conn.send(json!({"type": "somethingBroadcast", "body": [1]}));
    conn.event(&id, "note", note("n1", "still here"));

    let TimelineEvent::Unknown(u) = next(&mut home).await else {
        panic!()
    };
    assert_eq!((u.kind.as_str(), u.error.is_none()), ("somethingNew", true));
    assert_eq!(u.body_value(), json!({"a": 1}));
    let TimelineEvent::Unknown(u) = next(&mut home).await else {
        panic!()
    };
    assert_eq!(u.kind, "note");
    assert!(u.error.is_some());
    assert_eq!(u.body_value()["text"], 5);
    let TimelineEvent::Note(n) = next(&mut home).await else {
        panic!()
    };
    assert_eq!(n.text.as_deref(), Some("still here"));

    let BroadcastEvent::Unknown(u) = next(&mut broadcasts).await else {
        panic!()
    };
    assert!(u.error.unwrap().contains("not a JSON object"));
    let BroadcastEvent::Unknown(u) = next(&mut broadcasts).await else {
        panic!()
    };
    assert!(u.error.unwrap().contains("string `id`"));
    let BroadcastEvent::EmojiAdded(e) = next(&mut broadcasts).await else {
        panic!()
    };
    assert_eq!(e.emoji.name, "blob");
    let BroadcastEvent::Unknown(u) = next(&mut broadcasts).await else {
        panic!()
    };
    assert_eq!(u.kind, "somethingBroadcast");
}

#[tokio::test]
async fn note_capture_routes_updates_and_ends_with_its_handle() {
    let mut fake = Fake::start().await;
    let (stream, mut conn) = open(builder(&fake), &mut fake).await;
    let mut capture = stream.capture_note("au8qii56ce03000h");
    let sub = conn.expect("subNote").await;
    assert_eq!(sub["body"]["id"], "au8qii56ce03000h");
    for r in recorded().iter().filter(|r| {
        r["msg"]["type"] == "noteUpdated" && r["msg"]["body"]["id"] == "au8qii56ce03000h"
    }) {
        conn.send(r["msg"].clone());
    }
    assert!(matches!(next(&mut capture).await, NoteUpdate::Reacted(r) if r.reaction == "👍"));
    assert!(matches!(next(&mut capture).await, NoteUpdate::Unreacted(_)));
    assert!(matches!(next(&mut capture).await, NoteUpdate::Deleted(_)));
    let read = stream.capture_note_and_read("other");
    assert_eq!(conn.expect("sr").await["body"]["id"], "other");
    drop(capture);
    assert_eq!(
        conn.expect("unsubNote").await["body"]["id"],
        "au8qii56ce03000h"
    );
    drop(read);
    assert_eq!(conn.expect("unsubNote").await["body"]["id"], "other");
}

#[tokio::test]
async fn pings_are_answered_at_once() {
    let mut fake = Fake::start().await;
    let (_stream, mut conn) = open(builder(&fake), &mut fake).await;
    conn.ctl(Ctl::Ping);
    assert_eq!(conn.recv().await["type"], "PONG");
}

#[tokio::test]
async fn a_slow_consumer_gets_lagged_and_the_others_do_not() {
    let mut fake = Fake::start().await;
    let (stream, mut conn) = open(builder(&fake).queue_size(4), &mut fake).await;
    let mut slow = stream
        .channel(channel::HomeTimeline::default())
        .await
        .unwrap();
    let mut fast = stream
        .channel(channel::LocalTimeline::default())
        .await
        .unwrap();
    let slow_id = conn.expect("connect").await["body"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fast_id = conn.expect("connect").await["body"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for n in 0..20 {
        let id = format!("n{n:02}");
        conn.event(&slow_id, "note", note(&id, "x"));
        conn.event(&fast_id, "note", note(&id, "x"));
        // The fast consumer keeps up.
        let TimelineEvent::Note(got) = next(&mut fast).await else {
            panic!()
        };
        assert_eq!(got.id, id.as_str());
    }
    let got: Vec<String> = drain(&mut slow, Duration::from_millis(300))
        .await
        .into_iter()
        .map(|e| match e {
            TimelineEvent::Note(n) => n.id.to_string(),
            TimelineEvent::Lagged(n) => format!("lagged {n}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(got, ["n00", "n01", "n02", "n03", "lagged 16"]);
}

#[tokio::test]
async fn the_token_never_appears_in_logs_debug_or_errors() {
    let mut fake = Fake::start().await;
    // In the query too: the URL with `?i=` is never logged.
    let b = builder(&fake).token_placement(TokenPlacement::Query);
    assert!(!format!("{b:?}").contains(TOKEN));
    let (stream, mut conn) = open(b, &mut fake).await;
    assert!(conn.uri.contains(&format!("i={TOKEN}")), "{}", conn.uri);
    assert_eq!(conn.authorization, None);
    assert!(!format!("{stream:?}").contains(TOKEN));
    let mut home = stream
        .channel(channel::HomeTimeline::default())
        .await
        .unwrap();
    let id = conn.expect("connect").await["body"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    conn.event(&id, "note", note("n1", "hi"));
    next(&mut home).await;
    conn.ctl(Ctl::Restart);
    let _ = drain(&mut home, Duration::from_millis(1500)).await;

    // A refused connection: the error names the problem, not the token.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = Stream::builder(format!("http://127.0.0.1:{port}"))
        .token(TOKEN)
        .token_placement(TokenPlacement::Query)
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        !err.to_string().contains(TOKEN) && !format!("{err:?}").contains(TOKEN),
        "{err}"
    );
    let err = Stream::builder("http://misskey.example")
        .token(TOKEN)
        .connect()
        .await
        .unwrap_err();
    assert!(!err.to_string().contains(TOKEN));

    let logs = String::from_utf8(logs().lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("misskey_stream"),
        "logs were captured:\n{logs}"
    );
    assert!(logs.contains("TRACE"), "at TRACE level");
    assert!(
        !logs.contains(TOKEN),
        "the token leaked into the logs:\n{logs}"
    );
}

/// Prints a handle's events the way a user sees them.
fn show(e: &TimelineEvent) -> String {
    match e {
        TimelineEvent::Note(n) => format!("Note({}, {:?})", n.id, n.text.as_deref().unwrap_or("")),
        TimelineEvent::Disconnected { reason } => format!("Disconnected {{ reason: {reason:?} }}"),
        TimelineEvent::Reconnected { down_for, attempts } => {
            format!("Reconnected {{ down_for: {down_for:?}, attempts: {attempts} }}")
        }
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn a_server_restart_reconnects_resubscribes_and_backfills_in_order_without_duplicates() {
    let rest = Rest::start().await;
    rest.notes
        .lock()
        .unwrap()
        .push(note("n01", "before we connected"));
    let client = misskey_client::Client::builder(&rest.origin)
        .token(TOKEN)
        .build()
        .unwrap();
    let mut fake = Fake::start().await;
    let b = builder(&fake)
        .client(client)
        .backoff(misskey_streaming::Backoff {
            initial: Duration::from_millis(50),
            ..Default::default()
        });
    let (stream, mut conn) = open(b, &mut fake).await;
    let params = channel::HomeTimeline {
        with_renotes: Some(false),
        ..Default::default()
    };
    let mut home = stream.channel(params.clone()).await.unwrap();
    let mut capture = stream.capture_note("n02");
    let first = conn.expect("connect").await;
    conn.expect("subNote").await;
    let id = first["body"]["id"].as_str().unwrap().to_owned();

    conn.event(&id, "note", note("n02", "live before the restart"));
    rest.notes
        .lock()
        .unwrap()
        .push(note("n02", "live before the restart"));
    let TimelineEvent::Note(n) = next(&mut home).await else {
        panic!()
    };
    assert_eq!(n.id, "n02");

    // The server restarts; meanwhile two notes are posted.
    conn.ctl(Ctl::Restart);
    rest.notes
        .lock()
        .unwrap()
        .push(note("n03", "posted while down"));
    rest.notes
        .lock()
        .unwrap()
        .push(note("n04", "posted while down"));
    let mut conn = fake.accept().await;
    assert_eq!(
        conn.authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    // Every live channel reopened with the same params, every capture renewed.
    let again = conn.expect("connect").await;
    assert_eq!(again["body"]["channel"], "homeTimeline");
    assert_eq!(again["body"]["params"], first["body"]["params"]);
    assert_eq!(again["body"]["params"], json!({"withRenotes": false}));
    assert_eq!(conn.expect("subNote").await["body"]["id"], "n02");
    let id = again["body"]["id"].as_str().unwrap().to_owned();
    // A live note that the backfill also returns, then a newer one.
    conn.event(&id, "note", note("n04", "posted while down"));
    conn.event(&id, "note", note("n05", "live after the restart"));
    conn.send(json!({"type": "noteUpdated", "body": {"id": "n02", "type": "pollVoted", "body": {"choice": 0, "userId": "u1"}}}));

    let events = drain(&mut home, Duration::from_millis(500)).await;
    let shown: Vec<String> = events.iter().map(show).collect();
    println!("events of one reconnect:\n  {}", shown.join("\n  "));
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert!(
        shown[0].starts_with("Disconnected") && shown[0].contains("1012"),
        "{shown:#?}"
    );
    assert!(shown[1].starts_with("Reconnected"), "{shown:#?}");
    assert_eq!(
        shown[2..],
        [
            r#"Note(n03, "posted while down")"#,
            r#"Note(n04, "posted while down")"#,
            r#"Note(n05, "live after the restart")"#,
        ]
    );
    // The backfill asked for what followed the last note seen, with the channel's params.
    let calls = rest.calls.lock().unwrap().clone();
    let backfill = calls
        .iter()
        .find(|c| c["body"]["sinceId"] == "n02")
        .expect("a backfill call");
    assert_eq!(backfill["endpoint"], "notes/timeline");
    assert_eq!(backfill["body"]["withRenotes"], false);

    // The capture saw the same reconnect and then its update.
    assert!(matches!(
        next(&mut capture).await,
        NoteUpdate::Disconnected { .. }
    ));
    assert!(matches!(
        next(&mut capture).await,
        NoteUpdate::Reconnected { .. }
    ));
    assert!(matches!(next(&mut capture).await, NoteUpdate::PollVoted(v) if v.choice == 0));
}

#[tokio::test]
async fn backfill_starts_from_the_newest_note_when_none_was_seen_live() {
    let rest = Rest::start().await;
    rest.notes.lock().unwrap().push(note("m01", "old mention"));
    let client = misskey_client::Client::builder(&rest.origin)
        .token(TOKEN)
        .build()
        .unwrap();
    let mut fake = Fake::start().await;
    let b = builder(&fake)
        .client(client)
        .backoff(misskey_streaming::Backoff {
            initial: Duration::from_millis(50),
            ..Default::default()
        });
    let (stream, conn) = open(b, &mut fake).await;
    let mut main = stream.channel(channel::Main).await.unwrap();
    conn.ctl(Ctl::Restart);
    rest.notes
        .lock()
        .unwrap()
        .push(note("m02", "missed mention"));
    let _conn = fake.accept().await;
    let events = drain(&mut main, Duration::from_millis(500)).await;
    let mentions: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            MainEvent::Mention(n) => Some(n.id.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(mentions, ["m02"], "{events:?}");
    let calls = rest.calls.lock().unwrap().clone();
    assert!(
        calls.iter().all(|c| c["endpoint"] == "notes/mentions"),
        "{calls:?}"
    );
}

#[tokio::test]
async fn a_silent_half_open_connection_is_replaced() {
    let mut fake = Fake::start().await;
    let b = builder(&fake)
        .ping_interval(Duration::from_millis(100))
        .idle_timeout(Duration::from_millis(400))
        .backoff(misskey_streaming::Backoff {
            initial: Duration::from_millis(20),
            ..Default::default()
        });
    let (stream, mut conn) = open(b, &mut fake).await;
    let mut home = stream
        .channel(channel::HomeTimeline::default())
        .await
        .unwrap();
    conn.expect("connect").await;
    // The client pings; while the server answers, the connection stays.
    conn.expect("PING").await;
    conn.expect("PING").await;
    assert_eq!(
        conn.quiet_for(Duration::from_millis(600)).await,
        None,
        "no reconnect while answered"
    );
    conn.ctl(Ctl::Silence);
    let mut conn = fake.accept().await;
    assert_eq!(
        conn.expect("connect").await["body"]["channel"],
        "homeTimeline"
    );
    let TimelineEvent::Disconnected { reason } = next(&mut home).await else {
        panic!()
    };
    assert!(reason.contains("half-open"), "{reason}");
    assert!(matches!(
        next(&mut home).await,
        TimelineEvent::Reconnected { attempts: 1, .. }
    ));
}

#[tokio::test]
async fn a_refused_token_is_a_clear_error() {
    // A fake that answers the upgrade with 401, as Misskey does for a bad token.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = tcp.read(&mut buf).await;
        let _ = tcp
            .write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")
            .await;
    });
    logs();
    let err = Stream::builder(origin)
        .token(TOKEN)
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Refused { status: 401, .. }), "{err:?}");
    assert!(err.to_string().contains("read:account"), "{err}");
}
