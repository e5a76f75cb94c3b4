//! Comparing two specs the way a maintainer reviews an upgrade: endpoints
//! added and removed, fields that appeared, disappeared or became
//! optional/required/nullable, enum values, union alternatives, permissions.
//!
//! Both documents are normalised first ([`crate::load::normalize_text`]), so
//! a 3.0 and a 3.1 spelling of the same schema compare equal, and a
//! reference is compared by name: a change inside a component is reported
//! once, under the component, not under every endpoint that uses it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::error::Error;
use crate::schema::{
    branch_key, describe, endpoint_operation, enum_values, is_object, object_view, peel, ref_name,
    request_schema, requirements, response_schema, type_of, union_branches, ObjectView,
};

/// One side of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The OpenAPI document.
    pub spec: &'a str,
    /// The permission list (`scopes_supported` document or a bare array), if known.
    pub scopes: Option<&'a str>,
}

/// What changed between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `info.version` of the old spec.
    pub old_version: String,
    /// `info.version` of the new spec.
    pub new_version: String,
    /// Endpoint counts, old and new.
    pub endpoints: (usize, usize),
    /// Component schema counts, old and new.
    pub components: (usize, usize),
    /// Endpoints only in the new spec, with their permission.
    pub added_endpoints: Vec<(String, Option<String>)>,
    /// Endpoints only in the old spec.
    pub removed_endpoints: Vec<String>,
    /// Components only in the new spec.
    pub added_components: Vec<String>,
    /// Components only in the old spec.
    pub removed_components: Vec<String>,
    /// Where the permission lists come from: the published lists, or the
    /// permissions endpoint descriptions name (when a side has no list).
    pub permissions_published: bool,
    /// Permission counts, old and new.
    pub permissions: (usize, usize),
    /// Permissions only in the new list.
    pub added_permissions: Vec<String>,
    /// Permissions only in the old list.
    pub removed_permissions: Vec<String>,
    /// Changes of endpoints in both specs, by endpoint name.
    pub endpoint_changes: BTreeMap<String, Vec<Change>>,
    /// Changes of components in both specs, by component name.
    pub component_changes: BTreeMap<String, Vec<Change>>,
}

/// One change of a field (or of an endpoint's requirements).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A field that the old spec lacks.
    Appeared {
        at: Location,
        ty: String,
        required: bool,
        nullable: bool,
    },
    /// A field that the new spec lacks.
    Disappeared { at: Location },
    /// Required before, optional now.
    BecameOptional { at: Location },
    /// Optional before, required now.
    BecameRequired { at: Location },
    /// `null` allowed now.
    BecameNullable { at: Location },
    /// `null` no longer allowed.
    NoLongerNullable { at: Location },
    /// The kind of value changed.
    TypeChanged {
        at: Location,
        old: String,
        new: String,
    },
    /// New string enum values.
    EnumValuesAdded { at: Location, values: Vec<String> },
    /// String enum values no longer listed.
    EnumValuesRemoved { at: Location, values: Vec<String> },
    /// A new alternative of a union.
    AlternativeAdded { at: Location, ty: String },
    /// An alternative of a union that is gone.
    AlternativeRemoved { at: Location, ty: String },
    /// The endpoint's permission changed.
    PermissionChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// Whether a credential is required changed.
    CredentialChanged { required: bool },
    /// How a successful call is answered changed.
    AnswerChanged { old: String, new: String },
}

/// Where a change is: the part of an endpoint or component, and the field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `request`, `response`, or empty for a component.
    pub part: &'static str,
    /// `poll.choices`, `[].moderationNote`; empty for the value itself.
    pub path: String,
}

/// Counts of the changes, for a summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Fields that appeared.
    pub appeared: usize,
    /// Fields that disappeared.
    pub disappeared: usize,
    /// Fields that became optional.
    pub became_optional: usize,
    /// Fields that became required.
    pub became_required: usize,
    /// Fields that became nullable.
    pub became_nullable: usize,
    /// Fields that are no longer nullable.
    pub no_longer_nullable: usize,
    /// Type changes.
    pub type_changed: usize,
    /// Enum values added.
    pub enum_values_added: usize,
    /// Enum values removed.
    pub enum_values_removed: usize,
    /// Union alternatives added or removed.
    pub alternatives: usize,
    /// Endpoints whose permission, credential requirement or answer changed.
    pub requirements: usize,
}

/// Compares two specs.
pub fn diff(old: Side<'_>, new: Side<'_>) -> Result<Report, Error> {
    let (old_doc, _) = crate::load::normalize_text(old.spec).map_err(|e| side_error("old", e))?;
    let (new_doc, _) = crate::load::normalize_text(new.spec).map_err(|e| side_error("new", e))?;
    let old_scopes = old
        .scopes
        .map(crate::parse_scopes)
        .transpose()
        .map_err(|e| side_error("old", e))?;
    let new_scopes = new
        .scopes
        .map(crate::parse_scopes)
        .transpose()
        .map_err(|e| side_error("new", e))?;

    let old_eps = endpoints(&old_doc);
    let new_eps = endpoints(&new_doc);
    let old_components = components(&old_doc);
    let new_components = components(&new_doc);

    let mut report = Report {
        old_version: version(&old_doc),
        new_version: version(&new_doc),
        endpoints: (old_eps.len(), new_eps.len()),
        components: (old_components.len(), new_components.len()),
        added_endpoints: Vec::new(),
        removed_endpoints: Vec::new(),
        added_components: Vec::new(),
        removed_components: Vec::new(),
        permissions_published: old_scopes.is_some() && new_scopes.is_some(),
        permissions: (0, 0),
        added_permissions: Vec::new(),
        removed_permissions: Vec::new(),
        endpoint_changes: BTreeMap::new(),
        component_changes: BTreeMap::new(),
    };

    for (name, op) in &new_eps {
        if !old_eps.contains_key(name) {
            let (_, permission) = requirements(description(op));
            report.added_endpoints.push((name.clone(), permission));
        }
    }
    for name in old_eps.keys() {
        if !new_eps.contains_key(name) {
            report.removed_endpoints.push(name.clone());
        }
    }
    let docs = Docs {
        old: &old_components,
        new: &new_components,
    };
    for (name, old_op) in &old_eps {
        let Some(new_op) = new_eps.get(name) else {
            continue;
        };
        let changes = endpoint_changes(&docs, old_op, new_op);
        if !changes.is_empty() {
            report.endpoint_changes.insert(name.clone(), changes);
        }
    }

    for name in new_components.keys() {
        if !old_components.contains_key(name) {
            report.added_components.push(name.clone());
        }
    }
    for (name, old_schema) in &old_components {
        let Some(new_schema) = new_components.get(name) else {
            report.removed_components.push(name.clone());
            continue;
        };
        let mut changes = Vec::new();
        compare(
            &docs,
            old_schema,
            new_schema,
            "",
            String::new(),
            &mut changes,
            0,
        );
        if !changes.is_empty() {
            report.component_changes.insert(name.clone(), changes);
        }
    }

    let (old_perms, new_perms) = match (old_scopes, new_scopes) {
        (Some(a), Some(b)) => (a, b),
        _ => (named_permissions(&old_eps), named_permissions(&new_eps)),
    };
    report.permissions = (old_perms.len(), new_perms.len());
    report.added_permissions = new_perms
        .iter()
        .filter(|p| !old_perms.contains(p))
        .cloned()
        .collect();
    report.removed_permissions = old_perms
        .iter()
        .filter(|p| !new_perms.contains(p))
        .cloned()
        .collect();
    Ok(report)
}

fn side_error(side: &str, e: Error) -> Error {
    Error {
        pointer: e.pointer,
        message: format!("{side} spec: {}", e.message),
    }
}

fn version(doc: &Value) -> String {
    doc.pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned()
}

type Operation = serde_json::Map<String, Value>;

fn endpoints(doc: &Value) -> BTreeMap<String, &Operation> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            if let Some(op) = endpoint_operation(item) {
                out.insert(path.trim_matches('/').to_owned(), op);
            }
        }
    }
    out
}

fn components(doc: &Value) -> BTreeMap<String, &Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

fn description(op: &Operation) -> &str {
    op.get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn named_permissions(eps: &BTreeMap<String, &Operation>) -> Vec<String> {
    let set: BTreeSet<String> = eps
        .values()
        .filter_map(|op| requirements(description(op)).1)
        .collect();
    set.into_iter().collect()
}

fn answer(op: &Operation) -> String {
    match response_schema(op) {
        (_, true, true) => "JSON or 204".into(),
        (_, true, false) => "JSON".into(),
        (_, false, true) => "204".into(),
        (_, false, false) => "nothing documented".into(),
    }
}

fn endpoint_changes(docs: &Docs<'_>, old: &Operation, new: &Operation) -> Vec<Change> {
    let mut out = Vec::new();
    let (old_cred, old_perm) = requirements(description(old));
    let (new_cred, new_perm) = requirements(description(new));
    if old_perm != new_perm {
        out.push(Change::PermissionChanged {
            old: old_perm,
            new: new_perm,
        });
    }
    if let (Some(a), Some(b)) = (old_cred, new_cred) {
        if a != b {
            out.push(Change::CredentialChanged { required: b });
        }
    }
    let (old_answer, new_answer) = (answer(old), answer(new));
    if old_answer != new_answer {
        out.push(Change::AnswerChanged {
            old: old_answer,
            new: new_answer,
        });
    }
    // No request body is the same as an object without fields.
    let empty = serde_json::json!({"type": "object", "properties": {}});
    match (request_schema(old), request_schema(new)) {
        (None, None) => {}
        (a, b) => compare(
            docs,
            a.unwrap_or(&empty),
            b.unwrap_or(&empty),
            "request",
            String::new(),
            &mut out,
            0,
        ),
    }
    if let (Some(a), Some(b)) = (response_schema(old).0, response_schema(new).0) {
        compare(docs, a, b, "response", String::new(), &mut out, 0);
    }
    out
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The two documents' components, to look through a reference that
/// replaced an inline schema (or the other way round).
struct Docs<'a> {
    old: &'a BTreeMap<String, &'a Value>,
    new: &'a BTreeMap<String, &'a Value>,
}

/// Compares two schemas at one place, recording what changed.
fn compare(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    part: &'static str,
    path: String,
    out: &mut Vec<Change>,
    depth: usize,
) {
    if depth > 24 || old == new {
        return;
    }
    let at = |path: &str| Location {
        part,
        path: path.to_owned(),
    };
    let (old_core, old_null) = peel(old);
    let (new_core, new_null) = peel(new);
    if old_null != new_null {
        out.push(if new_null {
            Change::BecameNullable { at: at(&path) }
        } else {
            Change::NoLongerNullable { at: at(&path) }
        });
    }
    // References are compared by name; the component is compared on its own.
    match (ref_name(old_core), ref_name(new_core)) {
        (Some(a), Some(b)) => {
            if a != b {
                out.push(Change::TypeChanged {
                    at: at(&path),
                    old: a.to_owned(),
                    new: b.to_owned(),
                });
                // Another component in its place: what differs between the two.
                if let (Some(x), Some(y)) = (docs.old.get(a), docs.new.get(b)) {
                    let (x, y) = (peel(x).0, peel(y).0);
                    if is_object(x)
                        && is_object(y)
                        && ref_name(x).is_none()
                        && ref_name(y).is_none()
                    {
                        compare_objects(docs, x, y, part, &path, out, depth + 1);
                    }
                }
            }
            return;
        }
        (None, None) => {}
        (a, b) => {
            out.push(Change::TypeChanged {
                at: at(&path),
                old: describe(old_core),
                new: describe(new_core),
            });
            // An inline schema that became a component (or the reverse):
            // compare the contents too, so changed fields still show.
            let old_target = a.and_then(|n| docs.old.get(n).copied()).unwrap_or(old_core);
            let new_target = b.and_then(|n| docs.new.get(n).copied()).unwrap_or(new_core);
            if ref_name(old_target).is_none() && ref_name(new_target).is_none() {
                let (old_target, _) = peel(old_target);
                let (new_target, _) = peel(new_target);
                if is_object(old_target) && is_object(new_target) {
                    compare_objects(docs, old_target, new_target, part, &path, out, depth + 1);
                }
            }
            return;
        }
    }
    match (union_branches(old_core), union_branches(new_core)) {
        (Some((_, a)), Some((_, b))) => {
            let old_keys: Vec<String> = a.iter().map(branch_key).collect();
            let new_keys: Vec<String> = b.iter().map(branch_key).collect();
            for (key, branch) in new_keys.iter().zip(b) {
                if !old_keys.contains(key) {
                    out.push(Change::AlternativeAdded {
                        at: at(&path),
                        ty: describe(branch),
                    });
                }
            }
            for (key, branch) in old_keys.iter().zip(a) {
                match new_keys.iter().position(|k| k == key) {
                    None => out.push(Change::AlternativeRemoved {
                        at: at(&path),
                        ty: describe(branch),
                    }),
                    Some(i) => {
                        let label = format!("{path} (as {})", describe(branch));
                        compare(
                            docs,
                            branch,
                            &b[i],
                            part,
                            label.trim().to_owned(),
                            out,
                            depth + 1,
                        );
                    }
                }
            }
            return;
        }
        (None, None) => {}
        _ => {
            out.push(Change::TypeChanged {
                at: at(&path),
                old: describe(old_core),
                new: describe(new_core),
            });
            return;
        }
    }
    if is_object(old_core) && is_object(new_core) {
        compare_objects(docs, old_core, new_core, part, &path, out, depth);
        return;
    }
    let (old_type, new_type) = (type_of(old_core), type_of(new_core));
    if old_type != new_type {
        out.push(Change::TypeChanged {
            at: at(&path),
            old: describe(old_core),
            new: describe(new_core),
        });
        return;
    }
    match old_type {
        Some("array") => {
            if let (Some(a), Some(b)) = (old_core.get("items"), new_core.get("items")) {
                compare(docs, a, b, part, format!("{path}[]"), out, depth + 1);
            }
        }
        Some("string") => match (enum_values(old_core), enum_values(new_core)) {
            (Some(a), Some(b)) => {
                let added: Vec<String> = b
                    .iter()
                    .filter(|v| !a.contains(v))
                    .map(|v| v.to_string())
                    .collect();
                let removed: Vec<String> = a
                    .iter()
                    .filter(|v| !b.contains(v))
                    .map(|v| v.to_string())
                    .collect();
                if !added.is_empty() {
                    out.push(Change::EnumValuesAdded {
                        at: at(&path),
                        values: added,
                    });
                }
                if !removed.is_empty() {
                    out.push(Change::EnumValuesRemoved {
                        at: at(&path),
                        values: removed,
                    });
                }
            }
            (None, None) => {
                if id_format(old_core) != id_format(new_core) {
                    out.push(Change::TypeChanged {
                        at: at(&path),
                        old: describe(old_core),
                        new: describe(new_core),
                    });
                }
            }
            _ => out.push(Change::TypeChanged {
                at: at(&path),
                old: describe(old_core),
                new: describe(new_core),
            }),
        },
        _ => {
            if let (Some(a), Some(b)) = (
                old_core.get("additionalProperties"),
                new_core.get("additionalProperties"),
            ) {
                if a.is_object() && b.is_object() {
                    compare(docs, a, b, part, format!("{path}{{}}"), out, depth + 1);
                }
            }
        }
    }
}

/// Adds the fields of the components `view` builds on that `other` does not.
fn expand_bases<'a>(
    view: &mut ObjectView<'a>,
    other: &[&str],
    components: &BTreeMap<String, &'a Value>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let bases = std::mem::take(&mut view.bases);
    for base in bases {
        let target = components.get(base).map(|t| peel(t).0);
        match target {
            Some(target) if !other.contains(&base) && is_object(target) => {
                let mut inner = object_view(target);
                expand_bases(&mut inner, other, components, depth + 1);
                for (name, prop) in inner.properties {
                    if !view.properties.iter().any(|(n, _)| *n == name) {
                        view.properties.push((name, prop));
                    }
                }
                for name in inner.required {
                    if !view.required.contains(&name) {
                        view.required.push(name);
                    }
                }
                view.bases.extend(inner.bases);
            }
            _ => view.bases.push(base),
        }
    }
}

/// A string's format, with the two spellings of a Misskey id as one.
fn id_format(schema: &Value) -> Option<&str> {
    match schema.get("format").and_then(Value::as_str) {
        Some("id") => Some("misskey:id"),
        other => other,
    }
}

fn compare_objects(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    part: &'static str,
    path: &str,
    out: &mut Vec<Change>,
    depth: usize,
) {
    let at = |path: &str| Location {
        part,
        path: path.to_owned(),
    };
    let mut a = object_view(old);
    let mut b = object_view(new);
    // Components both sides build on are compared on their own; one that
    // only one side builds on counts as that side's own fields.
    let (a_bases, b_bases) = (a.bases.clone(), b.bases.clone());
    expand_bases(&mut a, &b_bases, docs.old, 0);
    expand_bases(&mut b, &a_bases, docs.new, 0);
    for (name, schema) in &b.properties {
        if !a.properties.iter().any(|(n, _)| n == name) {
            let (_, nullable) = peel(schema);
            out.push(Change::Appeared {
                at: at(&join(path, name)),
                ty: describe(schema),
                required: b.required.contains(name),
                nullable,
            });
        }
    }
    for (name, old_schema) in &a.properties {
        let field = join(path, name);
        let Some((_, new_schema)) = b.properties.iter().find(|(n, _)| n == name) else {
            out.push(Change::Disappeared { at: at(&field) });
            continue;
        };
        match (a.required.contains(name), b.required.contains(name)) {
            (true, false) => out.push(Change::BecameOptional { at: at(&field) }),
            (false, true) => out.push(Change::BecameRequired { at: at(&field) }),
            _ => {}
        }
        compare(docs, old_schema, new_schema, part, field, out, depth + 1);
    }
}

impl Report {
    /// Counts of every kind of change, over endpoints and components.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for change in self
            .endpoint_changes
            .values()
            .chain(self.component_changes.values())
            .flatten()
        {
            match change {
                Change::Appeared { .. } => c.appeared += 1,
                Change::Disappeared { .. } => c.disappeared += 1,
                Change::BecameOptional { .. } => c.became_optional += 1,
                Change::BecameRequired { .. } => c.became_required += 1,
                Change::BecameNullable { .. } => c.became_nullable += 1,
                Change::NoLongerNullable { .. } => c.no_longer_nullable += 1,
                Change::TypeChanged { .. } => c.type_changed += 1,
                Change::EnumValuesAdded { values, .. } => c.enum_values_added += values.len(),
                Change::EnumValuesRemoved { values, .. } => c.enum_values_removed += values.len(),
                Change::AlternativeAdded { .. } | Change::AlternativeRemoved { .. } => {
                    c.alternatives += 1
                }
                Change::PermissionChanged { .. }
                | Change::CredentialChanged { .. }
                | Change::AnswerChanged { .. } => c.requirements += 1,
            }
        }
        c
    }

    /// The summary: counts of endpoints, components, permissions and changes, as Markdown.
    pub fn render_summary(&self) -> String {
        let mut s = String::new();
        let c = self.counts();
        let _ = writeln!(s, "# Misskey {} → {}\n", self.old_version, self.new_version);
        let _ = writeln!(s, "| | {} | {} | |", self.old_version, self.new_version);
        let _ = writeln!(s, "|---|---|---|---|");
        let _ = writeln!(
            s,
            "| endpoints | {} | {} | {} added, {} removed, {} changed |",
            self.endpoints.0,
            self.endpoints.1,
            self.added_endpoints.len(),
            self.removed_endpoints.len(),
            self.endpoint_changes.len()
        );
        let _ = writeln!(
            s,
            "| component schemas | {} | {} | {} added, {} removed, {} changed |",
            self.components.0,
            self.components.1,
            self.added_components.len(),
            self.removed_components.len(),
            self.component_changes.len()
        );
        let source = if self.permissions_published {
            "published"
        } else {
            "named by endpoints"
        };
        let _ = writeln!(
            s,
            "| permissions ({source}) | {} | {} | {} added, {} removed |",
            self.permissions.0,
            self.permissions.1,
            self.added_permissions.len(),
            self.removed_permissions.len()
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Fields: {} appeared, {} disappeared, {} became optional, {} became required, \
             {} became nullable, {} no longer nullable, {} changed type. \
             Enum values: {} added, {} removed. Union alternatives: {} added or removed. \
             Endpoint requirements or answers: {} changed.",
            c.appeared,
            c.disappeared,
            c.became_optional,
            c.became_required,
            c.became_nullable,
            c.no_longer_nullable,
            c.type_changed,
            c.enum_values_added,
            c.enum_values_removed,
            c.alternatives,
            c.requirements
        );
        s
    }

    /// The whole report as Markdown: the summary, then every change.
    pub fn render(&self) -> String {
        let mut s = self.render_summary();
        let list = |s: &mut String, title: &str, items: &[String]| {
            if items.is_empty() {
                return;
            }
            let _ = writeln!(s, "\n## {title} ({})\n", items.len());
            for item in items {
                let _ = writeln!(s, "- {item}");
            }
        };
        let added: Vec<String> = self
            .added_endpoints
            .iter()
            .map(|(name, perm)| match perm {
                Some(p) => format!("`{name}` (`{p}`)"),
                None => format!("`{name}`"),
            })
            .collect();
        list(&mut s, "Added endpoints", &added);
        let quoted = |v: &[String]| v.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>();
        list(
            &mut s,
            "Removed endpoints",
            &quoted(&self.removed_endpoints),
        );
        list(
            &mut s,
            "Added permissions",
            &quoted(&self.added_permissions),
        );
        list(
            &mut s,
            "Removed permissions",
            &quoted(&self.removed_permissions),
        );
        list(&mut s, "Added components", &quoted(&self.added_components));
        list(
            &mut s,
            "Removed components",
            &quoted(&self.removed_components),
        );
        let changed = |s: &mut String, title: &str, map: &BTreeMap<String, Vec<Change>>| {
            if map.is_empty() {
                return;
            }
            let _ = writeln!(s, "\n## {title} ({})", map.len());
            for (name, changes) in map {
                let _ = writeln!(s, "\n### `{name}`\n");
                for change in changes {
                    let _ = writeln!(s, "- {}", change.describe());
                }
            }
        };
        changed(&mut s, "Changed endpoints", &self.endpoint_changes);
        changed(&mut s, "Changed components", &self.component_changes);
        s
    }
}

impl Location {
    fn label(&self) -> String {
        match (self.part, self.path.is_empty()) {
            ("", true) => String::new(),
            ("", false) => format!("`{}`", self.path),
            (part, true) => part.to_owned(),
            (part, false) => format!("{part} `{}`", self.path),
        }
    }
}

impl Change {
    /// One line saying what changed, such as ``response `[].moderationNote`: became nullable``.
    pub fn describe(&self) -> String {
        let line = self.what();
        match line.strip_prefix(": ") {
            Some(rest) => rest.to_owned(),
            None => line,
        }
    }

    fn what(&self) -> String {
        let quote = |values: &[String]| {
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Change::Appeared {
                at,
                ty,
                required,
                nullable,
            } => {
                let mut what = format!(
                    "{}: appeared ({ty}, {}",
                    at.label(),
                    if *required { "required" } else { "optional" }
                );
                if *nullable {
                    what.push_str(", nullable");
                }
                what.push(')');
                what
            }
            Change::Disappeared { at } => format!("{}: disappeared", at.label()),
            Change::BecameOptional { at } => format!("{}: became optional", at.label()),
            Change::BecameRequired { at } => format!("{}: became required", at.label()),
            Change::BecameNullable { at } => format!("{}: became nullable", at.label()),
            Change::NoLongerNullable { at } => format!("{}: no longer nullable", at.label()),
            Change::TypeChanged { at, old, new } => {
                format!("{}: type changed from {old} to {new}", at.label())
            }
            Change::EnumValuesAdded { at, values } => {
                format!("{}: enum values added: {}", at.label(), quote(values))
            }
            Change::EnumValuesRemoved { at, values } => {
                format!("{}: enum values removed: {}", at.label(), quote(values))
            }
            Change::AlternativeAdded { at, ty } => {
                format!("{}: alternative added: {ty}", at.label())
            }
            Change::AlternativeRemoved { at, ty } => {
                format!("{}: alternative removed: {ty}", at.label())
            }
            Change::PermissionChanged { old, new } => {
                let show = |p: &Option<String>| match p {
                    Some(p) => format!("`{p}`"),
                    None => "none".into(),
                };
                format!("permission changed from {} to {}", show(old), show(new))
            }
            Change::CredentialChanged { required } => {
                if *required {
                    "now requires a credential".into()
                } else {
                    "no longer requires a credential".into()
                }
            }
            Change::AnswerChanged { old, new } => {
                format!("answer changed from {old} to {new}")
            }
        }
    }
}
