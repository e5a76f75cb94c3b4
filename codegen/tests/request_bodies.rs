//! Request bodies that real specs write as a composition of objects
//! (Misskey 2025.x: `anyOf` of the ways to name a target, `allOf` of that and
//! the common fields) become one `Request` struct.

use misskey_codegen::{generate, load, Input};
use serde_json::{json, Value};

mod common;
use common::{file, gen};

const SPEC: &str = include_str!("specs/request-compositions.json");

/// The `Request` struct's body, from `pub struct Request {` to its `}`.
fn request_struct(module: &str) -> &str {
    let start = module
        .find("pub struct Request {")
        .unwrap_or_else(|| panic!("no Request struct in:\n{module}"));
    let end = module[start..].find("\n}").expect("closed") + start;
    &module[start..end]
}

fn normalised_body(path: &str) -> Value {
    let (doc, _) = load::normalize_text(SPEC).expect("normalises");
    doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"].clone()
}

#[test]
fn an_any_of_of_objects_is_one_object_with_optional_alternatives() {
    assert_eq!(
        normalised_body("/drive/files/show"),
        json!({
            "type": "object",
            "properties": {
                "fileId": {"type": "string", "format": "misskey:id"},
                "url": {"type": "string"}
            }
        }),
        "each alternative's field is optional: neither is required by every branch"
    );
    let out = gen(SPEC);
    let show = file(&out, "crates/misskey-api/src/endpoints/drive/files/show.rs");
    let request = request_struct(show);
    assert!(request.contains("pub file_id: Option<Id>,"), "{request}");
    assert!(request.contains("pub url: Option<String>,"), "{request}");
    assert!(
        show.contains("The request needs one of: `fileId`; or `url`."),
        "the alternatives are documented:\n{show}"
    );
}

#[test]
fn an_all_of_adds_up_required_fields_and_keeps_the_alternatives() {
    let body = normalised_body("/users/followers");
    assert_eq!(body["required"], json!(["limit"]));
    let names: Vec<&String> = body["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        ["userId", "username", "host", "limit", "sinceId"],
        "in spec order"
    );

    let out = gen(SPEC);
    let followers = file(&out, "crates/misskey-api/src/endpoints/users/followers.rs");
    let request = request_struct(followers);
    assert!(
        request.contains("pub limit: i64,"),
        "required in the allOf: {request}"
    );
    assert!(request.contains("pub user_id: Option<Id>,"), "{request}");
    assert!(
        request.contains("pub username: Option<String>,"),
        "{request}"
    );
    // Required in one alternative and nullable: absent, null and a value can all be sent.
    assert!(request.contains("pub host: Nullable<String>,"), "{request}");
    assert!(
        followers.contains("The request needs one of: `userId`; or `username` with `host`."),
        "{followers}"
    );
}

#[test]
fn a_field_typed_differently_by_two_alternatives_accepts_either() {
    let body = normalised_body("/clips/find");
    assert_eq!(
        body["required"],
        json!(["key", "scope"]),
        "required by every branch, so required"
    );
    assert_eq!(
        body["properties"]["key"],
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
    let out = gen(SPEC);
    let find = file(&out, "crates/misskey-api/src/endpoints/clips/find.rs");
    let request = request_struct(find);
    assert!(request.contains("pub key: Key,"), "{request}");
    assert!(request.contains("pub scope: String,"), "{request}");
    assert!(find.contains("pub enum Key {"), "{find}");
}

#[test]
fn a_referenced_alternative_is_read_through_the_reference() {
    let out = gen(SPEC);
    let show = file(&out, "crates/misskey-api/src/endpoints/pages/show.rs");
    let request = request_struct(show);
    for field in [
        "pub page_id: Option<Id>,",
        "pub name: Option<String>,",
        "pub username: Option<String>,",
        "pub with_likes: Option<bool>,",
    ] {
        assert!(request.contains(field), "{field} in {request}");
    }
    assert!(
        show.contains("The request needs one of: `pageId`; or `name` with `username`."),
        "{show}"
    );
}

#[test]
fn a_composition_with_a_branch_that_is_not_an_object_is_refused_at_its_place() {
    let mut doc: Value = serde_json::from_str(SPEC).unwrap();
    doc["paths"]["/drive/files/show"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["anyOf"][1] = json!({"type": "string"});
    let e = generate(Input {
        spec: &doc.to_string(),
        scopes: None,
    })
    .unwrap_err();
    assert_eq!(
        e.pointer,
        "/paths/~1drive~1files~1show/post/requestBody/content/application~1json/schema"
    );
    assert!(e.message.contains("must be an object"), "{e}");
}

#[test]
fn a_request_body_that_refers_to_itself_is_refused() {
    let mut doc: Value = serde_json::from_str(SPEC).unwrap();
    doc["components"]["schemas"]["PageTarget"] =
        json!({"allOf": [{"$ref": "#/components/schemas/PageTarget"}]});
    let e = generate(Input {
        spec: &doc.to_string(),
        scopes: None,
    })
    .unwrap_err();
    assert_eq!(e.pointer, "/components/schemas/PageTarget", "{e}");
    assert!(e.message.contains("contains itself"), "{e}");
}

fn repo_file(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (it is committed)", path.display()))
}

#[test]
fn the_real_2025_11_0_spec_generates_with_its_ten_composed_request_bodies() {
    let spec = repo_file("api-spec/misskey-2025.11.0.json");
    let out = gen(&spec);
    assert_eq!(out.summary.endpoints, 432);
    let show = file(&out, "crates/misskey-api/src/endpoints/users/show.rs");
    let request = request_struct(show);
    for field in [
        "pub user_id: Option<Id>,",
        "pub user_ids: Option<Vec<Id>>,",
        "pub username: Option<String>,",
        "pub host: Nullable<String>,",
    ] {
        assert!(request.contains(field), "{field} in {request}");
    }
    assert!(show.contains("The request needs one of: `userId`; or `userIds`; or `username`."));
    let update = file(
        &out,
        "crates/misskey-api/src/endpoints/admin/emoji/update.rs",
    );
    assert!(
        update.contains("The request needs one of: `id`; or `name`."),
        "{update}"
    );
}
