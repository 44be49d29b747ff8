//! The whole app over in-process HTTP, with the signed-request helper:
//! callbacks are recorded, forged ones are not, and `GET /orgs/{id}` reads
//! the state back.

use actix_web::{App, test};
use callback_actix::callback_core::testing::TestCallback;
use callback_actix::callback_core::testing::desk::test_keys;
use callback_actix::prelude::*;
use callback_actix::test::{request, signed};
use install_tracker::{ReadAccess, app_config, callback_routes};

const SECRET: &str = "install-tracker-test-secret";

#[actix_web::test]
async fn callbacks_are_recorded_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::open_db(&dir.path().join("t.db")).await;
    let secret = Secret::new(SECRET).unwrap();
    let routes = callback_routes(secret.clone(), db.clone(), test_keys()).unwrap();
    let app =
        test::init_service(App::new().configure(app_config(&routes, &db, ReadAccess::Open))).await;

    for event in Event::ALL {
        let req = request(&TestCallback::new(event, &secret).org_id(42)).to_request();
        let resp = test::call_service(&app, req).await;
        assert_eq!(resp.status(), 200, "{event}");
    }
    // A forged callback and one signed with another secret change nothing.
    let forged = TestCallback::new(Event::Install, &secret)
        .org_id(42)
        .tamper_body();
    assert_eq!(
        test::call_service(&app, request(&forged).to_request())
            .await
            .status(),
        401
    );
    let other = Secret::new("not the secret").unwrap();
    let wrong = TestCallback::new(Event::Install, &secret)
        .org_id(42)
        .signed_with(&other);
    assert_eq!(
        test::call_service(&app, request(&wrong).to_request())
            .await
            .status(),
        401
    );

    let state: serde_json::Value =
        test::call_and_read_body_json(&app, test::TestRequest::get().uri("/orgs/42").to_request())
            .await;
    assert_eq!(state["installed"], false, "{state}"); // uninstalled last
    let events: Vec<&str> = state["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(events, Event::ALL.map(Event::wire_name));
    assert_eq!(db.callback_count().await.unwrap(), 8);
}

#[actix_web::test]
async fn unknown_and_invalid_orgs_are_404_and_400() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::open_db(&dir.path().join("t.db")).await;
    let secret = Secret::new(SECRET).unwrap();
    let routes = callback_routes(secret.clone(), db.clone(), test_keys()).unwrap();
    let app =
        test::init_service(App::new().configure(app_config(&routes, &db, ReadAccess::Open))).await;

    let resp = test::call_service(&app, test::TestRequest::get().uri("/orgs/7").to_request()).await;
    assert_eq!(resp.status(), 404);
    let resp =
        test::call_service(&app, test::TestRequest::get().uri("/orgs/abc").to_request()).await;
    assert_eq!(resp.status(), 400);
    let resp = test::call_service(&app, signed(Event::Install, &secret).to_request()).await;
    assert_eq!(resp.status(), 200);
    let resp = test::call_service(&app, test::TestRequest::get().uri("/orgs/1").to_request()).await;
    assert_eq!(resp.status(), 200);
}
