//! One `tracing` span per callback, and the log line for its outcome.
//!
//! What is recorded: path, event, org id, outcome code, latency, and for a
//! failed handler its error message. Never the secret, a MAC or the
//! security context: no value of theirs reaches this module.

use crate::outcome::{Outcome, RejectionKind};
use crate::{Event, OrgId};
use std::time::Instant;
use tracing::field::Empty;

/// The span of one callback and when it started.
pub(crate) struct CallbackTrace<'a> {
    span: tracing::Span,
    /// Repeated in warnings and errors, which a subscriber that takes only
    /// `warn` sees without the (`info`) span.
    path: &'a str,
    started: Instant,
}

impl<'a> CallbackTrace<'a> {
    pub(crate) fn start(path: &'a str) -> Self {
        let span = tracing::info_span!(
            "callback",
            path,
            event = Empty,
            org_id = Empty,
            outcome = Empty,
            latency_us = Empty
        );
        CallbackTrace {
            span,
            path,
            started: Instant::now(),
        }
    }

    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Records which callback this is, once its payload is parsed.
    pub(crate) fn record(&self, event: Event, org_id: OrgId) {
        self.span.record("event", event.wire_name());
        self.span.record("org_id", org_id.get());
    }

    /// Records the outcome and logs it: success at `info`, a refusal at
    /// `warn`, a handler's failure at `error` with its detail.
    pub(crate) fn finish(&self, outcome: &Outcome) {
        let latency_us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.span.record("outcome", outcome.code());
        self.span.record("latency_us", latency_us);
        let _entered = self.span.enter();
        match outcome {
            Outcome::Handled(_) => tracing::info!("callback handled"),
            Outcome::Rejected(r) => match r.kind() {
                RejectionKind::HandlerFailed
                | RejectionKind::HandlerPanicked
                | RejectionKind::MissingState => tracing::error!(
                    path = self.path,
                    code = r.code(),
                    detail = r.detail().unwrap_or_default(),
                    "callback failed"
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
