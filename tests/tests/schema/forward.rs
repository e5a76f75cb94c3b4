//! Compatibility with every version's answers: the bindings merged from the
//! locked set decode responses shaped by each version's spec (upstream
//! releases and the misskey.io fork), and by one more spec given as
//! `FORWARD_SPEC` (a newer server's, before it joins the set).
//!
//! For every endpoint and component schema a version has, values are drawn
//! from that version's response schema (with invented unknown fields on top)
//! and decoded with the merged type. When a value does not decode, the
//! failing field is recorded, replaced by a value another version's schema
//! allows there, and the value decoded again, so one value reveals every
//! incompatible field it holds. What cannot decode is listed in [`KNOWN`],
//! with the reason, and mirrored in `docs/compatibility.md`: the test fails
//! on any incompatibility not listed there, and prints a row per version.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use misskey_core::ResponseShape;
use misskey_tests::harness::{self, max_choices, modes, path_pointer, runner, SetVersion};
use misskey_tests::registry::{ENDPOINTS, MODELS};
use misskey_tests::schema_gen::{merge, GenOptions, Mode, SchemaGen};
use serde_json::Value;

use crate::whole_counts;
use crate::workers::run_all;

/// A documented incompatibility: decoding a newer server's answer at `path`
/// of `place` (an endpoint's response or `schema Name`) fails, for `why`.
struct Known {
    place: &'static str,
    path: &'static str,
    why: &'static str,
}

/// Every incompatibility the test may see (see `docs/compatibility.md`).
/// The bindings generated from 2024.10.1 alone failed on three field paths of
/// misskey.io's answers; merged with the fork's spec they decode them all.
const KNOWN: &[Known] = &[];

/// One incompatibility seen: where, and the first error message for it.
#[derive(Debug, Clone)]
struct Seen {
    place: String,
    path: String,
    message: String,
    cases: usize,
}

/// Turns a decode error of [`misskey_tests::roundtrip`] (`at `path`: message`)
/// into a field path with indices generalised (`[0].user.name` → `[].user.name`),
/// naming the missing field for "missing field" errors.
fn field_path(error: &str) -> (String, String) {
    let (path, message) = match error
        .strip_prefix("at `")
        .and_then(|rest| rest.split_once("`: "))
    {
        Some((p, m)) => (p.to_owned(), m.to_owned()),
        None => (".".to_owned(), error.to_owned()),
    };
    let mut path = if path == "." { String::new() } else { path };
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some((field, _)) = rest.split_once('`') {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
        }
    }
    let mut general = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                general.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => general.push(c),
        }
    }
    if general.is_empty() {
        general.push('.');
    }
    (general, message)
}

/// One step of a JSON path (`[0].user.name`).
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Splits a path as `serde_path_to_error` prints it.
fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    if path == "." || path.is_empty() {
        return out;
    }
    let mut key = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !key.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut key)));
                }
            }
            '[' => {
                if !key.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut key)));
                }
                let mut digits = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    digits.push(d);
                }
                out.push(Seg::Index(digits.parse().unwrap_or(0)));
            }
            c => key.push(c),
        }
    }
    if !key.is_empty() {
        out.push(Seg::Key(key));
    }
    out
}

/// A path with indices generalised, for grouping (`[].user.name`).
fn label(segments: &[Seg]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(_) => out.push_str("[]"),
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// Where a decode failed.
struct Failure {
    /// Full path to the failing value (the missing field included).
    segments: Vec<Seg>,
    /// The path for grouping; for a failure inside an untagged union,
    /// `union-path (as Branch) inner-path`.
    label: String,
    message: String,
    /// The failure is inside a union branch: the old type chose a branch
    /// the value does not fit, so repairing one field would not help.
    in_union: bool,
}

fn locate(error: &str, value: &Value) -> Failure {
    let (path, message) = match error
        .strip_prefix("at `")
        .and_then(|rest| rest.split_once("`: "))
    {
        Some((p, m)) => (p.to_owned(), m.to_owned()),
        None => (".".to_owned(), error.to_owned()),
    };
    let mut segments = parse_path(&path);
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some((field, _)) = rest.split_once('`') {
            segments.push(Seg::Key(field.to_owned()));
        }
    }
    // `X: not a valid Branch (...)`: decode the value as that branch (the
    // innermost one that is a component) to find the field inside it.
    let branch = message
        .match_indices("not a valid ")
        .filter_map(|(i, _)| {
            let name: String = message[i + 12..]
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            MODELS.iter().find(|m| m.name == name)
        })
        .last();
    if let Some(model) = branch {
        let mut sub = value_at(value, &segments).cloned().unwrap_or(Value::Null);
        // A list branch (`UserDetailed[]`): the first item that does not fit.
        if let Value::Array(items) = &sub {
            if let Some(i) = items
                .iter()
                .position(|v| (model.roundtrip)(v.clone()).is_err())
            {
                segments.push(Seg::Index(i));
                sub = items[i].clone();
            }
        }
        if let Err(inner) = (model.roundtrip)(sub) {
            let (inner_path, inner_message) = field_path(&inner);
            return Failure {
                label: format!("{} (as {}) {}", label(&segments), model.name, inner_path),
                segments,
                message: inner_message,
                in_union: true,
            };
        }
    }
    Failure {
        label: label(&segments),
        segments,
        message,
        in_union: false,
    }
}

fn value_at<'a>(value: &'a Value, segments: &[Seg]) -> Option<&'a Value> {
    segments.iter().try_fold(value, |v, s| match s {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

/// Puts `new` at the path, adding the last key to its object if missing.
fn set_at(value: &mut Value, segments: &[Seg], new: Value) -> bool {
    let Some((last, parents)) = segments.split_last() else {
        *value = new;
        return true;
    };
    let mut v = value;
    for s in parents {
        v = match s {
            Seg::Key(k) => match v.get_mut(k) {
                Some(x) => x,
                None => return false,
            },
            Seg::Index(i) => match v.get_mut(i) {
                Some(x) => x,
                None => return false,
            },
        };
    }
    match (last, v) {
        (Seg::Key(k), Value::Object(map)) => {
            map.insert(k.clone(), new);
            true
        }
        (Seg::Index(i), Value::Array(list)) if *i < list.len() => {
            list[*i] = new;
            true
        }
        _ => false,
    }
}

/// The schema of the old spec at a path of a value of `schema`, looking
/// through references, compositions and union branches.
fn old_schema_at(generator: &SchemaGen, schema: &Value, segments: &[Seg]) -> Option<Value> {
    let (mut flat, _) = generator.flatten(schema);
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = flat.remove(key) {
            return branches.iter().find_map(|b| {
                let (branch, _) = generator.flatten(b);
                let merged = Value::Object(merge(flat.clone(), branch));
                old_schema_at(generator, &merged, segments)
            });
        }
    }
    let Some((first, rest)) = segments.split_first() else {
        return Some(Value::Object(flat));
    };
    let next = match first {
        Seg::Key(k) => flat
            .get("properties")
            .and_then(|p| p.get(k))
            .or_else(|| flat.get("additionalProperties").filter(|a| a.is_object()))?,
        Seg::Index(i) => flat
            .get("prefixItems")
            .and_then(|p| p.get(i))
            .or_else(|| flat.get("items"))?,
    };
    old_schema_at(generator, next, rest)
}

/// A registry function that decodes JSON as a generated type and encodes it back.
type Decoder = fn(Value) -> Result<Value, String>;

enum Job {
    Endpoint(&'static misskey_tests::EndpointCase, String, usize),
    Model(&'static misskey_tests::ModelCase, String, usize),
}

impl Job {
    fn place(&self) -> String {
        match self {
            Job::Endpoint(e, ..) => e.name.to_owned(),
            Job::Model(m, ..) => format!("schema {}", m.name),
        }
    }

    fn version(&self) -> usize {
        match self {
            Job::Endpoint(.., v) | Job::Model(.., v) => *v,
        }
    }
}

/// One row of the table in `docs/compatibility.md`.
#[derive(Default)]
struct Row {
    endpoints: usize,
    left_out: usize,
    responses: usize,
    models: usize,
    values: usize,
    failing_places: BTreeSet<String>,
    paths: usize,
    shape_changes: Vec<String>,
}

#[test]
fn merged_bindings_decode_every_versions_answers() {
    let mut versions: Vec<SetVersion> = harness::locked_set();
    versions.extend(harness::forward_spec());
    let specs: Vec<Arc<Value>> = versions.iter().map(SetVersion::spec).collect();
    let generators: Vec<SchemaGen> = specs
        .iter()
        .map(|s| {
            SchemaGen::new(
                Arc::clone(s),
                GenOptions {
                    unknown_fields: true,
                    ..whole_counts()
                },
            )
        })
        .collect();
    let plain: Vec<SchemaGen> = specs
        .iter()
        .map(|s| SchemaGen::new(Arc::clone(s), whole_counts()))
        .collect();

    let mut rows: Vec<Row> = versions.iter().map(|_| Row::default()).collect();
    let mut jobs = Vec::new();
    for (v, spec) in specs.iter().enumerate() {
        let names: BTreeSet<String> = harness::post_endpoints(spec).into_iter().collect();
        rows[v].endpoints = names.len();
        rows[v].left_out = names
            .iter()
            .filter(|n| !ENDPOINTS.iter().any(|e| e.name == n.as_str()))
            .count();
        for e in ENDPOINTS {
            if !names.contains(e.name) {
                continue;
            }
            let pointer = format!(
                "{}/post/responses/200/content/application~1json/schema",
                path_pointer(e.name)
            );
            let has_json = spec.pointer(&pointer).is_some();
            let may_be_empty = spec
                .pointer(&format!("{}/post/responses/204", path_pointer(e.name)))
                .is_some();
            match (e.response_shape, has_json) {
                (ResponseShape::Json | ResponseShape::JsonOrEmpty, true) => {
                    jobs.push(Job::Endpoint(e, pointer, v));
                }
                (ResponseShape::Json, false) => rows[v].shape_changes.push(format!(
                    "{}: answers no body where the bindings expect JSON",
                    e.name
                )),
                (ResponseShape::Empty, true) => rows[v].shape_changes.push(format!(
                    "{}: answers JSON where the bindings expect none (the client ignores it)",
                    e.name
                )),
                _ => {}
            }
            if may_be_empty && e.response_shape == ResponseShape::Json {
                rows[v].shape_changes.push(format!(
                    "{}: may answer 204 where the bindings expect JSON",
                    e.name
                ));
            }
        }
        for m in MODELS {
            let pointer = format!("/components/schemas/{}", m.name);
            if m.schema == pointer && spec.pointer(&pointer).is_some() {
                jobs.push(Job::Model(m, pointer, v));
            }
        }
    }
    let only = harness::only();
    jobs.retain(|j| only.as_deref().is_none_or(|o| j.place().contains(o)));

    let results = run_all(&jobs, |job| {
        let v = job.version();
        let (pointer, decode): (&str, Decoder) = match job {
            Job::Endpoint(e, p, _) => (p, e.response_roundtrip),
            Job::Model(m, p, _) => (p, m.roundtrip),
        };
        let generator = &generators[v];
        let place = job.place();
        let mut runner = runner(&format!("forward {place} {}", versions[v].label));
        let choices = max_choices(generator.root(), generator.schema_at(pointer));
        let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
        let mut cases = 0;
        for mode in modes(choices, harness::cases()) {
            let mut value = generator.generate_at(pointer, mode, &mut runner);
            cases += 1;
            let mut in_this_value = BTreeSet::new();
            // Decode; on a failure, note it, put a value another version
            // allows there in its place and decode again, so one value shows
            // every incompatible field it holds, not just the first.
            while let Err(e) = decode(value.clone()) {
                let failure = locate(&e, &value);
                if !in_this_value.insert(failure.label.clone()) {
                    break;
                }
                seen.entry(failure.label.clone())
                    .or_insert_with(|| Seen {
                        place: place.clone(),
                        path: failure.label.clone(),
                        message: failure.message.clone(),
                        cases: 0,
                    })
                    .cases += 1;
                if failure.in_union {
                    break;
                }
                let replacement = (0..plain.len()).filter(|&w| w != v).find_map(|w| {
                    let root = plain[w].root().pointer(pointer)?.clone();
                    let sub = old_schema_at(&plain[w], &root, &failure.segments)?;
                    Some(plain[w].generate(&sub, pointer, Mode::Full, &mut runner))
                });
                let Some(replacement) = replacement else {
                    break;
                };
                if !set_at(&mut value, &failure.segments, replacement) {
                    break;
                }
            }
        }
        (cases, seen.into_values().collect::<Vec<_>>())
    });

    let mut seen_all: Vec<(usize, Seen)> = Vec::new();
    let mut panics = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        let row = &mut rows[job.version()];
        match job {
            Job::Endpoint(..) => row.responses += 1,
            Job::Model(..) => row.models += 1,
        }
        match result {
            Ok((n, seen)) => {
                row.values += n;
                row.paths += seen.len();
                for s in seen {
                    row.failing_places.insert(s.place.clone());
                    seen_all.push((job.version(), s));
                }
            }
            Err(p) => panics.push(format!(
                "{} ({}): {p}",
                job.place(),
                versions[job.version()].label
            )),
        }
    }
    let known = |s: &Seen| KNOWN.iter().any(|k| k.place == s.place && k.path == s.path);
    let unknown = seen_all.iter().filter(|(_, s)| !known(s)).count();
    println!(
        "compatibility of the merged bindings ({} endpoints, {} component types) with each version's answers:",
        ENDPOINTS.len(),
        MODELS.len()
    );
    println!("| version | endpoints (left out) | responses checked | schemas checked | values | places that decode every value | incompatible field paths |");
    println!("|---|---|---|---|---|---|---|");
    for (v, row) in rows.iter().enumerate() {
        let places = row.responses + row.models;
        println!(
            "| {} | {} ({}) | {} | {} | {} | {} of {} | {} |",
            versions[v].label,
            row.endpoints,
            row.left_out,
            row.responses,
            row.models,
            row.values,
            places - row.failing_places.len(),
            places,
            row.paths
        );
    }
    for (v, s) in &seen_all {
        let why = KNOWN
            .iter()
            .find(|k| k.place == s.place && k.path == s.path)
            .map_or("NOT DOCUMENTED", |k| k.why);
        println!(
            "  {} {} `{}` ({} cases): {} [{}]",
            versions[*v].label, s.place, s.path, s.cases, s.message, why
        );
    }
    for (v, row) in rows.iter().enumerate() {
        for c in &row.shape_changes {
            println!("  shape ({}): {c}", versions[v].label);
        }
    }
    for k in KNOWN {
        if !seen_all
            .iter()
            .any(|(_, s)| k.place == s.place && k.path == s.path)
        {
            println!(
                "  documented but not seen with this seed and case count: {} `{}`",
                k.place, k.path
            );
        }
    }
    assert!(panics.is_empty(), "panics: {panics:#?}");
    assert!(
        unknown == 0,
        "{unknown} incompatibilities are not documented in KNOWN and docs/compatibility.md (see above)"
    );
}

#[test]
fn field_paths_are_generalised() {
    assert_eq!(
        field_path("at `[3].user.name`: invalid type: null, expected a string"),
        (
            "[].user.name".to_owned(),
            "invalid type: null, expected a string".to_owned()
        )
    );
    assert_eq!(
        field_path("at `.`: missing field `token`"),
        ("token".to_owned(), "missing field `token`".to_owned())
    );
    assert_eq!(
        field_path("at `files[0]`: missing field `md5`").0,
        "files[].md5"
    );
}
