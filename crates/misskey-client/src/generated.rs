//! `Paginate` and `HasId` impls for the generated bindings in `misskey_api`.
//!
//! The code generator (`cargo xtask regen`) writes this file; until it does,
//! it is empty. See the crate docs for what it contains.
