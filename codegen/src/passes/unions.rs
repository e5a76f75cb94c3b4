//! What unions need beyond their branches:
//!
//! * [`strip_tags`]: a tagged union's branch that exists only for that union
//!   and has one tag value leaves the tag out (the union writes it), so a
//!   `NotificationMention` has no `type` field holding a one-value enum.
//! * [`mark_shapes`]: the evidence an untagged union decodes by: what JSON
//!   each branch accepts and, for object branches, the required keys no
//!   other branch requires.
//! * [`mark_accessors`]: the fields every branch has, read through one
//!   method each, and whether the union has a `kind()`.

use std::collections::HashSet;

use super::{references, resolve_struct};
use crate::ir::{Accessor, Api, Field, Role, Ty, TypeId, TypeKind, Types, VariantShape, Wrap};

/// Enough keys to tell branches apart without listing dozens.
const MAX_EVIDENCE: usize = 8;
/// How deep aliases and nested unions are followed (a broken spec may loop).
const MAX_DEPTH: usize = 8;

/// Leaves the tag out of the branches that only their union uses and that
/// have one tag value; records where the other branches keep it.
pub fn strip_tags(api: &mut Api) {
    let refs = references(api);
    let unions: Vec<TypeId> = api
        .types
        .iter()
        .filter(|(_, d)| matches!(&d.kind, TypeKind::Union(u) if u.tag.is_some()))
        .map(|(id, _)| id)
        .collect();
    for u in unions {
        let TypeKind::Union(union) = &api.types[u].kind else {
            continue;
        };
        let Some(tag) = union.tag.clone() else {
            continue;
        };
        let mut tag_fields: Vec<Option<String>> = Vec::new();
        for v in union.variants.clone() {
            let payload = match &v.ty {
                Ty::Named(id) => Some(*id),
                _ => None,
            };
            let own = payload.filter(|p| {
                v.tag_values.len() == 1
                    && api.types[*p].role == Role::Nested
                    && matches!(api.types[*p].kind, TypeKind::Struct(_))
                    && refs.get(p) == Some(&1)
            });
            match own {
                Some(p) => {
                    let TypeKind::Struct(fields) = &mut api.types[p].kind else {
                        unreachable!("checked above")
                    };
                    let removed: Vec<Field> = fields
                        .iter()
                        .filter(|f| f.json_name == tag.property)
                        .cloned()
                        .collect();
                    fields.retain(|f| f.json_name != tag.property);
                    // Its one-value enum is no longer needed.
                    for f in removed {
                        if let Ty::Named(e) = f.ty {
                            let def = &mut api.types[e];
                            if refs.get(&e) == Some(&1)
                                && def.role == Role::Nested
                                && matches!(def.kind, TypeKind::StringEnum(_))
                            {
                                def.dropped = true;
                            }
                        }
                    }
                    tag_fields.push(None);
                }
                None => tag_fields.push(payload.and_then(|p| {
                    let s = resolve_struct(&api.types, p)?;
                    let TypeKind::Struct(fields) = &api.types[s].kind else {
                        return None;
                    };
                    fields
                        .iter()
                        .find(|f| f.json_name == tag.property)
                        .map(|f| f.rust_name.clone())
                })),
            }
        }
        if let TypeKind::Union(union) = &mut api.types[u].kind {
            for (v, field) in union.variants.iter_mut().zip(tag_fields) {
                v.tag_field = field;
            }
        }
    }
    for e in &mut api.endpoints {
        let types = &api.types;
        e.types.retain(|id| types[*id].printed());
    }
}

/// Sets the accessors of every union, and whether it has a `kind()`.
pub fn mark_accessors(types: &mut Types) {
    let unions: Vec<TypeId> = types
        .iter()
        .filter(|(_, d)| d.printed() && matches!(d.kind, TypeKind::Union(_)))
        .map(|(id, _)| id)
        .collect();
    for u in unions {
        let TypeKind::Union(union) = &types[u].kind else {
            continue;
        };
        let has_kind = union.tag.is_some()
            && union
                .variants
                .iter()
                .all(|v| v.tag_field.is_some() || v.tag_values.len() == 1);
        let tag = union.tag.as_ref().map(|t| t.property.as_str());
        let accessors = shared_fields(types, &union.variants, tag);
        if let TypeKind::Union(union) = &mut types[u].kind {
            union.has_kind = has_kind;
            union.accessors = accessors;
        }
    }
}

/// The fields that every branch's struct declares alike (not the tag, not
/// tri-state ones, not one named `kind`).
fn shared_fields(
    types: &Types,
    variants: &[crate::ir::UnionVariant],
    tag: Option<&str>,
) -> Vec<Accessor> {
    let mut structs: Vec<&[Field]> = Vec::new();
    for v in variants {
        let Ty::Named(id) = &v.ty else {
            return Vec::new();
        };
        let Some(s) = resolve_struct(types, *id) else {
            return Vec::new();
        };
        let TypeKind::Struct(fields) = &types[s].kind else {
            return Vec::new();
        };
        structs.push(fields);
    }
    let Some((first, rest)) = structs.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|f| {
            Some(f.json_name.as_str()) != tag
                && f.rust_name != "kind"
                && f.repr.wrap != Wrap::Nullable
                && !f.boxed
        })
        .filter(|f| {
            rest.iter().all(|fields| {
                fields.iter().any(|g| {
                    g.json_name == f.json_name
                        && g.rust_name == f.rust_name
                        && g.ty == f.ty
                        && g.repr.wrap == f.repr.wrap
                        && !g.boxed
                })
            })
        })
        .map(|f| Accessor {
            rust_name: f.rust_name.clone(),
            json_name: f.json_name.clone(),
            ty: f.ty.clone(),
            wrap: f.repr.wrap,
        })
        .collect()
}

/// Sets the shape of every branch of every untagged union.
pub fn mark_shapes(types: &mut Types) {
    let unions: Vec<TypeId> = types
        .iter()
        .filter(|(_, d)| matches!(&d.kind, TypeKind::Union(u) if u.tag.is_none()))
        .map(|(id, _)| id)
        .collect();
    for id in unions {
        let TypeKind::Union(u) = &types[id].kind else {
            continue;
        };
        let keys: Vec<Option<Vec<String>>> = u
            .variants
            .iter()
            .map(|v| required_keys(types, &v.ty, 0))
            .collect();
        let shapes: Vec<VariantShape> = u
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| match (shape_of(types, &v.ty, 0), &keys[i]) {
                (VariantShape::Object(_), Some(mine)) => {
                    let others: HashSet<&String> = keys
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .flat_map(|(_, k)| k.iter().flatten())
                        .collect();
                    VariantShape::Object(
                        mine.iter()
                            .filter(|k| !others.contains(k))
                            .take(MAX_EVIDENCE)
                            .cloned()
                            .collect(),
                    )
                }
                (shape, _) => shape,
            })
            .collect();
        if let TypeKind::Union(u) = &mut types[id].kind {
            for (v, shape) in u.variants.iter_mut().zip(shapes) {
                v.shape = shape;
            }
        }
    }
}

/// The JSON keys an object branch requires; `None` when it is not an object.
fn required_keys(types: &Types, ty: &Ty, depth: usize) -> Option<Vec<String>> {
    let Ty::Named(id) = ty else { return None };
    match &types[*id].kind {
        TypeKind::Struct(fields) => Some(
            fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.json_name.clone())
                .collect(),
        ),
        TypeKind::Alias(inner) if depth < MAX_DEPTH => required_keys(types, inner, depth + 1),
        // A branch that is itself an untagged union of objects (`User`'s
        // `UserDetailed`) requires what all of its own branches require.
        TypeKind::Union(u) if u.tag.is_none() && depth < MAX_DEPTH => {
            let mut common: Option<Vec<String>> = None;
            for v in &u.variants {
                let keys = required_keys(types, &v.ty, depth + 1)?;
                common = Some(match common {
                    None => keys,
                    Some(c) => c.into_iter().filter(|k| keys.contains(k)).collect(),
                });
            }
            common
        }
        _ => None,
    }
}

/// The JSON type a branch accepts.
fn shape_of(types: &Types, ty: &Ty, depth: usize) -> VariantShape {
    match ty {
        Ty::String | Ty::Id | Ty::DateTime | Ty::Permission => VariantShape::String,
        Ty::Integer => VariantShape::Integer,
        Ty::Number => VariantShape::Number,
        Ty::Boolean => VariantShape::Bool,
        Ty::Array(_) | Ty::Tuple(_) => VariantShape::Array,
        Ty::Map(_) => VariantShape::Object(Vec::new()),
        Ty::Json | Ty::Optional(_) => VariantShape::Any,
        Ty::Named(id) => match &types[*id].kind {
            TypeKind::Struct(_) => VariantShape::Object(Vec::new()),
            TypeKind::StringEnum(_) => VariantShape::String,
            TypeKind::Alias(inner) if depth < MAX_DEPTH => shape_of(types, inner, depth + 1),
            TypeKind::Union(u)
                if depth < MAX_DEPTH
                    && !u.variants.is_empty()
                    && u.variants.iter().all(|v| {
                        matches!(shape_of(types, &v.ty, depth + 1), VariantShape::Object(_))
                    }) =>
            {
                VariantShape::Object(Vec::new())
            }
            _ => VariantShape::Any,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::test_support::*;

    #[test]
    fn object_branches_get_the_keys_only_they_require() {
        let mut types = Types::default();
        let lite = types.push(component(
            "Lite",
            vec![field("id", Ty::Id, true), field("name", Ty::String, true)],
        ));
        let detailed = types.push(component(
            "Detailed",
            vec![
                field("id", Ty::Id, true),
                field("bio", Ty::String, true),
                field("pinned", Ty::Array(Box::new(Ty::Id)), true),
            ],
        ));
        let union = types.push(untagged(
            "User",
            vec![
                variant("Detailed", Ty::Named(detailed)),
                variant("Lite", Ty::Named(lite)),
                variant("List", Ty::Array(Box::new(Ty::Named(lite)))),
                variant("Value", Ty::Json),
            ],
        ));
        mark_shapes(&mut types);
        let TypeKind::Union(u) = &types[union].kind else {
            unreachable!()
        };
        let shapes: Vec<&VariantShape> = u.variants.iter().map(|v| &v.shape).collect();
        assert_eq!(
            shapes,
            [
                &VariantShape::Object(vec!["bio".into(), "pinned".into()]),
                &VariantShape::Object(vec!["name".into()]),
                &VariantShape::Array,
                &VariantShape::Any,
            ]
        );
    }
}
