//! Hand-written Desk event handlers that record what they ran for, and the
//! router the Desk tests dispatch to (the attribute macro is tested in
//! callback-macros; these tests are of the runtime).

use callback_core::__private::handler_result;
use callback_core::desk::{
    DeskContext, DeskHandler, DeskHandlerList, DeskOutcome, FromDeskEvent, PrevState,
    StaticDeskHandler, Ticket, TicketComment, TicketThread,
};
use callback_core::testing::desk::{TestDelivery, test_keys};
use callback_core::{
    DeskEventSelector, DeskEventType, DeskHandlerInfo, HandlerError, HandlerFuture, HandlerList,
    MissingState, Router, RouterBuilder, SecurityContext, State, StateMap,
};
use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The org every Desk test delivery is for.
pub(crate) const ORG: u64 = 9_007_199_254_740_993;

/// What the handlers ran for: `(handler name, event type)`, in order.
#[derive(Clone, Default)]
pub(crate) struct DeskHits(Arc<Mutex<Vec<(&'static str, String)>>>);

impl DeskHits {
    pub(crate) fn ran(&self) -> Vec<(&'static str, String)> {
        self.0.lock().expect("not poisoned").clone()
    }

    fn record(&self, name: &'static str, event: &str) {
        self.0
            .lock()
            .expect("not poisoned")
            .push((name, event.to_owned()));
    }
}

/// What a [`TestDeskHandler`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Behave {
    /// Records and succeeds.
    Succeed,
    /// Records, then fails.
    Fail,
    /// Records, then panics.
    Panic,
    /// Records, then answers Gone.
    Gone,
    /// Records, then never finishes.
    Hang,
    /// Takes a `Ticket` (and its previous state, if any), records its
    /// subject.
    TakesTicket,
    /// Takes a `PrevState`, records its status.
    TakesPrevState,
    /// Takes a `TicketThread`.
    TakesThread,
    /// Takes a `TicketComment`.
    TakesComment,
    /// Takes the `SecurityContext`.
    TakesContext,
}

pub(crate) struct TestDeskHandler {
    info: &'static DeskHandlerInfo,
    behave: Behave,
}

pub(crate) const fn info(
    webhook: &'static str,
    path: &'static str,
    event: DeskEventSelector,
    name: &'static str,
) -> DeskHandlerInfo {
    DeskHandlerInfo {
        webhook: Cow::Borrowed(webhook),
        path: Cow::Borrowed(path),
        event,
        include_prev_state: false,
        fields: Cow::Borrowed(&[]),
        direction: None,
        name: Cow::Borrowed(name),
        module: Cow::Borrowed("desk_common"),
    }
}

impl DeskHandler for TestDeskHandler {
    fn info(&self) -> &'static DeskHandlerInfo {
        self.info
    }

    fn check_state(&self, state: &StateMap) -> Result<(), MissingState> {
        <State<DeskHits> as FromDeskEvent>::check_state(state)
    }

    fn call<'a>(&'a self, cx: &'a DeskContext<'a>) -> HandlerFuture<'a> {
        Box::pin(async move {
            let hits = State::<DeskHits>::from_desk_event(cx).await?;
            let name: &'static str = match &self.info.name {
                Cow::Borrowed(name) => name,
                Cow::Owned(_) => "owned",
            };
            let mut seen = cx.event().kind().wire_name().to_owned();
            let result: Result<(), HandlerError> = match self.behave {
                Behave::Succeed => Ok(()),
                Behave::Fail => Err("the desk handler failed: db down".into()),
                Behave::Panic => panic!("the desk handler panics on purpose"),
                Behave::Gone => Err(HandlerError::gone()),
                Behave::Hang => std::future::pending().await,
                Behave::TakesTicket => {
                    let ticket = Ticket::from_desk_event(cx).await?;
                    seen = format!("{seen} {} {:?}", ticket.id, ticket.subject);
                    Ok(())
                }
                Behave::TakesPrevState => {
                    let prev = PrevState::<serde_json::Value>::from_desk_event(cx).await?;
                    seen = format!("{seen} was {}", prev["status"]);
                    Ok(())
                }
                Behave::TakesThread => {
                    let thread = TicketThread::from_desk_event(cx).await?;
                    seen = format!("{seen} {:?}", thread.direction);
                    Ok(())
                }
                Behave::TakesComment => {
                    let comment = TicketComment::from_desk_event(cx).await?;
                    seen = format!("{seen} {:?}", comment.content);
                    Ok(())
                }
                Behave::TakesContext => {
                    let context = SecurityContext::from_desk_event(cx).await?;
                    seen = format!("{seen} context of {} bytes", context.expose().len());
                    Ok(())
                }
            };
            hits.record(name, &seen);
            handler_result(result)
        })
    }
}

/// Declares a static handler and its `StaticDeskHandler` type.
macro_rules! desk_handler {
    ($ty:ident, $webhook:literal, $event:expr, $behave:expr) => {
        pub(crate) struct $ty;
        impl StaticDeskHandler for $ty {
            const INFO: &'static DeskHandlerInfo = &info(
                $webhook,
                concat!("/desk/", $webhook),
                $event,
                stringify!($ty),
            );
            const HANDLER: &'static dyn DeskHandler = &TestDeskHandler {
                info: Self::INFO,
                behave: $behave,
            };
        }
    };
}

use DeskEventSelector::{Any, Type};
desk_handler!(
    TicketAdded,
    "deskEvents",
    Type(DeskEventType::TicketAdd),
    Behave::TakesTicket
);
desk_handler!(
    TicketUpdated,
    "deskEvents",
    Type(DeskEventType::TicketUpdate),
    Behave::TakesPrevState
);
desk_handler!(
    ThreadAdded,
    "deskEvents",
    Type(DeskEventType::TicketThreadAdd),
    Behave::TakesThread
);
desk_handler!(
    CommentAdded,
    "deskEvents",
    Type(DeskEventType::TicketCommentAdd),
    Behave::TakesComment
);
desk_handler!(
    TicketDeleted,
    "deskEvents",
    Type(DeskEventType::TicketDelete),
    Behave::Fail
);
desk_handler!(
    ContactAdded,
    "deskEvents",
    Type(DeskEventType::ContactAdd),
    Behave::Gone
);
desk_handler!(
    ContactDeleted,
    "deskEvents",
    Type(DeskEventType::ContactDelete),
    Behave::Panic
);
desk_handler!(
    TaskAdded,
    "deskEvents",
    Type(DeskEventType::TaskAdd),
    Behave::Hang
);
desk_handler!(
    AccountAdded,
    "deskEvents",
    Type(DeskEventType::AccountAdd),
    Behave::TakesContext
);
desk_handler!(
    CallAdded,
    "deskEvents",
    Type(DeskEventType::CallAdd),
    Behave::TakesTicket
);
desk_handler!(Anything, "deskEvents", Any, Behave::Succeed);
desk_handler!(
    OtherAdded,
    "other",
    Type(DeskEventType::TicketAdd),
    Behave::Succeed
);
desk_handler!(
    AddedAgain,
    "deskEvents",
    Type(DeskEventType::TicketAdd),
    Behave::Succeed
);

/// A webhook whose path is a callback's.
pub(crate) struct AtInstallPath;
impl StaticDeskHandler for AtInstallPath {
    const INFO: &'static DeskHandlerInfo = &info(
        "clash",
        "/callbacks/onInstall",
        Type(DeskEventType::TicketAdd),
        "AtInstallPath",
    );
    const HANDLER: &'static dyn DeskHandler = &TestDeskHandler {
        info: Self::INFO,
        behave: Behave::Succeed,
    };
}

/// Every handler of the main webhook, and one of another webhook.
pub(crate) fn all_handlers() -> DeskHandlerList {
    callback_core::desk_events![
        TicketAdded,
        TicketUpdated,
        ThreadAdded,
        CommentAdded,
        TicketDeleted,
        ContactAdded,
        ContactDeleted,
        TaskAdded,
        AccountAdded,
        CallAdded,
        Anything,
        OtherAdded,
    ]
}

/// The deadline of the Desk test router.
pub(crate) const DEADLINE: Duration = Duration::from_millis(200);

/// A router of Desk events only (no secret needed), over the TEST keys.
pub(crate) fn desk_builder(handlers: DeskHandlerList, hits: &DeskHits) -> RouterBuilder {
    Router::builder(HandlerList::default())
        .desk_events(handlers)
        .desk_keys(test_keys())
        .state(hits.clone())
        .timeout(DEADLINE)
}

/// [`desk_builder`] with every handler, built.
pub(crate) fn desk_router() -> (Router, DeskHits) {
    let hits = DeskHits::default();
    let router = desk_builder(all_handlers(), &hits)
        .build()
        .expect("the Desk test router builds");
    (router, hits)
}

/// Dispatches `delivery` to `router`.
pub(crate) async fn deliver(router: &Router, delivery: &TestDelivery) -> DeskOutcome {
    let request = delivery.build();
    router.dispatch_desk(request.as_request()).await
}

/// `(status, code)` of an outcome.
pub(crate) fn status_code(outcome: &DeskOutcome) -> (u16, &'static str) {
    (outcome.status(), outcome.code())
}
