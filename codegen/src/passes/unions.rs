//! The evidence an untagged union decodes by: what JSON each branch accepts
//! and, for object branches, the required keys no other branch requires.

use std::collections::HashSet;

use crate::ir::{Ty, TypeId, TypeKind, Types, VariantShape};

/// Enough keys to tell branches apart without listing dozens.
const MAX_EVIDENCE: usize = 8;
/// How deep aliases and nested unions are followed (a broken spec may loop).
const MAX_DEPTH: usize = 8;

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
        Ty::String | Ty::Id | Ty::DateTime => VariantShape::String,
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
    use crate::ir::Union;
    use crate::passes::test_support::*;

    #[test]
    fn object_branches_get_the_keys_only_they_require() {
        let mut types = Types::default();
        let lite = types.push(model(
            "Lite",
            "Lite",
            TypeKind::Struct(vec![
                field("id", Ty::Id, true),
                field("name", Ty::String, true),
            ]),
        ));
        let detailed = types.push(model(
            "Detailed",
            "Detailed",
            TypeKind::Struct(vec![
                field("id", Ty::Id, true),
                field("bio", Ty::String, true),
                field("pinned", Ty::Array(Box::new(Ty::Id)), true),
            ]),
        ));
        let union = types.push(model(
            "User",
            "User",
            TypeKind::Union(Union {
                variants: vec![
                    variant("Detailed", Ty::Named(detailed)),
                    variant("Lite", Ty::Named(lite)),
                    variant("List", Ty::Array(Box::new(Ty::Named(lite)))),
                    variant("Value", Ty::Json),
                ],
                tag: None,
            }),
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
