//! Mounting: one axum route per callback path and per webhook path.

use crate::response::respond;
use axum::body::Bytes;
use axum::extract::{NestedPath, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::any;
use callback_core::desk::{DeskRequest, TOKEN_HEADER};
use callback_core::manifest::{CallbackListener, ListenerError};
use callback_core::mount::{MountPrefix, PrefixError};
use callback_core::{
    CallbackRequest, Rejection, Router, SIGNATURE_HEADER, read_body, signature_header,
};
use std::sync::Arc;

/// Built callback routes: turn them into an [`axum::Router`] with
/// [`CallbackRoutes::into_router`] (or `axum::Router::from(routes)`) and
/// merge, nest or serve it. Cheap to clone.
///
/// Made by [`Callbacks::build`](crate::Callbacks), or from any core
/// [`Router`] with `CallbackRoutes::from(router)`.
#[derive(Clone, Debug)]
pub struct CallbackRoutes {
    router: Router,
    prefix: MountPrefix,
}

impl From<Router> for CallbackRoutes {
    fn from(router: Router) -> Self {
        CallbackRoutes {
            router,
            prefix: MountPrefix::ROOT,
        }
    }
}

impl CallbackRoutes {
    /// Declares that these routes are nested under `prefix`
    /// (`Router::nest(prefix, routes.into_router())`): their
    /// [`callback_listener`](CallbackRoutes::callback_listener) names URLs
    /// under it, and each request checks that the routes are nested exactly
    /// there. Without it they must not be nested at all.
    ///
    /// A request to routes nested anywhere else gets `404 not_found` with
    /// a message saying where they are and where they were declared, and
    /// nothing runs: the manifest would send Zoho elsewhere.
    pub fn with_prefix(mut self, prefix: &str) -> Result<Self, PrefixError> {
        self.prefix = MountPrefix::new(prefix)?;
        Ok(self)
    }

    /// The declared prefix ([`MountPrefix::ROOT`] unless
    /// [`with_prefix`](CallbackRoutes::with_prefix) was called).
    pub fn prefix(&self) -> &MountPrefix {
        &self.prefix
    }

    /// The framework-agnostic router behind these routes.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// The `callbackListener` section of `plugin-manifest.json` for these
    /// handlers, served under `base_url` and the declared prefix.
    pub fn callback_listener(&self, base_url: &str) -> Result<CallbackListener, ListenerError> {
        self.prefix.callback_listener(&self.router, base_url)
    }

    /// One route per callback path (`POST` dispatches, any other method
    /// gets `405` with `Allow: POST`) and one per webhook path (`POST`
    /// dispatches the delivery, `GET` answers `200`, any other method gets
    /// `405` with `Allow: GET, POST`), for any state type `S` of the
    /// application they are merged into.
    ///
    /// # Panics
    ///
    /// When a handler's path has a segment starting with `:` or `*`, which
    /// axum 0.8 refuses to route (its former capture syntax), with the
    /// path in the message.
    pub fn into_router<S>(self) -> axum::Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let mounted = Arc::new(self);
        let mut app = axum::Router::new();
        for path in mounted.router.paths() {
            let routes = Arc::clone(&mounted);
            app = app.route(
                routable(path),
                any(move |req: Request| {
                    let routes = Arc::clone(&routes);
                    async move { routes.callback(path, req).await }
                }),
            );
        }
        for path in mounted.router.desk_paths() {
            let routes = Arc::clone(&mounted);
            app = app.route(
                routable(path),
                any(move |req: Request| {
                    let routes = Arc::clone(&routes);
                    async move { routes.desk(path, req).await }
                }),
            );
        }
        app
    }

    /// Whether the request reached these routes where they were declared:
    /// under the prefix axum's `nest` recorded (none at the root).
    fn mounted_here(&self, req: &Request) -> Result<(), Rejection> {
        let nested = req.extensions().get::<NestedPath>().map(NestedPath::as_str);
        self.prefix
            .check(Some(nested.unwrap_or("")))
            .map_err(|mismatch| mismatch.rejection())
    }

    /// One request to the callback path `path`: the body read within the
    /// router's limits, the request handed to the router, its outcome
    /// translated.
    ///
    /// The router is given the path the route was mounted at, not the
    /// request's: under `nest` they differ, and axum has already matched
    /// the request to this route.
    async fn callback(&self, path: &'static str, req: Request) -> Response {
        if let Err(refused) = self.mounted_here(&req) {
            return respond(&self.router.reject(path, refused));
        }
        if req.method() != Method::POST {
            return respond(&self.router.method_not_allowed(path, req.method().as_str()));
        }
        let limit = self.router.limits().body_limit;
        let (parts, body) = match self.read(req, limit).await {
            (parts, Ok(body)) => (parts, body),
            (_, Err(rejection)) => return respond(&self.router.reject(path, rejection)),
        };
        let request = CallbackRequest {
            path,
            signature: signature_header(
                parts
                    .headers
                    .get_all(SIGNATURE_HEADER)
                    .iter()
                    .map(|value| value.as_bytes()),
            ),
            content_type: parts.headers.get(CONTENT_TYPE).map(|v| v.as_bytes()),
            body: &body,
        };
        respond(&self.router.dispatch(request).await)
    }

    /// One request to the webhook path `path`: `GET` validates; `POST` has
    /// its body read within the Desk body limit, then path, raw query,
    /// `X-ZDesk-JWT` and the exact bytes handed to the router. The query is
    /// handed on as it came and never logged here: it holds the security
    /// context.
    async fn desk(&self, path: &'static str, req: Request) -> Response {
        if let Err(refused) = self.mounted_here(&req) {
            return respond(&self.router.reject_desk(path, refused));
        }
        match *req.method() {
            Method::POST => {}
            Method::GET => return respond(&self.router.desk_validation(path)),
            ref other => {
                return respond(&self.router.desk_method_not_allowed(path, other.as_str()));
            }
        }
        let limit = self.router.limits().desk_body_limit;
        let (parts, body) = match self.read(req, limit).await {
            (parts, Ok(body)) => (parts, body),
            (_, Err(rejection)) => return respond(&self.router.reject_desk(path, rejection)),
        };
        let request = DeskRequest {
            path,
            query: parts.uri.query().filter(|query| !query.is_empty()),
            token: signature_header(
                parts
                    .headers
                    .get_all(TOKEN_HEADER)
                    .iter()
                    .map(|v| v.as_bytes()),
            ),
            body: &body,
        };
        respond(&self.router.dispatch_desk(request).await)
    }
}

impl CallbackRoutes {
    /// The request's head, and its body read within `limit` and the body
    /// timeout from axum's body stream.
    async fn read(&self, req: Request, limit: usize) -> (Parts, Result<Bytes, Rejection>) {
        let (parts, body) = req.into_parts();
        let read = read_body(
            body.into_data_stream(),
            declared(&parts.headers),
            limit,
            self.router.limits().body_timeout,
        )
        .await;
        (parts, read)
    }
}

impl<S> From<CallbackRoutes> for axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn from(routes: CallbackRoutes) -> Self {
        routes.into_router()
    }
}

/// The `Content-Length` a request announces, if it is a number.
fn declared(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// `path`, if axum 0.8 can route it literally: a segment that starts with
/// `:` or `*` is its former capture syntax, which it refuses.
fn routable(path: &'static str) -> &'static str {
    let capture = path
        .split('/')
        .any(|segment| segment.starts_with(':') || segment.starts_with('*'));
    if capture {
        panic!(
            "axum cannot mount the callback path {path:?}: a segment starting with `:` or `*` is \
             refused by axum 0.8's router; give the handler another `path`"
        );
    }
    path
}
