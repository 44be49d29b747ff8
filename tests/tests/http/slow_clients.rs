//! Slow and silent clients against a real server with one worker: a body
//! trickled a byte at a time slower than the body timeout, connections that
//! send nothing (or half a request head), and `Content-Length`s larger than
//! the bodies sent. Each is timed out (the fixture's body timeout is 1 s,
//! actix's request-head timeout 2 s here), no handler runs for it, and valid
//! callbacks sent while they are stuck are answered at once: proven by the
//! order of the answers, not by a pause.

use callback_actix::prelude::*;
use callback_contract::fixture::BODY_TIMEOUT;
use callback_contract::peer::{connect, read_reply, wire_bytes};
use callback_contract::{Calls, Case, PATIENCE, RawReply, cases, run};
use callback_tests::{TestServer, routes};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A client on its own connection and thread: writes `prefix` at once,
/// then `trickle` one byte every `every` (stopping early if the server
/// answers or closes), then waits for the answer without closing.
struct SlowClient {
    started: Instant,
    /// Sent once the first bytes are written, so the valid callbacks go out
    /// while this client is known to be stuck.
    ready: mpsc::Receiver<()>,
    thread: JoinHandle<(RawReply, Instant)>,
}

impl SlowClient {
    fn start(addr: SocketAddr, prefix: Vec<u8>, trickle: Vec<u8>, every: Duration) -> Self {
        let (ready_tx, ready) = mpsc::channel();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            let mut stream = connect(addr);
            stream.write_all(&prefix).expect("the head is written");
            let mut writer = stream.try_clone().expect("a writing handle");
            let (done_tx, done) = mpsc::channel::<()>();
            let trickler = std::thread::spawn(move || {
                for byte in trickle {
                    // Stops when the reader has its answer, or on a closed
                    // connection; at worst after the last byte.
                    if done.recv_timeout(every).is_ok() || writer.write_all(&[byte]).is_err() {
                        return;
                    }
                }
            });
            let _ = ready_tx.send(());
            let reply = read_reply(&mut stream);
            let answered = Instant::now();
            let _ = done_tx.send(());
            trickler.join().expect("the trickler ends");
            (reply, answered)
        });
        SlowClient {
            started,
            ready,
            thread,
        }
    }

    fn wait_until_sending(&self) {
        self.ready
            .recv_timeout(PATIENCE)
            .expect("the slow client connected");
    }

    /// The answer, and how long after the start it came.
    fn answer(self) -> (RawReply, Instant, Duration) {
        let (reply, at) = self.thread.join().expect("the slow client ends");
        (reply, at, at - self.started)
    }
}

/// Sends valid callbacks one after another while slow clients are stuck,
/// checks each, and returns when the last was answered.
fn serve_valid_callbacks(server: &TestServer, calls: &Calls, count: usize) -> Instant {
    let valid: Vec<Case> = (0..count)
        .map(|i| cases::handled(Event::ALL[i % Event::COUNT]))
        .collect();
    run(server.addr(), calls, &valid);
    Instant::now()
}

/// A valid callback's head, and its body.
fn head_and_body(case: &Case) -> (Vec<u8>, Vec<u8>) {
    let bytes = wire_bytes(&case.request);
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    (bytes[..end].to_vec(), bytes[end..].to_vec())
}

/// Checks that `slow` clients were cut off with `status` (and `code`, for
/// the JSON answers of our service) no sooner than `timeout`, after the
/// valid callbacks were answered at `served`, and that no handler ran for
/// them.
fn expect_cut_off(
    slow: Vec<SlowClient>,
    served: Instant,
    timeout: Duration,
    status: u16,
    code: Option<&str>,
) {
    for (i, client) in slow.into_iter().enumerate() {
        let (reply, answered, after) = client.answer();
        let response = reply.expect_response(&format!("slow client {i}"));
        assert_eq!(response.status, status, "slow client {i}");
        if let Some(code) = code {
            let body: serde_json::Value = serde_json::from_slice(&response.body).expect("JSON");
            assert_eq!(body["error"], code, "slow client {i}");
        }
        assert!(after >= timeout, "slow client {i} cut off after {after:?}");
        assert!(
            served < answered,
            "slow client {i} was answered before the valid callbacks were: they did not overlap"
        );
    }
}

#[test]
fn a_body_trickled_slower_than_the_body_timeout_is_cut_off_while_others_are_served() {
    let (server, calls) = TestServer::fixture();
    let case = cases::handled(Event::Install);
    let (head, body) = head_and_body(&case);
    // A byte every 100 ms: the whole body would take several times the
    // body timeout.
    let every = Duration::from_millis(100);
    assert!(every * body.len() as u32 > 4 * BODY_TIMEOUT);
    let slow: Vec<SlowClient> = (0..4)
        .map(|_| SlowClient::start(server.addr(), head.clone(), body.clone(), every))
        .collect();
    slow.iter().for_each(SlowClient::wait_until_sending);
    let served = serve_valid_callbacks(&server, &calls, 8);
    expect_cut_off(slow, served, BODY_TIMEOUT, 400, Some("body_unreadable"));
    assert_eq!(calls.total(), 8, "no handler ran for a trickled body");
}

#[test]
fn a_body_sent_a_byte_at_a_time_within_the_body_timeout_is_handled() {
    // The control for the test above: one byte a write is not what is
    // refused; taking longer than the body timeout is.
    let (server, calls) = TestServer::fixture();
    let case = cases::handled(Event::Update);
    let (head, body) = head_and_body(&case);
    let client = SlowClient::start(server.addr(), head, body, Duration::from_millis(1));
    let (reply, _, after) = client.answer();
    let response = reply.expect_response("fast trickle");
    case.check(&response, &[0; Event::COUNT], &calls);
    assert!(after < BODY_TIMEOUT, "{after:?}");
}

#[test]
fn connections_that_send_nothing_or_half_a_head_get_408_while_others_are_served() {
    // actix-http sets the head deadline from a clock it refreshes every
    // 500 ms, so its 408 comes up to 500 ms early: with the fixture's 500 ms
    // it could come at once. 2 s leaves the 408 between 1.5 s and 2 s, well
    // after the valid callbacks sent meanwhile.
    const HEAD_TIMEOUT: Duration = Duration::from_secs(2);
    const ACTIX_CLOCK_STEP: Duration = Duration::from_millis(500);
    let calls = Calls::default();
    let server = TestServer::start_with_head_timeout(routes(&calls), HEAD_TIMEOUT);
    let (head, _) = head_and_body(&cases::handled(Event::Install));
    let mut slow: Vec<SlowClient> = (0..16)
        .map(|_| SlowClient::start(server.addr(), Vec::new(), Vec::new(), Duration::ZERO))
        .collect();
    slow.extend((0..4).map(|_| {
        let half = head[..head.len() / 2].to_vec();
        SlowClient::start(server.addr(), half, Vec::new(), Duration::ZERO)
    }));
    slow.iter().for_each(SlowClient::wait_until_sending);
    let served = serve_valid_callbacks(&server, &calls, 8);
    // actix-http's own answer to a head that did not come in time.
    expect_cut_off(slow, served, HEAD_TIMEOUT - ACTIX_CLOCK_STEP, 408, None);
    assert_eq!(calls.total(), 8);
    serve_valid_callbacks(&server, &calls, 1);
}

#[test]
fn content_lengths_larger_than_their_bodies_time_out_while_others_are_served() {
    let (server, calls) = TestServer::fixture();
    let case = cases::stalled_body();
    let slow: Vec<SlowClient> = (0..16)
        .map(|_| {
            // The whole body, 100 bytes short of its Content-Length, and the
            // connection kept open.
            SlowClient::start(
                server.addr(),
                wire_bytes(&case.request),
                Vec::new(),
                Duration::ZERO,
            )
        })
        .collect();
    slow.iter().for_each(SlowClient::wait_until_sending);
    let served = serve_valid_callbacks(&server, &calls, 8);
    expect_cut_off(slow, served, BODY_TIMEOUT, 400, Some("body_unreadable"));
    assert_eq!(calls.total(), 8, "no handler ran for a stalled body");
    serve_valid_callbacks(&server, &calls, 1);
}
