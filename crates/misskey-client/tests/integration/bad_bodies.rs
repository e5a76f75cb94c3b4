//! Broken success bodies through the whole client, decoded into the
//! generated types: truncated, nested thousands of levels deep, huge, of the
//! wrong types, or not JSON at all. Each must be a clean `Err` of the decode
//! or unexpected-response kind: no panic, no stack overflow.

use misskey_api::endpoints::notes;
use misskey_client::{Client, Error};
use misskey_core::Id;
use serde_json::{json, Value};

use crate::fake::{fixture, Fake, Reply};

/// What `notes/timeline` really answered (a list of notes).
fn timeline() -> Value {
    fixture("notes-timeline.json")["response"].clone()
}

fn request() -> notes::timeline::Request {
    notes::timeline::Request::default()
}

async fn answer(body: Vec<u8>) -> Result<notes::timeline::Response, Error> {
    let fake = Fake::always(Reply::raw(
        200,
        Some("application/json; charset=utf-8"),
        body,
    ))
    .await;
    let client = Client::builder(&fake.origin)
        .token("TOKEN-abcdef123456")
        .build()
        .unwrap();
    client.request(&request()).await
}

fn assert_unexpected(result: Result<notes::timeline::Response, Error>, what: &str) -> String {
    match result {
        Err(e @ Error::UnexpectedResponse { .. }) => e.to_string(),
        other => panic!("{what}: expected an unexpected-response error, got {other:?}"),
    }
}

fn assert_decode(result: Result<notes::timeline::Response, Error>, what: &str) -> String {
    match result {
        Err(e @ Error::Decode { .. }) => e.to_string(),
        other => panic!("{what}: expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_real_body_decodes() {
    let body = serde_json::to_vec(&timeline()).unwrap();
    let notes = answer(body).await.expect("the fixture decodes");
    assert!(!notes.is_empty());
}

#[tokio::test]
async fn truncated_bodies() {
    let body = serde_json::to_vec(&timeline()).unwrap();
    for cut in [1, 2, body.len() / 3, body.len() / 2, body.len() - 1] {
        let msg = assert_unexpected(answer(body[..cut].to_vec()).await, "truncated");
        assert!(msg.contains("not valid JSON"), "{msg}");
    }
}

#[tokio::test]
async fn not_json() {
    for body in [
        &b"<html><body>502 Bad Gateway</body></html>"[..],
        b"\x00\xff\xfe garbage",
        b"[1, 2,,]",
        b"[] trailing",
        b"{\"a\": \"\xff\xfe\"}",
    ] {
        let what = String::from_utf8_lossy(body).into_owned();
        let result = answer(body.to_vec()).await;
        assert!(
            matches!(
                result,
                Err(Error::UnexpectedResponse { .. } | Error::Decode { .. })
            ),
            "{what}: {result:?}"
        );
    }
}

#[tokio::test]
async fn nested_thousands_of_levels() {
    // Arrays and objects far deeper than any answer (and than serde_json's
    // own recursion limit of 128).
    for depth in [100, 1_000, 100_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let msg = assert_unexpected(answer(arrays.into_bytes()).await, "deep arrays");
        assert!(msg.contains("levels deep"), "{msg}");

        let mut objects = String::from("[");
        for _ in 0..depth {
            objects.push_str("{\"renote\":");
        }
        objects.push_str("null");
        objects.push_str(&"}".repeat(depth));
        objects.push(']');
        let msg = assert_unexpected(answer(objects.into_bytes()).await, "deep objects");
        assert!(msg.contains("levels deep"), "{msg}");
    }
}

/// A chain of `depth` renotes of a real note, as a timeline.
fn renote_chain(depth: usize) -> Vec<u8> {
    let note = timeline()[0].clone();
    let mut chain = note.clone();
    for _ in 0..depth {
        let mut outer = note.clone();
        outer["renote"] = chain;
        chain = outer;
    }
    serde_json::to_vec(&json!([chain])).unwrap()
}

#[tokio::test]
async fn renote_chains_within_the_depth_limit_decode() {
    // Deeper than any real answer, yet decoded on an ordinary test thread of
    // a debug build without exhausting its stack.
    let notes = answer(renote_chain(40)).await.expect("40 renotes decode");
    let mut depth = 0;
    let mut note = &notes[0];
    while let Some(inner) = note.renote.as_deref() {
        depth += 1;
        note = inner;
    }
    assert_eq!(depth, 40);
}

#[tokio::test]
async fn renote_chains_beyond_the_depth_limit_are_refused() {
    // Valid JSON within serde_json's limit of 128 levels, but each level
    // costs the generated decoder several stack frames: 120 renotes once
    // overflowed a debug build's stack. The client refuses them up front.
    let msg = assert_unexpected(answer(renote_chain(120)).await, "120 renotes");
    assert!(msg.contains("levels deep"), "{msg}");
}

#[tokio::test]
async fn huge_strings() {
    let mut notes = timeline();
    let huge = "藍".repeat(4 << 20);
    notes[0]["text"] = Value::String(huge.clone());
    notes[0]["user"]["name"] = Value::String("x".repeat(8 << 20));
    let decoded = answer(serde_json::to_vec(&notes).unwrap())
        .await
        .expect("big strings are still strings");
    assert_eq!(decoded[0].text.as_deref(), Some(huge.as_str()));
}

#[tokio::test]
async fn wrong_types() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({"not": "a list"}), "."),
        (json!(["a string, not a note"]), "[0]"),
        (
            {
                let mut n = timeline();
                n[0]["id"] = json!(12345);
                n
            },
            "[0].id",
        ),
        (
            {
                let mut n = timeline();
                n[0]["createdAt"] = json!("yesterday");
                n
            },
            "[0].createdAt",
        ),
        (
            {
                let mut n = timeline();
                n[0]["user"] = json!(null);
                n
            },
            "[0].user",
        ),
        (
            {
                let mut n = timeline();
                n[0]["renoteCount"] = json!("many");
                n
            },
            "[0].renoteCount",
        ),
    ];
    for (body, path) in cases {
        let msg = assert_decode(answer(serde_json::to_vec(&body).unwrap()).await, path);
        assert!(msg.contains(&format!("at `{path}`")), "{path}: {msg}");
    }
}

#[tokio::test]
async fn a_single_note_with_a_wrong_nested_type() {
    let mut note = fixture("notes-create-text.json")["response"]["createdNote"].clone();
    note["user"]["avatarDecorations"] = json!("not a list");
    let fake = Fake::always(Reply::json(200, &note)).await;
    let client = Client::builder(&fake.origin)
        .token("TOKEN-x")
        .build()
        .unwrap();
    let err = client
        .request(&notes::show::Request {
            note_id: Id::new("9xyz0000aa"),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { path, .. } if path == "user.avatarDecorations"),
        "{err:?}"
    );
}
