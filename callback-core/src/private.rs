//! What the attribute macros and `callbacks![]` expand to call. Not a public
//! API: it changes without notice.

pub use crate::desk::{DeskContext, DeskHandler, FromDeskEvent, StaticDeskHandler};
pub use crate::extract::{CallContext, FromCallback};
pub use crate::handler::{Handler, HandlerFuture, HandlerList, IntoHandlerResult, StaticHandler};
pub use crate::outcome::Rejection;
pub use crate::state::{MissingState, StateMap};
pub use crate::{
    DeskEventSelector, DeskEventType, DeskHandlerInfo, Event, HandlerInfo, ThreadDirection,
};
pub use std::borrow::Cow;
pub use std::boxed::Box;
pub use std::option::Option;
pub use std::panic;
pub use std::result::Result;
pub use std::stringify;

use crate::handler::HandlerError;
use crate::outcome::RejectionKind;

/// What a handler's result means for the callback: `Ok`, or a
/// `HandlerFailed` rejection with the error as its logged detail.
pub fn handler_result(result: Result<(), HandlerError>) -> Result<(), Rejection> {
    result.map_err(|err| {
        Rejection::new(
            RejectionKind::HandlerFailed,
            "the handler failed; see the server log",
        )
        .with_detail(err.to_string())
    })
}

/// The compile-time message for the first event that two handlers of one
/// `callbacks![]` list handle, naming the event and both handlers as
/// written in the list; empty when every event is handled once.
/// `callbacks![]` panics with it in a `const`, so the compile error points
/// at the `callbacks![]` call.
pub const fn duplicate_event(events: &[Event], names: &[&str]) -> DuplicateMessage {
    let mut i = 0;
    while i < events.len() {
        if let Some(first) = callback_spec::earlier_of_same_event(events, i) {
            return DuplicateMessage::new(events[i], names[first], names[i]);
        }
        i += 1;
    }
    DuplicateMessage::EMPTY
}

/// A message built in a `const`, such as "callbacks![] lists two handlers
/// for onInstall: \`a\` and \`b\`; keep one" (without the names when they do
/// not fit).
pub struct DuplicateMessage {
    bytes: [u8; DuplicateMessage::CAPACITY],
    len: usize,
}

impl DuplicateMessage {
    const CAPACITY: usize = 512;
    const EMPTY: Self = DuplicateMessage {
        bytes: [0; Self::CAPACITY],
        len: 0,
    };

    const fn new(event: Event, first: &str, second: &str) -> Self {
        let mut message = Self::EMPTY;
        let parts: [&str; 7] = [
            "callbacks![] lists two handlers for ",
            event.wire_name(),
            ": `",
            first,
            "` and `",
            second,
            "`; keep one",
        ];
        let mut total = 0;
        let mut p = 0;
        while p < parts.len() {
            total += parts[p].len();
            p += 1;
        }
        if total > Self::CAPACITY {
            // Names too long to quote: the event alone.
            message.push("callbacks![] lists two handlers for ");
            message.push(event.wire_name());
            message.push("; keep one");
            return message;
        }
        let mut p = 0;
        while p < parts.len() {
            message.push(parts[p]);
            p += 1;
        }
        message
    }

    const fn push(&mut self, part: &str) {
        let bytes = part.as_bytes();
        let mut k = 0;
        while k < bytes.len() {
            self.bytes[self.len] = bytes[k];
            self.len += 1;
            k += 1;
        }
    }

    /// Whether there is a message (two handlers share an event).
    pub const fn is_some(&self) -> bool {
        self.len > 0
    }

    /// The message.
    pub const fn as_str(&self) -> &str {
        let (bytes, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(bytes) {
            Ok(message) => message,
            Err(_) => "callbacks![] lists two handlers for one event; keep one",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_shared_event_and_both_handlers_as_listed() {
        let message = duplicate_event(
            &[
                Event::Install,
                Event::Update,
                Event::Uninstall,
                Event::Update,
            ],
            &["hi", "up", "bye", "crate::other::up"],
        );
        assert!(message.is_some());
        assert_eq!(
            message.as_str(),
            "callbacks![] lists two handlers for onUpdate: `up` and `crate::other::up`; keep one"
        );
    }

    #[test]
    fn distinct_events_give_no_message() {
        let message = duplicate_event(&Event::ALL, &["a"; Event::COUNT]);
        assert!(!message.is_some());
        assert_eq!(message.as_str(), "");
    }

    #[test]
    fn names_too_long_to_quote_leave_the_event_alone() {
        let long = "a".repeat(300);
        let message = duplicate_event(&[Event::Install, Event::Install], &[&long, &long]);
        assert_eq!(
            message.as_str(),
            "callbacks![] lists two handlers for onInstall; keep one"
        );
    }

    #[test]
    fn the_message_is_built_at_compile_time() {
        const MESSAGE: DuplicateMessage =
            duplicate_event(&[Event::TpaRevoke, Event::TpaRevoke], &["x", "y"]);
        const TEXT: &str = MESSAGE.as_str();
        assert_eq!(
            TEXT,
            "callbacks![] lists two handlers for onTPARevoke: `x` and `y`; keep one"
        );
    }
}
