//! Multipart uploads, checked part by part by the fake.

use std::time::Duration;

use misskey_client::{Client, Error, RetryPolicy, Upload};
use misskey_core::{Id, Nullable};
use serde_json::json;

use crate::endpoints::*;
use crate::fake::{fixture, Fake, FormPart, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// Part names, with the fields between `i` and `file` sorted (their order
/// follows serde_json's map, which depends on its features).
fn names(parts: &[FormPart]) -> Vec<&str> {
    let mut names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    let start = usize::from(names.first() == Some(&"i"));
    let end = names.len() - usize::from(names.last() == Some(&"file"));
    names[start..end].sort_unstable();
    names
}

fn drive_file_reply() -> Reply {
    Reply::json(200, &fixture("drive-files.json")["response"][0])
}

#[tokio::test]
async fn upload_bytes_with_body_token() {
    let fake = Fake::always(drive_file_reply()).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let request = DriveFilesCreate {
        name: Some("pixel.gif".into()),
        is_sensitive: Some(true),
        folder_id: Nullable::Null,
        comment: Nullable::Value("a pixel".into()),
        ..Default::default()
    };
    let file = client
        .upload(
            &request,
            Upload::from_bytes(GIF.to_vec())
                .file_name("upload.gif")
                .mime_type("image/gif"),
        )
        .await
        .unwrap();
    assert_eq!(file.id, "atw7so8rw9j7000a");
    assert_eq!(file.type_, "image/gif");

    let req = fake.only_request();
    assert_eq!(req.path, "/api/drive/files/create");
    assert!(req
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
    assert_eq!(req.header("authorization"), None);
    let parts = req.multipart().await;
    // The token first, then the fields (nulls left out), the file last:
    // Misskey only sees fields sent before the file.
    assert_eq!(
        names(&parts),
        ["i", "comment", "isSensitive", "name", "file"]
    );
    let field = |name: &str| parts.iter().find(|p| p.name == name).unwrap();
    assert_eq!(field("i").text(), TOKEN);
    assert_eq!(field("name").text(), "pixel.gif");
    assert_eq!(field("comment").text(), "a pixel");
    assert_eq!(field("isSensitive").text(), "true");
    for p in &parts[..parts.len() - 1] {
        assert_eq!(p.file_name, None, "{} is a plain field", p.name);
    }
    let file_part = field("file");
    assert_eq!(file_part.data, GIF);
    assert_eq!(file_part.file_name.as_deref(), Some("upload.gif"));
    assert_eq!(file_part.content_type.as_deref(), Some("image/gif"));
}

#[tokio::test]
async fn upload_path_with_bearer_token() {
    let dir = std::env::temp_dir().join(format!("misskey-client-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cat picture.png");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();

    let fake = Fake::always(drive_file_reply()).await;
    let client = Client::builder(&fake.origin)
        .token(TOKEN)
        .bearer_auth()
        .build()
        .unwrap();
    let upload = Upload::from_path(&path).await.unwrap();
    assert_eq!(upload.get_file_name(), "cat picture.png");
    assert_eq!(upload.get_mime_type(), "image/png");
    client
        .upload(
            &DriveFilesCreate {
                force: Some(false),
                folder_id: Nullable::Value(Id::new("atw7so8rw9j70001")),
                ..Default::default()
            },
            upload,
        )
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let req = fake.only_request();
    assert_eq!(req.header("authorization"), Some(format!("Bearer {TOKEN}")));
    let parts = req.multipart().await;
    assert_eq!(names(&parts), ["folderId", "force", "file"]);
    let field = |name: &str| parts.iter().find(|p| p.name == name).unwrap();
    assert_eq!(field("folderId").text(), "atw7so8rw9j70001");
    assert_eq!(field("force").text(), "false");
    let file_part = &parts[2];
    assert_eq!(file_part.name, "file");
    assert_eq!(file_part.data, data);
    assert_eq!(file_part.file_name.as_deref(), Some("cat picture.png"));
    assert_eq!(file_part.content_type.as_deref(), Some("image/png"));
}

#[tokio::test]
async fn upload_stream_with_defaults() {
    let fake = Fake::always(drive_file_reply()).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let chunks = vec![
        Ok::<_, std::io::Error>(b"hello ".to_vec()),
        Ok(b"stream".to_vec()),
    ];
    let upload = Upload::from_stream(futures_util::stream::iter(chunks));
    assert_eq!(upload.get_file_name(), misskey_client::DEFAULT_FILE_NAME);
    assert_eq!(upload.get_mime_type(), "application/octet-stream");
    client
        .upload(&DriveFilesCreate::default(), upload)
        .await
        .unwrap();
    let parts = fake.only_request().multipart().await;
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].name, "i");
    assert_eq!(parts[1].name, "file");
    assert_eq!(parts[1].data, b"hello stream");
    assert_eq!(parts[1].file_name.as_deref(), Some("file"));
    assert_eq!(
        parts[1].content_type.as_deref(),
        Some("application/octet-stream")
    );
}

#[tokio::test]
async fn a_failing_stream_is_an_upload_error() {
    let fake = Fake::always(drive_file_reply()).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let chunks = vec![
        Ok(b"hello ".to_vec()),
        Err(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "source went away",
        )),
    ];
    let err = client
        .upload(
            &DriveFilesCreate::default(),
            Upload::from_stream(futures_util::stream::iter(chunks)).file_name("x.bin"),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Upload {
            endpoint, source, ..
        } => {
            assert_eq!(endpoint.as_deref(), Some("drive/files/create"));
            assert_eq!(source.kind(), std::io::ErrorKind::BrokenPipe);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "upload to drive/files/create failed: source went away"
    );
}

#[tokio::test]
async fn a_missing_file_is_an_upload_error() {
    let err = Upload::from_path("/nonexistent/dir/cat.png")
        .await
        .unwrap_err();
    match &err {
        Error::Upload {
            path,
            source,
            endpoint,
        } => {
            assert_eq!(
                path.as_deref(),
                Some(std::path::Path::new("/nonexistent/dir/cat.png"))
            );
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            assert_eq!(*endpoint, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with("upload failed: could not read `/nonexistent/dir/cat.png`: "));
}

#[tokio::test]
async fn an_invalid_mime_type_is_refused() {
    let fake = Fake::always(drive_file_reply()).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .upload(
            &DriveFilesCreate::default(),
            Upload::from_bytes(&b"x"[..]).mime_type("not a mime"),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`not a mime` is not a valid MIME type"),
        "{err}"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn upload_errors_are_misskey_errors_too() {
    let fake = Fake::always(Reply::json(
        400,
        &json!({"error": {"message": "Cannot upload the file because you have no free space of drive.",
            "code": "NO_FREE_SPACE", "id": "d08dbc37-a6a9-463a-8c47-96c32ab5f064", "kind": "client"}}),
    ))
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let err = client
        .upload(&DriveFilesCreate::default(), Upload::from_bytes(&b"x"[..]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NO_FREE_SPACE"));
}

#[tokio::test]
async fn bytes_uploads_are_resent_on_retry_but_streams_are_not() {
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = counter.clone();
    let fake = Fake::start(move |_| {
        if c.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Reply::json(429, &json!({"error": {"message": "Rate limit exceeded.", "code": "RATE_LIMIT_EXCEEDED", "id": "d5826d14-3982-4d2e-8011-b9e9f02499ef"}}))
                .header("retry-after", "0")
        } else {
            drive_file_reply()
        }
    })
    .await;
    let client = Client::builder(&fake.origin)
        .token(TOKEN)
        .retry_on_rate_limit(RetryPolicy::new(2, Duration::from_secs(1)))
        .build()
        .unwrap();
    client
        .upload(&DriveFilesCreate::default(), Upload::from_bytes(GIF))
        .await
        .unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].multipart().await.last().unwrap().data, GIF);

    counter.store(0, std::sync::atomic::Ordering::SeqCst);
    let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(GIF.to_vec())]);
    let err = client
        .upload(&DriveFilesCreate::default(), Upload::from_stream(stream))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(fake.requests().len(), 3);
}
