//! Turning the routes into an `axum::Router`: `into_router` and `From`
//! give the same routes, they merge beside an application's own routes and
//! state, the methods the contract table does not send are answered as
//! callback-actix answers them, and a path axum cannot route is named.

use crate::server::routes;
use axum::body::{Body, to_bytes};
use axum::extract::State as AxumState;
use axum::http::{Method, Request, StatusCode};
use axum::routing::get;
use callback_axum::prelude::*;
use callback_axum::test::signed;
use callback_contract::Calls;
use callback_contract::fixture::secret;
use tower::ServiceExt;

fn empty(method: Method, path: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn into_router_and_from_mount_the_same_routes() {
    let calls = Calls::default();
    let by_method: axum::Router = routes(&calls).into_router();
    let by_from = axum::Router::from(routes(&calls));
    for app in [by_method, by_from] {
        let ok = app
            .clone()
            .oneshot(signed(Event::Install, &secret()))
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        let get = app
            .oneshot(empty(Method::GET, "/callbacks/onInstall"))
            .await
            .unwrap();
        assert_eq!(get.status(), 405);
        assert_eq!(get.headers().get("allow").unwrap(), "POST");
    }
    assert_eq!(calls.of(Event::Install), 2);
}

#[derive(Clone)]
struct AppState {
    name: &'static str,
}

#[tokio::test]
async fn merged_beside_the_applications_routes_and_state() {
    let calls = Calls::default();
    let app = axum::Router::new()
        .route(
            "/health",
            get(|AxumState(state): AxumState<AppState>| async move { state.name }),
        )
        .merge(routes(&calls).into_router())
        .with_state(AppState { name: "tracker" });
    let health = app
        .clone()
        .oneshot(empty(Method::GET, "/health"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(to_bytes(health.into_body(), 64).await.unwrap(), "tracker");
    let ok = app
        .oneshot(signed(Event::Install, &secret()))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(calls.of(Event::Install), 1);
}

#[tokio::test]
async fn head_options_and_other_methods_get_405_with_allow_as_on_actix() {
    let app: axum::Router = routes(&Calls::default()).into_router();
    for (path, allow) in [
        ("/callbacks/onInstall", "POST"),
        ("/desk/deskEvents", "GET, POST"),
    ] {
        for method in [Method::HEAD, Method::OPTIONS, Method::PUT, Method::TRACE] {
            let response = app
                .clone()
                .oneshot(empty(method.clone(), path))
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(
                response
                    .headers()
                    .get_all("allow")
                    .iter()
                    .collect::<Vec<_>>(),
                [allow],
                "{method} {path}"
            );
            assert_eq!(
                response.headers().get("content-type").unwrap(),
                "application/json"
            );
        }
    }
}

/// At a path whose segment axum 0.8 reads as its former capture syntax.
#[on_install(path = "/zoho/:install")]
async fn colon_path() {}

#[test]
fn a_path_axum_cannot_route_is_named_when_mounting() {
    let routes = Callbacks::new(callbacks![colon_path])
        .secret(secret())
        .build()
        .unwrap();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: axum::Router = routes.into_router();
    }))
    .expect_err("mounting panics");
    assert_eq!(
        panic.downcast_ref::<String>().unwrap(),
        "axum cannot mount the callback path \"/zoho/:install\": a segment starting with `:` or \
         `*` is refused by axum 0.8's router; give the handler another `path`"
    );
}
