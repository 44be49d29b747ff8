//! Properties of signing and verifying over arbitrary secrets and bodies,
//! and of parsing arbitrary (signed) bytes.

use callback_core::{Secret, SignatureError, Signer, Verifier};
use proptest::prelude::*;

/// Any secret the crate accepts: a string that is not blank.
fn non_blank_secret() -> impl Strategy<Value = Secret> {
    any::<String>()
        .prop_filter("not blank", |s| !s.trim().is_empty())
        .prop_map(|s| Secret::new(s).expect("not blank"))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..512)
}

/// Bodies that look like callbacks, so that parsing gets past the syntax
/// check often: the three documented fields with arbitrary JSON-ish values.
fn callback_like_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        any::<String>().prop_map(|s| serde_json::Value::from(s).to_string()),
        "[0-9+ -]{0,24}".prop_map(|s| format!("\"{s}\"")),
        prop_oneof![
            Just("onInstall"),
            Just("onZohoAuthorize"),
            Just("onUninstall"),
            Just("onDelete")
        ]
        .prop_map(|s| format!("\"{s}\"")),
        "[\\[\\]{}\",:0-9a-z ]{0,16}",
    ];
    let key = prop_oneof![
        Just("event".to_owned()),
        Just("orgId".to_owned()),
        Just("securityContext".to_owned()),
        "[a-zA-Z]{0,8}",
    ];
    proptest::collection::vec((key, value), 0..6).prop_map(|fields| {
        let inner: Vec<String> = fields
            .into_iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", inner.join(",")).into_bytes()
    })
}

proptest! {
    #[test]
    fn sign_then_verify_succeeds(secret in non_blank_secret(), body in body()) {
        let hash = Signer::new(&secret).sign(&body);
        prop_assert_eq!(hash.len(), 64);
        prop_assert!(hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let verified = Verifier::new(secret).verify(hash.as_str().into(), &body);
        prop_assert!(verified.is_ok(), "{:?}", verified);
        prop_assert_eq!(verified.expect("ok").body(), &body[..]);
    }

    #[test]
    fn flipping_one_bit_of_the_body_is_a_mismatch(
        secret in non_blank_secret(),
        body in proptest::collection::vec(any::<u8>(), 1..512),
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let hash = Signer::new(&secret).sign(&body);
        let mut forged = body.clone();
        forged[at.index(body.len())] ^= 1 << bit;
        prop_assert_eq!(
            Verifier::new(secret).verify(hash.as_str().into(), &forged).unwrap_err(),
            SignatureError::Mismatch
        );
    }

    #[test]
    fn changing_one_hex_digit_of_the_hash_is_a_mismatch(
        secret in non_blank_secret(),
        body in body(),
        at in 0usize..64,
        delta in 1u32..16,
        upper in any::<bool>(),
    ) {
        let hash = Signer::new(&secret).sign(&body);
        let mut digits: Vec<char> = hash.chars().collect();
        let old = digits[at].to_digit(16).expect("hex");
        let new = std::char::from_digit((old + delta) % 16, 16).expect("a hex digit");
        digits[at] = if upper { new.to_ascii_uppercase() } else { new };
        let changed: String = digits.into_iter().collect();
        prop_assert_ne!(changed.to_ascii_lowercase(), hash);
        prop_assert_eq!(
            Verifier::new(secret).verify(changed.as_str().into(), &body).unwrap_err(),
            SignatureError::Mismatch
        );
    }

    #[test]
    fn an_uppercase_hash_is_accepted(secret in non_blank_secret(), body in body()) {
        let hash = Signer::new(&secret).sign(&body).to_ascii_uppercase();
        prop_assert!(Verifier::new(secret).verify(hash.as_str().into(), &body).is_ok());
    }

    #[test]
    fn parsing_signed_arbitrary_bytes_never_panics(secret in non_blank_secret(), body in body()) {
        let hash = Signer::new(&secret).sign(&body);
        let verifier = Verifier::new(secret);
        let verified = verifier.verify(hash.as_str().into(), &body).expect("signed");
        // Either outcome is fine; returning is the property.
        let _ = verified.parse();
    }

    #[test]
    fn parsing_callback_like_bodies_never_panics_and_keeps_no_documented_field_as_extra(
        body in callback_like_body(),
    ) {
        let secret = Secret::new("proptest-secret").expect("not blank");
        let hash = Signer::new(&secret).sign(&body);
        let verifier = Verifier::new(secret);
        let verified = verifier.verify(hash.as_str().into(), &body).expect("signed");
        if let Ok(payload) = verified.parse() {
            for known in ["event", "orgId", "securityContext"] {
                prop_assert!(!payload.extra().contains_key(known));
            }
        }
    }
}
