//! The client with the generated bindings of `misskey_api`.

use futures_util::TryStreamExt;
use misskey_api::endpoints::{drive, endpoint, notes};
use misskey_client::{Client, Upload};
use misskey_core::{Id, Nullable};
use serde_json::{json, Value};

use crate::fake::{fixture, fixture_reply, Fake, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";

#[tokio::test]
async fn notes_create() {
    let fake = Fake::always(fixture_reply("notes-create-text.json")).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let res = client
        .request(&notes::create::Request {
            text: "fixture note".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(res.created_note.id, "atw7t079w9j7001f");
    assert_eq!(
        fake.only_request().json(),
        json!({"text": "fixture note", "i": TOKEN})
    );
}

#[tokio::test]
async fn notes_show_error_and_notes_delete() {
    let fake = Fake::start(|req| match req.path.as_str() {
        "/api/notes/show" => fixture_reply("error-no-such-note.json"),
        _ => fixture_reply("notes-delete-204.json"),
    })
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .request(&notes::show::Request {
            note_id: Id::new("aaaaaaaaaaaaaaaa"),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NO_SUCH_NOTE"));
    let () = client
        .request(&notes::delete::Request {
            note_id: Id::new("atw7t0a8w9j7001h"),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn endpoint_200_or_204() {
    let fake = Fake::start(|req| {
        if req.json()["endpoint"] == "notes/create" {
            fixture_reply("endpoint-204-or-200.json")
        } else {
            fixture_reply("endpoint-unknown.json")
        }
    })
    .await;
    let client = Client::new(&fake.origin).unwrap();
    let known = client
        .request(&endpoint::Request {
            endpoint: "notes/create".into(),
        })
        .await
        .unwrap()
        .unwrap();
    assert!(known.params.iter().any(|p| p.name == "poll"));
    let unknown = client
        .request(&endpoint::Request {
            endpoint: "no/such/endpoint".into(),
        })
        .await
        .unwrap();
    assert!(unknown.is_none());
}

#[tokio::test]
async fn drive_files_create_upload() {
    let fake = Fake::always(Reply::json(
        200,
        &fixture("drive-files.json")["response"][0],
    ))
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let file = client
        .upload(
            &drive::files::create::Request {
                name: "pixel.gif".into(),
                folder_id: Nullable::Null,
                is_sensitive: Some(false),
                ..Default::default()
            },
            Upload::from_bytes(&b"GIF89a"[..]).file_name("pixel.gif"),
        )
        .await
        .unwrap();
    assert_eq!(file.id, "atw7so8rw9j7000a");
    let parts = fake.only_request().multipart().await;
    let names: Vec<_> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"i"));
    assert_eq!(names.last(), Some(&"file"));
    assert!(names.contains(&"name") && names.contains(&"isSensitive"));
    assert!(!names.contains(&"folderId"), "null fields are left out");
    assert_eq!(
        parts.last().unwrap().content_type.as_deref(),
        Some("image/gif")
    );
}

#[tokio::test]
async fn notes_timeline_pages() {
    // The real page, then pages cut from it by untilId.
    let page: Vec<Value> = fixture("notes-timeline.json")["response"]
        .as_array()
        .unwrap()
        .clone();
    let total = page.len();
    assert!(total >= 3, "the fixture has {total} notes");
    let fake = Fake::start(move |req| {
        let body = req.json();
        let limit = body["limit"].as_u64().unwrap() as usize;
        let until = body["untilId"].as_str().map(str::to_owned);
        let notes: Vec<Value> = page
            .iter()
            .filter(|n| {
                until
                    .as_deref()
                    .is_none_or(|u| n["id"].as_str().unwrap() < u)
            })
            .take(limit)
            .cloned()
            .collect();
        Reply::json(200, &Value::Array(notes))
    })
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let notes: Vec<misskey_api::models::Note> = client
        .paginate(&notes::timeline::Request {
            limit: Some(2),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(notes.len(), total);
    assert!(notes.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(fake.requests().len(), total.div_ceil(2) + 1);
}

#[tokio::test]
async fn a_generated_error_code_enum_matches_without_strings() {
    use misskey_client::CommonErrorCode;
    use notes::show::ErrorCode;
    let fake = Fake::always(fixture_reply("error-no-such-note.json")).await;
    let client = Client::new(&fake.origin).unwrap();
    let request = notes::show::Request {
        note_id: "9zzz".into(),
    };
    let err = client.request(&request).await.unwrap_err();
    assert_eq!(err.code_as::<ErrorCode>(), Some(ErrorCode::NoSuchNote));
    assert!(err.is(ErrorCode::NoSuchNote));
    assert_eq!(
        ErrorCode::NoSuchNote.id(),
        err.api_error().map(|e| e.id.as_str()),
        "the generated id is the one the server sends"
    );

    // A code every endpoint can answer lands in `Common`.
    let fake = Fake::always(fixture_reply("error-invalid-param.json")).await;
    let client = Client::new(&fake.origin).unwrap();
    let err = client.request(&request).await.unwrap_err();
    assert_eq!(
        err.code_as::<ErrorCode>(),
        Some(ErrorCode::Common(CommonErrorCode::InvalidParam))
    );

    // A code this version does not know is kept, not lost.
    let body = json!({"error": {"message": "?", "code": "FORK_ONLY_REASON",
        "id": "00000000-0000-0000-0000-000000000001", "kind": "client"}});
    let fake = Fake::always(Reply::json(400, &body)).await;
    let client = Client::new(&fake.origin).unwrap();
    let err = client.request(&request).await.unwrap_err();
    let code = err.code_as::<ErrorCode>().unwrap();
    assert!(matches!(
        &code,
        ErrorCode::Common(CommonErrorCode::Other(v)) if v.as_str() == "FORK_ONLY_REASON"
    ));
    assert_eq!(code.to_string(), "FORK_ONLY_REASON");
}
