//! Merging the schemas several versions give one place (a component, a
//! request body, an answer) into one schema that describes all of them.
//!
//! The rules, by what the merged type is used for:
//!
//! * **Answers** (responses and components): a property is required only
//!   when every version that has the object requires it, and nullable when
//!   any version allows `null`; so a value any version sends decodes. A
//!   version that lists a property as required while others do not (the
//!   broken "later request" documents of Misskey before 2025.1.0) cannot make
//!   it required.
//! * **Requests**: a property is required when any upstream version requires
//!   it, so a request built from the merged type carries everything each
//!   version needs; versions that do not know a property ignore it (Misskey
//!   request schemas allow unknown properties). A fork's own requirements
//!   do not bind upstream callers.
//! * Everywhere: properties are the union (each noted with the versions that
//!   have it when not all do), string enums the union of values, unions the
//!   union of alternatives; types that differ become the wider one (`integer`
//!   and `number` → `number`, a format only when all agree) or a union.

use serde_json::{Map, Value};

use super::version::presence_note;
use crate::schema::{branch_key, is_object, object_view, peel, ref_name, type_of, union_branches};

/// What the merged schema is used for; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A request body or something inside one.
    Request,
    /// An answer or a component.
    Response,
}

/// One version of the set, as the schema merge sees it.
pub struct VersionCx<'a> {
    /// `2025.11.0`, or `misskey.io 2025.4.1-mhq.13` for a fork.
    pub label: String,
    /// `info.version` of the spec: `2025.11.0`, `2025.4.1-mhq.13`.
    pub version: String,
    /// Whether this is a fork's spec.
    pub fork: bool,
    /// Its `components/schemas`, to look through references.
    pub components: &'a Map<String, Value>,
}

/// A schema as one version gives it: the version's index and the schema.
pub type Item<'a> = (usize, &'a Value);

/// Deeper than any real schema; a guard against hostile documents.
const MAX_DEPTH: usize = 48;

/// Merges the schemas `items` (each from one version) into one.
pub fn merge(cx: &[VersionCx<'_>], items: &[Item<'_>], mode: Mode, depth: usize) -> Value {
    let Some(&(_, first)) = items.first() else {
        return Value::Object(Map::new());
    };
    if items.iter().all(|(_, v)| *v == first) || depth > MAX_DEPTH {
        return preferred(cx, items).1.clone();
    }
    let mut nullable = false;
    let mut cores: Vec<Item<'_>> = Vec::with_capacity(items.len());
    for &(vi, schema) in items {
        let (core, n) = peel(schema);
        nullable |= n;
        if core.get("x-null") == Some(&Value::Bool(true)) {
            nullable = true;
        } else {
            cores.push((vi, core));
        }
    }
    let description = preferred(cx, items)
        .1
        .get("description")
        .or_else(|| items.iter().rev().find_map(|(_, s)| s.get("description")))
        .cloned();
    if cores.is_empty() {
        let mut null = Map::new();
        null.insert("nullable".into(), Value::Bool(true));
        null.insert("x-null".into(), Value::Bool(true));
        return Value::Object(null);
    }
    let merged = merge_cores(cx, &cores, mode, depth);
    wrap(merged, nullable, description)
}

/// The item of the newest upstream version (forks come last, and an
/// upstream text is preferred for descriptions and constraints).
fn preferred<'a>(cx: &[VersionCx<'_>], items: &[Item<'a>]) -> Item<'a> {
    items
        .iter()
        .rev()
        .find(|(vi, _)| !cx[*vi].fork)
        .or_else(|| items.last())
        .copied()
        .expect("items is not empty")
}

/// Puts the nullable flag and description back on a merged core.
fn wrap(mut core: Value, nullable: bool, description: Option<Value>) -> Value {
    if ref_name(&core).is_some() && core.as_object().is_some_and(|o| o.len() == 1) {
        if !nullable && description.is_none() {
            return core;
        }
        let mut obj = Map::new();
        obj.insert("allOf".into(), Value::Array(vec![core]));
        if let Some(d) = description {
            obj.insert("description".into(), d);
        }
        if nullable {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        return Value::Object(obj);
    }
    if let Some(obj) = core.as_object_mut() {
        obj.remove("nullable");
        obj.remove("description");
        if let Some(d) = description {
            obj.insert("description".into(), d);
        }
        if nullable {
            obj.insert("nullable".into(), Value::Bool(true));
        }
    }
    core
}

/// The coarse kind of a peeled schema, for grouping outside unions.
fn kind(core: &Value) -> String {
    if let Some(name) = ref_name(core) {
        return format!("ref:{name}");
    }
    if union_branches(core).is_some() {
        return "union".into();
    }
    match type_of(core) {
        Some("integer") | Some("number") => "number".into(),
        Some("object") => "object".into(),
        Some(t) => t.to_owned(),
        None if is_object(core) => "object".into(),
        None if core.get("not").is_some() => "not".into(),
        None => "any".into(),
    }
}

fn merge_cores(cx: &[VersionCx<'_>], cores: &[Item<'_>], mode: Mode, depth: usize) -> Value {
    let kinds: Vec<String> = cores.iter().map(|(_, c)| kind(c)).collect();
    if kinds.iter().any(|k| k == "any") {
        // One version allows any JSON here, so the merged type must too.
        return Value::Object(Map::new());
    }
    let mut distinct: Vec<&str> = kinds.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    // A component in one version and an inline object in another: read the
    // component's object and merge them as objects.
    if distinct.len() == 2
        && distinct.contains(&"object")
        && distinct.iter().any(|k| k.starts_with("ref:"))
    {
        let resolved: Option<Vec<Item<'_>>> = cores
            .iter()
            .map(|&(vi, core)| match ref_name(core) {
                Some(name) => {
                    let target = peel(cx[vi].components.get(name)?).0;
                    (is_object(target) && ref_name(target).is_none()).then_some((vi, target))
                }
                None => Some((vi, core)),
            })
            .collect();
        if let Some(resolved) = resolved {
            return merge_objects(cx, &resolved, mode, depth);
        }
    }
    if distinct.len() > 1 || distinct == ["union"] {
        return merge_unions(cx, cores, mode, depth);
    }
    match distinct[0] {
        k if k.starts_with("ref:") => cores[0].1.clone(),
        "object" => merge_objects(cx, cores, mode, depth),
        "array" => merge_arrays(cx, cores, mode, depth),
        "string" | "number" | "boolean" => merge_scalars(cx, cores),
        _ => preferred(cx, cores).1.clone(),
    }
}

/// Unions: every alternative of every version, alternatives that are the
/// same across versions merged (see [`branch_key`]).
fn merge_unions(cx: &[VersionCx<'_>], cores: &[Item<'_>], mode: Mode, depth: usize) -> Value {
    let mut groups: Vec<(String, Vec<Item<'_>>)> = Vec::new();
    let mut all_one_of = true;
    for &(vi, core) in cores {
        let branches: Vec<&Value> = match union_branches(core) {
            Some((key, list)) => {
                all_one_of &= key == "oneOf";
                list.iter().collect()
            }
            None => {
                all_one_of = false;
                vec![core]
            }
        };
        for branch in branches {
            let key = branch_key(branch);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, items)) => items.push((vi, branch)),
                None => groups.push((key, vec![(vi, branch)])),
            }
        }
    }
    // `A` beside `B = oneOf [A, C]` adds nothing: `B` already accepts it
    // (a fork answering `UserDetailed` where upstream answers
    // `UserDetailedNotMe` makes the answer `UserDetailed`, not a new union).
    let refs: Vec<String> = groups
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("ref:").map(str::to_owned))
        .collect();
    groups.retain(|(key, _)| {
        let Some(name) = key.strip_prefix("ref:") else {
            return true;
        };
        !refs
            .iter()
            .any(|wider| wider != name && includes(cx, wider, name))
    });
    let mut branches: Vec<Value> = Vec::with_capacity(groups.len());
    for (_, items) in &groups {
        let merged = merge(cx, items, mode, depth + 1);
        if !branches.contains(&merged) {
            branches.push(merged);
        }
    }
    if branches.len() == 1 {
        return branches.pop().expect("one branch");
    }
    let mut out = Map::new();
    let key = if all_one_of { "oneOf" } else { "anyOf" };
    out.insert(key.into(), Value::Array(branches));
    Value::Object(out)
}

/// Whether component `wider` is, in some version, a union with `name` as a branch.
fn includes(cx: &[VersionCx<'_>], wider: &str, name: &str) -> bool {
    cx.iter().any(|c| {
        c.components
            .get(wider)
            .and_then(|s| union_branches(peel(s).0))
            .is_some_and(|(_, branches)| branches.iter().any(|b| ref_name(peel(b).0) == Some(name)))
    })
}

/// How one version's object is built: its own properties (inline `allOf`
/// branches and components only it builds on included), and the
/// components every version builds on.
struct ObjectParts<'a> {
    vi: usize,
    properties: Vec<(&'a str, &'a Value)>,
    required: Vec<&'a str>,
    additional: Option<&'a Value>,
}

fn merge_objects(cx: &[VersionCx<'_>], cores: &[Item<'_>], mode: Mode, depth: usize) -> Value {
    // Components that every version's object builds on stay references.
    let bases: Vec<Vec<&str>> = cores.iter().map(|(_, c)| object_view(c).bases).collect();
    let common: Vec<&str> = bases[0]
        .iter()
        .copied()
        .filter(|b| bases.iter().all(|list| list.contains(b)))
        .collect();
    let parts: Vec<ObjectParts<'_>> = cores
        .iter()
        .map(|&(vi, core)| {
            let view = object_view(core);
            let mut part = ObjectParts {
                vi,
                properties: view.properties,
                required: view.required,
                additional: core.get("additionalProperties"),
            };
            for base in view.bases {
                if !common.contains(&base) {
                    expand_base(cx[vi].components, base, &common, &mut part, 0);
                }
            }
            part
        })
        .collect();

    let mut names: Vec<&str> = Vec::new();
    for part in &parts {
        for (name, _) in &part.properties {
            if !names.contains(name) {
                names.push(name);
            }
        }
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for name in names {
        let having: Vec<&ObjectParts<'_>> = parts
            .iter()
            .filter(|p| p.properties.iter().any(|(n, _)| *n == name))
            .collect();
        let items: Vec<Item<'_>> = having
            .iter()
            .map(|p| {
                let schema = p
                    .properties
                    .iter()
                    .find(|(n, _)| *n == name)
                    .expect("filtered")
                    .1;
                (p.vi, schema)
            })
            .collect();
        let mut merged = merge(cx, &items, mode, depth + 1);
        let is_required = match mode {
            Mode::Response => {
                having.len() == parts.len() && parts.iter().all(|p| p.required.contains(&name))
            }
            Mode::Request => {
                let upstream: Vec<&ObjectParts<'_>> =
                    parts.iter().filter(|p| !cx[p.vi].fork).collect();
                if upstream.is_empty() {
                    parts.iter().any(|p| p.required.contains(&name))
                } else {
                    upstream.iter().any(|p| p.required.contains(&name))
                }
            }
        };
        if is_required {
            required.push(Value::String(name.to_owned()));
        }
        if having.len() < parts.len() {
            let present: Vec<&str> = having.iter().map(|p| cx[p.vi].label.as_str()).collect();
            let absent: Vec<&str> = parts
                .iter()
                .filter(|p| !having.iter().any(|h| h.vi == p.vi))
                .map(|p| cx[p.vi].label.as_str())
                .collect();
            merged = add_note(merged, &presence_note(&present, &absent));
        }
        properties.insert(name.to_owned(), merged);
    }

    let mut inline = Map::new();
    inline.insert("type".into(), Value::String("object".into()));
    inline.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        inline.insert("required".into(), Value::Array(required));
    }
    let additional: Vec<Item<'_>> = parts
        .iter()
        .filter_map(|p| p.additional.filter(|a| a.is_object()).map(|a| (p.vi, a)))
        .collect();
    if !additional.is_empty() {
        inline.insert(
            "additionalProperties".into(),
            merge(cx, &additional, mode, depth + 1),
        );
    } else if parts
        .iter()
        .any(|p| p.additional == Some(&Value::Bool(true)))
    {
        inline.insert("additionalProperties".into(), Value::Bool(true));
    }
    if common.is_empty() {
        return Value::Object(inline);
    }
    let mut all_of: Vec<Value> = common
        .iter()
        .map(|b| {
            let mut r = Map::new();
            r.insert(
                "$ref".into(),
                Value::String(format!("{}{b}", crate::schema::COMPONENT_PREFIX)),
            );
            Value::Object(r)
        })
        .collect();
    let has_own = inline
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if has_own {
        all_of.push(Value::Object(inline));
    }
    let mut out = Map::new();
    out.insert("allOf".into(), Value::Array(all_of));
    Value::Object(out)
}

/// Adds the properties of component `base` (and of what it builds on,
/// except the `common` ones) to one version's object.
fn expand_base<'a>(
    components: &'a Map<String, Value>,
    base: &str,
    common: &[&str],
    part: &mut ObjectParts<'a>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let Some(target) = components.get(base) else {
        return;
    };
    let view = object_view(peel(target).0);
    for (name, prop) in view.properties {
        if !part.properties.iter().any(|(n, _)| *n == name) {
            part.properties.push((name, prop));
        }
    }
    for name in view.required {
        if !part.required.contains(&name) {
            part.required.push(name);
        }
    }
    for inner in view.bases {
        if !common.contains(&inner) {
            expand_base(components, inner, common, part, depth + 1);
        }
    }
}

/// Appends a sentence to a schema's description.
fn add_note(schema: Value, note: &str) -> Value {
    let text = match schema.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note.to_owned(),
    };
    if ref_name(&schema).is_some() {
        // A reference cannot carry a description; wrap it as the loader does.
        let nullable = crate::schema::is_nullable(&schema);
        return wrap(schema, nullable, Some(Value::String(text)));
    }
    let mut schema = schema;
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("description".into(), Value::String(text));
    }
    schema
}

fn merge_arrays(cx: &[VersionCx<'_>], cores: &[Item<'_>], mode: Mode, depth: usize) -> Value {
    let mut out = preferred(cx, cores)
        .1
        .as_object()
        .cloned()
        .unwrap_or_default();
    let items: Vec<Item<'_>> = cores
        .iter()
        .filter_map(|&(vi, c)| c.get("items").map(|i| (vi, i)))
        .collect();
    if items.len() == cores.len() {
        out.insert("items".into(), merge(cx, &items, mode, depth + 1));
    } else {
        out.remove("items");
    }
    let tuples: Vec<&Value> = cores
        .iter()
        .filter_map(|(_, c)| c.get("x-prefix-items"))
        .collect();
    if tuples.len() != cores.len() || tuples.iter().any(|t| *t != tuples[0]) {
        out.remove("x-prefix-items");
    }
    loosest(&mut out, cores, "minItems", false);
    loosest(&mut out, cores, "maxItems", true);
    agreed(&mut out, cores, "uniqueItems");
    Value::Object(out)
}

fn merge_scalars(cx: &[VersionCx<'_>], cores: &[Item<'_>]) -> Value {
    let mut out = preferred(cx, cores)
        .1
        .as_object()
        .cloned()
        .unwrap_or_default();
    let types: Vec<&str> = cores.iter().filter_map(|(_, c)| type_of(c)).collect();
    if types.contains(&"number") {
        out.insert("type".into(), Value::String("number".into()));
    }
    // Enum values: the union, in the order versions list them.
    let enums: Vec<&Vec<Value>> = cores
        .iter()
        .filter_map(|(_, c)| c.get("enum").and_then(Value::as_array))
        .collect();
    out.remove("x-misskey-enum-versions");
    if enums.len() == cores.len() {
        let mut values: Vec<Value> = Vec::new();
        for list in &enums {
            for v in list.iter() {
                if !values.contains(v) {
                    values.push(v.clone());
                }
            }
        }
        // Values only some versions have say which (the lowering puts it in the docs).
        let mut notes = Map::new();
        for v in &values {
            let (present, absent): (Vec<usize>, Vec<usize>) =
                (0..cores.len()).partition(|&i| enums[i].contains(v));
            if absent.is_empty() {
                continue;
            }
            let labels = |idx: &[usize]| -> Vec<&str> {
                idx.iter().map(|&i| cx[cores[i].0].label.as_str()).collect()
            };
            if let Some(text) = v.as_str() {
                notes.insert(
                    text.to_owned(),
                    Value::String(presence_note(&labels(&present), &labels(&absent))),
                );
            }
        }
        out.insert("enum".into(), Value::Array(values));
        if !notes.is_empty() {
            out.insert("x-misskey-enum-versions".into(), Value::Object(notes));
        }
    } else {
        out.remove("enum");
    }
    let formats: Vec<Option<&str>> = cores
        .iter()
        .map(|(_, c)| c.get("format").and_then(Value::as_str))
        .collect();
    let format = if formats.iter().all(|f| *f == formats[0]) {
        formats[0].map(str::to_owned)
    } else if formats
        .iter()
        .all(|f| matches!(f, Some("id") | Some("misskey:id")))
    {
        Some("misskey:id".to_owned())
    } else {
        None
    };
    match format {
        Some(f) => {
            out.insert("format".into(), Value::String(f));
        }
        None => {
            out.remove("format");
        }
    }
    loosest(&mut out, cores, "minimum", false);
    loosest(&mut out, cores, "maximum", true);
    loosest(&mut out, cores, "minLength", false);
    loosest(&mut out, cores, "maxLength", true);
    for key in ["exclusiveMinimum", "exclusiveMaximum", "pattern", "default"] {
        agreed(&mut out, cores, key);
    }
    Value::Object(out)
}

/// Keeps a numeric bound only when every version states one, at its loosest.
fn loosest(out: &mut Map<String, Value>, cores: &[Item<'_>], key: &str, upper: bool) {
    let values: Vec<f64> = cores
        .iter()
        .filter_map(|(_, c)| c.get(key).and_then(Value::as_f64))
        .collect();
    if values.len() != cores.len() {
        out.remove(key);
        return;
    }
    let pick = |a: &Value, b: &Value| {
        let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
        if (upper && y > x) || (!upper && y < x) {
            b.clone()
        } else {
            a.clone()
        }
    };
    let mut best = cores[0].1[key].clone();
    for (_, c) in &cores[1..] {
        best = pick(&best, &c[key]);
    }
    out.insert(key.into(), best);
}

/// Keeps a keyword only when every version gives it the same value.
fn agreed(out: &mut Map<String, Value>, cores: &[Item<'_>], key: &str) {
    let first = cores[0].1.get(key);
    if first.is_none() || cores.iter().any(|(_, c)| c.get(key) != first) {
        out.remove(key);
    }
}
