//! Walking pages with untilId / sinceId against a fake timeline.

use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt};
use misskey_client::{Client, Direction};
use misskey_core::Id;
use serde_json::{json, Value};

use crate::endpoints::*;
use crate::fake::{fixture_reply, Fake, Recorded, Reply};

const TOKEN: &str = "TOKEN-abcdef123456";

#[derive(Clone, Copy, Default)]
struct Quirks {
    /// Answer `sinceId` pages newest-first, as some timelines do.
    since_descending: bool,
    /// Include the boundary item itself (`<=` instead of `<`).
    inclusive: bool,
    /// Ignore `untilId`/`sinceId` entirely.
    ignore_cursor: bool,
}

fn ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("a{i:05}")).collect()
}

fn timeline(all: &[String], req: &Recorded, quirks: Quirks) -> Reply {
    let body = req.json();
    assert_eq!(body["i"], TOKEN);
    let limit = body["limit"].as_u64().unwrap_or(10) as usize;
    let since = body["sinceId"].as_str().filter(|_| !quirks.ignore_cursor);
    let until = body["untilId"].as_str().filter(|_| !quirks.ignore_cursor);
    let page: Vec<&String> = match (since, until) {
        (Some(since), None) => {
            let mut page: Vec<_> = all
                .iter()
                .filter(|id| id.as_str() > since || (quirks.inclusive && id.as_str() == since))
                .take(limit)
                .collect();
            if quirks.since_descending {
                page.reverse();
            }
            page
        }
        (since, Some(until)) => all
            .iter()
            .rev()
            .filter(|id| id.as_str() < until || (quirks.inclusive && id.as_str() == until))
            .filter(|id| since.is_none_or(|since| id.as_str() > since))
            .take(limit)
            .collect(),
        (None, None) => all.iter().rev().take(limit).collect(),
    };
    Reply::json(
        200,
        &Value::Array(page.into_iter().map(|id| json!({"id": id})).collect()),
    )
}

async fn fake_timeline(n: usize, quirks: Quirks) -> (Fake, Client) {
    let all = ids(n);
    let fake = Fake::start(move |req| timeline(&all, req, quirks)).await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    (fake, client)
}

fn request(limit: u32) -> NotesTimeline {
    NotesTimeline {
        limit: Some(limit),
        ..Default::default()
    }
}

fn strings(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.id.to_string()).collect()
}

#[tokio::test]
async fn walks_newest_to_oldest_without_duplicates_or_gaps() {
    let (fake, client) = fake_timeline(250, Quirks::default()).await;
    let pages = client.paginate(&request(100));
    assert_eq!(pages.direction(), Direction::NewestFirst);
    let items: Vec<Item> = pages.try_collect().await.unwrap();
    let mut expected = ids(250);
    expected.reverse();
    assert_eq!(strings(&items), expected);
    let reqs = fake.requests();
    // 100 + 100 + 50, then an empty page.
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[0].json().get("untilId"), None);
    assert_eq!(reqs[1].json()["untilId"], "a00151");
    assert_eq!(reqs[2].json()["untilId"], "a00051");
    assert_eq!(reqs[3].json()["untilId"], "a00001");
    assert!(reqs.iter().all(|r| r.json()["limit"] == 100));
}

#[tokio::test]
async fn stops_at_the_limit_without_fetching_more() {
    let (fake, client) = fake_timeline(250, Quirks::default()).await;
    let items: Vec<Item> = client
        .paginate(&request(100))
        .max_items(150)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 150);
    assert_eq!(items[0].id, "a00250");
    assert_eq!(items[149].id, "a00101");
    assert_eq!(fake.requests().len(), 2);

    // `take` from StreamExt works as well.
    let (fake, client) = fake_timeline(250, Quirks::default()).await;
    let items: Vec<_> = client.paginate(&request(30)).take(45).collect().await;
    assert_eq!(items.len(), 45);
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn walks_oldest_to_newest_from_since_id_in_either_server_order() {
    for since_descending in [false, true] {
        let quirks = Quirks {
            since_descending,
            ..Quirks::default()
        };
        let (fake, client) = fake_timeline(95, quirks).await;
        let pages = client.paginate(&NotesTimeline {
            limit: Some(20),
            since_id: Some(Id::new("a00010")),
            ..Default::default()
        });
        assert_eq!(pages.direction(), Direction::OldestFirst);
        let items: Vec<Item> = pages.try_collect().await.unwrap();
        let expected: Vec<String> = ids(95).into_iter().skip(10).collect();
        assert_eq!(
            strings(&items),
            expected,
            "since_descending={since_descending}"
        );
        let reqs = fake.requests();
        // 85 items: 5 pages (20*4 + 5), then an empty page.
        assert_eq!(reqs.len(), 6);
        assert_eq!(reqs[1].json()["sinceId"], "a00030");
        assert!(reqs.iter().all(|r| r.json().get("untilId").is_none()));
    }
}

#[tokio::test]
async fn a_server_that_repeats_the_boundary_item_gives_no_duplicates() {
    let quirks = Quirks {
        inclusive: true,
        ..Quirks::default()
    };
    let (_fake, client) = fake_timeline(57, quirks).await;
    let items: Vec<Item> = client.paginate(&request(10)).try_collect().await.unwrap();
    let got = strings(&items);
    assert_eq!(got.len(), 57);
    assert_eq!(got.iter().collect::<HashSet<_>>().len(), 57);
    let mut expected = ids(57);
    expected.reverse();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn a_server_that_ignores_the_cursor_does_not_loop_forever() {
    let quirks = Quirks {
        ignore_cursor: true,
        ..Quirks::default()
    };
    let (fake, client) = fake_timeline(30, quirks).await;
    let items: Vec<Item> = client.paginate(&request(10)).try_collect().await.unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn an_error_ends_the_walk_after_being_yielded() {
    let all = ids(50);
    let fake = Fake::start(move |req| {
        if req.json().get("untilId").is_some() {
            fixture_reply("error-credential-required.json")
        } else {
            timeline(&all, req, Quirks::default())
        }
    })
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let results: Vec<_> = client.paginate(&request(20)).collect().await;
    assert_eq!(results.len(), 21);
    assert!(results[..20].iter().all(Result::is_ok));
    assert_eq!(
        results[20].as_ref().unwrap_err().code(),
        Some("CREDENTIAL_REQUIRED")
    );
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_missing_credential_is_yielded_without_a_request() {
    let (fake, _) = fake_timeline(5, Quirks::default()).await;
    let client = Client::new(&fake.origin).unwrap();
    let results: Vec<_> = client.paginate(&request(20)).collect().await;
    assert_eq!(results.len(), 1);
    assert!(matches!(
        results[0],
        Err(misskey_client::Error::MissingCredential { .. })
    ));
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_range_walks_down_from_until_id_to_since_id() {
    let (fake, client) = fake_timeline(100, Quirks::default()).await;
    let pages = client.paginate(&NotesTimeline {
        limit: Some(15),
        since_id: Some(Id::new("a00010")),
        until_id: Some(Id::new("a00050")),
    });
    assert_eq!(pages.direction(), Direction::NewestFirst);
    let items: Vec<Item> = pages.try_collect().await.unwrap();
    let expected: Vec<String> = ids(49).into_iter().skip(10).rev().collect();
    assert_eq!(strings(&items), expected);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 4);
    assert!(reqs.iter().all(|r| r.json()["sinceId"] == "a00010"));
    assert_eq!(reqs[0].json()["untilId"], "a00050");
    assert_eq!(reqs[1].json()["untilId"], "a00035");
}

#[tokio::test]
async fn items_without_an_id_are_yielded_but_not_used_as_cursors() {
    // Every page holds one item of an unknown kind without an id.
    let all = ids(25);
    let fake = Fake::start(move |req| {
        let Reply { body, .. } = timeline(&all, req, Quirks::default());
        let mut page: Vec<Value> = serde_json::from_slice(&body).unwrap();
        if !page.is_empty() {
            page.insert(1, json!({"type": "somethingNew"}));
        }
        Reply::json(200, &Value::Array(page))
    })
    .await;
    let client = Client::builder(&fake.origin).token(TOKEN).build().unwrap();
    let items: Vec<MaybeItem> = client
        .paginate(&MaybeTimeline(request(10)))
        .try_collect()
        .await
        .unwrap();
    let with_id: Vec<_> = items.iter().filter_map(|i| i.id.clone()).collect();
    let mut expected = ids(25);
    expected.reverse();
    assert_eq!(
        with_id.iter().map(Id::to_string).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(items.len(), 25 + 3);
    assert!(
        items[10].id.is_none(),
        "unknown items come after the page's others"
    );
    assert_eq!(fake.requests().len(), 4);
}
