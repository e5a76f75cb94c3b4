//! Forward compatibility: the bindings generated from 2024.10.1 decode
//! responses shaped by a newer server, the misskey.io fork 2025.4.1-mhq.13.
//!
//! For every endpoint in both specs, values are drawn from the *newer*
//! response schema (with invented unknown fields on top) and decoded with the
//! older `Response` type; likewise every component schema in both. New
//! fields and new enum strings must decode. What cannot is listed in
//! [`KNOWN`], with the reason, and mirrored in `docs/compatibility.md`: the
//! test fails on any incompatibility not listed there, and prints the counts.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use misskey_core::ResponseShape;
use misskey_tests::harness::{self, max_choices, modes, path_pointer, runner, NEW_SPEC, OLD_SPEC};
use misskey_tests::registry::{ENDPOINTS, MODELS};
use misskey_tests::schema_gen::{merge, GenOptions, Mode, SchemaGen};
use serde_json::Value;

use crate::workers::run_all;

/// A documented incompatibility: decoding a newer server's answer at `path`
/// of `place` (an endpoint's response or `schema Name`) fails, for `why`.
struct Known {
    place: &'static str,
    path: &'static str,
    why: &'static str,
}

/// Every incompatibility the test may see (see `docs/compatibility.md`).
const KNOWN: &[Known] = &[
    Known {
        place: "admin/abuse-user-reports",
        path: "[].moderationNote",
        why: "became nullable: `string` in 2024.10.1 (required), `string | null` in the fork, \
              which sends `null` for a report without a moderation note",
    },
    Known {
        place: "users/show",
        path: ". (as UserDetailedNotMe) createdAt",
        why: "new answer shape: the fork's `users/show` may answer a `UserLite` (no \
              `createdAt`, counts, ...) where 2024.10.1 always answers a `UserDetailed`",
    },
    Known {
        place: "users/show",
        path: "[] (as UserDetailedNotMe) createdAt",
        why: "new answer shape: with `userIds`, the fork may answer a list of `UserLite` \
              where 2024.10.1 answers a list of `UserDetailed`",
    },
];

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
    Endpoint(&'static misskey_tests::EndpointCase, String),
    Model(&'static misskey_tests::ModelCase, String),
}

impl Job {
    fn place(&self) -> String {
        match self {
            Job::Endpoint(e, _) => e.name.to_owned(),
            Job::Model(m, _) => format!("schema {}", m.name),
        }
    }
}

#[test]
fn older_bindings_decode_newer_responses() {
    let old = harness::spec(OLD_SPEC);
    let new = harness::spec(NEW_SPEC);
    let old_generator = SchemaGen::new(Arc::clone(&old), GenOptions::default());
    let generator = SchemaGen::new(
        Arc::clone(&new),
        GenOptions {
            unknown_fields: true,
            ..GenOptions::default()
        },
    );
    let new_names: BTreeSet<String> = harness::post_endpoints(&new).into_iter().collect();
    let old_names: BTreeSet<String> = harness::post_endpoints(&old).into_iter().collect();

    let mut jobs = Vec::new();
    let mut shape_changes = Vec::new();
    for e in ENDPOINTS {
        if !new_names.contains(e.name) {
            continue;
        }
        let pointer = format!(
            "{}/post/responses/200/content/application~1json/schema",
            path_pointer(e.name)
        );
        let has_json = new.pointer(&pointer).is_some();
        match (e.response_shape, has_json) {
            (ResponseShape::Json | ResponseShape::JsonOrEmpty, true) => {
                jobs.push(Job::Endpoint(e, pointer));
            }
            (ResponseShape::Json, false) => {
                shape_changes.push(format!("{}: answered JSON, now no body", e.name));
            }
            (ResponseShape::Empty, true) => {
                // The client ignores the body of an endpoint without a result.
                shape_changes.push(format!("{}: answered no body, now JSON (ignored)", e.name));
            }
            _ => {}
        }
    }
    for m in MODELS {
        let pointer = format!("/components/schemas/{}", m.name);
        if m.schema == pointer && new.pointer(&pointer).is_some() {
            jobs.push(Job::Model(m, pointer));
        }
    }
    let only = harness::only();
    jobs.retain(|j| only.as_deref().is_none_or(|o| j.place().contains(o)));

    let results = run_all(&jobs, |job| {
        let (pointer, decode): (&str, Decoder) = match job {
            Job::Endpoint(e, p) => (p, e.response_roundtrip),
            Job::Model(m, p) => (p, m.roundtrip),
        };
        let place = job.place();
        let mut runner = runner(&format!("forward {place}"));
        let choices = max_choices(generator.root(), generator.schema_at(pointer));
        let old_pointer = match job {
            Job::Endpoint(e, _) => e.response_schema.expect("JSON responses have a schema"),
            Job::Model(m, _) => m.schema,
        };
        let old_schema = old_generator.schema_at(old_pointer).clone();
        let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
        let mut cases = 0;
        for mode in modes(choices, harness::cases()) {
            let mut value = generator.generate_at(pointer, mode, &mut runner);
            cases += 1;
            let mut in_this_value = BTreeSet::new();
            // Decode; on a failure, note it, put a value the old type accepts
            // in its place and decode again, so one value shows every
            // incompatible field it holds, not just the first.
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
                let Some(sub) = old_schema_at(&old_generator, &old_schema, &failure.segments)
                else {
                    break;
                };
                let replacement =
                    old_generator.generate(&sub, old_pointer, Mode::Full, &mut runner);
                if !set_at(&mut value, &failure.segments, replacement) {
                    break;
                }
            }
        }
        (cases, seen.into_values().collect::<Vec<_>>())
    });

    let mut cases = 0;
    let mut seen_all: Vec<Seen> = Vec::new();
    let mut panics = Vec::new();
    let (mut endpoints, mut models) = (0, 0);
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((n, seen)) => {
                cases += n;
                seen_all.extend(seen);
            }
            Err(p) => panics.push(format!("{}: {p}", job.place())),
        }
        match job {
            Job::Endpoint(..) => endpoints += 1,
            Job::Model(..) => models += 1,
        }
    }
    let places_failing: BTreeSet<&str> = seen_all.iter().map(|s| s.place.as_str()).collect();
    let unknown: Vec<&Seen> = seen_all
        .iter()
        .filter(|s| !KNOWN.iter().any(|k| k.place == s.place && k.path == s.path))
        .collect();
    let unseen: Vec<&Known> = KNOWN
        .iter()
        .filter(|k| {
            !seen_all
                .iter()
                .any(|s| k.place == s.place && k.path == s.path)
        })
        .collect();
    println!(
        "forward compatibility ({} → {}): {} endpoints in both ({} only in the old spec, {} only in the new); \
         {endpoints} endpoint responses and {models} component schemas checked with {cases} values \
         drawn from the newer schemas; {} places decode every value, {} have {} incompatible field paths \
         ({} documented, {} not); {} endpoints changed between a body and no body",
        old["info"]["version"].as_str().unwrap_or("?"),
        new["info"]["version"].as_str().unwrap_or("?"),
        old_names.intersection(&new_names).count(),
        old_names.difference(&new_names).count(),
        new_names.difference(&old_names).count(),
        endpoints + models - places_failing.len(),
        places_failing.len(),
        seen_all.len(),
        seen_all.len() - unknown.len(),
        unknown.len(),
        shape_changes.len(),
    );
    for s in &seen_all {
        let why = KNOWN
            .iter()
            .find(|k| k.place == s.place && k.path == s.path)
            .map_or("NOT DOCUMENTED", |k| k.why);
        println!(
            "  {} `{}` ({} cases): {} [{}]",
            s.place, s.path, s.cases, s.message, why
        );
    }
    for c in &shape_changes {
        println!("  shape: {c}");
    }
    for k in &unseen {
        println!(
            "  documented but not seen with this seed and case count: {} `{}`",
            k.place, k.path
        );
    }
    assert!(panics.is_empty(), "panics: {panics:#?}");
    assert!(
        unknown.is_empty(),
        "{} incompatibilities are not documented in KNOWN and docs/compatibility.md (see above)",
        unknown.len()
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
