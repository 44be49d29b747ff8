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
