//! One `tracing` span per callback, and the log line for its outcome.
//!
//! What is recorded: path, event, org id, outcome code, latency, and for a
//! failed handler its error message. Never the secret, a MAC or the
//! security context: no value of theirs reaches this module.

use crate::outcome::{Handled, Outcome, RejectionKind};
use std::time::Instant;
use tracing::Level;
use tracing::field::Empty;
use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};

pub(crate) struct CallbackTrace<'a> {
    span: tracing::Span,
    /// Repeated in warnings and errors, which a subscriber that takes only
    /// `warn` sees without the (`info`) span.
    path: &'a str,
    /// When the callback started, if anything will see its latency: the two
    /// clock reads cost about a tenth of a small callback (issue 8).
    started: Option<Instant>,
}

/// The callback's span. Apart, and never inlined, so that only here is
/// `path` written to memory for the span's field: inlined in
/// [`CallbackTrace::start`] it was stored as two words and read back as one
/// 16-byte value, a failed store-to-load forwarding that cost about a fortieth
/// of a small callback even with no span made (issue 8).
#[inline(never)]
fn span(path: &str) -> tracing::Span {
    tracing::info_span!(
        "callback",
        path,
        event = Empty,
        org_id = Empty,
        outcome = Empty,
        latency_us = Empty
    )
}

impl<'a> CallbackTrace<'a> {
    pub(crate) fn start(path: &'a str) -> Self {
        // With `tracing`'s `log` feature on (actix-web turns it on) a span
        // that no subscriber enables still formats a record for the `log`
        // fallback at each step, which cost about 1,000 instructions per
        // callback with nothing listening (issue 8). So the span is made only
        // when something could see it: a subscriber taking `info` (the check
        // `info_span!` itself makes first), or a `log` logger taking `info`.
        let log_on = log::log_enabled!(log::Level::Info);
        let tracing_on = Level::INFO <= STATIC_MAX_LEVEL && Level::INFO <= LevelFilter::current();
        let span = if tracing_on || log_on {
            span(path)
        } else {
            tracing::Span::none()
        };
        CallbackTrace {
            path,
            started: (!span.is_disabled() || log_on).then(Instant::now),
            span,
        }
    }

    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    pub(crate) fn record_callback(&self, handled: Handled) {
        // `record` on `Span::none()` does nothing, but only after a lookup of
        // each field by name (about 40 instructions, issue 8).
        if self.span.is_none() {
            return;
        }
        self.span.record("event", handled.event.wire_name());
        self.span.record("org_id", handled.org_id.get());
    }

    pub(crate) fn finish(&self, outcome: &Outcome) {
        self.span.record("outcome", outcome.code());
        if let Some(started) = self.started {
            let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            self.span.record("latency_us", latency_us);
        }
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
