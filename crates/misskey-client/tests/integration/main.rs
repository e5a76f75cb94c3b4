//! Tests against a fake Misskey on 127.0.0.1 started by the tests themselves.

mod bad_bodies;
mod endpoints;
mod errors;
mod fake;
mod generated;
mod pagination;
mod requests;
mod untyped;
mod upload;
mod versions;
