//! The macros expand against a renamed dependency, and the result dispatches.

use actix_web::{App, test};
use zoho::callback_core::testing::TestCallback;
use zoho::prelude::*;
use zoho::test::request;

#[actix_web::test]
async fn handlers_compiled_against_a_renamed_dependency_dispatch() {
    let handlers = renamed_dependency::handlers();
    let info = handlers.iter().next().unwrap().info();
    assert_eq!(
        (info.event, &*info.path),
        (Event::Install, "/renamed/install")
    );

    let secret = Secret::new("renamed").unwrap();
    let routes = Callbacks::new(handlers)
        .secret(secret.clone())
        .build()
        .unwrap();
    let app = test::init_service(App::new().service(routes)).await;
    let ok = TestCallback::new(Event::Install, &secret)
        .path("/renamed/install")
        .org_id(5);
    assert_eq!(
        test::call_service(&app, request(&ok).to_request())
            .await
            .status(),
        200
    );
    let failing = TestCallback::new(Event::Install, &secret)
        .path("/renamed/install")
        .org_id(0);
    assert_eq!(
        test::call_service(&app, request(&failing).to_request())
            .await
            .status(),
        500
    );
}
