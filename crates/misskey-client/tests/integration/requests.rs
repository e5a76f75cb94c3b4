//! Successful calls: token placement, bodies, 204, 200-or-204, origins.

use misskey_client::{Client, Error, TokenPlacement};
use misskey_core::Id;
use serde_json::json;

use crate::endpoints::*;
use crate::fake::{fixture_reply, Fake, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";

#[tokio::test]
async fn body_token_mode_sends_i_in_the_json_body() {
    let fake = Fake::always(fixture_reply("notes-create-text.json")).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let created = client
        .request(&NotesCreate {
            text: Some("fixture note".into()),
        })
        .await
        .unwrap();
    assert_eq!(created.created_note.id, "atw7t079w9j7001f");
    assert_eq!(created.created_note.user.username, "alice");

    let req = fake.only_request();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/api/notes/create");
    assert_eq!(
        req.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.json(), json!({"text": "fixture note", "i": TOKEN}));
}

#[tokio::test]
async fn bearer_mode_sends_the_token_only_in_the_header() {
    let fake = Fake::always(fixture_reply("notes-create-text.json")).await;
    let client = Client::builder(&fake.origin)
        .token(TOKEN)
        .token_placement(TokenPlacement::BearerHeader)
        .build()
        .unwrap();
    client
        .request(&NotesCreate {
            text: Some("hi".into()),
        })
        .await
        .unwrap();
    let req = fake.only_request();
    assert_eq!(req.header("authorization"), Some(format!("Bearer {TOKEN}")));
    assert_eq!(req.json(), json!({"text": "hi"}));
}

#[tokio::test]
async fn requests_without_fields_are_sent_as_an_empty_object() {
    let fake = Fake::always(Reply::json(200, &json!({"ok": true}))).await;
    let client = Client::new(&fake.origin).unwrap();
    client.request(&NoFields {}).await.unwrap();
    client.request(&UnitRequest).await.unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(&reqs[0].body[..], b"{}");
    assert_eq!(reqs[0].path, "/api/meta");
    assert_eq!(&reqs[1].body[..], b"{}");
    assert_eq!(reqs[1].path, "/api/ping");
    assert_eq!(
        reqs[0].header("content-type").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn the_token_is_sent_to_endpoints_that_do_not_require_it() {
    let fake = Fake::always(Reply::json(200, &json!({}))).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    client.request(&NoFields {}).await.unwrap();
    assert_eq!(fake.only_request().json(), json!({"i": TOKEN}));
}

#[tokio::test]
async fn no_content_decodes_unit() {
    let fake = Fake::always(fixture_reply("notes-delete-204.json")).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let () = client
        .request(&NotesDelete {
            note_id: Id::new("atw7t0a8w9j7001h"),
        })
        .await
        .unwrap();
    assert_eq!(
        fake.only_request().json(),
        json!({"noteId": "atw7t0a8w9j7001h", "i": TOKEN})
    );
}

#[tokio::test]
async fn json_or_empty_endpoint_decodes_both_answers() {
    let fake = Fake::start(|req| {
        if req.json()["endpoint"] == "notes/create" {
            fixture_reply("endpoint-204-or-200.json")
        } else {
            fixture_reply("endpoint-unknown.json")
        }
    })
    .await;
    let client = Client::new(&fake.origin).unwrap();
    let found = client
        .request(&EndpointInfo {
            endpoint: "notes/create".into(),
        })
        .await
        .unwrap()
        .expect("200 gives Some");
    assert!(found
        .params
        .iter()
        .any(|p| p.name == "text" && p.type_ == "String"));
    let missing = client
        .request(&EndpointInfo {
            endpoint: "no/such/endpoint".into(),
        })
        .await
        .unwrap();
    assert!(missing.is_none());
}

#[tokio::test]
async fn no_content_for_a_json_endpoint_is_an_unexpected_response() {
    let fake = Fake::always(Reply::empty(204)).await;
    let client = Client::new(&fake.origin).unwrap();
    let err = client
        .request(&NotesShow {
            note_id: Id::new("x"),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status, .. } if status.as_u16() == 204),
        "{err:?}"
    );
    assert!(err.to_string().contains("204 No Content"), "{err}");
}

#[tokio::test]
async fn missing_credential_fails_before_sending_anything() {
    let fake = Fake::always(fixture_reply("notes-create-text.json")).await;
    let client = Client::new(&fake.origin).unwrap();
    let err = client
        .request(&NotesCreate {
            text: Some("hi".into()),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    assert_eq!(err.endpoint(), Some("notes/create"));
    assert!(err.is_usage());
    assert_eq!(
        err.to_string(),
        "notes/create requires a credential but the client has no access token; \
         set one with `Client::builder(origin).token(...)`"
    );
    // Same for uploads.
    let err = client
        .upload(
            &DriveFilesCreate::default(),
            misskey_client::Upload::from_bytes(&b"x"[..]),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    assert!(fake.requests().is_empty(), "the fake got a request");
}

#[tokio::test]
async fn user_agent_default_and_custom() {
    let fake = Fake::always(Reply::json(200, &json!({}))).await;
    Client::new(&fake.origin)
        .unwrap()
        .request(&NoFields {})
        .await
        .unwrap();
    Client::builder(&fake.origin)
        .user_agent("my-bot/1.0")
        .build()
        .unwrap()
        .request(&NoFields {})
        .await
        .unwrap();
    // A caller-supplied HTTP client keeps its own agent unless one is set.
    let http = misskey_client::reqwest::Client::builder()
        .user_agent("their-agent/2")
        .build()
        .unwrap();
    Client::builder(&fake.origin)
        .http_client(http.clone())
        .build()
        .unwrap()
        .request(&NoFields {})
        .await
        .unwrap();
    Client::builder(&fake.origin)
        .http_client(http)
        .user_agent("override/3")
        .build()
        .unwrap()
        .request(&NoFields {})
        .await
        .unwrap();
    let agents: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.header("user-agent").unwrap())
        .collect();
    assert_eq!(
        agents,
        [
            misskey_client::DEFAULT_USER_AGENT,
            "my-bot/1.0",
            "their-agent/2",
            "override/3"
        ]
    );
}

#[tokio::test]
async fn origin_is_normalised_before_use() {
    let fake = Fake::always(Reply::json(200, &json!({}))).await;
    let host = fake.origin.trim_start_matches("http://").to_owned();
    for given in [
        fake.origin.clone(),
        format!("{}/", fake.origin),
        format!("{}/api", fake.origin),
        format!("{}/api/", fake.origin),
        format!("  {}//  ", fake.origin),
    ] {
        let client = Client::new(given.as_str()).unwrap();
        assert_eq!(client.origin(), fake.origin, "from {given:?}");
        client.request(&NoFields {}).await.unwrap();
    }
    assert!(fake.requests().iter().all(|r| r.path == "/api/meta"));
    // Without a scheme, https is assumed.
    let client = Client::new(host.as_str()).unwrap();
    assert_eq!(client.origin(), format!("https://{host}"));
    assert_eq!(
        client.endpoint_url("notes/create"),
        format!("https://{host}/api/notes/create")
    );
}

#[tokio::test]
async fn invalid_origins_say_what_and_how_to_fix() {
    let cases = [
        (
            "ftp://misskey.example",
            "the scheme `ftp` is not supported",
            "use `https://misskey.example`",
        ),
        (
            "https://misskey.example/api/notes/create",
            "looks like the URL of an endpoint",
            "pass only the origin, `https://misskey.example`",
        ),
        (
            "https://misskey.example/?lang=ja",
            "has a query string",
            "pass only the origin, `https://misskey.example`",
        ),
        (
            "https://bob:pw@misskey.example",
            "user name or password",
            "the access token is set separately",
        ),
        ("", "it is empty", "such as `https://misskey.example`"),
        (
            "https://exa mple.com",
            "not a valid URL",
            "such as `https://misskey.example`",
        ),
    ];
    for (input, problem, fix) in cases {
        let err = Client::new(input).unwrap_err();
        let text = err.to_string();
        // The login flows of misskey-auth parse with the same function.
        let shared = misskey_client::parse_origin(input).unwrap_err();
        assert_eq!(shared.to_string(), text);
        assert!(matches!(err, Error::InvalidOrigin { .. }), "{err:?}");
        assert!(text.contains(&format!("{input:?}")), "{text}");
        assert!(text.contains(problem), "{text}");
        assert!(text.contains(fix), "{text}");
    }
}

#[test]
fn calls_can_be_spawned_on_a_multi_threaded_runtime() {
    fn assert_send<T: Send + 'static>(_: &T) {}
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<Client>();
    assert_sync::<Error>();
    let client = Client::new("https://misskey.example").unwrap();
    let c = client.clone();
    let call = async move { c.request(&NoFields {}).await };
    assert_send(&call);
    let c = client.clone();
    let upload = async move {
        c.upload(
            &DriveFilesCreate::default(),
            misskey_client::Upload::from_bytes(&b"x"[..]),
        )
        .await
    };
    assert_send(&upload);
    let pages = client.paginate(&NotesTimeline::default());
    assert_send(&pages);
}

#[tokio::test]
async fn an_access_token_is_taken_as_it_is_and_handed_out_redacted() {
    let token = misskey_client::AccessToken::new(TOKEN);
    let fake = Fake::always(fixture_reply("notes-create-text.json")).await;
    let client = Client::builder(&fake.origin).token(token).build().unwrap();
    assert_eq!(client.token().map(|t| t.expose_secret()), Some(TOKEN));
    assert_eq!(
        format!("{:?}", client.token()),
        "Some(AccessToken(<redacted>))"
    );
    client
        .request(&NotesCreate {
            text: Some("x".into()),
        })
        .await
        .unwrap();
    assert_eq!(fake.only_request().json()["i"], TOKEN);
    assert!(Client::new(&fake.origin).unwrap().token().is_none());
}

#[tokio::test]
async fn a_hand_written_endpoint_needs_two_items_and_defaults_to_requiring_a_token() {
    let fake = Fake::always(Reply::json(200, &json!({"count": 3}))).await;
    let request = ForkBookmarkCount {
        note_id: Id::new("9zzz"),
    };
    let err = Client::new(&fake.origin)
        .unwrap()
        .request(&request)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingCredential { .. }), "{err:?}");
    assert_eq!(err.endpoint(), Some("notes/bookmark-count"));
    assert!(fake.requests().is_empty());
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    assert_eq!(client.request(&request).await.unwrap().count, 3);
    let sent = fake.only_request();
    assert_eq!(sent.path, "/api/notes/bookmark-count");
    assert_eq!(sent.json(), json!({"noteId": "9zzz", "i": TOKEN}));
}

#[tokio::test]
async fn plain_http_to_another_host_needs_an_explicit_opt_in() {
    let err = Client::new("http://misskey.lan:3000").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid Misskey origin \"http://misskey.lan:3000\": plain `http` would send the access \
         token unencrypted; use `https://misskey.lan:3000` (plain http is only accepted for \
         loopback development servers: localhost, 127.0.0.0/8, ::1; for a server on a trusted \
         private network use `ClientBuilder::allow_insecure_http`)"
    );
    let client = Client::builder("http://misskey.lan:3000")
        .allow_insecure_http()
        .build()
        .unwrap();
    assert_eq!(client.origin(), "http://misskey.lan:3000");
}
