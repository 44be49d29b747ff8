//! Mounting: one actix-web resource per callback path.

use crate::body::read_limited;
use crate::response::respond;
use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use callback_core::manifest::{CallbackListener, ListenerError};
use callback_core::{CallbackRequest, Rejection, RejectionKind, Router, SignatureHeader};
use std::time::Duration;

/// The header Zoho signs callbacks in.
const HASH: &str = "hash";

/// Built callback routes: mount them with `App::service(routes.clone())` or
/// `App::configure(|c| routes.configure(c))`. Cheap to clone.
#[derive(Clone, Debug)]
pub struct CallbackRoutes {
    router: Router,
    body_timeout: Duration,
}

impl CallbackRoutes {
    pub(crate) fn new(router: Router, body_timeout: Duration) -> Self {
        CallbackRoutes {
            router,
            body_timeout,
        }
    }

    /// Registers one resource per callback path: `POST` dispatches, any other
    /// method gets `405` with `Allow: POST`.
    pub fn configure(&self, config: &mut web::ServiceConfig) {
        for path in self.router.paths() {
            config.service(self.resource(path));
        }
    }

    /// The framework-agnostic router behind these routes.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The `callbackListener` section of `plugin-manifest.json` for these
    /// handlers, served under `base_url`.
    pub fn callback_listener(&self, base_url: &str) -> Result<CallbackListener, ListenerError> {
        self.router.callback_listener(base_url)
    }

    fn resource(&self, path: &'static str) -> actix_web::Resource {
        let post = self.router.clone();
        let other = self.router.clone();
        let body_timeout = self.body_timeout;
        web::resource(path)
            .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                let router = post.clone();
                async move { handle(&router, path, body_timeout, &req, body).await }
            }))
            .default_service(web::to(move |req: HttpRequest| {
                let outcome = other.reject(
                    path,
                    Rejection::new(
                        RejectionKind::MethodNotAllowed,
                        format!("{} is not allowed; callbacks are POSTed", req.method()),
                    ),
                );
                std::future::ready(respond(&outcome))
            }))
    }
}

impl HttpServiceFactory for CallbackRoutes {
    fn register(self, config: &mut AppService) {
        for path in self.router.paths() {
            self.resource(path).register(config);
        }
    }
}

/// One callback to the resource mounted at `path`: read the body within the
/// limit and the body timeout, hand everything to the router, translate its
/// outcome.
///
/// The router is given the path the resource was mounted at, not the
/// request's: under a `web::scope` (or with percent-encoded characters) they
/// differ, and actix has already matched the request to this resource.
async fn handle(
    router: &Router,
    path: &'static str,
    body_timeout: Duration,
    req: &HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let body = match read_limited(req, payload, router.body_limit(), body_timeout).await {
        Ok(body) => body,
        Err(rejection) => return respond(&router.reject(path, rejection)),
    };
    let headers = req.headers();
    let mut hashes = headers.get_all(HASH);
    let signature = match (hashes.next(), hashes.next()) {
        (None, _) => SignatureHeader::Absent,
        (Some(one), None) => SignatureHeader::One(one.as_bytes()),
        (Some(_), Some(_)) => SignatureHeader::Repeated,
    };
    let request = CallbackRequest {
        path,
        signature,
        content_type: headers.get(CONTENT_TYPE).map(|v| v.as_bytes()),
        body: &body,
    };
    let outcome = router
        .dispatch_with_timer(request, actix_web::rt::time::sleep)
        .await;
    respond(&outcome)
}
