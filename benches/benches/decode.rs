//! Decoding a page of 100 real-shaped items into the generated types versus
//! into `serde_json::Value`, from bytes as a client receives them.
//!
//! Run with `cargo bench -p misskey-benches` (or `cargo xtask bench`, which
//! puts the results in its table).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use misskey_api::endpoints::{i, notes, users};
use misskey_benches::{page, PAGE_LEN};
use serde::de::DeserializeOwned;

fn compare<T: DeserializeOwned>(c: &mut Criterion, name: &str, file: &str) {
    let json = page(file, PAGE_LEN);
    // Fail loudly (not in the timed loop) if the typed decoding is broken.
    if let Err(e) = serde_json::from_slice::<T>(&json) {
        panic!(
            "{name}: {file} does not decode into {}: {e}",
            std::any::type_name::<T>()
        );
    }
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(&json)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&json)).unwrap())
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    compare::<notes::timeline::Response>(c, "timeline", "notes-timeline.json");
    compare::<users::followers::Response>(c, "followers", "users-followers.json");
    compare::<users::show::Response>(c, "users", "users-show-many.json");
    compare::<i::notifications::Response>(c, "notifications", "notifications.json");
}

criterion_group!(benches, decode);
criterion_main!(benches);
