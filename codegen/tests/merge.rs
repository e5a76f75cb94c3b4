//! Merging a set of specs (versions and forks) into one document: the rules
//! of `misskey_codegen::merge`, on small hand-written specs.

mod common;

use misskey_codegen::merge::{merge_set, Options, Version};
use misskey_codegen::{generate_set, SetOutput};
use serde_json::{json, Value};

fn spec(version: &str, paths: Value, schemas: Value) -> String {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Misskey API", "version": version},
        "paths": paths,
        "components": {"schemas": schemas}
    })
    .to_string()
}

/// An endpoint answering `answer` for the request `request` (`null`: no body).
fn endpoint(permission: Option<&str>, request: Value, answer: Value) -> Value {
    let description = match permission {
        Some(p) => format!("**Credential required**: *Yes* / **Permission**: *{p}*"),
        None => "**Credential required**: *No*".to_owned(),
    };
    let mut op = json!({
        "description": description,
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": answer}}}}
    });
    if !request.is_null() {
        op["requestBody"] = json!({"content": {"application/json": {"schema": request}}});
    }
    json!({ "post": op })
}

fn upstream(spec: &str) -> Version<'_> {
    Version {
        spec,
        scopes: None,
        fork: None,
    }
}

fn merged(versions: &[Version<'_>]) -> Value {
    merge_set(versions, Options::default())
        .unwrap_or_else(|e| panic!("merge failed: {e}"))
        .doc
}

fn op<'a>(doc: &'a Value, path: &str) -> &'a Value {
    &doc["paths"][path]["post"]
}

fn body<'a>(doc: &'a Value, path: &str) -> &'a Value {
    &op(doc, path)["requestBody"]["content"]["application/json"]["schema"]
}

fn answer<'a>(doc: &'a Value, path: &str) -> &'a Value {
    &op(doc, path)["responses"]["200"]["content"]["application/json"]["schema"]
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn every_endpoint_of_any_version_is_kept_with_the_versions_it_is_in() {
    let obj = json!({"type": "object", "properties": {}});
    let old = spec(
        "2024.10.1",
        json!({"/a": endpoint(None, Value::Null, obj.clone()), "/gone": endpoint(None, Value::Null, obj.clone())}),
        json!({}),
    );
    let new = spec(
        "2025.11.0",
        json!({"/a": endpoint(None, Value::Null, obj.clone()), "/chat/history": endpoint(Some("read:chat"), Value::Null, obj.clone())}),
        json!({}),
    );
    // Given newest first: the set is ordered by version all the same.
    let doc = merged(&[upstream(&new), upstream(&old)]);
    assert_eq!(doc["info"]["version"], "2024.10.1 and 2025.11.0");
    assert_eq!(doc["x-misskey-versions"], json!(["2024.10.1", "2025.11.0"]));

    let a = op(&doc, "/a");
    assert_eq!(a["x-misskey-versions"], json!(["2024.10.1", "2025.11.0"]));
    assert!(a.get("x-misskey-since").is_none() && a.get("x-misskey-until").is_none());
    assert!(!a["description"].as_str().unwrap().contains("**Versions**"));

    let chat = op(&doc, "/chat/history");
    assert_eq!(chat["x-misskey-since"], "2025.11.0");
    assert!(chat.get("x-misskey-until").is_none());
    assert_eq!(
        chat["description"],
        "**Versions**: In 2025.11.0; not in 2024.10.1.\n\n**Credential required**: *Yes* / **Permission**: *read:chat*"
    );

    let gone = op(&doc, "/gone");
    assert!(gone.get("x-misskey-since").is_none());
    assert_eq!(gone["x-misskey-until"], "2025.11.0");
}

#[test]
fn an_answer_field_is_required_only_when_every_version_requires_it() {
    let answer_in =
        |props: Value, req: Value| json!({"type": "object", "properties": props, "required": req});
    let old = spec(
        "2024.10.1",
        json!({"/r": endpoint(None, Value::Null, answer_in(
            json!({"id": {"type": "string"}, "note": {"type": "string"}, "gone": {"type": "integer"}, "kind": {"type": "string", "enum": ["a", "b"]}}),
            json!(["id", "note", "gone", "kind"]),
        ))}),
        json!({}),
    );
    let new = spec(
        "2025.11.0",
        json!({"/r": endpoint(None, Value::Null, answer_in(
            json!({"id": {"type": "string"}, "note": {"type": ["string", "null"]}, "kind": {"type": "string", "enum": ["b", "c"]}, "added": {"type": "boolean"}}),
            json!(["id", "note", "kind", "added"]),
        ))}),
        json!({}),
    );
    let doc = merged(&[upstream(&old), upstream(&new)]);
    let r = answer(&doc, "/r");
    assert_eq!(
        required(r),
        ["id", "note", "kind"],
        "`gone` and `added` are missing from one version's answers"
    );
    assert_eq!(
        r["properties"]["note"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(r["properties"]["kind"]["enum"], json!(["a", "b", "c"]));
    assert_eq!(
        r["properties"]["gone"]["description"],
        "In 2024.10.1; not in 2025.11.0."
    );
    assert_eq!(
        r["properties"]["added"]["description"],
        "In 2025.11.0; not in 2024.10.1."
    );
}

#[test]
fn a_version_that_lists_optional_fields_as_required_cannot_make_them_required() {
    let note = |required: Value| {
        json!({"Note": {"type": "object", "properties": {
            "id": {"type": "string"}, "reply": {"type": ["object", "null"], "properties": {}}
        }, "required": required}})
    };
    let good = spec("2024.10.1", json!({}), note(json!(["id"])));
    let broken = spec("2025.1.0", json!({}), note(json!(["id", "reply"])));
    let doc = merged(&[upstream(&good), upstream(&broken)]);
    assert_eq!(required(&doc["components"]["schemas"]["Note"]), ["id"]);
}

#[test]
fn a_request_field_is_required_when_any_upstream_version_requires_it() {
    let req =
        |props: Value, req: Value| json!({"type": "object", "properties": props, "required": req});
    let obj = json!({"type": "object", "properties": {}});
    let old = spec(
        "2024.10.1",
        json!({"/w": endpoint(Some("write:admin:meta"), req(json!({"url": {"type": "string"}, "secret": {"type": "string"}}), json!(["url", "secret"])), obj.clone())}),
        json!({}),
    );
    let new = spec(
        "2025.11.0",
        json!({"/w": endpoint(Some("write:admin:meta"), req(json!({"url": {"type": "string"}, "secret": {"type": "string"}, "active": {"type": "boolean"}}), json!(["url"])), obj.clone())}),
        json!({}),
    );
    let fork = spec(
        "2025.4.1-mhq.13",
        json!({"/w": endpoint(Some("write:admin:meta"), req(json!({"url": {"type": "string"}, "forkOnly": {"type": "string"}}), json!(["url", "forkOnly"])), obj.clone())}),
        json!({}),
    );
    let doc = merged(&[
        upstream(&old),
        upstream(&new),
        Version {
            spec: &fork,
            scopes: None,
            fork: Some("misskey.io"),
        },
    ]);
    let w = body(&doc, "/w");
    assert_eq!(
        required(w),
        ["url", "secret"],
        "what 2024.10.1 needs is always sent; 2025.11.0 ignores nothing it knows"
    );
    let names: Vec<&String> = w["properties"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        ["url", "secret", "active"],
        "a fork's own request fields are not sent to upstream servers"
    );
    assert_eq!(
        w["properties"]["active"]["description"],
        "In 2025.11.0; not in 2024.10.1."
    );
    assert_eq!(
        op(&doc, "/w")["x-misskey-versions"],
        json!(["2024.10.1", "2025.11.0", "misskey.io 2025.4.1-mhq.13"])
    );
}

#[test]
fn forks_widen_answers_but_add_no_endpoints_and_no_answer_kinds() {
    let note = |props: Value, req: Value| json!({"Note": {"type": "object", "properties": props, "required": req}});
    let mut create = endpoint(
        Some("write:notes"),
        Value::Null,
        json!({"$ref": "#/components/schemas/Note"}),
    );
    let up = spec(
        "2025.11.0",
        json!({"/notes/create": create.clone()}),
        note(
            json!({"id": {"type": "string"}, "visibility": {"type": "string", "enum": ["public", "home"]}}),
            json!(["id", "visibility"]),
        ),
    );
    // The fork may answer 204, has an endpoint of its own, a value upstream
    // lacks, a field upstream lacks, and leaves `visibility` out.
    create["post"]["responses"]["204"] = json!({"description": "scheduled"});
    let fork = spec(
        "2025.4.1-mhq.13",
        json!({"/notes/create": create, "/notes/bookmark-count": endpoint(None, Value::Null, json!({"type": "integer"}))}),
        note(
            json!({"id": {"type": "string"}, "visibility": {"type": "string", "enum": ["public", "home", "local"]}, "dimension": {"type": "integer"}}),
            json!(["id"]),
        ),
    );
    let versions = [
        upstream(&up),
        Version {
            spec: &fork,
            scopes: None,
            fork: Some("misskey.io"),
        },
    ];
    let merged_set = merge_set(&versions, Options::default()).unwrap();
    assert_eq!(merged_set.fork_only_endpoints, ["notes/bookmark-count"]);
    let doc = &merged_set.doc;
    assert!(doc["paths"].get("/notes/bookmark-count").is_none());
    let create = op(doc, "/notes/create");
    assert!(
        create["responses"].get("204").is_none(),
        "whether an endpoint answers a body is upstream's"
    );
    assert!(
        create.get("x-misskey-since").is_none() && create.get("x-misskey-until").is_none(),
        "forks are not on the upstream version line"
    );
    let note = &doc["components"]["schemas"]["Note"];
    assert_eq!(required(note), ["id"]);
    assert_eq!(
        note["properties"]["visibility"]["enum"],
        json!(["public", "home", "local"])
    );
    assert_eq!(
        note["properties"]["dimension"]["description"],
        "In misskey.io 2025.4.1-mhq.13; not in 2025.11.0."
    );

    // With `fork_endpoints`, the fork's own endpoints are kept, without versions bounds.
    let all = merge_set(
        &versions,
        Options {
            fork_endpoints: true,
        },
    )
    .unwrap();
    let own = op(&all.doc, "/notes/bookmark-count");
    assert_eq!(
        own["x-misskey-versions"],
        json!(["misskey.io 2025.4.1-mhq.13"])
    );
    assert!(own.get("x-misskey-since").is_none());
}

#[test]
fn unions_get_every_alternative_and_a_wider_component_absorbs_its_branch() {
    let schemas = |extra: Value| {
        let mut s = json!({
            "UserLite": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
            "UserDetailedNotMe": {"type": "object", "properties": {"id": {"type": "string"}, "createdAt": {"type": "string"}}, "required": ["id", "createdAt"]},
            "MeDetailed": {"type": "object", "properties": {"id": {"type": "string"}, "isAdmin": {"type": "boolean"}}, "required": ["id", "isAdmin"]},
            "UserDetailed": {"oneOf": [{"$ref": "#/components/schemas/UserDetailedNotMe"}, {"$ref": "#/components/schemas/MeDetailed"}]}
        });
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    };
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let list = |name: &str| json!({"type": "array", "items": r(name)});
    let up = spec(
        "2025.11.0",
        json!({
            "/users/show": endpoint(None, Value::Null, json!({"oneOf": [r("UserDetailed"), list("UserDetailed")]})),
            "/auth/session/userkey": endpoint(None, Value::Null, json!({"type": "object", "properties": {"user": r("UserDetailedNotMe")}, "required": ["user"]}))
        }),
        schemas(json!({})),
    );
    let fork = spec(
        "2025.4.1-mhq.13",
        json!({
            "/users/show": endpoint(None, Value::Null, json!({"oneOf": [r("UserLite"), r("UserDetailed"), list("UserLite"), list("UserDetailed")]})),
            "/auth/session/userkey": endpoint(None, Value::Null, json!({"type": "object", "properties": {"user": r("UserDetailed")}, "required": ["user"]}))
        }),
        schemas(json!({})),
    );
    let doc = merged(&[
        upstream(&up),
        Version {
            spec: &fork,
            scopes: None,
            fork: Some("misskey.io"),
        },
    ]);
    assert_eq!(
        answer(&doc, "/users/show"),
        &json!({"oneOf": [r("UserDetailed"), list("UserDetailed"), r("UserLite"), list("UserLite")]})
    );
    assert_eq!(
        answer(&doc, "/auth/session/userkey")["properties"]["user"],
        r("UserDetailed"),
        "`UserDetailed` already accepts a `UserDetailedNotMe`"
    );
}

#[test]
fn an_inline_object_that_became_a_component_merges_with_it() {
    let up_old = spec(
        "2024.10.1",
        json!({"/i/webhooks/show": endpoint(None, Value::Null, json!({"type": "object", "properties": {"id": {"type": "string"}, "secret": {"type": "string"}}, "required": ["id", "secret"]}))}),
        json!({}),
    );
    let up_new = spec(
        "2025.11.0",
        json!({"/i/webhooks/show": endpoint(None, Value::Null, json!({"$ref": "#/components/schemas/UserWebhook"}))}),
        json!({"UserWebhook": {"type": "object", "properties": {"id": {"type": "string"}, "secret": {"type": "string"}, "active": {"type": "boolean"}}, "required": ["id", "secret", "active"]}}),
    );
    let doc = merged(&[upstream(&up_old), upstream(&up_new)]);
    let a = answer(&doc, "/i/webhooks/show");
    assert_eq!(required(a), ["id", "secret"]);
    assert!(a["properties"]["active"].is_object());
}

#[test]
fn types_that_differ_become_the_wider_one() {
    let r = |props: Value| json!({"type": "object", "properties": props});
    let old = spec(
        "2024.10.1",
        json!({"/t": endpoint(None, Value::Null, r(json!({
            "count": {"type": "integer", "minimum": 0, "maximum": 10},
            "id": {"type": "string", "format": "id"},
            "when": {"type": "string", "format": "date-time"},
            "mixed": {"type": "string"},
            "any": {"type": "string"}
        })))}),
        json!({}),
    );
    let new = spec(
        "2025.11.0",
        json!({"/t": endpoint(None, Value::Null, r(json!({
            "count": {"type": "number", "minimum": 1, "maximum": 100},
            "id": {"type": "string", "format": "misskey:id"},
            "when": {"type": "string"},
            "mixed": {"type": "object", "properties": {"a": {"type": "string"}}},
            "any": {}
        })))}),
        json!({}),
    );
    let doc = merged(&[upstream(&old), upstream(&new)]);
    let p = &answer(&doc, "/t")["properties"];
    assert_eq!(
        p["count"],
        json!({"type": "number", "minimum": 0, "maximum": 100})
    );
    assert_eq!(p["id"], json!({"type": "string", "format": "misskey:id"}));
    assert_eq!(p["when"], json!({"type": "string"}));
    assert_eq!(
        p["mixed"]["anyOf"].as_array().map(Vec::len),
        Some(2),
        "a string in one version and an object in another: either"
    );
    assert_eq!(p["any"], json!({}), "any JSON in one version: any JSON");
}

#[test]
fn permissions_are_the_union_with_the_versions_that_publish_them() {
    let obj = json!({"type": "object", "properties": {}});
    let old = spec(
        "2024.10.1",
        json!({"/a": endpoint(Some("read:admin:system-webhook"), Value::Null, obj.clone())}),
        json!({}),
    );
    let new = spec(
        "2025.11.0",
        json!({"/a": endpoint(None, Value::Null, obj.clone())}),
        json!({}),
    );
    let set = merge_set(
        &[
            Version {
                spec: &old,
                scopes: Some(r#"["read:account", "write:notes"]"#),
                fork: None,
            },
            Version {
                spec: &new,
                scopes: Some(
                    r#"{"scopes_supported": ["read:account", "write:notes", "read:chat"]}"#,
                ),
                fork: None,
            },
        ],
        Options::default(),
    )
    .unwrap();
    let both = vec!["2024.10.1".to_owned(), "2025.11.0".to_owned()];
    assert_eq!(
        set.permissions,
        [
            ("read:account".to_owned(), both.clone()),
            ("write:notes".to_owned(), both),
            ("read:chat".to_owned(), vec!["2025.11.0".to_owned()]),
            // Named by an endpoint, not published.
            (
                "read:admin:system-webhook".to_owned(),
                vec!["2024.10.1".to_owned()]
            ),
        ]
    );
}

#[test]
fn a_set_that_names_a_version_twice_or_nothing_is_refused() {
    let a = spec("2025.11.0", json!({}), json!({}));
    let e = merge_set(&[upstream(&a), upstream(&a)], Options::default())
        .err()
        .expect("refused");
    assert!(
        e.message.contains("two specs of 2025.11.0") && e.message.contains("--remove 2025.11.0"),
        "{e}"
    );
    let e = merge_set(&[], Options::default()).err().expect("refused");
    assert!(e.message.contains("empty"), "{e}");
    let e = merge_set(&[upstream("{")], Options::default())
        .err()
        .expect("refused");
    assert!(e.message.contains("not valid JSON"), "{e}");
}

fn generated(out: &SetOutput, path: &str) -> String {
    out.output
        .files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.clone())
        .unwrap_or_else(|| panic!("{path} was not generated"))
}

#[test]
fn the_merged_set_generates_rust() {
    let obj =
        |props: Value, req: Value| json!({"type": "object", "properties": props, "required": req});
    let kind = |values: Value| json!({"type": "string", "enum": values});
    let note_id = json!({"noteId": {"type": "string", "format": "misskey:id"}});
    let old = spec(
        "2024.10.1",
        json!({
            "/notes/show": endpoint(None, obj(note_id.clone(), json!(["noteId"])), obj(json!({"id": {"type": "string"}, "text": {"type": "string"}, "kind": kind(json!(["note", "renote"]))}), json!(["id", "text"]))),
            "/admin/queue/promote": endpoint(Some("write:admin:queue"), Value::Null, obj(json!({}), json!([])))
        }),
        json!({}),
    );
    let new = spec(
        "2025.11.0",
        json!({
            "/notes/show": endpoint(None, obj(note_id, json!(["noteId"])), obj(json!({"id": {"type": "string"}, "text": {"type": ["string", "null"]}, "hasPoll": {"type": "boolean"}, "kind": kind(json!(["note", "renote", "scheduled"]))}), json!(["id", "text", "hasPoll"]))),
            "/chat/history": endpoint(Some("read:chat"), Value::Null, obj(json!({}), json!([])))
        }),
        json!({}),
    );
    let out = generate_set(
        &[
            Version {
                spec: &old,
                scopes: Some(r#"["write:admin:queue"]"#),
                fork: None,
            },
            Version {
                spec: &new,
                scopes: Some(r#"["write:admin:queue", "read:chat"]"#),
                fork: None,
            },
        ],
        Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.output.summary.endpoints, 3);
    assert_eq!(out.output.spec_version, "2024.10.1 and 2025.11.0");
    let show = generated(&out, "crates/misskey-api/src/endpoints/notes/show.rs");
    assert!(show.contains("pub text: Option<String>,"), "{show}");
    assert!(
        show.contains(
            "/// In 2025.11.0; not in 2024.10.1.\n        #[json(\"hasPoll\", skip_none)]\n        pub has_poll: Option<bool>,"
        ),
        "{show}"
    );
    assert!(
        show.contains(
            "///\n        /// In 2025.11.0; not in 2024.10.1.\n        Scheduled = \"scheduled\","
        ),
        "an enum value only one version has says so:\n{show}"
    );
    assert!(!show.contains("const SINCE"), "in every version: no bound");
    let chat = generated(&out, "crates/misskey-api/src/endpoints/chat/history.rs");
    assert!(chat.contains("In 2025.11.0; not in 2024.10.1."), "{chat}");
    assert!(
        chat.contains(r#"const SINCE: Option<&'static str> = Some("2025.11.0");"#),
        "{chat}"
    );
    let promote = generated(
        &out,
        "crates/misskey-api/src/endpoints/admin/queue/promote.rs",
    );
    assert!(
        promote.contains(r#"const UNTIL: Option<&'static str> = Some("2025.11.0");"#),
        "{promote}"
    );
    let permission = generated(&out, "crates/misskey-core/src/permission.rs");
    assert!(
        permission.contains(
            "///\n        /// In 2025.11.0; not in 2024.10.1.\n        ReadChat = \"read:chat\","
        ),
        "{permission}"
    );
    for f in &out.output.files {
        if f.path.ends_with(".rs") {
            syn::parse_file(&f.contents)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path));
        }
    }
}

fn repo_file(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (it is committed)", path.display()))
}

/// The locked set of `api-spec/lock.json`: (spec, permission list, fork).
fn locked_set() -> Vec<(String, Option<String>, Option<String>)> {
    let lock: Value = serde_json::from_str(&repo_file("api-spec/lock.json")).unwrap();
    lock["versions"]
        .as_array()
        .expect("a set")
        .iter()
        .map(|v| {
            let spec = repo_file(&format!("api-spec/{}", v["spec"]["file"].as_str().unwrap()));
            let scopes = v["scopes"]["file"]
                .as_str()
                .map(|f| repo_file(&format!("api-spec/{f}")));
            (spec, scopes, v["fork"].as_str().map(str::to_owned))
        })
        .collect()
}

#[test]
fn the_locked_set_merges_into_one_crate() {
    let set = locked_set();
    let versions: Vec<Version<'_>> = set
        .iter()
        .map(|(spec, scopes, fork)| Version {
            spec,
            scopes: scopes.as_deref(),
            fork: fork.as_deref(),
        })
        .collect();
    let out = generate_set(&versions, Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let labels: Vec<&str> = out.versions.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(
        labels,
        ["2024.10.1", "2025.11.0", "misskey.io 2025.4.1-mhq.13"]
    );
    // 383 endpoints of 2024.10.1, the 51 that 2025.11.0 added; the fork's own are left out.
    assert_eq!(out.output.summary.endpoints, 434);
    assert_eq!(out.fork_only_endpoints.len(), 29);
    // Only where some version's spec allows any JSON (`{}`, objects without
    // properties); the merge itself adds none. This is the floor.
    assert_eq!(out.output.summary.untyped, 38);

    let chat = generated(&out, "crates/misskey-api/src/endpoints/chat/history.rs");
    assert!(
        chat.contains(r#"const SINCE: Option<&'static str> = Some("2025.11.0");"#),
        "the fork has no chat: {chat}"
    );
    // misskey.io 2025.4.1 has it too: refusing servers before 2025.11.0 would be wrong.
    let sent = generated(
        &out,
        "crates/misskey-api/src/endpoints/following/requests/sent.rs",
    );
    assert!(
        sent.contains(r#"const SINCE: Option<&'static str> = Some("2025.4.1-mhq.13");"#),
        "{sent}"
    );
    let promote = generated(
        &out,
        "crates/misskey-api/src/endpoints/admin/queue/promote.rs",
    );
    assert!(promote.contains(r#"const UNTIL: Option<&'static str> = Some("2025.11.0");"#));

    // What 2024.10.1's bindings could not decode in misskey.io's answers.
    let reports = generated(
        &out,
        "crates/misskey-api/src/endpoints/admin/abuse_user_reports.rs",
    );
    assert!(
        reports.contains("pub moderation_note: Option<String>,"),
        "{reports}"
    );
    let show = generated(&out, "crates/misskey-api/src/endpoints/users/show.rs");
    assert!(show.contains("UserLite"), "{show}");

    // The permissions of every version, 2025.11.0's chat ones among them.
    let permission = generated(&out, "crates/misskey-core/src/permission.rs");
    assert!(
        permission.contains("ReadChat = \"read:chat\",")
            && permission.contains("WriteChat = \"write:chat\","),
        "{permission}"
    );
    // Every entry of the rename table applies; what is left over 40
    // characters is a component's own name (which the spec gives).
    common::check_renames(&out.output.files, true);
    let long: Vec<&str> = common::defined_names(&out.output.files)
        .into_iter()
        .filter(|n| n.len() > 40)
        .filter(|n| {
            let component = format!("(`#/components/schemas/{n}`)");
            !out.output
                .files
                .iter()
                .any(|f| f.contents.contains(&component))
        })
        .collect();
    assert!(long.is_empty(), "unreadable generated names: {long:?}");

    // The fix-ups: counts as integers read tolerantly, permissions typed.
    let note = generated(&out, "crates/misskey-api/src/models/note.rs");
    assert!(
        note.contains("#[json(\"reactionCount\", integral::")
            && note.contains("pub reaction_count: i64,"),
        "{note}"
    );
    assert!(
        note.contains("pub reactions: BTreeMap<String, i64>,"),
        "{note}"
    );
    let gen_token = generated(&out, "crates/misskey-api/src/endpoints/miauth/gen_token.rs");
    assert!(
        gen_token.contains("pub permission: Vec<Permission>,"),
        "{gen_token}"
    );
}

#[test]
fn since_is_as_early_as_the_set_shows_and_never_before_a_version_that_lacks_it() {
    let obj = json!({"type": "object", "properties": {}});
    let e = || endpoint(None, Value::Null, obj.clone());
    let old = spec("2024.10.1", json!({"/a": e()}), json!({}));
    let new = spec(
        "2025.11.0",
        json!({"/a": e(), "/chat": e(), "/drafts": e(), "/backported": e()}),
        json!({}),
    );
    let fork = spec(
        "2025.4.1-mhq.13",
        json!({"/a": e(), "/chat": e()}),
        json!({}),
    );
    let old_fork = spec(
        "2024.5.0-x.1",
        json!({"/a": e(), "/backported": e()}),
        json!({}),
    );
    let doc = merged(&[
        upstream(&old),
        upstream(&new),
        Version {
            spec: &fork,
            scopes: None,
            fork: Some("misskey.io"),
        },
        Version {
            spec: &old_fork,
            scopes: None,
            fork: Some("other"),
        },
    ]);
    assert_eq!(
        op(&doc, "/chat")["x-misskey-since"],
        "2025.4.1-mhq.13",
        "the fork's release 2025.4.1 has it"
    );
    assert_eq!(op(&doc, "/drafts")["x-misskey-since"], "2025.11.0");
    assert_eq!(
        op(&doc, "/backported")["x-misskey-since"],
        "2025.11.0",
        "a fork on 2024.5 has it, but upstream 2024.10.1 does not: a backport"
    );
    assert!(op(&doc, "/a").get("x-misskey-since").is_none());
}
