//! Shared set-up of the schema-driven tests: the spec documents, how many
//! cases to draw, seeded runners, and the sequence of [`Mode`]s.
//!
//! Environment variables:
//!
//! - `CONFORMANCE_CASES`: random cases per schema after the corner sweep
//!   (default [`DEFAULT_CASES`]); for example `CONFORMANCE_CASES=2000`.
//! - `CONFORMANCE_SEED`: the seed (default [`DEFAULT_SEED`]), so that CI draws
//!   the same values every run; change it to explore.
//! - `CONFORMANCE_ONLY`: only the checks whose label contains this text
//!   (`notes/create`, `response of users/show`, `schema Note`), for debugging.
//! - `CONFORMANCE_THREADS`: worker threads (default: the number of cores, at
//!   most 4).
//! - `FORWARD_SPEC`: one more spec (a newer server's) for the
//!   forward-compatibility test to check the bindings against.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

use crate::schema_gen::Mode;

/// Random cases per schema when `CONFORMANCE_CASES` is not set.
pub const DEFAULT_CASES: usize = 12;

/// The seed when `CONFORMANCE_SEED` is not set.
pub const DEFAULT_SEED: u64 = 0x6d69_736b_6579;

/// The oldest upstream spec of the set (the mutated-spec tests cut small
/// specs from it).
pub const OLD_SPEC: &str = "api-spec/misskey-2024.10.1.json";

/// A spec document of the repository, parsed once per process.
pub fn spec(relative: &str) -> Arc<Value> {
    static SPECS: OnceLock<Mutex<HashMap<String, Arc<Value>>>> = OnceLock::new();
    let specs = SPECS.get_or_init(Default::default);
    if let Some(doc) = specs.lock().expect("not poisoned").get(relative) {
        return Arc::clone(doc);
    }
    let text = crate::read_repo_file(relative);
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{relative} is not JSON: {e}"));
    let doc = Arc::new(doc);
    specs
        .lock()
        .expect("not poisoned")
        .entry(relative.to_owned())
        .or_insert(doc)
        .clone()
}

/// One spec of the set the bindings are generated from (`api-spec/lock.json`).
#[derive(Debug, Clone)]
pub struct SetVersion {
    /// `2025.11.0`, or `misskey.io 2025.4.1-mhq.13` for a fork.
    pub label: String,
    /// Whether it is a fork's spec (the bindings take requests from upstream
    /// specs only; forks widen what answers may hold).
    pub fork: bool,
    /// The spec file, relative to the workspace root.
    pub path: String,
}

impl SetVersion {
    /// The parsed spec.
    pub fn spec(&self) -> Arc<Value> {
        spec(&self.path)
    }
}

/// The locked set, upstream versions oldest first, then forks (the order of
/// `api-spec/lock.json`).
pub fn locked_set() -> Vec<SetVersion> {
    let lock: Value = serde_json::from_str(&crate::read_repo_file("api-spec/lock.json"))
        .expect("api-spec/lock.json is JSON");
    let entries: Vec<&Value> = match lock.get("versions").and_then(Value::as_array) {
        Some(list) => list.iter().collect(),
        // A lock written before sets holds one spec.
        None => vec![&lock],
    };
    entries
        .into_iter()
        .map(|v| {
            let version = v["version"].as_str().expect("a version").to_owned();
            let fork = v.get("fork").and_then(Value::as_str);
            SetVersion {
                label: match fork {
                    Some(f) => format!("{f} {version}"),
                    None => version,
                },
                fork: fork.is_some(),
                path: format!("api-spec/{}", v["spec"]["file"].as_str().expect("a file")),
            }
        })
        .collect()
}

/// An extra spec to check the bindings against (`FORWARD_SPEC`, a path
/// relative to the workspace root or absolute): a newer server's, before
/// adding it to the set.
pub fn forward_spec() -> Option<SetVersion> {
    let path = std::env::var("FORWARD_SPEC")
        .ok()
        .filter(|p| !p.is_empty())?;
    let absolute = std::path::Path::new(&path);
    let relative = if absolute.is_absolute() {
        absolute
            .strip_prefix(crate::workspace_dir())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| path.clone())
    } else {
        path.clone()
    };
    let doc = spec(&relative);
    let version = doc["info"]["version"].as_str().unwrap_or("?").to_owned();
    Some(SetVersion {
        label: format!("{version} ({path})"),
        fork: true,
        path: relative,
    })
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")))
}

/// Random cases per schema (`CONFORMANCE_CASES`).
pub fn cases() -> usize {
    env_number("CONFORMANCE_CASES").map_or(DEFAULT_CASES, |n| n as usize)
}

/// The seed in force (`CONFORMANCE_SEED`).
pub fn seed() -> u64 {
    env_number("CONFORMANCE_SEED").unwrap_or(DEFAULT_SEED)
}

/// The label filter (`CONFORMANCE_ONLY`), if any.
pub fn only() -> Option<String> {
    std::env::var("CONFORMANCE_ONLY")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Worker threads (`CONFORMANCE_THREADS`).
pub fn threads() -> usize {
    env_number("CONFORMANCE_THREADS").map_or_else(
        || {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .min(4)
        },
        |n| (n as usize).max(1),
    )
}

/// A runner whose random stream depends only on the seed and `label` (an
/// endpoint or schema name), so adding a schema does not change the values
/// drawn for the others.
pub fn runner(label: &str) -> TestRunner {
    // FNV-1a, stable across Rust versions (unlike `DefaultHasher`).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&self::seed().to_le_bytes());
    seed[8..16].copy_from_slice(&h.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    )
}

/// The modes to draw in: the corners, a sweep through `choices` values of
/// every enum and union, then `random` random cases.
pub fn modes(choices: usize, random: usize) -> Vec<Mode> {
    let mut out = vec![Mode::Minimal, Mode::Full, Mode::Nulls];
    out.extend((0..choices.max(1)).map(Mode::Sweep));
    out.extend(std::iter::repeat_n(Mode::Random, random));
    out
}

/// The largest number of alternatives at one choice (enum values, union
/// branches, types of a type list) reachable from `schema`, following
/// references once each: how long a sweep must be to draw every one.
pub fn max_choices(root: &Value, schema: &Value) -> usize {
    let mut seen = HashSet::new();
    choices_in(root, schema, &mut seen)
}

fn choices_in(root: &Value, schema: &Value, seen: &mut HashSet<String>) -> usize {
    let mut best = 1;
    match schema {
        Value::Object(obj) => {
            for (k, v) in obj {
                match k.as_str() {
                    "$ref" => {
                        if let Some(r) = v.as_str() {
                            if seen.insert(r.to_owned()) {
                                if let Some(target) =
                                    r.strip_prefix('#').and_then(|p| root.pointer(p))
                                {
                                    best = best.max(choices_in(root, target, seen));
                                }
                            }
                        }
                    }
                    "enum" | "anyOf" | "oneOf" | "type" => {
                        if let Value::Array(list) = v {
                            best = best.max(list.len());
                        }
                        best = best.max(choices_in(root, v, seen));
                    }
                    "examples" | "example" | "default" | "description" => {}
                    _ => best = best.max(choices_in(root, v, seen)),
                }
            }
        }
        Value::Array(list) => {
            for v in list {
                best = best.max(choices_in(root, v, seen));
            }
        }
        _ => {}
    }
    best
}

/// The JSON pointer of `/paths/{path}/{method}/...` for an endpoint name.
pub fn path_pointer(endpoint: &str) -> String {
    format!(
        "/paths/~1{}",
        endpoint.replace('~', "~0").replace('/', "~1")
    )
}

/// The POST paths of a spec, as endpoint names (`notes/create`).
pub fn post_endpoints(spec: &Value) -> Vec<String> {
    spec["paths"]
        .as_object()
        .map(|paths| {
            paths
                .iter()
                .filter(|(_, item)| item.get("post").is_some())
                .map(|(p, _)| p.trim_start_matches('/').to_owned())
                .collect()
        })
        .unwrap_or_default()
}
