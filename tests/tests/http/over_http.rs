//! Parts of the HTTP contract over real HTTP, each on a fresh server: a
//! real `HttpServer` on `127.0.0.1:0` and the raw-HTTP peer of
//! `callback-contract`.

use callback_actix::prelude::*;
use callback_contract::{cases, run};
use callback_tests::TestServer;

#[test]
fn all_eight_events_succeed() {
    let (server, calls) = TestServer::fixture();
    run(server.addr(), &calls, &cases::every_event());
    for event in Event::ALL {
        assert_eq!(calls.of(event), 1, "{event}");
    }
}

#[test]
fn every_rejection_refuses_before_any_handler_runs() {
    let (server, calls) = TestServer::fixture();
    run(server.addr(), &calls, &cases::rejections());
    assert_eq!(calls.total(), 0);
}

#[test]
fn rotation_and_content_type_variants_succeed() {
    let (server, calls) = TestServer::fixture();
    run(server.addr(), &calls, &cases::other_successes());
}

#[test]
fn handler_failures_are_500_or_503_and_the_server_keeps_serving() {
    let (server, calls) = TestServer::fixture();
    let sequence = cases::failures_each_followed_by_a_success();
    run(server.addr(), &calls, &sequence);
    assert_eq!(calls.of(Event::Install), 6);
}

#[test]
fn a_panic_is_followed_by_a_request_that_succeeds() {
    let (server, calls) = TestServer::fixture();
    let sequence = [cases::handler_panicked(), cases::handled(Event::Uninstall)];
    run(server.addr(), &calls, &sequence);
    assert_eq!(calls.of(Event::Uninstall), 1);
}

#[test]
fn other_methods_are_405_with_allow_post() {
    let (server, calls) = TestServer::fixture();
    let methods = ["GET", "PUT", "DELETE", "PATCH"];
    run(server.addr(), &calls, &methods.map(cases::wrong_method));
}
