//! Secret rotation (several secrets at once, and which one matched), and
//! that no `Debug` output of a secret-holding type shows the secret.

use crate::common;

use callback_core::{
    Callback, Event, HandlerList, Router, Secret, SecretError, SignatureError, Signer, Verifier,
};
use common::{Hits, INSTALL, assert_holds_none, dispatch, secret, signed};

const NEW: &str = "rotated-in-2025-new-secret";
const OLD: &str = "rotated-out-old-secret";
const THIRD: &str = "some-third-secret-never-configured";

const BODY: &[u8] = br#"{"event":"onUpdate","orgId":387238}"#;

fn rotating_verifier() -> Verifier {
    Verifier::with_secrets([secret(NEW), secret(OLD)]).expect("two secrets")
}

fn signed_by(value: &str) -> String {
    Signer::new(&secret(value)).sign(BODY)
}

/// Which secret of `verifier` matched `BODY` signed with `value`.
fn matching_index(verifier: &Verifier, value: &str) -> Result<usize, SignatureError> {
    verifier
        .verify(signed_by(value).as_str().into(), BODY)
        .map(|verified| verified.secret_index())
}

#[test]
fn the_new_secret_matches_at_index_0() {
    let verifier = rotating_verifier();
    assert_eq!(verifier.secret_count(), 2);
    assert_eq!(matching_index(&verifier, NEW), Ok(0));
}

#[test]
fn the_old_secret_matches_at_index_1() {
    assert_eq!(matching_index(&rotating_verifier(), OLD), Ok(1));
}

#[test]
fn a_third_secret_is_a_mismatch() {
    let err = matching_index(&rotating_verifier(), THIRD).unwrap_err();
    assert_eq!(err, SignatureError::Mismatch);
    for text in [err.to_string(), format!("{err:?}")] {
        assert_holds_none(&text, &[NEW, OLD, THIRD, &signed_by(NEW), &signed_by(OLD)]);
    }
}

#[test]
fn order_decides_the_index() {
    let swapped = Verifier::with_secrets([secret(OLD), secret(NEW)]).expect("two secrets");
    assert_eq!(matching_index(&swapped, NEW), Ok(1));
    assert_eq!(matching_index(&swapped, OLD), Ok(0));
}

#[test]
fn no_secrets_make_no_verifier() {
    assert!(Verifier::with_secrets([]).is_none());
    assert!(Verifier::with_secrets(Vec::<Secret>::new()).is_none());
}

#[tokio::test]
async fn the_router_tells_the_handler_which_secret_matched() {
    let hits = Hits::default();
    let router = Router::builder(HandlerList::new(&[&INSTALL]))
        .secret(secret(NEW))
        .secrets([secret(OLD)])
        .state(hits.clone())
        .build()
        .expect("builds");
    let signed_by = |value| signed(Event::Install).signed_with(&secret(value)).build();
    for (value, expected_index) in [(NEW, 0), (OLD, 1)] {
        let outcome = dispatch(&router, &signed_by(value)).await;
        assert_eq!(outcome.status(), 200, "{value}: {outcome:?}");
        let last: Callback = hits.handled().pop().expect("handled");
        assert_eq!(last.secret_index(), expected_index);
    }
    let outcome = dispatch(&router, &signed_by(THIRD)).await;
    assert_eq!(outcome.code(), "signature_mismatch");
    assert_eq!(hits.handled_count(), 2);
}

#[test]
fn debug_never_shows_a_secret() {
    let new = secret(NEW);
    let verifier = rotating_verifier();
    let signer = Signer::new(&new);
    let builder = Router::builder(HandlerList::new(&[&INSTALL]))
        .secret(secret(NEW))
        .secret(secret(OLD))
        .state(Hits::default());
    let builder_debug = format!("{builder:?}");
    let router = builder.build().expect("builds");
    let verified = verifier
        .verify(signed_by(OLD).as_str().into(), BODY)
        .expect("the old secret is accepted");

    assert_eq!(format!("{new:?}"), "Secret(<redacted>)");
    assert_eq!(format!("{signer:?}"), "Signer(<redacted>)");
    assert_eq!(
        format!("{verifier:?}"),
        "Verifier { scheme: HmacSha256Hex, secrets: <2 redacted> }"
    );
    let texts = [
        format!("{new:?}"),
        format!("{new:#?}"),
        format!("{:?}", Some(&new)),
        format!("{signer:?}"),
        format!("{verifier:?}"),
        format!("{verifier:#?}"),
        format!("{verified:?}"),
        builder_debug,
        format!("{router:?}"),
    ];
    for text in texts {
        assert_holds_none(&text, &[NEW, OLD, &signed_by(NEW), &signed_by(OLD)]);
    }
}

#[test]
fn secret_errors_never_show_a_secret() {
    // Blank secrets are refused outright.
    assert_eq!(Secret::new(""), Err(SecretError::Empty));
    assert_eq!(Secret::new(" \t\r\n"), Err(SecretError::Empty));
    let err =
        Secret::from_manifest_str(&format!(r#"{{"secret": "{NEW}" "oops": 1}}"#)).unwrap_err();
    assert!(
        matches!(err, SecretError::ManifestJson { line: 1, .. }),
        "{err:?}"
    );
    assert_holds_none(&err.to_string(), &[NEW]);
    assert_holds_none(&format!("{err:?}"), &[NEW]);
}
