//! The counts of the summary line and the crate docs.

use crate::ir::{Api, Role, Summary, Ty, TypeKind};

/// Counts endpoints, types and the `serde_json::Value` fallbacks.
pub fn count(api: &Api) -> Summary {
    let mut summary = Summary {
        endpoints: api.endpoints.len(),
        internal_endpoints: api.endpoints.iter().filter(|e| e.internal).count(),
        permissions: api.permissions.variants.len(),
        ..Summary::default()
    };
    for (_, def) in api.types.iter() {
        match &def.kind {
            TypeKind::StringEnum(_) => summary.enums += 1,
            TypeKind::Struct(_) | TypeKind::Union(_) if def.role != Role::Request => {
                summary.models += 1
            }
            _ => {}
        }
        summary.untyped += def.kind.tys().into_iter().map(count_json).sum::<usize>();
    }
    for e in &api.endpoints {
        summary.untyped += e.response.ty().map_or(0, count_json);
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
