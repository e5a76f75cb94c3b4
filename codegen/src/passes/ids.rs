//! Which types carry a required `id` (and so implement `HasId`), and which
//! endpoints can be paginated with `sinceId`/`untilId`.
//!
//! This is the one place that decides "has a required id": a struct with a
//! required, non-null `id: Id`; an alias of such a type; a union whose every
//! branch is one (held by value, so the id can be borrowed).

use crate::ir::{Api, Field, Pagination, Response, Role, Ty, TypeDef, TypeId, TypeKind, Types};

/// Marks `has_id` on every type and `pagination` on every endpoint.
pub fn mark_ids(api: &mut Api) {
    mark_has_id(&mut api.types);
    for e in &mut api.endpoints {
        e.pagination = pagination(&api.types, e.request, &e.response);
    }
}

/// A required, non-null `id: Id` field.
fn is_id_field(f: &Field) -> bool {
    f.json_name == "id" && f.rust_name == "id" && f.required && !f.nullable && f.ty == Ty::Id
}

/// The least fixpoint of "has a required id" over the table.
fn mark_has_id(types: &mut Types) {
    let has = |types: &Types, def: &TypeDef| -> bool {
        match &def.kind {
            TypeKind::Struct(fields) => def.role != Role::Request && fields.iter().any(is_id_field),
            TypeKind::Alias(Ty::Named(target)) => types[*target].has_id,
            TypeKind::Union(u) => u
                .variants
                .iter()
                .all(|v| !v.boxed && matches!(&v.ty, Ty::Named(t) if types[*t].has_id)),
            TypeKind::Alias(_) | TypeKind::StringEnum(_) => false,
        }
    };
    loop {
        let newly: Vec<TypeId> = types
            .iter()
            .filter(|(_, d)| !d.has_id && has(types, d))
            .map(|(id, _)| id)
            .collect();
        if newly.is_empty() {
            break;
        }
        for id in newly {
            types[id].has_id = true;
        }
    }
}

/// An endpoint paginates when its request takes `sinceId` or `untilId` (ids)
/// and it answers a list of items with an id.
fn pagination(types: &Types, request: TypeId, response: &Response) -> Option<Pagination> {
    let TypeKind::Struct(fields) = &types[request].kind else {
        return None;
    };
    let has = |n: &str| fields.iter().any(|f| f.json_name == n && f.ty == Ty::Id);
    let (since_id, until_id) = (has("sinceId"), has("untilId"));
    if !since_id && !until_id {
        return None;
    }
    let Response::Json {
        ty: Ty::Array(item),
        nullable: false,
        ..
    } = response
    else {
        return None;
    };
    match item.as_ref() {
        Ty::Named(t) if types[*t].has_id => Some(Pagination {
            since_id,
            until_id,
            item: (**item).clone(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::test_support::*;

    #[test]
    fn ids_through_aliases_and_unions() {
        let mut types = Types::default();
        let note = types.push(component("Note", vec![field("id", Ty::Id, true)]));
        let loose = types.push(component("Loose", vec![field("id", Ty::Id, false)]));
        let alias = types.push(model("Alias", "Alias", TypeKind::Alias(Ty::Named(note))));
        let both = types.push(untagged(
            "Both",
            vec![
                variant("A", Ty::Named(alias)),
                variant("N", Ty::Named(note)),
            ],
        ));
        let mixed = types.push(untagged(
            "Mixed",
            vec![
                variant("N", Ty::Named(note)),
                variant("L", Ty::Named(loose)),
            ],
        ));
        mark_has_id(&mut types);
        let got: Vec<bool> = [note, loose, alias, both, mixed]
            .iter()
            .map(|id| types[*id].has_id)
            .collect();
        assert_eq!(got, [true, false, true, true, false]);
    }

    #[test]
    fn lists_of_items_with_ids_paginate() {
        let mut types = Types::default();
        let note = types.push(component("Note", vec![field("id", Ty::Id, true)]));
        let mut request = model(
            "Request",
            "x",
            TypeKind::Struct(vec![field("untilId", Ty::Id, false)]),
        );
        request.role = Role::Request;
        let request = types.push(request);
        mark_has_id(&mut types);
        let list = |ty: Ty| Response::Json {
            ty: Ty::Array(Box::new(ty)),
            nullable: false,
            source: String::new(),
        };
        let p = pagination(&types, request, &list(Ty::Named(note))).expect("paginates");
        assert!(!p.since_id && p.until_id);
        assert!(pagination(&types, request, &list(Ty::String)).is_none());
        assert!(!types[request].has_id, "a request is not an item");
    }
}
