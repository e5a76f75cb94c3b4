//! Sharing identical types.
//!
//! The spec repeats the same inline schema in many places: the chart
//! endpoints' `span`, the `+createdAt`/`-createdAt` sort orders, the
//! notification settings of `i/update` and `MeDetailed`, pagination bodies.
//! Lowering gives each place its own type; this pass, run before printing,
//! keeps one definition per distinct shape and turns the others into aliases
//! of it, so every path users know stays valid while the compiler sees each
//! shape (and its serde, `Debug`, `Clone`, `PartialEq` impls) once.
//!
//! Identical means the same definition, field docs included, and the same
//! side (request or response), since the two sides print optional fields
//! differently. Copies within one scope (an endpoint module, or `models`)
//! keep the first copy where it is; copies across scopes move to `models`.
//! The pass repeats until nothing changes, because sharing an enum can make
//! the structs that use it identical.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::{Api, Response, Scope, Ty, TypeDef, TypeKind, TypeRef};
use crate::names::{pascal, snake_ident, NameSet};

/// How many definitions were shared away (for the emit summary and tests).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Shared {
    /// Definitions replaced by an alias.
    pub aliased: usize,
    /// New definitions in `models` holding a shape several endpoints use.
    pub moved: usize,
}

/// Returns `api` with identical types shared.
pub fn share_identical_types(api: &Api) -> (Api, Shared) {
    let mut api = api.clone();
    let mut shared = Shared::default();
    let mut model_names = NameSet::default();
    for m in &api.models {
        model_names.reserve(&m.name);
    }
    loop {
        let mut groups: BTreeMap<String, Vec<(Scope, usize)>> = BTreeMap::new();
        for (i, m) in api.models.iter().enumerate() {
            if candidate(m) && !is_component_root(m) {
                groups.entry(key(m)).or_default().push((Scope::Models, i));
            }
        }
        for (e, endpoint) in api.endpoints.iter().enumerate() {
            for (i, t) in endpoint.types.iter().enumerate() {
                if candidate(t) {
                    groups
                        .entry(key(t))
                        .or_default()
                        .push((Scope::Endpoint(e), i));
                }
            }
        }
        let mut renames: HashMap<TypeRef, TypeRef> = HashMap::new();
        // Copies in `models` whose name the moved shape takes over.
        let mut replaced: BTreeSet<String> = BTreeSet::new();
        let mut new_models = Vec::new();
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let files: BTreeSet<String> = members.iter().map(|m| file_of(&api, m)).collect();
            let first = def(&api, &members[0]).clone();
            let canonical = if files.len() == 1 {
                // Within one file: the first copy stays where it is.
                TypeRef {
                    scope: members[0].0.clone(),
                    name: first.name.clone(),
                }
            } else {
                // Across files: one definition in a file of its own under
                // `models/`, named after the copy in `models` if there is
                // one (its path stays the same), else after the copies.
                let name = match members.iter().find(|m| m.0 == Scope::Models) {
                    Some(m) => {
                        let name = def(&api, m).name.clone();
                        replaced.insert(name.clone());
                        name
                    }
                    None => shared_name(&api, &members, &mut model_names),
                };
                let mut moved = first.clone();
                moved.name = name.clone();
                moved.doc = Some(shared_doc(&api, &members, &first));
                moved.source = format!("{SHARED_SOURCE}{name}");
                new_models.push(moved);
                shared.moved += 1;
                TypeRef {
                    scope: Scope::Models,
                    name,
                }
            };
            for member in &members {
                let here = TypeRef {
                    scope: member.0.clone(),
                    name: def(&api, member).name.clone(),
                };
                if here != canonical {
                    renames.insert(here, canonical.clone());
                }
            }
        }
        if renames.is_empty() && new_models.is_empty() {
            break;
        }
        // Every other copy becomes an alias of the kept shape, so the paths
        // users know stay valid; every reference then names the kept shape.
        let to_alias = |t: &mut TypeDef, scope: Scope, shared: &mut Shared| {
            let here = TypeRef {
                scope,
                name: t.name.clone(),
            };
            if let Some(target) = renames.get(&here) {
                t.kind = TypeKind::Alias(Ty::Named(target.clone()));
                shared.aliased += 1;
            }
        };
        api.models.retain(|m| !replaced.contains(&m.name));
        for m in &mut api.models {
            to_alias(m, Scope::Models, &mut shared);
        }
        for (e, endpoint) in api.endpoints.iter_mut().enumerate() {
            for t in &mut endpoint.types {
                to_alias(t, Scope::Endpoint(e), &mut shared);
            }
        }
        api.models.extend(new_models);
        rewrite_api(&mut api, &renames);
    }
    (api, shared)
}

/// Aliases are already as small as a type gets.
fn candidate(t: &TypeDef) -> bool {
    !matches!(t.kind, TypeKind::Alias(_))
}

/// A schema of `components/schemas` itself (not one nested in it): its name is the spec's.
fn is_component_root(t: &TypeDef) -> bool {
    t.source
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'))
}

fn key(t: &TypeDef) -> String {
    format!("{}{:?}", t.needs_default, t.kind)
}

/// The file a definition is printed in: its endpoint's module, or its
/// component's file under `models/`. A shape kept in place must stay in one
/// file, or that file would have to be compiled with every feature of the
/// other users (and so would everything it imports).
fn file_of(api: &Api, member: &(Scope, usize)) -> String {
    match &member.0 {
        Scope::Endpoint(e) => format!("endpoint {e}"),
        Scope::Models => {
            let source = &def(api, member).source;
            let component = source
                .strip_prefix("/components/schemas/")
                .and_then(|rest| rest.split('/').next())
                .unwrap_or(source);
            format!("model {component}")
        }
    }
}

fn def<'a>(api: &'a Api, (scope, i): &(Scope, usize)) -> &'a TypeDef {
    match scope {
        Scope::Models => &api.models[*i],
        Scope::Endpoint(e) => &api.endpoints[*e].types[*i],
    }
}

/// A name in `models` for a shape the endpoints repeat: the copies' name,
/// prefixed with the path the endpoints have in common (`charts/...` gives
/// `ChartsSpan`); names that only make sense in their module (`Response`,
/// `Type`) take another copy's name or the first endpoint's.
fn shared_name(api: &Api, members: &[(Scope, usize)], names: &mut NameSet) -> String {
    let generic = |n: &str| {
        [
            "Response", "Request", "Item", "Body", "Type", "Value", "Object",
        ]
        .iter()
        .any(|g| n.starts_with(g))
    };
    let defs: Vec<&TypeDef> = members.iter().map(|m| def(api, m)).collect();
    let base = defs
        .iter()
        .map(|d| d.name.as_str())
        .find(|n| !generic(n))
        .unwrap_or(&defs[0].name);
    let owners: Vec<Vec<&str>> = members
        .iter()
        .filter_map(|(scope, _)| match scope {
            Scope::Endpoint(e) => Some(api.endpoints[*e].name.split('/').collect()),
            Scope::Models => None,
        })
        .collect();
    let mut common: Vec<&str> = owners.first().cloned().unwrap_or_default();
    for o in &owners[1..] {
        let same = common.iter().zip(o).take_while(|(a, b)| a == b).count();
        common.truncate(same);
    }
    let prefix = |segments: &[&str]| pascal(&segments.join("-"));
    let mut candidates = Vec::new();
    if !common.is_empty() {
        candidates.push(format!("{}{base}", prefix(&common)));
    } else if !generic(base) {
        candidates.push(base.to_owned());
    }
    if let Some(first) = owners.first() {
        candidates.push(format!("{}{base}", prefix(first)));
    }
    candidates.push(format!("Shared{base}"));
    // The file is named after the type: not after a keyword (`Override`).
    candidates.retain(|n| !snake_ident(n).starts_with("r#"));
    names.take(&candidates)
}

/// The pointer prefix of a moved shape's `source`: it has no single place in the spec.
pub const SHARED_SOURCE: &str = "/x-shared/";

/// The docs of a moved shape: its own (or what its first copy would say), plus where it is used.
fn shared_doc(api: &Api, members: &[(Scope, usize)], first: &TypeDef) -> String {
    let mut owners: Vec<String> = Vec::new();
    for (scope, i) in members {
        let owner = match scope {
            Scope::Endpoint(e) => format!("`{}`", api.endpoints[*e].name),
            Scope::Models => {
                let source = &api.models[*i].source;
                let component = source
                    .strip_prefix("/components/schemas/")
                    .and_then(|r| r.split('/').next())
                    .unwrap_or(source);
                format!("`{component}`")
            }
        };
        if !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    let own = first
        .doc
        .clone()
        .unwrap_or_else(|| super::types::default_doc(first));
    format!("{own}\n\nThe same shape in {}.", owners.join(", "))
}

fn rewrite_api(api: &mut Api, renames: &HashMap<TypeRef, TypeRef>) {
    for m in &mut api.models {
        rewrite_def(m, renames);
    }
    for (index, e) in api.endpoints.iter_mut().enumerate() {
        for f in &mut e.request {
            rewrite_ty(&mut f.ty, renames);
        }
        if let Response::Json { ty, .. } | Response::JsonOrEmpty { ty, .. } = &mut e.response {
            // A module's own `Response` stays its answer, alias or not.
            let own = matches!(ty, Ty::Named(r) if r.scope == Scope::Endpoint(index) && r.name == "Response");
            if !own {
                rewrite_ty(ty, renames);
            }
        }
        if let Some(p) = &mut e.pagination {
            rewrite_ty(&mut p.item, renames);
        }
        for t in &mut e.types {
            rewrite_def(t, renames);
        }
    }
}

fn rewrite_def(t: &mut TypeDef, renames: &HashMap<TypeRef, TypeRef>) {
    match &mut t.kind {
        TypeKind::Struct(fields) => fields
            .iter_mut()
            .for_each(|f| rewrite_ty(&mut f.ty, renames)),
        TypeKind::Union(u) => u
            .variants
            .iter_mut()
            .for_each(|v| rewrite_ty(&mut v.ty, renames)),
        // An alias made by this pass already names the kept shape.
        TypeKind::Alias(ty) => rewrite_ty(ty, renames),
        TypeKind::StringEnum(_) => {}
    }
}

fn rewrite_ty(ty: &mut Ty, renames: &HashMap<TypeRef, TypeRef>) {
    match ty {
        Ty::Named(r) => {
            if let Some(target) = renames.get(r) {
                *r = target.clone();
            }
        }
        Ty::Array(t) | Ty::Map(t) | Ty::Optional(t) => rewrite_ty(t, renames),
        Ty::Tuple(ts) => ts.iter_mut().for_each(|t| rewrite_ty(t, renames)),
        _ => {}
    }
}
