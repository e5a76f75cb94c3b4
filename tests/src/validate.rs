//! Draft 2020-12 validation of values against the schemas of a spec, with
//! the `jsonschema` crate.
//!
//! A schema of the spec refers to `#/components/schemas/...`. Each validator
//! is built from a copy of the schema with the spec's `components` put beside
//! its keywords, so those references resolve inside the validated document
//! (an unknown keyword such as `components` is only an annotation to the
//! validator). Formats are checked (`date-time`, `uri`, `uuid`, ...);
//! formats unknown to JSON Schema (`misskey:id`, `url`) are ignored.
//!
//! `oneOf` is checked as `anyOf`: the spec uses `oneOf` for unions whose
//! branches overlap (`UserDetailed` is `oneOf: [UserDetailedNotMe,
//! MeDetailed]`, and every `MeDetailed` is also a valid `UserDetailedNotMe`,
//! since neither forbids other properties), so a strict `oneOf` would reject
//! what real servers send.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// Validators for the schemas of one spec, built on first use.
pub struct Validators {
    root: Arc<Value>,
    cache: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl Validators {
    /// Validators for the schemas of `root` (a whole spec document).
    pub fn new(root: Arc<Value>) -> Validators {
        Validators {
            root,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The validator of the schema at `pointer`, without the properties named
    /// in `skip` (multipart file parts, which the generated types leave out).
    pub fn validator(&self, pointer: &str, skip: &[&str]) -> Arc<jsonschema::Validator> {
        let key = format!("{pointer}|{}", skip.join(","));
        if let Some(v) = self.cache.lock().unwrap().get(&key) {
            return Arc::clone(v);
        }
        let mut schema = self
            .root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("no schema at {pointer}"))
            .clone();
        if let Value::Object(obj) = &mut schema {
            for name in skip {
                if let Some(Value::Object(props)) = obj.get_mut("properties") {
                    props.remove(*name);
                }
                if let Some(Value::Array(required)) = obj.get_mut("required") {
                    required.retain(|r| r != name);
                }
            }
            if let Some(components) = self.root.get("components") {
                obj.insert("components".into(), components.clone());
            }
        }
        one_of_as_any_of(&mut schema);
        null_branch_beside_type(&mut schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"));
        let validator = Arc::new(validator);
        self.cache
            .lock()
            .unwrap()
            .insert(key, Arc::clone(&validator));
        validator
    }

    /// Checks `value` against the schema at `pointer` (see [`Self::validator`]);
    /// the error lists the first few violations with their places.
    pub fn check(&self, pointer: &str, skip: &[&str], value: &Value) -> Result<(), String> {
        let validator = self.validator(pointer, skip);
        let errors: Vec<String> = validator
            .iter_errors(value)
            .take(3)
            .map(|e| {
                format!(
                    "at `{}` (schema `{}`): {}",
                    e.instance_path,
                    e.schema_path,
                    short(&e.to_string())
                )
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

/// Renames every `oneOf` keyword to `anyOf` (see the module docs).
fn one_of_as_any_of(schema: &mut Value) {
    match schema {
        Value::Object(obj) => {
            if let Some(branches) = obj.remove("oneOf") {
                obj.insert("anyOf".into(), branches);
            }
            for v in obj.values_mut() {
                one_of_as_any_of(v);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(one_of_as_any_of),
        _ => {}
    }
}

/// `{type: "object", anyOf: [{$ref: X}, {type: "null"}]}` is how Misskey's
/// spec generator (in forks) writes a nullable reference; read strictly, the
/// `type` beside the union would forbid the `null` the union allows, which is
/// not what the server means. The `null` is added to the `type`.
fn null_branch_beside_type(schema: &mut Value) {
    match schema {
        Value::Object(obj) => {
            let null_branch = ["anyOf", "oneOf"].iter().any(|k| {
                obj.get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|branches| {
                        branches
                            .iter()
                            .any(|b| b.get("type") == Some(&Value::String("null".into())))
                    })
            });
            if null_branch {
                match obj.get_mut("type") {
                    Some(Value::String(t)) if t != "null" => {
                        let t = std::mem::take(t);
                        obj.insert("type".into(), serde_json::json!([t, "null"]));
                    }
                    Some(Value::Array(list)) if !list.contains(&Value::String("null".into())) => {
                        list.push(Value::String("null".into()));
                    }
                    _ => {}
                }
            }
            for v in obj.values_mut() {
                null_branch_beside_type(v);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(null_branch_beside_type),
        _ => {}
    }
}

/// Cuts long messages (the validator quotes whole values).
fn short(text: &str) -> String {
    if text.chars().count() > 120 {
        let cut: String = text
            .chars()
            .rev()
            .take(120)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("...{cut}")
    } else {
        text.to_owned()
    }
}
