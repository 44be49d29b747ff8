//! What the router logs: the whole rejection table is dispatched with a
//! `tracing` subscriber writing into a buffer; the logs hold every outcome
//! code (so the capture works) and never the secret, a MAC or the security
//! context.

mod common;

use common::{SECRET, SECURITY_CONTEXT, rejection_table, sign, table_router};
use std::io;
use std::sync::{Arc, Mutex};

/// A `MakeWriter` appending everything to one shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().expect("not poisoned").clone()).expect("UTF-8 logs")
    }
}

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test]
async fn logs_hold_every_code_and_no_secret_mac_or_security_context() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    // Thread-local, so other tests are unaffected; the current-thread
    // runtime polls every future on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);

    let cases = rejection_table();
    let mut forbidden: Vec<String> = vec![SECRET.to_owned(), SECURITY_CONTEXT.to_owned()];
    for case in &cases {
        let (router, _hits) = table_router();
        let outcome = case.dispatch(&router).await;
        let expected_code = case.expect.map_or("ok", |k| k.code());
        assert_eq!(outcome.code(), expected_code, "{}", case.name);
        // The MAC the router expects for this body, and the value received.
        forbidden.push(sign(&case.request.body));
        if let Some(hash) = case.request.hash.as_ref().filter(|h| h.len() >= 16) {
            forbidden.push(hash.clone());
        }
    }
    let logs = capture.text();

    // The capture works: every outcome is there, once per case.
    for case in &cases {
        let code = case.expect.map_or("ok", |k| k.code());
        assert!(
            logs.contains(&format!("outcome=\"{code}\"")),
            "outcome {code} is not in the logs:\n{logs}"
        );
        if case.expect.is_some() {
            assert!(
                logs.contains(&format!("code=\"{code}\"")),
                "code {code} is not in the logs:\n{logs}"
            );
        }
    }
    assert_eq!(
        logs.matches("callback rejected").count() + logs.matches("callback failed").count(),
        cases.iter().filter(|c| c.expect.is_some()).count(),
        "{logs}"
    );
    assert_eq!(
        logs.matches("callback handled").count(),
        cases.iter().filter(|c| c.expect.is_none()).count(),
        "{logs}"
    );
    // What is meant to be there: the handler failure's detail, the org id.
    assert!(logs.contains(common::FAILURE), "{logs}");
    assert!(logs.contains("org_id=387238"), "{logs}");

    let forbidden: Vec<&str> = forbidden.iter().map(String::as_str).collect();
    common::assert_holds_none(&logs, &forbidden);
}

/// A subscriber that takes only `warn` does not see the `info` span, so a
/// rejection's own log line must say where it happened.
#[tokio::test]
async fn a_warn_only_subscriber_still_sees_the_path_and_code_of_a_rejection() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (router, _hits) = table_router();
    let forged = common::signed(callback_core::Event::Install)
        .tamper_body()
        .build();
    let outcome = common::dispatch(&router, &forged).await;
    assert_eq!(outcome.code(), "signature_mismatch");

    let logs = capture.text();
    assert!(
        logs.contains("path=\"/callbacks/onInstall\"")
            || logs.contains("path=/callbacks/onInstall"),
        "{logs}"
    );
    assert!(logs.contains("signature_mismatch"), "{logs}");
    assert!(!logs.contains(SECURITY_CONTEXT), "{logs}");
}
