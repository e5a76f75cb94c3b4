//! Helpers the generator's test files share.

#![allow(dead_code)]

use misskey_codegen::{generate, Input, Output};

/// Generates from a spec, failing the test with the generator's message.
pub fn gen(spec: &str) -> Output {
    generate(Input { spec, scopes: None }).unwrap_or_else(|e| panic!("generation failed: {e}"))
}

/// A generated file's contents, by its path from the workspace root.
pub fn file<'a>(out: &'a Output, path: &str) -> &'a str {
    out.files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| {
            panic!(
                "{path} was not generated; got {:?}",
                out.files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
}

/// Fails, showing `haystack`, unless it contains `needle`.
pub fn assert_has(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected `{needle}` in:\n{haystack}"
    );
}
