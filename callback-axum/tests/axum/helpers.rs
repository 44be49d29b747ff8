//! The testing helpers users write their handler tests with:
//! `callback_axum::test::signed` for a valid callback,
//! `callback_axum::test::request` for any `TestCallback`, broken or not, and
//! `callback_axum::test::desk_delivery` for a Desk delivery.

use crate::server::routes;
use axum::body::to_bytes;
use axum::http::header::CONTENT_TYPE;
use callback_axum::prelude::*;
use callback_axum::test::{desk_delivery, request, signed};
use callback_contract::Calls;
use callback_contract::fixture::{callback, delivery, secret, ticket_with_subject};
use tower::ServiceExt;

#[tokio::test]
async fn signed_builds_a_callback_the_routes_accept() {
    let calls = Calls::default();
    let app: axum::Router = routes(&calls).into_router();
    for event in [Event::Install, Event::Update, Event::Uninstall] {
        let response = app.clone().oneshot(signed(event, &secret())).await.unwrap();
        assert_eq!(response.status(), 200, "{event}");
        assert_eq!(calls.of(event), 1, "{event}");
    }
}

#[tokio::test]
async fn request_sends_what_the_test_callback_describes() {
    let calls = Calls::default();
    let app: axum::Router = routes(&calls).into_router();
    let expect = [
        (callback(Event::ConfigParamAdd), 200),
        (callback(Event::Install).tamper_body(), 401),
        (callback(Event::Install).without_hash(), 401),
        (callback(Event::Install).content_type("text/plain"), 415),
        (callback(Event::Install).path("/callbacks/onUninstall"), 400),
    ];
    for (cb, status) in expect {
        let response = app.clone().oneshot(request(&cb)).await.unwrap();
        assert_eq!(response.status(), status, "{cb:?}");
    }
    assert_eq!(calls.total(), 1);
}

#[tokio::test]
async fn request_copies_method_path_headers_and_body() {
    let cb = callback(Event::TpaRevoke).org_id(42);
    let built = cb.build();
    let req = request(&cb);
    assert_eq!(req.method(), "POST");
    assert_eq!(req.uri().path(), built.path);
    assert_eq!(
        req.headers().get("HASH").unwrap(),
        built.hash.as_deref().unwrap()
    );
    assert_eq!(req.headers().get(CONTENT_TYPE).unwrap(), "application/json");
    let body = to_bytes(req.into_body(), usize::MAX).await.unwrap();
    assert_eq!(body, built.body);

    let unsigned = request(&cb.clone().without_hash().without_content_type());
    assert!(unsigned.headers().get("HASH").is_none());
    assert!(unsigned.headers().get(CONTENT_TYPE).is_none());
}

#[tokio::test]
async fn desk_delivery_sends_the_query_the_token_and_the_body() {
    let calls = Calls::default();
    let app: axum::Router = routes(&calls).into_router();
    let signed = delivery([ticket_with_subject("Printer on fire")]);
    let built = signed.build();
    let req = desk_delivery(&signed);
    assert_eq!(req.uri().to_string(), built.uri());
    assert_eq!(
        req.headers().get("x-zdesk-jwt").unwrap(),
        built.token.as_deref().unwrap()
    );
    assert_eq!(req.headers().get(CONTENT_TYPE).unwrap(), "application/json");
    assert_eq!(app.clone().oneshot(req).await.unwrap().status(), 200);
    let unsigned = desk_delivery(&signed.without_token());
    assert!(unsigned.headers().get("x-zdesk-jwt").is_none());
    assert_eq!(app.oneshot(unsigned).await.unwrap().status(), 401);
    assert_eq!(calls.total(), 1);
}
