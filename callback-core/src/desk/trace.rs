//! One `tracing` span per Desk delivery, one per event, and the log line
//! for the outcome.
//!
//! What is recorded: path, org id, the number of events, each event's type
//! and position, the outcome code, latency, and for a failed handler its
//! error message. Never the query string (it holds the security context),
//! the security context or the token: no value of theirs reaches this
//! module.

use super::outcome::DeskOutcome;
use crate::OrgId;
use crate::outcome::RejectionKind;
use callback_spec::DeskEventKind;
use std::time::Instant;
use tracing::Level;
use tracing::field::Empty;

/// The span of one delivery and when it started.
pub(crate) struct DeskTrace<'a> {
    span: tracing::Span,
    path: &'a str,
    started: Option<Instant>,
}

impl<'a> DeskTrace<'a> {
    /// As for callbacks, the span is made (and the clock read) only when a
    /// subscriber takes `info`.
    pub(crate) fn start(path: &'a str) -> Self {
        let span = if tracing::level_enabled!(Level::INFO) {
            tracing::info_span!(
                "desk_delivery",
                path,
                org_id = Empty,
                events = Empty,
                outcome = Empty,
                latency_us = Empty
            )
        } else {
            tracing::Span::none()
        };
        DeskTrace {
            started: (!span.is_disabled()).then(Instant::now),
            span,
            path,
        }
    }

    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    pub(crate) fn record_org(&self, org_id: OrgId) {
        if !self.span.is_disabled() {
            self.span.record("org_id", org_id.get());
        }
    }

    pub(crate) fn record_events(&self, events: usize) {
        if !self.span.is_disabled() {
            self.span.record("events", events);
        }
    }

    /// The span of event `index` of type `kind`, inside the delivery's.
    pub(crate) fn event_span(&self, index: usize, kind: &DeskEventKind) -> tracing::Span {
        if self.span.is_disabled() {
            return tracing::Span::none();
        }
        tracing::info_span!(parent: &self.span, "desk_event", index, event_type = %shown(kind))
    }

    /// Logs that event `index` of type `kind` had no handler here.
    pub(crate) fn unhandled(&self, index: usize, kind: &DeskEventKind) {
        let _entered = self.span.enter();
        tracing::warn!(
            path = self.path,
            index,
            event_type = %shown(kind),
            "Desk event acknowledged without a handler: no handler for its type at this webhook"
        );
    }

    /// Logs that event `index` of type `kind` was acknowledged without
    /// running its handler: an earlier delivery of it claimed it.
    #[cfg(feature = "store")]
    pub(crate) fn duplicate(&self, index: usize, kind: &DeskEventKind) {
        let _entered = self.span.enter();
        tracing::info!(
            path = self.path,
            index,
            event_type = %shown(kind),
            "Desk event acknowledged without running its handler: an earlier delivery of it \
             was handled, or is being handled"
        );
    }

    /// Records the outcome and logs it: success at `info`, a handler's
    /// `410 Gone` at `info`, a refusal at `warn`, a handler's failure at
    /// `error` with its detail.
    pub(crate) fn finish(&self, outcome: &DeskOutcome) {
        if let Some(started) = self.started {
            let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            self.span.record("outcome", outcome.code());
            self.span.record("latency_us", latency_us);
        }
        let _entered = self.span.enter();
        let Some(r) = outcome.rejection() else {
            tracing::info!("desk delivery handled");
            return;
        };
        match r.kind() {
            RejectionKind::Gone => tracing::info!(
                path = self.path,
                code = r.code(),
                reason = r.message(),
                "desk delivery answered 410 Gone"
            ),
            _ if crate::trace::is_failure(r) => tracing::error!(
                path = self.path,
                code = r.code(),
                reason = r.message(),
                detail = r.detail().unwrap_or_default(),
                "desk delivery failed"
            ),
            RejectionKind::Custom => tracing::warn!(
                path = self.path,
                code = r.code(),
                reason = r.message(),
                detail = r.detail().unwrap_or_default(),
                "desk delivery rejected"
            ),
            _ => tracing::warn!(
                path = self.path,
                code = r.code(),
                reason = r.message(),
                "desk delivery rejected"
            ),
        }
    }
}

/// An event type as logs and messages show it: its name, or for a name
/// longer than any Desk uses (it is the sender's text) its length.
pub(crate) fn shown(kind: &DeskEventKind) -> std::borrow::Cow<'_, str> {
    let name = kind.wire_name();
    match name.len() <= 64 {
        true => std::borrow::Cow::Borrowed(name),
        false => std::borrow::Cow::Owned(format!("an event type of {} bytes", name.len())),
    }
}
