//! Support for the workspace-level tests: where the test data lives (in the
//! repository: `api-spec/` and `tests/fixtures/`), and a registry of every
//! generated type (see [`registry`]).

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod compare;
pub mod harness;
pub mod registry;
pub mod schema_gen;
pub mod validate;

/// One generated endpoint, as the tests see it.
#[derive(Clone, Copy)]
pub struct EndpointCase {
    /// `notes/create`.
    pub name: &'static str,
    /// Marked internal in the spec.
    pub internal: bool,
    /// JSON pointer of the request body schema in the spec.
    pub request_schema: Option<&'static str>,
    /// JSON pointer of the 200 response schema in the spec.
    pub response_schema: Option<&'static str>,
    /// How the endpoint answers.
    pub response_shape: misskey_core::ResponseShape,
    /// Multipart file parts that are not part of the request struct.
    pub file_fields: &'static [&'static str],
    /// Decodes JSON as the `Request` and encodes it back.
    pub request_roundtrip: fn(serde_json::Value) -> Result<serde_json::Value, String>,
    /// Decodes JSON as the `Response` and encodes it back.
    pub response_roundtrip: fn(serde_json::Value) -> Result<serde_json::Value, String>,
    /// `Request::default()` as JSON, when the request implements `Default`
    /// (every request whose fields all have a default does).
    pub default_request: Option<fn() -> serde_json::Value>,
}

/// One component schema and its generated type.
#[derive(Clone, Copy)]
pub struct ModelCase {
    /// The Rust type name.
    pub name: &'static str,
    /// JSON pointer of the schema in the spec.
    pub schema: &'static str,
    /// Decodes JSON as the type and encodes it back.
    pub roundtrip: fn(serde_json::Value) -> Result<serde_json::Value, String>,
}

/// Decodes `value` as `T` (reporting the JSON path of a failure) and encodes it again.
pub fn roundtrip<T: DeserializeOwned + Serialize>(
    value: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let decoded: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        format!("at `{path}`: {}", e.into_inner())
    })?;
    serde_json::to_value(&decoded).map_err(|e| format!("encoding back: {e}"))
}

/// `T::default()` as JSON.
pub fn to_json<T: Default + Serialize>() -> serde_json::Value {
    serde_json::to_value(T::default()).expect("generated requests always serialize")
}

/// The workspace root, which every test-data path is relative to.
pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The recorded answers of a real 2024.10.1 server.
pub const FIXTURES_DIR: &str = "tests/fixtures/misskey-2024.10.1";

/// Reads a file of the repository (such as `api-spec/lock.json`), with a
/// clear message when it is missing.
pub fn read_repo_file(relative: &str) -> String {
    let path = workspace_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; it is committed, so restore it with `git checkout HEAD -- {relative}`",
            path.display()
        )
    })
}

/// A recorded response from `tests/fixtures/misskey-2024.10.1/`.
pub fn fixture(name: &str) -> serde_json::Value {
    let text = read_repo_file(&format!("{FIXTURES_DIR}/{name}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {name} is not JSON: {e}"))
}

/// The registry entry of an endpoint.
pub fn endpoint(name: &str) -> &'static EndpointCase {
    registry::ENDPOINTS
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no generated endpoint named {name}"))
}
