//! What the attribute macros and `callbacks![]` expand to call. Not a public
//! API: it changes without notice.

pub use crate::desk::{DeskContext, DeskHandler, StaticDeskHandler};
pub use crate::extract::CallContext;
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
use crate::outcome::{IntoRejection, RejectionKind};
use futures_util::FutureExt;
use std::future::Future;

/// What the generated code extracts a callback handler's argument with:
/// [`FromCallback`](crate::FromCallback), its own rejection type turned
/// into the [`Rejection`] answered. The one place that conversion is made.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a callback handler argument",
    label = "the framework cannot provide a `{Self}`",
    note = "a handler argument must implement `callback_core::FromCallback`: use `Callback`, `Payload`, `Event`, `OrgId`, `SecurityContext`, `Extra` or `State<T>`, or implement `FromCallback` for your type"
)]
pub trait FromCallback: Sized {
    /// [`FromCallback::from_callback`](crate::FromCallback::from_callback),
    /// refusing with a [`Rejection`].
    fn from_callback(cx: &CallContext<'_>) -> impl Future<Output = Result<Self, Rejection>> + Send;

    /// [`FromCallback::check_state`](crate::FromCallback::check_state).
    fn check_state(state: &StateMap) -> Result<(), MissingState>;
}

impl<T: crate::FromCallback> FromCallback for T {
    fn from_callback(cx: &CallContext<'_>) -> impl Future<Output = Result<Self, Rejection>> + Send {
        // A combinator rather than an `async` block: its `Send` follows from
        // the extractor's future alone, which rustc cannot always prove of
        // an `async` block over a higher-ranked lifetime.
        <T as crate::FromCallback>::from_callback(cx)
            .map(|extracted| extracted.map_err(IntoRejection::into_rejection))
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        <T as crate::FromCallback>::check_state(state)
    }
}

/// What the generated code extracts a Desk event handler's argument with:
/// [`FromDeskEvent`](crate::desk::FromDeskEvent), its own rejection type
/// turned into the [`Rejection`] answered.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Desk event handler argument",
    label = "the framework cannot provide a `{Self}` to a Desk event handler",
    note = "a Desk event handler argument must implement `callback_core::desk::FromDeskEvent`"
)]
pub trait FromDeskEvent: Sized {
    /// [`FromDeskEvent::from_desk_event`](crate::desk::FromDeskEvent::from_desk_event),
    /// refusing with a [`Rejection`].
    fn from_desk_event(
        cx: &DeskContext<'_>,
    ) -> impl Future<Output = Result<Self, Rejection>> + Send;

    /// [`FromDeskEvent::check_state`](crate::desk::FromDeskEvent::check_state).
    fn check_state(state: &StateMap) -> Result<(), MissingState>;
}

impl<T: crate::desk::FromDeskEvent> FromDeskEvent for T {
    fn from_desk_event(
        cx: &DeskContext<'_>,
    ) -> impl Future<Output = Result<Self, Rejection>> + Send {
        <T as crate::desk::FromDeskEvent>::from_desk_event(cx)
            .map(|extracted| extracted.map_err(IntoRejection::into_rejection))
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        <T as crate::desk::FromDeskEvent>::check_state(state)
    }
}

/// What a handler's result means for the request: `Ok`; a `Gone`
/// rejection for [`HandlerError::gone`] (a Desk delivery answers `410`; the
/// callback router turns it into a failure); a `Custom` rejection with the
/// status and code an [`ErrorStatus`](crate::ErrorStatus) chose; otherwise
/// a `HandlerFailed` rejection. The error is the logged detail of either,
/// never sent. The one function both kinds of handler expand to call.
pub fn handler_result(result: Result<(), HandlerError>) -> Result<(), Rejection> {
    result.map_err(|err| {
        if err.is_gone() {
            return Rejection::new(
                RejectionKind::Gone,
                "the handler answered 410 Gone; Zoho drops the subscription",
            );
        }
        const FAILED: &str = "the handler failed; see the server log";
        let failed = || Rejection::new(RejectionKind::HandlerFailed, FAILED);
        match err.answer() {
            (500, "handler_error") => failed().with_detail(err.to_string()),
            (status, code) => match Rejection::custom(status, code, FAILED) {
                Ok(chosen) => chosen.with_detail(err.to_string()),
                Err(invalid) => failed().with_detail(format!(
                    "{err} (its ErrorStatus is not answered: {invalid})"
                )),
            },
        }
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

/// The compile-time message for the first two handlers of one
/// `desk_events![]` list that take the same events (one event type, or
/// both the catch-all) of one webhook, naming the event, the webhook and
/// both handlers as written in the list; empty when there are none. The
/// rule of `callback_spec::check_desk_handlers`, applied in a `const`.
pub const fn duplicate_desk_event(infos: &[&DeskHandlerInfo], names: &[&str]) -> DuplicateMessage {
    let mut i = 0;
    while i < infos.len() {
        let mut j = 0;
        while j < i {
            if same_str(cow_str(&infos[j].webhook), cow_str(&infos[i].webhook))
                && same_selector(infos[j].event, infos[i].event)
            {
                let prefix = "desk_events![] lists two handlers for ";
                let event = selector_name(infos[i].event);
                let webhook = cow_str(&infos[i].webhook);
                return DuplicateMessage::from_parts(
                    &[
                        prefix,
                        event,
                        " of webhook `",
                        webhook,
                        "`: `",
                        names[j],
                        "` and `",
                        names[i],
                        "`; keep one",
                    ],
                    &[prefix, event, "; keep one"],
                );
            }
            j += 1;
        }
        i += 1;
    }
    DuplicateMessage::EMPTY
}

/// The borrowed text of a description's string: a description made in a
/// `const` (all that `desk_events![]` sees) owns none.
#[allow(clippy::ptr_arg)] // a `Cow` is what the description holds
const fn cow_str<'a>(cow: &'a Cow<'static, str>) -> &'a str {
    match cow {
        Cow::Borrowed(s) => s,
        Cow::Owned(_) => "<owned>",
    }
}

const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != b[k] {
            return false;
        }
        k += 1;
    }
    true
}

const fn same_selector(a: DeskEventSelector, b: DeskEventSelector) -> bool {
    match (a, b) {
        (DeskEventSelector::Type(x), DeskEventSelector::Type(y)) => x.index() == y.index(),
        (DeskEventSelector::Any, DeskEventSelector::Any) => true,
        _ => false,
    }
}

const fn selector_name(selector: DeskEventSelector) -> &'static str {
    match selector {
        DeskEventSelector::Type(ty) => ty.wire_name(),
        DeskEventSelector::Any => "any event",
    }
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
        let prefix = "callbacks![] lists two handlers for ";
        Self::from_parts(
            &[
                prefix,
                event.wire_name(),
                ": `",
                first,
                "` and `",
                second,
                "`; keep one",
            ],
            &[prefix, event.wire_name(), "; keep one"],
        )
    }

    /// `parts` joined, or `fallback` joined when `parts` do not fit (names
    /// too long to quote).
    const fn from_parts(parts: &[&str], fallback: &[&str]) -> Self {
        let mut message = Self::EMPTY;
        let mut total = 0;
        let mut p = 0;
        while p < parts.len() {
            total += parts[p].len();
            p += 1;
        }
        let parts = if total > Self::CAPACITY {
            fallback
        } else {
            parts
        };
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

    const fn desk(
        webhook: &'static str,
        event: DeskEventSelector,
        name: &'static str,
    ) -> DeskHandlerInfo {
        DeskHandlerInfo {
            webhook: Cow::Borrowed(webhook),
            path: Cow::Borrowed("/desk/x"),
            event,
            include_prev_state: false,
            fields: Cow::Borrowed(&[]),
            direction: None,
            name: Cow::Borrowed(name),
            module: Cow::Borrowed("m"),
        }
    }

    #[derive(Debug, thiserror::Error)]
    #[error("row 7 is held by another request (db password hunter2)")]
    struct Chosen(u16, &'static str);

    impl crate::ErrorStatus for Chosen {
        fn status(&self) -> u16 {
            self.0
        }
        fn code(&self) -> &'static str {
            self.1
        }
    }

    #[test]
    fn a_handler_error_answers_the_status_and_code_its_error_status_chose() {
        let answered = |result: Result<(), HandlerError>| {
            let r = handler_result(result).unwrap_err();
            (
                r.kind(),
                r.status(),
                r.code(),
                r.body(),
                r.detail().map(str::to_owned),
            )
        };
        let (kind, status, code, body, detail) =
            answered(Err(HandlerError::with_status(Chosen(409, "conflict"))));
        assert_eq!(
            (kind, status, code),
            (RejectionKind::Custom, 409, "conflict")
        );
        assert_eq!(
            body,
            r#"{"error":"conflict","message":"the handler failed; see the server log"}"#
        );
        assert_eq!(
            detail.as_deref(),
            Some("row 7 is held by another request (db password hunter2)")
        );

        // The default, and an error that does not choose: 500 handler_error.
        for result in [
            Err(HandlerError::with_status(Chosen(500, "handler_error"))),
            Err(HandlerError::msg("plain")),
        ] {
            let (kind, status, code, ..) = answered(result);
            assert_eq!(
                (kind, status, code),
                (RejectionKind::HandlerFailed, 500, "handler_error")
            );
        }
        // What cannot be answered is 500 handler_error, and the log says why.
        for (chosen, why) in [
            (Chosen(200, "fine"), "status 200 is not an error status"),
            (Chosen(409, "Conflict!"), "code `Conflict!` is not"),
            (
                Chosen(409, "signature_mismatch"),
                "code `signature_mismatch` is the framework's own",
            ),
        ] {
            let (kind, status, code, _, detail) = answered(Err(HandlerError::with_status(chosen)));
            assert_eq!(
                (kind, status, code),
                (RejectionKind::HandlerFailed, 500, "handler_error")
            );
            let detail = detail.unwrap_or_default();
            assert!(detail.contains(why) && detail.contains("row 7"), "{detail}");
        }
        // Gone is still Gone.
        let (kind, status, ..) = answered(Err(HandlerError::gone()));
        assert_eq!((kind, status), (RejectionKind::Gone, 410));
    }

    #[test]
    fn names_the_first_desk_event_two_handlers_of_one_webhook_take() {
        use DeskEventSelector::{Any, Type};
        const ADD: &DeskHandlerInfo = &desk("a", Type(DeskEventType::TicketAdd), "add");
        const OTHER_ADD: &DeskHandlerInfo = &desk("b", Type(DeskEventType::TicketAdd), "b_add");
        const ANY: &DeskHandlerInfo = &desk("a", Any, "any");
        const AGAIN: &DeskHandlerInfo = &desk("a", Type(DeskEventType::TicketAdd), "again");
        const ANY_AGAIN: &DeskHandlerInfo = &desk("a", Any, "any2");
        let fine = duplicate_desk_event(&[ADD, OTHER_ADD, ANY], &["add", "b_add", "any"]);
        assert!(!fine.is_some());
        const MESSAGE: DuplicateMessage =
            duplicate_desk_event(&[ADD, ANY, AGAIN], &["add", "any", "m::again"]);
        assert_eq!(
            MESSAGE.as_str(),
            "desk_events![] lists two handlers for Ticket_Add of webhook `a`: `add` and `m::again`; keep one"
        );
        let catch_alls = duplicate_desk_event(&[ANY, ANY_AGAIN], &["x", "y"]);
        assert_eq!(
            catch_alls.as_str(),
            "desk_events![] lists two handlers for any event of webhook `a`: `x` and `y`; keep one"
        );
        let long = "n".repeat(300);
        let cut = duplicate_desk_event(&[ADD, AGAIN], &[&long, &long]);
        assert_eq!(
            cut.as_str(),
            "desk_events![] lists two handlers for Ticket_Add; keep one"
        );
    }

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
