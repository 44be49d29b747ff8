//! Handler arguments: what a handler can ask for, and how it is provided.

use crate::callback::LazyCallback;
use crate::outcome::{Rejection, RejectionKind};
use crate::state::{MissingState, StateMap};
use crate::{Callback, Event, OrgId, Payload, SecurityContext};
use serde_json::{Map, Value};
use std::ops::{Deref, DerefMut};

/// What an extractor reads from: the callback and the application state.
#[derive(Clone, Copy, Debug)]
pub struct CallContext<'a> {
    callback: Source<'a>,
    state: &'a StateMap,
}

/// Where the callback comes from.
#[derive(Clone, Copy, Debug)]
enum Source<'a> {
    /// Built by the caller ([`CallContext::new`]).
    Built(&'a Callback),
    /// The router's parse, turned into a [`Callback`] on first use.
    Lazy(&'a LazyCallback<'a>),
}

impl<'a> CallContext<'a> {
    /// A context over `callback` and `state`.
    pub fn new(callback: &'a Callback, state: &'a StateMap) -> Self {
        CallContext {
            callback: Source::Built(callback),
            state,
        }
    }

    /// The router's context: the owned callback is built only when
    /// something asks for it.
    pub(crate) fn lazy(callback: &'a LazyCallback<'a>, state: &'a StateMap) -> Self {
        CallContext {
            callback: Source::Lazy(callback),
            state,
        }
    }

    /// The callback. The router builds it on the first call (copying the
    /// security context out of the body); extractors that need only the
    /// event or the org id read [`CallContext::event`] and
    /// [`CallContext::org_id`], which cost nothing.
    pub fn callback(&self) -> &'a Callback {
        match self.callback {
            Source::Built(callback) => callback,
            Source::Lazy(lazy) => lazy.get(),
        }
    }

    /// An owned callback, for the `Callback` and `Payload` extractors.
    fn owned_callback(&self) -> Callback {
        match self.callback {
            Source::Built(callback) => callback.clone(),
            Source::Lazy(lazy) => lazy.to_callback(),
        }
    }

    /// The security context alone, for its extractor.
    fn security_context(&self) -> Option<SecurityContext> {
        match self.callback {
            Source::Built(callback) => callback.security_context().cloned(),
            Source::Lazy(lazy) => lazy.security_context(),
        }
    }

    /// The extra fields alone, for their extractor.
    fn extra(&self) -> Map<String, Value> {
        match self.callback {
            Source::Built(callback) => callback.extra().clone(),
            Source::Lazy(lazy) => lazy.extra(),
        }
    }

    /// The callback's event, without building the [`Callback`].
    pub fn event(&self) -> Event {
        match self.callback {
            Source::Built(callback) => callback.event(),
            Source::Lazy(lazy) => lazy.event(),
        }
    }

    /// The callback's organisation, without building the [`Callback`].
    pub fn org_id(&self) -> OrgId {
        match self.callback {
            Source::Built(callback) => callback.org_id(),
            Source::Lazy(lazy) => lazy.org_id(),
        }
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
/// has none), [`Extra`], [`State<T>`], and `Option<T>` of any of them
/// (`None` instead of a refusal).
/// Implement it for your own types to extract them the same way.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a callback handler argument",
    label = "the framework cannot provide a `{Self}`",
    note = "a handler argument must implement `callback_core::FromCallback`: use `Callback`, `Payload`, `Event`, `OrgId`, `SecurityContext`, `Extra` or `State<T>`, or implement `FromCallback` for your type"
)]
pub trait FromCallback: Sized {
    /// Extracts the value, or refuses the callback.
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection>;

    /// Checks, when the handlers are mounted, that the state this extractor
    /// needs is present, so a missing `.state(...)` fails at start-up rather
    /// than on the first callback.
    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        let _ = state;
        Ok(())
    }
}

impl FromCallback for Callback {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        Ok(cx.owned_callback())
    }
}

impl FromCallback for Payload {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        Ok(cx.owned_callback().into_payload())
    }
}

impl FromCallback for Event {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        Ok(cx.event())
    }
}

impl FromCallback for OrgId {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        Ok(cx.org_id())
    }
}

impl FromCallback for SecurityContext {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        cx.security_context().ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidPayload,
                "the payload has no securityContext, which this handler needs",
            )
        })
    }
}

/// An optional argument: `Some` when `T` can be extracted, `None` when it
/// cannot (a payload without `securityContext`, state that was not
/// provided). It never refuses the callback, and needs no state at mount time.
impl<T: FromCallback> FromCallback for Option<T> {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        Ok(T::from_callback(cx).ok())
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
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        Ok(Extra(cx.extra()))
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

impl<T: Clone + Send + Sync + 'static> FromCallback for State<T> {
    fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        match cx.state.get::<T>() {
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

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<T>()
    }
}
