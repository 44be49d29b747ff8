//! What the two store servers share: their database from `DATABASE_URL`
//! (`sqlite://PATH` or `postgres://…`) and their key from `ZOHO_STORE_KEY`
//! (the base64 of 32 bytes), as install-tracker reads them, and on
//! PostgreSQL a schema of each server's own, dropped and made again at
//! every start so that each run starts equal.

use sqlx::Connection;

/// The variable naming the database.
pub const DATABASE_URL_ENV: &str = "DATABASE_URL";

/// The variable holding the store key.
pub const KEY_ENV: &str = "ZOHO_STORE_KEY";

/// Why a store server could not start. No message holds the key, or the
/// database URL (which may hold a password).
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

impl From<StartError> for std::io::Error {
    fn from(error: StartError) -> Self {
        std::io::Error::other(error.0)
    }
}

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH` (or `sqlite:PATH`).
    Sqlite,
    /// `postgres://…` (or `postgresql://…`).
    Postgres,
}

impl Backend {
    /// The backend of `url`.
    pub fn of(url: &str) -> Result<Backend, StartError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StartError(format!(
                "{DATABASE_URL_ENV} must be sqlite://PATH or postgres://…"
            )))
        }
    }
}

/// `DATABASE_URL` and `ZOHO_STORE_KEY`, both required.
pub fn settings_from_env() -> Result<(String, String), StartError> {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.trim().is_empty())
            .ok_or_else(|| StartError(format!("set {name}")))
    };
    Ok((var(DATABASE_URL_ENV)?, var(KEY_ENV)?))
}

/// The URL to connect with: `url` itself on SQLite; on PostgreSQL, `url`
/// with `schema` first on the search path, after `schema` (and everything
/// in it) was dropped and made again.
pub async fn fresh(url: &str, schema: &str) -> Result<String, StartError> {
    if Backend::of(url)? == Backend::Sqlite {
        return Ok(url.to_owned());
    }
    let failed = |error: sqlx::Error| {
        StartError(format!(
            "PostgreSQL: could not make the schema {schema}: {error}"
        ))
    };
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(failed)?;
    sqlx::raw_sql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ))
    .execute(&mut conn)
    .await
    .map_err(failed)?;
    conn.close().await.map_err(failed)?;
    let separator = if url.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{url}{separator}options=-c%20search_path%3D{schema}"
    ))
}
