//! The HTTP contract over real HTTP: a real `HttpServer` on `127.0.0.1:0`
//! and a real client (reqwest; a raw socket for chunked bodies).

use callback_actix::prelude::*;
use callback_tests::TestServer;
use callback_tests::fixture::cases;

#[tokio::test]
async fn all_eight_events_succeed() {
    let (server, calls) = TestServer::fixture();
    server.run(&calls, &cases::every_event()).await;
    for event in Event::ALL {
        assert_eq!(calls.of(event), 1, "{event}");
    }
}

#[tokio::test]
async fn every_rejection_refuses_before_any_handler_runs() {
    let (server, calls) = TestServer::fixture();
    server.run(&calls, &cases::rejections()).await;
    assert_eq!(calls.total(), 0);
}

#[tokio::test]
async fn rotation_and_content_type_variants_succeed() {
    let (server, calls) = TestServer::fixture();
    server.run(&calls, &cases::other_successes()).await;
}

#[tokio::test]
async fn handler_failures_are_500_or_503_and_the_server_keeps_serving() {
    let (server, calls) = TestServer::fixture();
    let mut sequence = Vec::new();
    for failure in cases::failures() {
        sequence.push(failure);
        sequence.push(cases::handled(Event::Install));
    }
    server.run(&calls, &sequence).await;
    assert_eq!(calls.of(Event::Install), 6);
}

#[tokio::test]
async fn a_panic_is_followed_by_a_request_that_succeeds() {
    let (server, calls) = TestServer::fixture();
    let sequence = [cases::handler_panicked(), cases::handled(Event::Uninstall)];
    server.run(&calls, &sequence).await;
    assert_eq!(calls.of(Event::Uninstall), 1);
}

#[tokio::test]
async fn other_methods_are_405_with_allow_post() {
    let (server, calls) = TestServer::fixture();
    let methods = ["GET", "PUT", "DELETE", "PATCH"];
    server.run(&calls, &methods.map(cases::wrong_method)).await;
}
