//! Settings, from the environment.

use callback_actix::callback_core::SecretError;
use callback_actix::prelude::Secret;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the server listens unless `BIND_ADDR` says otherwise.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
/// The database file unless `DATABASE_PATH` says otherwise.
pub const DEFAULT_DATABASE_PATH: &str = "install-tracker.db";
/// The variable holding the extension's secret.
pub const SECRET_ENV: &str = "ZOHO_EXTENSION_SECRET";
/// The manifest read for the secret when `ZOHO_EXTENSION_SECRET` is unset.
pub const DEFAULT_MANIFEST_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/plugin-manifest.json");

/// What the server needs to start.
#[derive(Debug)]
pub struct Settings {
    /// `BIND_ADDR`.
    pub bind_addr: SocketAddr,
    /// `DATABASE_PATH`.
    pub database_path: PathBuf,
    /// `ZOHO_EXTENSION_SECRET`, else the manifest's `secret`.
    pub secret: Secret,
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `BIND_ADDR` is not `host:port`.
    #[error("BIND_ADDR={0:?} is not an address such as 127.0.0.1:8080")]
    BindAddr(String),
    /// No usable secret.
    #[error("no secret: set {SECRET_ENV}, or the \"secret\" of {manifest} ({source})")]
    Secret {
        /// The manifest tried.
        manifest: String,
        /// Why it failed.
        source: SecretError,
    },
}

impl Settings {
    /// Reads `BIND_ADDR`, `DATABASE_PATH`, `ZOHO_EXTENSION_SECRET` and
    /// `MANIFEST_PATH`.
    pub fn from_env() -> Result<Settings, SettingsError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let bind = var("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned());
        let bind_addr = bind.parse().map_err(|_| SettingsError::BindAddr(bind))?;
        let database_path = var("DATABASE_PATH")
            .unwrap_or_else(|| DEFAULT_DATABASE_PATH.to_owned())
            .into();
        let secret = match std::env::var_os(SECRET_ENV) {
            Some(_) => Secret::from_env(SECRET_ENV),
            None => Secret::from_manifest_file(manifest_path()),
        }
        .map_err(|source| SettingsError::Secret {
            manifest: manifest_path(),
            source,
        })?;
        Ok(Settings {
            bind_addr,
            database_path,
            secret,
        })
    }
}

fn manifest_path() -> String {
    std::env::var("MANIFEST_PATH").unwrap_or_else(|_| DEFAULT_MANIFEST_PATH.to_owned())
}
