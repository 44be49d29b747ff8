//! Handler arguments: what a handler can ask for, and how it is provided.

use crate::outcome::{IntoRejection, Rejection, RejectionKind};
use crate::state::{MissingState, StateMap};
use crate::{Callback, Event, OrgId, Payload, SecurityContext};
use serde_json::{Map, Value};
use std::convert::Infallible;
use std::future::Future;
use std::ops::{Deref, DerefMut};

/// What an extractor reads from: the verified callback and the
/// application state.
#[derive(Clone, Copy, Debug)]
pub struct CallContext<'a> {
    callback: &'a Callback,
    state: &'a StateMap,
    #[cfg(feature = "store")]
    installation: Option<&'a callback_store::Installation>,
}

impl<'a> CallContext<'a> {
    /// A context over `callback` and `state`.
    pub fn new(callback: &'a Callback, state: &'a StateMap) -> Self {
        CallContext {
            callback,
            state,
            #[cfg(feature = "store")]
            installation: None,
        }
    }

    /// The same context, with the org's installation as the store committed
    /// it for this callback (feature `store`).
    #[cfg(feature = "store")]
    pub fn with_installation(
        mut self,
        installation: Option<&'a callback_store::Installation>,
    ) -> Self {
        self.installation = installation;
        self
    }

    /// The org's installation as the store committed it for this callback,
    /// before the handler runs; `None` without a store (feature `store`).
    #[cfg(feature = "store")]
    pub fn installation(&self) -> Option<&'a callback_store::Installation> {
        self.installation
    }

    /// The callback.
    pub fn callback(&self) -> &'a Callback {
        self.callback
    }

    /// The callback's event.
    pub fn event(&self) -> Event {
        self.callback.event()
    }

    /// The callback's organisation.
    pub fn org_id(&self) -> OrgId {
        self.callback.org_id()
    }

    /// The application state.
    pub fn state(&self) -> &'a StateMap {
        self.state
    }
}

/// A type a handler can take as an argument, extracted from the callback and
/// the application state (like axum's extractors).
///
/// Provided: [`Callback`], [`Payload`], [`Event`], [`OrgId`],
/// [`SecurityContext`] (refused with `400 invalid_payload` when the payload
/// has none), [`Extra`], [`State<T>`], with feature `store` the org's
/// `Installation`, and `Option<T>` of those whose absence means something
/// ([`OptionalFromCallback`]: `SecurityContext`, `Installation`).
/// Implement it for your own types to extract them the same way: the
/// extraction may await (a pool checkout), and refuses with a rejection
/// type of your own that chooses the answer's status and code
/// ([`IntoRejection`], [`Rejection::custom`]).
///
/// ```
/// use callback_core::{CallContext, FromCallback, IntoRejection, Rejection, State};
/// use std::sync::Arc;
/// use tokio::sync::{OwnedSemaphorePermit, Semaphore};
///
/// /// One of a few connections, waited for briefly.
/// struct Conn(OwnedSemaphorePermit);
///
/// /// Every connection stayed busy.
/// struct TooBusy;
///
/// impl IntoRejection for TooBusy {
///     fn into_rejection(self) -> Rejection {
///         // Status and code are checked: a constant pair is always valid,
///         // and an invalid one would answer 500 handler_error.
///         Rejection::custom(429, "too_busy", "every connection is in use; retry later")
///             .unwrap_or_else(Rejection::from)
///     }
/// }
///
/// impl FromCallback for Conn {
///     type Rejection = TooBusy;
///
///     async fn from_callback(cx: &CallContext<'_>) -> Result<Self, TooBusy> {
///         let State(pool) = State::<Arc<Semaphore>>::from_callback(cx)
///             .await
///             .map_err(|_| TooBusy)?;
///         let wait = tokio::time::timeout(std::time::Duration::from_millis(50), pool.acquire_owned());
///         match wait.await {
///             Ok(Ok(permit)) => Ok(Conn(permit)),
///             _ => Err(TooBusy),
///         }
///     }
///
///     fn check_state(state: &callback_core::StateMap) -> Result<(), callback_core::MissingState> {
///         state.require::<Arc<Semaphore>>()
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a callback handler argument",
    label = "the framework cannot provide a `{Self}`",
    note = "a handler argument must implement `callback_core::FromCallback`: use `Callback`, `Payload`, `Event`, `OrgId`, `SecurityContext`, `Extra` or `State<T>`, or implement `FromCallback` for your type"
)]
pub trait FromCallback: Sized {
    /// What a refusal answers: [`Rejection`] itself, your own type, or
    /// [`Infallible`] for an extractor that never refuses.
    type Rejection: IntoRejection;

    /// Extracts the value, or refuses the callback. It may await (a pool
    /// checkout, a lookup); the handler runs after every argument is
    /// extracted, and not at all if one is refused.
    fn from_callback(
        cx: &CallContext<'_>,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;

    /// Checks, when the handlers are mounted, that the state this extractor
    /// needs is present, so a missing `.state(...)` fails at start-up rather
    /// than on the first callback.
    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        let _ = state;
        Ok(())
    }
}

impl FromCallback for Callback {
    type Rejection = Infallible;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.callback().clone())
    }
}

impl FromCallback for Payload {
    type Rejection = Infallible;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.callback().payload().clone())
    }
}

impl FromCallback for Event {
    type Rejection = Infallible;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.event())
    }
}

impl FromCallback for OrgId {
    type Rejection = Infallible;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Infallible> {
        Ok(cx.org_id())
    }
}

impl FromCallback for SecurityContext {
    type Rejection = Rejection;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        cx.callback().security_context().cloned().ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidPayload,
                "the payload has no securityContext, which this handler needs",
            )
        })
    }
}

/// A type a handler can take as `Option<T>`: `None` where its absence
/// means something (a payload without `securityContext`), and still a
/// refusal for anything else (like axum's `OptionalFromRequestParts`).
///
/// An extractor opts in by implementing it; `Option<T>` of any other
/// argument does not compile. [`State<T>`] never opts in: state that was
/// not provided is a mistake, which building the router reports, never a
/// silent `None`.
#[diagnostic::on_unimplemented(
    message = "`Option<{Self}>` cannot be a callback handler argument: `{Self}` is never optional",
    label = "`{Self}` does not implement `OptionalFromCallback`",
    note = "`Option<T>` is `None` only where the absence means something (`Option<SecurityContext>`, `Option<Installation>`); missing state is a mistake that building the router reports, never a silent `None`: provide it with `.state(value)`, or provide an `Option<T>` with `.state(Some(value))` / `.state(None::<T>)` and take `State<Option<T>>`"
)]
pub trait OptionalFromCallback: Sized {
    /// What a refusal answers.
    type Rejection: IntoRejection;

    /// Extracts the value, `None` where it is absent, or refuses the
    /// callback.
    fn from_callback_optional(
        cx: &CallContext<'_>,
    ) -> impl Future<Output = Result<Option<Self>, Self::Rejection>> + Send;

    /// Checks, when the handlers are mounted, that the state the
    /// extractor needs is present (as [`FromCallback::check_state`]).
    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        let _ = state;
        Ok(())
    }
}

/// An optional argument, for extractors that opt in
/// ([`OptionalFromCallback`]).
impl<T: OptionalFromCallback> FromCallback for Option<T> {
    type Rejection = T::Rejection;

    fn from_callback(
        cx: &CallContext<'_>,
    ) -> impl Future<Output = Result<Self, T::Rejection>> + Send {
        T::from_callback_optional(cx)
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        <T as OptionalFromCallback>::check_state(state)
    }
}

/// `None` when the payload has no `securityContext`.
impl OptionalFromCallback for SecurityContext {
    type Rejection = Infallible;

    async fn from_callback_optional(cx: &CallContext<'_>) -> Result<Option<Self>, Infallible> {
        Ok(cx.callback().security_context().cloned())
    }
}

/// The payload's fields other than `event`, `orgId` and `securityContext`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra(pub Map<String, Value>);

impl Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromCallback for Extra {
    type Rejection = Infallible;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Infallible> {
        Ok(Extra(cx.callback().extra().clone()))
    }
}

/// Shared application state of type `T`, provided where the callbacks are
/// mounted (`.state(value)`). Each handler call gets a clone, so share
/// expensive things through an `Arc` or a pool handle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State<T>(pub T);

impl<T> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for State<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Clone + Send + Sync + 'static> State<T> {
    /// The `T` in `state`, or the rejection for a server that was not given
    /// one (which mounting refuses first, through `check_state`).
    pub(crate) fn from_state(state: &StateMap) -> Result<Self, Rejection> {
        match state.get::<T>() {
            Some(value) => Ok(State(value.clone())),
            None => {
                let missing = MissingState {
                    type_name: std::any::type_name::<T>(),
                };
                Err(
                    Rejection::new(RejectionKind::MissingState, "the server is misconfigured")
                        .with_detail(missing.to_string()),
                )
            }
        }
    }
}

impl<T: Clone + Send + Sync + 'static> FromCallback for State<T> {
    type Rejection = Rejection;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        State::from_state(cx.state)
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<T>()
    }
}
