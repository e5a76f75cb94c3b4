//! Running many independent checks on a few threads, with panics caught and
//! attributed to the check that raised them.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs `check` on every job on [`misskey_tests::harness::threads`] threads
/// with large stacks, and returns the results in job order. A panic becomes
/// `Err(message)`.
pub fn run_all<J: Sync, R: Send>(
    jobs: &[J],
    check: impl Fn(&J) -> R + Sync,
) -> Vec<Result<R, String>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R, String>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..misskey_tests::harness::threads() {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= jobs.len() {
                        break;
                    }
                    let result = catch_unwind(AssertUnwindSafe(|| check(&jobs[i])))
                        .map_err(|panic| panic_text(&panic));
                    results.lock().unwrap()[i] = Some(result);
                })
                .expect("spawn a worker");
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

/// The message of a caught panic.
pub fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
