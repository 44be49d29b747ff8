//! The URL picks the backend; the schema is migrated at start.

use crate::support::{TestDb, callback, options};
use callback_store::{Backend, Event, StoreError};

#[tokio::test]
async fn urls_that_name_no_backend_are_refused_without_repeating_them() {
    for (url, message) in [
        (
            "mysql://root:hunter2@db/app",
            "the database URL must be sqlite://PATH or postgres://…, not mysql:…",
        ),
        (
            "/var/lib/app.db",
            "the database URL must be sqlite://PATH or postgres://…",
        ),
        (
            "sqlite://",
            "the database URL sqlite:// names no file: write sqlite://PATH",
        ),
        (
            "sqlite://app.db?mode=ro",
            "a sqlite:// database URL takes no query parameters (the store sets WAL, \
             synchronous = FULL and the file's mode itself)",
        ),
    ] {
        let error = options().open(url).await.unwrap_err();
        assert!(matches!(error, StoreError::Url(_)), "{error:?}");
        assert_eq!(error.to_string(), message);
    }
    let error = options()
        .open("postgres://app:hunter2@127.0.0.1:notaport/app")
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Url(_)), "{error:?}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

/// How many migrations each backend has (`migrations/<backend>/`).
const MIGRATIONS: i64 = 2;

#[test]
fn each_backend_has_the_same_migrations() {
    let names = |backend: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert_eq!(names("sqlite").len() as i64, MIGRATIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_is_created_in_wal_mode_and_migrated_once() {
    let db = TestDb::sqlite();
    let path = db.path.clone().unwrap();
    assert!(!path.exists());
    let store = db.open().await;
    assert_eq!(store.backend(), Backend::Sqlite);
    assert_eq!(
        store.location(),
        format!("SQLite database {}", path.display())
    );
    store
        .apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();
    let mut raw = db.raw().await;
    assert_eq!(
        raw.number("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .await,
        MIGRATIONS
    );
    assert_eq!(journal_mode(&path).await, "wal");
    drop(store);
    // Opened again (a restart): nothing to migrate, the state is there.
    let store = db.open().await;
    assert!(store.installation(1).await.unwrap().unwrap().is_installed());
    assert_eq!(
        raw.number("SELECT COUNT(*) FROM _sqlx_migrations").await,
        MIGRATIONS
    );
}

/// The journal mode of the SQLite database at `path`.
async fn journal_mode(path: &std::path::Path) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_a_missing_folder_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/store.db");
    let error = options()
        .open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Private { .. }), "{error:?}");
    assert!(
        error.to_string().starts_with(&format!(
            "cannot make the database file {} readable by its owner only (mode 0600): ",
            path.display()
        )),
        "{error}"
    );
}

#[tokio::test]
async fn sqlite_in_memory_keeps_its_state_while_open() {
    let store = options().open("sqlite::memory:").await.unwrap();
    assert_eq!(store.location(), "SQLite database in memory");
    store
        .apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Update, 1, Some("c"), 2))
        .await
        .unwrap();
    assert_eq!(store.installation(1).await.unwrap().unwrap().updates, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_starting_at_once_on_a_new_postgres_share_one_schema_and_key() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let (a, b) = tokio::join!(options().open(&db.url), options().open(&db.url));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.backend(), Backend::Postgres);
    assert!(
        a.location().starts_with("PostgreSQL database store_"),
        "{}",
        a.location()
    );
    // What one saw, the other recognises: one digest key for both.
    a.apply(callback(Event::Install, 1, Some("c"), 1))
        .await
        .unwrap();
    a.apply(callback(Event::Uninstall, 1, Some("c"), 2))
        .await
        .unwrap();
    assert!(
        b.apply(callback(Event::Install, 1, Some("c"), 3))
            .await
            .unwrap()
            .is_stale()
    );
    let mut raw = db.raw().await;
    assert_eq!(raw.number("SELECT COUNT(*) FROM store_secrets").await, 1);
    assert_eq!(
        raw.number("SELECT COUNT(*) FROM _sqlx_migrations").await,
        MIGRATIONS
    );
}
