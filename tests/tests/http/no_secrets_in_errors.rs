//! Every public error type reachable from outside (`SignatureError`,
//! `PayloadError`, `Rejection`, `BuildError`, `SecretError`, `MergeError`,
//! `ListenerError`), produced on every path that can be driven with a secret
//! or a security context in play, has its `Display` and `Debug` searched for
//! the secrets, the expected MACs and the security context: no run of 12
//! characters of any of them appears. So do the `Debug` outputs of the
//! types that hold them (`Secret`, `Verifier`, `Router`, `Callbacks`,
//! `CallbackRoutes`, `Payload`, `Callback`), and every response body of the
//! contract table. What the router logs while it refuses them is searched
//! in `no_secrets_in_router_log.rs`, a binary of its own (it installs the
//! global subscriber).
//!
//! An empty or whitespace-only secret is refused, with a message that says
//! so, by `Secret::new`, `Secret::from_env` and `Secret::from_manifest_str`.

use callback_actix::Callbacks;
use callback_actix::prelude::*;
use callback_contract::fixture::{self, OLD_SECRET, SECRET, callback, old_secret, secret};
use callback_contract::leaks::bodies_around_the_security_context;
use callback_contract::{Calls, Forbidden, cases, peer};
use callback_core::manifest::{CallbackListener, MergeError, merge_listener};
use callback_core::payload::PayloadErrorKind;
use callback_core::{
    BuildError, HandlerInfo, HandlerList, Router, SecretError, SignatureError, SignatureHeader,
    Signer, StaticHandler, Verifier,
};
use callback_tests::{TestServer, routes};
use std::process::Command;

#[test]
fn every_signature_error_is_clean() {
    let body = callback(Event::Install).build().body;
    let forbidden = Forbidden::for_cases(&[]).with_body(&body);
    let verifier = Verifier::with_secrets([secret(), old_secret()]).expect("two secrets");
    let right = Signer::new(&secret()).sign(&body);
    let mut not_hex = right.clone().into_bytes();
    not_hex[5] = b'g';
    let foreign = Signer::new(&fixture::foreign_secret()).sign(&body);
    let headers: Vec<SignatureHeader<'_>> = vec![
        SignatureHeader::Absent,
        SignatureHeader::Repeated,
        SignatureHeader::One(b""),
        SignatureHeader::One(&right.as_bytes()[..63]),
        SignatureHeader::One(&right.as_bytes()[1..]),
        SignatureHeader::One(&not_hex),
        SignatureHeader::One(foreign.as_bytes()),
        SignatureHeader::One(b"\xff\xfe"),
    ];
    let mut seen = Vec::new();
    for header in headers {
        // The received value holds most of the expected MAC in some of
        // these: the error must quote neither.
        let err: SignatureError = verifier.verify(header, &body).unwrap_err();
        forbidden.assert_clean(&err);
        seen.push(err.code());
    }
    for code in [
        "missing_signature",
        "repeated_signature",
        "empty_signature",
        "malformed_signature",
        "signature_mismatch",
    ] {
        assert!(seen.contains(&code), "{code} was not reached");
    }
    forbidden.assert_absent("Verifier", &format!("{verifier:?}"));
    let verified = verifier.verify(right.as_str().into(), &body).unwrap();
    forbidden.assert_absent("Verified", &format!("{verified:?}"));
    let payload = verified.parse().unwrap();
    forbidden.assert_clean(&payload.security_context().expect("sent").clone());
    forbidden.assert_absent("Payload", &format!("{payload:?}"));
    let callback = Callback::new(payload, verified.secret_index());
    forbidden.assert_absent("Callback", &format!("{callback:?} {callback:#?}"));
}

#[test]
fn every_payload_error_about_the_security_context_is_clean() {
    let verifier = Verifier::new(secret());
    for (body, code) in bodies_around_the_security_context() {
        let hash = Signer::new(&secret()).sign(body.as_bytes());
        let verified = verifier
            .verify(hash.as_str().into(), body.as_bytes())
            .unwrap();
        let err = verified.parse().expect_err(&body);
        let forbidden = Forbidden::for_cases(&[]).with_body(body.as_bytes());
        // An unknown event is quoted (bounded): here it is the context
        // itself, sent as the event, so only the other secrets count.
        if code == "unknown_event" {
            assert!(err.to_string().contains("unknown event"), "{err}");
            continue;
        }
        let display = forbidden.assert_clean(&err);
        let kind = match err.kind() {
            PayloadErrorKind::Syntax => "invalid_json",
            PayloadErrorKind::UnknownEvent => "unknown_event",
            _ => "invalid_payload",
        };
        assert_eq!(kind, code, "{body}: {display}");
    }
}

#[test]
fn every_response_of_the_contract_table_is_clean() {
    let (server, calls) = TestServer::fixture();
    let all = cases::all();
    let forbidden = Forbidden::for_cases(&all);
    for case in &all {
        let response = peer::send(server.addr(), &case.request);
        forbidden.assert_absent(case.name, &String::from_utf8_lossy(&response.body));
    }
    assert!(calls.total() > 0);
}

// Two handlers for one event, which `callbacks![]` refuses at compile time:
// `HandlerList::new` is how a build error for it is reached.
#[on_install]
async fn first_install() {}

#[on_install]
async fn second_install() {}

#[on_update]
async fn needs_state(_: State<Calls>) {}

#[test]
fn every_build_error_and_every_configured_value_is_clean() {
    let forbidden = Forbidden::for_cases(&[]);
    let both = || [secret(), old_secret()];

    let no_secret = Router::builder(callbacks![first_install])
        .build()
        .unwrap_err();
    assert_eq!(no_secret, BuildError::NoSecret);
    forbidden.assert_clean(&no_secret);

    let twice = HandlerList::new(&[
        <first_install as StaticHandler>::HANDLER,
        <second_install as StaticHandler>::HANDLER,
    ]);
    let builder = Router::builder(twice).secrets(both());
    forbidden.assert_absent("RouterBuilder", &format!("{builder:?}"));
    let duplicate = builder.build().unwrap_err();
    assert!(
        matches!(duplicate, BuildError::Handlers(_)),
        "{duplicate:?}"
    );
    forbidden.assert_clean(&duplicate);

    let callbacks = Callbacks::new(callbacks![needs_state]).secrets(both());
    forbidden.assert_absent("Callbacks", &format!("{callbacks:?}"));
    let missing = callbacks.build().unwrap_err();
    assert!(
        matches!(missing, BuildError::MissingState { .. }),
        "{missing:?}"
    );
    forbidden.assert_clean(&missing);

    let routes = routes(&Calls::default());
    forbidden.assert_absent("CallbackRoutes", &format!("{routes:?} {routes:#?}"));
    forbidden.assert_absent("Router", &format!("{:?}", routes.router()));
    forbidden.assert_absent("Secret", &format!("{:?} {:?}", secret(), old_secret()));
}

/// A manifest holding the secret, broken right after (or inside) it.
fn broken_manifests_holding_the_secret() -> Vec<String> {
    vec![
        format!(r#"{{"secret":"{SECRET}" "x"}}"#),
        format!(r#"{{"secret":"{SECRET}"#),
        format!(r#"{{"secret":{SECRET}}}"#),
        format!(r#"{{"secret":"{SECRET}\q"}}"#),
        format!("{{\"secret\":\"{SECRET}\u{1}\"}}"),
        format!(r#"{{"secret":"{SECRET}",}}"#),
    ]
}

#[test]
fn every_listener_and_merge_error_is_clean() {
    let forbidden = Forbidden::for_cases(&[]);
    let handler = |path: &'static str, name: &'static str| {
        HandlerInfo::new(Event::Install, path, name, "ext")
    };
    let listener_errors = [
        CallbackListener::new(
            "https://ext.example.com",
            &[handler("/a", "a"), handler("/b", "b")],
        ),
        CallbackListener::new("ftp://ext.example.com", &[]),
        CallbackListener::new("https://ext.example.com", &[handler("no-slash", "a")]),
    ];
    for result in &listener_errors {
        forbidden.assert_clean(result.as_ref().unwrap_err());
    }

    let listener = CallbackListener::new("https://ext.example.com", &[handler("/a", "a")]).unwrap();
    let mut manifests = broken_manifests_holding_the_secret();
    manifests.push(format!(r#"["{SECRET}"]"#));
    manifests.push(format!(
        r#"{{"secret":"{SECRET}","callbackListener":{{}},"callbackListener":{{}}}}"#
    ));
    for manifest in &manifests {
        let err: MergeError = merge_listener(manifest, &listener).unwrap_err();
        forbidden.assert_clean(&err);
    }
}

#[test]
fn every_secret_error_is_clean_and_a_blank_secret_says_it_is_empty() {
    let forbidden = Forbidden::for_cases(&[]);
    for blank in ["", " ", "\t", "\n", " \t\r\n ", "\u{3000}"] {
        let err = Secret::new(blank).unwrap_err();
        assert_eq!(err, SecretError::Empty, "{blank:?}");
        assert!(forbidden.assert_clean(&err).contains("the secret is empty"));
        let manifest = serde_json::json!({"service": "DESK", "secret": blank}).to_string();
        let err = Secret::from_manifest_str(&manifest).unwrap_err();
        assert_eq!(err, SecretError::EmptyInManifest, "{blank:?}");
        assert!(forbidden.assert_clean(&err).contains("is empty"));
    }
    let mut manifests = broken_manifests_holding_the_secret();
    manifests.push(format!(r#"{{"secret":["{SECRET}"]}}"#));
    manifests.push(format!(r#"{{"secret":{{"value":"{SECRET}"}}}}"#));
    manifests.push(format!(r#"{{"secrets":"{SECRET}"}}"#));
    for manifest in &manifests {
        forbidden.assert_clean(&Secret::from_manifest_str(manifest).unwrap_err());
    }
    let missing = Secret::from_manifest_file("/nonexistent/plugin-manifest.json").unwrap_err();
    assert!(matches!(missing, SecretError::ManifestRead { .. }));
    forbidden.assert_clean(&missing);
    let unset = Secret::from_env("CALLBACK_TESTS_SURELY_UNSET_SECRET").unwrap_err();
    assert!(matches!(unset, SecretError::MissingEnv(_)));
    forbidden.assert_clean(&unset);
}

/// The variable [`secret_from_env_as_the_parent_set_it`] reads.
const ENV_VAR: &str = "CALLBACK_TESTS_BLANK_SECRET";
/// What the parent expects the child to find: `empty`, `not_unicode`.
const ENV_EXPECT: &str = "CALLBACK_TESTS_EXPECT";

/// Run by [`from_env_refuses_a_blank_variable`] in a child process with
/// the variable set (edition 2024 makes `set_var` unsafe, and unsafe code
/// is forbidden here); on its own, the variable is unset.
#[test]
fn secret_from_env_as_the_parent_set_it() {
    let err = Secret::from_env(ENV_VAR).unwrap_err();
    let forbidden = Forbidden::for_cases(&[]);
    let message = forbidden.assert_clean(&err);
    let expected = match std::env::var(ENV_EXPECT).as_deref() {
        Ok("empty") => SecretError::EmptyEnv(ENV_VAR.into()),
        Ok("not_unicode") => SecretError::NotUnicodeEnv(ENV_VAR.into()),
        _ => SecretError::MissingEnv(ENV_VAR.into()),
    };
    assert_eq!(err, expected);
    assert!(message.contains(ENV_VAR), "{message}");
    if matches!(expected, SecretError::EmptyEnv(_)) {
        assert!(message.contains("is empty"), "{message}");
    }
}

#[test]
fn from_env_refuses_a_blank_variable() {
    use std::ffi::OsString;
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut cases: Vec<(OsString, &str)> = vec![
        ("".into(), "empty"),
        ("   ".into(), "empty"),
        ("\t \n".into(), "empty"),
    ];
    // A value that is not Unicode is made of bytes on Unix; elsewhere
    // (UTF-16 on Windows) that case is not built, and not run.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        cases.push((OsString::from_vec(b"\xff secret".to_vec()), "not_unicode"));
    }
    // The harness names a test by its path below the crate root.
    let child = "secret_from_env_as_the_parent_set_it";
    let child = match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::{child}"),
        None => child.to_owned(),
    };
    for (value, expect) in cases {
        let output = Command::new(std::env::current_exe().expect("this test binary"))
            .args(["--exact", &child, "--test-threads=1"])
            .env(ENV_VAR, &value)
            .env(ENV_EXPECT, expect)
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "{value:?}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Two top-level `"secret"` keys: JSON readers disagree on which counts
/// (serde_json keeps the last, others the first), so the server could
/// verify with another secret than the platform signs with. The manifest
/// merge refuses two `callbackListener` keys for the same reason.
#[test]
fn a_manifest_with_two_secret_keys_is_refused() {
    let manifest = format!(r#"{{"secret":"{SECRET}","service":"DESK","secret":"{OLD_SECRET}"}}"#);
    let err = Secret::from_manifest_str(&manifest).expect_err("two secrets are ambiguous");
    assert_eq!(err, SecretError::DuplicateInManifest { count: 2 });
    let message = Forbidden::for_cases(&[]).assert_clean(&err);
    assert!(message.contains("\"secret\""), "{message}");
}
