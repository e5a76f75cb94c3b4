//! Bad input: mutated specs for the generator, mutated bodies for the
//! response decoders. Nothing may panic or hang; every rejected spec gets an
//! error that points into the document or names the problem.
//!
//! `BAD_INPUT_CASES` sets the number of mutated specs (default
//! [`DEFAULT_SPECS`]); the bodies scale with `CONFORMANCE_CASES`.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use misskey_codegen::{generate, Input};
use misskey_tests::harness::{self, runner, OLD_SPEC};
use misskey_tests::registry::ENDPOINTS;
use misskey_tests::schema_gen::{GenOptions, Mode, SchemaGen};
use proptest::prelude::RngExt;
use proptest::test_runner::{TestRng, TestRunner};
use serde_json::{json, Map, Value};

use crate::workers::{panic_text, run_all};

/// Mutated specs per run when `BAD_INPUT_CASES` is not set.
const DEFAULT_SPECS: usize = 1500;

/// How long generating from one small spec may take (debug build).
const SPEC_TIME_LIMIT: Duration = Duration::from_secs(20);

fn spec_cases() -> usize {
    std::env::var("BAD_INPUT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SPECS)
}

/// The `$ref` targets a schema uses, transitively, as component names.
fn referenced(spec: &Value, schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(obj) => {
            for (k, v) in obj {
                if k == "$ref" {
                    if let Some(name) = v
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        if out.insert(name.to_owned()) {
                            referenced(spec, &spec["components"]["schemas"][name], out);
                        }
                    }
                } else {
                    referenced(spec, v, out);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| referenced(spec, v, out)),
        _ => {}
    }
}

/// A small spec cut from the real one: a few endpoints and the components
/// they need, so the generator runs in milliseconds.
fn small_spec(spec: &Value, rng: &mut TestRng) -> Value {
    let paths = spec["paths"].as_object().expect("paths");
    let names: Vec<&String> = paths.keys().collect();
    let mut chosen = Map::new();
    let mut refs = BTreeSet::new();
    for _ in 0..rng.random_range(1..4) {
        let name = names[rng.random_range(0..names.len())];
        let item = paths[name].clone();
        referenced(spec, &item, &mut refs);
        chosen.insert(name.clone(), item);
    }
    // Keep the cut small: skip specs that pull in the large user/note graph
    // most of the time, but not always.
    let schemas: Map<String, Value> = refs
        .iter()
        .map(|n| (n.clone(), spec["components"]["schemas"][n].clone()))
        .collect();
    json!({
        "openapi": spec["openapi"],
        "info": spec["info"],
        "paths": chosen,
        "components": {"schemas": schemas, "securitySchemes": spec["components"]["securitySchemes"]},
    })
}

/// A hand-written spec shaped like Misskey's, for variety.
fn tiny_spec() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"version": "0.0.1", "title": "tiny"},
        "paths": {
            "/things/show": {"post": {
                "operationId": "things___show",
                "description": "**Credential required**: *No*",
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"thingId": {"type": "string", "format": "misskey:id"},
                                   "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
                    "required": ["thingId"]}}}},
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Thing"}}}}}
            }},
            "/things/list": {"post": {
                "operationId": "things___list",
                "description": "**Credential required**: *Yes* / **Permission**: *read:account*",
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
                    "type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]}}}}},
                    "204": {"description": "none"}}
            }}
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {
                "id": {"type": "string", "format": "id"},
                "createdAt": {"type": "string", "format": "date-time"},
                "kind": {"type": "string", "enum": ["a", "b", "unknown"]},
                "type": {"type": ["string", "null"]},
                "parent": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 4},
                "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]},
                "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
            }, "required": ["id", "kind", "parent"]}
        }}
    })
}

/// Every JSON pointer into `doc` (objects and arrays only), for picking a
/// place to mutate.
fn places(doc: &Value, at: String, out: &mut Vec<String>) {
    match doc {
        Value::Object(obj) => {
            out.push(at.clone());
            for (k, v) in obj {
                places(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(list) => {
            out.push(at.clone());
            for (i, v) in list.iter().enumerate() {
                places(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn junk(rng: &mut TestRng) -> Value {
    match rng.random_range(0..9) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1.5e300),
        3 => json!("strin"),
        4 => json!([]),
        5 => json!({}),
        6 => json!(["string", 3, null]),
        7 => json!({"$ref": 7}),
        _ => json!("#/components/schemas/Nowhere"),
    }
}

fn nest(mut schema: Value, depth: usize, rng: &mut TestRng) -> Value {
    for _ in 0..depth {
        schema = match rng.random_range(0..4) {
            0 => json!({"type": "array", "items": schema}),
            1 => json!({"type": "object", "properties": {"x": schema}, "required": ["x"]}),
            2 => json!({"anyOf": [schema, {"type": "null"}]}),
            _ => json!({"allOf": [schema]}),
        };
    }
    schema
}

/// Applies one random change somewhere in the document.
fn mutate(doc: &mut Value, rng: &mut TestRng) -> String {
    let mut all = Vec::new();
    places(doc, String::new(), &mut all);
    let at = all[rng.random_range(0..all.len())].clone();
    let target = doc.pointer_mut(&at).expect("listed");
    let kind = rng.random_range(0..12);
    match (kind, target) {
        (0, Value::Object(obj)) if !obj.is_empty() => {
            let key = obj
                .keys()
                .nth(rng.random_range(0..obj.len()))
                .cloned()
                .unwrap();
            obj.remove(&key);
            format!("deleted {at}/{key}")
        }
        (1, Value::Object(obj)) if !obj.is_empty() => {
            let key = obj
                .keys()
                .nth(rng.random_range(0..obj.len()))
                .cloned()
                .unwrap();
            obj.insert(key.clone(), junk(rng));
            format!("wrong type at {at}/{key}")
        }
        (2, Value::Object(obj)) => {
            let t = [
                "string", "integer", "object", "array", "null", "boolean", "number", "strin",
            ][rng.random_range(0..8)];
            obj.insert("type".into(), json!(t));
            format!("type {t} at {at}")
        }
        (3, Value::Object(obj)) => {
            let r = [
                "#/components/schemas/Missing",
                "#/paths",
                "#/components/schemas/",
                "other.json#/components/schemas/Note",
                "",
                "#/components/schemas/Note/properties/id",
                "#/components/schemas/A~2B",
            ][rng.random_range(0..7)];
            obj.clear();
            obj.insert("$ref".into(), json!(r));
            format!("$ref {r} at {at}")
        }
        (4, target) => {
            let depth = [3, 20, 60, 200][rng.random_range(0..4)];
            let inner = std::mem::take(target);
            *target = nest(inner, depth, rng);
            format!("nested {depth} deep at {at}")
        }
        (5, Value::Object(obj)) => {
            let key = [
                "allOf",
                "oneOf",
                "anyOf",
                "items",
                "properties",
                "required",
                "enum",
                "prefixItems",
                "additionalProperties",
                "nullable",
            ][rng.random_range(0..10)];
            obj.insert(key.into(), junk(rng));
            format!("{key} = junk at {at}")
        }
        (6, Value::Object(obj)) => {
            obj.insert(
                "enum".into(),
                json!([null, 1, "a", "A", "", "+x", "-x", {"o": 1}, [1], "unknown", "Other"]),
            );
            format!("mixed enum at {at}")
        }
        (7, Value::Object(obj)) => {
            let name = [
                "type",
                "self",
                "",
                "123",
                "a-b",
                "Self",
                "r#x",
                "😀",
                "__proto__",
                "super",
            ][rng.random_range(0..10)];
            let props = obj.entry("properties").or_insert_with(|| json!({}));
            if let Value::Object(p) = props {
                p.insert(name.into(), json!({"type": "string"}));
            }
            if let Some(required) = obj
                .entry("required")
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                required.push(json!(name));
            }
            format!("property {name:?} at {at}")
        }
        (8, Value::Array(list)) if !list.is_empty() => {
            let i = rng.random_range(0..list.len());
            list[i] = junk(rng);
            format!("junk item {at}/{i}")
        }
        (9, Value::Object(obj)) => {
            obj.insert("description".into(), json!("x".repeat(100_000)));
            format!("huge description at {at}")
        }
        _ => {
            // Reference cycles between components, with no data in between.
            if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
                let names: Vec<String> = schemas.keys().cloned().collect();
                if names.is_empty() {
                    schemas.insert("Loop".into(), json!({"$ref": "#/components/schemas/Loop"}));
                    return "self reference Loop".into();
                }
                let a = names[rng.random_range(0..names.len())].clone();
                let b = names[rng.random_range(0..names.len())].clone();
                schemas.insert(
                    a.clone(),
                    json!({"$ref": format!("#/components/schemas/{b}")}),
                );
                schemas.insert(
                    b.clone(),
                    json!({"allOf": [{"$ref": format!("#/components/schemas/{a}")}]}),
                );
                format!("cycle {a} <-> {b}")
            } else {
                "nothing".into()
            }
        }
    }
}

/// Runs the generator on `text` on its own thread (so a stack overflow or
/// a hang is caught and reported instead of killing or stalling the run).
fn generate_bounded(text: String) -> Result<Result<(), misskey_codegen::Error>, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| {
                generate(Input {
                    spec: &text,
                    scopes: None,
                })
                .map(|_| ())
            });
            let _ = tx.send(result.map_err(|p| panic_text(&p)));
        })
        .expect("spawn");
    match rx.recv_timeout(SPEC_TIME_LIMIT) {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(panic)) => Err(format!("panicked: {panic}")),
        Err(_) => Err(format!("no answer within {SPEC_TIME_LIMIT:?}")),
    }
}

/// The error of a rejected spec must point into the document (a pointer
/// whose first step exists in the document) or name the problem.
fn check_error(doc: &Value, error: &misskey_codegen::Error) -> Result<(), String> {
    if error.message.trim().is_empty() {
        return Err(format!("empty message (pointer `{}`)", error.pointer));
    }
    if error.pointer.is_empty() {
        // About the document as a whole: it must say what is wrong.
        let names = ["JSON", "object", "openapi", "document", "nest", "recursion"];
        return if names.iter().any(|n| error.message.contains(n)) {
            Ok(())
        } else {
            Err(format!("no pointer and a vague message: {}", error.message))
        };
    }
    if !error.pointer.starts_with('/') {
        return Err(format!("`{}` is not a JSON pointer", error.pointer));
    }
    // The place itself, or (for something missing) its parent, must exist.
    let parent = &error.pointer[..error.pointer.rfind('/').unwrap_or(0)];
    let first = error.pointer.split('/').nth(1).unwrap_or("");
    let first = first.replace("~1", "/").replace("~0", "~");
    if doc.get(&first).is_none() && doc.pointer(parent).is_none() {
        return Err(format!(
            "pointer `{}` does not lead into the document ({})",
            error.pointer, error.message
        ));
    }
    Ok(())
}

#[test]
fn mutated_specs_never_panic_and_errors_point_into_the_spec() {
    let real = harness::spec(OLD_SPEC);
    let cases = spec_cases();
    let started = Instant::now();
    let jobs: Vec<usize> = (0..cases).collect();
    let results = run_all(&jobs, |i| {
        let mut runner = runner(&format!("mutated spec {i}"));
        let rng = runner.rng();
        let mut doc = if i % 5 == 0 {
            tiny_spec()
        } else {
            small_spec(&real, rng)
        };
        let mut changes = Vec::new();
        for _ in 0..rng.random_range(1..5) {
            changes.push(mutate(&mut doc, rng));
        }
        let text = if i % 7 == 3 {
            // Also bytes that are not a whole document.
            let t = doc.to_string();
            let cut = rng.random_range(0..t.len().max(1));
            t.char_indices()
                .map(|(i, _)| i)
                .take_while(|&c| c <= cut)
                .last()
                .map(|c| t[..c].to_owned())
                .unwrap_or_default()
        } else {
            doc.to_string()
        };
        match generate_bounded(text) {
            Ok(Ok(())) => Ok(true),
            Ok(Err(e)) => check_error(&doc, &e)
                .map(|()| false)
                .map_err(|p| format!("{changes:?}: {p}")),
            Err(p) => Err(format!("{changes:?}: {p}")),
        }
    });
    let mut accepted = 0;
    let mut rejected = 0;
    let mut problems = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(Ok(true)) => accepted += 1,
            Ok(Ok(false)) => rejected += 1,
            Ok(Err(p)) | Err(p) => problems.push(format!("spec #{i}: {p}")),
        }
    }
    println!(
        "mutated specs: {cases} ({accepted} generated, {rejected} rejected with a located error, \
         {} problems) in {:.1?}",
        problems.len(),
        started.elapsed()
    );
    for p in problems.iter().take(20) {
        println!("  {p}");
    }
    assert!(
        problems.is_empty(),
        "{} mutated specs went wrong",
        problems.len()
    );
}

/// Changes a value somewhere: wrong types, missing keys, odd numbers,
/// huge strings, nesting.
fn mutate_value(v: &mut Value, rng: &mut TestRng, depth: usize) {
    let here = depth > 6 || rng.random_bool(0.3);
    if !here {
        match v {
            Value::Object(obj) if !obj.is_empty() => {
                let i = rng.random_range(0..obj.len());
                let key = obj.keys().nth(i).cloned().unwrap();
                return mutate_value(obj.get_mut(&key).unwrap(), rng, depth + 1);
            }
            Value::Array(list) if !list.is_empty() => {
                let i = rng.random_range(0..list.len());
                return mutate_value(&mut list[i], rng, depth + 1);
            }
            _ => {}
        }
    }
    *v = match rng.random_range(0..10) {
        0 => Value::Null,
        1 => json!("x".repeat(rng.random_range(0..200_000))),
        2 => json!(u64::MAX),
        3 => json!(-0.000001),
        4 => json!(1e308),
        5 => {
            let mut deep = json!(1);
            for _ in 0..100 {
                deep = json!([deep]);
            }
            deep
        }
        6 => json!({"type": "unknownKind", "id": 5}),
        7 => json!("not-a-date"),
        8 => match v {
            Value::Object(obj) => {
                obj.clear();
                Value::Object(std::mem::take(obj))
            }
            _ => json!({}),
        },
        _ => json!(["a", 1, null, {}]),
    };
}

#[test]
fn mutated_bodies_never_panic_the_decoders() {
    // Each endpoint's answers as the newest version of the set that has them describes them.
    let generators: Vec<SchemaGen> = harness::locked_set()
        .iter()
        .rev()
        .map(|v| SchemaGen::new(v.spec(), GenOptions::default()))
        .collect();
    let cases = harness::cases().max(4);
    let jobs: Vec<(&misskey_tests::EndpointCase, &SchemaGen)> = ENDPOINTS
        .iter()
        .filter_map(|e| {
            let pointer = e.response_schema?;
            let generator = generators
                .iter()
                .find(|g| g.root().pointer(pointer).is_some())?;
            Some((e, generator))
        })
        .collect();
    let results = run_all(&jobs, |(e, generator)| {
        let mut runner: TestRunner = runner(&format!("mutated body {}", e.name));
        let pointer = e.response_schema.expect("filtered");
        let (mut ok, mut err) = (0, 0);
        for _ in 0..cases {
            let mut value = generator.generate_at(pointer, Mode::Random, &mut runner);
            for _ in 0..runner.rng().random_range(1..4) {
                mutate_value(&mut value, runner.rng(), 0);
            }
            match (e.response_roundtrip)(value) {
                Ok(_) => ok += 1,
                Err(msg) => {
                    assert!(!msg.is_empty());
                    err += 1;
                }
            }
        }
        // Bodies that are not what any endpoint answers.
        for odd in [json!(null), json!("text"), json!(42), json!([]), json!({})] {
            let _ = (e.response_roundtrip)(odd);
        }
        (ok, err)
    });
    let mut totals = (0, 0);
    let mut panics = Vec::new();
    for ((e, _), r) in jobs.iter().zip(results) {
        match r {
            Ok((ok, err)) => {
                totals.0 += ok;
                totals.1 += err;
            }
            Err(p) => panics.push(format!("{}: {p}", e.name)),
        }
    }
    println!(
        "mutated bodies: {} decoded anyway, {} rejected with an error, across {} endpoints",
        totals.0,
        totals.1,
        jobs.len()
    );
    assert!(panics.is_empty(), "decoders panicked: {panics:#?}");
}

/// Reference cycles without data in between, and a schema that merges the
/// component it is part of, are rejected with the component's pointer
/// (they once overflowed the generator's stack).
#[test]
fn reference_cycles_are_rejected_not_overflowed() {
    let cases = [
        json!({"A": {"$ref": "#/components/schemas/A"}}),
        json!({"A": {"allOf": [{"$ref": "#/components/schemas/A"}]}}),
        json!({"A": {"$ref": "#/components/schemas/B"},
               "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
               "C": {"oneOf": [{"$ref": "#/components/schemas/A"},
                               {"type": "object", "properties": {"x": {"type": "string"}}}]}}),
        json!({"A": {"type": "object", "properties": {"parent": {"anyOf": [
            {"$ref": "#/components/schemas/A", "properties": {"x": {"type": "string"}}},
            {"type": "null"}]}}}}),
    ];
    for schemas in cases {
        let spec = json!({
            "openapi": "3.1.0", "info": {"version": "1", "title": "t"},
            "paths": {"/a": {"post": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": schemas}
        });
        let error = generate_bounded(spec.to_string())
            .unwrap_or_else(|p| panic!("{schemas}: {p}"))
            .expect_err("a cycle is an error");
        assert!(
            error.pointer.starts_with("/components/schemas/A"),
            "{schemas}: {error}"
        );
    }
}

/// A spec without a single operation (found by fuzzing: a `post` misspelt
/// `posd`) is an error at `/paths`, not a panic while writing the modules.
#[test]
fn a_spec_without_operations_is_an_error() {
    let spec = json!({
        "openapi": "3.1.0", "info": {"version": "1", "title": "t"},
        "paths": {"/things/show": {"posd": {"responses": {}}}},
        "components": {"schemas": {"A": {"type": "object"}}}
    });
    let error = generate_bounded(spec.to_string())
        .unwrap_or_else(|p| panic!("{p}"))
        .expect_err("no operations");
    assert_eq!(error.pointer, "/paths", "{error}");
}
