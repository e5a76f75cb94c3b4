//! Which types implement `Default`: what a request reaches, so requests can
//! be written as `Request { x, ..Default::default() }`, where a default means
//! something.
//!
//! A string enum has one only when the spec names its default value (the
//! first variant is not a default). A union has none. A struct has one when
//! every field has: optional fields default to absent, lists to empty,
//! numbers to zero; a required enum without a spec default, a union or a
//! boxed (recursive) value has none, and neither then has the struct.

use crate::ir::{Ty, TypeDef, TypeId, TypeKind, Types, Wrap};

/// Marks `derive_default` on the request-side types that can have one.
pub fn mark_defaults(types: &mut Types) {
    // The greatest fixpoint: assume every candidate can, drop those that
    // cannot until nothing changes.
    for (_, def) in types.iter_mut() {
        def.derive_default = def.request_side && def.printed();
    }
    loop {
        let dropped: Vec<TypeId> = types
            .iter()
            .filter(|(_, d)| d.derive_default && !can_default(types, d))
            .map(|(id, _)| id)
            .collect();
        if dropped.is_empty() {
            break;
        }
        for id in dropped {
            types[id].derive_default = false;
        }
    }
}

fn can_default(types: &Types, def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::StringEnum(e) => e.default.is_some(),
        TypeKind::Union(_) => false,
        TypeKind::Alias(ty) => ty_defaults(types, ty),
        TypeKind::Struct(fields) => fields
            .iter()
            .all(|f| f.repr.wrap != Wrap::Plain || (!f.boxed && ty_defaults(types, &f.ty))),
    }
}

fn ty_defaults(types: &Types, ty: &Ty) -> bool {
    match ty {
        Ty::Named(id) => types[*id].derive_default,
        Ty::Tuple(ts) => ts.iter().all(|t| ty_defaults(types, t)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Repr, StringEnum, Variant};
    use crate::passes::test_support::*;

    fn enumeration(default: Option<usize>) -> TypeKind {
        TypeKind::StringEnum(StringEnum {
            variants: vec![Variant {
                name: "Ach".into(),
                value: "ach".into(),
                note: None,
            }],
            other: "Other".into(),
            default,
        })
    }

    #[test]
    fn only_what_the_spec_defaults_or_can_be_empty() {
        let mut types = Types::default();
        let lang = types.push(model("Lang", "Lang", enumeration(None)));
        let sort = types.push(model("Sort", "Sort", enumeration(Some(0))));
        let either = types.push(untagged("Either", vec![variant("S", Ty::String)]));
        let mut optional_lang = field("lang", Ty::Named(lang), false);
        optional_lang.repr = Repr {
            wrap: Wrap::Option,
            ..Repr::default()
        };
        let loose = types.push(component(
            "Loose",
            vec![optional_lang, field("sort", Ty::Named(sort), true)],
        ));
        let strict = types.push(component(
            "Strict",
            vec![field("lang", Ty::Named(lang), true)],
        ));
        let outer = types.push(component(
            "Outer",
            vec![field("inner", Ty::Named(strict), true)],
        ));
        let response_only = types.push(component("Note", Vec::new()));
        for (id, def) in types.iter_mut() {
            def.request_side = id != response_only;
        }
        mark_defaults(&mut types);
        let got: Vec<bool> = [lang, sort, either, loose, strict, outer, response_only]
            .iter()
            .map(|id| types[*id].derive_default)
            .collect();
        assert_eq!(got, [false, true, false, true, false, false, false]);
    }
}
