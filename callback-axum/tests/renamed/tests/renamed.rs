//! The attributes expand against callback-axum alone, renamed, and the
//! result dispatches through axum.

use tower::ServiceExt;
use zoho::callback_core::testing::TestCallback;
use zoho::callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
use zoho::prelude::*;
use zoho::test::{desk_delivery, request};

#[tokio::test]
async fn handlers_compiled_against_callback_axum_alone_dispatch() {
    let secret = Secret::new("renamed").unwrap();
    let app = callback_axum_renamed::app(secret.clone(), test_keys()).unwrap();
    let call = |org: u64| {
        request(
            &TestCallback::new(Event::Install, &secret)
                .path("/renamed/install")
                .org_id(org),
        )
    };
    assert_eq!(app.clone().oneshot(call(5)).await.unwrap().status(), 200);
    assert_eq!(app.clone().oneshot(call(0)).await.unwrap().status(), 500);

    let ticket = TestDelivery::new(42).event(ticket_event(DeskEventType::TicketAdd, 42, 7));
    assert_eq!(
        app.oneshot(desk_delivery(&ticket)).await.unwrap().status(),
        200
    );
}
