//! How every field is declared and read: `T`, `Option<T>` or `Nullable<T>`,
//! and what a missing value means.
//!
//! | required | nullable | request side | response side |
//! |---|---|---|---|
//! | yes | no | `T`, must be present | `T`; a missing flag, list or map reads as `false`/empty |
//! | yes | yes | `Option<T>`, missing reads as `None` | the same |
//! | no | no | `Option<T>`, skipped when `None` | the same |
//! | no | yes | `Nullable<T>`: absent, `null` or a value | `Option<T>` |
//!
//! A request property of any type (`{}`) that may be left out is also
//! `Nullable`, since `null` is one of its values.

use crate::ir::{Field, Mode, Repr, Ty, TypeKind, Types, Wrap};

/// Decides the representation of every field of every struct.
pub fn decide(types: &mut Types) {
    for (_, def) in types.iter_mut() {
        let request_side = def.request_side;
        if let TypeKind::Struct(fields) = &mut def.kind {
            for f in fields {
                f.repr = repr(f, request_side);
            }
        }
    }
}

fn repr(f: &Field, request_side: bool) -> Repr {
    let (wrap, mode) = match (f.required, f.nullable) {
        // Servers leave out some flags and lists their spec requires
        // (2024.10.1's `meta` omits `features.localTimeline`); reading them
        // as false/empty keeps the rest of the answer usable.
        (true, false) if !request_side && lenient_when_missing(&f.ty) => {
            (Wrap::Plain, Mode::OrDefault)
        }
        (true, false) => (Wrap::Plain, Mode::Required),
        // Required but nullable: a missing one reads as `None`.
        (true, true) => (Wrap::Option, Mode::OrDefault),
        // A property of any type (`var: {}` of `page-push`) may be sent as
        // `null`, which `Option<Value>` would drop.
        (false, false) if request_side && f.ty == Ty::Json => (Wrap::Nullable, Mode::SkipAbsent),
        (false, false) => (Wrap::Option, Mode::SkipNone),
        (false, true) if request_side => (Wrap::Nullable, Mode::SkipAbsent),
        (false, true) => (Wrap::Option, Mode::SkipNone),
    };
    Repr { wrap, mode }
}

/// Types whose absence reads naturally as their default (`false`, empty).
fn lenient_when_missing(ty: &Ty) -> bool {
    matches!(ty, Ty::Boolean | Ty::Array(_) | Ty::Map(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::test_support::field;

    fn with(required: bool, nullable: bool, ty: Ty) -> Field {
        let mut f = field("x", ty, required);
        f.nullable = nullable;
        f
    }

    #[test]
    fn the_table_of_the_module_docs() {
        let cases = [
            // (required, nullable, type, request side) → (wrap, mode)
            (true, false, Ty::String, true, Wrap::Plain, Mode::Required),
            (true, false, Ty::String, false, Wrap::Plain, Mode::Required),
            (
                true,
                false,
                Ty::Boolean,
                false,
                Wrap::Plain,
                Mode::OrDefault,
            ),
            (true, false, Ty::Boolean, true, Wrap::Plain, Mode::Required),
            (true, true, Ty::String, true, Wrap::Option, Mode::OrDefault),
            (false, false, Ty::String, true, Wrap::Option, Mode::SkipNone),
            (
                false,
                false,
                Ty::Json,
                true,
                Wrap::Nullable,
                Mode::SkipAbsent,
            ),
            (false, false, Ty::Json, false, Wrap::Option, Mode::SkipNone),
            (
                false,
                true,
                Ty::String,
                true,
                Wrap::Nullable,
                Mode::SkipAbsent,
            ),
            (false, true, Ty::String, false, Wrap::Option, Mode::SkipNone),
        ];
        for (required, nullable, ty, side, wrap, mode) in cases {
            let f = with(required, nullable, ty.clone());
            assert_eq!(
                repr(&f, side),
                Repr { wrap, mode },
                "required {required}, nullable {nullable}, {ty:?}, request side {side}"
            );
        }
    }
}
