//! `HASH` verification throughput: [`Verifier::verify`] beside a raw
//! pre-keyed `hmac` + `sha2` baseline, in one group per body size (100 B,
//! 1 KiB, 64 KiB, 1 MiB), so criterion reports both under the same load.
//!
//! Run with `cargo bench -p callback-core --bench verify`. Target
//! (BENCHMARKS.md): framework throughput ≥ 0.97 × the baseline at 64 KiB.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

mod common;

use callback_core::{SignatureHeader, Verifier};
use common::HandWritten;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SIZES: [(&str, usize); 4] = [
    ("100B", 100),
    ("1KiB", 1024),
    ("64KiB", 64 * 1024),
    ("1MiB", 1024 * 1024),
];

fn verify(c: &mut Criterion) {
    let verifier = Verifier::new(common::secret());
    let baseline = HandWritten::new();
    for (name, len) in SIZES {
        // Not all one byte, so nothing could take a shortcut.
        let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let hash = common::sign(&body);
        assert!(verifier.verify(hash.as_str().into(), &body).is_ok());
        assert!(baseline.verify(hash.as_bytes(), &body).is_ok());

        let mut group = c.benchmark_group(format!("verify/{name}"));
        group.throughput(Throughput::Bytes(len as u64));
        if len >= 64 * 1024 {
            group.sample_size(30);
        }
        group.bench_function("framework", |b| {
            b.iter(|| {
                verifier
                    .verify(
                        SignatureHeader::One(black_box(hash.as_bytes())),
                        black_box(&body),
                    )
                    .map(|v| v.secret_index())
            })
        });
        group.bench_function("raw_hmac", |b| {
            b.iter(|| baseline.verify(black_box(hash.as_bytes()), black_box(&body)))
        });
        group.finish();
    }
}

criterion_group!(benches, verify);
criterion_main!(benches);
