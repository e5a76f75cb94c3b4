//! Reading normalised schemas (the 3.0-shaped JSON that [`crate::load`]
//! produces) without lowering them: what kind of value a schema describes,
//! its object properties, its union branches. Used by the spec comparison
//! ([`crate::diff`]).

use serde_json::{Map, Value};

/// The prefix of a reference to a component schema.
pub const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// A schema with its nullable wrapper taken off: `allOf: [X], nullable`
/// (how the loader writes a nullable reference) is `X` and nullable.
pub fn peel(schema: &Value) -> (&Value, bool) {
    let mut nullable = is_nullable(schema);
    let mut current = schema;
    for _ in 0..8 {
        let Some(obj) = current.as_object() else {
            break;
        };
        match obj.get("allOf") {
            Some(Value::Array(list))
                if list.len() == 1
                    && obj
                        .keys()
                        .all(|k| matches!(k.as_str(), "allOf" | "nullable" | "description")) =>
            {
                current = &list[0];
                nullable |= is_nullable(current);
            }
            _ => break,
        }
    }
    (current, nullable)
}

/// Whether the schema admits `null`.
pub fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
}

/// The component a schema refers to, if it is a plain reference.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(COMPONENT_PREFIX))
}

/// The branches of a `oneOf`/`anyOf`, with the keyword.
pub fn union_branches(schema: &Value) -> Option<(&'static str, &Vec<Value>)> {
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(list)) = schema.get(key) {
            return Some((key, list));
        }
    }
    None
}

/// The `type` keyword, if it is a single type.
pub fn type_of(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

/// Whether a schema describes an object with named properties (possibly
/// through an `allOf` of inline objects and references).
pub fn is_object(schema: &Value) -> bool {
    type_of(schema) == Some("object")
        || schema.get("properties").is_some()
        || (schema.get("allOf").is_some() && union_branches(schema).is_none())
}

/// The required property names of an object schema.
pub fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The `enum` values that are strings.
pub fn enum_values(schema: &Value) -> Option<Vec<&str>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
}

/// The properties of an object schema, with the inline `allOf` branches'
/// properties merged in, and the references its `allOf` builds on.
pub struct ObjectView<'a> {
    /// Properties in spec order.
    pub properties: Vec<(&'a str, &'a Value)>,
    /// Required property names.
    pub required: Vec<&'a str>,
    /// Components merged in through `allOf` (`UserDetailedNotMe` = `UserLite` + ...).
    pub bases: Vec<&'a str>,
}

/// Reads an object schema, following inline `allOf` branches (not references).
pub fn object_view(schema: &Value) -> ObjectView<'_> {
    let mut view = ObjectView {
        properties: Vec::new(),
        required: Vec::new(),
        bases: Vec::new(),
    };
    add_to_view(schema, &mut view, 0);
    view
}

fn add_to_view<'a>(schema: &'a Value, view: &mut ObjectView<'a>, depth: usize) {
    if depth > 16 {
        return;
    }
    if let Some(name) = ref_name(schema) {
        view.bases.push(name);
        return;
    }
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            if !view.properties.iter().any(|(n, _)| n == name) {
                view.properties.push((name, prop));
            }
        }
    }
    for name in required(schema) {
        if !view.required.contains(&name) {
            view.required.push(name);
        }
    }
    if let Some(Value::Array(list)) = schema.get("allOf") {
        for branch in list {
            add_to_view(branch, view, depth + 1);
        }
    }
}

/// A short human description of a schema's type: `string`, `string (misskey:id)`,
/// `Note`, `array of Note`, `one of A | B`, `any JSON`.
pub fn describe(schema: &Value) -> String {
    describe_at(schema, 0)
}

fn describe_at(schema: &Value, depth: usize) -> String {
    if depth > 6 {
        return "…".into();
    }
    let (core, _) = peel(schema);
    if let Some(name) = ref_name(core) {
        return name.to_owned();
    }
    if let Some((_, branches)) = union_branches(core) {
        let parts: Vec<String> = branches.iter().map(|b| describe_at(b, depth + 1)).collect();
        return format!("one of {}", parts.join(" | "));
    }
    if core.get("x-null") == Some(&Value::Bool(true)) {
        return "null".into();
    }
    match type_of(core) {
        Some("array") => match core.get("items") {
            Some(items) => format!("array of {}", describe_at(items, depth + 1)),
            None => "array".into(),
        },
        Some("string") => {
            if let Some(values) = enum_values(core) {
                let mut shown: Vec<String> =
                    values.iter().take(6).map(|v| format!("\"{v}\"")).collect();
                if values.len() > 6 {
                    shown.push(format!("… {} in all", values.len()));
                }
                return format!("string enum ({})", shown.join(", "));
            }
            match core.get("format").and_then(Value::as_str) {
                Some(f) => format!("string ({f})"),
                None => "string".into(),
            }
        }
        Some(t) if t != "object" => t.to_owned(),
        _ => {
            if core.get("allOf").is_some() {
                let view = object_view(core);
                if !view.bases.is_empty() {
                    let mut parts = view.bases.clone();
                    if !view.properties.is_empty() {
                        parts.push("object");
                    }
                    return parts.join(" + ");
                }
            }
            if let Some((name, value)) = tag(core) {
                return format!("object with {name} \"{value}\"");
            }
            if core.get("properties").is_some() || core.get("allOf").is_some() {
                "object".into()
            } else if core
                .get("additionalProperties")
                .is_some_and(Value::is_object)
            {
                format!(
                    "map of {}",
                    describe_at(&core["additionalProperties"], depth + 1)
                )
            } else if type_of(core) == Some("object") {
                "object".into()
            } else {
                "any JSON".into()
            }
        }
    }
}

/// The identity of a union branch across versions: branches with the same
/// key are the same alternative (possibly changed), others are new or gone.
pub fn branch_key(schema: &Value) -> String {
    branch_key_at(schema, 0)
}

fn branch_key_at(schema: &Value, depth: usize) -> String {
    if depth > 6 {
        return "…".into();
    }
    let (core, _) = peel(schema);
    if let Some(name) = ref_name(core) {
        return format!("ref:{name}");
    }
    if union_branches(core).is_some() {
        return "union".into();
    }
    if core.get("x-null") == Some(&Value::Bool(true)) {
        return "null".into();
    }
    match type_of(core) {
        Some("array") => format!(
            "array:{}",
            core.get("items")
                .map(|i| branch_key_at(i, depth + 1))
                .unwrap_or_default()
        ),
        Some("integer") | Some("number") => "number".into(),
        Some(t) if t != "object" => t.to_owned(),
        _ if is_object(core) => {
            // An object alternative is known by its tag (a required property
            // with one fixed value), else by the properties it requires.
            if let Some((name, value)) = tag(core) {
                return format!("object:{name}={value}");
            }
            let view = object_view(core);
            let mut keys: Vec<&str> = view.required.clone();
            keys.sort_unstable();
            let mut bases = view.bases.clone();
            bases.sort_unstable();
            format!("object:{}:{}", bases.join("+"), keys.join(","))
        }
        _ => "any".into(),
    }
}

/// The tag of an object alternative: a required property with one fixed
/// string value (`type: "reaction"` of a notification).
pub fn tag(schema: &Value) -> Option<(&str, &str)> {
    let view = object_view(schema);
    for (name, prop) in &view.properties {
        if view.required.contains(name) {
            if let Some(values) = enum_values(peel(prop).0) {
                if values.len() == 1 {
                    return Some((name, values[0]));
                }
            }
        }
    }
    None
}

/// The permission and credential requirement Misskey writes at the end of an
/// operation's description: `**Credential required**: *Yes* / **Permission**: *write:notes*`.
pub fn requirements(description: &str) -> (Option<bool>, Option<String>) {
    let found = crate::lower::description::parse_requirements(description);
    (found.credential, found.permission)
}

/// The operation an endpoint is generated from: `post`, else `get`.
pub fn endpoint_operation(item: &Value) -> Option<&Map<String, Value>> {
    item.get("post")
        .or_else(|| item.get("get"))
        .and_then(Value::as_object)
}

/// The JSON request schema of an operation.
pub fn request_schema(op: &Map<String, Value>) -> Option<&Value> {
    let content = op.get("requestBody")?.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.get("multipart/form-data"))
        .or_else(|| content.values().next())?
        .get("schema")
}

/// The schema of the successful (200/201) answer, and whether a `204` is documented.
pub fn response_schema(op: &Map<String, Value>) -> (Option<&Value>, bool, bool) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return (None, false, false);
    };
    let ok = responses.get("200").or_else(|| responses.get("201"));
    let schema = ok.and_then(|r| {
        let content = r.get("content")?.as_object()?;
        content
            .get("application/json")
            .or_else(|| content.values().next())?
            .get("schema")
    });
    (schema, ok.is_some(), responses.contains_key("204"))
}
