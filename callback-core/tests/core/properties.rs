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

/// The forms of a right `HASH` that are not the right `HASH`, and what the
/// docs (README, "The HASH scheme") decide for each: exactly 64 hex digits
/// in any case are accepted; nothing is trimmed or normalised, so a prefix,
/// a suffix, anything appended and any whitespace inside the header value
/// are `malformed_signature` (`WrongLength`, or `NotHex` at the first bad
/// byte when the length is right). Whitespace around the value never gets
/// here: HTTP parsers strip it (proven over real HTTP in
/// `tests/tests/header_abuse.rs`).
mod hash_forms {
    use super::*;
    use callback_core::SignatureHeader;

    /// Whitespace an HTTP header value may carry (SP, HTAB) and what a
    /// careless proxy or copy-paste may add (CR, LF, VT, FF).
    fn whitespace(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just(' '),
                Just('\t'),
                Just('\r'),
                Just('\n'),
                Just('\x0b'),
                Just('\x0c')
            ],
            len,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    fn verify(secret: Secret, header: &[u8], body: &[u8]) -> Result<usize, SignatureError> {
        Verifier::new(secret)
            .verify(SignatureHeader::One(header), body)
            .map(|verified| verified.secret_index())
    }

    fn wrong_length(found: usize) -> SignatureError {
        SignatureError::WrongLength {
            found,
            expected: 64,
        }
    }

    proptest! {
        #[test]
        fn any_case_of_the_right_hash_is_accepted(
            secret in non_blank_secret(),
            body in body(),
            upper in proptest::collection::vec(any::<bool>(), 64),
        ) {
            let hash = Signer::new(&secret).sign(&body);
            let mixed: String = hash
                .chars()
                .zip(&upper)
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            prop_assert_eq!(verify(secret, mixed.as_bytes(), &body), Ok(0));
        }

        #[test]
        fn a_proper_prefix_of_the_right_hash_is_malformed(
            secret in non_blank_secret(),
            body in body(),
            len in 0usize..64,
            upper in any::<bool>(),
        ) {
            let mut hash = Signer::new(&secret).sign(&body);
            if upper {
                hash.make_ascii_uppercase();
            }
            let expected = if len == 0 { SignatureError::Empty } else { wrong_length(len) };
            prop_assert_eq!(verify(secret, &hash.as_bytes()[..len], &body), Err(expected));
        }

        #[test]
        fn a_proper_suffix_of_the_right_hash_is_malformed(
            secret in non_blank_secret(),
            body in body(),
            from in 1usize..64,
        ) {
            let hash = Signer::new(&secret).sign(&body);
            prop_assert_eq!(
                verify(secret, &hash.as_bytes()[from..], &body),
                Err(wrong_length(64 - from))
            );
        }

        #[test]
        fn the_right_hash_with_anything_before_or_after_is_malformed(
            secret in non_blank_secret(),
            body in body(),
            before in "[0-9a-fA-F]{0,8}",
            after in "[0-9a-fA-F]{0,8}",
        ) {
            prop_assume!(!(before.is_empty() && after.is_empty()));
            let hash = Signer::new(&secret).sign(&body);
            let longer = format!("{before}{hash}{after}");
            prop_assert_eq!(
                verify(secret, longer.as_bytes(), &body),
                Err(wrong_length(longer.len()))
            );
        }

        #[test]
        fn the_right_hash_padded_with_whitespace_is_malformed(
            secret in non_blank_secret(),
            body in body(),
            before in whitespace(0..4),
            after in whitespace(0..4),
        ) {
            prop_assume!(!(before.is_empty() && after.is_empty()));
            let hash = Signer::new(&secret).sign(&body);
            let padded = format!("{before}{hash}{after}");
            prop_assert_eq!(
                verify(secret, padded.as_bytes(), &body),
                Err(wrong_length(padded.len()))
            );
        }

        #[test]
        fn whitespace_in_place_of_digits_is_not_hex_at_the_first_one(
            secret in non_blank_secret(),
            body in body(),
            at in proptest::collection::btree_set(0usize..64, 1..4),
            space in whitespace(1..2),
        ) {
            let hash = Signer::new(&secret).sign(&body);
            let mut bytes = hash.into_bytes();
            for &i in &at {
                bytes[i] = space.as_bytes()[0];
            }
            let first = *at.iter().next().expect("one at least");
            prop_assert_eq!(
                verify(secret, &bytes, &body),
                Err(SignatureError::NotHex { index: first })
            );
        }

        #[test]
        fn a_whitespace_only_hash_is_malformed(
            secret in non_blank_secret(),
            body in body(),
            blank in whitespace(1..80),
        ) {
            let expected = if blank.len() == 64 {
                SignatureError::NotHex { index: 0 }
            } else {
                wrong_length(blank.len())
            };
            prop_assert_eq!(verify(secret, blank.as_bytes(), &body), Err(expected));
        }

        /// Any bytes at all as the header: never a panic, and exactly the
        /// documented error for their shape.
        #[test]
        fn arbitrary_header_bytes_get_the_error_their_shape_says(
            secret in non_blank_secret(),
            body in body(),
            header in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..130),
                proptest::collection::vec(any::<u8>(), 64..=64),
                "[0-9a-fA-F]{64}".prop_map(String::into_bytes),
            ],
        ) {
            let expected = if header.is_empty() {
                SignatureError::Empty
            } else if header.len() != 64 {
                wrong_length(header.len())
            } else if let Some(index) = header.iter().position(|b| !b.is_ascii_hexdigit()) {
                SignatureError::NotHex { index }
            } else {
                // 64 hex digits that are not the MAC, in any case.
                let mac = Signer::new(&secret).sign(&body);
                prop_assume!(!header.eq_ignore_ascii_case(mac.as_bytes()));
                SignatureError::Mismatch
            };
            prop_assert_eq!(verify(secret, &header, &body), Err(expected));
        }
    }
}
