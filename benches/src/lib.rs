//! Inputs for the decoding benchmarks: pages of real Misskey responses.
//!
//! The recorded fixtures hold a few items each (30 timeline notes, one
//! follower, one user); the benchmarks want pages of the size a client asks
//! for (`limit: 100`), so the items are repeated with distinct ids. The JSON
//! is read from the repository's `tests/fixtures/` at run time.

use std::path::PathBuf;

use serde_json::Value;

/// Where the recorded responses are: `$MISSKEY_FIXTURES`, or
/// the repository's `tests/fixtures/misskey-2024.10.1`.
pub fn fixtures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MISSKEY_FIXTURES") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/misskey-2024.10.1")
}

/// The `response` of one recorded fixture file (`notes-timeline.json`, ...).
///
/// # Panics
///
/// When the file is missing or is not a recorded response, with a message
/// naming the file.
pub fn fixture_response(file: &str) -> Value {
    let path = fixtures_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (set MISSKEY_FIXTURES to the directory of the recorded responses)",
            path.display()
        )
    });
    let mut fixture: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fixture
        .get_mut("response")
        .map(Value::take)
        .unwrap_or_else(|| panic!("{}: no `response`", path.display()))
}

/// A JSON array of `len` items made by cycling through the array in `file`'s
/// response; every copy after the first gets distinct ids (its own and those
/// of nested notes), as a real page would have.
pub fn page(file: &str, len: usize) -> Vec<u8> {
    let items = match fixture_response(file) {
        Value::Array(items) if !items.is_empty() => items,
        _ => panic!("{file}: the response is not a non-empty array"),
    };
    let page: Vec<Value> = (0..len)
        .map(|i| {
            let mut item = items[i % items.len()].clone();
            let copy = i / items.len();
            if copy > 0 {
                distinct_ids(&mut item, copy);
            }
            item
        })
        .collect();
    serde_json::to_vec(&page).expect("a Value always serializes")
}

/// Rewrites the `id` of an item and of the notes and users nested in it.
fn distinct_ids(item: &mut Value, copy: usize) {
    let Value::Object(map) = item else { return };
    if let Some(Value::String(id)) = map.get_mut("id") {
        let keep = id.len().saturating_sub(4);
        *id = format!("{}{:04}", &id[..keep], copy);
    }
    for key in ["renote", "reply", "user", "note", "follower", "followee"] {
        if let Some(nested) = map.get_mut(key) {
            distinct_ids(nested, copy);
        }
    }
}

/// Items per page: what a client asks for with `limit: 100`.
pub const PAGE_LEN: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_distinct_ids() {
        let page: Vec<Value> =
            serde_json::from_slice(&page("notes-timeline.json", PAGE_LEN)).unwrap();
        assert_eq!(page.len(), PAGE_LEN);
        let ids: std::collections::BTreeSet<&str> =
            page.iter().map(|n| n["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), PAGE_LEN);
    }
}
