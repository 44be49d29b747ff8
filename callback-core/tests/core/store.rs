//! The router with an installation store (feature `store`): each verified
//! lifecycle callback committed to its org's installation before its
//! handler runs, stale ones refused, each Desk event run once however often
//! and wherever it is delivered, uninstalled orgs answered `410`, and the
//! store's faults answered `503` within the deadline. Each scenario on
//! SQLite, and on PostgreSQL where the shared cluster is there.

use crate::common::{SECRET, dispatch, secret, signed};
use crate::desk_common::{ORG, status_code};
use callback_core::callback_store::{EventDigest, StoreKey, StoreKeys, StoreOptions};
use callback_core::desk::{DeskEvent, DeskOutcome};
use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
use callback_core::{
    BuildError, Callback, DeskEventType, Event, HandlerError, Installation, InstallationStore,
    Outcome, RejectionKind, Router, RouterBuilder, State, callbacks, desk_events,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "../../../callback-store/tests/common/postgres.rs"]
mod postgres;

/// The kinds only a router with an installation store decides: the
/// callback table of `router_dispatch` leaves them to these tests.
pub(crate) const STORE_KINDS: &[RejectionKind] = &[
    RejectionKind::StaleCallback,
    RejectionKind::StoreUnavailable,
    RejectionKind::StoreFailed,
    RejectionKind::OrgUninstalled,
    RejectionKind::UnknownInstallation,
];

/// The deadline of the routers here.
const DEADLINE: Duration = Duration::from_millis(1500);

/// What the handlers saw and how they behave, shared with the test.
#[derive(Clone, Default)]
struct Hits {
    seen: Arc<Mutex<Vec<String>>>,
    /// Desk handlers fail this many calls from now.
    fail: Arc<AtomicUsize>,
    /// Desk handlers sleep this long first (milliseconds).
    sleep_ms: Arc<AtomicUsize>,
}

impl Hits {
    fn push(&self, line: String) {
        self.seen.lock().unwrap().push(line);
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    /// What a Desk handler does before it returns: sleep, then fail if it
    /// is told to.
    async fn behave(&self) -> Result<(), HandlerError> {
        let sleep = self.sleep_ms.load(Ordering::SeqCst) as u64;
        if sleep > 0 {
            tokio::time::sleep(Duration::from_millis(sleep)).await;
        }
        let failing = self
            .fail
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        match failing {
            true => Err(HandlerError::msg("told to fail")),
            false => Ok(()),
        }
    }
}

/// The installation as a handler saw it, in one line.
fn shown(installation: &Installation) -> String {
    format!(
        "org {} {:?} generation {} callbacks {} context {}",
        installation.org_id,
        installation.status,
        installation.generation,
        installation.callbacks,
        installation
            .security_context
            .as_ref()
            .map_or("none", |context| context.expose())
    )
}

/// Reads the org back from the store while it runs: what it finds was
/// committed before it was called.
#[callback_macros::on_install]
async fn installed(
    cb: Callback,
    installation: Installation,
    store: State<Arc<dyn InstallationStore>>,
    hits: State<Hits>,
) -> Result<(), HandlerError> {
    let committed = store.installation(cb.org_id().get()).await?;
    let committed = committed.expect("committed before the handler runs");
    assert_eq!(committed, installation);
    hits.push(format!("onInstall {}", shown(&installation)));
    Ok(())
}

#[callback_macros::on_uninstall]
async fn uninstalled(installation: Installation, hits: State<Hits>) {
    hits.push(format!("onUninstall {}", shown(&installation)));
}

#[callback_macros::on_update]
async fn updated(installation: Option<Installation>, hits: State<Hits>) {
    hits.push(format!(
        "onUpdate {}",
        installation
            .as_ref()
            .map_or("no installation".to_owned(), shown)
    ));
}

#[callback_macros::desk_event(Ticket_Add)]
async fn ticket_added(
    event: DeskEvent,
    installation: Option<Installation>,
    hits: State<Hits>,
) -> Result<(), HandlerError> {
    hits.push(format!(
        "Ticket_Add {} {}",
        event.payload()["id"].as_str().unwrap_or("?"),
        installation
            .as_ref()
            .map_or("no installation".to_owned(), shown)
    ));
    hits.behave().await
}

#[callback_macros::desk_event(Ticket_Update)]
async fn ticket_updated(
    event: DeskEvent,
    installation: Installation,
    hits: State<Hits>,
) -> Result<(), HandlerError> {
    hits.push(format!(
        "Ticket_Update {} {}",
        event.payload()["id"].as_str().unwrap_or("?"),
        shown(&installation)
    ));
    hits.behave().await
}

/// A database of one backend for one test.
struct Db {
    url: String,
    path: Option<std::path::PathBuf>,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        Db {
            url: format!("sqlite://{}", path.display()),
            path: Some(path),
            _dir: Some(dir),
        }
    }

    async fn postgres() -> Option<Db> {
        Some(Db {
            url: postgres::new_database().await?,
            path: None,
            _dir: None,
        })
    }

    fn options() -> StoreOptions {
        StoreOptions::new(StoreKeys::new(StoreKey::from_bytes([3; 32]), []))
    }

    async fn open_with(&self, options: StoreOptions) -> Arc<dyn InstallationStore> {
        options.open(&self.url).await.unwrap()
    }

    async fn open(&self) -> Arc<dyn InstallationStore> {
        self.open_with(Db::options()).await
    }

    /// Runs `sql` on a connection of its own, as an operator could.
    async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        match &self.path {
            Some(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
            None => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
        }
    }

    /// A connection of its own holding the SQLite database's write lock,
    /// until it runs `ROLLBACK`.
    async fn lock(&self) -> sqlx::SqliteConnection {
        use sqlx::Connection;
        let url = format!("sqlite://{}", self.path.as_ref().unwrap().display());
        let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut other)
            .await
            .unwrap();
        other
    }

    /// The first column of the first row of `sql`.
    async fn number(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        match &self.path {
            Some(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
            None => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
        }
    }
}

/// A router over `store` with every handler of this module.
fn builder(store: &Arc<dyn InstallationStore>, hits: &Hits) -> RouterBuilder {
    Router::builder(callbacks![installed, uninstalled, updated])
        .secret(secret(SECRET))
        .desk_events(desk_events![ticket_added, ticket_updated])
        .desk_keys(test_keys())
        .state(hits.clone())
        .timeout(DEADLINE)
        .installations(Arc::clone(store))
}

fn router(store: &Arc<dyn InstallationStore>, hits: &Hits) -> Router {
    builder(store, hits)
        .build()
        .expect("the store test router builds")
}

/// Sends the callback of `event` from [`ORG`] carrying `context`.
async fn send(router: &Router, event: Event, context: &str) -> Outcome {
    let request = signed(event).org_id(ORG).security_context(context).build();
    dispatch(router, &request).await
}

async fn deliver(router: &Router, delivery: &TestDelivery) -> DeskOutcome {
    let request = delivery.build();
    router.dispatch_desk(request.as_request()).await
}

/// A delivery for [`ORG`] of ticket events `ids`, of type `ty`.
fn tickets(ty: DeskEventType, ids: &[u64]) -> TestDelivery {
    TestDelivery::new(ORG).events(ids.iter().map(|&id| ticket_event(ty, ORG, id)))
}

fn handled(outcome: &DeskOutcome) -> (usize, usize) {
    match outcome {
        DeskOutcome::Handled(h) => (h.handled, h.duplicates),
        other => panic!("not handled: {other:?}"),
    }
}

/// Runs each scenario `async fn name(db: &Db)` of this module on SQLite
/// and on PostgreSQL, as the tests `name::sqlite` and `name::postgres`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(&super::Db::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = super::Db::postgres().await {
                    super::$name(&db).await;
                }
            }
        }
    )*};
}

on_both!(
    a_callback_is_committed_before_its_handler_runs_which_sees_the_installation,
    a_replayed_install_after_uninstall_is_409_stale_and_runs_no_handler,
    a_row_altered_in_the_database_is_500_store_failed_and_runs_no_handler,
    a_redelivered_event_is_acknowledged_without_running_its_handler_again,
    one_batch_to_two_instances_at_once_runs_each_event_once,
    a_failed_handler_releases_its_claim_and_the_retry_runs_it,
    a_handler_cut_off_by_the_deadline_releases_its_claim,
    an_uninstalled_org_is_410_and_runs_no_handler,
    an_org_the_store_does_not_know_is_none_or_409_unknown_installation,
    old_claims_are_removed_in_the_background_of_a_delivery,
);

async fn a_callback_is_committed_before_its_handler_runs_which_sees_the_installation(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    let outcome = send(&router, Event::Install, "ctx-1").await;
    assert_eq!(
        (outcome.status(), outcome.code()),
        (200, "ok"),
        "{outcome:?}"
    );
    let outcome = send(&router, Event::Update, "ctx-1").await;
    assert_eq!(outcome.status(), 200, "{outcome:?}");
    assert_eq!(
        hits.seen(),
        [
            format!("onInstall org {ORG} Installed generation 1 callbacks 1 context ctx-1"),
            format!("onUpdate org {ORG} Installed generation 1 callbacks 2 context ctx-1"),
        ]
    );
    // A callback refused before its handler would run is not applied.
    let outcome = send(&router, Event::ZohoAuthorise, "ctx-1").await;
    assert_eq!(outcome.code(), "not_found");
    assert_eq!(store.installation(ORG).await.unwrap().unwrap().callbacks, 2);
}

async fn a_replayed_install_after_uninstall_is_409_stale_and_runs_no_handler(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    assert_eq!(send(&router, Event::Install, "revoked").await.status(), 200);
    assert_eq!(
        send(&router, Event::Uninstall, "revoked").await.status(),
        200
    );
    let before = store.installation(ORG).await.unwrap().unwrap();

    let replayed = send(&router, Event::Install, "revoked").await;
    let Outcome::Rejected(rejection) = &replayed else {
        panic!("{replayed:?}");
    };
    assert_eq!(rejection.kind(), RejectionKind::StaleCallback);
    assert_eq!(
        replayed.body(),
        r#"{"error":"stale_callback","message":"this callback carries the security context of an installation that has ended (a replay, or a callback delayed past a reinstall); nothing changed"}"#
    );
    assert_eq!(
        (replayed.status(), replayed.code()),
        (409, "stale_callback")
    );
    assert_eq!(store.installation(ORG).await.unwrap().unwrap(), before);
    assert_eq!(
        hits.seen(),
        [
            format!("onInstall org {ORG} Installed generation 1 callbacks 1 context revoked"),
            format!("onUninstall org {ORG} Uninstalled generation 1 callbacks 2 context none"),
        ]
    );
    // A genuine reinstall, with a new context, is a new installation.
    assert_eq!(send(&router, Event::Install, "fresh").await.status(), 200);
    assert_eq!(
        hits.seen().last().unwrap(),
        &format!("onInstall org {ORG} Installed generation 2 callbacks 3 context fresh")
    );
}

async fn a_row_altered_in_the_database_is_500_store_failed_and_runs_no_handler(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    assert_eq!(send(&router, Event::Install, "ctx").await.status(), 200);
    // The sealed context cut short: it no longer opens.
    db.execute("UPDATE installations SET context = substr(context, 1, 30)")
        .await;
    let request = signed(Event::Update)
        .org_id(ORG)
        .without_security_context()
        .build();
    let outcome = dispatch(&router, &request).await;
    assert_eq!(
        (outcome.status(), outcome.code()),
        (500, "store_failed"),
        "{outcome:?}"
    );
    assert_eq!(
        outcome.body(),
        r#"{"error":"store_failed","message":"the installation store failed; see the server log"}"#
    );
    assert_eq!(hits.seen().len(), 1, "no handler ran: {:?}", hits.seen());
}

async fn a_redelivered_event_is_acknowledged_without_running_its_handler_again(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    let delivery = tickets(DeskEventType::TicketAdd, &[1, 2]);
    let first = deliver(&router, &delivery).await;
    assert_eq!(status_code(&first), (200, "ok"), "{first:?}");
    assert_eq!(handled(&first), (2, 0));
    let again = deliver(&router, &delivery).await;
    assert_eq!(again.body(), r#"{"ok":true,"events":2}"#);
    assert_eq!(handled(&again), (0, 2));
    // One new event beside the two seen: only it runs.
    let mixed = tickets(DeskEventType::TicketAdd, &[2, 3, 1]);
    assert_eq!(handled(&deliver(&router, &mixed).await), (1, 2));
    assert_eq!(
        hits.seen(),
        [
            "Ticket_Add 1 no installation",
            "Ticket_Add 2 no installation",
            "Ticket_Add 3 no installation"
        ]
    );
    // Kept as completed claims, by digest.
    assert_eq!(
        db.number("SELECT COUNT(*) FROM desk_event_claims WHERE lease_until IS NULL")
            .await,
        3
    );
}

async fn one_batch_to_two_instances_at_once_runs_each_event_once(db: &Db) {
    let hits = Hits::default();
    // Each handler takes a while, so that both deliveries are in flight
    // together.
    hits.sleep_ms.store(50, Ordering::SeqCst);
    let (a, b) = (db.open().await, db.open().await);
    let (a, b) = (router(&a, &hits), router(&b, &hits));
    for round in 0..5u64 {
        let ids: Vec<u64> = (0..4).map(|i| round * 10 + i).collect();
        let delivery = tickets(DeskEventType::TicketAdd, &ids);
        let (one, two) = tokio::join!(deliver(&a, &delivery), deliver(&b, &delivery));
        let (one, two) = (handled(&one), handled(&two));
        assert_eq!(one.0 + two.0, 4, "round {round}: {one:?} {two:?}");
        assert_eq!(one.1 + two.1, 4, "round {round}: {one:?} {two:?}");
    }
    let mut seen = hits.seen();
    seen.sort();
    let mut expected: Vec<String> = (0..5u64)
        .flat_map(|round| {
            (0..4).map(move |i| format!("Ticket_Add {} no installation", round * 10 + i))
        })
        .collect();
    expected.sort();
    assert_eq!(seen, expected);
}

async fn a_failed_handler_releases_its_claim_and_the_retry_runs_it(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    let delivery = tickets(DeskEventType::TicketAdd, &[1, 2, 3]);
    // Event 1 is handled first, alone; then in the batch, event 2 fails:
    // the batch stops there, and event 3 is not run.
    assert_eq!(
        handled(&deliver(&router, &tickets(DeskEventType::TicketAdd, &[1])).await),
        (1, 0)
    );
    hits.fail.store(1, Ordering::SeqCst);
    let failed = deliver(&router, &delivery).await;
    assert_eq!(status_code(&failed), (500, "handler_error"), "{failed:?}");
    // Zoho's retry: event 1 is acknowledged, event 2 runs again, event 3 runs.
    let retried = deliver(&router, &delivery).await;
    assert_eq!(handled(&retried), (2, 1), "{retried:?}");
    assert_eq!(
        hits.seen(),
        [
            "Ticket_Add 1 no installation",
            "Ticket_Add 2 no installation",
            "Ticket_Add 2 no installation",
            "Ticket_Add 3 no installation"
        ]
    );
}

async fn a_handler_cut_off_by_the_deadline_releases_its_claim(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    let delivery = tickets(DeskEventType::TicketAdd, &[7]);
    hits.sleep_ms
        .store(DEADLINE.as_millis() as usize + 500, Ordering::SeqCst);
    let cut = deliver(&router, &delivery).await;
    assert_eq!(status_code(&cut), (503, "handler_timeout"), "{cut:?}");
    hits.sleep_ms.store(0, Ordering::SeqCst);
    // The claim is released in the background; the retry runs the event.
    let mut retried = deliver(&router, &delivery).await;
    for _ in 0..50 {
        if handled(&retried).0 == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        retried = deliver(&router, &delivery).await;
    }
    assert_eq!(handled(&retried), (1, 0));
    assert_eq!(hits.seen().len(), 2, "{:?}", hits.seen());
}

async fn an_uninstalled_org_is_410_and_runs_no_handler(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    assert_eq!(send(&router, Event::Install, "ctx").await.status(), 200);
    let delivery = tickets(DeskEventType::TicketUpdate, &[1]);
    assert_eq!(handled(&deliver(&router, &delivery).await), (1, 0));
    assert_eq!(
        hits.seen().last().unwrap(),
        &format!("Ticket_Update 1 org {ORG} Installed generation 1 callbacks 1 context ctx")
    );
    assert_eq!(send(&router, Event::Uninstall, "ctx").await.status(), 200);
    let before = hits.seen().len();
    let gone = deliver(&router, &tickets(DeskEventType::TicketUpdate, &[2])).await;
    assert_eq!(status_code(&gone), (410, "org_uninstalled"));
    assert_eq!(
        gone.body(),
        r#"{"error":"org_uninstalled","message":"the extension is uninstalled from this org; Zoho drops the subscription"}"#
    );
    assert_eq!(hits.seen().len(), before);
    // Nothing was claimed for it: after a reinstall, the event runs.
    assert_eq!(send(&router, Event::Install, "ctx-2").await.status(), 200);
    let again = deliver(&router, &tickets(DeskEventType::TicketUpdate, &[2])).await;
    assert_eq!(handled(&again), (1, 0));
}

async fn an_org_the_store_does_not_know_is_none_or_409_unknown_installation(db: &Db) {
    let store = db.open().await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    // `Option<Installation>`: runs, with none.
    let added = deliver(&router, &tickets(DeskEventType::TicketAdd, &[1])).await;
    assert_eq!(handled(&added), (1, 0));
    // `Installation`: refused before the handler runs, and not claimed.
    let updated = deliver(&router, &tickets(DeskEventType::TicketUpdate, &[1])).await;
    assert_eq!(
        status_code(&updated),
        (409, "unknown_installation"),
        "{updated:?}"
    );
    assert_eq!(hits.seen(), ["Ticket_Add 1 no installation"]);
    assert_eq!(
        db.number("SELECT COUNT(*) FROM desk_event_claims").await,
        1,
        "the refused event's claim was released"
    );
}

async fn old_claims_are_removed_in_the_background_of_a_delivery(db: &Db) {
    let store = db
        .open_with(Db::options().claim_retention(Duration::from_millis(300)))
        .await;
    let hits = Hits::default();
    let router = builder(&store, &hits)
        .claim_cleanup_interval(Duration::ZERO)
        .build()
        .unwrap();
    deliver(&router, &tickets(DeskEventType::TicketAdd, &[1, 2])).await;
    assert_eq!(db.number("SELECT COUNT(*) FROM desk_event_claims").await, 2);
    tokio::time::sleep(Duration::from_millis(400)).await;
    deliver(&router, &tickets(DeskEventType::TicketAdd, &[3])).await;
    let mut left = 0;
    for _ in 0..50 {
        left = db.number("SELECT COUNT(*) FROM desk_event_claims").await;
        if left == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 1, "the two old claims are gone, the new one stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_locked_past_its_timeout_is_503_within_the_deadline_and_runs_no_handler() {
    let db = Db::sqlite();
    let store = db
        .open_with(Db::options().timeout(Duration::from_millis(300)))
        .await;
    let hits = Hits::default();
    let router = router(&store, &hits);
    assert_eq!(send(&router, Event::Install, "ctx").await.status(), 200);
    let mut other = db.lock().await;

    let started = std::time::Instant::now();
    let outcome = send(&router, Event::Update, "ctx").await;
    assert!(started.elapsed() < DEADLINE, "{:?}", started.elapsed());
    assert_eq!(
        (outcome.status(), outcome.code()),
        (503, "store_unavailable")
    );
    assert_eq!(
        outcome.body(),
        r#"{"error":"store_unavailable","message":"the installation store is unavailable; nothing was recorded, retry later"}"#
    );
    // A delivery's claim is a write too.
    let started = std::time::Instant::now();
    let delivery = deliver(&router, &tickets(DeskEventType::TicketAdd, &[1])).await;
    assert!(started.elapsed() < DEADLINE, "{:?}", started.elapsed());
    assert_eq!(status_code(&delivery), (503, "store_unavailable"));
    assert_eq!(hits.seen().len(), 1, "{:?}", hits.seen());

    // The lock is gone: service resumes by itself.
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    assert_eq!(send(&router, Event::Update, "ctx").await.status(), 200);
    assert_eq!(store.installation(ORG).await.unwrap().unwrap().callbacks, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_slower_than_the_deadline_is_503_at_the_deadline() {
    let db = Db::sqlite();
    // The store would wait 10 s for the lock; the request has 400 ms.
    let store = db
        .open_with(Db::options().timeout(Duration::from_secs(10)))
        .await;
    let hits = Hits::default();
    let router = builder(&store, &hits)
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let mut other = db.lock().await;
    let started = std::time::Instant::now();
    let outcome = send(&router, Event::Install, "ctx").await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    assert_eq!(
        outcome.body(),
        r#"{"error":"store_unavailable","message":"the installation store did not answer within the request's deadline; retry later"}"#
    );
    assert!(hits.seen().is_empty());
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
}

#[test]
fn an_installation_argument_or_an_option_of_one_without_a_store_fails_to_build() {
    let error = Router::builder(callbacks![installed])
        .secret(secret(SECRET))
        .state(Hits::default())
        .build()
        .unwrap_err();
    let handler = format!("{}::installed", module_path!());
    assert_eq!(
        error,
        BuildError::NoInstallationStore {
            handler: handler.clone()
        }
    );
    assert_eq!(
        error.to_string(),
        format!(
            "`{handler}` takes an `Installation` (or an `Option<Installation>`), which needs the \
             installation store: call `.installations(store)` with the store of `StoreOptions::open`"
        )
    );
    let error = Router::builder(callbacks![])
        .desk_events(desk_events![ticket_updated])
        .desk_keys(test_keys())
        .state(Hits::default())
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, BuildError::NoInstallationStore { handler } if handler.ends_with("::ticket_updated")),
        "{error:?}"
    );

    // `Option<Installation>` needs the store too: without one it would be
    // `None` forever, hiding the missing `.installations(store)`.
    let error = Router::builder(callbacks![updated])
        .secret(secret(SECRET))
        .state(Hits::default())
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, BuildError::NoInstallationStore { handler } if handler.ends_with("::updated")),
        "{error:?}"
    );
    let error = Router::builder(callbacks![])
        .desk_events(desk_events![ticket_added])
        .desk_keys(test_keys())
        .state(Hits::default())
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, BuildError::NoInstallationStore { handler } if handler.ends_with("::ticket_added")),
        "{error:?}"
    );
}

#[test]
fn the_digest_of_an_event_is_its_type_org_time_and_payload() {
    let event = ticket_event(DeskEventType::TicketAdd, ORG, 5);
    let digest = callback_core::installations::digest_of(&event);
    let time = event.event_time().map(|t| t.to_system_time());
    assert_eq!(
        digest,
        EventDigest::new("Ticket_Add", ORG, time, event.payload())
    );
    // The previous state and other fields are not part of it.
    let with_more = event
        .clone()
        .with_prev_state(serde_json::json!({"status": "Closed"}))
        .with_extra("x", serde_json::json!(1));
    assert_eq!(callback_core::installations::digest_of(&with_more), digest);
}
