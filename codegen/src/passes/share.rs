//! Sharing identical types.
//!
//! The spec repeats the same inline schema in many places: the chart
//! endpoints' `span`, the `+createdAt`/`-createdAt` sort orders, the
//! notification settings of `i/update` and `MeDetailed`, pagination bodies.
//! Lowering gives each place its own type; this pass keeps one definition
//! per distinct shape and points every reference at it, so a value means
//! one type wherever it appears, on the read and on the write side
//! (`i/update`'s notification settings are `MeDetailed`'s), and the compiler
//! sees each shape (and its serde, `Debug`, `Clone`, `PartialEq` impls) once.
//!
//! Identical means the same definition, field docs included. Copies within
//! one file (an endpoint module, or a component's file under `models/`) keep
//! the first copy where it is; copies across files move to a file of their
//! own under `models/`, named after the copy a component holds if one does
//! (where the shape is defined), else after what the endpoints have in
//! common (`charts/...` gives `ChartsSpan`). The other copies are not
//! printed; only an endpoint's own `Response` stays, as an alias, since it
//! is the endpoint's answer. The pass repeats until nothing changes, because
//! sharing an enum can make the structs that use it identical.

use std::collections::{BTreeSet, HashMap};

use crate::ir::{Api, Home, Role, Ty, TypeDef, TypeId, TypeKind};
use crate::names::{pascal, snake_ident, NameSet};

/// The pointer prefix of a moved shape's `source`: it has no single place in the spec.
pub const SHARED_SOURCE: &str = "/x-shared/";

/// Shares identical types until nothing changes.
pub fn share_identical(api: &mut Api) {
    let mut model_names = NameSet::default();
    for (_, def) in api.types.iter().filter(|(_, d)| d.home.is_models()) {
        model_names.reserve(&def.name);
    }
    while share_round(api, &mut model_names) {}
    let types = &api.types;
    for e in &mut api.endpoints {
        e.types.retain(|id| types[*id].printed());
    }
}

/// The definitions that may be shared, components first, then the other
/// models, then each endpoint's types in order: aliases are already as small
/// as a type gets. A component takes part only as the copy others point at
/// (it keeps the spec's name and place).
fn candidates(api: &Api) -> Vec<TypeId> {
    let components = api
        .types
        .iter()
        .filter(|(_, d)| d.home.is_models() && d.role == Role::Component)
        .map(|(id, _)| id);
    let models = api
        .types
        .iter()
        .filter(|(_, d)| d.home.is_models() && d.role != Role::Component)
        .map(|(id, _)| id);
    let endpoints = api.endpoints.iter().flat_map(|e| e.types.iter().copied());
    components
        .chain(models)
        .chain(endpoints)
        .filter(|id| {
            let def = &api.types[*id];
            def.printed() && !matches!(def.kind, TypeKind::Alias(_))
        })
        .collect()
}

/// One round: groups identical shapes, keeps one of each, rewrites every
/// reference. Whether anything changed.
fn share_round(api: &mut Api, model_names: &mut NameSet) -> bool {
    let mut groups: Vec<Vec<TypeId>> = Vec::new();
    let mut by_key: HashMap<&TypeKind, usize> = HashMap::new();
    for id in candidates(api) {
        let key = &api.types[id].kind;
        match by_key.get(key) {
            Some(&g) => groups[g].push(id),
            None => {
                by_key.insert(key, groups.len());
                groups.push(vec![id]);
            }
        }
    }
    let mut renames: HashMap<TypeId, TypeId> = HashMap::new();
    for members in groups.into_iter().filter(|m| m.len() > 1) {
        // An inline copy of a component is that component (`AchievementName`
        // written out again in `i/claim-achievement`); identical components
        // stay apart, since the spec names each.
        let (components, members): (Vec<TypeId>, Vec<TypeId>) = members
            .into_iter()
            .partition(|m| api.types[*m].role == Role::Component);
        if let Some(&component) = components.first() {
            for member in members {
                renames.insert(member, component);
            }
            continue;
        }
        if members.len() < 2 {
            continue;
        }
        let files: BTreeSet<&Home> = members.iter().map(|m| &api.types[*m].home).collect();
        let canonical = if files.len() == 1 {
            // Within one file: the first copy stays where it is.
            members[0]
        } else {
            // Across files: one definition in a file of its own under
            // `models/`, named after the copy in `models` if there is one
            // (its path stays the same), else after the copies.
            let owners = owners(api, &members);
            match members.iter().find(|m| api.types[**m].home.is_models()) {
                Some(&kept) => {
                    let def = &mut api.types[kept];
                    def.home = Home::Models {
                        component: def.name.clone(),
                    };
                    def.shared_by = owners;
                    def.source = format!("{SHARED_SOURCE}{}", def.name);
                    kept
                }
                None => {
                    let name = shared_name(api, &members, model_names);
                    let mut moved = api.types[members[0]].clone();
                    moved.home = Home::Models {
                        component: name.clone(),
                    };
                    moved.role = Role::Nested;
                    moved.shared_by = owners;
                    moved.source = format!("{SHARED_SOURCE}{name}");
                    moved.name = name;
                    api.types.push(moved)
                }
            }
        };
        for &member in &members {
            if member != canonical {
                renames.insert(member, canonical);
            }
        }
    }
    if renames.is_empty() {
        return false;
    }
    // Every reference names the kept shape. The other copies are merged
    // into it, but a module's own `Response` stays as an alias: it is the
    // endpoint's answer.
    for (&member, &canonical) in &renames {
        let def = &mut api.types[member];
        def.kind = TypeKind::Alias(Ty::Named(canonical));
        let own_response = def.name == "Response" && !def.home.is_models();
        if !own_response {
            def.merged_into = Some(canonical);
        }
    }
    let mut rename = |id: TypeId| renames.get(&id).copied().unwrap_or(id);
    for (_, def) in api.types.iter_mut() {
        for ty in def.kind.tys_mut() {
            ty.rewrite(&mut rename);
        }
        def.merged_into = def.merged_into.map(&mut rename);
    }
    for (index, e) in api.endpoints.iter_mut().enumerate() {
        if let Some(ty) = e.response.ty_mut() {
            // A module's own `Response` stays its answer, alias or not.
            let own = matches!(ty, Ty::Named(id)
                if api.types[*id].home == Home::Endpoint(index) && api.types[*id].name == "Response");
            if !own {
                ty.rewrite(&mut rename);
            }
        }
        if let Some(p) = &mut e.pagination {
            p.item.rewrite(&mut rename);
        }
    }
    true
}

/// A name in `models` for a shape the endpoints repeat: the copies' name,
/// prefixed with the path the endpoints have in common (`charts/...` gives
/// `ChartsSpan`); names that only make sense in their module (`Response`,
/// `Type`) take another copy's name or the first endpoint's.
fn shared_name(api: &Api, members: &[TypeId], names: &mut NameSet) -> String {
    let generic = |n: &str| {
        [
            "Response", "Request", "Item", "Body", "Type", "Value", "Object",
        ]
        .iter()
        .any(|g| n.starts_with(g))
    };
    let defs: Vec<&TypeDef> = members.iter().map(|m| &api.types[*m]).collect();
    let base = defs
        .iter()
        .map(|d| d.name.as_str())
        .find(|n| !generic(n))
        .unwrap_or(&defs[0].name);
    let owners: Vec<Vec<&str>> = defs
        .iter()
        .filter_map(|d| match d.home {
            Home::Endpoint(e) => Some(api.endpoints[e].name.split('/').collect()),
            Home::Models { .. } => None,
        })
        .collect();
    let mut common: Vec<&str> = owners.first().cloned().unwrap_or_default();
    for o in owners.iter().skip(1) {
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

/// Where the copies of a moved shape are: endpoints and components.
fn owners(api: &Api, members: &[TypeId]) -> Vec<String> {
    let mut owners: Vec<String> = Vec::new();
    for m in members {
        let owner = match &api.types[*m].home {
            Home::Endpoint(e) => format!("`{}`", api.endpoints[*e].name),
            Home::Models { component } => format!("`{component}`"),
        };
        if !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{StringEnum, Types, Variant};
    use crate::passes::test_support::*;

    fn span() -> TypeKind {
        TypeKind::StringEnum(StringEnum {
            variants: ["day", "hour"]
                .into_iter()
                .map(|v| Variant {
                    name: crate::names::pascal(v),
                    value: v.into(),
                    note: None,
                })
                .collect(),
            other: "Other".into(),
            default: None,
        })
    }

    #[test]
    fn copies_in_several_modules_move_to_models_and_keep_their_paths() {
        let mut types = Types::default();
        let a = types.push(nested("Span", 0, span()));
        let b = types.push(nested("Span", 1, span()));
        let mut api = api(
            types,
            vec![
                vec![field("span", Ty::Named(a), true)],
                vec![field("span", Ty::Named(b), true)],
            ],
            vec![vec![a], vec![b]],
        );
        api.endpoints[0].name = "charts/drive".into();
        api.endpoints[1].name = "charts/notes".into();
        share_identical(&mut api);
        let (shared, def) = api.types.iter().last().expect("a shared definition");
        assert_eq!(def.name, "ChartsSpan");
        assert_eq!(
            def.home,
            Home::Models {
                component: "ChartsSpan".into()
            }
        );
        for (copy, e) in [(a, 0), (b, 1)] {
            assert_eq!(api.types[copy].merged_into, Some(shared));
            assert!(api.endpoints[e].types.is_empty(), "the copy is not printed");
            let TypeKind::Struct(fields) = &api.types[api.endpoints[e].request].kind else {
                unreachable!()
            };
            assert_eq!(
                fields[0].ty,
                Ty::Named(shared),
                "references name the kept shape"
            );
        }
    }

    #[test]
    fn copies_in_one_module_keep_the_first_in_place() {
        let mut types = Types::default();
        let a = types.push(nested("Sort", 0, span()));
        let b = types.push(nested("Order", 0, span()));
        let mut api = api(types, vec![Vec::new()], vec![vec![a, b]]);
        let before = api.types.len();
        share_identical(&mut api);
        assert_eq!(api.types.len(), before, "nothing moved");
        assert_eq!(api.types[b].merged_into, Some(a));
        assert_eq!(api.endpoints[0].types, [a]);
        assert_eq!(api.types[a].kind, span());
    }

    #[test]
    fn a_component_copy_keeps_its_name_and_an_own_response_stays_an_alias() {
        let mut types = Types::default();
        let config = types.push(model("MeConfig", "Me", span()));
        let own = types.push(nested("Response", 0, span()));
        let mut api = api(types, vec![Vec::new()], vec![vec![own]]);
        api.endpoints[0].response = crate::ir::Response::Json {
            ty: Ty::Named(own),
            nullable: false,
            source: String::new(),
        };
        share_identical(&mut api);
        assert_eq!(api.types[config].name, "MeConfig");
        assert_eq!(
            api.types[config].home,
            Home::Models {
                component: "MeConfig".into()
            },
            "in a file of its own, so the endpoint does not compile all of `Me`"
        );
        assert_eq!(api.types[own].merged_into, None);
        assert_eq!(api.types[own].kind, TypeKind::Alias(Ty::Named(config)));
        assert_eq!(api.endpoints[0].types, [own]);
    }

    #[test]
    fn an_inline_copy_of_a_component_is_that_component_and_components_stay_apart() {
        let mut types = Types::default();
        let achievement = types.push(model("AchievementName", "AchievementName", span()));
        let twin = types.push(model("OtherName", "OtherName", span()));
        let inline = types.push(nested("Name", 0, span()));
        let mut api = api(
            types,
            vec![vec![field("name", Ty::Named(inline), true)]],
            vec![vec![inline]],
        );
        api.types[achievement].role = Role::Component;
        api.types[twin].role = Role::Component;
        let before = api.types.len();
        share_identical(&mut api);
        assert_eq!(api.types.len(), before, "nothing moved");
        assert_eq!(api.types[inline].merged_into, Some(achievement));
        assert!(api.endpoints[0].types.is_empty(), "the copy is not printed");
        let TypeKind::Struct(fields) = &api.types[api.endpoints[0].request].kind else {
            unreachable!()
        };
        assert_eq!(fields[0].ty, Ty::Named(achievement));
        assert_eq!(api.types[twin].merged_into, None, "the spec names both");
        assert_eq!(api.types[twin].kind, span());
        assert_eq!(api.types[achievement].name, "AchievementName");
    }
}
