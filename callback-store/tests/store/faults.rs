//! An unreachable or stuck database: a typed error within the bound, never
//! a hang; service resumes by itself.

use crate::support::{OwnCluster, TestDb, callback, options, unavailable_within};
use callback_store::{
    Claim, DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_TIMEOUT, Event, EventDigest, StoreError,
};
use serde_json::json;
use sqlx::Connection;
use std::time::{Duration, Instant};

/// The whole of a request's deadline.
const REQUEST_DEADLINE: Duration = Duration::from_secs(4);

#[test]
fn the_default_bounds_fit_in_a_request() {
    assert_eq!(DEFAULT_ACQUIRE_TIMEOUT, Duration::from_secs(2));
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(3));
    assert!(DEFAULT_ACQUIRE_TIMEOUT < DEFAULT_TIMEOUT && DEFAULT_TIMEOUT < REQUEST_DEADLINE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_is_unavailable_within_the_bound_and_resumes_when_started() {
    let Some(cluster) = OwnCluster::start() else {
        return;
    };
    let store = options()
        .acquire_timeout(Duration::from_millis(500))
        .timeout(Duration::from_millis(1500))
        .open(&cluster.url)
        .await
        .unwrap();
    store
        .apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();

    cluster.stop("immediate");
    let digest = EventDigest::new("Ticket_Add", 1, None, &json!({}));
    let bound = Duration::from_millis(1700);
    for _ in 0..3 {
        let call = store.apply(callback(Event::Update, 1, Some("c"), 2));
        let error = unavailable_within(bound, call).await;
        assert!(
            error
                .to_string()
                .starts_with("the installation store (PostgreSQL database postgres at 127.0.0.1:"),
            "{error}"
        );
        unavailable_within(
            bound,
            store.claim(digest, crate::support::at(0), Duration::from_secs(10)),
        )
        .await;
        unavailable_within(bound, store.installation(1)).await;
    }

    cluster.restart();
    // The pool reconnects by itself: the next call succeeds, and what was
    // committed before the crash is there.
    let applied = store
        .apply(callback(Event::Update, 1, Some("c"), 3))
        .await
        .unwrap();
    assert_eq!(
        (
            applied.installation().updates,
            applied.installation().callbacks
        ),
        (1, 2)
    );
    assert_eq!(
        store
            .claim(digest, crate::support::at(0), Duration::from_secs(10))
            .await
            .unwrap(),
        Claim::Claimed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_unreachable_at_open_is_unavailable_within_the_acquire_timeout() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let error = options()
        .acquire_timeout(Duration::from_millis(300))
        .open(&format!("postgres://app:hunter2@127.0.0.1:{port}/app"))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, StoreError::Unavailable { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the installation store (PostgreSQL database app at 127.0.0.1:{port}) is \
             unavailable: pool timed out while waiting for an open connection"
        )
    );
    assert!(!format!("{error:?}").contains("hunter2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_row_locked_elsewhere_times_out_within_the_bound() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let store = db
        .open_with(options().timeout(Duration::from_millis(800)))
        .await;
    store
        .apply(callback(Event::Install, 5, Some("c"), 1))
        .await
        .unwrap();
    // Another client holds the org's row.
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let mut tx = other.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM installations WHERE org_id = '5' FOR UPDATE")
        .execute(&mut *tx)
        .await
        .unwrap();
    let call = store.apply(callback(Event::Update, 5, Some("c"), 2));
    unavailable_within(Duration::from_millis(1200), call).await;
    tx.rollback().await.unwrap();
    // Nothing of the timed-out callback was committed, and the store goes on.
    let applied = store
        .apply(callback(Event::Update, 5, Some("c"), 3))
        .await
        .unwrap();
    assert_eq!(applied.installation().updates, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_locked_by_another_process_is_unavailable_within_the_bound() {
    let db = TestDb::sqlite();
    let store = db
        .open_with(options().timeout(Duration::from_millis(800)))
        .await;
    store
        .apply(callback(Event::Install, 5, Some("c"), 1))
        .await
        .unwrap();
    let path = db.path.clone().unwrap();
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let call = store.apply(callback(Event::Update, 5, Some("c"), 2));
    unavailable_within(Duration::from_millis(1200), call).await;
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let applied = store
        .apply(callback(Event::Update, 5, Some("c"), 3))
        .await
        .unwrap();
    assert_eq!(applied.installation().updates, 1);
}

/// Many writers at once on one SQLite store, as a server under load has
/// them: each waits its turn in the process, in order, rather than in
/// SQLite's busy handler, whose sleeps grow to 100 ms and starve some
/// writers past their bound while others go by.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writers_at_once_are_served_in_turn_within_the_bound() {
    /// Writers in flight at any time, and the writes of each, in turn.
    const WRITERS: u64 = 64;
    const EACH: u64 = 12;
    let db = TestDb::sqlite();
    let store = db
        .open_with(
            options()
                .timeout(Duration::from_millis(1000))
                .max_connections(32),
        )
        .await;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let store = std::sync::Arc::clone(&store);
        tasks.spawn(async move {
            let mut failed = Vec::new();
            for n in 0..EACH {
                let org = writer * EACH + n;
                let digest = EventDigest::new("Ticket_Add", org, None, &json!({}));
                let wrote = match store
                    .apply(callback(Event::Install, org, Some("c"), n))
                    .await
                {
                    Ok(_) => store
                        .claim(digest, crate::support::at(n), Duration::from_secs(10))
                        .await
                        .map(drop),
                    Err(error) => Err(error),
                };
                if let Err(error) = wrote {
                    failed.push(error.to_string());
                }
            }
            failed
        });
    }
    let mut failed = Vec::new();
    while let Some(result) = tasks.join_next().await {
        failed.extend(result.unwrap());
    }
    assert!(
        failed.is_empty(),
        "{} of {} failed in {:?}, such as: {}",
        failed.len(),
        WRITERS * EACH * 2,
        started.elapsed(),
        failed[0]
    );
    let stored = store.list(None, 2000).await.unwrap().len() as u64;
    assert_eq!(stored, WRITERS * EACH);
}
