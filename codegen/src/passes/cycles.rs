//! Boxing: the fields and branches that would otherwise make a type contain
//! itself (`Note.reply: Note`) hold their value in a `Box`.

use std::collections::{HashMap, HashSet};

use super::{reachable, Edges};
use crate::ir::{TypeId, TypeKind, Types};

/// Boxes every by-value edge that lies on a cycle: the edge from `me` to `t`
/// is boxed when `t` leads back to `me`.
pub fn mark_boxes(types: &mut Types) {
    let mut reach: HashMap<TypeId, HashSet<TypeId>> = HashMap::new();
    let ids: Vec<TypeId> = types.ids().collect();
    for me in ids {
        let targets: Vec<Option<TypeId>> = types[me]
            .kind
            .tys()
            .into_iter()
            .map(|t| t.direct())
            .collect();
        let boxed: Vec<bool> = targets
            .iter()
            .map(|t| match t {
                Some(t) => reach
                    .entry(*t)
                    .or_insert_with(|| reachable(types, [*t], Edges::ByValue))
                    .contains(&me),
                None => false,
            })
            .collect();
        match &mut types[me].kind {
            TypeKind::Struct(fields) => {
                for (f, b) in fields.iter_mut().zip(boxed) {
                    f.boxed = b;
                }
            }
            TypeKind::Union(u) => {
                for (v, b) in u.variants.iter_mut().zip(boxed) {
                    v.boxed = b;
                }
            }
            TypeKind::Alias(_) | TypeKind::StringEnum(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Ty;
    use crate::passes::test_support::*;

    #[test]
    fn only_edges_on_a_cycle_are_boxed() {
        let mut types = Types::default();
        let note = types.push(component("Note", Vec::new()));
        let user = types.push(component("User", Vec::new()));
        types[note].kind = TypeKind::Struct(vec![
            field("reply", Ty::Optional(Box::new(Ty::Named(note))), false),
            field("user", Ty::Named(user), true),
            // Through a list, no box is needed.
            field("replies", Ty::Array(Box::new(Ty::Named(note))), false),
        ]);
        mark_boxes(&mut types);
        let TypeKind::Struct(fields) = &types[note].kind else {
            unreachable!()
        };
        let boxed: Vec<bool> = fields.iter().map(|f| f.boxed).collect();
        assert_eq!(boxed, [true, false, false]);
    }

    #[test]
    fn both_directions_of_a_mutual_cycle_are_boxed() {
        let mut types = Types::default();
        let a = types.push(component("A", Vec::new()));
        let b = types.push(component("B", Vec::new()));
        types[a].kind = TypeKind::Struct(vec![field("b", Ty::Named(b), true)]);
        types[b].kind = TypeKind::Struct(vec![field("a", Ty::Named(a), false)]);
        mark_boxes(&mut types);
        for id in [a, b] {
            let TypeKind::Struct(fields) = &types[id].kind else {
                unreachable!()
            };
            assert!(fields[0].boxed);
        }
    }
}
