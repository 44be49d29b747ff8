//! The store's work written by hand: the sample callback checked as
//! [`hand_written`](crate::hand_written) checks it, then its org's row
//! upserted in one statement through the store's driver (sqlx) with the
//! store's durability (SQLite: WAL, `synchronous = FULL`; PostgreSQL: its
//! default commit), the security context sealed as the store seals it
//! (XChaCha20-Poly1305, a random 192-bit nonce before the ciphertext, the
//! org as associated data). What a careful person writes who keeps each
//! org's latest state and context without the framework.

use crate::hand_written::{HmacSha256, checked};
use crate::store::{Backend, StartError};
use crate::{BODY_LIMIT, OK_BODY, PATH};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use hmac::Mac;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The PostgreSQL schema the hand-written server keeps its table in.
pub const SCHEMA: &str = "bench_store_hand_written";

/// The table, made at start if missing (`{blob}` is the backend's type of
/// bytes).
const SCHEMA_SQL: &str = "CREATE TABLE IF NOT EXISTS bench_installations (
    org_id               TEXT PRIMARY KEY NOT NULL,
    zoho_authorised      BOOLEAN NOT NULL,
    callbacks            BIGINT NOT NULL,
    first_seen_at        BIGINT NOT NULL,
    last_callback_at     BIGINT NOT NULL,
    on_zoho_authorise_at BIGINT,
    context_key          TEXT,
    context              {blob}
)";

/// The org's row after an `onZohoAuthorise`: made on its first callback,
/// updated on every other, one statement (its own transaction).
pub const UPSERT: &str = "INSERT INTO bench_installations (org_id, zoho_authorised, callbacks, \
     first_seen_at, last_callback_at, on_zoho_authorise_at, context_key, context) \
     VALUES ($1, TRUE, 1, $2, $2, $2, $3, $4) \
     ON CONFLICT (org_id) DO UPDATE SET zoho_authorised = TRUE, \
     callbacks = bench_installations.callbacks + 1, last_callback_at = excluded.last_callback_at, \
     on_zoho_authorise_at = excluded.on_zoho_authorise_at, \
     context_key = COALESCE(excluded.context_key, bench_installations.context_key), \
     context = COALESCE(excluded.context, bench_installations.context)";

/// The store's bounds: a connection within 2 s, SQLite's lock within 3 s.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
const BUSY_TIMEOUT: Duration = Duration::from_secs(3);
const MAX_CONNECTIONS: u32 = 10;

/// Associated data of a sealed context: this prefix, then the org.
const AAD_PREFIX: &[u8] = b"bench-installations v1\0securityContext\0";

/// The length of the random nonce before each ciphertext.
pub const NONCE_LEN: usize = 24;

/// The database.
#[derive(Clone, Debug)]
pub enum Db {
    /// One connection: SQLite lets one writer at a time, and writers on
    /// several connections would wait in its busy handler.
    Sqlite(SqlitePool),
    /// A pool, as the store keeps.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` the pool of either backend of `$db`: the
/// statements are the same text for both.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// Everything the handler uses, made once at start.
pub struct HandWritten {
    mac: HmacSha256,
    cipher: XChaCha20Poly1305,
    key_id: String,
    db: Db,
}

impl std::fmt::Debug for HandWritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandWritten")
            .field("key_id", &self.key_id)
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl HandWritten {
    /// Opens (on PostgreSQL: makes again) the database at `database_url`,
    /// makes the table, and keys the HMAC with `secret` and the cipher with
    /// `key` (the base64 of 32 bytes).
    pub async fn open(
        secret: &str,
        database_url: &str,
        key: &str,
    ) -> Result<HandWritten, StartError> {
        let key = BASE64
            .decode(key.trim())
            .ok()
            .filter(|key| key.len() == 32)
            .ok_or_else(|| StartError("ZOHO_STORE_KEY must be the base64 of 32 bytes".into()))?;
        let failed = |error: sqlx::Error| StartError(format!("the database: {error}"));
        let url = crate::store::fresh(database_url, SCHEMA).await?;
        let db = match Backend::of(&url)? {
            Backend::Sqlite => {
                let connect = SqliteConnectOptions::from_str(&url)
                    .map_err(failed)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(BUSY_TIMEOUT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(connect)
                    .await
                    .map_err(failed)?;
                Db::Sqlite(pool)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect(&url)
                    .await
                    .map_err(failed)?;
                Db::Postgres(pool)
            }
        };
        let blob = match db {
            Db::Sqlite(_) => "BLOB",
            Db::Postgres(_) => "BYTEA",
        };
        let schema = SCHEMA_SQL.replace("{blob}", blob);
        on_pool!(&db, pool => sqlx::raw_sql(&schema).execute(pool).await.map(drop))
            .map_err(failed)?;
        Ok(HandWritten {
            mac: <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).expect("any key length"),
            cipher: XChaCha20Poly1305::new(key.as_slice().into()),
            key_id: hex::encode(&Sha256::digest(&key)[..8]),
            db,
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// `context` of `org_id` sealed: the nonce, then the ciphertext and tag.
    pub fn seal(&self, org_id: u64, context: &str) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: context.as_bytes(),
                    aad: &aad(org_id),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// What [`seal`](Self::seal) sealed for `org_id`; `None` if it does not
    /// open.
    pub fn open_sealed(&self, org_id: u64, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN)?;
        self.cipher
            .decrypt(
                nonce.into(),
                Payload {
                    msg: ciphertext,
                    aad: &aad(org_id),
                },
            )
            .ok()
    }

    async fn upsert(
        &self,
        org: String,
        at: i64,
        sealed: Option<Vec<u8>>,
    ) -> Result<(), sqlx::Error> {
        let key_id = sealed.as_ref().map(|_| self.key_id.as_str());
        on_pool!(&self.db, pool => {
            sqlx::query(UPSERT)
                .bind(org)
                .bind(at)
                .bind(key_id)
                .bind(sealed)
                .execute(pool)
                .await
                .map(drop)
        })
    }
}

fn aad(org_id: u64) -> Vec<u8> {
    let mut aad = AAD_PREFIX.to_vec();
    aad.extend_from_slice(org_id.to_string().as_bytes());
    aad
}

/// Mounts the handler at [`PATH`] with `state`.
pub fn configure(config: &mut web::ServiceConfig, state: web::Data<HandWritten>) {
    config
        .app_data(state)
        .app_data(web::PayloadConfig::new(BODY_LIMIT))
        .route(PATH, web::post().to(on_zoho_authorise));
}

async fn on_zoho_authorise(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<HandWritten>,
) -> HttpResponse {
    let payload = match checked(&req, &body, &state.mac) {
        Ok(payload) => payload,
        Err(refused) => return refused,
    };
    let sealed = payload
        .security_context
        .map(|context| state.seal(payload.org_id, context));
    let at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64);
    match state.upsert(payload.org_id.to_string(), at, sealed).await {
        Ok(()) => HttpResponse::Ok()
            .content_type("application/json")
            .body(OK_BODY),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
