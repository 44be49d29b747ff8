//! Hostile input to the batch parser and the token check: any bytes, no
//! panic, and exactly one of the documented refusals.

use crate::desk_common::ORG;
use callback_core::desk::{TokenVerifier, parse_batch};
use callback_core::testing::desk::{TestDelivery, test_keys};
use callback_core::{DeskEventKind, OrgId, SignatureHeader};
use proptest::prelude::*;

/// The codes a token may be refused with when the key set is fixed.
const TOKEN_CODES: &[&str] = &[
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
    "wrong_audience",
];

fn verify(token: &[u8]) -> Result<(), &'static str> {
    let verifier = TokenVerifier::new(test_keys());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime
        .block_on(verifier.verify(SignatureHeader::One(token), OrgId::new(ORG), None))
        .map(|_| ())
        .map_err(|e| e.code())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_are_a_batch_or_invalid_json_or_invalid_payload(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(err) = parse_batch(&body) {
            let code = err.rejection().code();
            prop_assert!(code == "invalid_json" || code == "invalid_payload", "{code}");
        }
    }

    #[test]
    fn any_event_type_name_is_kept_and_ids_are_exact(name in "\\PC{0,40}", org in any::<u64>(), as_string in any::<bool>()) {
        let org_json = match as_string { true => format!("\"{org}\""), false => org.to_string() };
        let body = serde_json::json!([{ "eventType": name, "orgId": 0, "payload": {} }])
            .to_string()
            .replace("\"orgId\":0", &format!("\"orgId\":{org_json}"));
        let events = parse_batch(body.as_bytes()).expect("a valid batch");
        prop_assert_eq!(events[0].kind(), &DeskEventKind::from_wire_name(&name));
        prop_assert_eq!(events[0].org_id().get(), org);
    }

    #[test]
    fn any_token_bytes_are_refused_with_a_documented_code(token in proptest::collection::vec(any::<u8>(), 0..300)) {
        let code = verify(&token).expect_err("random bytes never verify");
        prop_assert!(TOKEN_CODES.contains(&code), "{code}");
    }

    #[test]
    fn a_valid_token_with_one_character_changed_never_verifies(at in any::<prop::sample::Index>(), to in any::<u8>()) {
        let token = TestDelivery::new(ORG).token_value().expect("a token");
        let mut bytes = token.into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != to);
        bytes[i] = to;
        match verify(&bytes) {
            Ok(()) => {
                // base64url's last character may carry unused bits: only
                // such a change may leave the token valid.
                prop_assert!(i + 1 == bytes.len() || bytes[i + 1] == b'.', "changed at {i} and still valid");
            }
            Err(code) => prop_assert!(TOKEN_CODES.contains(&code), "{code}"),
        }
    }
}

#[test]
fn the_unchanged_token_verifies() {
    let token = TestDelivery::new(ORG).token_value().unwrap();
    assert_eq!(verify(token.as_bytes()), Ok(()));
}
