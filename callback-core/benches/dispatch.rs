//! The full in-process path for the sample callback: `Router::dispatch`
//! (verify, media type, parse, route, extract, call a no-op handler made by
//! the real `#[on_zoho_authorise]`) beside the hand-written baseline
//! (pre-keyed HMAC clone, hex decode, constant-time compare, one borrowed
//! `serde_json` parse), in the same group of the same run.
//!
//! The dispatch future is polled once with `now_or_never`: the handler never
//! waits, so no executor overhead is measured. No `tracing` subscriber is
//! installed, as in a server that logs nothing.
//!
//! Run with `cargo bench -p callback-core --bench dispatch`. Target
//! (BENCHMARKS.md): framework / hand-written ≤ 1.15.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

mod common;

use callback_core::Verifier;
use common::{HandWritten, SAMPLE};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn dispatch(c: &mut Criterion) {
    let router = common::router();
    let baseline = HandWritten::new();
    let hash = common::sign(SAMPLE);
    common::assert_both_accept(&router, &baseline, &hash);

    let mut group = c.benchmark_group("callback/sample");
    group.bench_function("framework", |b| {
        b.iter(|| common::dispatch(&router, black_box(common::request(&hash, SAMPLE))))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| {
            baseline.handle(
                black_box(hash.as_bytes()),
                black_box(b"application/json"),
                black_box(SAMPLE),
            )
        })
    });
    group.finish();

    // Where the framework's time goes, step by step (for profiling).
    let verifier = Verifier::new(common::secret());
    let mut steps = c.benchmark_group("callback/steps");
    steps.bench_function("verify", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(hash.as_str()).into(), black_box(SAMPLE))
                .is_ok()
        })
    });
    steps.bench_function("verify_parse", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(hash.as_str()).into(), black_box(SAMPLE))
                .map(|v| v.parse().map(|p| p.org_id()))
        })
    });
    steps.bench_function("baseline_verify", |b| {
        b.iter(|| baseline.verify(black_box(hash.as_bytes()), black_box(SAMPLE)))
    });
    steps.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
