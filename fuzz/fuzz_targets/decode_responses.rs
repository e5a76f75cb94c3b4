//! Any bytes as the body of every endpoint's response and every component:
//! decoding gives a value or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use misskey_tests::registry::{ENDPOINTS, MODELS};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for endpoint in ENDPOINTS {
        let _ = (endpoint.response_roundtrip)(value.clone());
        let _ = (endpoint.request_roundtrip)(value.clone());
    }
    for model in MODELS {
        let _ = (model.roundtrip)(value.clone());
    }
});
