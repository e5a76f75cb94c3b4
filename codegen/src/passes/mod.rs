//! Step 3 of the pipeline: decide what the lowered shapes become in Rust.
//!
//! Each pass reads and writes the one type table ([`Types`]) and owns one
//! decision; emit then only prints. They run in this order:
//!
//! | pass | decides |
//! |---|---|
//! | [`unions`] | which tagged-union branches leave the tag to the union (before the rest) |
//! | [`cycles`] | which fields and branches are boxed (the edges on a type cycle) |
//! | [`ids`] | which types have a required `id` (`HasId`), which endpoints paginate |
//! | [`unions`] | the evidence an untagged union decodes by |
//! | [`count`] | how many places of the spec allow any JSON |
//! | [`share`] | one definition per repeated shape, where it lives and its name |
//! | [`fixups`] | what the spec cannot say: counts and sizes as integers, permission lists as `Permission`, readable names for a few types (a reviewed table) |
//! | [`docs`] | a doc line for every type the spec leaves undocumented, and where a shared one is used |
//! | [`sides`] | which types are sent (requests reach them), which are decoded (responses and components reach them), which are `#[non_exhaustive]` |
//! | [`fields`] | how every field is declared and (de)serialized |
//! | [`unions`] | what every branch of a union has (`kind()`, `created_at()`, ...) |
//! | [`defaults`] | which types implement `Default` |
//! | [`features`] | the cargo feature of every endpoint and model file, which `Deserialize` impls only requests need |
//! | [`count`] | how many types are printed |
//!
//! Walking the type graph is done in one place: [`reachable`].

pub mod count;
pub mod cycles;
pub mod defaults;
pub mod docs;
pub mod features;
pub mod fields;
pub mod fixups;
pub mod ids;
pub mod share;
pub mod sides;
pub mod unions;

use std::collections::{HashMap, HashSet};

use crate::ir::{Api, TypeDef, TypeId, TypeKind, Types};

/// Runs every pass, in order.
pub fn run(api: &mut Api) {
    unions::strip_tags(api);
    cycles::mark_boxes(&mut api.types);
    ids::mark_ids(api);
    unions::mark_shapes(&mut api.types);
    let untyped = count::untyped(api);
    share::share_identical(api);
    fixups::integral_counts(api);
    fixups::typed_permissions(api);
    fixups::readable_names(api);
    docs::write_docs(&mut api.types);
    sides::mark_sides(api);
    fields::decide(&mut api.types);
    unions::mark_accessors(&mut api.types);
    defaults::mark_defaults(&mut api.types);
    features::assign(api);
    api.summary = count::summary(api, untyped);
}

/// How often each type is mentioned: by printed types, endpoint answers and
/// pagination items.
pub fn references(api: &Api) -> HashMap<TypeId, usize> {
    let mut mentioned = Vec::new();
    for (_, def) in api.types.iter().filter(|(_, d)| d.printed()) {
        for ty in def.kind.tys() {
            ty.named(&mut mentioned);
        }
    }
    for e in &api.endpoints {
        if let Some(ty) = e.response.ty() {
            ty.named(&mut mentioned);
        }
        if let Some(p) = &e.pagination {
            p.item.named(&mut mentioned);
        }
    }
    let mut counts = HashMap::new();
    for id in mentioned {
        *counts.entry(id).or_insert(0) += 1;
    }
    counts
}

/// The struct a type is, through aliases (a union branch that references a
/// component that is another name for a struct).
pub fn resolve_struct(types: &Types, id: TypeId) -> Option<TypeId> {
    let mut current = id;
    for _ in 0..8 {
        match &types[current].kind {
            TypeKind::Struct(_) => return Some(current),
            TypeKind::Alias(crate::ir::Ty::Named(next)) => current = *next,
            _ => return None,
        }
    }
    None
}

/// Which references [`reachable`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edges {
    /// Every reference: fields, list items, map values, branches, aliases.
    All,
    /// Only what is held by value (directly or through `Option`), not
    /// through a `Vec` or map: what can make a type contain itself.
    ByValue,
}

/// The types a definition refers to, following `edges`.
pub fn edges(def: &TypeDef, edges: Edges) -> Vec<TypeId> {
    match edges {
        Edges::All => def.children(),
        Edges::ByValue => def
            .kind
            .tys()
            .into_iter()
            .filter_map(|t| t.direct())
            .collect(),
    }
}

/// Every type reachable from `roots` (the roots included), following `edges`.
pub fn reachable(
    types: &Types,
    roots: impl IntoIterator<Item = TypeId>,
    follow: Edges,
) -> HashSet<TypeId> {
    let mut seen = HashSet::new();
    let mut stack: Vec<TypeId> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(edges(&types[id], follow));
        }
    }
    seen
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Small type tables for the passes' unit tests.

    use crate::ir::{
        Api, Endpoint, Features, Field, Home, Repr, Response, Role, StringEnum, Summary, Ty,
        TypeDef, TypeId, TypeKind, Types, Union, UnionVariant, VariantShape,
    };

    /// A union branch holding `ty`.
    pub fn variant(name: &str, ty: Ty) -> UnionVariant {
        UnionVariant {
            name: name.into(),
            ty,
            tag_values: Vec::new(),
            tag_field: None,
            boxed: false,
            source: crate::ir::Origin::default(),
            shape: VariantShape::Any,
        }
    }

    /// A nested type in `models` (file `component`).
    pub fn model(name: &str, component: &str, kind: TypeKind) -> TypeDef {
        TypeDef::new(
            name.into(),
            Home::Models {
                component: component.into(),
            },
            if name == component {
                Role::Component
            } else {
                Role::Nested
            },
            format!("/components/schemas/{component}"),
            kind,
        )
    }

    /// A component that is a struct with these fields.
    pub fn component(name: &str, fields: Vec<Field>) -> TypeDef {
        model(name, name, TypeKind::Struct(fields))
    }

    /// A component that is an untagged union of `variants`.
    pub fn untagged(name: &str, variants: Vec<UnionVariant>) -> TypeDef {
        model(
            name,
            name,
            TypeKind::Union(Union {
                variants,
                tag: None,
                accessors: Vec::new(),
                has_kind: false,
            }),
        )
    }

    /// A type in the module of endpoint `index`.
    pub fn nested(name: &str, index: usize, kind: TypeKind) -> TypeDef {
        TypeDef {
            home: Home::Endpoint(index),
            role: Role::Nested,
            source: format!("/paths/~1e{index}/post/requestBody/content/application~1json/schema/properties/{name}"),
            ..model(name, "-", kind)
        }
    }

    /// An API of endpoints `e0`, `e1`, ... whose requests have these fields
    /// and whose module types are `types_of[i]`.
    pub fn api(mut types: Types, requests: Vec<Vec<Field>>, types_of: Vec<Vec<TypeId>>) -> Api {
        let endpoints = requests
            .into_iter()
            .zip(types_of)
            .enumerate()
            .map(|(i, (fields, module_types))| {
                let request = types.push(TypeDef {
                    role: Role::Request,
                    ..nested("Request", i, TypeKind::Struct(fields))
                });
                Endpoint {
                    name: format!("e{i}"),
                    module_path: vec![format!("e{i}")],
                    group: "g".into(),
                    doc: None,
                    requires_credential: false,
                    permission: None,
                    internal: false,
                    multipart: false,
                    file_fields: Vec::new(),
                    rate_limited: false,
                    allow_get: false,
                    errors: Vec::new(),
                    request,
                    request_source: None,
                    response: Response::Empty,
                    types: module_types,
                    pagination: None,
                    since: None,
                    until: None,
                }
            })
            .collect();
        Api {
            version: "1".into(),
            openapi_version: "3.1.0".into(),
            types,
            endpoints,
            permissions: StringEnum {
                variants: Vec::new(),
                other: "Other".into(),
                default: None,
            },
            model_files: Vec::new(),
            features: Features::default(),
            summary: Summary::default(),
        }
    }

    /// A field `json` of type `ty`.
    pub fn field(json: &str, ty: Ty, required: bool) -> Field {
        Field {
            json_name: json.into(),
            rust_name: crate::names::snake_ident(json),
            ty,
            required,
            nullable: false,
            boxed: false,
            repr: Repr::default(),
            integral: false,
            doc: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::ir::{Ty, TypeKind};

    #[test]
    fn reachability_follows_lists_only_for_all_edges() {
        let mut types = Types::default();
        let a = types.push(component("A", Vec::new()));
        let b = types.push(component("B", Vec::new()));
        let c = types.push(component("C", Vec::new()));
        types[a].kind = TypeKind::Struct(vec![
            field("b", Ty::Optional(Box::new(Ty::Named(b))), true),
            field("cs", Ty::Array(Box::new(Ty::Named(c))), true),
        ]);
        let all = reachable(&types, [a], Edges::All);
        assert_eq!(all, HashSet::from([a, b, c]));
        let by_value = reachable(&types, [a], Edges::ByValue);
        assert_eq!(by_value, HashSet::from([a, b]));
    }
}
