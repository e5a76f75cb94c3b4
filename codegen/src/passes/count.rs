//! The counts of the summary line and the crate docs.

use crate::ir::{Api, Role, Summary, Ty, TypeKind};

/// How many places of the spec became `serde_json::Value` because the spec
/// allows any JSON there: counted before sharing, so a place is counted
/// wherever the spec repeats it.
pub fn untyped(api: &Api) -> usize {
    let in_types: usize = api
        .types
        .iter()
        .flat_map(|(_, def)| def.kind.tys())
        .map(count_json)
        .sum();
    let in_answers: usize = api
        .endpoints
        .iter()
        .map(|e| e.response.ty().map_or(0, count_json))
        .sum();
    in_types + in_answers
}

/// Counts endpoints and the printed definitions.
pub fn summary(api: &Api, untyped: usize) -> Summary {
    let mut summary = Summary {
        endpoints: api.endpoints.len(),
        internal_endpoints: api.endpoints.iter().filter(|e| e.internal).count(),
        permissions: api.permissions.variants.len(),
        untyped,
        ..Summary::default()
    };
    for (_, def) in api.types.iter().filter(|(_, d)| d.printed()) {
        match &def.kind {
            TypeKind::StringEnum(_) => summary.enums += 1,
            TypeKind::Struct(_) | TypeKind::Union(_) if def.role != Role::Request => {
                summary.models += 1
            }
            _ => {}
        }
    }
    summary
}

/// How many `serde_json::Value` fallbacks a type expression contains.
fn count_json(ty: &Ty) -> usize {
    match ty {
        Ty::Json => 1,
        Ty::Array(t) | Ty::Map(t) | Ty::Optional(t) => count_json(t),
        Ty::Tuple(ts) => ts.iter().map(count_json).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_fallbacks_are_counted_wherever_they_sit() {
        assert_eq!(count_json(&Ty::Json), 1);
        assert_eq!(
            count_json(&Ty::Tuple(vec![
                Ty::Json,
                Ty::Array(Box::new(Ty::Optional(Box::new(Ty::Json))))
            ])),
            2
        );
        assert_eq!(count_json(&Ty::Map(Box::new(Ty::String))), 0);
    }
}
