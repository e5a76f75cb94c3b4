//! Step 1 of the pipeline: parse the document and bring it to the OpenAPI 3.0
//! shape that the `openapiv3` crate models.
//!
//! Misskey 2024.10.1 and later serve OpenAPI 3.1 (JSON Schema 2020-12), older
//! servers 3.0. `openapiv3` only understands 3.0, and would silently drop what
//! it does not know, so this pass rewrites the 3.1 constructs into their 3.0
//! equivalent *before* deserializing, keeping their meaning:
//!
//! | 3.1                                   | 3.0 after this pass                         |
//! |---------------------------------------|---------------------------------------------|
//! | `type: [T, "null"]`                   | `type: T, nullable: true`                   |
//! | `type: [T, U]`                        | `anyOf: [{type: T}, {type: U}]`             |
//! | `anyOf/oneOf: [X, {type: "null"}]`    | `X` (as `allOf: [X]`) with `nullable: true` |
//! | `enum: [null, ...]`                   | `nullable: true`, `null` removed            |
//! | `$ref` with siblings                  | `allOf: [{$ref}]` keeping description/nullable |
//! | `const: v`                            | `enum: [v]`                                 |
//! | `prefixItems` (tuples)                | `x-prefix-items`, read by the lowering step |
//! | `exclusiveMinimum: n` (number)        | `minimum: n, exclusiveMinimum: true`        |
//!
//! Validation-only keywords that say nothing about the shape of the data
//! (`if`/`then`/`else`, `anyOf` of bare `required` lists, `unevaluatedItems`)
//! are dropped. Anything malformed is reported with its JSON pointer.
//!
//! Then come fix-ups for shapes real servers serve, each a named function:
//!
//! * `flatten_request_bodies`: a request body that is an `allOf`/`anyOf`/
//!   `oneOf` of objects (Misskey 2025.x) becomes one object.

use serde_json::{Map, Value};

use crate::error::{push_pointer, Error};

/// A parsed and normalised document.
pub struct LoadedSpec {
    /// The 3.0-shaped document.
    pub openapi: openapiv3::OpenAPI,
    /// The `openapi` field as served (`3.0.0`, `3.1.0`, ...).
    pub openapi_version: String,
}

/// Parses `text` as an OpenAPI 3.0 or 3.1 document and normalises it.
pub fn load(text: &str) -> Result<LoadedSpec, Error> {
    let (doc, openapi_version) = normalize_text(text)?;
    from_normalized(doc, openapi_version)
}

/// Reads an already normalised document (such as the merge of several
/// versions, [`crate::merge`]) into the OpenAPI model.
pub fn from_normalized(doc: Value, openapi_version: String) -> Result<LoadedSpec, Error> {
    let openapi: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Error::at(
            pointer,
            format!("does not fit the OpenAPI model: {}", e.inner()),
        )
    })?;
    Ok(LoadedSpec {
        openapi,
        openapi_version,
    })
}

/// Parses and normalises a document, returning the 3.0-shaped JSON (for
/// tools that take 3.0 only, such as the progenitor baseline) and the
/// `openapi` version it was served as.
pub fn normalize_text(text: &str) -> Result<(Value, String), Error> {
    let mut doc: Value = serde_json::from_str(text).map_err(|e| {
        Error::at(
            "",
            format!("not valid JSON ({e}); expected the document served at `/api.json`"),
        )
    })?;
    let openapi_version = check_root(&doc)?;
    normalize_document(&mut doc)?;
    Ok((doc, openapi_version))
}

fn check_root(doc: &Value) -> Result<String, Error> {
    let root = doc
        .as_object()
        .ok_or_else(|| Error::at("", "the document must be a JSON object"))?;
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(_) => return Err(Error::at("/openapi", "must be a string such as \"3.1.0\"")),
        None => {
            let hint = if root.contains_key("swagger") {
                "this is a Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported"
            } else {
                "missing; is this really an OpenAPI document (the server's `/api.json`)?"
            };
            return Err(Error::at("/openapi", hint));
        }
    };
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(Error::at(
            "/openapi",
            format!("unsupported OpenAPI version `{version}`; 3.0.x and 3.1.x are supported"),
        ));
    }
    match root.get("info") {
        Some(Value::Object(info)) => {
            if !matches!(info.get("version"), Some(Value::String(_))) {
                return Err(Error::at("/info/version", "missing or not a string"));
            }
        }
        _ => return Err(Error::at("/info", "missing or not an object")),
    }
    match root.get("paths") {
        Some(Value::Object(_)) => {}
        _ => return Err(Error::at("/paths", "missing or not an object")),
    }
    Ok(version)
}

fn normalize_document(doc: &mut Value) -> Result<(), Error> {
    let root = doc.as_object_mut().expect("checked by check_root");
    if let Some(components) = root.get_mut("components") {
        let components = components
            .as_object_mut()
            .ok_or_else(|| Error::at("/components", "must be an object"))?;
        if let Some(schemas) = components.get_mut("schemas") {
            let schemas = schemas
                .as_object_mut()
                .ok_or_else(|| Error::at("/components/schemas", "must be an object"))?;
            for (name, schema) in schemas.iter_mut() {
                let ptr = push_pointer("/components/schemas", name);
                normalize_schema(schema, &ptr)?;
            }
        }
    }
    let paths = root
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .expect("checked by check_root");
    for (path, item) in paths.iter_mut() {
        let item_ptr = push_pointer("/paths", path);
        let item = item
            .as_object_mut()
            .ok_or_else(|| Error::at(&item_ptr, "a path item must be an object"))?;
        for (method, op) in item.iter_mut() {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) {
                continue;
            }
            let op_ptr = push_pointer(&item_ptr, method);
            normalize_operation(op, &op_ptr)?;
        }
    }
    flatten_request_bodies(root)?;
    Ok(())
}

fn normalize_operation(op: &mut Value, ptr: &str) -> Result<(), Error> {
    let op = op
        .as_object_mut()
        .ok_or_else(|| Error::at(ptr, "an operation must be an object"))?;
    if let Some(params) = op.get_mut("parameters") {
        let params_ptr = push_pointer(ptr, "parameters");
        let params = params
            .as_array_mut()
            .ok_or_else(|| Error::at(&params_ptr, "must be an array"))?;
        for (i, param) in params.iter_mut().enumerate() {
            let p_ptr = push_pointer(&params_ptr, &i.to_string());
            if let Some(schema) = param.get_mut("schema") {
                normalize_schema(schema, &push_pointer(&p_ptr, "schema"))?;
            }
        }
    }
    if let Some(body) = op.get_mut("requestBody") {
        let body_ptr = push_pointer(ptr, "requestBody");
        normalize_content(body, &body_ptr)?;
    }
    match op.get_mut("responses") {
        Some(Value::Object(responses)) => {
            let responses_ptr = push_pointer(ptr, "responses");
            for (status, response) in responses.iter_mut() {
                normalize_content(response, &push_pointer(&responses_ptr, status))?;
            }
        }
        Some(_) => {
            return Err(Error::at(
                push_pointer(ptr, "responses"),
                "must be an object",
            ))
        }
        None => {
            return Err(Error::at(
                push_pointer(ptr, "responses"),
                "missing; every operation must list its responses",
            ))
        }
    }
    Ok(())
}

fn normalize_content(holder: &mut Value, ptr: &str) -> Result<(), Error> {
    let holder = holder
        .as_object_mut()
        .ok_or_else(|| Error::at(ptr, "must be an object"))?;
    if holder.contains_key("$ref") {
        return Ok(());
    }
    let Some(content) = holder.get_mut("content") else {
        return Ok(());
    };
    let content_ptr = push_pointer(ptr, "content");
    let content = content
        .as_object_mut()
        .ok_or_else(|| Error::at(&content_ptr, "must be an object keyed by media type"))?;
    for (media_type, media) in content.iter_mut() {
        let media_ptr = push_pointer(&content_ptr, media_type);
        let media = media
            .as_object_mut()
            .ok_or_else(|| Error::at(&media_ptr, "must be an object"))?;
        if let Some(schema) = media.get_mut("schema") {
            normalize_schema(schema, &push_pointer(&media_ptr, "schema"))?;
        }
        // 3.1 allows `examples` values that 3.0's model rejects in places; the
        // generator reads error codes from them separately, so keep them as they are.
    }
    Ok(())
}

/// Keywords that constrain values without describing their shape.
const VALIDATION_ONLY: &[&str] = &[
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "$schema",
    "$id",
    "$comment",
    "dependentRequired",
    "dependentSchemas",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "contentEncoding",
    "contentMediaType",
    "examples",
];

const KNOWN_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "object", "array", "null",
];

/// Normalises one schema object in place; see the module docs for the rewrites.
pub(crate) fn normalize_schema(schema: &mut Value, ptr: &str) -> Result<(), Error> {
    let obj = match schema {
        Value::Object(obj) => obj,
        // JSON Schema allows `true` (anything) and `false` (nothing) as schemas.
        Value::Bool(true) => {
            *schema = Value::Object(Map::new());
            return Ok(());
        }
        _ => return Err(Error::at(ptr, "a schema must be a JSON object")),
    };
    for key in VALIDATION_ONLY {
        obj.remove(*key);
    }
    let mut nullable = match obj.remove("nullable") {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(_) => {
            return Err(Error::at(
                push_pointer(ptr, "nullable"),
                "must be a boolean",
            ))
        }
    };

    if let Some(reference) = obj.get("$ref") {
        if !reference.is_string() {
            return Err(Error::at(push_pointer(ptr, "$ref"), "must be a string"));
        }
        // Siblings of `$ref` other than documentation are ignored by 3.0 tools;
        // keep the ones that change meaning by wrapping the reference. In 3.1
        // they also constrain the value, as if in an `allOf` with the
        // reference (`admin/accounts/create` answers a `MeDetailed` plus a
        // required `token`), so such siblings become a second branch.
        let description = obj.remove("description");
        let reference = obj.remove("$ref").expect("present");
        let mut siblings = std::mem::take(obj);
        for key in [
            "example",
            "title",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly",
        ] {
            siblings.remove(key);
        }
        // `type: "object"` beside a reference to an object adds nothing.
        if siblings.len() == 1 && siblings.get("type") == Some(&Value::String("object".into())) {
            siblings.clear();
        }
        obj.insert("$ref".into(), reference);
        if !siblings.is_empty() {
            let mut extra = Value::Object(siblings);
            normalize_schema(&mut extra, ptr)?;
            let Value::Object(mut extra) = extra else {
                unreachable!("normalize_schema keeps objects")
            };
            // The sibling branch must not make the whole value nullable.
            if extra.remove("nullable") == Some(Value::Bool(true)) {
                nullable = true;
            }
            extra.remove("x-null");
            let inner = std::mem::take(obj);
            obj.insert(
                "allOf".into(),
                Value::Array(vec![Value::Object(inner), Value::Object(extra)]),
            );
            if let Some(d) = description {
                obj.insert("description".into(), d);
            }
            if nullable {
                obj.insert("nullable".into(), Value::Bool(true));
            }
        } else if nullable || description.is_some() {
            let inner = std::mem::take(obj);
            obj.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
            if let Some(d) = description {
                obj.insert("description".into(), d);
            }
            if nullable {
                obj.insert("nullable".into(), Value::Bool(true));
            }
        }
        return Ok(());
    }

    // `type`: a string or (3.1) a list of strings that may include "null".
    let mut types: Vec<String> = Vec::new();
    match obj.remove("type") {
        None => {}
        Some(Value::String(t)) => types.push(t),
        Some(Value::Array(list)) => {
            for (i, t) in list.into_iter().enumerate() {
                match t {
                    Value::String(t) => types.push(t),
                    _ => {
                        return Err(Error::at(
                            push_pointer(&push_pointer(ptr, "type"), &i.to_string()),
                            "each entry of `type` must be a string",
                        ))
                    }
                }
            }
        }
        Some(_) => {
            return Err(Error::at(
                push_pointer(ptr, "type"),
                "must be a string or a list of strings",
            ))
        }
    }
    for t in &types {
        if !KNOWN_TYPES.contains(&t.as_str()) {
            return Err(Error::at(
                push_pointer(ptr, "type"),
                format!(
                    "unknown type `{t}`; expected one of {}",
                    KNOWN_TYPES.join(", ")
                ),
            ));
        }
    }
    let had_null_type = types.iter().any(|t| t == "null");
    types.retain(|t| t != "null");
    nullable |= had_null_type;

    if let Some(c) = obj.remove("const") {
        obj.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(e) = obj.get_mut("enum") {
        let list = e
            .as_array_mut()
            .ok_or_else(|| Error::at(push_pointer(ptr, "enum"), "must be an array"))?;
        let before = list.len();
        list.retain(|v| !v.is_null());
        if list.len() != before {
            nullable = true;
        }
        if list.is_empty() {
            obj.remove("enum");
        }
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        if let Some(v) = obj.get(key) {
            if v.is_number() {
                let bound = obj.remove(key).expect("present");
                let plain = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                obj.insert(plain.into(), bound);
                obj.insert(key.into(), Value::Bool(true));
            }
        }
    }
    if let Some(req) = obj.get("required") {
        let ok = req
            .as_array()
            .map(|a| a.iter().all(Value::is_string))
            .unwrap_or(false);
        if !ok {
            return Err(Error::at(
                push_pointer(ptr, "required"),
                "must be an array of property names",
            ));
        }
    }

    // Children first, so the compositions below see normalised branches.
    if let Some(props) = obj.get_mut("properties") {
        let props_ptr = push_pointer(ptr, "properties");
        let props = props
            .as_object_mut()
            .ok_or_else(|| Error::at(&props_ptr, "must be an object of schemas"))?;
        for (name, prop) in props.iter_mut() {
            normalize_schema(prop, &push_pointer(&props_ptr, name))?;
        }
    }
    if let Some(items) = obj.get_mut("items") {
        let items_ptr = push_pointer(ptr, "items");
        match items {
            Value::Bool(false) => {
                obj.remove("items");
            }
            Value::Array(_) => {
                // Draft-4 style tuples; treat like `prefixItems`.
                let tuple = obj.remove("items").expect("present");
                obj.insert("prefixItems".into(), tuple);
            }
            _ => normalize_schema(items, &items_ptr)?,
        }
    }
    if let Some(prefix) = obj.remove("prefixItems") {
        let prefix_ptr = push_pointer(ptr, "prefixItems");
        let Value::Array(mut list) = prefix else {
            return Err(Error::at(prefix_ptr, "must be an array of schemas"));
        };
        for (i, item) in list.iter_mut().enumerate() {
            normalize_schema(item, &push_pointer(&prefix_ptr, &i.to_string()))?;
        }
        obj.insert("x-prefix-items".into(), Value::Array(list));
    }
    if let Some(additional) = obj.get_mut("additionalProperties") {
        match additional {
            Value::Bool(_) => {}
            _ => normalize_schema(additional, &push_pointer(ptr, "additionalProperties"))?,
        }
    }
    if let Some(not) = obj.get_mut("not") {
        normalize_schema(not, &push_pointer(ptr, "not"))?;
    }

    let mut composed = false;
    for key in ["allOf", "oneOf", "anyOf"] {
        let Some(list) = obj.get_mut(key) else {
            continue;
        };
        let list_ptr = push_pointer(ptr, key);
        let branches = list
            .as_array_mut()
            .ok_or_else(|| Error::at(&list_ptr, "must be an array of schemas"))?;
        for (i, branch) in branches.iter_mut().enumerate() {
            normalize_schema(branch, &push_pointer(&list_ptr, &i.to_string()))?;
        }
        let before = branches.len();
        branches.retain(|b| !is_null_only(b));
        if branches.len() != before {
            nullable = true;
        }
        // `anyOf: [{required: [a]}, {required: [b]}]` says which fields must be
        // present together; it adds no shape, so it is dropped.
        if key != "allOf" && branches.iter().all(is_constraint_only) {
            obj.remove(key);
            continue;
        }
        if branches.is_empty() {
            obj.remove(key);
            continue;
        }
        if key != "allOf" && branches.len() == 1 {
            let list = obj.remove(key).expect("present");
            merge_all_of(obj, list);
        }
        composed = true;
    }
    let null_only = had_null_type && types.is_empty() && !composed;
    if composed {
        // `type: object` beside a composition is implied by the branches; keeping
        // it would make `openapiv3` read the schema as an empty object.
        types.clear();
    }

    match types.len() {
        0 => {}
        1 => {
            obj.insert("type".into(), Value::String(types.remove(0)));
        }
        _ => {
            // A value of several types becomes a union of single-typed copies.
            let mut branches = Vec::new();
            for t in types {
                let mut copy = obj.clone();
                copy.remove("description");
                copy.insert("type".into(), Value::String(t));
                branches.push(Value::Object(copy));
            }
            let description = obj.remove("description");
            obj.clear();
            obj.insert("anyOf".into(), Value::Array(branches));
            if let Some(d) = description {
                obj.insert("description".into(), d);
            }
        }
    }
    if nullable {
        obj.insert("nullable".into(), Value::Bool(true));
        if null_only {
            // Only `null` is allowed: remember it so unions can drop the branch.
            obj.insert("x-null".into(), Value::Bool(true));
        }
    }
    Ok(())
}

fn merge_all_of(obj: &mut Map<String, Value>, single_branch_list: Value) {
    match obj.get_mut("allOf") {
        Some(Value::Array(existing)) => {
            if let Value::Array(list) = single_branch_list {
                existing.extend(list);
            }
        }
        _ => {
            obj.insert("allOf".into(), single_branch_list);
        }
    }
}

fn is_null_only(schema: &Value) -> bool {
    matches!(schema.get("x-null"), Some(Value::Bool(true)))
}

fn is_constraint_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|o| {
        o.keys().all(|k| {
            matches!(
                k.as_str(),
                "required" | "description" | "minProperties" | "maxProperties"
            )
        })
    })
}

/// Properties every correct Misskey spec lists as optional: a note need not
/// reply to anything, an app's secret is shown to its owner only, ...
const ALWAYS_OPTIONAL: &[(&str, &str)] = &[
    ("Note", "reply"),
    ("Note", "renote"),
    ("Note", "poll"),
    ("Note", "deletedAt"),
    ("Note", "myReaction"),
    ("Note", "channel"),
    ("App", "secret"),
    ("App", "isAuthorized"),
    ("UserLite", "instance"),
    ("UserLite", "badgeRoles"),
    ("DriveFile", "folder"),
    ("DriveFile", "user"),
];

/// Signs that a document lists optional properties as required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FalseRequired {
    /// `Note.reply`, `App.secret`, ...: properties that are always optional
    /// but that this document requires.
    pub examples: Vec<String>,
    /// Component objects (with two or more properties) that require every
    /// property, and how many such objects there are.
    pub all_required: (usize, usize),
}

/// Recognises the document Misskey before 2025.1.0 serves on every request
/// for `/api.json` after the first since the server started: serving it
/// mutates the schemas, so later answers list optional properties as
/// required (`Note` requires `reply`, `renote`, `deletedAt`, ...). Bindings
/// generated from it fail on real answers that leave those fields out.
///
/// Returns `None` for a document without these signs, or one that is not JSON.
pub fn false_required(text: &str) -> Option<FalseRequired> {
    let doc: Value = serde_json::from_str(text).ok()?;
    let schemas = doc.pointer("/components/schemas")?.as_object()?;
    let mut present = 0;
    let mut examples = Vec::new();
    for (component, property) in ALWAYS_OPTIONAL {
        let Some(schema) = schemas.get(*component) else {
            continue;
        };
        if schema.pointer(&format!("/properties/{property}")).is_none() {
            continue;
        }
        present += 1;
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(property)));
        if required {
            examples.push(format!("{component}.{property}"));
        }
    }
    if present < 3 || examples.len() * 4 < present * 3 {
        return None;
    }
    let mut objects = 0;
    let mut all_required = 0;
    for schema in schemas.values() {
        let Some(Value::Object(props)) = schema.get("properties") else {
            continue;
        };
        if props.len() < 2 {
            continue;
        }
        objects += 1;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if props.keys().all(|k| required.contains(&k.as_str())) {
            all_required += 1;
        }
    }
    Some(FalseRequired {
        examples,
        all_required: (all_required, objects),
    })
}

/// Request bodies written as a composition of objects become one object.
///
/// Misskey 2025.x spells "give `fileId` or `url`" as `anyOf: [{fileId},
/// {url}]`, and adds the common fields with `allOf: [that anyOf, {...}]`,
/// with no `type: object` at the top. The request keeps one struct: every
/// branch's properties, each required only when every alternative requires
/// it (the branches of an `allOf` all apply, so their required lists add
/// up). 2024.x wrote the same request as one object with optional fields,
/// so the Rust type is the same across versions. The alternatives are
/// listed in the operation's description, where the endpoint docs show them.
fn flatten_request_bodies(root: &mut Map<String, Value>) -> Result<(), Error> {
    // Components are only needed when a branch is a `$ref`; copied lazily.
    let mut components: Option<Map<String, Value>> = None;
    let Some(Value::Object(paths)) = root.get("paths") else {
        return Ok(());
    };
    let mut targets = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Some(content) = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            else {
                continue;
            };
            for (media_type, media) in content {
                if media.get("schema").is_some_and(is_composition) {
                    targets.push((path.clone(), method.clone(), media_type.clone()));
                }
            }
        }
    }
    for (path, method, media_type) in targets {
        let ptr = ["requestBody", "content", &media_type, "schema"]
            .iter()
            .fold(
                push_pointer(&push_pointer("/paths", &path), &method),
                |p, t| push_pointer(&p, t),
            );
        if components.is_none() {
            components = Some(
                root.get("components")
                    .and_then(|c| c.get("schemas"))
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        let op = &mut root["paths"][&path][&method];
        let schema = &mut op["requestBody"]["content"][&media_type]["schema"];
        let Some(flat) = flatten_object(schema, components.as_ref().expect("just set"), &ptr, 0)?
        else {
            // Not every branch is an object: the lowering step reports it.
            continue;
        };
        let description = schema.get("description").cloned();
        let mut object = Map::new();
        object.insert("type".into(), Value::String("object".into()));
        if let Some(d) = description {
            object.insert("description".into(), d);
        }
        object.insert("properties".into(), Value::Object(flat.properties));
        if !flat.required.is_empty() {
            object.insert(
                "required".into(),
                Value::Array(flat.required.into_iter().map(Value::String).collect()),
            );
        }
        *schema = Value::Object(object);
        if let Some(line) = alternatives_line(&flat.alternatives) {
            add_to_description(op, &line);
        }
    }
    Ok(())
}

/// Whether a schema is an `allOf`/`anyOf`/`oneOf` at the top.
fn is_composition(schema: &Value) -> bool {
    ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.get(*k).is_some_and(Value::is_array))
}

/// An object read from a composition: its properties in order, the required
/// ones, and the alternatives of each `anyOf`/`oneOf` met on the way (the
/// properties each alternative requires).
struct FlatObject {
    properties: Map<String, Value>,
    required: Vec<String>,
    alternatives: Vec<Vec<Vec<String>>>,
}

/// Reads a schema made of objects (plain, `$ref`, `allOf`, `anyOf`, `oneOf`)
/// as one object, or `None` when some part is not an object.
fn flatten_object(
    schema: &Value,
    components: &Map<String, Value>,
    ptr: &str,
    depth: usize,
) -> Result<Option<FlatObject>, Error> {
    if depth > 32 {
        return Err(Error::at(
            ptr,
            "this request body's composition is nested more than 32 levels deep or refers back to itself",
        ));
    }
    let Some(obj) = schema.as_object() else {
        return Ok(None);
    };
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        let Some((name, target)) = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| components.get_key_value(name))
        else {
            // Left for the lowering step, which names the missing reference.
            return Ok(None);
        };
        let target_ptr = push_pointer("/components/schemas", name);
        if ptr == target_ptr || ptr.starts_with(&format!("{target_ptr}/")) {
            return Err(Error::at(
                target_ptr,
                format!("`{name}` contains itself through its composition, so it describes no request body"),
            ));
        }
        return flatten_object(target, components, &target_ptr, depth + 1);
    }
    match obj.get("type").and_then(Value::as_str) {
        None | Some("object") => {}
        Some(_) => return Ok(None),
    }
    if obj.contains_key("additionalProperties") && !obj.contains_key("properties") {
        return Ok(None);
    }
    // The object's own properties, then every `allOf` branch: all apply.
    let mut flat = FlatObject {
        properties: obj
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        required: string_list(obj.get("required")),
        alternatives: Vec::new(),
    };
    if let Some(Value::Array(branches)) = obj.get("allOf") {
        for (i, branch) in branches.iter().enumerate() {
            let branch_ptr = push_pointer(&push_pointer(ptr, "allOf"), &i.to_string());
            let Some(part) = flatten_object(branch, components, &branch_ptr, depth + 1)? else {
                return Ok(None);
            };
            for (name, prop) in part.properties {
                // Both definitions apply; the first one is kept.
                flat.properties.entry(name).or_insert(prop);
            }
            for name in part.required {
                if !flat.required.contains(&name) {
                    flat.required.push(name);
                }
            }
            flat.alternatives.extend(part.alternatives);
        }
    }
    // Each `anyOf`/`oneOf` is one more condition: one of its branches applies.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = obj.get(key) else {
            continue;
        };
        let mut parts = Vec::with_capacity(branches.len());
        for (i, branch) in branches.iter().enumerate() {
            let branch_ptr = push_pointer(&push_pointer(ptr, key), &i.to_string());
            match flatten_object(branch, components, &branch_ptr, depth + 1)? {
                Some(part) => parts.push(part),
                None => return Ok(None),
            }
        }
        let mut common: Option<Vec<String>> = None;
        let mut own_alternatives = Vec::new();
        for part in parts {
            common = Some(match common {
                None => part.required.clone(),
                Some(c) => c
                    .into_iter()
                    .filter(|n| part.required.contains(n))
                    .collect(),
            });
            own_alternatives.push(part.required.clone());
            for (name, prop) in part.properties {
                match flat.properties.get_mut(&name) {
                    None => {
                        flat.properties.insert(name, prop);
                    }
                    Some(existing) if *existing == prop => {}
                    Some(existing) => {
                        // Alternatives that type a property differently: either is accepted.
                        let mut choices = match existing.get("anyOf") {
                            Some(Value::Array(list))
                                if existing.as_object().is_some_and(|o| o.len() == 1) =>
                            {
                                list.clone()
                            }
                            _ => vec![existing.clone()],
                        };
                        if !choices.contains(&prop) {
                            choices.push(prop);
                        }
                        let mut union = Map::new();
                        union.insert("anyOf".into(), Value::Array(choices));
                        *existing = Value::Object(union);
                    }
                }
            }
            flat.alternatives.extend(part.alternatives);
        }
        for name in common.unwrap_or_default() {
            if !flat.required.contains(&name) {
                flat.required.push(name);
            }
        }
        if own_alternatives.len() > 1 {
            flat.alternatives.insert(0, own_alternatives);
        }
    }
    Ok(Some(flat))
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `The body needs one of: `fileId`; `url`.` for each set of alternatives.
fn alternatives_line(alternatives: &[Vec<Vec<String>>]) -> Option<String> {
    let sentences: Vec<String> = alternatives
        .iter()
        .map(|choices| {
            let spelled: Vec<String> = choices
                .iter()
                .map(|names| {
                    if names.is_empty() {
                        "nothing more".to_owned()
                    } else {
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(" with ")
                    }
                })
                .collect();
            format!("The request needs one of: {}.", spelled.join("; or "))
        })
        .collect();
    if sentences.is_empty() {
        None
    } else {
        Some(sentences.join(" "))
    }
}

/// Adds a paragraph to an operation's description, before the credential
/// line Misskey ends it with.
pub(crate) fn add_to_description(op: &mut Value, paragraph: &str) {
    let Some(op) = op.as_object_mut() else {
        return;
    };
    let current = op
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let updated = match current.find("**Credential required**") {
        Some(at) => {
            let (head, tail) = current.split_at(at);
            let head = head.trim_end();
            if head.is_empty() {
                format!("{paragraph}\n\n{tail}")
            } else {
                format!("{head}\n\n{paragraph}\n\n{tail}")
            }
        }
        None if current.trim().is_empty() => paragraph.to_owned(),
        None => format!("{}\n\n{paragraph}", current.trim_end()),
    };
    op.insert("description".into(), Value::String(updated));
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = push_pointer(&out, &index.to_string()),
            Segment::Map { key } => out = push_pointer(&out, key),
            Segment::Enum { variant } => out = push_pointer(&out, variant),
            Segment::Unknown => out = push_pointer(&out, "?"),
        }
    }
    out
}
