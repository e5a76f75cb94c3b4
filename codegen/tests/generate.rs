//! The generator end to end: OpenAPI 3.0 and 3.1 inputs, the real specs,
//! determinism, and clear errors for malformed or unsupported specs.

use misskey_codegen::{generate, load, Error, Input};
use serde_json::{json, Value};

mod common;
use common::{assert_has, file, gen};

const SPEC_30: &str = include_str!("specs/misskey-12-openapi-3.0.json");

/// A committed file of the repository, by its path from the workspace root.
fn repo_file(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; it is committed, restore it with `git checkout HEAD -- {path}`",
            p.display()
        )
    })
}

#[test]
fn openapi_3_0_spec_from_an_older_server_generates() {
    let out = gen(SPEC_30);
    assert_eq!(out.spec_version, "12.119.2");
    assert_eq!(
        out.operation_count, 5,
        "GET and POST of notes/show share one operation id and are two operations"
    );
    assert_eq!(
        out.summary.endpoints, 4,
        "one endpoint per path, GET folded into allowGet"
    );

    let show = file(&out, "crates/misskey-api/src/endpoints/notes/show.rs");
    assert_has(show, "pub note_id: Id,");
    assert_has(show, "pub type Response = models::Note;");
    assert_has(show, "const ALLOW_GET: bool = true;");
    assert_has(show, "const REQUIRES_CREDENTIAL: bool = false;");
    assert_has(show, "\"NO_SUCH_NOTE\"");

    let update = file(&out, "crates/misskey-api/src/endpoints/i/update.rs");
    assert_has(update, "pub description: Nullable<String>,");
    assert_has(update, "pub lang: Nullable<Lang>,");
    assert_has(update, "pub is_bot: Option<bool>,");
    assert_has(
        update,
        "const PERMISSION: Option<Permission> = Some(Permission::WriteAccount);",
    );
    assert_has(update, "const RATE_LIMITED: bool = true;");
    assert_has(update, "const REQUIRES_CREDENTIAL: bool = true;");

    let delete = file(&out, "crates/misskey-api/src/endpoints/notes/delete.rs");
    assert_has(delete, "pub type Response = ();");
    assert_has(delete, "ResponseShape::Empty");

    let note = file(&out, "crates/misskey-api/src/models/note.rs");
    assert_has(note, "pub reply: Option<Box<Note>>,");
    assert_has(note, "pub text: Option<String>,");
    assert_has(note, "pub r#type: Option<String>,");
    assert_has(note, "pub created_at: DateTime,");

    // `unknown` is a real value of onlineStatus, so the catch-all is named differently.
    let user = file(&out, "crates/misskey-api/src/models/user.rs");
    assert_has(user, "Unknown = \"unknown\",");
    assert_has(user, "Other(misskey_core::UnknownValue),");

    let timeline = file(&out, "crates/misskey-api/src/endpoints/notes/timeline.rs");
    assert_has(timeline, "impl misskey_core::Paginate for Request");

    for f in &out.files {
        if f.path.ends_with(".rs") {
            syn::parse_file(&f.contents)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path));
        }
    }
}

/// Rewrites a 3.0 document the way a 3.1 server would serve it.
fn to_openapi_3_1(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                to_openapi_3_1(v);
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::Array(all_of)) = map.remove("allOf") {
                    let mut any = all_of;
                    any.push(json!({"type": "null"}));
                    map.insert("anyOf".into(), Value::Array(any));
                } else if let Some(Value::String(t)) = map.remove("type") {
                    map.insert("type".into(), json!([t, "null"]));
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(to_openapi_3_1),
        _ => {}
    }
}

#[test]
fn the_same_api_as_openapi_3_1_generates_the_same_code() {
    let mut doc: Value = serde_json::from_str(SPEC_30).unwrap();
    to_openapi_3_1(&mut doc);
    doc["openapi"] = json!("3.1.0");
    let v31 = serde_json::to_string(&doc).unwrap();
    assert!(v31.contains(r#""type":["string","null"]"#) && v31.contains(r#"{"type":"null"}"#));
    let a = gen(SPEC_30);
    let b = gen(&v31);
    assert_eq!(a.files.len(), b.files.len());
    for (x, y) in a.files.iter().zip(&b.files) {
        assert_eq!(x.path, y.path);
        // The crate docs name the OpenAPI version they were generated from.
        let y_contents = y.contents.replace("OpenAPI 3.1.0", "OpenAPI 3.0.0");
        assert_eq!(
            x.contents, y_contents,
            "{} differs between the 3.0 and 3.1 forms",
            x.path
        );
    }
}

#[test]
fn normalisation_keeps_what_3_0_cannot_say() {
    let spec = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "A": {"type": ["string", "null"]},
            "B": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]},
            "C": {"type": ["string", "null"], "enum": [null, "x", "y"]},
            "D": {"const": "only"},
            "E": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "unevaluatedItems": false},
            "F": {"type": "integer", "exclusiveMinimum": 0},
            "G": {"type": "object", "properties": {"a": {"type": "string"}}, "if": {"properties": {"a": {"type": "null"}}}, "then": {"required": ["a"]}},
            "H": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "anyOf": [{"required": ["a"]}, {"required": ["b"]}]},
            "I": {"type": "object", "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/D"}]},
            "J": {"type": ["string", "integer"]}
        }}
    });
    let (doc, version) = load::normalize_text(&spec.to_string()).expect("normalises");
    assert_eq!(version, "3.1.0");
    let s = &doc["components"]["schemas"];
    assert_eq!(s["A"], json!({"type": "string", "nullable": true}));
    assert_eq!(
        s["B"],
        json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
    );
    assert_eq!(
        s["C"],
        json!({"type": "string", "enum": ["x", "y"], "nullable": true})
    );
    assert_eq!(s["D"], json!({"enum": ["only"]}));
    assert_eq!(
        s["E"]["x-prefix-items"],
        json!([{"type": "string"}, {"type": "number"}])
    );
    assert!(s["E"].get("unevaluatedItems").is_none());
    assert_eq!(
        s["F"],
        json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
    );
    assert!(s["G"].get("if").is_none() && s["G"].get("then").is_none());
    assert!(
        s["H"].get("anyOf").is_none(),
        "an anyOf of bare `required` lists adds no shape"
    );
    assert!(s["I"].get("type").is_none() && s["I"]["oneOf"].is_array());
    assert_eq!(
        s["J"]["anyOf"],
        json!([{"type": "string"}, {"type": "integer"}])
    );
    // And the result is a valid 3.0 document for the openapiv3 crate.
    load::load(&spec.to_string()).expect("loads");
}

#[test]
fn output_is_deterministic() {
    let a = gen(SPEC_30);
    let b = gen(SPEC_30);
    assert_eq!(a.files, b.files);
}

#[test]
fn the_real_2024_10_1_spec() {
    let spec = repo_file("api-spec/misskey-2024.10.1.json");
    let scopes = Some(repo_file(
        "api-spec/misskey-2024.10.1.oauth-authorization-server.json",
    ));
    let out = generate(Input {
        spec: &spec,
        scopes: scopes.as_deref(),
    })
    .expect("generates");
    assert_eq!(out.operation_count, 408);
    assert_eq!(out.summary.endpoints, 383);
    assert_eq!(out.summary.internal_endpoints, 52);
    // Only schemas that really allow any JSON (objects without properties,
    // `{}`) are untyped; this is that floor, and must not grow.
    assert_eq!(out.summary.untyped, 23);
    // 83 published permissions plus the ones endpoint descriptions name beyond them.
    assert!(out.summary.permissions >= 83, "{}", out.summary.permissions);
    let permission = file(&out, "crates/misskey-core/src/permission.rs");
    // Named by an endpoint description, though missing from the published list.
    assert_has(
        permission,
        "ReadAdminSystemWebhook = \"read:admin:system-webhook\",",
    );
    // One type for one meaning: `i/update` sends the settings `i` answers.
    let update = file(&out, "crates/misskey-api/src/endpoints/i/update.rs");
    assert_has(
        update,
        "pub notification_recieve_config: Option<models::NotificationRecieveConfig>,",
    );
    let config = file(
        &out,
        "crates/misskey-api/src/models/notification_recieve_config.rs",
    );
    assert_has(config, "pub note: Option<NotificationFilter>,");
    assert_has(config, "pub follow: Option<NotificationFilter>,");
    // Nothing is left under a name the rename table replaces (that every
    // entry applies is checked on the whole locked set, in `merge.rs`).
    common::check_renames(&out.files, false);
    let gen_token = file(&out, "crates/misskey-api/src/endpoints/miauth/gen_token.rs");
    assert_has(gen_token, "const INTERNAL: bool = true;");
    let mod_rs = file(&out, "crates/misskey-api/src/endpoints/miauth/mod.rs");
    assert_has(mod_rs, "#[cfg(feature = \"internal\")]");
}

#[test]
fn the_misskey_io_fork_spec() {
    let spec = repo_file("api-spec/misskey-io-2025.4.1-mhq.13.json");
    let scopes = Some(repo_file("api-spec/misskey-io-2025.4.1-mhq.13.scopes.json"));
    let out = generate(Input {
        spec: &spec,
        scopes: scopes.as_deref(),
    })
    .expect("generates");
    assert_eq!(out.summary.endpoints, 412);
    assert!(out.summary.permissions >= 92);
}

fn expect_error(spec: &str) -> Error {
    match generate(Input { spec, scopes: None }) {
        Ok(_) => panic!("expected an error for {spec}"),
        Err(e) => e,
    }
}

fn minimal(paths: Value, schemas: Value) -> String {
    json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths, "components": {"schemas": schemas}}).to_string()
}

fn op(schema: Value) -> Value {
    json!({"post": {
        "description": "**Credential required**: *No*",
        "requestBody": {"content": {"application/json": {"schema": schema}}},
        "responses": {"204": {"description": "ok"}}
    }})
}

#[test]
fn malformed_and_unsupported_specs_name_the_place_and_the_problem() {
    let cases: Vec<(String, &str, &str)> = vec![
        ("{not json".into(), "", "not valid JSON"),
        ("[1, 2]".into(), "", "must be a JSON object"),
        (
            json!({"swagger": "2.0", "info": {"version": "1"}, "paths": {}}).to_string(),
            "/openapi",
            "Swagger 2.0",
        ),
        (
            json!({"openapi": "4.0.0", "info": {"version": "1"}, "paths": {}}).to_string(),
            "/openapi",
            "unsupported OpenAPI version",
        ),
        (
            json!({"openapi": "3.1.0", "info": {"version": "1"}, "paths": []}).to_string(),
            "/paths",
            "not an object",
        ),
        (
            json!({"openapi": "3.1.0", "info": {}, "paths": {}}).to_string(),
            "/info/version",
            "missing",
        ),
        (
            minimal(json!({"/a": op(json!({"type": 5}))}), json!({})),
            "/paths/~1a/post/requestBody/content/application~1json/schema/type",
            "string or a list",
        ),
        (
            minimal(json!({}), json!({"X": {"type": "strnig"}})),
            "/components/schemas/X/type",
            "unknown type `strnig`",
        ),
        (
            minimal(json!({}), json!({"X": {"type": "object", "required": "a"}})),
            "/components/schemas/X/required",
            "array of property names",
        ),
        (
            minimal(
                json!({}),
                json!({"X": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Nope"}}}}),
            ),
            "/components/schemas/X/properties/a/$ref",
            "not defined",
        ),
        (
            minimal(json!({}), json!({"X": {"$ref": "other.json#/X"}})),
            "/components/schemas/X/$ref",
            "unsupported reference",
        ),
        (
            minimal(
                json!({}),
                json!({"X": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "string"}]}}),
            ),
            "/components/schemas/X/allOf/1",
            "not an object",
        ),
        (
            minimal(
                json!({}),
                json!({"X": {"allOf": [{"$ref": "#/components/schemas/Y"}, {"type": "object"}]}, "Y": {"allOf": [{"$ref": "#/components/schemas/X"}, {"type": "object"}]}}),
            ),
            "/components/schemas/",
            "includes itself",
        ),
        (
            minimal(json!({"/a": op(json!({"type": "string"}))}), json!({})),
            "/paths/~1a/post/requestBody/content/application~1json/schema",
            "must be an object",
        ),
        (
            minimal(json!({"/a": {"post": {"description": "x"}}}), json!({})),
            "/paths/~1a/post/responses",
            "missing",
        ),
        (
            minimal(json!({}), json!({"X": {"properties": []}})),
            "/components/schemas/X/properties",
            "object of schemas",
        ),
        (
            minimal(json!({}), json!({"X": 42})),
            "/components/schemas/X",
            "must be a JSON object",
        ),
        (
            format!("{}{}", "[".repeat(5000), "]".repeat(5000)),
            "",
            "not valid JSON",
        ),
    ];
    for (spec, pointer, message) in cases {
        let e = expect_error(&spec);
        assert!(
            e.pointer.starts_with(pointer),
            "for {spec:.80}: pointer `{}`, expected `{pointer}` ({e})",
            e.pointer
        );
        assert!(
            e.message.contains(message),
            "for {spec:.80}: message `{}`, expected `{message}`",
            e.message
        );
        let shown = e.to_string();
        assert!(shown.starts_with("spec"), "{shown}");
    }
}

#[test]
fn a_bad_permission_list_is_reported() {
    for (scopes, fragment) in [
        ("{", "not valid JSON"),
        ("{\"scopes_supported\": 1}", "scopes_supported"),
        ("[1]", "non-empty string"),
    ] {
        let e = generate(Input {
            spec: SPEC_30,
            scopes: Some(scopes),
        })
        .unwrap_err();
        assert!(
            e.message.contains(fragment) || e.pointer.contains(fragment),
            "{e}"
        );
    }
}
