//! `X-ZDesk-JWT` verification alone: [`TokenVerifier::verify`] (the
//! header's algorithm and `kid`, the key by `kid` from the fixed TEST key
//! set, the RS256 signature, the claims) beside the raw verify underneath,
//! `jsonwebtoken::decode` of the same token with the same RSA key and only
//! the algorithm checked, in one group, so criterion reports both under the
//! same load.
//!
//! Run with `cargo bench -p callback-core --bench desk_token`. Target
//! (issue 15): the framework's time ≤ 1.10 × the raw verify's.

// `criterion_group!` defines an undocumented `pub fn`.
#![allow(missing_docs)]

use callback_core::OrgId;
use callback_core::SignatureHeader;
use callback_core::desk::TokenVerifier;
use callback_core::testing::desk::{TEST_PUBLIC_KEY_PEM, TestDelivery, test_keys};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::FutureExt;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

const ORG: u64 = 387238;

fn desk_token(c: &mut Criterion) {
    // Valid for a day: longer than any run.
    let token = TestDelivery::new(ORG)
        .expires_at(SystemTime::now() + Duration::from_secs(24 * 3600))
        .token_value()
        .expect("a signed delivery has a token");
    let verifier = TokenVerifier::new(test_keys());
    // The fixed key set answers at once: no runtime, polled once.
    let framework = || {
        verifier
            .verify(
                SignatureHeader::One(black_box(token.as_bytes())),
                OrgId::new(ORG),
                None,
            )
            .now_or_never()
            .expect("a fixed key set never waits")
    };
    let key = DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY_PEM.as_bytes()).expect("the TEST key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let raw = || jsonwebtoken::decode::<Value>(black_box(&token), &key, &validation);
    assert_eq!(
        framework().expect("the token verifies").org_id,
        OrgId::new(ORG)
    );
    assert!(raw().is_ok());

    let mut group = c.benchmark_group("desk_token");
    group.bench_function("framework", |b| b.iter(framework));
    group.bench_function("raw_rs256", |b| b.iter(raw));
    group.finish();
}

criterion_group!(benches, desk_token);
criterion_main!(benches);
