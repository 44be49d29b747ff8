//! Configuring a [`Router`]: once, in core, for every adapter.

use crate::desk::dispatch::{DeskRoutes, DeskSettings};
use crate::desk::{DeskHandlerList, DeskKeys, TokenPolicy};
use crate::handler::HandlerList;
use crate::manifest::{CallbackListener, ListenerError};
use crate::replay::ReplayGuard;
use crate::router::{Inner, Route, Router};
use crate::signature::{HmacSha256Hex, SignatureScheme, Verifier};
use crate::state::{MissingState, StateMap};
use crate::{Event, PathError, Secret};
use callback_spec::DeskHandlersError;
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

/// The default body limit of a Desk delivery: 1 MiB. A delivery is a
/// batch of events, each with the record's whole state (and its previous
/// state): larger than a callback by far, still bounded.
pub const DEFAULT_DESK_BODY_LIMIT: usize = 1024 * 1024;

/// The default deadline: 4 seconds. Zoho waits about 5 s for an answer (to
/// a callback and to a delivery alike) and counts a later one as failed;
/// a second is left for the network and the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(4);

/// What an adapter enforces while it reads a request, and the router while
/// it runs the handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest callback body accepted, in bytes.
    pub body_limit: usize,
    /// The largest Desk delivery body accepted, in bytes.
    pub desk_body_limit: usize,
    /// How long the whole body may take to arrive.
    pub body_timeout: Duration,
    /// The deadline for one callback's handler, and for one Desk delivery
    /// (its token check and every event of its batch); `None` for none.
    pub timeout: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_limit: DEFAULT_BODY_LIMIT,
            desk_body_limit: DEFAULT_DESK_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            timeout: Some(DEFAULT_TIMEOUT),
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
    desk: DeskSettings,
    #[cfg(feature = "store")]
    installations: Option<(
        std::sync::Arc<dyn callback_store::InstallationStore>,
        Duration,
    )>,
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
            desk: DeskSettings::default(),
            #[cfg(feature = "store")]
            installations: None,
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

    /// The deadline for each callback's handler and for each Desk delivery
    /// as a whole (default [`DEFAULT_TIMEOUT`], 4 s); past it the caller
    /// gets `503 handler_timeout`, and the handler's future is dropped.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = Some(timeout);
        self
    }

    /// No deadline at all: a handler may run for as long as it likes (Zoho
    /// stops waiting after about 5 s and counts the request as failed).
    pub fn no_timeout(mut self) -> Self {
        self.limits.timeout = None;
        self
    }

    /// Mounts Desk event handlers (built with `desk_events![]`): one path
    /// per webhook resource, serving every event of its handlers.
    pub fn desk_events(mut self, handlers: DeskHandlerList) -> Self {
        self.desk.handlers = handlers;
        self
    }

    /// The keys Desk deliveries' `X-ZDesk-JWT` tokens are checked with
    /// (required unless [`TokenPolicy::InsecureAcceptUnverified`]).
    pub fn desk_keys(mut self, keys: DeskKeys) -> Self {
        self.desk.keys = Some(keys);
        self
    }

    /// Whether deliveries must carry a verified token: [`TokenPolicy::Require`]
    /// by default. The opt-out is logged as a warning when the router is
    /// built.
    pub fn desk_token_policy(mut self, policy: TokenPolicy) -> Self {
        self.desk.policy = policy;
        self
    }

    /// How far ahead of this server's clock a token's `iat` may be
    /// (default [`DEFAULT_IAT_LEEWAY`](crate::desk::DEFAULT_IAT_LEEWAY), 60 s).
    pub fn desk_iat_leeway(mut self, leeway: Duration) -> Self {
        self.desk.iat_leeway = Some(leeway);
        self
    }

    /// The id of the webhook resource `webhook` (its `resourceName`), which
    /// its tokens must then name as `aud: "webhookId:<id>"`. Without it
    /// `aud` is not checked: how an extension learns its webhook's id is
    /// not documented.
    pub fn desk_webhook_id(mut self, webhook: &str, id: &str) -> Self {
        self.desk
            .webhook_ids
            .push((webhook.to_owned(), id.to_owned()));
        self
    }

    /// The largest Desk delivery body accepted, in bytes (default 1 MiB).
    /// A larger body gets `413` without being read past the limit.
    pub fn desk_body_limit(mut self, bytes: usize) -> Self {
        self.limits.desk_body_limit = bytes;
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

    /// Keeps every org's installation in `store` (feature `store`; see the
    /// crate's "Installations"): each verified lifecycle callback is applied
    /// to its org's installation, and committed, before its handler runs;
    /// one the store finds stale (a replay) is refused with `409
    /// stale_callback` and no handler runs. Each Desk event is claimed by
    /// its content before its handler runs, so that a redelivery (to this
    /// instance or another on the same database) is acknowledged without
    /// running it again; a delivery for an org the store knows as
    /// uninstalled is answered `410 org_uninstalled`. The store unreachable:
    /// `503 store_unavailable`, never `200`.
    ///
    /// Handlers take the org's [`Installation`](callback_store::Installation)
    /// as an argument, and the store itself as
    /// `State<Arc<dyn InstallationStore>>`.
    #[cfg(feature = "store")]
    pub fn installations(
        mut self,
        store: std::sync::Arc<dyn callback_store::InstallationStore>,
    ) -> Self {
        let interval = self.installations.take().map_or(
            crate::installations::DEFAULT_CLAIM_CLEANUP_INTERVAL,
            |(_, i)| i,
        );
        self.state.insert(std::sync::Arc::clone(&store));
        self.installations = Some((store, interval));
        self
    }

    /// How often, at most, the router removes the Desk event claims older
    /// than the store's retention (default
    /// [`DEFAULT_CLAIM_CLEANUP_INTERVAL`](crate::installations::DEFAULT_CLAIM_CLEANUP_INTERVAL),
    /// an hour): in the background of a delivery, so a server that gets
    /// none does nothing. Each instance of a server does it on its own; one
    /// cleanup removes what every instance claimed. Call after
    /// [`installations`](Self::installations).
    #[cfg(feature = "store")]
    pub fn claim_cleanup_interval(mut self, interval: Duration) -> Self {
        if let Some((_, every)) = &mut self.installations {
            *every = interval;
        }
        self
    }

    /// Checks the configuration and builds: a secret if there are callback
    /// handlers, no event handled twice, valid paths, every `State<T>`
    /// present; for Desk event handlers, the rules of
    /// [`check_desk_handlers`](callback_spec::check_desk_handlers), a key
    /// set unless the token policy opts out, and webhook ids only for
    /// mounted webhooks.
    pub fn build(self) -> Result<R, BuildError> {
        let verifier = match Verifier::with_scheme(self.scheme, self.secrets) {
            Some(verifier) => Some(verifier),
            None if self.handlers.is_empty() => None,
            None => return Err(BuildError::NoSecret),
        };
        // Duplicate events and invalid paths, with the manifest's own rules.
        CallbackListener::new("http://localhost", self.handlers.infos())
            .map_err(BuildError::Handlers)?;

        let mut routes: Vec<Route> = Vec::new();
        for handler in self.handlers.iter() {
            let info = handler.info();
            handler
                .check_state(&self.state)
                .map_err(|source| BuildError::missing_state(info.qualified_name(), source))?;
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
        let callback_paths: Vec<&'static str> = routes.iter().map(|r| r.path).collect();
        let desk = DeskRoutes::build(self.desk, &self.state, &callback_paths)?;

        Ok(R::from(Router::from_inner(Inner {
            routes,
            handlers: self.handlers,
            verifier,
            state: self.state,
            limits: self.limits,
            replay: self.replay,
            desk,
            #[cfg(feature = "store")]
            installations: self
                .installations
                .map(|(store, interval)| crate::installations::Installations::new(store, interval)),
        })))
    }
}

impl<R> fmt::Debug for RouterBuilder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("RouterBuilder");
        f.field("handlers", &self.handlers)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("scheme", &self.scheme)
            .field("state", &self.state)
            .field("limits", &self.limits)
            .field("replay", &self.replay)
            .field("desk", &self.desk);
        #[cfg(feature = "store")]
        f.field("installations", &self.installations);
        f.finish()
    }
}

impl BuildError {
    /// The error of `handler`, whose arguments need state that is missing:
    /// [`BuildError::NoInstallationStore`] for the store an `Installation`
    /// needs, [`BuildError::MissingState`] for anything else.
    pub(crate) fn missing_state(handler: String, source: MissingState) -> BuildError {
        #[cfg(feature = "store")]
        if crate::installations::is_store(&source) {
            return BuildError::NoInstallationStore { handler };
        }
        BuildError::MissingState { handler, source }
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
    /// Two Desk event handlers for one event of one webhook, two paths for
    /// one webhook, or an option on an event type that does not take it.
    #[error(transparent)]
    DeskHandlers(DeskHandlersError),
    /// A Desk event handler's path is not a valid path.
    #[error("`{handler}`: {source}")]
    DeskPath {
        /// The handler.
        handler: String,
        /// What is wrong with its path.
        source: PathError,
    },
    /// A handler takes an `Installation` or an `Option<Installation>`,
    /// and no installation store is configured.
    #[error(
        "`{handler}` takes an `Installation` (or an `Option<Installation>`), which needs the \
         installation store: call `.installations(store)` with the store of `StoreOptions::open`"
    )]
    NoInstallationStore {
        /// The handler.
        handler: String,
    },
    /// A webhook is mounted at a callback's path.
    #[error("{path} is both a callback path and a webhook path; give the webhook another `path`")]
    PathConflict {
        /// The path.
        path: String,
    },
    /// Desk event handlers are mounted, the token is required, and no key
    /// set is configured.
    #[error(
        "Desk event handlers need the key set their tokens are checked with: call \
         `.desk_keys(DeskKeys::from_url(DEFAULT_JWKS_URL)?)` (or your data centre's JWKS URL)"
    )]
    NoDeskKeys,
    /// A webhook id is configured for a webhook no handler belongs to.
    #[error("a webhook id is configured for `{webhook}`, which no Desk event handler belongs to")]
    UnknownWebhook {
        /// The webhook named.
        webhook: String,
    },
    /// `jsonwebtoken` has no crypto provider (built with both or neither
    /// of its backends).
    #[error(
        "jsonwebtoken has no crypto provider: exactly one of its features `rust_crypto` and \
         `aws_lc_rs` must be on (callback-core turns on `rust_crypto`)"
    )]
    NoJwtProvider,
}
