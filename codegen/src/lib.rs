//! The misskey-sdk code generator, as a library: spec text in, Rust source out.
//!
//! The pipeline, one module per step:
//!
//! 1. [`load`]: parse the JSON and normalise OpenAPI 3.1 into the 3.0 model of
//!    the `openapiv3` crate, keeping what 3.0 cannot say (null unions, tuples).
//! 2. [`lower`]: turn schemas and operations into the shapes of the
//!    intermediate model ([`ir`]): structs, enums, unions, endpoints.
//! 3. [`passes`]: decide what the shapes become, one decision per pass
//!    (boxing, defaults, ids, union evidence, docs, sharing and naming,
//!    features, field representation), over one table of types.
//! 4. [`emit`]: print the model as formatted Rust files, deciding nothing.
//!
//! Beside the pipeline, [`diff`] compares two specs for review.
//!
//! The library does no I/O: the `xtask` crate reads the spec and writes the files.

pub mod diff;
pub mod emit;
mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod merge;
pub mod names;
pub mod passes;
mod schema;

pub use emit::GeneratedFile;
pub use error::Error;
pub use ir::Summary;

/// What to generate from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Input<'a> {
    /// The OpenAPI document (`/api.json`).
    pub spec: &'a str,
    /// The instance's permission list: either the whole
    /// `/.well-known/oauth-authorization-server` document or a bare JSON array
    /// of strings. Without it, the permissions named by the spec are used.
    pub scopes: Option<&'a str>,
}

/// The generated files and what they contain.
#[derive(Debug, Clone)]
pub struct Output {
    /// Files, with paths relative to the workspace root, in a stable order.
    pub files: Vec<GeneratedFile>,
    /// Counts for the one-line summary.
    pub summary: Summary,
    /// `info.version` of the spec.
    pub spec_version: String,
    /// Number of operations (method + path pairs) in the spec.
    pub operation_count: usize,
}

/// Runs the whole pipeline.
pub fn generate(input: Input<'_>) -> Result<Output, Error> {
    let loaded = load::load(input.spec)?;
    let scopes = match input.scopes {
        Some(text) => Some(parse_scopes(text)?),
        None => None,
    };
    pipeline(&loaded, scopes.as_deref(), &[])
}

/// Lowering, the passes and printing, from a loaded document. `notes` are
/// doc lines for permissions (which versions of a set publish them).
fn pipeline(
    loaded: &load::LoadedSpec,
    scopes: Option<&[String]>,
    notes: &[(String, String)],
) -> Result<Output, Error> {
    let mut api = lower::lower(loaded, scopes)?;
    for variant in &mut api.permissions.variants {
        if let Some((_, note)) = notes.iter().find(|(p, _)| *p == variant.value) {
            variant.note = Some(note.clone());
        }
    }
    passes::run(&mut api);
    let operation_count = lower::operation_count(&loaded.openapi);
    let files = emit::emit(&api)?;
    Ok(Output {
        files,
        summary: api.summary.clone(),
        spec_version: api.version.clone(),
        operation_count,
    })
}

/// Runs the whole pipeline on a set of specs (several Misskey versions,
/// forks), merged into one model first; see [`merge`].
pub fn generate_set(
    versions: &[merge::Version<'_>],
    options: merge::Options,
) -> Result<SetOutput, Error> {
    let merged = merge::merge_set(versions, options)?;
    let loaded = load::from_normalized(merged.doc, merged.openapi_version)?;
    let names: Vec<String> = merged.permissions.iter().map(|(p, _)| p.clone()).collect();
    let labels: Vec<&str> = merged.versions.iter().map(|v| v.label.as_str()).collect();
    let notes: Vec<(String, String)> = merged
        .permissions
        .iter()
        .filter(|(_, having)| having.len() < labels.len())
        .map(|(p, having)| {
            let present: Vec<&str> = having.iter().map(String::as_str).collect();
            let absent: Vec<&str> = labels
                .iter()
                .copied()
                .filter(|l| !present.contains(l))
                .collect();
            (p.clone(), merge::version::presence_note(&present, &absent))
        })
        .collect();
    Ok(SetOutput {
        output: pipeline(&loaded, Some(&names), &notes)?,
        versions: merged.versions,
        permissions: merged.permissions,
        fork_only_endpoints: merged.fork_only_endpoints,
    })
}

/// What [`generate_set`] made, and of what.
#[derive(Debug, Clone)]
pub struct SetOutput {
    /// The generated files and counts, as for one spec.
    pub output: Output,
    /// The versions of the set, upstream oldest first, then forks.
    pub versions: Vec<merge::VersionInfo>,
    /// Every permission with the versions that publish it.
    pub permissions: Vec<(String, Vec<String>)>,
    /// Endpoints only forks have, left out of the bindings.
    pub fork_only_endpoints: Vec<String>,
}

/// Reads a permission list: a `scopes_supported` document or a bare array.
pub fn parse_scopes(text: &str) -> Result<Vec<String>, Error> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error {
        pointer: String::new(),
        message: format!("permission list: not valid JSON ({e})"),
    })?;
    let (list, pointer) = match &value {
        serde_json::Value::Array(list) => (list, ""),
        serde_json::Value::Object(obj) => match obj.get("scopes_supported") {
            Some(serde_json::Value::Array(list)) => (list, "/scopes_supported"),
            _ => {
                return Err(Error {
                    pointer: "/scopes_supported".into(),
                    message: "permission list: expected an array of strings under `scopes_supported` (the instance's /.well-known/oauth-authorization-server)".into(),
                })
            }
        },
        _ => {
            return Err(Error {
                pointer: String::new(),
                message: "permission list: expected an object with `scopes_supported` or an array of strings".into(),
            })
        }
    };
    list.iter()
        .enumerate()
        .map(|(i, v)| match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            _ => Err(Error {
                pointer: format!("{pointer}/{i}"),
                message: "permission list: each entry must be a non-empty string".into(),
            }),
        })
        .collect()
}
