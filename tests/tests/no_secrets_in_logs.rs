//! Everything logged while a real server answers the whole contract table
//! (successes, every rejection, failing, panicking and late handlers),
//! captured at TRACE with span fields, never contains the secret, the
//! expected MAC of any body sent, or the security context; and it does
//! contain every rejection code, which proves the capture saw the callbacks.
//!
//! A binary of its own: it installs the global subscriber.

use callback_tests::TestServer;
use callback_tests::fixture::{
    Expect, FOREIGN_SECRET, HANDLER_ERROR_MESSAGE, OLD_SECRET, SECRET, SECURITY_CONTEXT, cases,
    expected_macs,
};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// A writer into a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for Capture {
    type Writer = Capture;

    fn make_writer(&self) -> Capture {
        self.clone()
    }
}

#[tokio::test]
async fn the_whole_table_logs_no_secret_mac_or_security_context() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(LevelFilter::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .init();

    let (server, calls) = TestServer::fixture();
    let all = cases::all();
    server.run(&calls, &all).await;
    drop(server);
    let log = capture.text();

    let mut secrets = vec![
        SECRET.to_owned(),
        OLD_SECRET.to_owned(),
        FOREIGN_SECRET.to_owned(),
        SECURITY_CONTEXT.to_owned(),
    ];
    for mac in expected_macs(&all) {
        secrets.push(mac.to_ascii_uppercase());
        secrets.push(mac);
    }
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "{secret:?} is in the log:\n{log}"
        );
    }

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
