//! Testing support: signed (or deliberately broken) callback requests for
//! `actix_web::test`, so an extension's tests are one line each.
//!
//! ```
//! use callback_actix::prelude::*;
//! use callback_actix::callback_core::testing::TestCallback;
//! use callback_actix::test::{signed, request};
//! use actix_web::{test, App};
//!
//! #[on_install]
//! async fn installed(org: OrgId) {}
//!
//! # actix_web::rt::System::new().block_on(async {
//! let secret = Secret::new("test secret").unwrap();
//! let routes = Callbacks::new(callbacks![installed]).secret(secret.clone()).build().unwrap();
//! let app = test::init_service(App::new().service(routes)).await;
//!
//! let ok = test::call_service(&app, signed(Event::Install, &secret).to_request()).await;
//! assert_eq!(ok.status(), 200);
//!
//! let forged = TestCallback::new(Event::Install, &secret).tamper_body();
//! let refused = test::call_service(&app, request(&forged).to_request()).await;
//! assert_eq!(refused.status(), 401);
//! # });
//! ```

use actix_web::http::header::CONTENT_TYPE;
use callback_core::testing::TestCallback;
use callback_core::{Event, Secret};

/// A correctly signed `POST` for `event` to its default path, for org 1.
pub fn signed(event: Event, secret: &Secret) -> actix_web::test::TestRequest {
    request(&TestCallback::new(event, secret))
}

/// The `POST` a [`TestCallback`] describes (signed, or broken as it says).
pub fn request(callback: &TestCallback) -> actix_web::test::TestRequest {
    let req = callback.build();
    let mut test = actix_web::test::TestRequest::post()
        .uri(&req.path)
        .set_payload(req.body);
    if let Some(hash) = req.hash {
        test = test.insert_header(("HASH", hash));
    }
    if let Some(content_type) = req.content_type {
        test = test.insert_header((CONTENT_TYPE, content_type));
    }
    test
}

/// The `POST` a [`TestDelivery`](callback_core::testing::desk::TestDelivery)
/// describes: its path and query, its `X-ZDesk-JWT` (if any), its body as
/// `application/json`. For a delivery signed with the TEST key, mount the
/// routes with `.desk_keys(callback_core::testing::desk::test_keys())`.
///
/// ```
/// use callback_actix::prelude::*;
/// use callback_actix::callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
/// use callback_actix::test::desk_delivery;
/// use actix_web::{test, App};
///
/// #[desk_event(Ticket_Add)]
/// async fn ticket_added(ticket: Ticket) {}
///
/// # actix_web::rt::System::new().block_on(async {
/// let routes = Callbacks::new(callbacks![])
///     .desk_events(desk_events![ticket_added])
///     .desk_keys(test_keys())
///     .build()
///     .unwrap();
/// let app = test::init_service(App::new().service(routes)).await;
///
/// let delivery = TestDelivery::new(42).event(ticket_event(DeskEventType::TicketAdd, 42, 7));
/// let ok = test::call_service(&app, desk_delivery(&delivery).to_request()).await;
/// assert_eq!(ok.status(), 200);
///
/// let unsigned = test::call_service(&app, desk_delivery(&delivery.clone().without_token()).to_request()).await;
/// assert_eq!(unsigned.status(), 401);
/// # });
/// ```
pub fn desk_delivery(
    delivery: &callback_core::testing::desk::TestDelivery,
) -> actix_web::test::TestRequest {
    let req = delivery.build();
    let mut test = actix_web::test::TestRequest::post()
        .uri(&req.uri())
        .insert_header((CONTENT_TYPE, "application/json"))
        .set_payload(req.body);
    if let Some(token) = req.token {
        test = test.insert_header((callback_core::desk::TOKEN_HEADER, token));
    }
    test
}
