//! Recognising the broken `/api.json` that Misskey before 2025.1.0 serves on
//! every request after the first: optional properties listed as required.

use misskey_codegen::load::false_required;

fn repo_file(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (it is committed)", path.display()))
}

#[test]
fn the_later_request_document_is_recognised() {
    let text = repo_file("tests/fixtures/specs/misskey-2024.10.1.later-request.json");
    let found = false_required(&text).expect("recognised");
    for example in ["Note.reply", "Note.renote", "Note.deletedAt", "App.secret"] {
        assert!(
            found.examples.iter().any(|e| e == example),
            "{example} in {:?}",
            found.examples
        );
    }
    let (all, objects) = found.all_required;
    assert_eq!(
        (all, objects),
        (44, 44),
        "every component object requires every property"
    );
}

#[test]
fn the_first_request_document_of_the_same_server_is_not() {
    let text = repo_file("api-spec/misskey-2024.10.1.json");
    assert_eq!(false_required(&text), None);
}

#[test]
fn a_document_without_the_models_or_not_json_is_not() {
    assert_eq!(false_required("{"), None);
    assert_eq!(
        false_required(
            r#"{"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"Note": {"type": "object", "properties": {"reply": {}}, "required": ["reply"]}}}}"#
        ),
        None,
        "one property is too little evidence"
    );
}
