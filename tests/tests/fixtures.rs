//! Real responses from a Misskey 2024.10.1 server decode into the generated
//! types and encode back to the same JSON (for notes, users, drive, meta,
//! notifications, errors and the 204 cases).

use misskey_tests::{endpoint, fixture, workspace_dir, FIXTURES_DIR};
use serde_json::Value;

/// Fields the 2024.10.1 server sends that its own spec does not list for that
/// object, so the typed decode ignores them (as it must for any unknown
/// field): `mutingNotificationTypes`, a deprecated field of `i`, and the
/// caller's private `MeDetailed` fields, which the server also sends when the
/// caller appears as an ordinary user (the follower in `users-followers.json`).
fn undocumented(key: &str) -> bool {
    static ME_ONLY: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let me_only = ME_ONLY.get_or_init(|| {
        let spec: Value = serde_json::from_str(&misskey_tests::read_repo_file(
            "api-spec/misskey-2024.10.1.json",
        ))
        .unwrap();
        spec["components"]["schemas"]["MeDetailedOnly"]["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    });
    key == "mutingNotificationTypes" || me_only.iter().any(|k| k == key)
}

/// What a missing flag or list decodes as (see the generator's lenient defaults).
fn is_default(v: &Value) -> bool {
    v == &Value::Bool(false)
        || v.as_array().is_some_and(|a| a.is_empty())
        || v.as_object().is_some_and(|o| o.is_empty())
}

/// `expected` and `actual` agree, where a `null` in `expected` may be an
/// absent key in `actual` (optional and nullable fields both become `None`)
/// and numbers compare by value (`1` and `1.0`).
fn assert_same(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => assert_same(ev, av, &p),
                    None => assert!(
                        ev.is_null() || undocumented(k),
                        "{p}: lost in the round trip (was {ev})"
                    ),
                }
            }
            for (k, av) in a {
                assert!(
                    e.contains_key(k) || is_default(av),
                    "{path}.{k}: appeared in the round trip as {av}"
                );
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: length changed");
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                assert_same(ev, av, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            assert_eq!(e.as_f64(), a.as_f64(), "{path}: number changed");
        }
        _ => assert_eq!(expected, actual, "{path}: changed"),
    }
}

fn check(file: &str) -> Value {
    let f = fixture(file);
    let name = f["endpoint"].as_str().expect("fixture names its endpoint");
    let case = endpoint(name);
    let request = f["request"].clone();
    let request = if request.is_null() {
        Value::Object(Default::default())
    } else {
        request
    };
    let encoded = (case.request_roundtrip)(request.clone())
        .unwrap_or_else(|e| panic!("{file}: request: {e}"));
    assert_same(&request, &encoded, &format!("{file} request"));
    let response = f["response"].clone();
    let status = f["status"].as_u64().unwrap_or(0);
    if (200..300).contains(&status) {
        let back = (case.response_roundtrip)(response.clone())
            .unwrap_or_else(|e| panic!("{file}: {name} response {e}"));
        assert_same(&response, &back, &format!("{file} response"));
        back
    } else {
        response
    }
}

#[test]
fn notes_timeline_with_renotes_quotes_polls_files_and_reactions() {
    let back = check("notes-timeline.json");
    let notes = back.as_array().expect("a list");
    assert_eq!(notes.len(), 30);
    assert!(
        notes.iter().any(|n| n["renote"].is_object()),
        "a renote survives"
    );
    assert!(
        notes.iter().any(|n| n["poll"].is_object()),
        "a poll survives"
    );
    assert!(
        notes
            .iter()
            .any(|n| n["files"].as_array().is_some_and(|f| !f.is_empty())),
        "files survive"
    );
}

#[test]
fn notes_local_timeline_and_create() {
    check("notes-local-timeline.json");
    check("notes-create-text.json");
}

#[test]
fn users_show_one_and_many() {
    let one = check("users-show.json");
    assert!(one.is_object());
    let many = check("users-show-many.json");
    assert!(many.is_array());
}

#[test]
fn users_followers_i_meta_drive_notifications_emojis() {
    for f in [
        "users-followers.json",
        "i.json",
        "meta.json",
        "drive-files.json",
        "notifications.json",
        "emojis.json",
    ] {
        check(f);
    }
}

#[test]
fn two_hundred_or_two_hundred_four_and_delete() {
    check("endpoint-204-or-200.json");
    check("endpoint-unknown.json");
    check("notes-delete-204.json");
}

#[test]
fn typed_values_are_really_typed() {
    use misskey_api::endpoints::notes::timeline;
    use misskey_api::models::NoteVisibility;
    let f = fixture("notes-timeline.json");
    let notes: timeline::Response = serde_json::from_value(f["response"].clone()).expect("decodes");
    assert!(notes.iter().all(|n| n.visibility.is_known()));
    assert!(notes.iter().any(|n| n.visibility == NoteVisibility::Public));
    let with_renote = notes.iter().find(|n| n.renote.is_some()).expect("a renote");
    assert!(!with_renote.renote.as_ref().unwrap().id.is_empty());
}

#[test]
fn every_fixture_is_covered() {
    let dir = workspace_dir().join(FIXTURES_DIR);
    for entry in std::fs::read_dir(&dir).expect("fixtures directory") {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") || name == "miauth-check.json" {
            continue;
        }
        let f = fixture(&name);
        if f["status"]
            .as_u64()
            .is_some_and(|s| (200..300).contains(&s))
        {
            check(&name);
        }
    }
}

#[test]
fn untagged_unions_pick_the_branch_the_data_is() {
    use misskey_api::endpoints::{meta, users};
    let f = fixture("meta.json");
    let m: meta::Response = serde_json::from_value(f["response"].clone()).expect("decodes");
    assert!(
        matches!(m, meta::Response::MetaDetailed(_)),
        "detail: true answers MetaDetailed, not the smaller MetaLite"
    );

    let f = fixture("users-show.json");
    let one: users::show::Response =
        serde_json::from_value(f["response"].clone()).expect("decodes");
    assert!(matches!(one, users::show::Response::UserDetailed(_)));
    let f = fixture("users-show-many.json");
    let many: users::show::Response =
        serde_json::from_value(f["response"].clone()).expect("decodes");
    assert!(matches!(many, users::show::Response::List(ref l) if !l.is_empty()));

    // The caller's own profile is a MeDetailed, any other user a UserDetailedNotMe.
    let f = fixture("i.json");
    let me: misskey_api::models::UserDetailed =
        serde_json::from_value(f["response"].clone()).expect("decodes");
    assert!(matches!(
        me,
        misskey_api::models::UserDetailed::MeDetailed(_)
    ));
}

#[test]
fn a_union_error_names_the_closest_branch() {
    use misskey_api::endpoints::users;
    let err = serde_json::from_str::<users::show::Response>(r#"{"id": 5}"#)
        .unwrap_err()
        .to_string();
    // The branches are `UserDetailed`, `UserLite` (misskey.io answers it) and their lists.
    assert!(
        err.contains("not a valid User") && err.contains("invalid type"),
        "{err}"
    );
    let err = serde_json::from_str::<users::show::Response>("true")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("expected one of") && err.contains("a boolean"),
        "{err}"
    );
}

#[test]
fn notifications_say_their_kind_and_what_every_kind_has() {
    use misskey_api::endpoints::i::notifications;
    use misskey_api::models::Notification;
    let f = fixture("notifications.json");
    let sent = f["response"].as_array().expect("a list").clone();
    let list: notifications::Response =
        serde_json::from_value(f["response"].clone()).expect("decodes");
    let kinds: Vec<&str> = list.iter().map(|n| n.kind()).collect();
    assert_eq!(kinds, ["reaction", "reply", "renote", "follow"]);
    for (n, json) in list.iter().zip(&sent) {
        assert_eq!(n.id().map(|id| id.as_str()), json["id"].as_str());
        assert!(n.created_at().is_some());
        // The branch structs have no `type` field: the union writes it back.
        assert_eq!(serde_json::to_value(n).unwrap()["type"], json["type"]);
    }

    // A kind this version does not know is kept as sent, and says its kind.
    let new = serde_json::json!({"id": "x1", "createdAt": "2026-11-23T02:32:21.929Z", "type": "chatRoomInvited", "invitation": {"roomId": "r"}});
    let n: Notification = serde_json::from_value(new.clone()).expect("decodes");
    assert!(matches!(&n, Notification::Other(v) if v.get("invitation").is_some()));
    assert_eq!(n.kind(), "chatRoomInvited");
    assert_eq!(
        n.id(),
        None,
        "the typed accessors only know the known kinds"
    );
    assert_eq!(misskey_core::HasId::id(&n), Some("x1"));
    assert_eq!(serde_json::to_value(&n).unwrap(), new);
}

#[test]
fn a_decode_failure_inside_a_union_names_the_path_within_it() {
    use misskey_api::endpoints::i::notifications;
    let f = fixture("notifications.json");
    let mut body = f["response"].clone();
    body[1]["user"]["username"] = serde_json::json!(5);
    let err = serde_path_to_error::deserialize::<_, notifications::Response>(body).unwrap_err();
    assert_eq!(err.path().to_string(), "[1]");
    let message = err.inner().to_string();
    assert!(
        message.contains("Notification `reply`") && message.contains("at `user.username`"),
        "{message}"
    );
}

#[test]
fn string_enums_never_hold_a_known_value_in_their_catch_all() {
    use misskey_api::models::NoteVisibility;
    assert_eq!(NoteVisibility::from("public"), NoteVisibility::Public);
    let v: NoteVisibility = serde_json::from_str(r#""public""#).unwrap();
    assert_eq!(v, NoteVisibility::Public);
    let new = NoteVisibility::from("circle");
    assert!(matches!(&new, NoteVisibility::Other(v) if v.as_str() == "circle"));
    assert_eq!(serde_json::to_string(&new).unwrap(), r#""circle""#);
}
