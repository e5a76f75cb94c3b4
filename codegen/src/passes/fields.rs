//! How every field is declared and read: `T`, `Option<T>` or `Nullable<T>`,
//! and what a missing value means.
//!
//! | required | nullable | sent (request side) | only decoded |
//! |---|---|---|---|
//! | yes | no | `T`, must be present | `T`; a missing flag, list or map reads as `false`/empty |
//! | yes | yes | `Option<T>`, missing reads as `None` | the same |
//! | no | no | `Option<T>`, skipped when `None` | the same |
//! | no | yes | `Nullable<T>`: absent, `null` or a value | `Option<T>` |
//!
//! A request property of any type (`{}`) that may be left out is also
//! `Nullable`, since `null` is one of its values. A type that is both sent
//! and decoded (a component used in a request) is declared as sent, and
//! reads missing flags and lists as leniently as any decoded type.

use crate::ir::{Field, Mode, Repr, Ty, TypeKind, Types, Wrap};

/// Decides the representation of every field of every struct.
pub fn decide(types: &mut Types) {
    for (_, def) in types.iter_mut() {
        let side = Side {
            sent: def.request_side,
            decoded: def.response_side || !def.request_side,
        };
        if let TypeKind::Struct(fields) = &mut def.kind {
            for f in fields {
                f.repr = repr(f, side);
            }
        }
    }
}

/// How a type is used.
#[derive(Debug, Clone, Copy)]
struct Side {
    /// A request reaches it.
    sent: bool,
    /// A response or a component reaches it (or nothing does: it is public).
    decoded: bool,
}

fn repr(f: &Field, side: Side) -> Repr {
    let request_side = side.sent;
    let (wrap, mode) = match (f.required, f.nullable) {
        // Servers leave out some flags and lists their spec requires
        // (2024.10.1's `meta` omits `features.localTimeline`); reading them
        // as false/empty keeps the rest of the answer usable.
        (true, false) if side.decoded && lenient_when_missing(&f.ty) => {
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
        const SENT: Side = Side {
            sent: true,
            decoded: false,
        };
        const DECODED: Side = Side {
            sent: false,
            decoded: true,
        };
        const BOTH: Side = Side {
            sent: true,
            decoded: true,
        };
        use Mode::*;
        use Wrap::*;
        let cases = [
            // (required, nullable, type, side) → (wrap, mode)
            (true, false, Ty::String, SENT, Plain, Required),
            (true, false, Ty::String, DECODED, Plain, Required),
            (true, false, Ty::Boolean, DECODED, Plain, OrDefault),
            (true, false, Ty::Boolean, SENT, Plain, Required),
            (true, false, Ty::Boolean, BOTH, Plain, OrDefault),
            (true, true, Ty::String, SENT, Option, OrDefault),
            (false, false, Ty::String, SENT, Option, SkipNone),
            (false, false, Ty::Json, SENT, Nullable, SkipAbsent),
            (false, false, Ty::Json, DECODED, Option, SkipNone),
            (false, true, Ty::String, SENT, Nullable, SkipAbsent),
            (false, true, Ty::String, BOTH, Nullable, SkipAbsent),
            (false, true, Ty::String, DECODED, Option, SkipNone),
        ];
        for (required, nullable, ty, side, wrap, mode) in cases {
            let f = with(required, nullable, ty.clone());
            assert_eq!(
                repr(&f, side),
                Repr { wrap, mode },
                "required {required}, nullable {nullable}, {ty:?}, {side:?}"
            );
        }
    }
}
