//! Every way `Verifier::verify` refuses a `HASH` header: the exact
//! `SignatureError` variant, its code, and that no message or `Debug` output
//! gives away the secret or the expected MAC.

use crate::common;

use callback_core::testing::TestCallback;
use callback_core::{Event, SignatureError, SignatureHeader, Signer, Verifier};
use common::{OTHER_SECRET, SECRET, assert_holds_none, secret, sign, verifier};

const BODY: &[u8] =
    br#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#;

/// Verifies `header` against `BODY` with `SECRET`, expecting `expected`, and
/// checks the error's code and that it leaks nothing.
#[track_caller]
fn assert_refused(header: SignatureHeader<'_>, expected: SignatureError, code: &str) {
    assert_refused_body(header, BODY, expected, code);
}

#[track_caller]
fn assert_refused_body(
    header: SignatureHeader<'_>,
    body: &[u8],
    expected: SignatureError,
    code: &str,
) {
    let err = verifier().verify(header, body).unwrap_err();
    assert_eq!(err, expected, "for {header:?}");
    assert_eq!(err.code(), code);
    assert_no_leak(&err, body);
}

/// Neither `Display` nor `Debug` of `err` holds the secret or the MAC the
/// verifier expected for `body`.
#[track_caller]
fn assert_no_leak(err: &SignatureError, body: &[u8]) {
    let expected_mac = sign(body);
    for text in [err.to_string(), format!("{err:?}")] {
        assert_holds_none(&text, &[SECRET, &expected_mac]);
    }
}

#[test]
fn no_header_is_missing() {
    assert_refused(
        SignatureHeader::Absent,
        SignatureError::Missing,
        "missing_signature",
    );
    assert_eq!(
        SignatureError::Missing.to_string(),
        "the request has no HASH header"
    );
    // The conversion adapters use for an optional header.
    assert_eq!(SignatureHeader::from(None), SignatureHeader::Absent);
}

#[test]
fn two_headers_are_repeated() {
    assert_refused(
        SignatureHeader::Repeated,
        SignatureError::Repeated,
        "repeated_signature",
    );
    assert_eq!(
        SignatureError::Repeated.to_string(),
        "the request has more than one HASH header"
    );
}

#[test]
fn an_empty_value_is_empty() {
    assert_refused("".into(), SignatureError::Empty, "empty_signature");
    assert_refused(
        SignatureHeader::from(Some(&b""[..])),
        SignatureError::Empty,
        "empty_signature",
    );
    assert_eq!(
        SignatureError::Empty.to_string(),
        "the HASH header is empty"
    );
}

#[test]
fn a_value_of_the_wrong_length_is_wrong_length() {
    let right = sign(BODY);
    let wrong = |found| SignatureError::WrongLength {
        found,
        expected: 64,
    };
    let cases: [(String, usize); 7] = [
        ("a".repeat(63), 63),
        ("a".repeat(65), 65),
        (right[..63].to_owned(), 63),
        (right[1..].to_owned(), 63),
        (format!("{right}0"), 65),
        (format!("sha256={right}"), 71),
        (" ".repeat(3), 3),
    ];
    for (value, found) in cases {
        assert_refused(value.as_str().into(), wrong(found), "malformed_signature");
    }
    // Length is counted in bytes: 64 characters, one of them two bytes long.
    let two_byte = format!("{}é", &right[..63]);
    assert_eq!(two_byte.chars().count(), 64);
    assert_refused(two_byte.as_str().into(), wrong(65), "malformed_signature");
    assert_eq!(
        wrong(63).to_string(),
        "the HASH header is 63 bytes long; expected 64"
    );
}

#[test]
fn a_value_that_is_not_hex_reports_the_first_bad_byte() {
    let right = sign(BODY);
    let with_at = |index: usize, replacement: &str| {
        let mut value = right.clone();
        value.replace_range(index..index + replacement.len(), replacement);
        value
    };
    let cases: [(String, usize); 6] = [
        (with_at(17, "g"), 17),
        (with_at(0, "g"), 0),
        (with_at(63, "G"), 63),
        (with_at(0, "0x"), 1),
        (with_at(30, " "), 30),
        // A two-byte character keeps the value at 64 bytes.
        (with_at(10, "é"), 10),
    ];
    for (value, index) in cases {
        assert_eq!(value.len(), 64, "{value}");
        assert_refused(
            value.as_str().into(),
            SignatureError::NotHex { index },
            "malformed_signature",
        );
    }
    // Raw bytes that are not UTF-8 at all.
    let mut raw = right.clone().into_bytes();
    raw[5] = 0xff;
    assert_refused(
        SignatureHeader::One(&raw),
        SignatureError::NotHex { index: 5 },
        "malformed_signature",
    );
    let all_non_ascii = "é".repeat(32);
    assert_refused(
        all_non_ascii.as_str().into(),
        SignatureError::NotHex { index: 0 },
        "malformed_signature",
    );
    assert_eq!(
        SignatureError::NotHex { index: 17 }.to_string(),
        "the HASH header is not hex: invalid character at position 17"
    );
}

#[test]
fn a_well_formed_wrong_mac_is_a_mismatch() {
    let mismatch = |value: &str| {
        assert_refused(value.into(), SignatureError::Mismatch, "signature_mismatch");
    };
    mismatch(&"0".repeat(64));
    mismatch(&"F".repeat(64));
    // The right MAC of another body.
    mismatch(&sign(br#"{"event":"onInstall","orgId":387238}"#));
    // The right MAC of this body under another secret.
    mismatch(&Signer::new(&secret(OTHER_SECRET)).sign(BODY));
    // The right MAC with its last digit changed.
    let right = sign(BODY);
    let last = if right.ends_with('0') { "1" } else { "0" };
    mismatch(&format!("{}{last}", &right[..63]));
    assert_eq!(
        SignatureError::Mismatch.to_string(),
        "the HASH header does not match the body under any configured secret"
    );
}

#[test]
fn flipping_any_bit_of_the_body_is_a_mismatch() {
    let hash = sign(BODY);
    let verifier = verifier();
    assert!(verifier.verify(hash.as_str().into(), BODY).is_ok());
    for byte in 0..BODY.len() {
        for bit in 0..8 {
            let mut forged = BODY.to_vec();
            forged[byte] ^= 1 << bit;
            assert_eq!(
                verifier.verify(hash.as_str().into(), &forged).unwrap_err(),
                SignatureError::Mismatch,
                "byte {byte} bit {bit}"
            );
        }
    }
    // Adding or dropping bytes, too.
    let longer = [BODY, b"\n"].concat();
    for forged in [&longer[..], &BODY[..BODY.len() - 1], b""] {
        assert_refused_body(
            hash.as_str().into(),
            forged,
            SignatureError::Mismatch,
            "signature_mismatch",
        );
    }
}

#[test]
fn a_tampered_test_callback_is_a_mismatch() {
    let request = TestCallback::new(Event::Install, &secret(SECRET))
        .tamper_body()
        .build();
    let hash = request.hash.as_deref().expect("signed");
    let err = verifier().verify(hash.into(), &request.body).unwrap_err();
    assert_eq!(err, SignatureError::Mismatch);
    assert_eq!(err.code(), "signature_mismatch");

    // The same callback untampered verifies: the tampering is what fails.
    let honest = TestCallback::new(Event::Install, &secret(SECRET)).build();
    let hash = honest.hash.as_deref().expect("signed");
    assert!(verifier().verify(hash.into(), &honest.body).is_ok());
}

#[test]
fn debug_of_headers_never_shows_the_value() {
    let right = sign(BODY);
    let header = SignatureHeader::from(right.as_str());
    assert_eq!(format!("{header:?}"), "One(<64 bytes>)");
}

#[test]
fn a_cloned_verifier_answers_the_same() {
    // A clone shares the keyed state and answers the same.
    let original = Verifier::new(secret(SECRET));
    let clone = original.clone();
    let right = sign(BODY);
    assert!(clone.verify(right.as_str().into(), BODY).is_ok());
    assert_eq!(
        clone
            .verify("0".repeat(64).as_str().into(), BODY)
            .unwrap_err(),
        SignatureError::Mismatch
    );
}
