//! The SQLite backend: the embedded default, for one instance.

use crate::StoreOptions;
use crate::error::StoreError;
use crate::private_file;
use crate::sql::{Dialect, Failure, SqlStore, failure_to_error};
use crate::store::Backend;
use sqlx::Sqlite;
use sqlx::error::DatabaseError;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use std::path::{Path, PathBuf};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// The primary result codes that mean another connection holds the lock
/// (`SQLITE_BUSY`, `SQLITE_LOCKED`): the database is busy past the timeout.
const BUSY: [i64; 2] = [5, 6];

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
    // A transaction that will write takes the write lock first, so that it
    // never has to upgrade a read (which SQLite refuses when another
    // writer went first, without waiting).
    const BEGIN: &'static str = "BEGIN IMMEDIATE";
    const LOCK: &'static str = "";
    const UNBOUNDED: Option<(&'static str, &'static str)> = None;

    const SERIAL_WRITES: bool = true;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn unavailable(error: &dyn DatabaseError) -> bool {
        error
            .code()
            .and_then(|code| code.parse::<i64>().ok())
            .is_some_and(|code| BUSY.contains(&(code & 0xff)))
    }
}

/// Opens the SQLite database at `path` (in memory when `None`).
pub(crate) async fn open(
    path: Option<PathBuf>,
    options: &StoreOptions,
) -> Result<SqlStore<Sqlite>, StoreError> {
    let pool = SqlitePoolOptions::new().acquire_timeout(options.acquire_timeout);
    let (pool, connect, location) = match &path {
        Some(path) => {
            make_private(path)?;
            let connect = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(options.timeout);
            (
                pool.max_connections(options.max_connections),
                connect,
                format!("SQLite database {}", path.display()),
            )
        }
        // One connection, never closed: each connection to `:memory:` is
        // a database of its own, gone when it closes.
        None => (
            pool.max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            SqliteConnectOptions::new()
                .in_memory(true)
                .foreign_keys(true)
                .busy_timeout(options.timeout),
            "SQLite database in memory".to_owned(),
        ),
    };
    let pool = pool
        .connect_with(connect)
        .await
        .map_err(|error| failure_to_error::<Sqlite>(&location, Failure::Sql(error)))?;
    SqlStore::start(pool, location, options).await
}

/// The files SQLite keeps for the database at `path`: the database itself,
/// its write-ahead log and its shared-memory index.
pub fn database_files(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_owned(), with("-wal"), with("-shm")]
}

/// Creates the database at `path` readable by its owner only, and makes
/// any existing file of it so: SQLite gives the `-wal` and `-shm` it
/// creates the database's mode, and any of the three that group or others
/// could open is set to `0600`, with a warning naming it. File modes are a
/// unix notion: elsewhere the files get what their folder gives.
fn make_private(path: &Path) -> Result<(), StoreError> {
    let failed = |file: &Path| {
        let path = file.display().to_string();
        move |source| StoreError::Private { path, source }
    };
    match private_file::create_new(path) {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(err) => return Err(failed(path)(err)),
    }
    for file in database_files(path) {
        private_file::tighten(&file, "database file").map_err(failed(&file))?;
    }
    Ok(())
}
