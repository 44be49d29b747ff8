//! The framework-agnostic router: verify, parse, route, call, in that order.

use crate::callback::LazyCallback;
use crate::extract::CallContext;
use crate::handler::{HandlerFuture, HandlerList};
use crate::manifest::{CallbackListener, ListenerError};
use crate::outcome::{Handled, Outcome, Rejection, RejectionKind};
use crate::payload::PayloadErrorKind;
use crate::replay::{Claim, ReplayGuard};
use crate::signature::{HmacSha256Hex, SignatureError, SignatureHeader, SignatureScheme, Verifier};
use crate::state::{MissingState, StateMap};
use crate::{Event, Secret};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The default body limit: 64 KiB.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// What any HTTP layer hands the router for one request.
///
/// `Debug` shows the path and the lengths of the rest: the body holds the
/// security context, and the `HASH` is a MAC of it.
#[derive(Clone, Copy)]
pub struct CallbackRequest<'a> {
    /// The request path, such as `/callbacks/onInstall`.
    pub path: &'a str,
    /// The `HASH` header.
    pub signature: SignatureHeader<'a>,
    /// The raw `Content-Type` header, if any.
    pub content_type: Option<&'a [u8]>,
    /// The body, exactly as received.
    pub body: &'a [u8],
}

impl fmt::Debug for CallbackRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("path", &self.path)
            .field("signature", &self.signature)
            .field("content_type", &self.content_type.map(<[u8]>::len))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Routes verified callbacks to their handlers.
///
/// Built once with [`Router::builder`] and cheap to clone. Adapters call
/// [`Router::dispatch_with_timer`] (or [`Router::dispatch`]) and translate the
/// [`Outcome`]; they decide nothing themselves.
#[derive(Clone)]
pub struct Router {
    inner: Arc<Inner>,
}

struct Inner {
    routes: Vec<Route>,
    handlers: HandlerList,
    verifier: Verifier,
    state: StateMap,
    body_limit: usize,
    timeout: Option<Duration>,
    replay: Option<ReplayGuard>,
}

/// One mounted path and the handler index of each event it serves.
struct Route {
    path: &'static str,
    by_event: [Option<usize>; Event::COUNT],
}

impl Router {
    /// Starts building a router for `handlers`.
    pub fn builder(handlers: HandlerList) -> RouterBuilder {
        RouterBuilder {
            handlers,
            secrets: Vec::new(),
            scheme: Arc::new(HmacSha256Hex),
            state: StateMap::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            timeout: None,
            replay: None,
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

    /// The largest body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// The deadline for one handler call, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    /// The `callbackListener` section for these handlers under `base_url`.
    pub fn callback_listener(&self, base_url: &str) -> Result<CallbackListener, ListenerError> {
        self.inner.handlers.callback_listener(base_url)
    }

    /// Handles one request with no deadline.
    // Not an `async fn`: one wrapping state machine less to build and move.
    pub fn dispatch<'a>(
        &'a self,
        request: CallbackRequest<'a>,
    ) -> impl std::future::Future<Output = Outcome> + Send + 'a {
        self.dispatch_with_timer(request, |_| std::future::pending())
    }

    /// Handles one request: verifies the `HASH` over the exact body bytes,
    /// checks the content type, parses, picks the handler by the payload's
    /// event, extracts its arguments and runs it, catching panics, with the
    /// configured deadline measured by `sleep` (the adapter's runtime timer).
    ///
    /// Every step that refuses the request does so before the handler runs.
    /// One `tracing` span covers the callback; the outcome is logged in it.
    pub async fn dispatch_with_timer<S, F>(&self, request: CallbackRequest<'_>, sleep: S) -> Outcome
    where
        S: FnOnce(Duration) -> F,
        F: std::future::Future<Output = ()>,
    {
        let trace = crate::trace::CallbackTrace::start(request.path);
        // Not awaited inside the `match`: its scrutinee, the whole result,
        // would be kept across the await in the future's state (issue 8).
        let (handled, future, claim) = match self.prepare(&request, &trace) {
            Ok(started) => started,
            Err(rejection) => {
                let outcome = Outcome::Rejected(rejection);
                trace.finish(&outcome);
                return outcome;
            }
        };
        let deadline = std::pin::pin!(self.inner.timeout.map(sleep));
        let outcome = crate::run::RunHandler {
            handled,
            future,
            deadline: deadline.as_pin_mut(),
            span: trace.span(),
        }
        .await;
        if let (Some(guard), Some(claim), Outcome::Rejected(_)) =
            (&self.inner.replay, claim, &outcome)
        {
            guard.release(claim);
        }
        trace.finish(&outcome);
        outcome
    }

    /// Logs a rejection decided by the adapter (method, body size, an
    /// unreadable body) exactly as the router logs its own, and returns it as
    /// an outcome.
    pub fn reject(&self, path: &str, rejection: Rejection) -> Outcome {
        let outcome = Outcome::Rejected(rejection);
        crate::trace::CallbackTrace::start(path).finish(&outcome);
        outcome
    }

    /// Steps 1 to 5: everything up to starting the handler, and the replay
    /// guard's claim on the body, if there is a guard.
    fn prepare(
        &self,
        request: &CallbackRequest<'_>,
        trace: &crate::trace::CallbackTrace<'_>,
    ) -> Result<(Handled, HandlerFuture, Option<Claim>), Rejection> {
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

        let verified = inner
            .verifier
            .verify(request.signature, request.body)
            .map_err(signature_rejection)?;

        if !is_json(request.content_type) {
            return Err(Rejection::new(
                RejectionKind::UnsupportedMediaType,
                "Content-Type must be application/json",
            ));
        }

        // Read in place: `?` would move the fields out of the result, piece
        // by piece, and read them back whole, a failed store-to-load
        // forwarding on every callback (issue 8).
        let parsed = verified.parse_fields();
        let fields = match &parsed {
            Ok(fields) => fields,
            Err(e) => {
                let kind = match e.kind() {
                    PayloadErrorKind::Syntax => RejectionKind::InvalidJson,
                    PayloadErrorKind::UnknownEvent => RejectionKind::UnknownEvent,
                    _ => RejectionKind::InvalidPayload,
                };
                return Err(Rejection::new(kind, e.to_string()));
            }
        };
        let handled = Handled {
            event: fields.event,
            org_id: fields.org_id,
        };
        trace.record_callback(handled);

        let handler = route.by_event[handled.event.index()]
            .map(|i| {
                inner
                    .handlers
                    .iter()
                    .nth(i)
                    .expect("indices come from the list")
            })
            .ok_or_else(|| {
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
        let callback = LazyCallback::new(fields, verified.secret_index());
        let started =
            crate::run::start_handler(handler, &CallContext::lazy(&callback, &inner.state));
        match started {
            Ok(future) => Ok((handled, future, claim)),
            Err(rejection) => {
                if let (Some(guard), Some(claim)) = (&inner.replay, claim) {
                    guard.release(claim);
                }
                Err(rejection)
            }
        }
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("handlers", &self.inner.handlers)
            .field("verifier", &self.inner.verifier)
            .field("state", &self.inner.state)
            .field("body_limit", &self.inner.body_limit)
            .field("timeout", &self.inner.timeout)
            .field("replay", &self.inner.replay)
            .finish()
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

/// `application/json`, in any case, with any parameters: the media type is
/// what comes before the first `;`, without the optional whitespace around
/// it (RFC 9110, 8.3.1). The parameters (`charset`, …) do not matter here.
fn is_json(content_type: Option<&[u8]>) -> bool {
    const JSON: &[u8] = b"application/json";
    content_type.is_some_and(|raw| {
        // The usual header first, without scanning it for a `;` (issue 8:
        // about 130 instructions of a callback).
        raw.eq_ignore_ascii_case(JSON)
            || raw
                .split(|&b| b == b';')
                .next()
                .is_some_and(|essence| essence.trim_ascii().eq_ignore_ascii_case(JSON))
    })
}

/// Configures a [`Router`].
pub struct RouterBuilder {
    handlers: HandlerList,
    secrets: Vec<Secret>,
    scheme: Arc<dyn SignatureScheme>,
    state: StateMap,
    body_limit: usize,
    timeout: Option<Duration>,
    replay: Option<ReplayGuard>,
}

impl RouterBuilder {
    /// Adds a secret callbacks may be signed with. Call it again (or use
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

    /// The largest body accepted (default 64 KiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// A deadline for each handler call; past it the caller gets `503`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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

    /// Checks the configuration and builds the router: at least one secret,
    /// no event handled twice, valid paths, and every `State<T>` present.
    pub fn build(self) -> Result<Router, BuildError> {
        let verifier =
            Verifier::with_scheme(self.scheme, self.secrets).ok_or(BuildError::NoSecret)?;
        // Duplicate events and invalid paths, with the manifest's own rules.
        CallbackListener::new("http://localhost", self.handlers.registrations())
            .map_err(BuildError::Handlers)?;

        let mut routes: Vec<Route> = Vec::new();
        for (index, handler) in self.handlers.iter().enumerate() {
            let info = handler.info();
            handler
                .check_state(&self.state)
                .map_err(|source| BuildError::MissingState {
                    handler: info.qualified_name(),
                    source,
                })?;
            let route = match routes.iter_mut().find(|r| r.path == info.path) {
                Some(route) => route,
                None => {
                    routes.push(Route {
                        path: info.path,
                        by_event: [None; Event::COUNT],
                    });
                    routes.last_mut().expect("just pushed")
                }
            };
            route.by_event[info.event.index()] = Some(index);
        }

        Ok(Router {
            inner: Arc::new(Inner {
                routes,
                handlers: self.handlers,
                verifier,
                state: self.state,
                body_limit: self.body_limit,
                timeout: self.timeout,
                replay: self.replay,
            }),
        })
    }
}

impl fmt::Debug for RouterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterBuilder")
            .field("handlers", &self.handlers)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("scheme", &self.scheme)
            .field("state", &self.state)
            .finish_non_exhaustive()
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
