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
pub use std::option::Option;
pub use std::panic;
pub use std::result::Result;

/// The message for the first event that two handlers of one `callbacks![]`
/// list handle, if any. `callbacks![]` panics with it in a `const`, so the
/// compile error names the event and points at the `callbacks![]` call.
pub const fn duplicate_event(events: &[Event]) -> Option<&'static str> {
    let mut i = 0;
    while i < events.len() {
        let mut j = i + 1;
        while j < events.len() {
            if events[i].index() == events[j].index() {
                return Some(duplicate_message(events[i]));
            }
            j += 1;
        }
        i += 1;
    }
    None
}

const fn duplicate_message(event: Event) -> &'static str {
    match event {
        Event::Install => "callbacks![] lists two handlers for onInstall; keep one",
        Event::ZohoAuthorise => "callbacks![] lists two handlers for onZohoAuthorise; keep one",
        Event::TpaAuthorise => "callbacks![] lists two handlers for onTPAAuthorise; keep one",
        Event::TpaRevoke => "callbacks![] lists two handlers for onTPARevoke; keep one",
        Event::Update => "callbacks![] lists two handlers for onUpdate; keep one",
        Event::ConfigParamAdd => "callbacks![] lists two handlers for onConfigParamAdd; keep one",
        Event::ConfigParamDelete => {
            "callbacks![] lists two handlers for onConfigParamDelete; keep one"
        }
        Event::Uninstall => "callbacks![] lists two handlers for onUninstall; keep one",
        _ => "callbacks![] lists two handlers for one event; keep one",
    }
}
