//! Mounting: one actix-web resource per callback path and per webhook path,
//! where the routes say they are.

use crate::response::respond;
use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use callback_core::desk::{DeskRequest, TOKEN_HEADER};
use callback_core::manifest::{CallbackListener, ListenerError};
use callback_core::mount::{MountMismatch, MountPrefix, PrefixError};
use callback_core::{CallbackRequest, Router, SIGNATURE_HEADER, read_body, signature_header};
use std::sync::{Arc, OnceLock};

/// Built callback routes: mount them with `App::service(routes.clone())` or
/// `App::configure(|c| routes.configure(c))`. Cheap to clone.
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
    /// Declares that these routes are mounted in `web::scope(prefix)`:
    /// their [`callback_listener`](CallbackRoutes::callback_listener) names
    /// URLs under it, and mounting checks that they are there. Without it
    /// they must be mounted at the root.
    ///
    /// Mounted at the root with a prefix, or in a scope without one
    /// (`web::scope("")` included: actix-web does not show a resource the
    /// path of its scope before a request), they refuse to start: registering them panics with the
    /// [`MountMismatch`]'s message, as actix-web does for an invalid route.
    /// In a scope of another path (which actix-web shows a resource only
    /// once it matched a request), every request gets `404 not_found` with
    /// that message, and nothing runs.
    pub fn with_prefix(mut self, prefix: &str) -> Result<Self, PrefixError> {
        self.prefix = MountPrefix::new(prefix)?;
        Ok(self)
    }

    /// The declared prefix ([`MountPrefix::ROOT`] unless
    /// [`with_prefix`](CallbackRoutes::with_prefix) was called).
    pub fn prefix(&self) -> &MountPrefix {
        &self.prefix
    }

    /// Registers one resource per callback path (`POST` dispatches, any
    /// other method gets `405` with `Allow: POST`) and one per webhook path
    /// (`POST` dispatches the delivery, `GET` answers `200`, any other
    /// method gets `405` with `Allow: GET, POST`), checking where they are
    /// mounted as [`with_prefix`](CallbackRoutes::with_prefix) says.
    pub fn configure(&self, config: &mut web::ServiceConfig) {
        config.service(self.clone());
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

    fn resource(&self, path: &'static str, check: &ScopeCheck) -> actix_web::Resource {
        let post = self.router.clone();
        let other = self.router.clone();
        let (on_post, on_other) = (check.clone(), check.clone());
        web::resource(path)
            .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                let router = post.clone();
                let check = on_post.clone();
                async move {
                    if let Err(refused) = check.verify(&req, path) {
                        return respond(&router.reject(path, refused.rejection()));
                    }
                    handle(&router, path, &req, body).await
                }
            }))
            .default_service(web::to(move |req: HttpRequest| {
                let outcome = match on_other.verify(&req, path) {
                    Err(refused) => other.reject(path, refused.rejection()),
                    Ok(()) => other.method_not_allowed(path, req.method().as_str()),
                };
                std::future::ready(respond(&outcome))
            }))
    }

    fn desk_resource(&self, path: &'static str, check: &ScopeCheck) -> actix_web::Resource {
        let post = self.router.clone();
        let get = self.router.clone();
        let other = self.router.clone();
        let (on_post, on_get, on_other) = (check.clone(), check.clone(), check.clone());
        web::resource(path)
            .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                let router = post.clone();
                let check = on_post.clone();
                async move {
                    if let Err(refused) = check.verify(&req, path) {
                        return respond(&router.reject_desk(path, refused.rejection()));
                    }
                    handle_desk(&router, path, &req, body).await
                }
            }))
            .route(web::get().to(move |req: HttpRequest| {
                let outcome = match on_get.verify(&req, path) {
                    Err(refused) => get.reject_desk(path, refused.rejection()),
                    Ok(()) => get.desk_validation(path),
                };
                std::future::ready(respond(&outcome))
            }))
            .default_service(web::to(move |req: HttpRequest| {
                let outcome = match on_other.verify(&req, path) {
                    Err(refused) => other.reject_desk(path, refused.rejection()),
                    Ok(()) => other.desk_method_not_allowed(path, req.method().as_str()),
                };
                std::future::ready(respond(&outcome))
            }))
    }
}

impl HttpServiceFactory for CallbackRoutes {
    /// Registers every resource, after checking where: at the root only
    /// without a declared prefix, in a scope only with one.
    ///
    /// # Panics
    ///
    /// With the [`MountMismatch`]'s message when they differ, so that the
    /// application refuses to start.
    fn register(self, config: &mut AppService) {
        let check = ScopeCheck::at_mount(&self.prefix, config.is_root())
            .unwrap_or_else(|mismatch| panic!("{mismatch}"));
        for path in self.router.paths() {
            self.resource(path, &check).register(config);
        }
        for path in self.router.desk_paths() {
            self.desk_resource(path, &check).register(config);
        }
    }
}

/// What is left to check of where the routes are mounted once they are
/// registered: nothing at the root; in a scope, that its path is the
/// declared prefix, which actix-web shows only for a matched request
/// ([`HttpRequest::match_pattern`]), so it is read from the first request
/// to any of them and kept (every resource of one registration is in the
/// same scope).
#[derive(Clone)]
enum ScopeCheck {
    /// At the root, as declared: nothing to check.
    Root,
    /// In a scope, with a declared prefix to compare its path with.
    Scoped(Arc<Scoped>),
}

/// The declared prefix of routes in a scope, and its comparison with the
/// scope's path, made once.
struct Scoped {
    prefix: MountPrefix,
    verdict: OnceLock<Result<(), MountMismatch>>,
}

impl ScopeCheck {
    /// The check for routes declared under `prefix`, being registered at
    /// the root or not; an error when that alone refutes the prefix.
    fn at_mount(prefix: &MountPrefix, at_root: bool) -> Result<Self, MountMismatch> {
        match (at_root, prefix.is_root()) {
            (true, _) => prefix.check(Some("")).map(|()| ScopeCheck::Root),
            (false, true) => prefix.check(None).map(|()| ScopeCheck::Root),
            (false, false) => Ok(ScopeCheck::Scoped(Arc::new(Scoped {
                prefix: prefix.clone(),
                verdict: OnceLock::new(),
            }))),
        }
    }

    /// Whether `req`, matched to the resource at `path`, reached it under
    /// the declared prefix.
    fn verify(&self, req: &HttpRequest, path: &str) -> Result<(), &MountMismatch> {
        match self {
            ScopeCheck::Root => Ok(()),
            ScopeCheck::Scoped(scoped) => scoped
                .verdict
                .get_or_init(|| {
                    let pattern = req.match_pattern();
                    let scope = pattern.as_deref().and_then(|p| p.strip_suffix(path));
                    scoped.prefix.check(scope)
                })
                .as_ref()
                .map(|_| ()),
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
