//! The fuzz target `decode_frame` (in `fuzz/`, which needs a nightly
//! toolchain) run on stable over its seeds and a fixed, seeded set of
//! mutations of them: no panic on any frame, and every malformed one
//! reported. Runs in `cargo test`; the fuzzer explores much further.

use std::time::{Duration, Instant};

use misskey_streaming::frame::{FrameHead, ServerFrame};
use misskey_streaming::fuzzing::{
    decode_frame_with_every_event_type, decode_with_every_event_type, EVENT_KINDS,
};

/// What the fuzz target does with one input. Returns whether the careful
/// reading took the frame.
fn target(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let head = FrameHead::read(text);
    if head.is_ok() {
        decode_frame_with_every_event_type(text);
    }
    match ServerFrame::parse(text) {
        Ok(ServerFrame::Channel { kind, body, .. })
        | Ok(ServerFrame::NoteUpdated { kind, body, .. })
        | Ok(ServerFrame::Broadcast { kind, body }) => {
            assert!(
                head.is_ok(),
                "the head reader refused a sound frame: {text}"
            );
            decode_with_every_event_type(&kind, body);
            for k in EVENT_KINDS {
                decode_with_every_event_type(k, body);
            }
            true
        }
        Ok(ServerFrame::Connected { .. }) => true,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            false
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds/decode_frame");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    seeds
}

/// One mutation of the kinds a fuzzer makes: flip, insert, delete or
/// duplicate bytes, splice in JSON tokens, or cut the input.
fn mutate(rng: &mut fastrand::Rng, input: &[u8]) -> Vec<u8> {
    const TOKENS: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b"\\",
        b",",
        b":",
        b"null",
        b"\"type\"",
        b"\"body\"",
        b"\"channel\"",
    ];
    let mut out = input.to_vec();
    for _ in 0..rng.usize(1..4) {
        let at = rng.usize(0..=out.len());
        match rng.u8(0..6) {
            0 if at < out.len() => out[at] ^= 1 << rng.u8(0..8),
            1 => out.insert(at, rng.u8(..)),
            2 if at < out.len() => {
                out.remove(at);
            }
            3 => {
                let end = (at + rng.usize(0..64)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            4 => {
                let token = TOKENS[rng.usize(0..TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            _ => out.truncate(at),
        }
    }
    out
}

#[test]
fn the_fuzz_target_survives_its_seeds_and_mutations_of_them() {
    let seeds = seeds();
    assert!(seeds.len() >= 10, "the seed corpus is missing");
    let sound = seeds.iter().filter(|s| target(s)).count();
    assert_eq!(sound, seeds.len() - 1, "only broken.json is malformed");

    let mut rng = fastrand::Rng::with_seed(10);
    let started = Instant::now();
    let (mut runs, mut taken) = (0, 0);
    while runs < 3000 {
        let seed = &seeds[rng.usize(0..seeds.len())];
        taken += target(&mutate(&mut rng, seed)) as usize;
        runs += 1;
    }
    // Some mutations keep the frame sound, most break it; both are covered.
    assert!(taken > 50 && taken < runs - 50, "{taken} of {runs} sound");

    // Hostile shapes: deep nesting, long strings, many keys.
    let deep = format!(
        r#"{{"type":"channel","body":{{"id":"c","type":"note","body":{}1{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    target(deep.as_bytes());
    let deep_objects = format!(
        r#"{{"type":"emojiAdded","body":{}null{}}}"#,
        r#"{"emoji":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    target(deep_objects.as_bytes());
    let keys: String = (0..20_000).map(|i| format!(r#""k{i}":{i},"#)).collect();
    target(
        format!(r#"{{{keys}"type":"channel","body":{{"id":"c","type":"note","body":{{}}}}}}"#)
            .as_bytes(),
    );
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
}
