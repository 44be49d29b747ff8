//! What install-tracker keeps: each org's installation in the framework's
//! installation store (callback-store: installed, authorisations, counts,
//! the security context encrypted), and beside it, in the same database,
//! two small tables of its own for what the store does not cover: every
//! callback and Desk event received, in order, and the label read back from
//! Zoho.

use callback_actix::callback_core::callback_store::{
    DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_TIMEOUT, Installation, InstallationStore, StoreError,
    StoreOptions, sqlite_file,
};
use callback_actix::callback_core::time::OffsetDateTime;
use callback_actix::callback_core::time::format_description::well_known::Rfc3339;
use callback_actix::prelude::{Callback, DeskEvent, OrgId, StoreKeys};
use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The tables of install-tracker's own, with `id` of type `id_column`
/// (how each backend numbers rows). `source` is `callback` or `desk`;
/// `detail` a callback's fields other than `event`, `orgId` and
/// `securityContext` (as JSON), empty for a Desk event. Times are UTC, RFC
/// 3339. No security context is ever written here.
fn schema(id_column: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS tracker_events (
            id          {id_column} PRIMARY KEY,
            org_id      TEXT NOT NULL,
            source      TEXT NOT NULL,
            name        TEXT NOT NULL,
            detail      TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS tracker_events_by_org ON tracker_events (org_id, id);
        CREATE TABLE IF NOT EXISTS tracker_labels (
            org_id     TEXT PRIMARY KEY,
            label      TEXT,
            fetched_at TEXT NOT NULL
        );"
    )
}

/// The tables on SQLite.
fn sqlite_schema() -> String {
    schema("INTEGER")
}

/// The tables on PostgreSQL, made under a lock: two instances starting at
/// once on a new database would otherwise both create them, and one fail.
fn postgres_schema() -> String {
    format!(
        "BEGIN; SELECT pg_advisory_xact_lock(7250416001); {} COMMIT;",
        schema("BIGINT GENERATED ALWAYS AS IDENTITY")
    )
}

const INSERT_EVENT: &str = "INSERT INTO tracker_events (org_id, source, name, detail, received_at) \
     VALUES ($1, $2, $3, $4, $5)";
const UPSERT_LABEL: &str = "INSERT INTO tracker_labels (org_id, label, fetched_at) VALUES ($1, $2, $3) \
     ON CONFLICT (org_id) DO UPDATE SET label = excluded.label, fetched_at = excluded.fetched_at";
const SELECT_EVENTS: &str =
    "SELECT source, name, received_at FROM tracker_events WHERE org_id = $1 ORDER BY id";
const SELECT_LABEL: &str = "SELECT label FROM tracker_labels WHERE org_id = $1";
const COUNT_CALLBACKS: &str = "SELECT COUNT(*) FROM tracker_events WHERE source = 'callback'";

/// The pool of install-tracker's own tables: the store's database, by the
/// store's time bounds.
#[derive(Clone)]
enum Own {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` the pool of either backend: the queries are
/// the same text for both.
macro_rules! on_pool {
    ($own:expr, $pool:ident => $body:expr) => {
        match $own {
            Own::Sqlite($pool) => $body,
            Own::Postgres($pool) => $body,
        }
    };
}

/// The database, shared by all workers (and, on PostgreSQL, by every
/// instance). Cheap to clone.
#[derive(Clone)]
pub struct Db {
    store: Arc<dyn InstallationStore>,
    own: Own,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Db").field("store", &self.store).finish()
    }
}

/// A database failure. No message holds a password, a key or a security
/// context.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The installation store failed (or could not be opened).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// install-tracker's own tables failed.
    #[error("install-tracker's tables ({location}): {source}")]
    Own {
        /// The database, without credentials.
        location: String,
        /// What the driver said.
        source: sqlx::Error,
    },
}

impl DbError {
    /// Whether the database could not be reached or did not answer in
    /// time: the same call may succeed later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Store(error) => error.is_unavailable(),
            DbError::Own { source, .. } => matches!(
                source,
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::Protocol(_)
                    | sqlx::Error::WorkerCrashed
            ),
        }
    }
}

/// One org's state, as `GET /orgs/{orgId}` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgState {
    /// The org, as a decimal string (exact beyond 2^53).
    pub org_id: String,
    /// Installed and not uninstalled since.
    pub installed: bool,
    /// Zoho Desk access authorised (in the current installation).
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
    /// The type of every Desk event received, in arrival order (each event
    /// once, however often Desk delivered it).
    pub desk_events: Vec<String>,
}

impl Db {
    /// Opens the database at `url` (`sqlite://PATH`, created on first
    /// start, or `postgres://…`) with the store's `keys`: the store's
    /// schema is migrated, install-tracker's own tables made if missing.
    /// A SQLite database's files are readable by their owner only.
    pub async fn open(url: &str, keys: StoreKeys) -> Result<Db, DbError> {
        let store = StoreOptions::new(keys).open(url).await?;
        let location = store.location().to_owned();
        let failed = |source| DbError::Own {
            location: location.clone(),
            source,
        };
        // The store made the file, readable by its owner only, in WAL mode.
        // One connection: SQLite takes one writer at a time, and writers
        // queued in the pool are served in order, where writers asking
        // SQLite together sleep in its busy handler.
        let own = match sqlite_file(url)? {
            Some(path) => Own::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(DEFAULT_ACQUIRE_TIMEOUT)
                    .connect_with(
                        SqliteConnectOptions::new()
                            .filename(path)
                            .synchronous(SqliteSynchronous::Full)
                            .busy_timeout(DEFAULT_TIMEOUT),
                    )
                    .await
                    .map_err(failed)?,
            ),
            None => {
                let timeout = format!("{}ms", DEFAULT_TIMEOUT.as_millis());
                let options = PgConnectOptions::from_str(url)
                    .map_err(failed)?
                    .application_name("install-tracker")
                    .options([("statement_timeout", timeout.as_str())]);
                Own::Postgres(
                    PgPoolOptions::new()
                        .acquire_timeout(DEFAULT_ACQUIRE_TIMEOUT)
                        .connect_with(options)
                        .await
                        .map_err(failed)?,
                )
            }
        };
        let schema = match &own {
            Own::Sqlite(_) => sqlite_schema(),
            Own::Postgres(_) => postgres_schema(),
        };
        on_pool!(&own, pool => sqlx::raw_sql(&schema).execute(pool).await.map(drop))
            .map_err(failed)?;
        Ok(Db { store, own })
    }

    /// The installation store, for the router to feed.
    pub fn store(&self) -> &Arc<dyn InstallationStore> {
        &self.store
    }

    /// Records a callback the store has applied (its installation is
    /// committed before the handler runs): its event and its fields other
    /// than `event`, `orgId` and `securityContext`.
    pub async fn record(&self, callback: &Callback) -> Result<(), DbError> {
        let detail = serde_json::Value::Object(callback.extra().clone()).to_string();
        self.insert_event(
            callback.org_id(),
            "callback",
            callback.event().wire_name(),
            &detail,
        )
        .await
    }

    /// Records a Desk event: its type, for its org.
    pub async fn record_desk_event(&self, event: &DeskEvent) -> Result<(), DbError> {
        self.insert_event(event.org_id(), "desk", event.kind().wire_name(), "")
            .await
    }

    async fn insert_event(
        &self,
        org: OrgId,
        source: &str,
        name: &str,
        detail: &str,
    ) -> Result<(), DbError> {
        let now = now();
        on_pool!(&self.own, pool => sqlx::query(INSERT_EVENT)
            .bind(org.to_string())
            .bind(source)
            .bind(name)
            .bind(detail)
            .bind(&now)
            .execute(pool)
            .await
            .map(drop))
        .map_err(|source| self.failed(source))
    }

    /// Stores the label the config params read back from Zoho give `org`
    /// (none when they have no `trackerLabel`), replacing an earlier one.
    pub async fn store_label(&self, org: OrgId, label: Option<String>) -> Result<(), DbError> {
        let now = now();
        on_pool!(&self.own, pool => sqlx::query(UPSERT_LABEL)
            .bind(org.to_string())
            .bind(label.as_deref())
            .bind(&now)
            .execute(pool)
            .await
            .map(drop))
        .map_err(|source| self.failed(source))
    }

    /// The state of `org`, or `None` if no callback came from it.
    pub async fn org(&self, org: OrgId) -> Result<Option<OrgState>, DbError> {
        let Some(installation) = self.store.installation(org.get()).await? else {
            return Ok(None);
        };
        let id = org.to_string();
        let rows: Vec<(String, String, String)> = on_pool!(&self.own, pool =>
            sqlx::query_as(SELECT_EVENTS).bind(&id).fetch_all(pool).await)
        .map_err(|source| self.failed(source))?;
        let label: Option<Option<String>> = on_pool!(&self.own, pool =>
            sqlx::query_scalar(SELECT_LABEL).bind(&id).fetch_optional(pool).await)
        .map_err(|source| self.failed(source))?;
        let mut state = org_state(&installation, label.flatten());
        for (source, name, received_at) in rows {
            match source.as_str() {
                "callback" => {
                    state.events.push(name);
                    state.received_at.push(received_at);
                }
                _ => state.desk_events.push(name),
            }
        }
        Ok(Some(state))
    }

    /// The installation of `org` as the store keeps it (its latest security
    /// context decrypted, for calls to Zoho); `None` for an org no callback
    /// came from.
    pub async fn installation(&self, org: OrgId) -> Result<Option<Installation>, DbError> {
        Ok(self.store.installation(org.get()).await?)
    }

    /// How many callbacks are recorded, over all orgs.
    pub async fn callback_count(&self) -> Result<u64, DbError> {
        let count: i64 = on_pool!(&self.own, pool =>
            sqlx::query_scalar(COUNT_CALLBACKS).fetch_one(pool).await)
        .map_err(|source| self.failed(source))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    fn failed(&self, source: sqlx::Error) -> DbError {
        DbError::Own {
            location: self.store.location().to_owned(),
            source,
        }
    }
}

/// The state `GET /orgs/{orgId}` shows of `installation`, before the
/// events.
fn org_state(installation: &Installation, label: Option<String>) -> OrgState {
    OrgState {
        org_id: installation.org_id.to_string(),
        installed: installation.is_installed(),
        zoho_authorised: installation.zoho_authorised,
        tpa_authorised: installation.tpa_authorised,
        updates: installation.updates,
        config_param_adds: installation.config_param_adds,
        config_param_deletes: installation.config_param_deletes,
        events: Vec::new(),
        received_at: Vec::new(),
        label,
        desk_events: Vec::new(),
    }
}

/// Now, in UTC, as RFC 3339 with milliseconds.
fn now() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now);
    now.format(&Rfc3339).unwrap_or_default()
}
