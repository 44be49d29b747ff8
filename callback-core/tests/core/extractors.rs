//! Extractors as the generated handlers call them: one of the
//! application's own that awaits and refuses with a rejection of its own
//! type, choosing the answer's status and code, with no handler run; and
//! `Option<T>` of the extractors that opt in, `None` where the value is
//! absent and still a refusal where it is malformed.

use crate::common::{SECRET, SECURITY_CONTEXT, dispatch, secret, signed};
use callback_core::desk::{DeskContext, DeskEvent, FromDeskEvent, PrevState, Ticket};
use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
use callback_core::{
    CallContext, DeskEventKind, DeskEventType, Event, FromCallback, IntoRejection, MissingState,
    OrgId, Rejection, Router, SecurityContext, State, StateMap, callbacks, desk_events,
};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many handler bodies ran.
#[derive(Clone, Default)]
struct Ran(Arc<AtomicUsize>);

impl Ran {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The pool a [`Conn`] is checked out of: one permit per connection.
#[derive(Clone)]
struct Pool(Arc<Semaphore>);

/// How long a checkout waits for a free connection.
const CHECKOUT_WAIT: Duration = Duration::from_millis(200);

/// A connection checked out of the [`Pool`], awaiting one for up to
/// [`CHECKOUT_WAIT`].
struct Conn(#[allow(dead_code)] OwnedSemaphorePermit);

/// Every connection stayed in use.
#[derive(Debug)]
struct TooBusy;

impl IntoRejection for TooBusy {
    fn into_rejection(self) -> Rejection {
        Rejection::custom(429, "too_busy", "every connection is in use; retry later")
            .unwrap_or_else(Rejection::from)
    }
}

async fn checkout(state: &StateMap) -> Result<Conn, TooBusy> {
    let Some(Pool(pool)) = state.get::<Pool>() else {
        return Err(TooBusy);
    };
    match tokio::time::timeout(CHECKOUT_WAIT, Arc::clone(pool).acquire_owned()).await {
        Ok(Ok(permit)) => Ok(Conn(permit)),
        _ => Err(TooBusy),
    }
}

impl FromCallback for Conn {
    type Rejection = TooBusy;

    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, TooBusy> {
        checkout(cx.state()).await
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<Pool>()
    }
}

/// The Desk extractor refuses with `503 try_later` when the pool is busy.
struct DeskConn(#[allow(dead_code)] OwnedSemaphorePermit);

struct TryLater;

impl IntoRejection for TryLater {
    fn into_rejection(self) -> Rejection {
        Rejection::custom(503, "try_later", "the database is busy").unwrap_or_else(Rejection::from)
    }
}

impl FromDeskEvent for DeskConn {
    type Rejection = TryLater;

    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, TryLater> {
        checkout(cx.state())
            .await
            .map(|Conn(permit)| DeskConn(permit))
            .map_err(|TooBusy| TryLater)
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<Pool>()
    }
}

#[callback_macros::on_install]
async fn installed(_conn: Conn, ran: State<Ran>) {
    ran.0.0.fetch_add(1, Ordering::SeqCst);
}

#[callback_macros::desk_event(Ticket_Add)]
async fn ticket_added(_conn: DeskConn, ran: State<Ran>) {
    ran.0.0.fetch_add(1, Ordering::SeqCst);
}

fn pool_router(pool: &Pool, ran: &Ran) -> Router {
    Router::builder(callbacks![installed])
        .secret(secret(SECRET))
        .desk_events(desk_events![ticket_added])
        .desk_keys(test_keys())
        .state(pool.clone())
        .state(ran.clone())
        .build()
        .expect("builds")
}

#[tokio::test]
async fn an_extractor_that_awaits_a_checkout_refuses_with_its_own_status_and_code() {
    let pool = Pool(Arc::new(Semaphore::new(1)));
    let ran = Ran::default();
    let router = pool_router(&pool, &ran);
    let request = signed(Event::Install).build();

    let held = Arc::clone(&pool.0).acquire_owned().await.expect("open");
    let refused = dispatch(&router, &request).await;
    assert_eq!((refused.status(), refused.code()), (429, "too_busy"));
    assert_eq!(
        refused.body(),
        r#"{"error":"too_busy","message":"every connection is in use; retry later"}"#
    );
    assert_eq!(ran.count(), 0, "the handler did not run");

    // The checkout awaits: a connection freed while it waits is taken.
    let freed = tokio::spawn(async move {
        tokio::time::sleep(CHECKOUT_WAIT / 4).await;
        drop(held);
    });
    let handled = dispatch(&router, &request).await;
    freed.await.expect("freed");
    assert_eq!(handled.status(), 200, "{handled:?}");
    assert_eq!(ran.count(), 1);
}

#[tokio::test]
async fn a_desk_extractor_refuses_the_event_with_its_own_status_and_code() {
    let pool = Pool(Arc::new(Semaphore::new(1)));
    let ran = Ran::default();
    let router = pool_router(&pool, &ran);
    let delivery = TestDelivery::new(42)
        .event(ticket_event(DeskEventType::TicketAdd, 42, 1))
        .build();

    let held = Arc::clone(&pool.0).acquire_owned().await.expect("open");
    let refused = router.dispatch_desk(delivery.as_request()).await;
    assert_eq!((refused.status(), refused.code()), (503, "try_later"));
    assert_eq!(
        refused.body(),
        r#"{"error":"try_later","message":"event 0 of 1 (Ticket_Add): the database is busy; 0 handled before it, the rest not run"}"#
    );
    assert_eq!(ran.count(), 0, "the handler did not run");
    drop(held);
    let handled = router.dispatch_desk(delivery.as_request()).await;
    assert_eq!(handled.status(), 200, "{handled:?}");
    assert_eq!(ran.count(), 1);
}

#[test]
fn an_extractor_of_its_own_needs_its_state_at_build_time() {
    let error = Router::builder(callbacks![installed])
        .secret(secret(SECRET))
        .state(Ran::default())
        .build()
        .expect_err("no pool");
    assert!(
        error.to_string().contains("no state of type `") && error.to_string().contains("::Pool`"),
        "{error}"
    );
}

/// What the optional arguments were, one line per run.
#[derive(Clone, Default)]
struct Saw(Arc<std::sync::Mutex<Vec<String>>>);

impl Saw {
    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("not poisoned").clone()
    }
}

#[callback_macros::desk_event(Ticket_Update, include_prev_state)]
async fn ticket_updated(prev: Option<PrevState<Ticket>>, saw: State<Saw>) {
    let line = match prev {
        Some(prev) => format!("prev subject {:?}", prev.subject),
        None => "no prev".to_owned(),
    };
    saw.0.0.lock().expect("not poisoned").push(line);
}

#[callback_macros::desk_event(any)]
async fn any_event(ticket: Option<Ticket>, saw: State<Saw>) {
    let line = match ticket {
        Some(ticket) => format!("ticket {}", ticket.id.get()),
        None => "not a ticket".to_owned(),
    };
    saw.0.0.lock().expect("not poisoned").push(line);
}

fn optional_router(saw: &Saw) -> Router {
    Router::builder(callbacks![])
        .desk_events(desk_events![ticket_updated, any_event])
        .desk_keys(test_keys())
        .state(saw.clone())
        .build()
        .expect("builds")
}

#[tokio::test]
async fn an_optional_prev_state_is_none_when_absent_and_refused_when_malformed() {
    let saw = Saw::default();
    let router = optional_router(&saw);
    let update = || ticket_event(DeskEventType::TicketUpdate, 42, 7);
    let deliver = |event| {
        let router = &router;
        async move {
            let delivery = TestDelivery::new(42).event(event).build();
            router.dispatch_desk(delivery.as_request()).await
        }
    };

    let absent = deliver(update()).await;
    assert_eq!(absent.status(), 200, "{absent:?}");
    let present = deliver(update().with_prev_state(json!({"id": "7", "subject": "Before"}))).await;
    assert_eq!(present.status(), 200, "{present:?}");
    assert_eq!(saw.lines(), ["no prev", "prev subject Some(\"Before\")"]);

    // There, but not a ticket (no id): refused, not swallowed as `None`.
    let malformed = deliver(update().with_prev_state(json!({"subject": "Before"}))).await;
    assert_eq!(
        (malformed.status(), malformed.code()),
        (400, "invalid_payload")
    );
    let message = malformed.rejection().expect("refused").message().to_owned();
    assert!(message.contains("prevState is not a"), "{message}");
    assert_eq!(saw.lines().len(), 2, "the handler did not run");
}

#[tokio::test]
async fn an_optional_payload_is_none_for_another_event_type_and_refused_when_malformed() {
    let saw = Saw::default();
    let router = optional_router(&saw);
    let comment = ticket_event(DeskEventType::TicketCommentAdd, 42, 3);
    let added = ticket_event(DeskEventType::TicketAdd, 42, 5);
    let delivery = TestDelivery::new(42).events([comment, added]).build();
    let outcome = router.dispatch_desk(delivery.as_request()).await;
    assert_eq!(outcome.status(), 200, "{outcome:?}");
    assert_eq!(saw.lines(), ["not a ticket", "ticket 5"]);

    let broken = DeskEvent::new(
        DeskEventKind::Known(DeskEventType::TicketAdd),
        OrgId::new(42),
        json!({"id": "not a number"}),
    );
    let delivery = TestDelivery::new(42).event(broken).build();
    let refused = router.dispatch_desk(delivery.as_request()).await;
    assert_eq!((refused.status(), refused.code()), (400, "invalid_payload"));
    assert_eq!(saw.lines().len(), 2, "the handler did not run");
}

#[callback_macros::on_update]
async fn context_or_not(ctx: Option<SecurityContext>, saw: State<Saw>) {
    let line = ctx.map_or("none".to_owned(), |ctx| ctx.expose().to_owned());
    saw.0.0.lock().expect("not poisoned").push(line);
}

#[tokio::test]
async fn an_optional_security_context_is_none_without_one() {
    let saw = Saw::default();
    let router = Router::builder(callbacks![context_or_not])
        .secret(secret(SECRET))
        .state(saw.clone())
        .build()
        .expect("builds");
    let without = dispatch(
        &router,
        &signed(Event::Update).without_security_context().build(),
    )
    .await;
    let with = dispatch(&router, &signed(Event::Update).build()).await;
    assert_eq!((without.status(), with.status()), (200, 200));
    assert_eq!(
        saw.lines(),
        ["none".to_owned(), SECURITY_CONTEXT.to_owned()]
    );
}
