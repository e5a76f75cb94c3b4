//! Any bytes as a spec: the loader, normaliser and generator must return
//! output or an error with a JSON pointer and a message, never panic, loop
//! or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = misskey_codegen::load::normalize_text(text);
    if let Err(error) = misskey_codegen::generate(misskey_codegen::Input {
        spec: text,
        scopes: None,
    }) {
        assert!(!error.message.is_empty(), "an error without a message");
        assert!(
            error.pointer.is_empty() || error.pointer.starts_with('/'),
            "not a JSON pointer: {}",
            error.pointer
        );
    }
});
