//! Desk event handler arguments.

use super::event::{Delivery, DeskEvent};
use crate::outcome::{IntoRejection, Rejection};
use crate::state::{MissingState, StateMap};
use std::convert::Infallible;
use std::future::Future;

/// What a Desk event extractor reads from: the delivery, the one event the
/// handler runs for, and the application state.
#[derive(Clone, Copy, Debug)]
pub struct DeskContext<'a> {
    delivery: &'a Delivery,
    event: &'a DeskEvent,
    state: &'a StateMap,
    #[cfg(feature = "store")]
    installation: Option<&'a callback_store::Installation>,
}

impl<'a> DeskContext<'a> {
    /// A context over `event` of `delivery`, with `state`.
    pub fn new(delivery: &'a Delivery, event: &'a DeskEvent, state: &'a StateMap) -> Self {
        DeskContext {
            delivery,
            event,
            state,
            #[cfg(feature = "store")]
            installation: None,
        }
    }

    /// The same context, with the installation of the delivery's org as
    /// the store held it when the delivery arrived (feature `store`).
    #[cfg(feature = "store")]
    pub fn with_installation(
        mut self,
        installation: Option<&'a callback_store::Installation>,
    ) -> Self {
        self.installation = installation;
        self
    }

    /// The installation of the delivery's org, if the router has a store
    /// and the store knows the org (feature `store`).
    #[cfg(feature = "store")]
    pub fn installation(&self) -> Option<&'a callback_store::Installation> {
        self.installation
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
///
/// Provided: [`DeskEvent`], [`Delivery`], [`DeskEventKind`](crate::DeskEventKind),
/// [`EventTime`](super::EventTime), the typed payloads
/// ([`Ticket`](super::Ticket), [`TicketThread`](super::TicketThread),
/// [`TicketComment`](super::TicketComment)), [`PrevState<T>`](super::PrevState),
/// [`OrgId`](crate::OrgId), [`SecurityContext`](crate::SecurityContext)
/// (`400 invalid_query` when the URL carries none), [`State<T>`](crate::State),
/// `Invoke` (callback-invoke), with feature `store` the org's
/// `Installation`, and `Option<T>` of those whose absence means something
/// ([`OptionalFromDeskEvent`]). An argument that cannot be extracted fails
/// the delivery at that event before its handler runs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Desk event handler argument",
    label = "the framework cannot provide a `{Self}` to a Desk event handler",
    note = "a Desk event handler argument must implement `callback_core::desk::FromDeskEvent`"
)]
pub trait FromDeskEvent: Sized {
    /// What a refusal answers: [`Rejection`] itself, your own type (see
    /// [`IntoRejection`]), or [`Infallible`] for an extractor that never
    /// refuses.
    type Rejection: IntoRejection;

    /// Extracts the value, or refuses the event. It may await.
    fn from_desk_event(
        cx: &DeskContext<'_>,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;

    /// Checks, when the handlers are mounted, that the state this extractor
    /// needs is present.
    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        let _ = state;
        Ok(())
    }
}

impl FromDeskEvent for DeskEvent {
    type Rejection = Infallible;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.event().clone())
    }
}

impl FromDeskEvent for crate::OrgId {
    type Rejection = Infallible;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.delivery().org_id())
    }
}

/// The message a delivery whose URL carries no `securityContext` is refused
/// with (`400 invalid_query`) when a handler needs one.
pub const NO_SECURITY_CONTEXT: &str =
    "the webhook's URL carries no securityContext, which this handler needs";

impl FromDeskEvent for crate::SecurityContext {
    type Rejection = Rejection;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        cx.delivery()
            .security_context()
            .cloned()
            .ok_or_else(|| Rejection::new(crate::RejectionKind::InvalidQuery, NO_SECURITY_CONTEXT))
    }
}

impl FromDeskEvent for Delivery {
    type Rejection = Infallible;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.delivery().clone())
    }
}

impl FromDeskEvent for callback_spec::DeskEventKind {
    type Rejection = Infallible;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.event().kind().clone())
    }
}

/// The event's time; an event without `eventTime` is refused with `400
/// invalid_payload` (take `Option<EventTime>` to accept one).
impl FromDeskEvent for super::EventTime {
    type Rejection = Rejection;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        cx.event().event_time().ok_or_else(|| {
            Rejection::new(
                crate::RejectionKind::InvalidPayload,
                "the event carries no eventTime, which this handler needs",
            )
        })
    }
}

/// A type a Desk event handler can take as `Option<T>`: `None` where its
/// absence means something (no `prevState`, no `eventTime`, no
/// `securityContext` in the URL, the payload of another event type), and
/// still a refusal for anything else (a `prevState` that is there but
/// malformed). `Option<T>` of any other argument does not compile;
/// [`State<T>`](crate::State) never opts in.
#[diagnostic::on_unimplemented(
    message = "`Option<{Self}>` cannot be a Desk event handler argument: `{Self}` is never optional",
    label = "`{Self}` does not implement `OptionalFromDeskEvent`",
    note = "`Option<T>` is `None` only where the absence means something (`Option<PrevState<T>>`, `Option<EventTime>`, `Option<SecurityContext>`, `Option<Ticket>`, `Option<Installation>`); missing state is a mistake that building the router reports, never a silent `None`: provide it with `.state(value)`, or provide an `Option<T>` and take `State<Option<T>>`"
)]
pub trait OptionalFromDeskEvent: Sized {
    /// What a refusal answers.
    type Rejection: IntoRejection;

    /// Extracts the value, `None` where it is absent, or refuses the event.
    fn from_desk_event_optional(
        cx: &DeskContext<'_>,
    ) -> impl Future<Output = Result<Option<Self>, Self::Rejection>> + Send;

    /// Checks, when the handlers are mounted, that the state the
    /// extractor needs is present.
    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        let _ = state;
        Ok(())
    }
}

/// An optional argument, for extractors that opt in
/// ([`OptionalFromDeskEvent`]).
impl<T: OptionalFromDeskEvent> FromDeskEvent for Option<T> {
    type Rejection = T::Rejection;

    fn from_desk_event(
        cx: &DeskContext<'_>,
    ) -> impl Future<Output = Result<Self, T::Rejection>> + Send {
        T::from_desk_event_optional(cx)
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        <T as OptionalFromDeskEvent>::check_state(state)
    }
}

/// `None` when the webhook's URL carries no `securityContext`.
impl OptionalFromDeskEvent for crate::SecurityContext {
    type Rejection = Infallible;

    async fn from_desk_event_optional(cx: &DeskContext<'_>) -> Result<Option<Self>, Infallible> {
        Ok(cx.delivery().security_context().cloned())
    }
}

/// `None` when the event carries no `eventTime`.
impl OptionalFromDeskEvent for super::EventTime {
    type Rejection = Infallible;

    async fn from_desk_event_optional(cx: &DeskContext<'_>) -> Result<Option<Self>, Infallible> {
        Ok(cx.event().event_time())
    }
}

impl<T: Clone + Send + Sync + 'static> FromDeskEvent for crate::State<T> {
    type Rejection = Rejection;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        crate::State::<T>::from_state(cx.state())
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<T>()
    }
}
