//! The testing helpers users write their handler tests with:
//! `callback_actix::test::signed` for a valid callback and
//! `callback_actix::test::request` for any `TestCallback`, broken or not.

use crate::server::routes;
use actix_web::App;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::test::{call_service, init_service};
use callback_actix::prelude::*;
use callback_actix::test::{request, signed};
use callback_contract::Calls;
use callback_contract::fixture::{callback, secret};

#[actix_web::test]
async fn signed_builds_a_callback_the_routes_accept() {
    let calls = Calls::default();
    let app = init_service(App::new().service(routes(&calls))).await;
    for event in [Event::Install, Event::Update, Event::Uninstall] {
        let response = call_service(&app, signed(event, &secret()).to_request()).await;
        assert_eq!(response.status(), 200, "{event}");
        assert_eq!(calls.of(event), 1, "{event}");
    }
}

#[actix_web::test]
async fn request_sends_what_the_test_callback_describes() {
    let calls = Calls::default();
    let app = init_service(App::new().service(routes(&calls))).await;
    let expect = [
        (callback(Event::ConfigParamAdd), 200),
        (callback(Event::Install).tamper_body(), 401),
        (callback(Event::Install).without_hash(), 401),
        (callback(Event::Install).content_type("text/plain"), 415),
        (callback(Event::Install).path("/callbacks/onUninstall"), 400),
    ];
    for (cb, status) in expect {
        let response = call_service(&app, request(&cb).to_request()).await;
        assert_eq!(response.status(), status, "{cb:?}");
    }
    assert_eq!(calls.total(), 1);
}

#[test]
fn request_copies_method_path_and_headers() {
    let cb = callback(Event::TpaRevoke).org_id(42);
    let built = cb.build();
    let req = request(&cb).to_http_request();
    assert_eq!(req.method(), "POST");
    assert_eq!(req.path(), built.path);
    assert_eq!(
        req.headers().get("HASH").unwrap().to_str().unwrap(),
        built.hash.unwrap()
    );
    assert_eq!(req.headers().get(CONTENT_TYPE).unwrap(), "application/json");

    let unsigned = request(&cb.clone().without_hash().without_content_type()).to_http_request();
    assert!(unsigned.headers().get("HASH").is_none());
    assert!(unsigned.headers().get(CONTENT_TYPE).is_none());
}
