//! One `tracing` span per callback, and the log line for its outcome.
//!
//! What is recorded: path, event, org id, outcome code, latency, and for a
//! failed handler its error message. Never the secret, a MAC or the
//! security context: no value of theirs reaches this module.

use crate::outcome::{Handled, Outcome, RejectionKind};
use std::time::Instant;
use tracing::field::Empty;

pub(crate) struct CallbackTrace {
    span: tracing::Span,
    started: Instant,
}

impl CallbackTrace {
    pub(crate) fn start(path: &str) -> Self {
        CallbackTrace {
            span: tracing::info_span!(
                "callback",
                path,
                event = Empty,
                org_id = Empty,
                outcome = Empty,
                latency_us = Empty
            ),
            started: Instant::now(),
        }
    }

    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    pub(crate) fn record_callback(&self, handled: Handled) {
        self.span.record("event", handled.event.wire_name());
        self.span.record("org_id", handled.org_id.get());
    }

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
                    code = r.code(),
                    detail = r.detail().unwrap_or_default(),
                    "callback failed"
                ),
                _ => tracing::warn!(code = r.code(), reason = r.message(), "callback rejected"),
            },
        }
    }
}
