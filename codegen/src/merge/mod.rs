//! Merging several versions' specs into one document, before lowering.
//!
//! A set holds upstream Misskey releases (`2024.10.1`, `2025.11.0`) and
//! forks (`misskey.io 2025.4.1-mhq.13`). Each is normalised on its own
//! ([`crate::load`]); this stage then builds one normalised document that
//! the rest of the pipeline reads like any other spec:
//!
//! * every endpoint that any upstream version has (and, with
//!   [`Options::fork_endpoints`], every fork's own endpoints), its request
//!   and answers merged across the versions that have it ([`schema`] has the
//!   rules: an answer field is required only when every version requires
//!   it, a request field when any upstream version does);
//! * every component, merged the same way;
//! * every permission any version publishes, with the versions that do.
//!
//! What exists in only some versions says so in its docs: an endpoint's
//! description gains a `**Versions**:` paragraph and the operation carries
//! `x-misskey-versions`, `x-misskey-since` and `x-misskey-until` (see
//! `bounds`: the earliest version of the set known to have it, when an older
//! upstream one lacks it, and the first upstream version after the last that
//! has it), which the lowering turns into the `SINCE`/`UNTIL` constants; a
//! property's description gains `In 2025.11.0; not in 2024.10.1.`
//!
//! Forks widen what upstream has (fields that are optional or nullable
//! there, enum values, alternatives, their own answer fields); for
//! `SINCE` they count as evidence of presence by their release (misskey.io
//! 2025.4.1-mhq.13 has chat, so chat is known from 2025.4.1), never of
//! absence.

pub mod schema;
pub mod version;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::schema::{endpoint_operation, requirements};
use schema::{merge, Item, Mode, VersionCx};

/// One spec of a set.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// The OpenAPI document (`/api.json`).
    pub spec: &'a str,
    /// The permission list: a `scopes_supported` document or a bare array.
    pub scopes: Option<&'a str>,
    /// `None` for upstream Misskey; the fork's name (`misskey.io`) otherwise.
    pub fork: Option<&'a str>,
}

/// Choices of the merge.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also keep the endpoints only forks have (the published crate leaves
    /// them out; see `docs/compatibility.md`).
    pub fork_endpoints: bool,
}

/// What a version of the set is called and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// `info.version` of its spec.
    pub version: String,
    /// The fork's name, for a fork.
    pub fork: Option<String>,
    /// `2025.11.0`, or `misskey.io 2025.4.1-mhq.13`.
    pub label: String,
    /// Operations (method + path pairs) in its spec.
    pub operations: usize,
}

/// The merged document.
pub struct Merged {
    /// The normalised document, ready for [`crate::load::from_normalized`].
    pub doc: Value,
    /// `openapi` of the newest upstream spec.
    pub openapi_version: String,
    /// The versions, upstream ones oldest first, then forks.
    pub versions: Vec<VersionInfo>,
    /// Every permission, in first-published order, with the labels of the
    /// versions that publish it (or whose endpoints name it).
    pub permissions: Vec<(String, Vec<String>)>,
    /// Endpoints only forks have that were left out.
    pub fork_only_endpoints: Vec<String>,
}

struct Loaded {
    doc: Value,
    openapi_version: String,
    info: VersionInfo,
    /// The published permission list, in its order.
    published: Vec<String>,
    /// Permissions its endpoints name that the published list lacks.
    named: std::collections::BTreeSet<String>,
}

/// Merges a set of specs; see the module docs.
pub fn merge_set(versions: &[Version<'_>], options: Options) -> Result<Merged, Error> {
    if versions.is_empty() {
        return Err(Error::at(
            "",
            "the set of specs is empty; lock at least one with `cargo xtask pull`",
        ));
    }
    let mut loaded = Vec::with_capacity(versions.len());
    for v in versions {
        loaded.push(load_version(v)?);
    }
    // Upstream oldest first, then forks in the order given.
    loaded.sort_by(|a, b| match (&a.info.fork, &b.info.fork) {
        (None, None) => version::compare(&a.info.version, &b.info.version),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(_), Some(_)) => std::cmp::Ordering::Equal,
    });
    for (i, a) in loaded.iter().enumerate() {
        if loaded[..i].iter().any(|b| b.info.label == a.info.label) {
            return Err(Error::at(
                "",
                format!(
                    "the set holds two specs of {}; keep one (`cargo xtask pull --remove {}`)",
                    a.info.label, a.info.label
                ),
            ));
        }
    }

    let no_components = Map::new();
    let cx: Vec<VersionCx<'_>> = loaded
        .iter()
        .map(|l| VersionCx {
            label: l.info.label.clone(),
            version: l.info.version.clone(),
            fork: l.info.fork.is_some(),
            components: l
                .doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .unwrap_or(&no_components),
        })
        .collect();
    let upstream: Vec<usize> = (0..loaded.len())
        .filter(|&i| loaded[i].info.fork.is_none())
        .collect();
    let base = upstream.last().copied().unwrap_or(loaded.len() - 1);

    // Components.
    let mut component_names: Vec<&str> = Vec::new();
    for c in &cx {
        for name in c.components.keys() {
            if !component_names.contains(&name.as_str()) {
                component_names.push(name);
            }
        }
    }
    let mut schemas = Map::new();
    for name in component_names {
        let items: Vec<Item<'_>> = cx
            .iter()
            .enumerate()
            .filter_map(|(vi, c)| c.components.get(name).map(|s| (vi, s)))
            .collect();
        schemas.insert(name.to_owned(), merge(&cx, &items, Mode::Response, 0));
    }

    // Endpoints.
    let mut path_names: Vec<&str> = Vec::new();
    for l in &loaded {
        if let Some(Value::Object(paths)) = l.doc.get("paths") {
            for p in paths.keys() {
                if !path_names.contains(&p.as_str()) {
                    path_names.push(p);
                }
            }
        }
    }
    path_names.sort_unstable();
    let mut paths = Map::new();
    let mut fork_only_endpoints = Vec::new();
    for path in path_names {
        let having: Vec<usize> = (0..loaded.len())
            .filter(|&vi| {
                loaded[vi]
                    .doc
                    .get("paths")
                    .and_then(|p| p.get(path))
                    .and_then(endpoint_operation)
                    .is_some()
            })
            .collect();
        if having.is_empty() {
            continue;
        }
        if having.iter().all(|&vi| cx[vi].fork) && !options.fork_endpoints {
            fork_only_endpoints.push(path.trim_matches('/').to_owned());
            continue;
        }
        let mut item = Map::new();
        for method in ["get", "post"] {
            let ops: Vec<(usize, &Map<String, Value>)> = having
                .iter()
                .filter_map(|&vi| {
                    loaded[vi].doc["paths"][path]
                        .get(method)
                        .and_then(Value::as_object)
                        .map(|op| (vi, op))
                })
                .collect();
            if ops.is_empty() {
                continue;
            }
            let op = merge_operation(&cx, &ops, &having, &upstream);
            item.insert(method.into(), Value::Object(op));
        }
        paths.insert(path.to_owned(), Value::Object(item));
    }

    // Permissions: the published lists in first-published order, then the
    // ones only endpoint descriptions name, sorted (for one spec, the order
    // the lowering gives them).
    let mut permissions: Vec<(String, Vec<String>)> = Vec::new();
    let add = |p: &String, label: &String, permissions: &mut Vec<(String, Vec<String>)>| {
        match permissions.iter_mut().find(|(name, _)| name == p) {
            Some((_, labels)) => {
                if !labels.contains(label) {
                    labels.push(label.clone());
                }
            }
            None => permissions.push((p.clone(), vec![label.clone()])),
        }
    };
    for l in &loaded {
        for p in &l.published {
            add(p, &l.info.label, &mut permissions);
        }
    }
    let mut named: std::collections::BTreeMap<&String, Vec<&String>> = Default::default();
    for l in &loaded {
        for p in &l.named {
            named.entry(p).or_default().push(&l.info.label);
        }
    }
    for (p, labels) in named {
        for label in labels {
            add(p, label, &mut permissions);
        }
    }

    // The document: the newest upstream spec's root, with the merged parts.
    let mut doc = loaded[base].doc.clone();
    let labels: Vec<&str> = loaded.iter().map(|l| l.info.label.as_str()).collect();
    let root = doc
        .as_object_mut()
        .expect("a normalised document is an object");
    if let Some(Value::Object(info)) = root.get_mut("info") {
        info.insert("version".into(), Value::String(version::list(&labels)));
    }
    root.insert("paths".into(), Value::Object(paths));
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(obj) = components.as_object_mut() {
        obj.insert("schemas".into(), Value::Object(schemas));
    }
    root.insert(
        "x-misskey-versions".into(),
        Value::Array(labels.iter().map(|l| Value::String((*l).into())).collect()),
    );
    Ok(Merged {
        doc,
        openapi_version: loaded[base].openapi_version.clone(),
        versions: loaded.into_iter().map(|l| l.info).collect(),
        permissions,
        fork_only_endpoints,
    })
}

fn load_version(v: &Version<'_>) -> Result<Loaded, Error> {
    let (doc, openapi_version) = crate::load::normalize_text(v.spec)?;
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let label = match v.fork {
        Some(f) => format!("{f} {version}"),
        None => version.clone(),
    };
    let in_version = |e: Error| Error {
        pointer: e.pointer,
        message: format!("{label}: {}", e.message),
    };
    let published = match v.scopes {
        Some(text) => crate::parse_scopes(text).map_err(in_version)?,
        None => Vec::new(),
    };
    let mut named = std::collections::BTreeSet::new();
    let mut operations = 0;
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for item in paths.values() {
            if let Some(item) = item.as_object() {
                operations += item
                    .keys()
                    .filter(|k| {
                        matches!(
                            k.as_str(),
                            "get"
                                | "put"
                                | "post"
                                | "delete"
                                | "options"
                                | "head"
                                | "patch"
                                | "trace"
                        )
                    })
                    .count();
            }
            // Permissions the endpoints name, also when the published list lacks them.
            if let Some(op) = endpoint_operation(item) {
                let description = op
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if let (_, Some(p)) = requirements(description) {
                    if !published.contains(&p) {
                        named.insert(p);
                    }
                }
            }
        }
    }
    Ok(Loaded {
        doc,
        openapi_version,
        info: VersionInfo {
            version,
            fork: v.fork.map(str::to_owned),
            label,
            operations,
        },
        published,
        named,
    })
}

/// Merges one operation across the versions that have it.
fn merge_operation(
    cx: &[VersionCx<'_>],
    ops: &[(usize, &Map<String, Value>)],
    having: &[usize],
    upstream: &[usize],
) -> Map<String, Value> {
    let (_, base) = ops
        .iter()
        .rev()
        .find(|(vi, _)| !cx[*vi].fork)
        .or_else(|| ops.last())
        .copied()
        .expect("ops is not empty");
    let mut out = base.clone();
    // What the endpoint takes and whether it answers with a body is up to
    // upstream; forks only widen what its answers may hold (a fork's own
    // request fields and answer kinds belong to its own features).
    let defining: Vec<(usize, &Map<String, Value>)> = if ops.iter().any(|(vi, _)| !cx[*vi].fork) {
        ops.iter()
            .copied()
            .filter(|(vi, _)| !cx[*vi].fork)
            .collect()
    } else {
        ops.to_vec()
    };

    // Request: a version without a body takes no parameters.
    let empty = serde_json::json!({"type": "object", "properties": {}});
    let bodies: Vec<(usize, &str, &Value)> = defining
        .iter()
        .filter_map(|&(vi, op)| {
            let content = op.get("requestBody")?.get("content")?.as_object()?;
            let (media, m) = content
                .get_key_value("application/json")
                .or_else(|| content.get_key_value("multipart/form-data"))
                .or_else(|| content.iter().next())?;
            Some((vi, media.as_str(), m.get("schema")?))
        })
        .collect();
    if let Some(&(_, media, _)) = bodies
        .iter()
        .rev()
        .find(|(vi, _, _)| !cx[*vi].fork)
        .or_else(|| bodies.last())
    {
        let items: Vec<Item<'_>> = defining
            .iter()
            .map(|&(vi, _)| {
                let schema = bodies
                    .iter()
                    .find(|(v, _, _)| *v == vi)
                    .map(|(_, _, s)| *s)
                    .unwrap_or(&empty);
                (vi, schema)
            })
            .collect();
        let schema = merge(cx, &items, Mode::Request, 0);
        let pointer = format!("/content/{}", media.replace('~', "~0").replace('/', "~1"));
        let mut body = defining
            .iter()
            .rev()
            .find_map(|(_, op)| {
                op.get("requestBody")
                    .filter(|b| b.pointer(&pointer).is_some())
            })
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"content": {}}));
        let mut media_obj = body
            .pointer(&pointer)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        media_obj["schema"] = schema;
        let mut content = Map::new();
        content.insert(media.to_owned(), media_obj);
        body["content"] = Value::Object(content);
        out.insert("requestBody".into(), body);
    }

    // Answers: every status any version documents, bodies merged.
    let mut statuses: Vec<&str> = Vec::new();
    for (_, op) in &defining {
        if let Some(Value::Object(r)) = op.get("responses") {
            for code in r.keys() {
                if !statuses.contains(&code.as_str()) {
                    statuses.push(code);
                }
            }
        }
    }
    let mut responses = Map::new();
    for code in statuses {
        let from = if matches!(code, "200" | "201") {
            ops
        } else {
            &defining[..]
        };
        let answers: Vec<(usize, &Value)> = from
            .iter()
            .filter_map(|&(vi, op)| op.get("responses")?.get(code).map(|r| (vi, r)))
            .collect();
        responses.insert(code.to_owned(), merge_response(cx, &answers));
    }
    out.insert("responses".into(), Value::Object(responses));

    // Versions.
    let labels: Vec<String> = ops.iter().map(|(vi, _)| cx[*vi].label.clone()).collect();
    out.insert(
        "x-misskey-versions".into(),
        Value::Array(labels.iter().cloned().map(Value::String).collect()),
    );
    let present: Vec<usize> = ops.iter().map(|(vi, _)| *vi).collect();
    let (since, until) = bounds(cx, upstream, &present);
    if let Some(v) = since {
        out.insert("x-misskey-since".into(), Value::String(v));
    }
    if let Some(v) = until {
        out.insert("x-misskey-until".into(), Value::String(v));
    }
    let _ = having;
    if ops.len() < cx.len() {
        let present: Vec<&str> = labels.iter().map(String::as_str).collect();
        let absent: Vec<&str> = cx
            .iter()
            .map(|c| c.label.as_str())
            .filter(|l| !present.contains(l))
            .collect();
        let note = format!(
            "**Versions**: {}",
            version::presence_note(&present, &absent)
        );
        let mut as_value = Value::Object(out);
        crate::load::add_to_description(&mut as_value, &note);
        out = match as_value {
            Value::Object(o) => o,
            _ => unreachable!("an operation stays an object"),
        };
    }
    out
}

/// `SINCE` and `UNTIL` of an endpoint that the versions `present` have.
///
/// Absence is only known from upstream versions (a fork may leave out what
/// upstream has); presence from any. `SINCE` is the earliest version (a
/// fork by its release: `2025.4.1-mhq.13` counts as 2025.4.1) that has the
/// endpoint and is newer than every upstream version before it that lacks
/// it, so that a check refusing servers older than `SINCE` refuses only
/// where the set shows it missing, as late as the set allows. `UNTIL` is the
/// first upstream version after the last one that has it.
fn bounds(
    cx: &[VersionCx<'_>],
    upstream: &[usize],
    present: &[usize],
) -> (Option<String>, Option<String>) {
    let release = |vi: usize| -> &str {
        let v = cx[vi].version.as_str();
        if cx[vi].fork {
            v.split(['-', '+']).next().unwrap_or(v)
        } else {
            v
        }
    };
    let has = |vi: usize| present.contains(&vi);
    let Some(&first_up) = upstream.iter().find(|&&vi| has(vi)) else {
        // Only forks have it (kept with `fork_endpoints`): no bounds.
        return (None, None);
    };
    let last_lacking = upstream
        .iter()
        .copied()
        .rfind(|&vi| !has(vi) && vi < first_up);
    let since = last_lacking.and_then(|lacking| {
        present
            .iter()
            .copied()
            .filter(|&vi| version::compare(release(vi), release(lacking)).is_gt())
            .min_by(|&a, &b| version::compare(release(a), release(b)))
            .map(|vi| cx[vi].version.clone())
    });
    let last_up = upstream.iter().copied().rfind(|&vi| has(vi));
    let until = last_up.and_then(|last| {
        upstream
            .iter()
            .copied()
            .find(|&vi| vi > last)
            .map(|vi| cx[vi].version.clone())
    });
    (since, until)
}

/// Merges one status's answer: the body schemas, and the error examples.
fn merge_response(cx: &[VersionCx<'_>], answers: &[(usize, &Value)]) -> Value {
    // The newest upstream answer with a body is the base; else any with one.
    let with_body = |a: &&(usize, &Value)| a.1.get("content").is_some_and(Value::is_object);
    let (_, base) = answers
        .iter()
        .rev()
        .filter(with_body)
        .find(|(vi, _)| !cx[*vi].fork)
        .or_else(|| answers.iter().rev().find(with_body))
        .or_else(|| answers.last())
        .copied()
        .expect("answers is not empty");
    let mut out = base.clone();
    let Some(Value::Object(content)) = base.get("content") else {
        return out;
    };
    let mut merged_content = Map::new();
    for (media, m) in content {
        let mut m = m.clone();
        let pointer = format!("/content/{}", media.replace('~', "~0").replace('/', "~1"));
        let schemas: Vec<Item<'_>> = answers
            .iter()
            .filter_map(|&(vi, a)| a.pointer(&pointer)?.get("schema").map(|s| (vi, s)))
            .collect();
        if !schemas.is_empty() {
            m["schema"] = merge(cx, &schemas, Mode::Response, 0);
        }
        // Error codes are read from the examples: keep every version's.
        let mut examples = Map::new();
        for (_, a) in answers {
            if let Some(Value::Object(ex)) = a.pointer(&pointer).and_then(|m| m.get("examples")) {
                for (k, v) in ex {
                    examples.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        if !examples.is_empty() {
            m["examples"] = Value::Object(examples);
        }
        merged_content.insert(media.clone(), m);
    }
    out["content"] = Value::Object(merged_content);
    out
}
