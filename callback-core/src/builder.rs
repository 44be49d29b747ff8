//! Configuring a [`Router`]: once, in core, for every adapter.

use crate::handler::HandlerList;
use crate::manifest::{CallbackListener, ListenerError};
use crate::replay::ReplayGuard;
use crate::router::{Inner, Route, Router};
use crate::signature::{HmacSha256Hex, SignatureScheme, Verifier};
use crate::state::{MissingState, StateMap};
use crate::{Event, Secret};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// The default body limit: 64 KiB.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// How long a body may take to arrive by default: 3 seconds. A callback
/// body is at most the body limit and Zoho expects an answer within about
/// 5 seconds, so a body still arriving after 3 is a client holding a
/// connection open, not Zoho.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(3);

/// What an adapter enforces while it reads a request, and the router while
/// it runs the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest body accepted, in bytes.
    pub body_limit: usize,
    /// How long the whole body may take to arrive.
    pub body_timeout: Duration,
    /// The deadline for one handler call, if any.
    pub timeout: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            timeout: None,
        }
    }
}

/// Configures a [`Router`], and builds it as `R`: the router itself
/// ([`Router::builder`]), or an adapter's mountable routes (an adapter names
/// this builder with its routes as `R`, so every setting is set here once).
pub struct RouterBuilder<R = Router> {
    handlers: HandlerList,
    secrets: Vec<Secret>,
    scheme: Arc<dyn SignatureScheme>,
    state: StateMap,
    limits: Limits,
    replay: Option<ReplayGuard>,
    built: PhantomData<fn() -> R>,
}

impl Router {
    /// Starts building a router for `handlers`.
    pub fn builder(handlers: HandlerList) -> RouterBuilder {
        RouterBuilder::new(handlers)
    }
}

impl<R: From<Router>> RouterBuilder<R> {
    /// Starts configuring `handlers` (built with `callbacks![]`).
    pub fn new(handlers: HandlerList) -> Self {
        RouterBuilder {
            handlers,
            secrets: Vec::new(),
            scheme: Arc::new(HmacSha256Hex),
            state: StateMap::new(),
            limits: Limits::default(),
            replay: None,
            built: PhantomData,
        }
    }

    /// Adds a secret callbacks may be signed with (the `secret` of
    /// `plugin-manifest.json`). Call it again (or use
    /// [`RouterBuilder::secrets`]) to accept several during a rotation; the
    /// first added is index 0.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Adds several secrets, in order of preference.
    pub fn secrets(mut self, secrets: impl IntoIterator<Item = Secret>) -> Self {
        self.secrets.extend(secrets);
        self
    }

    /// Uses another signature scheme than [`HmacSha256Hex`].
    pub fn scheme(mut self, scheme: impl SignatureScheme) -> Self {
        self.scheme = Arc::new(scheme);
        self
    }

    /// Provides a value handlers extract with `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// The largest body accepted, in bytes (default 64 KiB). A larger body
    /// gets `413` without being read past the limit.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.limits.body_limit = bytes;
        self
    }

    /// How long the whole body may take to arrive (default
    /// [`DEFAULT_BODY_TIMEOUT`]). A client that stops sending before the end
    /// of the body it announced gets `400 body_unreadable` then, and no
    /// handler runs. HTTP servers time out the request head only, so without
    /// this such a client would hold its connection and a task forever.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_timeout = timeout;
        self
    }

    /// A deadline for each handler call; past it the caller gets `503`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = Some(timeout);
        self
    }

    /// Refuses a signed body handled within the guard's window with `409
    /// replayed_callback` (off by default). Zoho's `HASH` covers the body
    /// only, so without it a captured callback verifies forever; with it, a
    /// genuine redelivery of a handled callback within the window is refused
    /// too. See [`ReplayGuard`].
    pub fn replay_guard(mut self, guard: ReplayGuard) -> Self {
        self.replay = Some(guard);
        self
    }

    /// Checks the configuration and builds: at least one secret, no event
    /// handled twice, valid paths, and every `State<T>` present.
    pub fn build(self) -> Result<R, BuildError> {
        let verifier =
            Verifier::with_scheme(self.scheme, self.secrets).ok_or(BuildError::NoSecret)?;
        // Duplicate events and invalid paths, with the manifest's own rules.
        CallbackListener::new("http://localhost", self.handlers.infos())
            .map_err(BuildError::Handlers)?;

        let mut routes: Vec<Route> = Vec::new();
        for handler in self.handlers.iter() {
            let info = handler.info();
            handler
                .check_state(&self.state)
                .map_err(|source| BuildError::MissingState {
                    handler: info.qualified_name(),
                    source,
                })?;
            let path: &'static str = &info.path;
            let index = match routes.iter().position(|r| r.path == path) {
                Some(index) => index,
                None => {
                    routes.push(Route {
                        path,
                        by_event: [None; Event::COUNT],
                    });
                    routes.len() - 1
                }
            };
            routes[index].by_event[info.event.index()] = Some(handler);
        }

        Ok(R::from(Router::from_inner(Inner {
            routes,
            handlers: self.handlers,
            verifier,
            state: self.state,
            limits: self.limits,
            replay: self.replay,
        })))
    }
}

impl<R> fmt::Debug for RouterBuilder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterBuilder")
            .field("handlers", &self.handlers)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("scheme", &self.scheme)
            .field("state", &self.state)
            .field("limits", &self.limits)
            .field("replay", &self.replay)
            .finish()
    }
}

/// Why a [`Router`] could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No secret was configured.
    #[error("no secret is configured; call `.secret(...)` with your plugin-manifest.json secret")]
    NoSecret,
    /// Two handlers for one event, or an invalid path.
    #[error(transparent)]
    Handlers(ListenerError),
    /// A handler needs state that was not provided.
    #[error("`{handler}` needs state that is missing: {source}")]
    MissingState {
        /// The handler.
        handler: String,
        /// The missing type.
        source: MissingState,
    },
}
