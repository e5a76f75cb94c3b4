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
