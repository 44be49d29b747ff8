//! Everything logged while a real server answers the whole contract table
//! (successes, every rejection, failing, panicking and late handlers),
//! captured at TRACE with span fields, never contains the secret, the
//! expected MAC of any body sent, or the security context; and it does
//! contain every rejection code, which proves the capture saw the callbacks.
//!
//! A binary of its own: it installs the global subscriber.

use callback_contract::fixture::HANDLER_ERROR_MESSAGE;
use callback_contract::{Expect, Forbidden, LogCapture, cases, run};
use callback_tests::TestServer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::FmtSpan;

#[test]
fn the_whole_table_logs_no_secret_mac_or_security_context() {
    let capture = LogCapture::default();
    tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(LevelFilter::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .init();

    let (server, calls) = TestServer::fixture();
    let all = cases::all();
    run(server.addr(), &calls, &all);
    drop(server);
    let log = capture.text();

    // No run of 12 characters of any of them, in either case.
    Forbidden::for_cases(&all).assert_absent("the log", &log);

    // The capture saw every callback: each code, and the failing handler's
    // message (logged, never sent).
    for case in &all {
        if let Expect::Rejected(_, code) | Expect::Failed(_, code) = case.expect {
            assert!(log.contains(code), "{code} is not in the log:\n{log}");
        }
    }
    assert!(log.contains(HANDLER_ERROR_MESSAGE), "{log}");
    assert!(
        log.contains("latency_us"),
        "span fields are captured:\n{log}"
    );
}
