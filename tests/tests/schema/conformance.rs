//! Every generated type against the schemas of every version of the set it
//! was merged from (`api-spec/lock.json`), both directions.
//!
//! - Responses (every endpoint with a JSON result, and every component
//!   schema, in every version that has it, forks included): values drawn
//!   from that version's schema, with invented unknown fields, must decode
//!   into the merged type; what the type encodes back must still be valid
//!   under that version's schema and say the same thing (see [`response_diff`]).
//! - Requests (every endpoint, in every upstream version that has it):
//!   values drawn from that version's request schema must decode into the
//!   merged `Request`, and encode back to exactly the same JSON (see
//!   [`request_diff`]), valid under that version's schema; the minimal
//!   request (required fields only) is one of them. A field the merged type
//!   requires because another version does is filled in with a value drawn
//!   from that version's schema first: every request the type can express
//!   is one each version accepts.
//!
//! Every drawn value is first checked against the schema with the
//! `jsonschema` crate, so a fault of the value generator shows up as such and
//! not as a fault of the generated types.

use std::sync::Arc;

use misskey_core::ResponseShape;
use misskey_tests::compare::{request_diff, response_diff, restore_nulls, snippet};
use misskey_tests::harness::{self, max_choices, modes, runner, SetVersion};
use misskey_tests::registry::{ENDPOINTS, MODELS};
use misskey_tests::schema_gen::{GenOptions, Mode, SchemaGen};
use misskey_tests::validate::Validators;
use misskey_tests::{EndpointCase, ModelCase};
use serde_json::Value;

use crate::whole_counts;
use crate::workers::run_all;

/// Open objects (`additionalProperties: true` beside listed `properties`)
/// whose generated struct keeps only the listed properties: values the
/// server adds there are dropped, as unknown fields are everywhere else.
/// `(check label, path prefix)`; see `docs/testing.md`.
const OPEN_OBJECTS: &[(&str, &str)] = &[
    ("response of fetch-rss", "$.itunes."),
    // 2025.x and the fork: Sentry's options beside the listed `dsn`.
    ("response of meta", "$.sentryForFrontend.options."),
    ("schema MetaLite", "$.sentryForFrontend.options."),
    ("schema MetaDetailed", "$.sentryForFrontend.options."),
];

/// Whether a round-trip difference is the known loss of an open object's
/// extra properties.
fn open_object_loss(label: &str, difference: &str) -> bool {
    OPEN_OBJECTS.iter().any(|(l, prefix)| {
        *l == label && difference.starts_with(prefix) && difference.contains(": lost")
    })
}

/// One check: the response of an endpoint, its request, or a component
/// schema, against the spec of one version (an index into the set).
enum Job {
    Response(&'static EndpointCase, usize),
    Request(&'static EndpointCase, usize),
    Model(&'static ModelCase, usize),
}

impl Job {
    fn label(&self, set: &[SetVersion]) -> String {
        match self {
            Job::Response(e, v) => format!("response of {} ({})", e.name, set[*v].label),
            Job::Request(e, v) => format!("request of {} ({})", e.name, set[*v].label),
            Job::Model(m, v) => format!("schema {} ({})", m.name, set[*v].label),
        }
    }
}

/// What one check saw.
#[derive(Default)]
struct Outcome {
    cases: usize,
    /// Values the generator drew that the schema rejects (faults of the test's generator).
    invalid_draws: Vec<String>,
    /// Faults of the generated types.
    failures: Vec<String>,
}

impl Outcome {
    fn fail(&mut self, text: String) {
        if self.failures.len() < 3 {
            self.failures.push(text);
        }
    }
}

/// The generators and validators of one version's spec.
struct Shared {
    spec: Arc<Value>,
    responses: SchemaGen,
    requests: SchemaGen,
    validators: Validators,
}

impl Shared {
    fn new(spec: Arc<Value>) -> Shared {
        Shared {
            responses: SchemaGen::new(
                Arc::clone(&spec),
                GenOptions {
                    unknown_fields: true,
                    ..whole_counts()
                },
            ),
            requests: SchemaGen::new(Arc::clone(&spec), whole_counts()),
            validators: Validators::new(Arc::clone(&spec)),
            spec,
        }
    }

    fn has(&self, pointer: &str) -> bool {
        self.spec.pointer(pointer).is_some()
    }
}

fn mode_name(mode: Mode) -> String {
    format!("{mode:?}")
}

/// Draws values for `pointer` and hands each to `check`, which returns the
/// failure it found, if any.
fn draw_each(
    generator: &SchemaGen,
    validators: &Validators,
    label: &str,
    pointer: &str,
    skip: &[&str],
    outcome: &mut Outcome,
    mut check: impl FnMut(&Value) -> Result<(), String>,
) {
    let mut runner = runner(label);
    let schema = generator.schema_at(pointer);
    let choices = max_choices(generator.root(), schema);
    for mode in modes(choices, harness::cases()) {
        let value = generator.generate_at(pointer, mode, &mut runner);
        outcome.cases += 1;
        if let Err(e) = validators.check(pointer, skip, &value) {
            if outcome.invalid_draws.len() < 3 {
                outcome.invalid_draws.push(format!(
                    "{} draw is not valid: {e}; value {}",
                    mode_name(mode),
                    snippet(&value)
                ));
            }
            continue;
        }
        if let Err(e) = check(&value) {
            outcome.fail(format!(
                "{}: {e}; value {}",
                mode_name(mode),
                snippet(&value)
            ));
        }
    }
}

fn check_response(shared: &Shared, case: &EndpointCase, first: bool) -> Outcome {
    let mut outcome = Outcome::default();
    // Endpoints without a result decode from `null` (no body), and those that
    // may answer 204 too.
    if first
        && matches!(
            case.response_shape,
            ResponseShape::Empty | ResponseShape::JsonOrEmpty
        )
    {
        outcome.cases += 1;
        if let Err(e) = (case.response_roundtrip)(Value::Null) {
            outcome.fail(format!("no body (null) does not decode: {e}"));
        }
    }
    let Some(pointer) = case.response_schema.filter(|p| shared.has(p)) else {
        return outcome;
    };
    let label = format!("response {}", case.name);
    draw_each(
        &shared.responses,
        &shared.validators,
        &label,
        pointer,
        &[],
        &mut outcome,
        |value| {
            let encoded = (case.response_roundtrip)(value.clone())
                .map_err(|e| format!("does not decode: {e}"))?;
            match response_diff(value, &encoded) {
                Err(e) if !open_object_loss(&format!("response of {}", case.name), &e) => {
                    return Err(format!("changed in the round trip: {e}"));
                }
                _ => {}
            }
            shared
                .validators
                .check(pointer, &[], &restore_nulls(value, &encoded))
                .map_err(|e| format!("encodes back to an invalid value: {e}"))
        },
    );
    outcome
}

/// Fills in the fields the merged `Request` requires that `value` lacks
/// (another version requires them), each drawn from the schema of a version
/// that has it; returns the names filled in.
fn complete_request(
    all: &[Shared],
    upstream: &[usize],
    case: &EndpointCase,
    pointer: &str,
    value: &mut Value,
    runner: &mut proptest::test_runner::TestRunner,
) -> Vec<String> {
    let mut filled = Vec::new();
    for _ in 0..16 {
        let Err(e) = (case.request_roundtrip)(value.clone()) else {
            break;
        };
        let Some(field) = e
            .split("missing field `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
        else {
            break;
        };
        if filled.contains(&field) {
            break;
        }
        let property = format!(
            "{pointer}/properties/{}",
            field.replace('~', "~0").replace('/', "~1")
        );
        let Some(other) = upstream.iter().map(|&i| &all[i]).find(|s| s.has(&property)) else {
            break;
        };
        let drawn = other.requests.generate_at(&property, Mode::Minimal, runner);
        if let Value::Object(obj) = value {
            obj.insert(field.clone(), drawn);
        }
        filled.push(field);
    }
    filled
}

fn check_request(
    all: &[Shared],
    upstream: &[usize],
    version: usize,
    case: &EndpointCase,
) -> Outcome {
    let shared = &all[version];
    let mut outcome = Outcome::default();
    let Some(pointer) = case.request_schema.filter(|p| shared.has(p)) else {
        // No parameters in this version: the minimal request must still be
        // one the merged type can send, so `Request::default()` only has to
        // encode when the merged request has no required fields.
        outcome.cases += 1;
        if case.request_schema.is_none() {
            match case.default_request.map(|f| f()) {
                Some(default)
                    if default == Value::Object(Default::default()) || default.is_null() => {}
                Some(default) => {
                    outcome.fail(format!("a request without parameters encodes as {default}"))
                }
                None => outcome.fail("a request without parameters has no `Default`".into()),
            }
        }
        return outcome;
    };
    let label = format!("request {}", case.name);
    let mut minimal: Option<Value> = None;
    let mut fill_runner = runner(&format!("{label} completion"));
    draw_each(
        &shared.requests,
        &shared.validators,
        &label,
        pointer,
        case.file_fields,
        &mut outcome,
        |value| {
            if minimal.is_none() {
                minimal = Some(value.clone());
            }
            let mut value = value.clone();
            complete_request(all, upstream, case, pointer, &mut value, &mut fill_runner);
            let encoded = (case.request_roundtrip)(value.clone())
                .map_err(|e| format!("does not decode: {e}"))?;
            request_diff(&value, &encoded)
                .map_err(|e| format!("does not encode back the same: {e}"))?;
            shared
                .validators
                .check(pointer, case.file_fields, &encoded)
                .map_err(|e| format!("encodes back to a value this version rejects: {e}"))
        },
    );
    // `Request::default()` is the minimal request when nothing is required.
    if minimal.as_ref() == Some(&Value::Object(Default::default())) {
        let mut empty = Value::Object(Default::default());
        let filled = complete_request(all, upstream, case, pointer, &mut empty, &mut fill_runner);
        // When another version requires something, the merged request does too.
        match case.default_request.map(|f| f()) {
            Some(default) if filled.is_empty() => {
                if let Err(e) = request_diff(&Value::Object(Default::default()), &default) {
                    outcome.fail(format!("Request::default() is not `{{}}`: {e}"));
                }
            }
            None if filled.is_empty() => {
                outcome.fail("a request with nothing required has no `Default`".into())
            }
            _ => {}
        }
    }
    outcome
}

fn check_model(shared: &Shared, case: &ModelCase) -> Outcome {
    let mut outcome = Outcome::default();
    let label = format!("schema {}", case.name);
    draw_each(
        &shared.responses,
        &shared.validators,
        &label,
        case.schema,
        &[],
        &mut outcome,
        |value| {
            let encoded =
                (case.roundtrip)(value.clone()).map_err(|e| format!("does not decode: {e}"))?;
            match response_diff(value, &encoded) {
                Err(e) if !open_object_loss(&format!("schema {}", case.name), &e) => {
                    return Err(format!("changed in the round trip: {e}"));
                }
                _ => {}
            }
            shared
                .validators
                .check(case.schema, &[], &restore_nulls(value, &encoded))
                .map_err(|e| format!("encodes back to an invalid value: {e}"))
        },
    );
    outcome
}

#[test]
fn every_endpoint_and_schema_conforms() {
    let set = harness::locked_set();
    let shared: Vec<Shared> = set.iter().map(|v| Shared::new(v.spec())).collect();
    let upstream: Vec<usize> = (0..set.len()).filter(|&i| !set[i].fork).collect();
    let mut jobs: Vec<Job> = Vec::new();
    for (v, s) in shared.iter().enumerate() {
        let in_version = |e: &EndpointCase| s.has(&harness::path_pointer(e.name));
        for e in ENDPOINTS.iter().filter(|e| in_version(e)) {
            jobs.push(Job::Response(e, v));
            if !set[v].fork {
                jobs.push(Job::Request(e, v));
            }
        }
        for m in MODELS.iter().filter(|m| s.has(m.schema)) {
            jobs.push(Job::Model(m, v));
        }
    }
    let only = harness::only();
    jobs.retain(|j| only.as_deref().is_none_or(|o| j.label(&set).contains(o)));
    let started = std::time::Instant::now();
    let results = run_all(&jobs, |job| match job {
        Job::Response(e, v) => {
            let first = !jobs[..]
                .iter()
                .any(|j| matches!(j, Job::Response(f, w) if f.name == e.name && w < v));
            check_response(&shared[*v], e, first)
        }
        Job::Request(e, v) => check_request(&shared, &upstream, *v, e),
        Job::Model(m, v) => check_model(&shared[*v], m),
    });

    let mut problems = Vec::new();
    let mut generator_faults = Vec::new();
    let mut per_version = vec![(0usize, 0usize, 0usize, 0usize); set.len()];
    for (job, result) in jobs.iter().zip(results) {
        let label = job.label(&set);
        let outcome = match result {
            Ok(o) => o,
            Err(panic) => {
                problems.push(format!("{label}: panicked: {panic}"));
                continue;
            }
        };
        let (v, kind) = match job {
            Job::Response(e, v) => (
                *v,
                usize::from(e.response_schema.is_some_and(|p| shared[*v].has(p))),
            ),
            Job::Request(_, v) => (*v, 0),
            Job::Model(_, v) => (*v, 0),
        };
        let row = &mut per_version[v];
        row.0 += outcome.cases;
        match job {
            Job::Response(..) => row.1 += kind,
            Job::Request(..) => row.2 += 1,
            Job::Model(..) => row.3 += 1,
        }
        for f in outcome.failures {
            problems.push(format!("{label}: {f}"));
        }
        for f in outcome.invalid_draws {
            generator_faults.push(format!("{label}: {f}"));
        }
    }

    // Coverage: every POST path of every upstream version has a generated
    // endpoint; a fork's own endpoints are left out of the published crate.
    let mut missing = Vec::new();
    println!(
        "conformance of the bindings merged from {} ({} random cases per schema after the corner sweep, seed {:#x}):",
        set.iter().map(|v| v.label.as_str()).collect::<Vec<_>>().join(", "),
        harness::cases(),
        harness::seed(),
    );
    for (v, version) in set.iter().enumerate() {
        let in_spec = harness::post_endpoints(&shared[v].spec);
        let absent: Vec<String> = in_spec
            .iter()
            .filter(|name| !ENDPOINTS.iter().any(|e| e.name == name.as_str()))
            .cloned()
            .collect();
        let schemas_in_spec = shared[v].spec["components"]["schemas"]
            .as_object()
            .map_or(0, |s| s.len());
        let (cases, responses, requests, models) = per_version[v];
        println!(
            "  {}: {} of {} POST endpoints generated; {responses} JSON responses and {requests} requests checked; \
             {models} of {schemas_in_spec} component schemas checked; {cases} cases",
            version.label,
            in_spec.len() - absent.len(),
            in_spec.len(),
        );
        if version.fork {
            println!("    left out (only this fork has them): {}", absent.len());
        } else {
            missing.extend(
                absent
                    .into_iter()
                    .map(|a| format!("{a} ({})", version.label)),
            );
        }
        if only.is_none() {
            assert_eq!(
                models, schemas_in_spec,
                "every component schema of {} has a generated type",
                version.label
            );
        }
    }
    let internal = ENDPOINTS.iter().filter(|e| e.internal).count();
    println!(
        "  {} endpoints generated ({internal} internal); {} failures, {} invalid draws, in {:.1?}",
        ENDPOINTS.len(),
        problems.len(),
        generator_faults.len(),
        started.elapsed(),
    );
    for p in generator_faults.iter().take(30) {
        println!("  generator: {p}");
    }
    for p in problems.iter().take(60) {
        println!("  FAIL {p}");
    }
    assert!(
        missing.is_empty(),
        "endpoints without bindings: {missing:?}"
    );
    assert!(
        generator_faults.is_empty(),
        "{} drawn values are not valid under their schema (a fault of the test's value generator)",
        generator_faults.len()
    );
    assert!(
        problems.is_empty(),
        "{} endpoints or schemas do not conform (see above)",
        problems.len()
    );
}
