//! Handler faults beyond `over_http` (which proves each failure gets its
//! status and the next request, on a new connection, succeeds): the same
//! keep-alive connection goes on serving after each fault; many faults at
//! once, alongside valid callbacks, disturb none of them; a handler that
//! hangs is cut at the deadline, not when it would have finished; and
//! neither a panic's message nor a handler's error is ever sent.

use callback_actix::prelude::*;
use callback_contract::fixture::{HANDLER_ERROR_MESSAGE, HANDLER_SLEEP, PANIC_MESSAGE, TIMEOUT};
use callback_contract::peer::{self, connect, read_reply, wire_bytes};
use callback_contract::{Calls, Case, Expect, Response, cases};
use callback_tests::{TestServer, routes};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

/// The status, JSON body and code `case` expects, and nothing of the
/// handler's failure in the body; not the handler counts.
fn check_answer(case: &Case, response: &Response) {
    let name = case.name;
    let body: serde_json::Value = serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| panic!("{name}: status {}, not JSON ({e})", response.status));
    match case.expect {
        Expect::Handled(event) => {
            assert_eq!(response.status, 200, "{name}: {body}");
            assert_eq!(body["event"], event.wire_name(), "{name}");
        }
        Expect::Delivered(events) => {
            assert_eq!(response.status, 200, "{name}: {body}");
            assert_eq!(body["events"], events, "{name}");
        }
        Expect::Validated => {
            assert_eq!(response.status, 200, "{name}: {body}");
            assert_eq!(body["ok"], true, "{name}");
        }
        Expect::Rejected(status, code) | Expect::Failed(status, code) => {
            assert_eq!(response.status, status, "{name}: {body}");
            assert_eq!(body["error"], code, "{name}");
        }
    }
    let text = body.to_string();
    assert!(!text.contains(PANIC_MESSAGE), "{name}: {text}");
    assert!(!text.contains(HANDLER_ERROR_MESSAGE), "{name}: {text}");
}

#[test]
fn one_keep_alive_connection_serves_on_after_each_fault() {
    let (server, calls) = TestServer::fixture();
    let mut stream = connect(server.addr());
    let sequence = cases::failures_each_followed_by_a_success();
    for case in &sequence {
        let before = calls.snapshot();
        stream
            .write_all(&wire_bytes(&case.request))
            .expect("the connection is still open");
        let response = read_reply(&mut stream).expect_response(case.name);
        case.check(&response, &before, &calls);
        check_answer(case, &response);
    }
    assert_eq!(calls.of(Event::Install), sequence.len());
}

#[test]
fn many_faults_at_once_disturb_no_valid_callback_and_hangs_end_at_the_deadline() {
    // actix's default head timeout: 80 connections opened at once on a
    // loaded machine may take longer than the fixture's 500 ms to send
    // their heads, and get actix's 408, which is not what this test is about.
    let calls = Calls::default();
    let server = TestServer::start_with_head_timeout(routes(&calls), Duration::from_secs(5));
    const EACH: usize = 16;
    let mut batch: Vec<Case> = Vec::new();
    for _ in 0..EACH {
        batch.extend(cases::failures());
        batch.push(cases::handled(Event::Uninstall));
        batch.push(cases::handled(Event::Update));
    }
    let started = Instant::now();
    // One client thread per request, all at once.
    let responses: Vec<Response> = std::thread::scope(|scope| {
        let clients: Vec<_> = batch
            .iter()
            .map(|case| scope.spawn(|| peer::send(server.addr(), &case.request)))
            .collect();
        clients
            .into_iter()
            .map(|client| client.join().expect("the client gets an answer"))
            .collect()
    });
    let elapsed = started.elapsed();

    let mut statuses = BTreeMap::<u16, usize>::new();
    for (case, response) in batch.iter().zip(&responses) {
        // Handler counts are checked as totals below: concurrent calls
        // interleave, so no per-request snapshot can attribute them.
        check_answer(case, response);
        *statuses.entry(response.status).or_default() += 1;
    }
    assert_eq!(statuses[&200], 2 * EACH);
    assert_eq!(statuses[&500], 2 * EACH); // an error and a panic each
    assert_eq!(statuses[&503], EACH);
    // Every handler ran once: 3 faulty onInstall and 2 valid per round.
    assert_eq!(calls.of(Event::Install), 3 * EACH);
    assert_eq!(calls.of(Event::Uninstall), EACH);
    assert_eq!(calls.of(Event::Update), EACH);
    // Sixteen handlers that would each hang for 10 s, all sent at once to
    // one worker, were answered before any could have finished: at the
    // 50 ms deadline.
    assert!(
        elapsed < HANDLER_SLEEP,
        "the batch took {elapsed:?}: hung handlers were waited for"
    );
}

#[test]
fn a_hanging_handler_is_answered_at_its_deadline() {
    let (server, calls) = TestServer::fixture();
    let case = cases::handler_timeout();
    let before = calls.snapshot();
    let started = Instant::now();
    let response = peer::send(server.addr(), &case.request);
    let elapsed = started.elapsed();
    case.check(&response, &before, &calls);
    assert!(
        elapsed >= TIMEOUT,
        "answered before the deadline: {elapsed:?}"
    );
    assert!(elapsed < HANDLER_SLEEP / 4, "answered after {elapsed:?}");
}
