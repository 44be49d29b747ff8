//! Desk event handler arguments.

use super::event::{Delivery, DeskEvent};
use crate::outcome::Rejection;
use crate::state::{MissingState, StateMap};
use std::future::Future;

/// What a Desk event extractor reads from: the delivery, the one event the
/// handler runs for, and the application state.
#[derive(Clone, Copy, Debug)]
pub struct DeskContext<'a> {
    delivery: &'a Delivery,
    event: &'a DeskEvent,
    state: &'a StateMap,
}

impl<'a> DeskContext<'a> {
    /// A context over `event` of `delivery`, with `state`.
    pub fn new(delivery: &'a Delivery, event: &'a DeskEvent, state: &'a StateMap) -> Self {
        DeskContext {
            delivery,
            event,
            state,
        }
    }

    /// The delivery: org and security context from the query.
    pub fn delivery(&self) -> &'a Delivery {
        self.delivery
    }

    /// The event the handler runs for.
    pub fn event(&self) -> &'a DeskEvent {
        self.event
    }

    /// The application state.
    pub fn state(&self) -> &'a StateMap {
        self.state
    }
}

/// A type a Desk event handler can take as an argument, extracted from the
/// event, its delivery and the application state.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Desk event handler argument",
    label = "the framework cannot provide a `{Self}` to a Desk event handler",
    note = "a Desk event handler argument must implement `callback_core::desk::FromDeskEvent`"
)]
pub trait FromDeskEvent: Sized {
    /// Extracts the value, or refuses the event. It may await.
    fn from_desk_event(
        cx: &DeskContext<'_>,
    ) -> impl Future<Output = Result<Self, Rejection>> + Send;

    /// Checks, when the handlers are mounted, that the state this extractor
    /// needs is present.
    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        let _ = state;
        Ok(())
    }
}

impl FromDeskEvent for DeskEvent {
    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        Ok(cx.event().clone())
    }
}

impl FromDeskEvent for crate::OrgId {
    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        Ok(cx.delivery().org_id())
    }
}

impl FromDeskEvent for crate::SecurityContext {
    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        cx.delivery().security_context().cloned().ok_or_else(|| {
            Rejection::new(
                crate::RejectionKind::InvalidPayload,
                "the webhook's URL carries no securityContext, which this handler needs",
            )
        })
    }
}

impl<T: Clone + Send + Sync + 'static> FromDeskEvent for crate::State<T> {
    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        crate::State::<T>::from_state(cx.state())
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<T>()
    }
}
