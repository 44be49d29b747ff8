//! The lifecycle of each org, in SQLite.

use callback_actix::prelude::{Callback, Event, OrgId};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orgs (
    org_id               TEXT PRIMARY KEY,
    installed            INTEGER NOT NULL DEFAULT 0,
    zoho_authorised      INTEGER NOT NULL DEFAULT 0,
    tpa_authorised       INTEGER NOT NULL DEFAULT 0,
    updates              INTEGER NOT NULL DEFAULT 0,
    config_param_adds    INTEGER NOT NULL DEFAULT 0,
    config_param_deletes INTEGER NOT NULL DEFAULT 0,
    security_context     TEXT
);
CREATE TABLE IF NOT EXISTS callbacks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL,
    event       TEXT NOT NULL,
    extra       TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS callbacks_by_org ON callbacks (org_id, id);
CREATE TABLE IF NOT EXISTS labels (
    org_id     TEXT PRIMARY KEY,
    label      TEXT,
    fetched_at TEXT NOT NULL
);
";

/// The database, shared by all workers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

/// A database failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite refused.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The blocking task did not complete.
    #[error("database task failed: {0}")]
    Task(String),
    /// A database file could not be created, or made readable by its owner
    /// only.
    #[error(
        "cannot make the database file {path} readable by its owner only (mode 0600): {source}"
    )]
    Private {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One org's state, as `GET /orgs/{orgId}` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgState {
    /// The org, as a decimal string (exact beyond 2^53).
    pub org_id: String,
    /// Installed and not uninstalled since.
    pub installed: bool,
    /// Zoho Desk access authorised.
    pub zoho_authorised: bool,
    /// Third-party app authorised and not revoked since.
    pub tpa_authorised: bool,
    /// `onUpdate` callbacks received.
    pub updates: u64,
    /// `onConfigParamAdd` callbacks received.
    pub config_param_adds: u64,
    /// `onConfigParamDelete` callbacks received.
    pub config_param_deletes: u64,
    /// The wire name of every callback received, oldest first.
    pub events: Vec<String>,
    /// When each of those was received (UTC, RFC 3339), oldest first.
    pub received_at: Vec<String>,
    /// The `trackerLabel` config param, as last read back from Zoho; absent
    /// when there is none (or no Invoke client to read it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Db {
    /// Opens (or creates) the database at `path` and its schema. Writes are
    /// durable when they return: WAL journal, `synchronous = FULL`.
    ///
    /// The database holds security contexts, so on unix its files (the
    /// database, its `-wal` and its `-shm`) are readable by their owner only
    /// (mode `0600`): a new database is created so, SQLite gives the `-wal`
    /// and `-shm` it creates the database's mode, and any of the three that
    /// group or others could open is set to `0600`, with a warning naming
    /// it. File modes are a unix notion: elsewhere the files get what their
    /// folder gives, and nothing is changed.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        make_private(path)?;
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Records a callback and applies it to its org's state, in one
    /// transaction, off the async workers.
    pub async fn record(&self, callback: Callback) -> Result<(), DbError> {
        self.blocking(move |conn| record(conn, &callback)).await
    }

    /// The state of `org`, or `None` if no callback came from it.
    pub async fn org(&self, org: OrgId) -> Result<Option<OrgState>, DbError> {
        self.blocking(move |conn| org_state(conn, org)).await
    }

    /// The security context last received from `org`, for calls to Zoho.
    pub async fn security_context(&self, org: OrgId) -> Result<Option<String>, DbError> {
        self.blocking(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT security_context FROM orgs WHERE org_id = ?1",
                    [org.to_string()],
                    |row| row.get(0),
                )
                .optional()?
                .flatten())
        })
        .await
    }

    /// Stores the label the config params read back from Zoho give `org`
    /// (none when they have no `trackerLabel`), replacing an earlier one.
    pub async fn store_label(&self, org: OrgId, label: Option<String>) -> Result<(), DbError> {
        self.blocking(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO labels (org_id, label, fetched_at)
                 VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                params![org.to_string(), label],
            )?;
            Ok(())
        })
        .await
    }

    /// How many callbacks are stored, over all orgs.
    pub async fn callback_count(&self) -> Result<u64, DbError> {
        self.blocking(
            |conn| Ok(conn.query_row("SELECT COUNT(*) FROM callbacks", [], |r| r.get(0))?),
        )
        .await
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }
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
/// any existing file of it so (see [`Db::open`]). An in-memory or temporary
/// database (`:memory:`, or an empty path) has no file to guard.
#[cfg(unix)]
fn make_private(path: &Path) -> Result<(), DbError> {
    use std::fs::{OpenOptions, Permissions};
    use std::io::ErrorKind;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    const PRIVATE: u32 = 0o600;
    if path.as_os_str().is_empty() || path == Path::new(":memory:") {
        return Ok(());
    }
    let failed = |file: &Path| {
        let path = file.display().to_string();
        move |source| DbError::Private { path, source }
    };
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE)
        .open(path)
    {
        Ok(_) => {}
        Err(err) if err.kind() == ErrorKind::AlreadyExists => {}
        Err(err) => return Err(failed(path)(err)),
    }
    for file in database_files(path) {
        let mode = match std::fs::metadata(&file) {
            Ok(meta) => meta.permissions().mode() & 0o7777,
            Err(err) if err.kind() == ErrorKind::NotFound => continue,
            Err(err) => return Err(failed(&file)(err)),
        };
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&file, Permissions::from_mode(PRIVATE))
                .map_err(failed(&file))?;
            tracing::warn!(
                "the database file {} had mode {mode:04o}, which lets other users read \
                 security contexts; its mode is now 0600",
                file.display()
            );
        }
    }
    Ok(())
}

/// File modes are a unix notion: elsewhere the database's files get what
/// their folder gives (see [`Db::open`]).
#[cfg(not(unix))]
fn make_private(_path: &Path) -> Result<(), DbError> {
    Ok(())
}

/// What an event does to its org's row.
fn state_change(event: Event) -> &'static str {
    match event {
        Event::Install => "installed = 1",
        Event::ZohoAuthorise => "zoho_authorised = 1",
        Event::TpaAuthorise => "tpa_authorised = 1",
        Event::TpaRevoke => "tpa_authorised = 0",
        Event::Update => "updates = updates + 1",
        Event::ConfigParamAdd => "config_param_adds = config_param_adds + 1",
        Event::ConfigParamDelete => "config_param_deletes = config_param_deletes + 1",
        Event::Uninstall => "installed = 0, zoho_authorised = 0, tpa_authorised = 0",
        // Events Zoho may add later are recorded without changing the state.
        _ => "installed = installed",
    }
}

fn record(conn: &mut Connection, cb: &Callback) -> Result<(), DbError> {
    let org = cb.org_id().to_string();
    let tx = conn.transaction()?;
    tx.execute("INSERT OR IGNORE INTO orgs (org_id) VALUES (?1)", [&org])?;
    tx.execute(
        &format!(
            "UPDATE orgs SET {} WHERE org_id = ?1",
            state_change(cb.event())
        ),
        [&org],
    )?;
    match (cb.event(), cb.security_context()) {
        // An uninstalled extension's context is no longer valid.
        (Event::Uninstall, _) => {
            tx.execute(
                "UPDATE orgs SET security_context = NULL WHERE org_id = ?1",
                [&org],
            )?;
        }
        (_, Some(ctx)) => {
            tx.execute(
                "UPDATE orgs SET security_context = ?2 WHERE org_id = ?1",
                params![org, ctx.expose()],
            )?;
        }
        (_, None) => {}
    }
    tx.execute(
        "INSERT INTO callbacks (org_id, event, extra, received_at)
         VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        params![
            org,
            cb.event().wire_name(),
            serde_json::Value::Object(cb.extra().clone()).to_string()
        ],
    )?;
    tx.commit()?;
    Ok(())
}

fn org_state(conn: &mut Connection, org: OrgId) -> Result<Option<OrgState>, DbError> {
    let org = org.to_string();
    let Some(mut state) = conn
        .query_row(
            "SELECT installed, zoho_authorised, tpa_authorised, updates,
                    config_param_adds, config_param_deletes
             FROM orgs WHERE org_id = ?1",
            [&org],
            |row| {
                Ok(OrgState {
                    org_id: org.clone(),
                    installed: row.get(0)?,
                    zoho_authorised: row.get(1)?,
                    tpa_authorised: row.get(2)?,
                    updates: row.get(3)?,
                    config_param_adds: row.get(4)?,
                    config_param_deletes: row.get(5)?,
                    events: Vec::new(),
                    received_at: Vec::new(),
                    label: None,
                })
            },
        )
        .optional()?
    else {
        return Ok(None);
    };
    state.label = conn
        .query_row(
            "SELECT label FROM labels WHERE org_id = ?1",
            [&org],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    let mut stmt =
        conn.prepare("SELECT event, received_at FROM callbacks WHERE org_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([&org], |row| Ok((row.get(0)?, row.get(1)?)))?;
    for row in rows {
        let (event, at): (String, String) = row?;
        state.events.push(event);
        state.received_at.push(at);
    }
    Ok(Some(state))
}
