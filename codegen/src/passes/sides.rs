//! Which side of the API each type is on: reachable from a request (it is
//! sent, so optional nullable fields are tri-state), from a response or a
//! component (it is decoded from what servers send, so it reads leniently),
//! or both.

use super::{reachable, Edges};
use crate::ir::{Api, Home, Role, TypeId, TypeKind};

/// Marks `request_side` and `response_side` on every type, and
/// `non_exhaustive` where the server may add something users only read:
/// values of enums, branches of unions, fields of structs that are only
/// decoded (a struct that is sent must stay constructible).
pub fn mark_sides(api: &mut Api) {
    let requests = reachable(
        &api.types,
        api.endpoints.iter().map(|e| e.request),
        Edges::All,
    );
    let responses = reachable(&api.types, response_roots(api), Edges::All);
    for (id, def) in api.types.iter_mut() {
        def.request_side = requests.contains(&id);
        def.response_side = responses.contains(&id);
        def.non_exhaustive = match def.kind {
            TypeKind::StringEnum(_) | TypeKind::Union(_) => true,
            TypeKind::Struct(_) => !def.request_side && def.role != Role::Request,
            TypeKind::Alias(_) => false,
        };
    }
}

/// What is decoded from the server: every answer and every component (a
/// component is public, and any of them can arrive in an answer).
pub fn response_roots(api: &Api) -> Vec<TypeId> {
    let mut roots: Vec<TypeId> = api
        .types
        .iter()
        .filter(|(_, d)| d.role == Role::Component)
        .map(|(id, _)| id)
        .collect();
    for (i, e) in api.endpoints.iter().enumerate() {
        if let Some(ty) = e.response.ty() {
            ty.named(&mut roots);
        }
        // A module's own `Response` is its answer even when it is only an
        // alias of a shared shape.
        roots.extend(e.types.iter().copied().filter(|id| {
            api.types[*id].name == "Response" && api.types[*id].home == Home::Endpoint(i)
        }));
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Response, Ty, TypeKind, Types};
    use crate::passes::test_support::*;

    #[test]
    fn requests_and_responses_mark_what_they_reach() {
        let mut types = Types::default();
        let poll = types.push(nested("Poll", 0, TypeKind::Struct(Vec::new())));
        let choice = types.push(nested("Choice", 0, TypeKind::Struct(Vec::new())));
        let note = types.push(component("Note", Vec::new()));
        let answer = types.push(nested("Answer", 0, TypeKind::Struct(Vec::new())));
        types[poll].kind = TypeKind::Struct(vec![
            field("choices", Ty::Array(Box::new(Ty::Named(choice))), true),
            field("note", Ty::Named(note), false),
        ]);
        let mut api = api(
            types,
            vec![vec![field("poll", Ty::Named(poll), false)]],
            vec![vec![poll, choice, answer]],
        );
        api.endpoints[0].response = Response::Json {
            ty: Ty::Named(answer),
            nullable: false,
            source: String::new(),
        };
        mark_sides(&mut api);
        let request = api.endpoints[0].request;
        let sides: Vec<(bool, bool)> = [request, poll, choice, note, answer]
            .iter()
            .map(|id| (api.types[*id].request_side, api.types[*id].response_side))
            .collect();
        assert_eq!(
            sides,
            [
                (true, false),
                (true, false),
                (true, false),
                // A component is both sent here and decoded anywhere.
                (true, true),
                (false, true),
            ]
        );
    }
}
