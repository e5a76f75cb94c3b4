//! Which types are reachable from a request: their optional and nullable
//! fields are tri-state (`Nullable`), and they derive `Default`, so requests
//! can be written as `Request { x, ..Default::default() }`.

use super::{reachable, Edges};
use crate::ir::Api;

/// Marks every type reachable from an endpoint's `Request`.
pub fn mark_request_side(api: &mut Api) {
    let roots = api.endpoints.iter().map(|e| e.request);
    let reached = reachable(&api.types, roots, Edges::All);
    for (id, def) in api.types.iter_mut() {
        def.request_side = reached.contains(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Ty, TypeKind, Types};
    use crate::passes::test_support::*;

    #[test]
    fn what_a_request_reaches_is_request_side() {
        let mut types = Types::default();
        let poll = types.push(nested("Poll", 0, TypeKind::Struct(Vec::new())));
        let choice = types.push(model("Choice", "Choice", TypeKind::Struct(Vec::new())));
        let note = types.push(model("Note", "Note", TypeKind::Struct(Vec::new())));
        types[poll].kind = TypeKind::Struct(vec![field(
            "choices",
            Ty::Array(Box::new(Ty::Named(choice))),
            true,
        )]);
        let mut api = api(
            types,
            vec![vec![field("poll", Ty::Named(poll), false)]],
            vec![vec![poll]],
        );
        mark_request_side(&mut api);
        let request = api.endpoints[0].request;
        let side: Vec<bool> = [request, poll, choice, note]
            .iter()
            .map(|id| api.types[*id].request_side)
            .collect();
        assert_eq!(side, [true, true, true, false]);
    }
}
