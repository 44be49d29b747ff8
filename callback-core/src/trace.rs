//! One `tracing` span per callback, and the log line for its outcome.
//!
//! What is recorded: path, event, org id, outcome code, latency, and for a
//! failed handler its error message. Never the secret, a MAC or the
//! security context: no value of theirs reaches this module.

use crate::outcome::{Outcome, Rejection, RejectionKind};
use crate::{Event, OrgId};
use std::time::Instant;
use tracing::Level;
use tracing::field::Empty;

/// The span of one callback and when it started.
pub(crate) struct CallbackTrace<'a> {
    span: tracing::Span,
    /// Repeated in warnings and errors, which a subscriber that takes only
    /// `warn` sees without the (`info`) span.
    path: &'a str,
    /// When the callback started, if the span will report its latency.
    started: Option<Instant>,
}

impl<'a> CallbackTrace<'a> {
    /// The span is made only when a subscriber takes `info`, and the clock
    /// read only then: with `tracing`'s `log` feature on (actix-web turns it
    /// on), even a disabled span does work at each record and enter, which
    /// cost a few percent of a request over HTTP (BENCHMARKS.md, "HTTP").
    /// A `log` logger without a `tracing` subscriber sees the outcome lines,
    /// not the span.
    pub(crate) fn start(path: &'a str) -> Self {
        let span = if tracing::level_enabled!(Level::INFO) {
            tracing::info_span!(
                "callback",
                path,
                event = Empty,
                org_id = Empty,
                outcome = Empty,
                latency_us = Empty
            )
        } else {
            tracing::Span::none()
        };
        CallbackTrace {
            started: (!span.is_disabled()).then(Instant::now),
            span,
            path,
        }
    }

    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Records which callback this is, once its payload is parsed.
    pub(crate) fn record(&self, event: Event, org_id: OrgId) {
        if self.span.is_disabled() {
            return;
        }
        self.span.record("event", event.wire_name());
        self.span.record("org_id", org_id.get());
    }

    /// Records the outcome and logs it: success at `info`, a refusal at
    /// `warn`, a handler's failure at `error` with its detail.
    pub(crate) fn finish(&self, outcome: &Outcome) {
        if let Some(started) = self.started {
            let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            self.span.record("outcome", outcome.code());
            self.span.record("latency_us", latency_us);
        }
        let _entered = self.span.enter();
        match outcome {
            Outcome::Handled(_) => tracing::info!("callback handled"),
            Outcome::Rejected(r) => match r.kind() {
                _ if is_failure(r) => tracing::error!(
                    path = self.path,
                    code = r.code(),
                    detail = r.detail().unwrap_or_default(),
                    "callback failed"
                ),
                RejectionKind::Custom => tracing::warn!(
                    path = self.path,
                    code = r.code(),
                    reason = r.message(),
                    detail = r.detail().unwrap_or_default(),
                    "callback rejected"
                ),
                _ => tracing::warn!(
                    path = self.path,
                    code = r.code(),
                    reason = r.message(),
                    "callback rejected"
                ),
            },
        }
    }
}

/// Whether a rejection is the server's failure (logged at `error` with its
/// detail) rather than a refusal of the request (`warn`): a custom
/// rejection is one when its status is `5xx`.
pub(crate) fn is_failure(rejection: &Rejection) -> bool {
    if rejection.kind() == RejectionKind::Custom {
        return rejection.status() >= 500;
    }
    matches!(
        rejection.kind(),
        RejectionKind::HandlerFailed
            | RejectionKind::HandlerPanicked
            | RejectionKind::MissingState
            | RejectionKind::ArgumentMismatch
            | RejectionKind::StoreUnavailable
            | RejectionKind::StoreFailed
    )
}
