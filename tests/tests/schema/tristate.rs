//! Optional *and* nullable request fields can be left out, sent as `null`,
//! or sent with a value, and each encodes exactly so; the encoded requests
//! are valid under the endpoint's request schema.

use std::sync::Arc;

use misskey_api::endpoints::{i, notes, page_push};
use misskey_core::{Id, Nullable};
use misskey_tests::harness::{self, OLD_SPEC};
use misskey_tests::validate::Validators;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn validators() -> Validators {
    Validators::new(Arc::clone(&harness::spec(OLD_SPEC)))
}

/// Encodes `request`, checks it against the endpoint's schema, decodes it
/// back to the same value, and returns the JSON.
fn encode<T>(endpoint: &str, request: &T) -> Value
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(request).expect("requests encode");
    let case = misskey_tests::endpoint(endpoint);
    validators()
        .check(
            case.request_schema.expect("has a body"),
            case.file_fields,
            &json,
        )
        .unwrap_or_else(|e| panic!("{endpoint}: {json} is not valid: {e}"));
    let back: T = serde_json::from_value(json.clone()).expect("decodes back");
    assert_eq!(
        &back, request,
        "{endpoint}: decoding {json} gave another value"
    );
    json
}

#[test]
fn i_update_description_absent_null_value() {
    let absent = i::update::Request::default();
    assert_eq!(encode("i/update", &absent), json!({}));

    let null = i::update::Request {
        description: Nullable::Null,
        ..Default::default()
    };
    assert_eq!(encode("i/update", &null), json!({"description": null}));

    let value = i::update::Request {
        description: Nullable::from("hello"),
        ..Default::default()
    };
    assert_eq!(encode("i/update", &value), json!({"description": "hello"}));

    // All three at once, on different fields.
    let mixed = i::update::Request {
        name: Nullable::from("藍"),
        description: Nullable::Null,
        birthday: Nullable::Absent,
        ..Default::default()
    };
    assert_eq!(
        encode("i/update", &mixed),
        json!({"name": "藍", "description": null})
    );
}

#[test]
fn i_update_decodes_each_state() {
    let r: i::update::Request = serde_json::from_value(json!({})).unwrap();
    assert!(r.description.is_absent());
    let r: i::update::Request = serde_json::from_value(json!({"description": null})).unwrap();
    assert!(r.description.is_null());
    let r: i::update::Request = serde_json::from_value(json!({"description": "x"})).unwrap();
    assert_eq!(r.description, Nullable::Value("x".to_owned()));
}

#[test]
fn notes_create_tri_state_fields() {
    let plain = notes::create::Request {
        text: Nullable::from("hi"),
        ..Default::default()
    };
    assert_eq!(encode("notes/create", &plain), json!({"text": "hi"}));

    // A renote without text: `text: null` is sent, `cw` is left out.
    let renote = notes::create::Request {
        renote_id: Nullable::Value(Id::new("9xyz0000aa")),
        text: Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        encode("notes/create", &renote),
        json!({"renoteId": "9xyz0000aa", "text": null})
    );

    // Clearing the reply and channel while writing text and a CW.
    let explicit = notes::create::Request {
        text: Nullable::from("body"),
        cw: Nullable::from("spoiler"),
        reply_id: Nullable::Null,
        channel_id: Nullable::Null,
        poll: Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        encode("notes/create", &explicit),
        json!({"text": "body", "cw": "spoiler", "replyId": null, "channelId": null, "poll": null})
    );
}
#[test]
fn a_field_of_any_type_can_be_sent_as_null() {
    let base = || page_push::Request {
        page_id: Id::new("9xyz0000aa"),
        event: "click".into(),
        ..Default::default()
    };
    assert_eq!(
        encode("page-push", &base()),
        json!({"pageId": "9xyz0000aa", "event": "click"})
    );
    let null = page_push::Request {
        var: Nullable::Null,
        ..base()
    };
    assert_eq!(
        encode("page-push", &null),
        json!({"pageId": "9xyz0000aa", "event": "click", "var": null})
    );
    let value = page_push::Request {
        var: Nullable::Value(json!({"n": 1})),
        ..base()
    };
    assert_eq!(
        encode("page-push", &value),
        json!({"pageId": "9xyz0000aa", "event": "click", "var": {"n": 1}})
    );
}
