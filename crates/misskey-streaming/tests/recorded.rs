//! The real session recorded from a Misskey 2024.10.1 server: every frame it
//! received decodes into its typed variant, and the params the typed
//! channels send are exactly what the recorded client sent.

use std::collections::HashMap;

use misskey_streaming::channel::{self, Channel};
use misskey_streaming::frame::{FrameHead, ServerFrame};
use misskey_streaming::{Event, MainEvent, NoteUpdate, TimelineEvent};
use serde_json::Value;

const SESSION: &str =
    include_str!("../../../tests/fixtures/misskey-2024.10.1/streaming-session.jsonl");

fn frames(dir: &str) -> Vec<Value> {
    SESSION
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["dir"] == dir)
        .map(|r| r["msg"].clone())
        .collect()
}

/// The recorded `connect` frames by channel name.
fn recorded_connects() -> HashMap<String, Value> {
    frames("out")
        .into_iter()
        .filter(|m| m["type"] == "connect")
        .map(|m| {
            (
                m["body"]["channel"].as_str().unwrap().to_owned(),
                m["body"].clone(),
            )
        })
        .collect()
}

/// Decodes an event with the event type of the channel `name`; returns its
/// wire type, or `Err(reason)` when it came out `Unknown`.
fn decode_for(
    name: &str,
    kind: &str,
    body: Option<&serde_json::value::RawValue>,
) -> Result<String, String> {
    fn check<E: Event + std::fmt::Debug>(
        kind: &str,
        body: Option<&serde_json::value::RawValue>,
    ) -> Result<String, String> {
        let event = E::decode(kind, body);
        if event.is_unknown() {
            return Err(format!("{event:?}"));
        }
        Ok(event.event_type().unwrap().to_owned())
    }
    match name {
        "main" => check::<MainEvent>(kind, body),
        "drive" => check::<channel::DriveEvent>(kind, body),
        "serverStats" => check::<channel::ServerStatsEvent>(kind, body),
        "queueStats" => check::<channel::QueueStatsEvent>(kind, body),
        "admin" => check::<channel::AdminEvent>(kind, body),
        _ => check::<TimelineEvent>(kind, body),
    }
}

#[test]
fn every_recorded_event_decodes_to_its_typed_variant() {
    let names: HashMap<String, String> = recorded_connects()
        .into_values()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_owned(),
                b["channel"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut typed: HashMap<String, usize> = HashMap::new();
    let mut unknown = Vec::new();
    let mut connected = 0;
    for msg in frames("in") {
        let text = msg.to_string();
        match ServerFrame::parse(&text).unwrap() {
            ServerFrame::Channel { id, kind, body } => {
                let name = &names[id.as_ref()];
                match decode_for(name, &kind, body) {
                    Ok(t) => {
                        assert_eq!(t, kind, "decoded into another variant");
                        *typed.entry(format!("{name}/{kind}")).or_default() += 1;
                    }
                    Err(e) => unknown.push(format!("{name}/{kind}: {e}")),
                }
            }
            ServerFrame::NoteUpdated { kind, body, .. } => {
                let event = NoteUpdate::decode(&kind, body);
                if event.is_unknown() {
                    unknown.push(format!("noteUpdated/{kind}: {event:?}"));
                } else {
                    assert_eq!(event.event_type(), Some(kind.as_ref()));
                    *typed.entry(format!("noteUpdated/{kind}")).or_default() += 1;
                }
            }
            ServerFrame::Connected { .. } => connected += 1,
            ServerFrame::Broadcast { kind, .. } => {
                unknown.push(format!("unexpected broadcast {kind}"))
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "{} events came out Unknown:\n{}",
        unknown.len(),
        unknown.join("\n")
    );
    assert_eq!(connected, 13);
    let total: usize = typed.values().sum();
    // 87 frames: 20 sent by the client, 13 `connected`, 54 events.
    assert_eq!(total, 54, "{typed:#?}");
    // Every kind of event the session has is covered.
    for key in [
        "main/notification",
        "main/unreadNotification",
        "main/mention",
        "main/reply",
        "main/renote",
        "main/followed",
        "main/driveFileCreated",
        "main/registryUpdated",
        "main/meUpdated",
        "homeTimeline/note",
        "localTimeline/note",
        "hybridTimeline/note",
        "globalTimeline/note",
        "antenna/note",
        "userList/note",
        "hashtag/note",
        "channel/note",
        "drive/fileCreated",
        "drive/fileUpdated",
        "drive/fileDeleted",
        "drive/folderCreated",
        "drive/folderDeleted",
        "queueStats/stats",
        "noteUpdated/reacted",
        "noteUpdated/unreacted",
        "noteUpdated/pollVoted",
        "noteUpdated/deleted",
    ] {
        assert!(typed.contains_key(key), "{key} missing from {typed:#?}");
    }
}

#[test]
fn typed_payloads_carry_the_recorded_values() {
    let find = |id: &str, kind: &str| -> String {
        frames("in")
            .into_iter()
            .find(|m| m["body"]["id"] == id && m["body"]["type"] == kind)
            .unwrap()
            .to_string()
    };
    let text = find("c-main", "mention");
    let ServerFrame::Channel { body, .. } = ServerFrame::parse(&text).unwrap() else {
        panic!()
    };
    let MainEvent::Mention(note) = MainEvent::decode("mention", body) else {
        panic!()
    };
    assert_eq!(note.id, "au8qiiknce03000j");
    assert_eq!(note.user.username, "alice");

    let text = find("c-drive", "fileDeleted");
    let ServerFrame::Channel { body, .. } = ServerFrame::parse(&text).unwrap() else {
        panic!()
    };
    let channel::DriveEvent::FileDeleted(id) = channel::DriveEvent::decode("fileDeleted", body)
    else {
        panic!()
    };
    assert_eq!(id, "au8qijq8ce03000u");

    let text = find("au8qii56ce03000h", "reacted");
    let ServerFrame::NoteUpdated { id, kind, body } = ServerFrame::parse(&text).unwrap() else {
        panic!()
    };
    assert_eq!(id, "au8qii56ce03000h");
    let NoteUpdate::Reacted(r) = NoteUpdate::decode(&kind, body) else {
        panic!()
    };
    assert_eq!(r.reaction, "👍");
    assert_eq!(r.emoji, None);
    assert_eq!(r.user_id, "au8q892g1yj00002");
}

#[test]
fn typed_params_are_exactly_what_the_recorded_client_sent() {
    let recorded = recorded_connects();
    let check = |name: &str, params: Value| {
        assert_eq!(recorded[name]["params"], params, "params of {name}");
    };
    check(channel::Main::NAME, channel::Main.params());
    check(
        channel::HomeTimeline::NAME,
        channel::HomeTimeline {
            with_renotes: Some(true),
            ..Default::default()
        }
        .params(),
    );
    check(
        channel::LocalTimeline::NAME,
        channel::LocalTimeline {
            with_replies: Some(true),
            ..Default::default()
        }
        .params(),
    );
    check(
        channel::HybridTimeline::NAME,
        channel::HybridTimeline::default().params(),
    );
    check(
        channel::GlobalTimeline::NAME,
        channel::GlobalTimeline::default().params(),
    );
    check(channel::Drive::NAME, channel::Drive.params());
    check(channel::ServerStats::NAME, channel::ServerStats.params());
    check(channel::QueueStats::NAME, channel::QueueStats.params());
    check(channel::Admin::NAME, channel::Admin.params());
    check(
        channel::Antenna::NAME,
        channel::Antenna {
            antenna_id: "au8qigxyce03000c".into(),
        }
        .params(),
    );
    check(
        channel::UserList::NAME,
        channel::UserList {
            list_id: "au8qigvece03000a".into(),
            ..Default::default()
        }
        .params(),
    );
    check(
        channel::Hashtag::NAME,
        channel::Hashtag {
            q: vec![vec!["rectag".into()]],
        }
        .params(),
    );
    check(
        channel::ChannelTimeline::NAME,
        channel::ChannelTimeline {
            channel_id: "au8qigyhce03000d".into(),
        }
        .params(),
    );
    // Every recorded channel but the unknown one is in the table.
    for name in recorded.keys().filter(|n| *n != "noSuchChannel") {
        assert!(
            channel::ALL.contains(&name.as_str()),
            "{name} is not in the table"
        );
    }
}

#[test]
fn unknown_types_and_undecodable_payloads_keep_the_raw_json() {
    let text = r#"{"type":"channel","body":{"id":"c1","type":"somethingNew","body":{"x":[1,2]}}}"#;
    let ServerFrame::Channel { kind, body, .. } = ServerFrame::parse(text).unwrap() else {
        panic!()
    };
    let MainEvent::Unknown(u) = MainEvent::decode(&kind, body) else {
        panic!()
    };
    assert_eq!(u.kind, "somethingNew");
    assert_eq!(u.body.as_ref().unwrap().get(), r#"{"x":[1,2]}"#);
    assert_eq!(u.error, None);
    assert_eq!(u.body_value()["x"][1], 2);

    // A known type whose payload does not fit: kept, with the reason.
    let text = r#"{"type":"channel","body":{"id":"c1","type":"note","body":{"id":"n1","text":5}}}"#;
    let ServerFrame::Channel { kind, body, .. } = ServerFrame::parse(text).unwrap() else {
        panic!()
    };
    let TimelineEvent::Unknown(u) = TimelineEvent::decode(&kind, body) else {
        panic!()
    };
    assert_eq!(u.kind, "note");
    assert!(
        u.error.as_deref().unwrap().contains("invalid type"),
        "{u:?}"
    );
    assert_eq!(u.body_value()["text"], 5);

    // A renote chain nested far too deep is refused as the decoder descends,
    // without overflowing the stack: in a thread with the stack of a tokio
    // worker (2 MiB), whole frame read as the connection reads it.
    let mut deep = String::from(r#"{"type":"channel","body":{"id":"c1","type":"note","body":"#);
    for _ in 0..5000 {
        deep.push_str(r#"{"renote":"#);
    }
    deep.push_str("null");
    for _ in 0..5000 {
        deep.push('}');
    }
    deep.push_str("}}");
    let error = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let ServerFrame::Channel { kind, body, .. } = ServerFrame::parse(&deep).unwrap() else {
                panic!()
            };
            let careful = match TimelineEvent::decode(&kind, body) {
                TimelineEvent::Unknown(u) => u.error.unwrap(),
                other => panic!("{other:?}"),
            };
            // The one pass the connection uses refuses it the same way.
            assert!(matches!(
                FrameHead::read(&deep),
                Ok(FrameHead::Channel { .. })
            ));
            match TimelineEvent::decode_frame(&deep) {
                TimelineEvent::Unknown(u) => assert_eq!(u.error.unwrap(), careful),
                other => panic!("{other:?}"),
            }
            careful
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(error.contains("more than 48 levels deep"), "{error}");
}

/// The frames the server sent, as recorded (the server's key order).
fn wire_texts() -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Record<'a> {
        dir: &'a str,
        #[serde(borrow)]
        msg: &'a serde_json::value::RawValue,
    }
    SESSION
        .lines()
        .map(|l| serde_json::from_str::<Record>(l).unwrap())
        .filter(|r| r.dir == "in")
        .map(|r| r.msg.get().to_owned())
        .collect()
}

/// What the careful reading gives for `text`, and what the one-pass
/// reading the connection uses (head, then `decode_frame`) gives, as Debug
/// text, decoded with the event type of channel `name`.
fn both_ways(text: &str, name: &str) -> (String, String) {
    fn with<E: Event + std::fmt::Debug>(text: &str) -> (String, String) {
        let careful = match ServerFrame::parse(text) {
            Ok(ServerFrame::Channel { kind, body, .. })
            | Ok(ServerFrame::NoteUpdated { kind, body, .. })
            | Ok(ServerFrame::Broadcast { kind, body }) => format!("{:?}", E::decode(&kind, body)),
            Ok(ServerFrame::Connected { id }) => format!("connected {id}"),
            Err(e) => format!("malformed: {e}"),
        };
        let one_pass = match FrameHead::read(text) {
            Ok(FrameHead::Connected { id }) => format!("connected {id}"),
            Ok(_) => format!("{:?}", E::decode_frame(text)),
            Err(e) => format!("malformed: {e}"),
        };
        (careful, one_pass)
    }
    match name {
        "main" => with::<MainEvent>(text),
        "drive" => with::<channel::DriveEvent>(text),
        "queueStats" => with::<channel::QueueStatsEvent>(text),
        "noteUpdated" => with::<NoteUpdate>(text),
        _ => with::<TimelineEvent>(text),
    }
}

/// The same JSON with every object's keys in the reverse of their order in
/// `text`. Written out by hand because `serde_json::Value` keeps or sorts
/// keys depending on a feature another workspace crate may switch on.
fn with_keys_reversed(text: &str) -> String {
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Reversed(String);
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Reversed;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Reversed, E> {
            Ok(Reversed(v.to_string()))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Reversed, E> {
            Ok(Reversed(v.to_string()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Reversed, E> {
            Ok(Reversed(v.to_string()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Reversed, E> {
            Ok(Reversed(serde_json::to_string(&v).unwrap()))
        }
        fn visit_str<E>(self, v: &str) -> Result<Reversed, E> {
            Ok(Reversed(serde_json::to_string(v).unwrap()))
        }
        fn visit_unit<E>(self) -> Result<Reversed, E> {
            Ok(Reversed("null".to_owned()))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Reversed, A::Error> {
            let mut items = Vec::new();
            while let Some(Reversed(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Reversed(format!("[{}]", items.join(","))))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Reversed, A::Error> {
            let mut entries = Vec::new();
            while let Some((key, Reversed(value))) = map.next_entry::<String, Reversed>()? {
                entries.push(format!("{}:{value}", serde_json::to_string(&key).unwrap()));
            }
            entries.reverse();
            Ok(Reversed(format!("{{{}}}", entries.join(","))))
        }
    }
    impl<'de> Deserialize<'de> for Reversed {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(V)
        }
    }
    serde_json::from_str::<Reversed>(text).unwrap().0
}

#[test]
fn the_one_pass_reading_agrees_with_the_careful_one() {
    let names: HashMap<String, String> = recorded_connects()
        .into_values()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_owned(),
                b["channel"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut checked = 0;
    for text in wire_texts() {
        let name = match FrameHead::read(&text).unwrap() {
            FrameHead::Channel { id, .. } => names[id.as_ref()].clone(),
            FrameHead::NoteUpdated { .. } => "noteUpdated".to_owned(),
            _ => "other".to_owned(),
        };
        let reordered = with_keys_reversed(&text);
        assert_ne!(reordered, text, "the reordering must change the text");
        for t in [&text, &reordered] {
            let (careful, one_pass) = both_ways(t, &name);
            assert_eq!(careful, one_pass, "{t}");
            assert!(!careful.starts_with("Unknown("), "{careful}");
            checked += 1;
        }
        // Broken after a sound head: the handle reports it, as the careful
        // reading does.
        let cut = &text[..text.len() - 1];
        let (careful, one_pass) = both_ways(cut, &name);
        assert!(careful.starts_with("malformed:"), "{careful}");
        if !one_pass.starts_with("malformed:") {
            assert!(one_pass.contains("malformed streaming frame"), "{one_pass}");
        }
    }
    assert_eq!(checked, 2 * 67);

    // Payloads that do not fit, unknown types, events without body, odd
    // orders: the same either way.
    for text in [
        r#"{"type":"channel","body":{"id":"c1","type":"note","body":{"id":"n1","text":5}}}"#,
        r#"{"type":"channel","body":{"id":"c1","type":"somethingNew","body":{"a":[1]}}}"#,
        r#"{"type":"channel","body":{"id":"c1","type":"note"}}"#,
        r#"{"type":"channel","body":{"id":"c1","type":"note","body":null}}"#,
        r#"{"type":"channel","body":{"type":"note","id":"c1","body":{"id":"n1"}}}"#,
        r#"{"type":"channel","extra":1,"body":{"id":"c1","type":"x","body":2,"more":[]}}"#,
        r#"{"type":"emojiAdded","body":{"emoji":{}}}"#,
        r#"{"type":"channel","body":{"id":"c1","type":"note","body":{"a":tru}}}"#,
        r#"{"type":"channel","body":{"id":"c1","type":"note","body":{}}} x"#,
        r#"{"type":"channel","type":"x","body":{"id":"c1","type":"note"}}"#,
        r#"{"type":"channel","body":{"id":"c1","id":"c2","type":"note"}}"#,
    ] {
        let (careful, one_pass) = both_ways(text, "homeTimeline");
        if careful.starts_with("malformed:") && !one_pass.starts_with("malformed:") {
            // A body broken after a sound head reaches the handle, which
            // reports it.
            assert!(
                one_pass.contains(careful.trim_start_matches("malformed: ")),
                "{text}: {one_pass}"
            );
        } else {
            assert_eq!(careful, one_pass, "{text}");
        }
    }
}
