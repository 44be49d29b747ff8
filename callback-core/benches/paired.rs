//! Framework against hand-written, measured so that the ratio survives a
//! shared, noisy machine.
//!
//! With no arguments (as `cargo bench -p callback-core --bench paired` runs
//! it) it alternates short batches of the two sides many times over, A B A
//! B …, and prints the median time of each and the median of the per-round
//! ratios, for the sample callback (full path) and for verification of a
//! 64 KiB body. Load from other processes hits both sides of a round alike,
//! so the ratio is far steadier than two criterion runs minutes apart.
//!
//! With a side and a count it runs only that side, for counting
//! instructions under `valgrind --tool=callgrind` (exact and repeatable
//! whatever else the machine does; `bench/instructions.sh` does it):
//!
//! ```text
//! paired SIDE COUNT    (SIDE: framework, framework_callback, hand_written,
//!                        hand_written_async, verify_framework, verify_raw,
//!                        parse_framework, parse_borrowed)
//! ```

mod common;

use callback_core::{SignatureHeader, Verifier};
use common::{HandWritten, SAMPLE};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One side of a comparison: runs its operation `n` times.
type Side<'a> = Box<dyn Fn(u64) + 'a>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();

    let router = common::router();
    let router_taking_callback = common::router_taking_callback();
    let baseline = HandWritten::new();
    let hash = common::sign(SAMPLE);
    common::assert_both_accept(&router, &baseline, &hash);
    common::assert_both_accept(&router_taking_callback, &baseline, &hash);

    let verifier = Verifier::new(common::secret());
    let big: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let big_hash = common::sign(&big);

    let framework: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(common::dispatch(
                &router,
                black_box(common::request(&hash, SAMPLE)),
            ));
        }
    });
    // The same with a handler that takes the whole `Callback`.
    let framework_callback: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(common::dispatch(
                &router_taking_callback,
                black_box(common::request(&hash, SAMPLE)),
            ));
        }
    });
    let hand_written: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(baseline.handle(
                black_box(hash.as_bytes()),
                black_box(b"application/json"),
                black_box(SAMPLE),
            ))
            .expect("accepted");
        }
    });
    // The baseline awaited as a future with a boxed no-op handler: what
    // being async with `dyn` handlers costs, apart from the framework.
    let hand_written_async: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(common::handle_async_boxed(
                &baseline,
                black_box(hash.as_bytes()),
                black_box(b"application/json"),
                black_box(SAMPLE),
            ))
            .expect("accepted");
        }
    });
    let verify_framework: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            let header = SignatureHeader::One(black_box(big_hash.as_bytes()));
            black_box(verifier.verify(header, black_box(&big)).expect("valid"));
        }
    });
    let verify_raw: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(baseline.verify(black_box(big_hash.as_bytes()), black_box(&big)))
                .expect("valid");
        }
    });

    // The parse alone: the framework's owned `Payload` (unknown fields kept)
    // against the baseline's borrowed struct.
    let verified = verifier
        .verify(hash.as_str().into(), SAMPLE)
        .expect("valid");
    let parse_framework: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(black_box(verified).parse().expect("valid"));
        }
    });
    let parse_borrowed: Side<'_> = Box::new(|n| {
        for _ in 0..n {
            black_box(common::parse_borrowed(black_box(SAMPLE)).expect("valid"));
        }
    });

    match args.first().map(String::as_str) {
        Some(
            name @ ("framework" | "framework_callback" | "hand_written" | "hand_written_async"
            | "verify_framework" | "verify_raw" | "parse_framework" | "parse_borrowed"),
        ) => {
            let count = args
                .get(1)
                .and_then(|n| n.parse().ok())
                .expect("usage: paired SIDE COUNT");
            let side = match name {
                "framework" => &framework,
                "framework_callback" => &framework_callback,
                "hand_written" => &hand_written,
                "hand_written_async" => &hand_written_async,
                "verify_framework" => &verify_framework,
                "verify_raw" => &verify_raw,
                "parse_framework" => &parse_framework,
                _ => &parse_borrowed,
            };
            side(count);
        }
        // `cargo bench` passes `--bench`; `cargo test --benches` nothing.
        _ => {
            let quick = !args.iter().any(|a| a == "--bench");
            let rounds = if quick { 3 } else { 400 };
            // (what is compared, side a, side b, calls per batch)
            let comparisons: [(&str, &Side<'_>, &Side<'_>, u64); 6] = [
                (
                    "callback/sample (ns per callback; the handler takes an OrgId)",
                    &framework,
                    &hand_written,
                    2_000,
                ),
                (
                    "callback/sample, the handler takes the Callback (ns per callback)",
                    &framework_callback,
                    &hand_written,
                    2_000,
                ),
                (
                    "callback/sample, hand-written awaited with a boxed no-op handler against plain (ns)",
                    &hand_written_async,
                    &hand_written,
                    2_000,
                ),
                (
                    "callback/sample, framework against that (ns; the handler takes an OrgId)",
                    &framework,
                    &hand_written_async,
                    2_000,
                ),
                (
                    "parse/sample (ns per parse)",
                    &parse_framework,
                    &parse_borrowed,
                    2_000,
                ),
                (
                    "verify/64KiB (µs per body; ratio of times = inverse of the throughput ratio)",
                    &verify_framework,
                    &verify_raw,
                    20,
                ),
            ];
            for (name, a, b, batch) in comparisons {
                report(name, compare(a, b, batch, rounds));
            }
        }
    }
}

/// The medians of a paired comparison.
struct Paired {
    a: f64,
    b: f64,
    ratio: f64,
    ratio_p10: f64,
    ratio_p90: f64,
}

/// `rounds` rounds of `batch` calls of `a` then of `b` (the order flips
/// each round, so neither always runs first): the median time per call of
/// each, and the median and spread of the per-round ratios a / b.
fn compare(a: &Side<'_>, b: &Side<'_>, batch: u64, rounds: usize) -> Paired {
    a(batch);
    b(batch);
    let time = |side: &Side<'_>| {
        let start = Instant::now();
        side(batch);
        start.elapsed()
    };
    let mut ta = Vec::with_capacity(rounds);
    let mut tb = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = time(a);
            (x, time(b))
        } else {
            let y = time(b);
            (time(a), y)
        };
        ta.push(per_call(x, batch));
        tb.push(per_call(y, batch));
    }
    let mut ratios: Vec<f64> = ta.iter().zip(&tb).map(|(x, y)| x / y).collect();
    Paired {
        a: median(&mut ta),
        b: median(&mut tb),
        ratio: median(&mut ratios),
        ratio_p10: quantile(&ratios, 0.1),
        ratio_p90: quantile(&ratios, 0.9),
    }
}

fn per_call(elapsed: Duration, batch: u64) -> f64 {
    elapsed.as_nanos() as f64 / batch as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    quantile(values, 0.5)
}

/// The `q` quantile of sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    values[((values.len() - 1) as f64 * q).round() as usize]
}

fn report(name: &str, p: Paired) {
    let scale = if name.starts_with("verify") {
        1e-3
    } else {
        1.0
    };
    println!("{name}");
    println!("  framework     {:10.3}", p.a * scale);
    println!("  hand-written  {:10.3}", p.b * scale);
    println!(
        "  ratio (median of rounds) {:.3}   p10 {:.3}   p90 {:.3}",
        p.ratio, p.ratio_p10, p.ratio_p90
    );
}
