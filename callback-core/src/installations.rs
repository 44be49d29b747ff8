//! The installation store, fed by the router (feature `store`): what the
//! lifecycle callbacks said about each org, kept by the framework, and each
//! Desk event run once.
//!
//! ```
//! use callback_core::callback_store::{StoreKey, StoreKeys, StoreOptions};
//! use callback_core::testing::TestCallback;
//! use callback_core::{Event, Installation, Router, Secret, callbacks};
//! use callback_macros::{on_config_param_add, on_install};
//!
//! /// Runs after the store committed the callback: `installation` is the
//! /// org's state as committed, its security context decrypted.
//! #[on_install]
//! async fn installed(installation: Installation) {
//!     assert!(installation.is_installed());
//! }
//!
//! #[on_config_param_add]
//! async fn configured(installation: Installation) {
//!     assert_eq!(installation.config_param_adds, 1);
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! # let dir = tempfile::tempdir()?;
//! # let url = format!("sqlite://{}", dir.path().join("installations.db").display());
//! // In a server: `StoreOptions::from_env()?` (the keys of ZOHO_STORE_KEY),
//! // and the URL of DATABASE_URL: sqlite://PATH for one instance, or
//! // postgres://… for several.
//! let store = StoreOptions::new(StoreKeys::new(StoreKey::generate(), []))
//!     .open(&url)
//!     .await?;
//! let secret = Secret::new("the secret of plugin-manifest.json")?;
//! let router = Router::builder(callbacks![installed, configured])
//!     .secret(secret.clone())
//!     .installations(store.clone())
//!     .build()?;
//!
//! for event in [Event::Install, Event::ConfigParamAdd] {
//!     let callback = TestCallback::new(event, &secret).org_id(387238).build();
//! #   let hash = callback.hash.as_deref().unwrap_or_default();
//! #   let callback = callback_core::CallbackRequest {
//! #       path: &callback.path,
//! #       signature: callback_core::SignatureHeader::One(hash.as_bytes()),
//! #       content_type: Some(b"application/json"),
//! #       body: &callback.body,
//! #   };
//!     assert_eq!(router.dispatch(callback).await.status(), 200);
//! }
//!
//! // Outside requests (a background job): the org's installation, and
//! // every org's, page by page.
//! let org = store.installation(387238).await?.expect("known");
//! assert_eq!((org.callbacks, org.security_context.is_some()), (2, true));
//! assert_eq!(store.list(None, 100).await?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Lifecycle callbacks
//!
//! With [`RouterBuilder::installations`](crate::RouterBuilder::installations),
//! each callback that passed every check (`HASH`, content type, parse, a
//! handler at its path, the replay guard if any) is applied to its org's
//! installation in one transaction, and committed, before its handler runs
//! ([`InstallationStore::apply`]): installed or not, Zoho and the
//! third-party app authorised, counts, the latest security context
//! (encrypted at rest), when each event last came. The store and the
//! handler share the callback's deadline. Then:
//!
//! - a callback the store finds **stale** (it carries the security context
//!   of an installation that has ended: a replayed `onInstall` after
//!   `onUninstall`) is answered `409 stale_callback` and no handler runs:
//!   lifecycle state never moves backwards on a replayed or out-of-order
//!   callback;
//! - the store **unreachable** or too slow (its acquire timeout, 2 s, and
//!   its call timeout, 3 s, are below the 4 s deadline) is `503
//!   store_unavailable`, any other store failure `500 store_failed`; no
//!   handler runs, and the pool reconnects by itself when the database
//!   returns;
//! - a `200` is only ever sent after the commit.
//!
//! A handler that fails after the commit leaves the installation updated:
//! Zoho's retry is applied again (counts count every callback; callbacks
//! carry no delivery id).
//!
//! # Desk events
//!
//! Each event a handler takes is **claimed** by its content
//! ([`digest_of`]: type, org, time and payload) before its handler runs:
//!
//! - a redelivered event (to this instance or another on the same
//!   database, even at the same instant) is acknowledged with `200`
//!   without running its handler again
//!   ([`DeskHandled::duplicates`](crate::desk::DeskHandled::duplicates));
//! - a handler that fails releases its claim, so Zoho's retry runs it; one
//!   the deadline cuts off releases it too, in the background;
//! - a claim is held for the delivery's deadline plus 2 s (its lease): if
//!   the process dies mid-handler, a redelivery after the lease runs it;
//! - claims are kept for the store's retention
//!   ([`StoreOptions::claim_retention`](callback_store::StoreOptions::claim_retention),
//!   7 days); older ones are removed in the background of a delivery at
//!   most once an hour per instance
//!   ([`RouterBuilder::claim_cleanup_interval`](crate::RouterBuilder::claim_cleanup_interval)),
//!   or by a job of yours calling [`InstallationStore::cleanup`];
//! - a delivery for an org the store knows as **uninstalled** is answered
//!   `410 org_uninstalled` (Zoho then drops the subscription), and no
//!   handler runs.
//!
//! Handlers take the org as `Installation` (`409 unknown_installation` for
//! an org the store has no callback from) or `Option<Installation>`.
//!
//! # The key
//!
//! Security contexts are encrypted under the key of `ZOHO_STORE_KEY` (the
//! base64 of 32 random bytes: `openssl rand -base64 32`), read by
//! [`StoreOptions::from_env`](callback_store::StoreOptions::from_env),
//! which refuses without it and says how to make one. Several keys,
//! comma-separated, rotate it: the first encrypts, any decrypts, and
//! `callback store rekey` re-encrypts everything under the first. For a
//! quick start on a developer's machine,
//! [`StoreKeys::from_file_or_create`](callback_store::StoreKeys::from_file_or_create)
//! keeps a random key in a `0600` file beside the database.
//!
//! # Several instances
//!
//! SQLite (`sqlite://PATH`) is for one instance. Behind a load balancer,
//! give every instance the same `postgres://…` URL and the same keys: an
//! org's callbacks to two instances apply one after the other (its row is
//! locked for the transaction), each Desk event is claimed by one instance
//! whichever gets it, and every instance reads what any committed.

use crate::desk::{DeskContext, DeskEvent, FromDeskEvent, OptionalFromDeskEvent};
use crate::extract::{CallContext, FromCallback, OptionalFromCallback};
use crate::outcome::{Rejection, RejectionKind};
use crate::state::{MissingState, StateMap};
use crate::{Callback, OrgId};
use callback_store::{
    Applied, Claim, EventDigest, Installation, InstallationStore, LifecycleCallback, Status,
    StoreError,
};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How often, at most, a router removes the Desk event claims older than
/// the store's retention, by default: once an hour, in the background of a
/// delivery (a server that gets no deliveries does nothing).
pub const DEFAULT_CLAIM_CLEANUP_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// How far a Desk event's claim outlives the delivery's deadline: the
/// instances of a server compare their clocks through it.
const LEASE_MARGIN: Duration = Duration::from_secs(2);

/// The lease of a Desk event's claim when deliveries have no deadline
/// ([`RouterBuilder::no_timeout`](crate::RouterBuilder::no_timeout)): a
/// handler that runs longer may be run again by a redelivery.
pub const NO_DEADLINE_CLAIM_LEASE: Duration = Duration::from_secs(10 * 60);

/// The store a router feeds, and when it last cleaned up.
pub(crate) struct Installations {
    store: Arc<dyn InstallationStore>,
    cleanup_interval: Duration,
    last_cleanup: Mutex<Option<Instant>>,
}

/// The type a handler's `Installation` needs in the state: the store
/// itself, which [`RouterBuilder::installations`](crate::RouterBuilder::installations)
/// provides (handlers take it as `State<Arc<dyn InstallationStore>>`).
pub(crate) type StoreState = Arc<dyn InstallationStore>;

/// Whether `missing` is the store an `Installation` argument needs.
pub(crate) fn is_store(missing: &MissingState) -> bool {
    missing.type_name == std::any::type_name::<StoreState>()
}

impl Installations {
    pub(crate) fn new(store: Arc<dyn InstallationStore>, cleanup_interval: Duration) -> Self {
        Installations {
            store,
            cleanup_interval,
            last_cleanup: Mutex::new(None),
        }
    }

    /// Applies a verified callback to its org's installation, committed
    /// before this returns, within `deadline`: the installation as
    /// committed, or the rejection that answers the callback (stale, or the
    /// store unavailable or failing).
    pub(crate) async fn apply(
        &self,
        callback: &Callback,
        deadline: Option<Duration>,
    ) -> Result<Installation, Rejection> {
        let lifecycle = LifecycleCallback::new(
            callback.event(),
            callback.org_id().get(),
            callback.security_context().map(|context| context.expose()),
            SystemTime::now(),
        );
        let applied = match deadline {
            None => self.store.apply(lifecycle).await,
            Some(deadline) => {
                match tokio::time::timeout(deadline, self.store.apply(lifecycle)).await {
                    Ok(applied) => applied,
                    Err(_) => return Err(past_deadline()),
                }
            }
        };
        match applied.map_err(store_rejection)? {
            Applied::Recorded(installation) => Ok(installation),
            Applied::Stale(_) => Err(Rejection::new(
                RejectionKind::StaleCallback,
                "this callback carries the security context of an installation that has ended \
                 (a replay, or a callback delayed past a reinstall); nothing changed",
            )),
        }
    }

    /// The installation of the org a delivery is for, or `None` if the
    /// store has no callback from it; `410 org_uninstalled` if it is
    /// uninstalled.
    pub(crate) async fn for_delivery(
        &self,
        org_id: OrgId,
    ) -> Result<Option<Installation>, Rejection> {
        let installation = self
            .store
            .installation(org_id.get())
            .await
            .map_err(store_rejection)?;
        match installation {
            Some(installation) if installation.status == Status::Uninstalled => {
                Err(Rejection::new(
                    RejectionKind::OrgUninstalled,
                    "the extension is uninstalled from this org; Zoho drops the subscription",
                ))
            }
            installation => Ok(installation),
        }
    }

    /// Claims `event` of `org_id` for `lease`: whether its handler should
    /// run here (`Some(digest)`, to be [settled](Self::settle)) or the
    /// event was handled, or is being handled, by an earlier delivery
    /// (`None`).
    pub(crate) async fn claim(
        &self,
        event: &DeskEvent,
        lease: Duration,
    ) -> Result<Option<EventDigest>, Rejection> {
        let digest = digest_of(event);
        match self
            .store
            .claim(digest, SystemTime::now(), lease)
            .await
            .map_err(store_rejection)?
        {
            Claim::Claimed => Ok(Some(digest)),
            _ => Ok(None),
        }
    }

    /// Completes the claim of an event whose handler succeeded, or releases
    /// that of one whose handler failed (so that Zoho's retry runs it).
    /// Neither changes the delivery's answer: the handler's effects stand,
    /// and a claim left as it was runs out with its lease. A failure is
    /// logged.
    pub(crate) async fn settle(&self, digest: EventDigest, succeeded: bool) {
        let (result, what) = match succeeded {
            true => (self.store.complete(digest).await, "complete"),
            false => (self.store.release(digest).await, "release"),
        };
        if let Err(error) = result {
            tracing::warn!(
                digest = %digest,
                error = %error,
                "could not {what} the claim of a Desk event; it runs out with its lease"
            );
        }
    }

    /// Releases the claim of an event whose handler was cut off by the
    /// delivery's deadline, in the background (the delivery is answered at
    /// once); if that fails, the claim runs out with its lease.
    pub(crate) fn release_in_background(&self, digest: EventDigest) {
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            if let Err(error) = store.release(digest).await {
                tracing::warn!(
                    digest = %digest,
                    error = %error,
                    "could not release the claim of a Desk event cut off by its deadline; \
                     it runs out with its lease"
                );
            }
        });
    }

    /// Removes the claims older than the store's retention, in the
    /// background, if the last cleanup of this router is older than the
    /// interval (or there was none).
    pub(crate) fn maybe_cleanup(&self) {
        let now = Instant::now();
        {
            let mut last = self
                .last_cleanup
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if last.is_some_and(|last| now.duration_since(last) < self.cleanup_interval) {
                return;
            }
            *last = Some(now);
        }
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            match store.cleanup(SystemTime::now()).await {
                Ok(removed) => tracing::debug!(
                    removed,
                    "removed the Desk event claims older than the retention"
                ),
                Err(error) => tracing::warn!(
                    error = %error,
                    "could not remove the Desk event claims older than the retention"
                ),
            }
        });
    }

    /// The lease of a claim made during a delivery with `deadline`.
    pub(crate) fn lease(deadline: Option<Duration>) -> Duration {
        deadline.map_or(NO_DEADLINE_CLAIM_LEASE, |deadline| deadline + LEASE_MARGIN)
    }
}

impl fmt::Debug for Installations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installations")
            .field("store", &self.store)
            .field("cleanup_interval", &self.cleanup_interval)
            .finish_non_exhaustive()
    }
}

/// The content digest a Desk event is claimed by: its type, org, time and
/// payload ([`EventDigest`]).
pub fn digest_of(event: &DeskEvent) -> EventDigest {
    EventDigest::new(
        event.kind().wire_name(),
        event.org_id().get(),
        event.event_time().map(|time| time.to_system_time()),
        event.payload(),
    )
}

/// The rejection of a store call that failed.
fn store_rejection(error: StoreError) -> Rejection {
    match error.is_unavailable() {
        true => Rejection::new(
            RejectionKind::StoreUnavailable,
            "the installation store is unavailable; nothing was recorded, retry later",
        ),
        false => Rejection::new(
            RejectionKind::StoreFailed,
            "the installation store failed; see the server log",
        ),
    }
    .with_detail(error.to_string())
}

/// The rejection of a store call the request's deadline cut off.
fn past_deadline() -> Rejection {
    Rejection::new(
        RejectionKind::StoreUnavailable,
        "the installation store did not answer within the request's deadline; retry later",
    )
}

/// The rejection of a handler that takes an `Installation` on a router
/// without a store (which building refuses first).
fn no_store() -> Rejection {
    let missing = MissingState {
        type_name: std::any::type_name::<StoreState>(),
    };
    Rejection::new(RejectionKind::MissingState, "the server is misconfigured")
        .with_detail(missing.to_string())
}

/// The org's installation as the store committed it for this callback,
/// before the handler ran (its security context decrypted; `Debug`
/// redacts it).
///
/// Needs [`RouterBuilder::installations`](crate::RouterBuilder::installations):
/// building refuses a handler that takes it without a store
/// ([`BuildError::NoInstallationStore`](crate::BuildError::NoInstallationStore)).
impl FromCallback for Installation {
    type Rejection = Rejection;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        cx.installation().cloned().ok_or_else(no_store)
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<StoreState>()
    }
}

/// `Option<Installation>` needs the store as `Installation` does (building
/// refuses it without one: `None` would hide the missing store forever);
/// with one, the org's installation is always there for a callback, which
/// the store committed before the handler runs.
impl OptionalFromCallback for Installation {
    type Rejection = Rejection;

    async fn from_callback_optional(cx: &CallContext<'_>) -> Result<Option<Self>, Rejection> {
        Ok(cx.installation().cloned())
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<StoreState>()
    }
}

/// The installation of the delivery's org, as the store holds it when the
/// delivery arrives. An org the store has no callback from fails the event
/// with `409 unknown_installation` before its handler runs: take
/// `Option<Installation>` to handle those events too (it is `None` then).
impl FromDeskEvent for Installation {
    type Rejection = Rejection;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        match cx.installation() {
            Some(installation) => Ok(installation.clone()),
            None if cx.state().get::<StoreState>().is_none() => Err(no_store()),
            None => Err(Rejection::new(
                RejectionKind::UnknownInstallation,
                "the installation store has no callback from this org, and the handler needs \
                 its installation",
            )),
        }
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<StoreState>()
    }
}

/// `None` for an org the store has no callback from; like `Installation`,
/// it needs the store (building refuses it without one).
impl OptionalFromDeskEvent for Installation {
    type Rejection = Rejection;

    async fn from_desk_event_optional(cx: &DeskContext<'_>) -> Result<Option<Self>, Rejection> {
        match cx.installation() {
            Some(installation) => Ok(Some(installation.clone())),
            None if cx.state().get::<StoreState>().is_none() => Err(no_store()),
            None => Ok(None),
        }
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<StoreState>()
    }
}
