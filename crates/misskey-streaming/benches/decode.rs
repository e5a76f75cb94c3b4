//! Events per second decoding the recorded `note` frames of the streaming
//! session: typed, the way a frame goes through the stream (the connection
//! task reads the frame's head to route it, the handle decodes the body
//! straight into the generated `Note`), against parsing the frame into
//! `serde_json::Value`. With `DECODE_COUNT` set it runs one path a fixed
//! number of times instead, for instruction counts (see `main`).

use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use misskey_streaming::frame::FrameHead;
use misskey_streaming::{Event, TimelineEvent};
use serde_json::Value;

/// The `note` frames the server sent, as the recorded text (the server's
/// layout, which the head scan recognises).
fn note_frames() -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Record<'a> {
        dir: &'a str,
        #[serde(borrow)]
        msg: &'a serde_json::value::RawValue,
    }
    include_str!("../../../tests/fixtures/misskey-2024.10.1/streaming-session.jsonl")
        .lines()
        .map(|l| serde_json::from_str::<Record>(l).unwrap())
        .filter(|r| {
            let msg: Value = serde_json::from_str(r.msg.get()).unwrap();
            r.dir == "in" && msg["body"]["type"] == "note"
        })
        .map(|r| r.msg.get().to_owned())
        .collect()
}

fn typed(frames: &[String]) -> usize {
    let mut notes = 0;
    for text in frames {
        if let Ok(FrameHead::Channel { .. }) = FrameHead::read(text) {
            if let TimelineEvent::Note(note) = TimelineEvent::decode_frame(text) {
                notes += note.text.is_some() as usize + 1;
            }
        }
    }
    notes
}

fn value(frames: &[String]) -> usize {
    let mut notes = 0;
    for text in frames {
        let v: Value = serde_json::from_str(text).unwrap();
        if v["body"]["type"] == "note" {
            notes += v["body"]["body"]["text"].is_string() as usize + 1;
        }
    }
    notes
}

fn bench(c: &mut Criterion) {
    let frames = note_frames();
    assert_eq!(typed(&frames), value(&frames), "both decode the same notes");
    let mut g = c.benchmark_group("streaming_note_frames");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("typed", |b| {
        b.iter_batched(|| (), |_| typed(&frames), BatchSize::SmallInput)
    });
    g.bench_function("value", |b| {
        b.iter_batched(|| (), |_| value(&frames), BatchSize::SmallInput)
    });
    g.finish();
}

/// The inner bodies of the frames (the `Note` JSON alone).
fn note_bodies(frames: &[String]) -> Vec<String> {
    frames
        .iter()
        .map(|f| {
            let v: Value = serde_json::from_str(f).unwrap();
            v["body"]["body"].to_string()
        })
        .collect()
}

fn note_only(bodies: &[String]) -> usize {
    let mut notes = 0;
    for text in bodies {
        let note: misskey_streaming::models::Note = serde_json::from_str(text).unwrap();
        notes += note.text.is_some() as usize + 1;
    }
    notes
}

fn head_only(frames: &[String]) -> usize {
    frames
        .iter()
        .filter(|t| matches!(FrameHead::read(t), Ok(FrameHead::Channel { .. })))
        .count()
}

criterion_group!(benches, bench);

/// `DECODE_COUNT=PATH:ROUNDS` runs ROUNDS rounds of one path (`typed`,
/// `value`, `head`, `note`) and exits, for instruction counts with
/// `valgrind --tool=callgrind` (run once with 0 rounds to subtract the
/// setup). Without it, the criterion benchmark runs.
fn main() {
    if let Ok(spec) = std::env::var("DECODE_COUNT") {
        let (path, rounds) = spec.split_once(':').expect("DECODE_COUNT=PATH:ROUNDS");
        let rounds: usize = rounds.parse().expect("ROUNDS is a number");
        let frames = note_frames();
        let bodies = note_bodies(&frames);
        let mut total = 0;
        for _ in 0..rounds {
            total += std::hint::black_box(match path {
                "typed" => typed(std::hint::black_box(&frames)),
                "value" => value(std::hint::black_box(&frames)),
                "head" => head_only(std::hint::black_box(&frames)),
                "note" => note_only(std::hint::black_box(&bodies)),
                other => panic!("unknown path {other}"),
            });
        }
        println!(
            "{path}: {rounds} rounds of {} frames, {total}",
            frames.len()
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
