//! Schema-driven tests of the generated types: every endpoint's request and
//! response and every component schema against random values valid under
//! its own schema ([`conformance`]), responses shaped by a newer server
//! ([`forward`]), the tri-state request fields ([`tristate`]), and bad input:
//! mutated specs for the generator and mutated bodies for the decoders
//! ([`bad_input`]).
//!
//! See `docs/testing.md` for the environment variables that scale the runs.

mod bad_input;
mod conformance;
mod forward;
mod tristate;
mod workers;

/// The generator's options for drawing what the bindings decode: the counts
/// and sizes the spec types as `number`, which the generator's fix-ups make
/// integers, are drawn whole (a fractional count is a decode error by
/// design; see `docs/design.md`).
fn whole_counts() -> misskey_tests::schema_gen::GenOptions {
    misskey_tests::schema_gen::GenOptions {
        whole_numbers: misskey_codegen::passes::fixups::is_count_name,
        ..Default::default()
    }
}
