//! `Callbacks`: configure once, mount anywhere.

use crate::service::CallbackRoutes;
use callback_core::signature::SignatureScheme;
use callback_core::{BuildError, HandlerList, Router, RouterBuilder, Secret};
use std::time::Duration;

/// Configures the callback handlers of an extension for actix-web.
///
/// Build it once with [`Callbacks::build`] (which reports a misconfiguration
/// as an error) and mount the result in every worker, or mount it directly
/// with [`Callbacks::into_config`] inside the `HttpServer::new` closure.
///
/// ```
/// use callback_actix::prelude::*;
/// use actix_web::App;
///
/// #[on_install]
/// async fn installed(org: OrgId) {}
///
/// let routes = Callbacks::new(callbacks![installed])
///     .secret(Secret::new("manifest secret")?)
///     .build()?;
/// let app = App::new().service(routes.clone());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Callbacks {
    builder: RouterBuilder,
    body_timeout: Duration,
}

/// How long a callback's body may take to arrive, unless
/// [`Callbacks::body_timeout`] says otherwise: 3 seconds. A callback body
/// is at most the body limit (64 KiB by default) and Zoho expects an answer
/// within about 5 seconds, so a body still arriving after 3 is a client
/// holding a connection open, not Zoho.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(3);

impl Callbacks {
    /// Starts configuring `handlers` (built with `callbacks![]`).
    pub fn new(handlers: HandlerList) -> Self {
        Callbacks {
            builder: Router::builder(handlers),
            body_timeout: DEFAULT_BODY_TIMEOUT,
        }
    }

    /// The secret callbacks are signed with (the `secret` of
    /// `plugin-manifest.json`). Call again to accept several.
    pub fn secret(self, secret: Secret) -> Self {
        self.map(|b| b.secret(secret))
    }

    /// Several secrets, in order of preference, for a rotation.
    pub fn secrets(self, secrets: impl IntoIterator<Item = Secret>) -> Self {
        self.map(|b| b.secrets(secrets))
    }

    /// Another signature scheme than the default HMAC-SHA256 hex.
    pub fn scheme(self, scheme: impl SignatureScheme) -> Self {
        self.map(|b| b.scheme(scheme))
    }

    /// A value handlers extract with `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(self, value: T) -> Self {
        self.map(|b| b.state(value))
    }

    /// The largest body accepted, in bytes (default 64 KiB). A larger body
    /// gets `413` without being read past the limit.
    pub fn body_limit(self, bytes: usize) -> Self {
        self.map(|b| b.body_limit(bytes))
    }

    /// A deadline for each handler call; past it the caller gets `503`.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// Refuses a signed body handled within the guard's window with `409
    /// replayed_callback` (off by default): see
    /// [`ReplayGuard`](callback_core::ReplayGuard).
    pub fn replay_guard(self, guard: callback_core::ReplayGuard) -> Self {
        self.map(|b| b.replay_guard(guard))
    }

    /// How long the whole body may take to arrive (default
    /// [`DEFAULT_BODY_TIMEOUT`]). A client that stops sending before the end
    /// of the body it announced gets `400 body_unreadable` then, and the
    /// handler is not called. actix-web itself only times out the request
    /// head (`HttpServer::client_request_timeout`), so without this such a
    /// client would hold its connection and a task forever.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Checks the configuration (a secret, no event handled twice, valid
    /// paths, every `State<T>` provided) and builds the routes.
    pub fn build(self) -> Result<CallbackRoutes, BuildError> {
        let body_timeout = self.body_timeout;
        self.builder
            .build()
            .map(|router| CallbackRoutes::new(router, body_timeout))
    }

    /// Builds and returns a function for [`actix_web::App::configure`].
    ///
    /// # Panics
    ///
    /// When the configuration is invalid, with the [`BuildError`]'s message,
    /// as actix-web does for invalid routes. Use [`Callbacks::build`] to
    /// handle the error instead.
    pub fn into_config(self) -> impl FnOnce(&mut actix_web::web::ServiceConfig) {
        let routes = self
            .build()
            .unwrap_or_else(|err| panic!("invalid callback configuration: {err}"));
        move |config| routes.configure(config)
    }

    fn map(self, f: impl FnOnce(RouterBuilder) -> RouterBuilder) -> Self {
        Callbacks {
            builder: f(self.builder),
            body_timeout: self.body_timeout,
        }
    }
}
