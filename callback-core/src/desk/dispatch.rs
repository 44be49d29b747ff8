//! The router's webhook paths: which handler takes which event, and one
//! delivery from its query to its last event.

use super::batch::parse_batch;
use super::event::DeskEvent;
use super::extract::DeskContext;
use super::handler::{DeskHandler, DeskHandlerList};
use super::keys::DeskKeys;
use super::outcome::{DeskHandled, DeskOutcome};
use super::request::{DESK_ALLOWED_METHODS, DeskRequest, parse_query};
use super::token::{TokenPolicy, TokenVerifier};
use super::trace::DeskTrace;
use crate::builder::BuildError;
use crate::outcome::{Rejection, RejectionKind};
use crate::router::Router;
use crate::state::StateMap;
use callback_spec::{DeskEventKind, DeskEventSelector, DeskEventType, check_desk_handlers};
use std::fmt;
use std::time::Duration;
use tracing::Instrument;

/// The Desk settings of a [`RouterBuilder`](crate::RouterBuilder), checked
/// when it builds.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeskSettings {
    pub(crate) handlers: DeskHandlerList,
    pub(crate) keys: Option<DeskKeys>,
    pub(crate) policy: TokenPolicy,
    pub(crate) iat_leeway: Option<Duration>,
    /// `(webhook, id)`: the `aud` each webhook's tokens must carry.
    pub(crate) webhook_ids: Vec<(String, String)>,
}

/// How deliveries are authenticated.
pub(crate) enum Auth {
    Verify(TokenVerifier),
    Unverified,
}

/// The mounted webhook paths.
pub(crate) struct DeskRoutes {
    pub(crate) routes: Vec<DeskRoute>,
    pub(crate) handlers: DeskHandlerList,
    pub(crate) auth: Auth,
}

/// One webhook resource: its path, and the handler of each event type.
pub(crate) struct DeskRoute {
    pub(crate) path: &'static str,
    pub(crate) webhook: &'static str,
    by_type: [Option<&'static dyn DeskHandler>; DeskEventType::COUNT],
    any: Option<&'static dyn DeskHandler>,
    audience: Option<String>,
}

impl DeskRoute {
    /// The handler of `kind` here: its own, or the catch-all.
    fn handler_for(&self, kind: &DeskEventKind) -> Option<&'static dyn DeskHandler> {
        match kind {
            DeskEventKind::Known(ty) => self.by_type[ty.index()].or(self.any),
            DeskEventKind::Other(_) => self.any,
        }
    }
}

impl DeskRoutes {
    /// Checks the handlers (one per event type and webhook, one path per
    /// webhook, options where they belong, valid paths, state present) and
    /// the authentication settings, and builds the routes.
    pub(crate) fn build(
        settings: DeskSettings,
        state: &StateMap,
        callback_paths: &[&'static str],
    ) -> Result<Self, BuildError> {
        let DeskSettings {
            handlers,
            keys,
            policy,
            iat_leeway,
            webhook_ids,
        } = settings;
        check_desk_handlers(handlers.infos()).map_err(BuildError::DeskHandlers)?;
        let mut routes: Vec<DeskRoute> = Vec::new();
        for handler in handlers.iter() {
            let info = handler.info();
            handler
                .check_state(state)
                .map_err(|source| BuildError::missing_state(info.qualified_name(), source))?;
            let path: &'static str = &info.path;
            callback_spec::validate_path(path).map_err(|source| BuildError::DeskPath {
                handler: info.qualified_name(),
                source,
            })?;
            if callback_paths.contains(&path) {
                return Err(BuildError::PathConflict {
                    path: path.to_owned(),
                });
            }
            let index = match routes.iter().position(|r| r.path == path) {
                Some(index) => index,
                None => {
                    routes.push(DeskRoute {
                        path,
                        webhook: &info.webhook,
                        by_type: [None; DeskEventType::COUNT],
                        any: None,
                        audience: None,
                    });
                    routes.len() - 1
                }
            };
            match info.event {
                DeskEventSelector::Type(ty) => routes[index].by_type[ty.index()] = Some(handler),
                DeskEventSelector::Any => routes[index].any = Some(handler),
            }
        }
        for (webhook, id) in webhook_ids {
            let route = routes
                .iter_mut()
                .find(|r| r.webhook == webhook)
                .ok_or_else(|| BuildError::UnknownWebhook {
                    webhook: webhook.clone(),
                })?;
            route.audience = Some(id);
        }
        let auth = match (policy, keys) {
            (TokenPolicy::InsecureAcceptUnverified, _) => {
                if !routes.is_empty() {
                    tracing::warn!(
                        policy = %policy,
                        "Desk deliveries are handled WITHOUT checking X-ZDesk-JWT: anyone who \
                         learns a webhook URL can post events to it; configure the key set \
                         (`.desk_keys(...)`) and drop the opt-out"
                    );
                }
                Auth::Unverified
            }
            (TokenPolicy::Require, Some(keys)) => {
                if !super::token::crypto_provider_installed() {
                    return Err(BuildError::NoJwtProvider);
                }
                let verifier = TokenVerifier::new(keys);
                Auth::Verify(match iat_leeway {
                    Some(leeway) => verifier.iat_leeway(leeway),
                    None => verifier,
                })
            }
            (TokenPolicy::Require, None) if routes.is_empty() => Auth::Unverified,
            (TokenPolicy::Require, None) => return Err(BuildError::NoDeskKeys),
        };
        Ok(DeskRoutes {
            routes,
            handlers,
            auth,
        })
    }

    fn route(&self, path: &str) -> Option<&DeskRoute> {
        self.routes.iter().find(|r| r.path == path)
    }
}

impl fmt::Debug for DeskRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth: &dyn fmt::Debug = match &self.auth {
            Auth::Verify(verifier) => verifier,
            Auth::Unverified => &"unverified",
        };
        f.debug_struct("DeskRoutes")
            .field("handlers", &self.handlers)
            .field("auth", auth)
            .finish()
    }
}

/// Why a delivery stopped, and how many events were handled before.
type Failure = (Rejection, usize);

impl Router {
    /// The distinct webhook paths, in first-seen order.
    pub fn desk_paths(&self) -> impl ExactSizeIterator<Item = &'static str> + '_ {
        self.inner.desk.routes.iter().map(|r| r.path)
    }

    /// The mounted Desk event handlers.
    pub fn desk_handlers(&self) -> &DeskHandlerList {
        &self.inner.desk.handlers
    }

    /// The token verifier deliveries are checked with (`None` under
    /// [`TokenPolicy::InsecureAcceptUnverified`]).
    pub fn token_verifier(&self) -> Option<&TokenVerifier> {
        match &self.inner.desk.auth {
            Auth::Verify(verifier) => Some(verifier),
            Auth::Unverified => None,
        }
    }

    /// The outcome of a `GET` to a webhook path: `200 {"ok":true}` and
    /// nothing run, as Zoho expects when it checks the URL.
    pub fn desk_validation(&self, path: &str) -> DeskOutcome {
        let outcome = match self.inner.desk.route(path) {
            Some(_) => DeskOutcome::Validated,
            None => not_mounted(),
        };
        DeskTrace::start(path).finish(&outcome);
        outcome
    }

    /// The outcome of a request to a webhook path with another method than
    /// `GET` or `POST`: `405`, with `Allow: GET, POST` in its headers.
    pub fn desk_method_not_allowed(&self, path: &str, method: &str) -> DeskOutcome {
        self.reject_desk(
            path,
            Rejection::new(
                RejectionKind::MethodNotAllowed,
                format!("{method} is not allowed; a webhook answers {DESK_ALLOWED_METHODS}"),
            ),
        )
    }

    /// Logs a rejection the adapter decided (body size, an unreadable body)
    /// as the router logs its own, and returns it as an outcome.
    pub fn reject_desk(&self, path: &str, rejection: Rejection) -> DeskOutcome {
        let outcome = DeskOutcome::rejected(rejection, 0);
        DeskTrace::start(path).finish(&outcome);
        outcome
    }

    /// Handles one `POST` to a webhook path, within the deadline
    /// ([`Limits::timeout`](crate::Limits), for the whole batch):
    ///
    /// 1. the query: exactly one `orgId`, at most one `securityContext`
    ///    (`400 invalid_query`);
    /// 2. the token, unless the policy opts out: `X-ZDesk-JWT` verified for
    ///    that org (and the webhook's id, if configured) (`401`, or `503
    ///    keys_unavailable`);
    /// 3. the body: a JSON array of events (`400 invalid_json` /
    ///    `invalid_payload`), each of that org (`401 org_mismatch`);
    /// 4. each event in array order, by its type's handler at this webhook
    ///    or the catch-all, arguments extracted then the function run,
    ///    panics caught. The first event that fails stops the batch: the
    ///    events after it are not run, and the delivery is answered with
    ///    that event's failure (`500`, `410` for a handler's
    ///    [`Gone`](crate::Gone), `400`/`500` for an argument it could not
    ///    have). An event no handler takes is acknowledged and logged.
    ///
    /// `200` only when every event was handled. Nothing runs for a request
    /// refused in steps 1–3. Must run inside a Tokio runtime.
    pub async fn dispatch_desk(&self, request: DeskRequest<'_>) -> DeskOutcome {
        let trace = DeskTrace::start(request.path);
        let outcome = match self.inner.desk.route(request.path) {
            None => not_mounted(),
            Some(route) => {
                let running = Running::default();
                let delivery = self.deliver(route, &request, &trace, &running);
                let delivery = crate::run::within(
                    self.inner.limits.timeout,
                    delivery.instrument(trace.span().clone()),
                );
                match delivery.await {
                    Ok(Ok(handled)) => DeskOutcome::Handled(handled),
                    Ok(Err((rejection, handled))) => DeskOutcome::rejected(rejection, handled),
                    Err(_) => {
                        self.cut_off(&running);
                        DeskOutcome::rejected(
                            Rejection::new(
                                RejectionKind::DeadlineExceeded,
                                "the delivery did not finish within the deadline; \
                                 the events it handled may be delivered again",
                            ),
                            0,
                        )
                    }
                }
            }
        };
        trace.finish(&outcome);
        outcome
    }

    async fn deliver(
        &self,
        route: &DeskRoute,
        request: &DeskRequest<'_>,
        trace: &DeskTrace<'_>,
        running: &Running,
    ) -> Result<DeskHandled, Failure> {
        #[cfg(not(feature = "store"))]
        let _ = running;
        let refused = |rejection: Rejection| (rejection, 0);
        let delivery = parse_query(request.query).map_err(refused)?;
        let org_id = delivery.org_id();
        trace.record_org(org_id);
        if let Auth::Verify(verifier) = &self.inner.desk.auth {
            verifier
                .verify(request.token, org_id, route.audience.as_deref())
                .await
                .map_err(|err| refused(err.rejection()))?;
        }
        let events = parse_batch(request.body).map_err(|err| refused(err.rejection()))?;
        trace.record_events(events.len());
        if let Some(index) = events.iter().position(|e| e.org_id() != org_id) {
            return Err(refused(Rejection::new(
                RejectionKind::OrgMismatch,
                format!("event {index} is of another org than the webhook URL's"),
            )));
        }
        #[cfg(feature = "store")]
        let installation = match &self.inner.installations {
            None => None,
            Some(installations) => {
                installations.maybe_cleanup();
                installations.for_delivery(org_id).await.map_err(refused)?
            }
        };
        let mut handled = DeskHandled {
            events: events.len(),
            handled: 0,
            unhandled: 0,
            duplicates: 0,
        };
        for (index, event) in events.iter().enumerate() {
            let Some(handler) = route.handler_for(event.kind()) else {
                trace.unhandled(index, event.kind());
                handled.unhandled += 1;
                continue;
            };
            #[cfg(feature = "store")]
            let claim = match self.claim(event, running).await {
                Ok(Claimed::Run(claim)) => claim,
                Ok(Claimed::Duplicate) => {
                    trace.duplicate(index, event.kind());
                    handled.duplicates += 1;
                    continue;
                }
                Err(rejection) => {
                    let stopped = stopped_at(rejection, index, event, &handled);
                    return Err((stopped, handled.handled));
                }
            };
            let cx = DeskContext::new(&delivery, event, &self.inner.state);
            #[cfg(feature = "store")]
            let cx = cx.with_installation(installation.as_ref());
            let span = trace.event_span(index, event.kind());
            let result = crate::run::run_call(|| handler.call(&cx), None, &span).await;
            #[cfg(feature = "store")]
            self.settle(claim, result.is_ok(), running).await;
            result.map_err(|rejection| {
                (
                    stopped_at(rejection, index, event, &handled),
                    handled.handled,
                )
            })?;
            handled.handled += 1;
        }
        Ok(handled)
    }

    /// Claims `event` with the installation store, if there is one. The
    /// claim is noted in `running` until it is settled.
    #[cfg(feature = "store")]
    async fn claim(&self, event: &DeskEvent, running: &Running) -> Result<Claimed, Rejection> {
        let Some(installations) = &self.inner.installations else {
            return Ok(Claimed::Run(None));
        };
        let lease = crate::installations::Installations::lease(self.inner.limits.timeout);
        let Some(digest) = installations.claim(event, lease).await? else {
            return Ok(Claimed::Duplicate);
        };
        running.set(Some(digest));
        Ok(Claimed::Run(Some(digest)))
    }

    /// Completes or releases `claim` as the handler did.
    #[cfg(feature = "store")]
    async fn settle(
        &self,
        claim: Option<callback_store::EventDigest>,
        succeeded: bool,
        running: &Running,
    ) {
        if let (Some(digest), Some(installations)) = (claim, &self.inner.installations) {
            running.set(None);
            installations.settle(digest, succeeded).await;
        }
    }

    /// Releases the claim of the event whose handler the deadline cut off,
    /// if there is one, so that Zoho's retry runs it.
    fn cut_off(&self, running: &Running) {
        #[cfg(feature = "store")]
        if let (Some(digest), Some(installations)) = (running.take(), &self.inner.installations) {
            installations.release_in_background(digest);
        }
        let _ = running;
    }
}

/// Whether to run an event's handler.
#[cfg(feature = "store")]
enum Claimed {
    /// Run it: this delivery claimed it (`None` without a store).
    Run(Option<callback_store::EventDigest>),
    /// Acknowledge it without: an earlier delivery claimed it.
    Duplicate,
}

/// The claim of the event whose handler is running, for the deadline to
/// release if it cuts the handler off (the handler's future is dropped
/// with the delivery's).
#[derive(Default)]
struct Running {
    #[cfg(feature = "store")]
    claim: std::sync::Mutex<Option<callback_store::EventDigest>>,
}

#[cfg(feature = "store")]
impl Running {
    fn set(&self, claim: Option<callback_store::EventDigest>) {
        *self.claim.lock().unwrap_or_else(|p| p.into_inner()) = claim;
    }

    fn take(&self) -> Option<callback_store::EventDigest> {
        self.claim.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The rejection of the event at `index`, saying where the batch stopped.
fn stopped_at(
    rejection: Rejection,
    index: usize,
    event: &DeskEvent,
    so_far: &DeskHandled,
) -> Rejection {
    let message = format!(
        "event {index} of {} ({}): {}; {} handled before it, the rest not run",
        so_far.events,
        super::trace::shown(event.kind()),
        rejection.message(),
        so_far.handled,
    );
    rejection.with_message(message)
}

fn not_mounted() -> DeskOutcome {
    DeskOutcome::rejected(
        Rejection::new(
            RejectionKind::NotFound,
            "no webhook is mounted at this path",
        ),
        0,
    )
}
