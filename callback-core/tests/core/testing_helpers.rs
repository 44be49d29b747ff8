//! `testing::TestCallback`, which the other tests and extension authors
//! build requests with: its defaults, and that each setter changes only what
//! it names.

use crate::common;

use callback_core::testing::{TEST_SECURITY_CONTEXT, TestCallback};
use callback_core::{Event, Payload, SignatureError};
use common::{SECRET, parse_signed, secret, sign, verifier};
use serde_json::json;

fn payload_of(callback: &TestCallback) -> Payload {
    parse_signed(&callback.build().body).expect("a test callback parses")
}

#[test]
fn defaults_are_a_signed_json_post_to_the_default_path() {
    let request = TestCallback::new(Event::ConfigParamAdd, &secret(SECRET)).build();
    assert_eq!(request.path, "/callbacks/onConfigParamAdd");
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    assert_eq!(request.hash, Some(sign(&request.body)));
    let payload = parse_signed(&request.body).expect("parses");
    assert_eq!(payload.event(), Event::ConfigParamAdd);
    assert_eq!(payload.org_id().get(), 1);
    assert_eq!(
        payload.security_context().map(|c| c.expose()),
        Some(TEST_SECURITY_CONTEXT)
    );
}

#[test]
fn org_id_keeps_the_security_context_and_extras() {
    for callback in [
        TestCallback::new(Event::Install, &secret(SECRET))
            .security_context("ctx-1")
            .extra("note", json!({"a": [1]}))
            .org_id(42),
        TestCallback::new(Event::Install, &secret(SECRET))
            .org_id(42)
            .extra("note", json!({"a": [1]}))
            .security_context("ctx-1"),
    ] {
        let payload = payload_of(&callback);
        assert_eq!(payload.org_id().get(), 42);
        assert_eq!(
            payload.security_context().map(|c| c.expose()),
            Some("ctx-1")
        );
        assert_eq!(payload.extra().get("note"), Some(&json!({"a": [1]})));
    }
}

#[test]
fn without_security_context_sends_none() {
    let callback = TestCallback::new(Event::Install, &secret(SECRET))
        .org_id(7)
        .without_security_context();
    let payload = payload_of(&callback);
    assert_eq!(payload.security_context(), None);
    assert_eq!(payload.org_id().get(), 7);
}

#[test]
fn a_custom_body_is_signed_as_given() {
    let body = b"{\"event\":\"onInstall\",\"orgId\":1} \n".to_vec();
    let request = TestCallback::new(Event::Install, &secret(SECRET))
        .body(body.clone())
        .build();
    assert_eq!(request.body, body);
    assert_eq!(request.hash, Some(sign(&body)));
}

#[test]
fn tampering_changes_only_the_last_byte_after_signing() {
    let honest = TestCallback::new(Event::Install, &secret(SECRET)).build();
    let forged = TestCallback::new(Event::Install, &secret(SECRET))
        .tamper_body()
        .build();
    assert_eq!(forged.hash, honest.hash);
    let n = honest.body.len();
    assert_eq!(forged.body.len(), n);
    assert_eq!(forged.body[..n - 1], honest.body[..n - 1]);
    assert_ne!(forged.body[n - 1], honest.body[n - 1]);

    // An empty body gains a byte instead.
    let empty = TestCallback::new(Event::Install, &secret(SECRET))
        .body(Vec::new())
        .tamper_body()
        .build();
    assert_eq!(empty.body, b" ");
    assert_eq!(empty.hash, Some(sign(b"")));
    assert_eq!(
        verifier()
            .verify(empty.hash.as_deref().expect("signed").into(), &empty.body)
            .unwrap_err(),
        SignatureError::Mismatch
    );
}

#[test]
fn header_setters_do_what_they_say() {
    let base = || TestCallback::new(Event::Install, &secret(SECRET));
    assert_eq!(base().without_hash().build().hash, None);
    assert_eq!(base().hash("abc").build().hash.as_deref(), Some("abc"));
    assert_eq!(base().without_content_type().build().content_type, None);
    assert_eq!(
        base()
            .content_type("text/plain")
            .build()
            .content_type
            .as_deref(),
        Some("text/plain")
    );
    assert_eq!(base().path("/x").build().path, "/x");
    let other = secret(common::OTHER_SECRET);
    let request = base().signed_with(&other).build();
    assert_eq!(
        request.hash,
        Some(callback_core::Signer::new(&other).sign(&request.body))
    );
}
