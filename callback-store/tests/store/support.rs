//! Databases for the tests: a SQLite file in a temporary folder, a fresh
//! database on the shared PostgreSQL that `scripts/with-postgres.sh`
//! started, or a PostgreSQL cluster of a test's own (to stop and start).

use callback_store::{
    Event, InstallationStore, LifecycleCallback, StoreError, StoreKey, StoreKeys, StoreOptions,
};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tempfile::TempDir;

#[path = "../common/postgres.rs"]
pub(crate) mod postgres;
pub(crate) use postgres::OwnCluster;

/// The key most tests use.
pub(crate) fn key() -> StoreKey {
    StoreKey::from_bytes([7; 32])
}

/// Options with [`key`] alone.
pub(crate) fn options() -> StoreOptions {
    StoreOptions::new(StoreKeys::new(key(), []))
}

/// A moment, `ms` milliseconds into 2024 (whole milliseconds: the store
/// keeps no finer).
pub(crate) fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_704_067_200_000 + ms)
}

/// A callback of `event` from `org` with `context`, received at `at(ms)`.
pub(crate) fn callback<'a>(
    event: Event,
    org: u64,
    context: Option<&'a str>,
    ms: u64,
) -> LifecycleCallback<'a> {
    LifecycleCallback::new(event, org, context, at(ms))
}

/// The security context the store holds for `org`, which it knows.
pub(crate) async fn context_of(store: &dyn InstallationStore, org: u64) -> String {
    let installation = store.installation(org).await.unwrap().expect("a known org");
    let context = installation.security_context.expect("a context");
    context.expose().to_owned()
}

/// Awaits `call`, which must fail as unavailable within `bound`; its error.
pub(crate) async fn unavailable_within<T: std::fmt::Debug>(
    bound: Duration,
    call: impl std::future::Future<Output = Result<T, StoreError>>,
) -> StoreError {
    let started = std::time::Instant::now();
    let error = call.await.unwrap_err();
    let took = started.elapsed();
    assert!(took < bound, "took {took:?}, over {bound:?}");
    assert!(error.is_unavailable(), "{error:?}");
    assert_eq!(error.code(), "store_unavailable");
    error
}

/// A database for one test, on one backend.
pub(crate) struct TestDb {
    /// Its URL, for [`StoreOptions::open`].
    pub(crate) url: String,
    /// The SQLite file, for SQLite.
    pub(crate) path: Option<PathBuf>,
    _dir: Option<TempDir>,
}

impl TestDb {
    /// A new SQLite file in a new temporary folder.
    pub(crate) fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        TestDb {
            url: format!("sqlite://{}", path.display()),
            path: Some(path),
            _dir: Some(dir),
        }
    }

    /// A new database on the shared PostgreSQL; `None` (with one line
    /// saying how to run it) when there is none and none is required.
    /// Panics when one is required (CALLBACK_TEST_POSTGRES_REQUIRED=1) but
    /// missing, and when the one given cannot be reached.
    pub(crate) async fn postgres() -> Option<TestDb> {
        Some(TestDb {
            url: postgres::new_database().await?,
            path: None,
            _dir: None,
        })
    }

    /// The store on this database with `options`.
    pub(crate) async fn open_with(&self, options: StoreOptions) -> Arc<dyn InstallationStore> {
        options.open(&self.url).await.unwrap()
    }

    /// The store on this database with [`options`].
    pub(crate) async fn open(&self) -> Arc<dyn InstallationStore> {
        self.open_with(options()).await
    }

    /// A plain connection to the database, to look at or alter rows as an
    /// operator (or an attacker with the database) could.
    pub(crate) async fn raw(&self) -> RawDb {
        match &self.path {
            Some(path) => RawDb::Sqlite(
                sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .unwrap(),
            ),
            None => RawDb::Postgres(sqlx::PgConnection::connect(&self.url).await.unwrap()),
        }
    }
}

/// A plain connection of either backend.
pub(crate) enum RawDb {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl RawDb {
    /// Runs `sql` (no parameters); how many rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str) -> u64 {
        match self {
            RawDb::Sqlite(conn) => sqlx::query(sql)
                .execute(conn)
                .await
                .unwrap()
                .rows_affected(),
            RawDb::Postgres(conn) => sqlx::query(sql)
                .execute(conn)
                .await
                .unwrap()
                .rows_affected(),
        }
    }

    /// The first column of the first row of `sql`, as an integer.
    pub(crate) async fn number(&mut self, sql: &str) -> i64 {
        match self {
            RawDb::Sqlite(conn) => sqlx::query_scalar(sql).fetch_one(conn).await.unwrap(),
            RawDb::Postgres(conn) => sqlx::query_scalar(sql).fetch_one(conn).await.unwrap(),
        }
    }
}

/// Runs a scenario `async fn name(db: &TestDb)` of the enclosing module on
/// SQLite and on PostgreSQL, as the tests `name::sqlite` and
/// `name::postgres`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(&$crate::support::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::support::TestDb::postgres().await {
                    super::$name(&db).await;
                }
            }
        }
    )*};
}
pub(crate) use on_both;
