//! The Desk event handler trait that `#[desk_event(...)]` implements, and
//! the list that `desk_events![]` builds.

use super::extract::DeskContext;
use crate::handler::HandlerFuture;
use crate::state::{MissingState, StateMap};
use callback_spec::DeskHandlerInfo;
use std::fmt;

/// A Desk event handler. `#[desk_event(...)]` implements it for a companion
/// type of each annotated function.
pub trait DeskHandler: Send + Sync + 'static {
    /// The handler's webhook, event type, options and name.
    fn info(&self) -> &'static DeskHandlerInfo;

    /// Checks that the state its arguments need is present.
    fn check_state(&self, state: &StateMap) -> Result<(), MissingState>;

    /// Extracts the arguments for one event, then runs the handler.
    fn call<'a>(&'a self, cx: &'a DeskContext<'a>) -> HandlerFuture<'a>;
}

impl fmt::Debug for dyn DeskHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.info(), f)
    }
}

/// A Desk event handler known at compile time, so that `desk_events![]` can
/// refuse two handlers for one event of one webhook in a `const`.
pub trait StaticDeskHandler {
    /// The handler's description.
    const INFO: &'static DeskHandlerInfo;
    /// The handler itself.
    const HANDLER: &'static dyn DeskHandler;
}

/// The Desk event handlers of one extension, built with `desk_events![…]`.
#[derive(Clone, Debug, Default)]
pub struct DeskHandlerList {
    handlers: Vec<&'static dyn DeskHandler>,
}

impl DeskHandlerList {
    /// A list of `handlers`; conflicts are refused when it is mounted.
    pub fn new(handlers: &[&'static dyn DeskHandler]) -> Self {
        DeskHandlerList {
            handlers: handlers.to_vec(),
        }
    }

    /// The handlers, in the order given.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static dyn DeskHandler> + '_ {
        self.handlers.iter().copied()
    }

    /// What each handler is, in the order given.
    pub fn infos(&self) -> impl ExactSizeIterator<Item = &'static DeskHandlerInfo> + '_ {
        self.iter().map(DeskHandler::info)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.handlers.is_empty()
    }

    /// The number of handlers.
    pub fn len(&self) -> usize {
        self.handlers.len()
    }
}
