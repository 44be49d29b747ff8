//! What became of one request to a webhook path.

use super::request::DESK_ALLOWED_METHODS;
use crate::outcome::{Rejection, RejectionKind, Reply};
use std::borrow::Cow;

/// What became of one request to a webhook path: what every adapter sends
/// (through [`Reply`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskOutcome {
    /// A `GET`, Zoho's check that the URL answers: `200 {"ok":true}`, and
    /// nothing ran.
    Validated,
    /// Every event of the delivery was handled (or, with no handler for its
    /// type at this webhook, acknowledged): `200`.
    Handled(DeskHandled),
    /// Refused before any handler ran, or a handler failed, answered
    /// `410 Gone`, or the batch passed its deadline: see
    /// [`Rejection::status`]. Zoho treats anything but `200` as a failed
    /// delivery.
    Rejected(DeskRejection),
}

/// A delivery whose every event was handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeskHandled {
    /// How many events the batch held.
    pub events: usize,
    /// How many of them a handler ran for.
    pub handled: usize,
    /// How many had no handler at this webhook (a type the table does not
    /// know and no catch-all, or a subscription no handler takes): each
    /// was acknowledged and logged at `warn`.
    pub unhandled: usize,
    /// How many were acknowledged without running their handler because an
    /// earlier delivery of the same event (to this instance or another on
    /// the same installation store) handled it or is handling it: with
    /// [`RouterBuilder::installations`](crate::RouterBuilder) only.
    pub duplicates: usize,
}

/// A delivery that was not (wholly) handled.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeskRejection {
    /// Why, with the status and code.
    pub rejection: Rejection,
    /// How many events a handler completed before it (their effects stay:
    /// Zoho may deliver them again).
    pub handled: usize,
}

impl DeskOutcome {
    pub(crate) fn rejected(rejection: Rejection, handled: usize) -> Self {
        DeskOutcome::Rejected(DeskRejection { rejection, handled })
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            DeskOutcome::Validated | DeskOutcome::Handled(_) => 200,
            DeskOutcome::Rejected(r) => r.rejection.status(),
        }
    }

    /// `"ok"`, or the rejection's code.
    pub fn code(&self) -> &'static str {
        match self {
            DeskOutcome::Validated | DeskOutcome::Handled(_) => "ok",
            DeskOutcome::Rejected(r) => r.rejection.code(),
        }
    }

    /// The rejection, if it is one.
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            DeskOutcome::Rejected(r) => Some(&r.rejection),
            _ => None,
        }
    }

    /// The JSON body: `{"ok":true}` for a `GET`, `{"ok":true,"events":N}`
    /// for a handled delivery, [`Rejection::body`] otherwise.
    pub fn body(&self) -> Cow<'static, str> {
        match self {
            DeskOutcome::Validated => Cow::Borrowed(r#"{"ok":true}"#),
            DeskOutcome::Handled(h) => {
                Cow::Owned(format!(r#"{{"ok":true,"events":{}}}"#, h.events))
            }
            DeskOutcome::Rejected(r) => Cow::Owned(r.rejection.body()),
        }
    }

    /// `Content-Type: application/json`, and `Allow: GET, POST` on a `405`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        let allow = matches!(self, DeskOutcome::Rejected(r)
            if r.rejection.kind() == RejectionKind::MethodNotAllowed);
        [("content-type", "application/json")]
            .into_iter()
            .chain(allow.then_some(("allow", DESK_ALLOWED_METHODS)))
    }
}

impl Reply for DeskOutcome {
    fn status(&self) -> u16 {
        DeskOutcome::status(self)
    }

    fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        DeskOutcome::headers(self)
    }

    fn body(&self) -> Cow<'static, str> {
        DeskOutcome::body(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_headers() {
        assert_eq!(DeskOutcome::Validated.body(), r#"{"ok":true}"#);
        let handled = DeskOutcome::Handled(DeskHandled {
            events: 3,
            handled: 2,
            unhandled: 1,
            duplicates: 0,
        });
        assert_eq!(
            (handled.status(), handled.body().as_ref()),
            (200, r#"{"ok":true,"events":3}"#)
        );
        let refused =
            DeskOutcome::rejected(Rejection::new(RejectionKind::MethodNotAllowed, "no"), 0);
        let headers: Vec<_> = refused.headers().collect();
        assert_eq!(
            headers,
            [("content-type", "application/json"), ("allow", "GET, POST")]
        );
        assert_eq!(refused.code(), "method_not_allowed");
    }
}
