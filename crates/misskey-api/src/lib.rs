//! Placeholder until the first `cargo xtask regen`.
