//! Extractors of the application's own, as the generated handlers call
//! them: an extraction that awaits, and a refusal of its own type that
//! chooses the answer's status and code, with no handler run.

use crate::common::{SECRET, dispatch, secret, signed};
use callback_core::desk::{DeskContext, FromDeskEvent};
use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
use callback_core::{
    CallContext, DeskEventType, Event, FromCallback, IntoRejection, MissingState, Rejection,
    Router, State, StateMap, callbacks, desk_events,
};
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
