//! The PostgreSQL backend, which several instances share.

use crate::StoreOptions;
use crate::error::StoreError;
use crate::sql::{Dialect, Failure, SqlStore, failure_to_error};
use crate::store::Backend;
use sqlx::Postgres;
use sqlx::error::DatabaseError;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgQueryResult};
use std::str::FromStr;

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// The SQLSTATE codes, besides class 08 (connection exception), that mean
/// the server is unavailable for now: shutting down (`57P01`, `57P02`),
/// starting up (`57P03`), out of connections (`53300`), a statement or a
/// lock wait cut off by its timeout (`57014`, `55P03`).
const UNAVAILABLE: [&str; 6] = ["57P01", "57P02", "57P03", "53300", "57014", "55P03"];

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;
    const BEGIN: &'static str = "BEGIN";
    // The row of the org is locked until the transaction ends: two
    // callbacks of one org, to two instances, apply one after the other.
    const LOCK: &'static str = " FOR UPDATE";
    const UNBOUNDED: Option<(&'static str, &'static str)> =
        Some(("SET statement_timeout = 0", "RESET statement_timeout"));

    const SERIAL_WRITES: bool = false;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn unavailable(error: &dyn DatabaseError) -> bool {
        error
            .code()
            .is_some_and(|code| code.starts_with("08") || UNAVAILABLE.contains(&code.as_ref()))
    }
}

/// Opens the PostgreSQL database at `url`.
pub(crate) async fn open(
    url: &str,
    options: &StoreOptions,
) -> Result<SqlStore<Postgres>, StoreError> {
    // sqlx's message about a bad URL does not repeat it.
    let connect = PgConnectOptions::from_str(url).map_err(|error| {
        StoreError::Url(format!("the database URL is not a PostgreSQL URL: {error}"))
    })?;
    let location = format!(
        "PostgreSQL database {} at {}:{}",
        connect.get_database().unwrap_or("(the user's default)"),
        connect.get_host(),
        connect.get_port()
    );
    let timeout = format!("{}ms", options.timeout.as_millis().max(1));
    let connect = connect
        .application_name("callback-store")
        // The server stops a statement, and ends a transaction left open,
        // once the store no longer waits for it: no lock outlives a call.
        .options([
            ("statement_timeout", timeout.as_str()),
            ("idle_in_transaction_session_timeout", timeout.as_str()),
        ]);
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await
        .map_err(|error| failure_to_error::<Postgres>(&location, Failure::Sql(error)))?;
    SqlStore::start(pool, location, options).await
}
