//! `Client::call`: any endpoint by name, through the same code as typed calls.

use misskey_client::{Client, CommonErrorCode, Error, TokenPlacement};
use misskey_core::Id;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::endpoints::*;
use crate::fake::{fixture_reply, Fake, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";

#[tokio::test]
async fn an_untyped_call_sends_exactly_what_the_typed_call_sends() {
    for placement in [TokenPlacement::Body, TokenPlacement::BearerHeader] {
        let fake = Fake::always(fixture_reply("notes-create-text.json")).await;
        let client = Client::builder(&fake.origin)
            .token(TOKEN)
            .token_placement(placement)
            .user_agent("bot/1")
            .build()
            .unwrap();
        let typed = client
            .request(&NotesCreate {
                text: Some("hi".into()),
            })
            .await
            .unwrap();
        let untyped: Value = client
            .call("notes/create", json!({"text": "hi"}))
            .await
            .unwrap();
        assert_eq!(untyped["createdNote"]["id"], typed.created_note.id.as_str());
        let sent = fake.requests();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].path, sent[1].path);
        assert_eq!(sent[0].json(), sent[1].json());
        for name in ["authorization", "content-type", "user-agent"] {
            assert_eq!(sent[0].header(name), sent[1].header(name), "{name}");
        }
    }
}

#[tokio::test]
async fn untyped_calls_decode_into_any_type_and_accept_204() {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Created {
        created_note: Minimal,
    }
    #[derive(Deserialize)]
    struct Minimal {
        id: Id,
    }
    let fake = Fake::start(|req| match req.path.as_str() {
        "/api/notes/delete" => fixture_reply("notes-delete-204.json"),
        _ => fixture_reply("notes-create-text.json"),
    })
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let created: Created = client
        .call("notes/create", json!({"text": "x"}))
        .await
        .unwrap();
    assert_eq!(created.created_note.id, "atw7t079w9j7001f");
    let deleted: () = client
        .call("notes/delete", json!({"noteId": "atw7t079w9j7001f"}))
        .await
        .unwrap();
    let deleted_as_json: Value = client
        .call("notes/delete", json!({"noteId": "atw7t079w9j7001f"}))
        .await
        .unwrap();
    assert_eq!((deleted, deleted_as_json), ((), Value::Null));
    // `()` as parameters sends `{}` (plus the token).
    let _: Value = client.call("notes/create", ()).await.unwrap();
    assert_eq!(fake.requests()[3].json(), json!({"i": TOKEN}));
}

#[tokio::test]
async fn untyped_errors_are_the_typed_errors() {
    let fake = Fake::always(fixture_reply("error-invalid-param.json")).await;
    let client = Client::new(&fake.origin).unwrap();
    let err = client
        .call::<Value>("notes/show", json!({"noteId": "not-an-id!"}))
        .await
        .unwrap_err();
    assert!(err.is(CommonErrorCode::InvalidParam));
    assert_eq!(err.endpoint(), Some("notes/show"));
    let typed = client
        .request(&NotesShow {
            note_id: Id::new("not-an-id!"),
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), typed.to_string());

    // A decode failure names the path, as for typed calls.
    #[derive(Debug, Deserialize)]
    struct WantsNumber {
        #[allow(dead_code)]
        error: u32,
    }
    let fake = Fake::always(Reply::json(200, &json!({"error": "text"}))).await;
    let err = Client::new(&fake.origin)
        .unwrap()
        .call::<WantsNumber>("x/y", ())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, endpoint, .. } => {
            assert_eq!((path.as_str(), &**endpoint), ("error", "x/y"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn untyped_calls_without_a_token_are_left_to_the_server() {
    let fake = Fake::always(fixture_reply("error-credential-required.json")).await;
    let err = Client::new(&fake.origin)
        .unwrap()
        .call::<Value>("i", ())
        .await
        .unwrap_err();
    assert!(err.is(CommonErrorCode::CredentialRequired), "{err}");
    assert_eq!(fake.only_request().json(), json!({}));
}

#[tokio::test]
async fn bad_names_and_params_are_refused_before_sending() {
    let fake = Fake::always(Reply::json(200, &json!({}))).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .call::<Value>("/api/notes/create", ())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidEndpointName { .. }), "{err:?}");
    assert!(err.is_usage());
    assert_eq!(
        err.to_string(),
        "invalid endpoint name \"/api/notes/create\": it starts with `/`; leave out the leading \
         slash; pass the name as in `notes/create` (the path under `/api/`)"
    );
    let name = String::from("notes/show?noteId=1");
    let err = client.call::<Value>(name, ()).await.unwrap_err();
    assert!(matches!(err, Error::InvalidEndpointName { .. }), "{err:?}");
    let err = client
        .call::<Value>("notes/create", json!(["not", "an", "object"]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Serialize { .. }), "{err:?}");
    assert!(fake.requests().is_empty());
}
