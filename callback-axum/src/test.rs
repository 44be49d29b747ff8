//! Testing support: signed (or deliberately broken) callback requests and
//! Desk deliveries as `http::Request<Body>`, for calling an
//! [`axum::Router`] in-process (`tower::ServiceExt::oneshot`) in one line.
//!
//! ```
//! use callback_axum::prelude::*;
//! use callback_axum::callback_core::testing::TestCallback;
//! use callback_axum::test::{request, signed};
//! use tower::ServiceExt;
//!
//! #[on_install]
//! async fn installed(org: OrgId) {}
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let secret = Secret::new("test secret").unwrap();
//! let app: axum::Router =
//!     Callbacks::new(callbacks![installed]).secret(secret.clone()).build().unwrap().into();
//!
//! let ok = app.clone().oneshot(signed(Event::Install, &secret)).await.unwrap();
//! assert_eq!(ok.status(), 200);
//!
//! let forged = TestCallback::new(Event::Install, &secret).tamper_body();
//! let refused = app.oneshot(request(&forged)).await.unwrap();
//! assert_eq!(refused.status(), 401);
//! # });
//! ```

use axum::body::Body;
use axum::http::Request;
use axum::http::header::CONTENT_TYPE;
use callback_core::testing::TestCallback;
use callback_core::testing::desk::TestDelivery;
use callback_core::{Event, SIGNATURE_HEADER, Secret};

/// A correctly signed `POST` for `event` to its default path, for org 1.
pub fn signed(event: Event, secret: &Secret) -> Request<Body> {
    request(&TestCallback::new(event, secret))
}

/// The `POST` a [`TestCallback`] describes (signed, or broken as it says).
pub fn request(callback: &TestCallback) -> Request<Body> {
    let built = callback.build();
    let mut request = Request::post(built.path);
    if let Some(hash) = built.hash {
        request = request.header(SIGNATURE_HEADER, hash);
    }
    if let Some(content_type) = built.content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    request
        .body(Body::from(built.body))
        .expect("a test callback's path and headers are valid")
}

/// The `POST` a [`TestDelivery`] describes: its path and query, its
/// `X-ZDesk-JWT` (if any), its body as `application/json`. For a delivery
/// signed with the TEST key, build the routes with
/// `.desk_keys(callback_core::testing::desk::test_keys())`.
pub fn desk_delivery(delivery: &TestDelivery) -> Request<Body> {
    let built = delivery.build();
    let mut request = Request::post(built.uri()).header(CONTENT_TYPE, "application/json");
    if let Some(token) = &built.token {
        request = request.header(callback_core::desk::TOKEN_HEADER, token);
    }
    request
        .body(Body::from(built.body))
        .expect("a test delivery's URI and headers are valid")
}
