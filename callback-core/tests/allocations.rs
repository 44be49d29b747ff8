//! Heap allocations per successful callback, counted with a counting global
//! allocator: `Router::dispatch` of the sample callback (verify, parse,
//! route, call a no-op handler) against the hand-written baseline of
//! `benches/common` (pre-keyed HMAC, borrowed `serde_json` parse).
//!
//! No test harness (`harness = false`): the binary has one thread, so the
//! count is exact and the same on every run. Asserted: at most [`BOUND`]
//! allocations more than the baseline, and exactly which ones, for a handler
//! taking an `OrgId` and one taking the whole `Callback`. Run it alone with
//! `cargo test -p callback-core --test allocations`.

#[path = "../benches/common/mod.rs"]
mod common;

use callback_core::Verifier;
use common::{HandWritten, SAMPLE};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The most allocations the framework may add to one callback.
const BOUND: usize = 2;

/// Allocations and bytes of one call of `f`, after a warm-up call, checked
/// to be the same on each of 100 calls.
fn per_call<R>(mut f: impl FnMut() -> R) -> (usize, usize) {
    black_box(f());
    let mut seen = None;
    for _ in 0..100 {
        let region = Region::new(GLOBAL);
        black_box(f());
        let stats = region.change();
        let now = (
            stats.allocations + stats.reallocations,
            stats.bytes_allocated,
        );
        assert!(
            seen.is_none_or(|s| s == now),
            "the count varies between calls: {seen:?} then {now:?}"
        );
        seen = Some(now);
    }
    seen.expect("measured")
}

fn main() {
    let router = common::router();
    let router_taking_callback = common::router_taking_callback();
    let baseline = HandWritten::new();
    let hash = common::sign(SAMPLE);
    common::assert_both_accept(&router, &baseline, &hash);
    common::assert_both_accept(&router_taking_callback, &baseline, &hash);

    let (framework, framework_bytes) =
        per_call(|| common::dispatch(&router, common::request(&hash, SAMPLE)));
    let (whole, whole_bytes) =
        per_call(|| common::dispatch(&router_taking_callback, common::request(&hash, SAMPLE)));
    let (hand, hand_bytes) =
        per_call(|| baseline.handle(hash.as_bytes(), b"application/json", SAMPLE));
    let verifier = Verifier::new(common::secret());
    let (verify, _) = per_call(|| verifier.verify(hash.as_str().into(), SAMPLE).is_ok());
    let (parse, parse_bytes) = per_call(|| {
        verifier
            .verify(hash.as_str().into(), SAMPLE)
            .map(|verified| verified.parse())
    });

    println!("allocations per successful callback (sample payload, in process):");
    println!("  framework, handler takes OrgId    {framework} ({framework_bytes} bytes)");
    println!("  framework, handler takes Callback {whole} ({whole_bytes} bytes)");
    println!("  hand-written                      {hand} ({hand_bytes} bytes)");
    println!("  framework, verify and parse alone {parse} ({parse_bytes} bytes)");
    let extra = framework.saturating_sub(hand);
    let extra_whole = whole.saturating_sub(hand);
    println!("  extra {extra} and {extra_whole} (bound {BOUND})");
    for extra in [extra, extra_whole] {
        assert!(
            extra <= BOUND,
            "the framework allocates {extra} times more than the baseline per callback; the bound is {BOUND}"
        );
    }
    // Exactly what each allocation is for, whatever the handler takes:
    // 1. the security context, copied out of the body into its `Arc<str>`
    //    by the one parse (verifying allocates nothing); the `Callback`
    //    extractor clones the `Arc`, and the empty map of extra fields
    //    allocates nothing;
    // 2. the handler's future, boxed by `Handler::call`.
    assert_eq!(
        (verify, parse),
        (0, 1),
        "verifying must allocate nothing, and parsing the sample only its \
         security context"
    );
    assert_eq!(
        (framework, whole),
        (hand + parse + 1, hand + parse + 1),
        "expected the parse's allocation (the security context) and one more \
         (the handler future) for a handler taking an OrgId and for one \
         taking the Callback"
    );
    println!("test allocations ... ok");
}
