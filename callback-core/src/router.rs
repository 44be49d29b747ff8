//! The framework-agnostic router: verify, parse, route, call, in that order.

use crate::callback::Callback;
use crate::desk::dispatch::DeskRoutes;
use crate::extract::CallContext;
use crate::handler::{Handler, HandlerList};
use crate::manifest::{CallbackListener, ListenerError};
use crate::outcome::{Handled, Outcome, Rejection, RejectionKind};
use crate::payload::PayloadErrorKind;
use crate::replay::ReplayGuard;
use crate::request::{ALLOWED_METHOD, CallbackRequest, is_json};
use crate::signature::{SignatureError, Verifier};
use crate::state::StateMap;
use crate::trace::CallbackTrace;
use crate::{Event, Limits};
use std::fmt;
use std::sync::Arc;

/// Routes verified callbacks to their handlers.
///
/// Built once with [`Router::builder`] (or an adapter's builder, which is
/// the same [`RouterBuilder`](crate::RouterBuilder)) and cheap to clone.
/// Adapters read the body within [`Router::limits`], call
/// [`Router::dispatch`] and translate the [`Outcome`]; they decide nothing
/// themselves.
#[derive(Clone)]
pub struct Router {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) routes: Vec<Route>,
    pub(crate) handlers: HandlerList,
    /// `None` only when no callback handler is mounted.
    pub(crate) verifier: Option<Verifier>,
    pub(crate) state: StateMap,
    pub(crate) limits: Limits,
    pub(crate) replay: Option<ReplayGuard>,
    pub(crate) desk: DeskRoutes,
    #[cfg(feature = "store")]
    pub(crate) installations: Option<crate::installations::Installations>,
}

/// One mounted path and the handler of each event it serves.
pub(crate) struct Route {
    pub(crate) path: &'static str,
    pub(crate) by_event: [Option<&'static dyn Handler>; Event::COUNT],
}

impl Router {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Router {
            inner: Arc::new(inner),
        }
    }

    /// The distinct paths handlers are mounted at, in first-seen order.
    pub fn paths(&self) -> impl ExactSizeIterator<Item = &'static str> + '_ {
        self.inner.routes.iter().map(|r| r.path)
    }

    /// The mounted handlers.
    pub fn handlers(&self) -> &HandlerList {
        &self.inner.handlers
    }

    /// The body limit, body timeout and handler deadline.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The `callbackListener` section for these handlers under `base_url`.
    pub fn callback_listener(&self, base_url: &str) -> Result<CallbackListener, ListenerError> {
        self.inner.handlers.callback_listener(base_url)
    }

    /// Handles one `POST`: verifies the `HASH` over the exact body bytes,
    /// checks the content type, parses, picks the handler by the payload's
    /// event, claims the body with the replay guard (if any), extracts the
    /// arguments and runs the handler, catching panics, within the deadline.
    ///
    /// Every step that refuses the request does so before the handler runs.
    /// One `tracing` span covers the callback; the outcome is logged in it.
    /// Must run inside a Tokio runtime when a deadline is set.
    pub async fn dispatch(&self, request: CallbackRequest<'_>) -> Outcome {
        let trace = CallbackTrace::start(request.path);
        let outcome = match self.handle(&request, &trace).await {
            Ok(handled) => Outcome::Handled(handled),
            Err(rejection) => Outcome::Rejected(rejection),
        };
        trace.finish(&outcome);
        outcome
    }

    /// Logs a rejection the adapter decided (body size, an unreadable body)
    /// exactly as the router logs its own, and returns it as an outcome.
    pub fn reject(&self, path: &str, rejection: Rejection) -> Outcome {
        let outcome = Outcome::Rejected(rejection);
        CallbackTrace::start(path).finish(&outcome);
        outcome
    }

    /// The outcome for a request to a callback path with another method
    /// than `POST`: `405`, logged as every refusal is. Its
    /// [`Outcome::headers`] carry `Allow: POST`.
    pub fn method_not_allowed(&self, path: &str, method: &str) -> Outcome {
        self.reject(
            path,
            Rejection::new(
                RejectionKind::MethodNotAllowed,
                format!("{method} is not allowed; callbacks are {ALLOWED_METHOD}ed"),
            ),
        )
    }

    async fn handle(
        &self,
        request: &CallbackRequest<'_>,
        trace: &CallbackTrace<'_>,
    ) -> Result<Handled, Rejection> {
        let inner = &*self.inner;
        let route = inner
            .routes
            .iter()
            .find(|r| r.path == request.path)
            .ok_or_else(|| {
                Rejection::new(
                    RejectionKind::NotFound,
                    "no callback is mounted at this path",
                )
            })?;
        let verifier = inner.verifier.as_ref().ok_or_else(|| {
            Rejection::new(
                RejectionKind::NotFound,
                "no callback is mounted at this path",
            )
        })?;
        let verified = verifier
            .verify(request.signature, request.body)
            .map_err(signature_rejection)?;
        if !is_json(request.content_type) {
            return Err(Rejection::new(
                RejectionKind::UnsupportedMediaType,
                "Content-Type must be application/json",
            ));
        }
        let payload = verified.parse().map_err(|e| {
            let kind = match e.kind() {
                PayloadErrorKind::Syntax => RejectionKind::InvalidJson,
                PayloadErrorKind::UnknownEvent => RejectionKind::UnknownEvent,
                _ => RejectionKind::InvalidPayload,
            };
            Rejection::new(kind, e.to_string())
        })?;
        let callback = Callback::new(payload, verified.secret_index());
        let handled = Handled {
            event: callback.event(),
            org_id: callback.org_id(),
        };
        trace.record(handled.event, handled.org_id);
        let handler = route.by_event[handled.event.index()].ok_or_else(|| {
            Rejection::new(
                RejectionKind::EventNotHandledHere,
                format!("{} is not handled at this path", handled.event),
            )
        })?;

        let claim = match &inner.replay {
            None => None,
            Some(guard) => Some(guard.claim(request.body).ok_or_else(|| {
                Rejection::new(
                    RejectionKind::Replayed,
                    "this signed body was already handled; a replay is refused",
                )
            })?),
        };
        let result = self.apply_and_run(handler, &callback, trace).await;
        if let (Err(_), Some(guard), Some(claim)) = (&result, &inner.replay, claim) {
            guard.release(claim);
        }
        result.map(|()| handled)
    }

    /// Applies the callback to the installation store (if there is one),
    /// then runs `handler`, both within the deadline.
    async fn apply_and_run(
        &self,
        handler: &dyn Handler,
        callback: &Callback,
        trace: &CallbackTrace<'_>,
    ) -> Result<(), Rejection> {
        let inner = &*self.inner;
        let cx = CallContext::new(callback, &inner.state);
        #[cfg(feature = "store")]
        let (installation, deadline) = match &inner.installations {
            None => (None, inner.limits.timeout),
            Some(installations) => {
                let started = std::time::Instant::now();
                let installation = installations.apply(callback, inner.limits.timeout).await?;
                let left = inner
                    .limits
                    .timeout
                    .map(|deadline| deadline.saturating_sub(started.elapsed()));
                (Some(installation), left)
            }
        };
        #[cfg(feature = "store")]
        let cx = cx.with_installation(installation.as_ref());
        #[cfg(not(feature = "store"))]
        let deadline = inner.limits.timeout;
        crate::run::run(handler, &cx, deadline, trace.span())
            .await
            .map_err(callback_gone)
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("handlers", &self.inner.handlers)
            .field("verifier", &self.inner.verifier)
            .field("state", &self.inner.state)
            .field("limits", &self.inner.limits)
            .field("replay", &self.inner.replay)
            .field("desk", &self.inner.desk)
            .finish()
    }
}

/// A callback handler's [`Gone`](crate::Gone) is a failure like any other:
/// a callback has no subscription to drop, and `410` is not documented for
/// callbacks.
fn callback_gone(rejection: Rejection) -> Rejection {
    match rejection.kind() {
        RejectionKind::Gone => Rejection::new(
            RejectionKind::HandlerFailed,
            "the handler failed; see the server log",
        )
        .with_detail("the handler answered Gone, which only Desk event handlers can"),
        _ => rejection,
    }
}

fn signature_rejection(err: SignatureError) -> Rejection {
    let kind = match err {
        SignatureError::Missing => RejectionKind::MissingSignature,
        SignatureError::Repeated => RejectionKind::RepeatedSignature,
        SignatureError::Empty => RejectionKind::EmptySignature,
        SignatureError::Mismatch => RejectionKind::SignatureMismatch,
        _ => RejectionKind::MalformedSignature,
    };
    Rejection::new(kind, err.to_string())
}
