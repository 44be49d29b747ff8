//! Mounting: one actix-web resource per callback path and per webhook path.

use crate::response::respond;
use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use callback_core::desk::{DeskRequest, TOKEN_HEADER};
use callback_core::manifest::{CallbackListener, ListenerError};
use callback_core::{CallbackRequest, Router, SIGNATURE_HEADER, read_body, signature_header};

/// Built callback routes: mount them with `App::service(routes.clone())` or
/// `App::configure(|c| routes.configure(c))`. Cheap to clone.
///
/// Made by [`Callbacks::build`](crate::Callbacks), or from any core
/// [`Router`] with `CallbackRoutes::from(router)`.
#[derive(Clone, Debug)]
pub struct CallbackRoutes {
    router: Router,
}

impl From<Router> for CallbackRoutes {
    fn from(router: Router) -> Self {
        CallbackRoutes { router }
    }
}

impl CallbackRoutes {
    /// Registers one resource per callback path (`POST` dispatches, any
    /// other method gets `405` with `Allow: POST`) and one per webhook path
    /// (`POST` dispatches the delivery, `GET` answers `200`, any other
    /// method gets `405` with `Allow: GET, POST`).
    pub fn configure(&self, config: &mut web::ServiceConfig) {
        for path in self.router.paths() {
            config.service(self.resource(path));
        }
        for path in self.router.desk_paths() {
            config.service(self.desk_resource(path));
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
        web::resource(path)
            .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                let router = post.clone();
                async move { handle(&router, path, &req, body).await }
            }))
            .default_service(web::to(move |req: HttpRequest| {
                let outcome = other.method_not_allowed(path, req.method().as_str());
                std::future::ready(respond(&outcome))
            }))
    }

    fn desk_resource(&self, path: &'static str) -> actix_web::Resource {
        let post = self.router.clone();
        let get = self.router.clone();
        let other = self.router.clone();
        web::resource(path)
            .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                let router = post.clone();
                async move { handle_desk(&router, path, &req, body).await }
            }))
            .route(web::get().to(move || std::future::ready(respond(&get.desk_validation(path)))))
            .default_service(web::to(move |req: HttpRequest| {
                let outcome = other.desk_method_not_allowed(path, req.method().as_str());
                std::future::ready(respond(&outcome))
            }))
    }
}

impl HttpServiceFactory for CallbackRoutes {
    fn register(self, config: &mut AppService) {
        for path in self.router.paths() {
            self.resource(path).register(config);
        }
        for path in self.router.desk_paths() {
            self.desk_resource(path).register(config);
        }
    }
}

/// One callback to the resource mounted at `path`: the body read within the
/// router's limits, the request handed to the router, its outcome
/// translated.
///
/// The router is given the path the resource was mounted at, not the
/// request's: under a `web::scope` (or with percent-encoded characters) they
/// differ, and actix has already matched the request to this resource.
async fn handle(
    router: &Router,
    path: &'static str,
    req: &HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let headers = req.headers();
    let limits = router.limits();
    let body = match read_body(
        payload,
        declared(req),
        limits.body_limit,
        limits.body_timeout,
    )
    .await
    {
        Ok(body) => body,
        Err(rejection) => return respond(&router.reject(path, rejection)),
    };
    let request = CallbackRequest {
        path,
        signature: signature_header(
            headers
                .get_all(SIGNATURE_HEADER)
                .map(|value| value.as_bytes()),
        ),
        content_type: headers.get(CONTENT_TYPE).map(|v| v.as_bytes()),
        body: &body,
    };
    respond(&router.dispatch(request).await)
}

/// The `Content-Length` a request announces, if it is a number.
fn declared(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// One delivery to the webhook mounted at `path`: the body read within the
/// router's Desk body limit, then path, raw query, `X-ZDesk-JWT` and the
/// exact bytes handed to the router, its outcome translated. The query is
/// handed on as it came and never logged here: it holds the security
/// context.
async fn handle_desk(
    router: &Router,
    path: &'static str,
    req: &HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let limits = router.limits();
    let body = match read_body(
        payload,
        declared(req),
        limits.desk_body_limit,
        limits.body_timeout,
    )
    .await
    {
        Ok(body) => body,
        Err(rejection) => return respond(&router.reject_desk(path, rejection)),
    };
    let query = req.query_string();
    let request = DeskRequest {
        path,
        query: (!query.is_empty()).then_some(query),
        token: signature_header(req.headers().get_all(TOKEN_HEADER).map(|v| v.as_bytes())),
        body: &body,
    };
    respond(&router.dispatch_desk(request).await)
}
