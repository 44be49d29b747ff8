//! What the router logs: the whole rejection table is dispatched with a
//! `tracing` subscriber writing into a buffer; the logs hold every outcome
//! code (so the capture works) and never the secret, a MAC or the security
//! context.
//!
//! Each test installs its subscriber for its own thread only
//! ([`capture_on_this_thread`]), so the other tests of the binary, on other
//! threads, log nowhere and are not captured.

use crate::common;

use common::{SECRET, SECURITY_CONTEXT, rejection_table, sign, table_router};
use std::io;
use std::sync::{Arc, Mutex, OnceLock};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::{DefaultGuard, Interest};
use tracing::{Dispatch, Event, Metadata, Subscriber};

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

/// A subscriber that takes nothing, and says so (`max_level_hint` is
/// `OFF`): see [`capture_on_this_thread`].
struct TakesNothing;

impl Subscriber for TakesNothing {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::never()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::OFF)
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Installs `subscriber` as this thread's default until the guard drops
/// (the current-thread runtime of `#[tokio::test]` polls every future on
/// this thread).
///
/// `tracing` caches, per log statement, whether any subscriber wants it,
/// for the whole process; while one subscriber exists, a statement first
/// reached on a thread without one (another test's) would be cached as
/// wanted by nobody, and this test would lose its lines. So a second
/// subscriber, [`TakesNothing`], exists for the life of the process from
/// before the first capture: with two, `tracing` asks every subscriber
/// rather than the reaching thread's, and decides per line on the thread
/// that logs it.
fn capture_on_this_thread(subscriber: impl Subscriber + Send + Sync) -> DefaultGuard {
    static SECOND: OnceLock<Dispatch> = OnceLock::new();
    SECOND.get_or_init(|| Dispatch::new(TakesNothing));
    tracing::subscriber::set_default(subscriber)
}

#[tokio::test]
async fn logs_hold_every_code_and_no_secret_mac_or_security_context() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = capture_on_this_thread(subscriber);

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
    let _guard = capture_on_this_thread(subscriber);

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

/// Logs when it is dropped: a stand-in for a handler's guard or connection.
struct LogsWhenDropped;

impl Drop for LogsWhenDropped {
    fn drop(&mut self) {
        tracing::info!("the handler's future was dropped");
    }
}

/// Logs, then waits past any deadline.
#[callback_macros::on_install]
async fn logs_then_waits() {
    tracing::info!("the handler started");
    let _guard = LogsWhenDropped;
    std::future::pending::<()>().await;
}

/// A handler's own log lines carry its callback's span (path, event, org
/// id), while it runs and when the deadline drops its future.
#[tokio::test]
async fn a_handlers_logs_are_inside_its_callback_span_even_when_the_deadline_drops_it() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = capture_on_this_thread(subscriber);

    let router = callback_core::Router::builder(callback_core::callbacks![logs_then_waits])
        .secret(common::secret(SECRET))
        .timeout(std::time::Duration::from_millis(20))
        .build()
        .expect("a valid router");
    let request = common::signed(callback_core::Event::Install).build();
    let outcome = common::dispatch(&router, &request).await;
    assert_eq!(outcome.code(), "handler_timeout");

    let logs = capture.text();
    for message in ["the handler started", "the handler's future was dropped"] {
        let line = logs
            .lines()
            .find(|line| line.contains(message))
            .unwrap_or_else(|| panic!("{message:?} is not in the logs:\n{logs}"));
        assert!(
            line.contains(
                "callback{path=\"/callbacks/onInstall\" event=\"onInstall\" org_id=387238"
            ),
            "{message:?} is outside the callback span: {line}"
        );
    }
}

#[test]
fn the_token_opt_out_is_a_warning_when_the_router_is_built() {
    use crate::desk_common::{DeskHits, TicketAdded};
    use callback_core::desk::TokenPolicy;
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = capture_on_this_thread(subscriber);
    let build = |policy: TokenPolicy| {
        callback_core::Router::builder(Default::default())
            .desk_events(callback_core::desk_events![TicketAdded])
            .desk_keys(callback_core::testing::desk::test_keys())
            .desk_token_policy(policy)
            .state(DeskHits::default())
            .build()
            .expect("builds")
    };
    build(TokenPolicy::Require);
    assert_eq!(capture.text(), "", "requiring the token warns of nothing");
    build(TokenPolicy::InsecureAcceptUnverified);
    let log = capture.text();
    assert!(
        log.contains(" WARN ")
            && log.contains("Desk deliveries are handled WITHOUT checking X-ZDesk-JWT")
            && log.contains("policy=accept deliveries without checking any token"),
        "{log}"
    );
}
