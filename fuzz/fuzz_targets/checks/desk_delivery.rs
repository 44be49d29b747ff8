//! What the `desk_delivery` target checks, one input at a time. Shared by
//! the target (`fuzz/fuzz_targets/desk_delivery.rs`) and by
//! `callback-core/tests/core/fuzz_regressions.rs`, which runs every
//! committed seed through it in `cargo test` (this file depends only on
//! what both build: callback-core with `test-util`, serde_json, base64 and
//! futures-util).
//!
//! Input: line 1 the `X-ZDesk-JWT` token, the rest the body. Line 1 may
//! instead be `absent` (no header), `repeated` (two headers), `sign` (a
//! token signed RS256 with the TEST key for [`ORG`] at [`now`]) or
//! `sign-other` (the same, signed with the other TEST key under the TEST
//! key's `kid`). The token is checked with `TokenVerifier::verify_at` at
//! [`now`] against the TEST key set, for [`ORG`], no audience; the body
//! with `parse_batch`.
//!
//! Properties:
//! - Nothing panics, and the token check never waits (the key set is
//!   fixed: no fetch).
//! - A refused token is `401` with one of [`TOKEN_CODES`]: `absent` is
//!   `missing_token`, `repeated` `repeated_token`, `sign-other`
//!   `token_signature_mismatch`; a token that is not UTF-8 or not three
//!   dot-separated parts is `malformed_token`; one whose header (base64url
//!   JSON, read here independently) names an `alg` other than `RS256`
//!   (`none`, `HS256`, …) is `unsupported_algorithm`. `sign` is accepted.
//! - An accepted token names `RS256` and the TEST key's `kid` in its
//!   header, and `iss` `orgId:<ORG>` in its claims (read independently),
//!   and is for [`ORG`].
//! - A refused body is `400` `invalid_json` or `invalid_payload`; when
//!   serde_json reads the body as JSON, the refusal is `invalid_payload`.
//! - An accepted body is a JSON array (by serde_json) with one event per
//!   element, each of the element's `eventType` (the known type of that
//!   wire name, or "other" carrying it) and of its `orgId` (a number, or a
//!   string of digits) exactly.

use callback_core::desk::{BatchErrorKind, TokenError, TokenVerifier, parse_batch};
use callback_core::testing::desk::{TEST_KEY_ID, TestDelivery, test_keys};
use callback_core::{DeskEventKind, OrgId, SignatureHeader};
use futures_util::FutureExt;
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The org every delivery is checked for.
pub(crate) const ORG: u64 = 387238;

/// The codes a token may be refused with when the key set is fixed and no
/// audience is configured.
pub(crate) const TOKEN_CODES: &[&str] = &[
    "missing_token",
    "repeated_token",
    "malformed_token",
    "unsupported_algorithm",
    "missing_key_id",
    "unknown_key",
    "wrong_key_type",
    "token_signature_mismatch",
    "invalid_claims",
    "token_expired",
    "token_issued_in_future",
    "wrong_issuer",
];

/// The instant every token is checked at (2023-11-14T22:13:20Z): a seed
/// signed for it stays valid.
pub(crate) fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// What an input gave: the token's refusal code (or `Ok`), and the number
/// of events (or the body's refusal code).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Checked {
    pub(crate) token: Result<(), &'static str>,
    pub(crate) batch: Result<usize, &'static str>,
}

/// Checks one input; panics on a broken property.
pub(crate) fn check(data: &[u8]) -> Checked {
    let (line, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let minted = match line {
        b"sign" => TestDelivery::new(ORG).issued_at(now()).token_value(),
        b"sign-other" => TestDelivery::new(ORG)
            .issued_at(now())
            .signed_with_other_key()
            .token_value(),
        _ => None,
    };
    let header = match (line, &minted) {
        (_, Some(token)) => SignatureHeader::One(token.as_bytes()),
        (b"absent", None) => SignatureHeader::Absent,
        (b"repeated", None) => SignatureHeader::Repeated,
        (raw, None) => SignatureHeader::One(raw),
    };
    let token = check_token(line, header);
    Checked {
        token,
        batch: check_batch(body),
    }
}

fn check_token(line: &[u8], header: SignatureHeader<'_>) -> Result<(), &'static str> {
    let verifier = TokenVerifier::new(test_keys());
    let result = verifier
        .verify_at(header, OrgId::new(ORG), None, now())
        .now_or_never()
        .expect("a fixed key set never waits");
    let raw = match header {
        SignatureHeader::One(raw) => Some(raw),
        _ => None,
    };
    let reading = raw.and_then(read_token);
    match result {
        Ok(verified) => {
            assert_eq!(verified.org_id, OrgId::new(ORG));
            let (header, claims) = reading.expect("an accepted token is three base64url parts");
            assert_eq!(header.get("alg"), Some(&Value::from("RS256")));
            assert_eq!(header.get("kid"), Some(&Value::from(TEST_KEY_ID)));
            let claims = claims.expect("an accepted token's claims are JSON");
            assert_eq!(
                claims.get("iss"),
                Some(&Value::from(format!("orgId:{ORG}")))
            );
            assert_ne!(line, b"sign-other", "a token of the other key was accepted");
            Ok(())
        }
        Err(err) => {
            let code = err.code();
            assert!(TOKEN_CODES.contains(&code), "undocumented code {code}");
            assert_eq!(err.rejection().status(), 401, "{code}");
            let expected = match (line, raw) {
                (b"sign", _) => panic!("the TEST key's own token was refused: {err:?}"),
                (b"sign-other", _) => Some(TokenError::SignatureMismatch.code()),
                (b"absent", None) => Some(TokenError::Missing.code()),
                (b"repeated", None) => Some(TokenError::Repeated.code()),
                (_, Some(raw)) => expected_code(raw, reading.as_ref()),
                (_, None) => None,
            };
            if let Some(expected) = expected {
                assert_eq!(code, expected, "{err:?}");
            }
            Err(code)
        }
    }
}

/// The refusal an independent reading of the token's text foresees.
fn expected_code(raw: &[u8], reading: Option<&(Value, Option<Value>)>) -> Option<&'static str> {
    let malformed = TokenError::Malformed("").code();
    let Ok(text) = std::str::from_utf8(raw) else {
        return Some(malformed);
    };
    if text.trim().split('.').count() != 3 {
        return Some(malformed);
    }
    let alg = reading.and_then(|(header, _)| header.get("alg")?.as_str());
    match alg {
        Some(alg) if alg != "RS256" => Some(TokenError::UnsupportedAlgorithm(String::new()).code()),
        _ => None,
    }
}

/// The token's header (a JSON object) and claims (if JSON), read with
/// base64 and serde_json alone.
fn read_token(raw: &[u8]) -> Option<(Value, Option<Value>)> {
    use base64::Engine;
    let text = std::str::from_utf8(raw).ok()?.trim();
    let mut parts = text.split('.');
    let (header, claims) = (parts.next()?, parts.next()?);
    parts.next()?;
    let decode = |part: &str| {
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .ok()?;
        serde_json::from_slice::<Value>(&json).ok()
    };
    let header = decode(header).filter(Value::is_object)?;
    Some((header, decode(claims)))
}

fn check_batch(body: &[u8]) -> Result<usize, &'static str> {
    let oracle = serde_json::from_slice::<Value>(body);
    match parse_batch(body) {
        Ok(events) => {
            let Ok(Value::Array(items)) = oracle else {
                panic!("a batch was read from what serde_json does not read as an array");
            };
            assert_eq!(events.len(), items.len());
            for (event, item) in events.iter().zip(&items) {
                let name = item["eventType"]
                    .as_str()
                    .expect("an accepted eventType is a string");
                assert_eq!(event.kind(), &DeskEventKind::from_wire_name(name));
                let org = match &item["orgId"] {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
                    _ => None,
                };
                assert_eq!(Some(event.org_id().get()), org, "{item}");
            }
            Ok(events.len())
        }
        Err(err) => {
            let rejection = err.rejection();
            let code = rejection.code();
            assert!(
                code == "invalid_json" || code == "invalid_payload",
                "{code}"
            );
            assert_eq!(rejection.status(), 400, "{code}");
            if oracle.is_ok() {
                assert_eq!(err.kind(), BatchErrorKind::Data, "{err}");
            }
            Err(code)
        }
    }
}
