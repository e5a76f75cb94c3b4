//! Every generated type against its own schema, both directions.
//!
//! - Responses (every endpoint with a JSON result, and every component
//!   schema): values drawn from the schema, with invented unknown fields,
//!   must decode; what the type encodes back must still be valid under the
//!   schema and say the same thing (see [`response_diff`]).
//! - Requests (every endpoint): values drawn from the request schema must
//!   decode into the `Request`, and encode back to exactly the same JSON
//!   (see [`request_diff`]), valid under the schema; the minimal request
//!   (required fields only) is one of them.
//!
//! Every drawn value is first checked against the schema with the
//! `jsonschema` crate, so a fault of the value generator shows up as such and
//! not as a fault of the generated types.

use std::sync::Arc;

use misskey_core::ResponseShape;
use misskey_tests::compare::{request_diff, response_diff, snippet};
use misskey_tests::harness::{self, max_choices, modes, runner, OLD_SPEC};
use misskey_tests::registry::{ENDPOINTS, MODELS};
use misskey_tests::schema_gen::{GenOptions, Mode, SchemaGen};
use misskey_tests::validate::Validators;
use misskey_tests::{EndpointCase, ModelCase};
use serde_json::Value;

use crate::workers::run_all;

/// Open objects (`additionalProperties: true` beside listed `properties`)
/// whose generated struct keeps only the listed properties: values the
/// server adds there are dropped, as unknown fields are everywhere else.
/// `(check label, path prefix)`; see `docs/testing.md`.
const OPEN_OBJECTS: &[(&str, &str)] = &[("response of fetch-rss", "$.itunes.")];

/// Whether a round-trip difference is the known loss of an open object's
/// extra properties.
fn open_object_loss(label: &str, difference: &str) -> bool {
    OPEN_OBJECTS.iter().any(|(l, prefix)| {
        *l == label && difference.starts_with(prefix) && difference.contains(": lost")
    })
}

/// One check: the response of an endpoint, its request, or a component schema.
enum Job {
    Response(&'static EndpointCase),
    Request(&'static EndpointCase),
    Model(&'static ModelCase),
}

impl Job {
    fn label(&self) -> String {
        match self {
            Job::Response(e) => format!("response of {}", e.name),
            Job::Request(e) => format!("request of {}", e.name),
            Job::Model(m) => format!("schema {}", m.name),
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

struct Shared {
    responses: SchemaGen,
    requests: SchemaGen,
    validators: Validators,
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

fn check_response(shared: &Shared, case: &EndpointCase) -> Outcome {
    let mut outcome = Outcome::default();
    // Endpoints without a result decode from `null` (no body), and those that
    // may answer 204 too.
    if matches!(
        case.response_shape,
        ResponseShape::Empty | ResponseShape::JsonOrEmpty
    ) {
        outcome.cases += 1;
        if let Err(e) = (case.response_roundtrip)(Value::Null) {
            outcome.fail(format!("no body (null) does not decode: {e}"));
        }
    }
    let Some(pointer) = case.response_schema else {
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
                .check(pointer, &[], &encoded)
                .map_err(|e| format!("encodes back to an invalid value: {e}"))
        },
    );
    outcome
}

fn check_request(shared: &Shared, case: &EndpointCase) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(pointer) = case.request_schema else {
        // No parameters: the request is an empty object.
        outcome.cases += 1;
        match case.default_request.map(|f| f()) {
            Some(default) if default == Value::Object(Default::default()) || default.is_null() => {}
            Some(default) => {
                outcome.fail(format!("a request without parameters encodes as {default}"))
            }
            None => outcome.fail("a request without parameters has no `Default`".into()),
        }
        return outcome;
    };
    let label = format!("request {}", case.name);
    let mut minimal: Option<Value> = None;
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
            let encoded = (case.request_roundtrip)(value.clone())
                .map_err(|e| format!("does not decode: {e}"))?;
            request_diff(value, &encoded)
                .map_err(|e| format!("does not encode back the same: {e}"))?;
            shared
                .validators
                .check(pointer, case.file_fields, &encoded)
                .map_err(|e| format!("encodes back to an invalid value: {e}"))
        },
    );
    // `Request::default()` is the minimal request when nothing is required.
    if minimal.as_ref() == Some(&Value::Object(Default::default())) {
        match case.default_request.map(|f| f()) {
            Some(default) => {
                if let Err(e) = request_diff(&Value::Object(Default::default()), &default) {
                    outcome.fail(format!("Request::default() is not `{{}}`: {e}"));
                }
            }
            None => outcome.fail("a request with nothing required has no `Default`".into()),
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
            response_diff(value, &encoded)
                .map_err(|e| format!("changed in the round trip: {e}"))?;
            shared
                .validators
                .check(case.schema, &[], &encoded)
                .map_err(|e| format!("encodes back to an invalid value: {e}"))
        },
    );
    outcome
}

#[test]
fn every_endpoint_and_schema_conforms() {
    let spec = harness::spec(OLD_SPEC);
    let shared = Shared {
        responses: SchemaGen::new(
            Arc::clone(&spec),
            GenOptions {
                unknown_fields: true,
                ..GenOptions::default()
            },
        ),
        requests: SchemaGen::new(Arc::clone(&spec), GenOptions::default()),
        validators: Validators::new(Arc::clone(&spec)),
    };
    let mut jobs: Vec<Job> = Vec::new();
    for e in ENDPOINTS {
        jobs.push(Job::Response(e));
        jobs.push(Job::Request(e));
    }
    jobs.extend(MODELS.iter().map(Job::Model));
    let only = harness::only();
    jobs.retain(|j| only.as_deref().is_none_or(|o| j.label().contains(o)));
    let started = std::time::Instant::now();
    let results = run_all(&jobs, |job| match job {
        Job::Response(e) => check_response(&shared, e),
        Job::Request(e) => check_request(&shared, e),
        Job::Model(m) => check_model(&shared, m),
    });

    let mut problems = Vec::new();
    let mut generator_faults = Vec::new();
    let (mut cases, mut response_endpoints, mut request_endpoints, mut models) = (0, 0, 0, 0);
    for (job, result) in jobs.iter().zip(results) {
        let outcome = match result {
            Ok(o) => o,
            Err(panic) => {
                problems.push(format!("{}: panicked: {panic}", job.label()));
                continue;
            }
        };
        cases += outcome.cases;
        match job {
            Job::Response(e) if e.response_schema.is_some() => response_endpoints += 1,
            Job::Request(_) => request_endpoints += 1,
            Job::Model(_) => models += 1,
            _ => {}
        }
        for f in outcome.failures {
            problems.push(format!("{}: {f}", job.label()));
        }
        for f in outcome.invalid_draws {
            generator_faults.push(format!("{}: {f}", job.label()));
        }
    }

    // Coverage: every POST path of the spec has a generated endpoint.
    let in_spec = harness::post_endpoints(&spec);
    let missing: Vec<&String> = in_spec
        .iter()
        .filter(|name| !ENDPOINTS.iter().any(|e| e.name == name.as_str()))
        .collect();
    let internal = ENDPOINTS.iter().filter(|e| e.internal).count();
    let schemas_in_spec = spec["components"]["schemas"]
        .as_object()
        .map_or(0, |s| s.len());
    println!(
        "conformance: {} of {} POST endpoints generated ({internal} internal); \
         {response_endpoints} JSON responses and {request_endpoints} requests checked; \
         {models} of {schemas_in_spec} component schemas checked; \
         {cases} cases ({} random per schema after the corner sweep, seed {:#x}) in {:.1?}; \
         {} failures, {} invalid draws",
        in_spec.len() - missing.len(),
        in_spec.len(),
        harness::cases(),
        harness::seed(),
        started.elapsed(),
        problems.len(),
        generator_faults.len(),
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
    assert_eq!(
        models, schemas_in_spec,
        "every component schema has a generated type"
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
