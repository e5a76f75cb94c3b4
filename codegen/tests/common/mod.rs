//! Helpers the generator's test files share.

#![allow(dead_code)]

use misskey_codegen::{generate, GeneratedFile, Input, Output};

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

/// The names of the structs and enums defined in `files`.
pub fn defined_names(files: &[GeneratedFile]) -> Vec<&str> {
    files
        .iter()
        .flat_map(|f| f.contents.lines())
        .map(str::trim_start)
        .filter_map(|l| {
            l.strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "))
        })
        .map(|rest| rest.split([' ', '{', '(']).next().unwrap_or(rest))
        .collect()
}

/// Fails if a type is still named after an entry of the rename table, or,
/// with `every_entry_applies`, if an entry renames nothing.
pub fn check_renames(files: &[GeneratedFile], every_entry_applies: bool) {
    let names = defined_names(files);
    let made_from = |name: &str, prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_uppercase))
    };
    for (from, to) in misskey_codegen::passes::fixups::RENAMES {
        if every_entry_applies {
            assert!(
                names.iter().any(|n| made_from(n, to)),
                "the rename of `{from}` to `{to}` no longer applies"
            );
        }
        let left: Vec<&&str> = names
            .iter()
            .filter(|n| made_from(n, from) && **n != *from)
            .collect();
        assert!(left.is_empty(), "still named after `{from}`: {left:?}");
    }
}
