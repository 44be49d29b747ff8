//! The store over SQL: one implementation, for SQLite and PostgreSQL alike.
//! What differs between them (how a transaction begins, how a row is
//! locked, the migrations, which errors mean "unavailable") is a
//! [`Dialect`].

use crate::StoreOptions;
use crate::claim::{Claim, EventDigest};
use crate::error::StoreError;
use crate::installation::{
    Applied, Decision, Installation, LifecycleCallback, SecurityContext, Seen, State, Status,
    decide, to_millis,
};
use crate::key::{DigestKey, KeyId, OpenError, Purpose, Sealed, StoreKeys};
use crate::store::{Backend, InstallationStore, RekeyReport};
use callback_spec::Event;
use sqlx::error::DatabaseError;
use sqlx::migrate::{Migrate, MigrateError, Migrator};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};
use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

/// What a backend does its own way.
pub(crate) trait Dialect: Database {
    /// Which backend this is.
    const BACKEND: Backend;
    /// The statement that begins a transaction which will write.
    const BEGIN: &'static str;
    /// What follows a `SELECT` of the row a transaction will update, to
    /// lock it until the transaction ends ("" where `BEGIN` already locks).
    const LOCK: &'static str;
    /// The embedded migrations.
    fn migrator() -> &'static Migrator;
    /// The statements that lift a connection's statement timeout for the
    /// migrations, and restore it after; `None` where there is none.
    const UNBOUNDED: Option<(&'static str, &'static str)>;
    /// How many rows a statement changed.
    fn rows_affected(result: &Self::QueryResult) -> u64;
    /// Whether an error the database returned means it is unavailable for
    /// now (shutting down, busy, a statement cancelled by its timeout).
    fn unavailable(error: &dyn DatabaseError) -> bool;
    /// Whether the store's own writes wait for each other in the process
    /// before they ask the database: SQLite lets one writer at a time, and
    /// writers that ask together are put to sleep by its busy handler (1,
    /// 2, 5, … 100 ms at a time) and starve under load, where a queue in
    /// the process hands the lock on in arrival order.
    const SERIAL_WRITES: bool;
}

/// The columns of an installation's row after `org_id`, in the order every
/// query reads and writes them.
const STATE_COLUMNS: [&str; 10] = [
    "status",
    "generation",
    "zoho_authorised",
    "tpa_authorised",
    "updates",
    "config_param_adds",
    "config_param_deletes",
    "callbacks",
    "first_seen_at",
    "last_callback_at",
];

/// The row of an org's first callback; the columns not named take their
/// defaults (pending, generation 1, nothing authorised, no counts).
const INSERT_FIRST: &str = "INSERT INTO installations (org_id, first_seen_at, last_callback_at) \
     VALUES ($1, $2, $2) ON CONFLICT (org_id) DO NOTHING";
const SELECT_CONTEXT: &str =
    "SELECT generation FROM installation_contexts WHERE org_id = $1 AND digest = $2";
const INSERT_CONTEXT: &str = "INSERT INTO installation_contexts (org_id, digest, generation, seen_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, digest) DO NOTHING";
/// A claim is taken when there is none for the digest, or only one older
/// than the retention (`$4`), or one whose lease ran out unfinished: one
/// statement on a unique key, so of two claims at the same instant exactly
/// one changes a row. A finished claim's `lease_until` is NULL, which is
/// never less than anything.
const CLAIM: &str = "INSERT INTO desk_event_claims (digest, claimed_at, lease_until) \
     VALUES ($1, $2, $3) \
     ON CONFLICT (digest) DO UPDATE \
     SET claimed_at = excluded.claimed_at, lease_until = excluded.lease_until \
     WHERE desk_event_claims.claimed_at < $4 OR desk_event_claims.lease_until < $2";
const COMPLETE: &str = "UPDATE desk_event_claims SET lease_until = NULL WHERE digest = $1";
const RELEASE: &str = "DELETE FROM desk_event_claims WHERE digest = $1";
const CLEANUP: &str = "DELETE FROM desk_event_claims WHERE claimed_at < $1";
const SELECT_SECRET: &str = "SELECT key_id, sealed FROM store_secrets WHERE name = $1";
const INSERT_SECRET: &str = "INSERT INTO store_secrets (name, key_id, sealed) VALUES ($1, $2, $3) \
     ON CONFLICT (name) DO NOTHING";
const RESEAL_SECRET: &str =
    "UPDATE store_secrets SET key_id = $1, sealed = $2 WHERE name = $3 AND key_id = $4";
/// Orgs after `$1` in numeric order: ids are decimal without leading zeros,
/// so a longer one is larger, and among equal lengths the text order is the
/// numeric order ("" comes before every org).
const AFTER: &str =
    "(length(org_id) > length($1) OR (length(org_id) = length($1) AND org_id > $1))";
const ORDER: &str = "ORDER BY length(org_id), org_id";
const RESEAL_CONTEXT: &str = "UPDATE installations SET context_key = $1, context = $2 \
     WHERE org_id = $3 AND context_key = $4 AND context = $5";
/// The name of the digest key in `store_secrets`.
const DIGEST_KEY: &str = "context digest key";
/// How many contexts [`InstallationStore::rekey`] reads at a time.
const REKEY_BATCH: i64 = 256;

/// The queries whose column lists are built from [`STATE_COLUMNS`] and
/// [`Event::ALL`].
struct Queries {
    select_for_apply: String,
    select: String,
    list: String,
    update: String,
    rekey_batch: String,
}

impl Queries {
    fn new(lock: &str) -> Queries {
        let mut columns: Vec<String> = STATE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        columns.extend(Event::ALL.iter().map(|event| event_column(*event)));
        columns.extend(["context_key".to_owned(), "context".to_owned()]);
        let list = columns.join(", ");
        let assignments: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(index, column)| format!("{column} = ${}", index + 2))
            .collect();
        Queries {
            select_for_apply: format!("SELECT {list} FROM installations WHERE org_id = $1{lock}"),
            select: format!("SELECT {list} FROM installations WHERE org_id = $1"),
            list: format!(
                "SELECT org_id, {list} FROM installations WHERE {AFTER} {ORDER} LIMIT $2"
            ),
            update: format!(
                "UPDATE installations SET {} WHERE org_id = $1",
                assignments.join(", ")
            ),
            rekey_batch: format!(
                "SELECT org_id, context_key, context FROM installations \
                 WHERE context_key IS NOT NULL AND context_key <> $2 AND {AFTER} {ORDER} LIMIT $3"
            ),
        }
    }
}

/// The column of the time of the latest callback of `event`:
/// `on_install_at`, …
fn event_column(event: Event) -> String {
    format!("{}_at", event.attribute_name())
}

/// A failure inside an operation, before it is given the database's name.
pub(crate) enum Failure {
    Sql(sqlx::Error),
    Store(StoreError),
    /// A value the store never writes: what, and where.
    Corrupt(String),
    /// The migrator refused (a migration missing, changed or failed).
    Migration(String),
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Failure {
        Failure::Sql(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        Failure::Store(error)
    }
}

/// An installation store on a database of dialect `DB`.
pub(crate) struct SqlStore<DB: Database> {
    pool: Pool<DB>,
    /// Taken by every write when [`Dialect::SERIAL_WRITES`]; the time it
    /// waits counts against the call's bound.
    writes: tokio::sync::Mutex<()>,
    keys: StoreKeys,
    digest_key: DigestKey,
    location: String,
    timeout: Duration,
    claim_retention: Duration,
    queries: Queries,
}

impl<DB: Database> fmt::Debug for SqlStore<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("location", &self.location)
            .field("keys", &self.keys)
            .field("timeout", &self.timeout)
            .field("claim_retention", &self.claim_retention)
            .finish_non_exhaustive()
    }
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::Connection: Migrate,
    usize: ColumnIndex<DB::Row>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<Vec<u8>>: Encode<'q, DB>,
{
    /// Brings the schema of the database behind `pool` up to date and
    /// reads (or, in a new database, makes) the digest key.
    pub(crate) async fn start(
        pool: Pool<DB>,
        location: String,
        options: &StoreOptions,
    ) -> Result<SqlStore<DB>, StoreError> {
        let keys = options.keys.clone();
        let fail = |failure| failure_to_error::<DB>(&location, failure);
        // Migrations are not bounded by the timeout of a call: one may
        // rewrite a large table. The connection waits no longer than the
        // acquire timeout, and runs them with the statement timeout lifted.
        Self::migrate(&pool).await.map_err(fail)?;
        let digest_key =
            match tokio::time::timeout(options.timeout, Self::digest_key(&pool, &keys)).await {
                Ok(result) => result.map_err(fail)?,
                Err(_) => {
                    return Err(StoreError::TimedOut {
                        location,
                        timeout: options.timeout,
                    });
                }
            };
        if keys.is_development() {
            tracing::warn!(
                "the installation store ({location}) uses the development key, which is \
                 written in callback-store's source: the security contexts it keeps are not \
                 protected; set ZOHO_STORE_KEY (e.g. to the output of `openssl rand -base64 32`)"
            );
        }
        Ok(SqlStore {
            pool,
            writes: tokio::sync::Mutex::new(()),
            keys,
            digest_key,
            location,
            timeout: options.timeout,
            claim_retention: options.claim_retention,
            queries: Queries::new(DB::LOCK),
        })
    }

    /// Brings the schema up to date, on one connection without the
    /// statement timeout.
    async fn migrate(pool: &Pool<DB>) -> Result<(), Failure> {
        let mut conn = pool.acquire().await?;
        if let Some((lift, restore)) = DB::UNBOUNDED {
            sqlx::query::<DB>(lift).execute(&mut *conn).await?;
            let migrated = DB::migrator().run(&mut conn).await;
            sqlx::query::<DB>(restore).execute(&mut *conn).await?;
            migrated
        } else {
            DB::migrator().run(&mut conn).await
        }
        .map_err(|error| match error {
            MigrateError::Execute(error) => Failure::Sql(error),
            other => Failure::Migration(other.to_string()),
        })
    }

    /// The digest key of the database behind `pool`, made and stored (sealed)
    /// on its first start. Two instances starting at once on a new database
    /// both insert; the first insert wins and both read it back.
    async fn digest_key(pool: &Pool<DB>, keys: &StoreKeys) -> Result<DigestKey, Failure> {
        for _ in 0..2 {
            if let Some(sealed) = Self::read_secret(pool, DIGEST_KEY).await? {
                return open_digest_key(keys, &sealed);
            }
            let sealed = keys.seal(Purpose::DigestKey, DigestKey::generate().bytes());
            sqlx::query::<DB>(INSERT_SECRET)
                .bind(DIGEST_KEY.to_owned())
                .bind(sealed.key_id.to_hex())
                .bind(sealed.bytes)
                .execute(pool)
                .await?;
        }
        Err(Failure::Corrupt(format!(
            "{DIGEST_KEY} (written, then not found)"
        )))
    }

    /// Seals the digest key again under the first key if another sealed it;
    /// whether it did.
    async fn reseal_digest_key(pool: &Pool<DB>, keys: &StoreKeys) -> Result<bool, Failure> {
        let Some(old) = Self::read_secret(pool, DIGEST_KEY).await? else {
            return Err(Failure::Corrupt(format!("{DIGEST_KEY} (missing)")));
        };
        if old.key_id == keys.encrypting() {
            return Ok(false);
        }
        let key = open_digest_key(keys, &old)?;
        let new = keys.seal(Purpose::DigestKey, key.bytes());
        let result = sqlx::query::<DB>(RESEAL_SECRET)
            .bind(new.key_id.to_hex())
            .bind(new.bytes)
            .bind(DIGEST_KEY.to_owned())
            .bind(old.key_id.to_hex())
            .execute(pool)
            .await?;
        Ok(DB::rows_affected(&result) == 1)
    }

    /// The secret `name` of `store_secrets`, sealed.
    async fn read_secret(pool: &Pool<DB>, name: &str) -> Result<Option<Sealed>, Failure> {
        let row = sqlx::query::<DB>(SELECT_SECRET)
            .bind(name.to_owned())
            .fetch_optional(pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let key_id: String = row.try_get(0)?;
        let key_id = KeyId::from_hex(&key_id)
            .ok_or_else(|| Failure::Corrupt(format!("key id of the {name}")))?;
        Ok(Some(Sealed {
            key_id,
            bytes: row.try_get(1)?,
        }))
    }

    /// The state and sealed context of the row whose state columns start at
    /// `at` (see [`Queries`]).
    fn read_state(
        row: &DB::Row,
        at: usize,
        org_id: u64,
    ) -> Result<(State, Option<Sealed>), Failure> {
        let what = |column: &str| format!("{column} of org {org_id}");
        let status: String = row.try_get(at)?;
        let status = Status::parse(&status).ok_or_else(|| Failure::Corrupt(what("status")))?;
        let number = |offset: usize| -> Result<u64, Failure> {
            count(row.try_get(at + offset)?, || what(STATE_COLUMNS[offset]))
        };
        let mut state = State {
            status,
            generation: number(1)?,
            zoho_authorised: row.try_get(at + 2)?,
            tpa_authorised: row.try_get(at + 3)?,
            updates: number(4)?,
            config_param_adds: number(5)?,
            config_param_deletes: number(6)?,
            callbacks: number(7)?,
            first_seen_at: row.try_get(at + 8)?,
            last_callback_at: row.try_get(at + 9)?,
            last_at: [None; Event::COUNT],
        };
        let events = at + STATE_COLUMNS.len();
        for (index, last) in state.last_at.iter_mut().enumerate() {
            *last = row.try_get(events + index)?;
        }
        let sealed = Self::read_sealed(row, events + Event::COUNT, org_id)?;
        Ok((state, sealed))
    }

    /// The sealed context in the columns `context_key` (at `at`) and `context`.
    fn read_sealed(row: &DB::Row, at: usize, org_id: u64) -> Result<Option<Sealed>, Failure> {
        let key_id: Option<String> = row.try_get(at)?;
        let bytes: Option<Vec<u8>> = row.try_get(at + 1)?;
        match (key_id, bytes) {
            (None, None) => Ok(None),
            (Some(key_id), Some(bytes)) => {
                let key_id = KeyId::from_hex(&key_id).ok_or_else(|| {
                    Failure::Corrupt(format!("key id of the security context of org {org_id}"))
                })?;
                Ok(Some(Sealed { key_id, bytes }))
            }
            _ => Err(Failure::Corrupt(format!(
                "security context of org {org_id} (a key id without a ciphertext, or the reverse)"
            ))),
        }
    }

    /// The org of the `org_id` column at `at`.
    fn org_of(row: &DB::Row, at: usize) -> Result<u64, Failure> {
        let org: String = row.try_get(at)?;
        org.parse()
            .map_err(|_| Failure::Corrupt(format!("org id {org:?}")))
    }

    /// Runs `operation` within the time bound, naming the database in its
    /// error.
    async fn bounded<T>(
        &self,
        operation: impl Future<Output = Result<T, Failure>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(result) => result.map_err(|failure| self.error(failure)),
            Err(_) => Err(StoreError::TimedOut {
                location: self.location.clone(),
                timeout: self.timeout,
            }),
        }
    }

    /// The right to write, where writes wait for each other in the process
    /// ([`Dialect::SERIAL_WRITES`]); `None` where the database orders them.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match DB::SERIAL_WRITES {
            true => Some(self.writes.lock().await),
            false => None,
        }
    }

    fn error(&self, failure: Failure) -> StoreError {
        failure_to_error::<DB>(&self.location, failure)
    }

    async fn apply_in(&self, callback: LifecycleCallback<'_>) -> Result<Applied, Failure> {
        let org_id = callback.org_id;
        let org = org_id.to_string();
        let at = to_millis(callback.received_at);
        let digest = callback
            .security_context
            .map(|context| self.digest_key.digest(org_id, context));

        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin_with(DB::BEGIN).await?;
        sqlx::query::<DB>(INSERT_FIRST)
            .bind(org.clone())
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query::<DB>(&self.queries.select_for_apply)
            .bind(org.clone())
            .fetch_one(&mut *tx)
            .await?;
        let (mut state, sealed) = Self::read_state(&row, 0, org_id)?;
        let seen = match &digest {
            None => Seen::Absent,
            Some(digest) => {
                let row = sqlx::query::<DB>(SELECT_CONTEXT)
                    .bind(org.clone())
                    .bind(digest.clone())
                    .fetch_optional(&mut *tx)
                    .await?;
                match row {
                    None => Seen::New,
                    Some(row) => Seen::In(count(row.try_get(0)?, || {
                        format!("generation of a security context of org {org_id}")
                    })?),
                }
            }
        };
        let decision = decide(&state, callback.event, seen).ok_or_else(|| {
            Failure::Corrupt(format!(
                "generation of a security context of org {org_id} (after the org's)"
            ))
        })?;
        let new_generation = match decision {
            Decision::Stale => {
                tx.rollback().await?;
                let context = self.open_context(org_id, sealed.as_ref())?;
                return Ok(Applied::Stale(state.installation(org_id, context)));
            }
            Decision::Apply { new_generation } => new_generation,
        };
        state.apply(callback.event, at, new_generation);
        let (sealed, context) = match (callback.event, callback.security_context) {
            // An uninstalled extension's context is revoked: it is not kept.
            (Event::Uninstall, _) => (None, None),
            (_, Some(context)) => (
                Some(
                    self.keys
                        .seal(Purpose::SecurityContext(org_id), context.as_bytes()),
                ),
                Some(SecurityContext::new(context)),
            ),
            (_, None) => {
                let context = self.open_context(org_id, sealed.as_ref())?;
                (sealed, context)
            }
        };
        let mut update = sqlx::query::<DB>(&self.queries.update)
            .bind(org.clone())
            .bind(state.status.as_str().to_owned())
            .bind(signed(state.generation))
            .bind(state.zoho_authorised)
            .bind(state.tpa_authorised)
            .bind(signed(state.updates))
            .bind(signed(state.config_param_adds))
            .bind(signed(state.config_param_deletes))
            .bind(signed(state.callbacks))
            .bind(state.first_seen_at)
            .bind(state.last_callback_at);
        for at in state.last_at {
            update = update.bind(at);
        }
        let (key_id, bytes) = match sealed {
            Some(sealed) => (Some(sealed.key_id.to_hex()), Some(sealed.bytes)),
            None => (None, None),
        };
        update.bind(key_id).bind(bytes).execute(&mut *tx).await?;
        if let (Some(digest), Seen::New) = (digest, seen) {
            sqlx::query::<DB>(INSERT_CONTEXT)
                .bind(org.clone())
                .bind(digest)
                .bind(signed(state.generation))
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Applied::Recorded(state.installation(org_id, context)))
    }

    /// The security context of `org_id`, opened.
    fn open_context(
        &self,
        org_id: u64,
        sealed: Option<&Sealed>,
    ) -> Result<Option<SecurityContext>, Failure> {
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let what = || format!("the security context of org {org_id}");
        let plain = self
            .keys
            .open(Purpose::SecurityContext(org_id), sealed)
            .map_err(|error| open_failure(error, what(), sealed.key_id, &self.keys))?;
        let text = std::str::from_utf8(&plain)
            .map_err(|_| Failure::Corrupt(format!("{} (not UTF-8)", what())))?;
        Ok(Some(SecurityContext::new(text)))
    }

    async fn installation_in(&self, org_id: u64) -> Result<Option<Installation>, Failure> {
        let row = sqlx::query::<DB>(&self.queries.select)
            .bind(org_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let (state, sealed) = Self::read_state(&row, 0, org_id)?;
        let context = self.open_context(org_id, sealed.as_ref())?;
        Ok(Some(state.installation(org_id, context)))
    }

    async fn list_in(&self, after: Option<u64>, limit: u32) -> Result<Vec<Installation>, Failure> {
        let rows = sqlx::query::<DB>(&self.queries.list)
            .bind(after.map(|org| org.to_string()).unwrap_or_default())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let org_id = Self::org_of(row, 0)?;
                let (state, sealed) = Self::read_state(row, 1, org_id)?;
                let context = self.open_context(org_id, sealed.as_ref())?;
                Ok(state.installation(org_id, context))
            })
            .collect()
    }

    async fn claim_in(
        &self,
        digest: EventDigest,
        now: SystemTime,
        lease: Duration,
    ) -> Result<Claim, Failure> {
        let now = to_millis(now);
        let cutoff = now.saturating_sub(millis_of(self.claim_retention));
        let _turn = self.write_turn().await;
        let result = sqlx::query::<DB>(CLAIM)
            .bind(digest.as_bytes().to_vec())
            .bind(now)
            .bind(now.saturating_add(millis_of(lease)))
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(match DB::rows_affected(&result) {
            0 => Claim::AlreadyClaimed,
            _ => Claim::Claimed,
        })
    }

    /// Runs `statement`, which takes the digest as `$1` alone.
    async fn on_claim(&self, statement: &'static str, digest: EventDigest) -> Result<(), Failure> {
        let _turn = self.write_turn().await;
        sqlx::query::<DB>(statement)
            .bind(digest.as_bytes().to_vec())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn cleanup_in(&self, now: SystemTime) -> Result<u64, Failure> {
        let cutoff = to_millis(now).saturating_sub(millis_of(self.claim_retention));
        let _turn = self.write_turn().await;
        let result = sqlx::query::<DB>(CLEANUP)
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(DB::rows_affected(&result))
    }

    async fn rekey_in(&self) -> Result<RekeyReport, Failure> {
        let first = self.keys.encrypting();
        let digest_key = Self::reseal_digest_key(&self.pool, &self.keys).await?;
        let mut contexts = 0;
        let mut after = String::new();
        loop {
            let rows = sqlx::query::<DB>(&self.queries.rekey_batch)
                .bind(after.clone())
                .bind(first.to_hex())
                .bind(REKEY_BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.try_get(0)?;
            for row in &rows {
                let org_id = Self::org_of(row, 0)?;
                let Some(old) = Self::read_sealed(row, 1, org_id)? else {
                    continue;
                };
                let what = format!("the security context of org {org_id}");
                let plain = self
                    .keys
                    .open(Purpose::SecurityContext(org_id), &old)
                    .map_err(|error| open_failure(error, what, old.key_id, &self.keys))?;
                let new = self.keys.seal(Purpose::SecurityContext(org_id), &plain);
                // Only if the row still holds what was read: a callback
                // that wrote meanwhile sealed under the first key already.
                let _turn = self.write_turn().await;
                let result = sqlx::query::<DB>(RESEAL_CONTEXT)
                    .bind(new.key_id.to_hex())
                    .bind(new.bytes)
                    .bind(org_id.to_string())
                    .bind(old.key_id.to_hex())
                    .bind(old.bytes)
                    .execute(&self.pool)
                    .await?;
                contexts += DB::rows_affected(&result);
            }
        }
        Ok(RekeyReport {
            key_id: first,
            contexts,
            digest_key,
        })
    }
}

#[async_trait::async_trait]
impl<DB> InstallationStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::Connection: Migrate,
    usize: ColumnIndex<DB::Row>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<Vec<u8>>: Encode<'q, DB>,
{
    async fn apply(&self, callback: LifecycleCallback<'_>) -> Result<Applied, StoreError> {
        self.bounded(self.apply_in(callback)).await
    }

    async fn installation(&self, org_id: u64) -> Result<Option<Installation>, StoreError> {
        self.bounded(self.installation_in(org_id)).await
    }

    async fn list(&self, after: Option<u64>, limit: u32) -> Result<Vec<Installation>, StoreError> {
        self.bounded(self.list_in(after, limit)).await
    }

    async fn claim(
        &self,
        digest: EventDigest,
        now: SystemTime,
        lease: Duration,
    ) -> Result<Claim, StoreError> {
        self.bounded(self.claim_in(digest, now, lease)).await
    }

    async fn complete(&self, digest: EventDigest) -> Result<(), StoreError> {
        self.bounded(self.on_claim(COMPLETE, digest)).await
    }

    async fn release(&self, digest: EventDigest) -> Result<(), StoreError> {
        self.bounded(self.on_claim(RELEASE, digest)).await
    }

    async fn cleanup(&self, now: SystemTime) -> Result<u64, StoreError> {
        self.bounded(self.cleanup_in(now)).await
    }

    async fn rekey(&self) -> Result<RekeyReport, StoreError> {
        // Not bounded by the request timeout: it reads every row.
        self.rekey_in().await.map_err(|failure| self.error(failure))
    }

    fn backend(&self) -> Backend {
        DB::BACKEND
    }

    fn location(&self) -> &str {
        &self.location
    }

    fn claim_retention(&self) -> Duration {
        self.claim_retention
    }
}

fn open_digest_key(keys: &StoreKeys, sealed: &Sealed) -> Result<DigestKey, Failure> {
    let what = "the key of the security-context digests (made when the database was created)";
    let plain = keys
        .open(Purpose::DigestKey, sealed)
        .map_err(|error| open_failure(error, what.to_owned(), sealed.key_id, keys))?;
    DigestKey::from_slice(&plain).ok_or_else(|| Failure::Corrupt(format!("{DIGEST_KEY} (length)")))
}

fn open_failure(error: OpenError, what: String, key_id: KeyId, keys: &StoreKeys) -> Failure {
    Failure::Store(match error {
        OpenError::UnknownKey => StoreError::UnknownKey {
            what,
            key_id,
            configured: keys.ids_text(),
        },
        OpenError::Damaged => StoreError::Damaged { what, key_id },
    })
}

/// The typed error of `failure`, naming the database by `location`.
pub(crate) fn failure_to_error<DB: Dialect>(location: &str, failure: Failure) -> StoreError {
    let location = location.to_owned();
    match failure {
        Failure::Store(error) => error,
        Failure::Corrupt(what) => StoreError::Corrupt { location, what },
        Failure::Migration(reason) => StoreError::Migrate { location, reason },
        Failure::Sql(error) => {
            let unavailable = match &error {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(error) => DB::unavailable(error.as_ref()),
                _ => false,
            };
            let reason = error.to_string();
            if unavailable {
                StoreError::Unavailable { location, reason }
            } else {
                StoreError::Database { location, reason }
            }
        }
    }
}

/// A count or generation read back: never negative.
fn count(value: i64, what: impl FnOnce() -> String) -> Result<u64, Failure> {
    u64::try_from(value).map_err(|_| Failure::Corrupt(what()))
}

/// A count as the database keeps it (a signed 64-bit integer; no count
/// reaches 2^63).
fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn millis_of(span: Duration) -> i64 {
    i64::try_from(span.as_millis()).unwrap_or(i64::MAX)
}
