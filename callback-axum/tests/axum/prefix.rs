//! Where the routes are nested is where the manifest says: a declared
//! prefix is written into the `callbackListener` and served where the
//! routes are nested at it; routes nested without declaring it, nested
//! elsewhere, or declared but merged at the root refuse every request with
//! `404 not_found` saying why, and run nothing.

use crate::server::{TestServer, routes};
use axum::body::{Body, to_bytes};
use axum::http::Request;
use callback_axum::test::{desk_delivery, request};
use callback_contract::fixture::{callback, delivery};
use callback_contract::{Calls, Request as RawRequest, peer};
use callback_core::Event;
use callback_core::mount::MountMismatch;
use serde_json::Value;
use tower::ServiceExt;

fn mismatch(declared: &str, actual: &str) -> String {
    MountMismatch {
        declared: declared.to_owned(),
        actual: Some(actual.to_owned()),
    }
    .to_string()
}

/// A signed `onInstall`, a `PUT` to its path, a `GET` and a delivery to
/// the default webhook, all under `prefix`.
fn under(prefix: &str) -> Vec<Request<Body>> {
    let install = callback(Event::Install).path(&format!("{prefix}/callbacks/onInstall"));
    let webhook = format!("{prefix}/desk/deskEvents");
    vec![
        request(&install),
        Request::put(format!("{prefix}/callbacks/onInstall"))
            .body(Body::empty())
            .unwrap(),
        Request::get(&webhook).body(Body::empty()).unwrap(),
        desk_delivery(&delivery([]).path(&webhook)),
    ]
}

async fn statuses(app: &axum::Router, requests: Vec<Request<Body>>) -> Vec<u16> {
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(
            app.clone()
                .oneshot(request)
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    statuses
}

async fn assert_refused(app: &axum::Router, requests: Vec<Request<Body>>, message: &str) {
    for request in requests {
        let what = format!("{} {}", request.method(), request.uri());
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 404, "{what}");
        let body: Value =
            serde_json::from_slice(&to_bytes(response.into_body(), 4096).await.unwrap()).unwrap();
        assert_eq!(body["error"], "not_found", "{what}");
        assert_eq!(body["message"], message, "{what}");
    }
}

#[tokio::test]
async fn a_declared_prefix_is_served_where_nested_and_named_in_the_listener() {
    let calls = Calls::default();
    let at_root = routes(&calls).callback_listener("https://ext.example.com/");
    assert_eq!(
        at_root.unwrap().url(Event::Install),
        Some("https://ext.example.com/callbacks/onInstall")
    );
    let routes = routes(&calls).with_prefix("/zoho").unwrap();
    let listener = routes
        .callback_listener("https://ext.example.com/")
        .unwrap();
    assert_eq!(
        listener.url(Event::Install),
        Some("https://ext.example.com/zoho/callbacks/onInstall")
    );
    let app = axum::Router::new().nest("/zoho", routes.into_router());
    assert_eq!(statuses(&app, under("/zoho")).await, [200, 405, 200, 200]);
    assert_eq!(calls.of(Event::Install), 1);
}

#[tokio::test]
async fn nests_within_nests_are_one_prefix() {
    let calls = Calls::default();
    let routes = routes(&calls).with_prefix("/a/b").unwrap();
    let app = axum::Router::new().nest("/a", axum::Router::new().nest("/b", routes.into_router()));
    assert_eq!(statuses(&app, under("/a/b")).await, [200, 405, 200, 200]);
}

#[tokio::test]
async fn nested_without_declaring_it_refuses_every_request_and_runs_nothing() {
    let calls = Calls::default();
    let app = axum::Router::new().nest("/zoho", routes(&calls).into_router());
    assert_refused(&app, under("/zoho"), &mismatch("", "/zoho")).await;
    assert_eq!(calls.total(), 0);
}

#[tokio::test]
async fn nested_elsewhere_or_merged_at_the_root_refuses_every_request() {
    let calls = Calls::default();
    let declared = routes(&calls).with_prefix("/zoho").unwrap();
    let elsewhere = axum::Router::new().nest("/other", declared.clone().into_router());
    assert_refused(&elsewhere, under("/other"), &mismatch("/zoho", "/other")).await;
    let at_root: axum::Router = declared.into_router();
    assert_refused(&at_root, under(""), &mismatch("/zoho", "")).await;
    assert_eq!(calls.total(), 0);
}

#[test]
fn the_refusal_holds_over_real_http() {
    let calls = Calls::default();
    let server = TestServer::start(axum::Router::new().nest("/zoho", routes(&calls).into_router()));
    let install = callback(Event::Install).path("/zoho/callbacks/onInstall");
    let response = peer::send(server.addr(), &RawRequest::from_callback(&install));
    assert_eq!(response.status, 404);
    assert_eq!(response.content_type(), Some("application/json"));
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body["message"], mismatch("", "/zoho").as_str());
    assert_eq!(calls.total(), 0);
}
