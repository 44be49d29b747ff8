//! How a store is opened: its keys, its time bounds, and the URL that picks
//! the backend.

use crate::claim::DEFAULT_CLAIM_RETENTION;
use crate::error::StoreError;
use crate::key::{KeyError, StoreKeys};
use crate::store::InstallationStore;
use crate::{postgres, sqlite};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long a call waits for a database connection by default: below the
/// 4-second deadline of a request, so that an unreachable database gives
/// `503` in time.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a whole call may take by default (connection, statements,
/// commit), also below a request's 4-second deadline.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// How many connections a store keeps open at most, by default.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// The keys and limits of a store, and [`open`](StoreOptions::open).
///
/// There is no default key: [`StoreOptions::from_env`] refuses without
/// `ZOHO_STORE_KEY` (and says how to make one), and
/// [`StoreOptions::development`] has to be chosen by name.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub(crate) keys: StoreKeys,
    pub(crate) acquire_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) claim_retention: Duration,
    pub(crate) max_connections: u32,
}

impl StoreOptions {
    /// Options with these keys, and the default limits.
    pub fn new(keys: StoreKeys) -> StoreOptions {
        StoreOptions {
            keys,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            claim_retention: DEFAULT_CLAIM_RETENTION,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }

    /// Options with the keys of `ZOHO_STORE_KEY` ([`StoreKeys::from_env`]).
    pub fn from_env() -> Result<StoreOptions, KeyError> {
        Ok(StoreOptions::new(StoreKeys::from_env()?))
    }

    /// Options with the public development key
    /// ([`StoreKeys::development`]): the security contexts kept are not
    /// protected, and opening logs a warning. For a developer's machine
    /// only.
    pub fn development() -> StoreOptions {
        StoreOptions::new(StoreKeys::development())
    }

    /// How long a call waits for a connection (default 2 s); past it, the
    /// call fails with [`StoreError::Unavailable`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> StoreOptions {
        self.acquire_timeout = timeout;
        self
    }

    /// How long a whole call may take (default 3 s), connection included;
    /// past it, the call fails with [`StoreError::TimedOut`]. On PostgreSQL
    /// it is also each statement's `statement_timeout`, so that the server
    /// stops what the store no longer waits for. Keep it below the
    /// deadline of the request that makes the call.
    pub fn timeout(mut self, timeout: Duration) -> StoreOptions {
        self.timeout = timeout;
        self
    }

    /// How long a Desk event's claim is kept (default 7 days): a
    /// redelivery within it is recognised.
    pub fn claim_retention(mut self, retention: Duration) -> StoreOptions {
        self.claim_retention = retention;
        self
    }

    /// How many connections the store keeps open at most (default 10).
    pub fn max_connections(mut self, max: u32) -> StoreOptions {
        self.max_connections = max.max(1);
        self
    }

    /// The keys.
    pub fn keys(&self) -> &StoreKeys {
        &self.keys
    }

    /// Opens the store at `url`, bringing its schema up to date:
    ///
    /// - `sqlite://PATH` (or `sqlite:PATH`): a SQLite file, created if
    ///   missing (its folder must exist), readable by its owner only
    ///   (mode `0600`, its `-wal` and `-shm` too), in WAL mode with
    ///   `synchronous = FULL` (a commit survives a crash of the machine).
    ///   For one instance.
    /// - `sqlite::memory:`: a SQLite database in memory, for tests.
    /// - `postgres://…` (or `postgresql://…`): a PostgreSQL database, which
    ///   several instances share.
    ///
    /// Fails with [`StoreError::Unavailable`] if the database cannot be
    /// reached within the acquire timeout, and with
    /// [`StoreError::UnknownKey`] if none of the keys is the one the
    /// database was first opened with.
    pub async fn open(self, url: &str) -> Result<Arc<dyn InstallationStore>, StoreError> {
        Ok(match Target::parse(url)? {
            Target::SqliteFile(path) => Arc::new(sqlite::open(Some(path), &self).await?),
            Target::SqliteMemory => Arc::new(sqlite::open(None, &self).await?),
            Target::Postgres => Arc::new(postgres::open(url, &self).await?),
        })
    }
}

/// The SQLite file a database URL names, as [`StoreOptions::open`] reads
/// it: `Some(path)` for `sqlite://PATH`, `None` for `sqlite::memory:` and
/// for PostgreSQL; the error `open` gives for a URL it refuses. For what
/// belongs beside the database (a development key file) and for an
/// application's own connections to the same file.
///
/// ```
/// use callback_store::sqlite_file;
/// use std::path::Path;
///
/// assert_eq!(sqlite_file("sqlite://data/app.db")?.as_deref(), Some(Path::new("data/app.db")));
/// assert_eq!(sqlite_file("postgres://db.internal/app")?, None);
/// assert!(sqlite_file("mysql://db/app").is_err());
/// # Ok::<(), callback_store::StoreError>(())
/// ```
pub fn sqlite_file(url: &str) -> Result<Option<PathBuf>, StoreError> {
    Ok(match Target::parse(url)? {
        Target::SqliteFile(path) => Some(path),
        Target::SqliteMemory | Target::Postgres => None,
    })
}

/// The database a URL names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres,
}

impl Target {
    /// The database `url` names. An error never repeats the URL, which may
    /// hold a password.
    pub(crate) fn parse(url: &str) -> Result<Target, StoreError> {
        if url == "sqlite::memory:" || url == "sqlite://:memory:" {
            return Ok(Target::SqliteMemory);
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(StoreError::Url(
                    "the database URL sqlite:// names no file: write sqlite://PATH".into(),
                ));
            }
            if path.contains('?') {
                return Err(StoreError::Url(
                    "a sqlite:// database URL takes no query parameters (the store sets WAL, \
                     synchronous = FULL and the file's mode itself)"
                        .into(),
                ));
            }
            return Ok(Target::SqliteFile(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres);
        }
        let scheme = url
            .split_once(':')
            .map(|(scheme, _)| scheme)
            .filter(|scheme| {
                !scheme.is_empty()
                    && scheme.len() <= 16
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'+')
            });
        Err(StoreError::Url(match scheme {
            Some(scheme) => {
                format!("the database URL must be sqlite://PATH or postgres://…, not {scheme}:…")
            }
            None => "the database URL must be sqlite://PATH or postgres://…".into(),
        }))
    }
}
