//! Events per second decoding the recorded `note` frames of the streaming
//! session: typed, the way a frame goes through the stream (the connection
//! task reads the frame's head to route it, the handle decodes the frame in
//! one pass into the generated `Note`), against parsing the frame into
//! `serde_json::Value`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use misskey_streaming::frame::FrameHead;
use misskey_streaming::{Event, TimelineEvent};
use serde_json::Value;

/// The `note` frames the server sent, as the recorded text (the server's
/// key order: `type` before `body`, which the envelope reader relies on
/// for its one pass).
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

criterion_group!(benches, bench);
criterion_main!(benches);
