//! What a well-behaved client never sends, over a raw socket: a
//! `Content-Length` over the limit, one larger than the bytes sent (with the
//! connection kept open, or closed by the client), and a chunked body over
//! the limit. Each is answered without reading past the
//! limit, without hanging, and without a handler.

use callback_contract::fixture::BODY_LIMIT;
use callback_contract::peer::{raw_exchange, raw_exchange_closing, wire_bytes};
use callback_contract::{Calls, Case, PATIENCE, RawReply, cases};
use callback_tests::TestServer;
use std::time::Instant;

/// The head of `case`'s request and the first `keep` bytes of its body.
fn truncated(case: &Case, keep: usize) -> Vec<u8> {
    let bytes = wire_bytes(&case.request);
    let head = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    bytes[..head + keep].to_vec()
}

fn expect_answer(reply: RawReply, case: &Case, calls: &Calls) {
    let response = reply.expect_response(case.name);
    case.check(&response, &[0; 8], calls);
}

#[test]
fn content_length_over_the_limit_is_413_before_the_body_is_sent() {
    let (server, calls) = TestServer::fixture();
    let case = cases::too_large_with_length();
    assert!(case.request.body.len() > BODY_LIMIT);
    // Only the head: a server waiting for the body would never answer.
    let reply = raw_exchange(server.addr(), &truncated(&case, 0));
    expect_answer(reply, &case, &calls);
}

#[test]
fn chunked_body_over_the_limit_is_413_without_waiting_for_its_end() {
    let (server, calls) = TestServer::fixture();
    let case = cases::too_large_chunked();
    // Chunks just past the limit, and never the terminating chunk.
    let reply = raw_exchange(server.addr(), &truncated(&case, BODY_LIMIT + 200));
    expect_answer(reply, &case, &calls);
}

#[test]
fn content_length_larger_than_the_body_neither_hangs_nor_calls_the_handler() {
    let (server, calls) = TestServer::fixture();
    let case = cases::stalled_body();
    let started = Instant::now();
    // The whole body but 100 bytes fewer than announced, and the connection
    // kept open: only a timeout ends this request.
    let reply = raw_exchange(server.addr(), &wire_bytes(&case.request));
    assert!(started.elapsed() < PATIENCE);
    match reply {
        RawReply::Response(response) => case.check(&response, &[0; 8], &calls),
        RawReply::Closed => assert_eq!(calls.total(), 0),
    }
}

#[test]
fn body_cut_short_by_a_closing_client_is_400_body_unreadable() {
    let (server, calls) = TestServer::fixture();
    let case = cases::truncated_body();
    let reply = raw_exchange_closing(server.addr(), &wire_bytes(&case.request));
    expect_answer(reply, &case, &calls);
}
