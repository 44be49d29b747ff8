//! What the attribute macros and `callbacks![]` expand to call. Not a public
//! API: it changes without notice.

pub use crate::Event;
pub use crate::extract::{CallContext, FromCallback};
pub use crate::handler::{
    Handler, HandlerFuture, HandlerInfo, HandlerList, IntoHandlerResult, StaticHandler,
};
pub use crate::outcome::Rejection;
pub use crate::state::{MissingState, StateMap};
pub use std::boxed::Box;
pub use std::result::Result;

/// Fails compilation (in a `const` context) when two handlers in one
/// `callbacks![]` list handle the same event.
pub const fn assert_unique_events(events: &[Event]) {
    let mut i = 0;
    while i < events.len() {
        let mut j = i + 1;
        while j < events.len() {
            if events[i].index() == events[j].index() {
                duplicate(events[i]);
            }
            j += 1;
        }
        i += 1;
    }
}

const fn duplicate(event: Event) -> ! {
    match event {
        Event::Install => panic!("callbacks![] lists two handlers for onInstall; keep one"),
        Event::ZohoAuthorise => {
            panic!("callbacks![] lists two handlers for onZohoAuthorise; keep one")
        }
        Event::TpaAuthorise => {
            panic!("callbacks![] lists two handlers for onTPAAuthorise; keep one")
        }
        Event::TpaRevoke => panic!("callbacks![] lists two handlers for onTPARevoke; keep one"),
        Event::Update => panic!("callbacks![] lists two handlers for onUpdate; keep one"),
        Event::ConfigParamAdd => {
            panic!("callbacks![] lists two handlers for onConfigParamAdd; keep one")
        }
        Event::ConfigParamDelete => {
            panic!("callbacks![] lists two handlers for onConfigParamDelete; keep one")
        }
        Event::Uninstall => panic!("callbacks![] lists two handlers for onUninstall; keep one"),
        _ => panic!("callbacks![] lists two handlers for one event; keep one"),
    }
}
