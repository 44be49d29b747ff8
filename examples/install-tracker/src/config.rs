//! Settings, from the environment.

use callback_actix::callback_core::SecretError;
use callback_actix::prelude::Secret;
use callback_invoke::{BuildError, InvokeClient, RetryPolicy};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the server listens unless `BIND_ADDR` says otherwise.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
/// The database file unless `DATABASE_PATH` says otherwise.
pub const DEFAULT_DATABASE_PATH: &str = "install-tracker.db";
/// The variable holding the extension's secret.
pub const SECRET_ENV: &str = "ZOHO_EXTENSION_SECRET";
/// The variable that switches on calls back to Zoho: the Desk host (for
/// example `https://desk.zoho.eu`) whose Invoke API is called, and on which
/// Desk API URLs are built. Unset, nothing calls out.
pub const INVOKE_BASE_URL_ENV: &str = "ZOHO_INVOKE_BASE_URL";
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
    /// A client for Zoho's Invoke API when `ZOHO_INVOKE_BASE_URL` is set.
    pub invoke: Option<InvokeClient>,
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `BIND_ADDR` is not `host:port`.
    #[error("BIND_ADDR={0:?} is not an address such as 127.0.0.1:8080")]
    BindAddr(String),
    /// `ZOHO_EXTENSION_SECRET` is set but unusable (the manifest is then
    /// not tried: the variable says which secret to use).
    #[error("{SECRET_ENV}: {0}")]
    SecretEnv(SecretError),
    /// `ZOHO_EXTENSION_SECRET` is unset and the manifest has no usable secret.
    #[error("no secret: set {SECRET_ENV}, or the \"secret\" of {manifest} ({source})")]
    Secret {
        /// The manifest tried.
        manifest: String,
        /// Why it failed.
        source: SecretError,
    },
    /// `ZOHO_INVOKE_BASE_URL` is not a usable URL.
    #[error("{INVOKE_BASE_URL_ENV}: {0}")]
    Invoke(#[from] BuildError),
}

impl Settings {
    /// Reads `BIND_ADDR`, `DATABASE_PATH`, `ZOHO_EXTENSION_SECRET`,
    /// `MANIFEST_PATH` and `ZOHO_INVOKE_BASE_URL`.
    pub fn from_env() -> Result<Settings, SettingsError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let bind = var("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned());
        let bind_addr = bind.parse().map_err(|_| SettingsError::BindAddr(bind))?;
        let database_path = var("DATABASE_PATH")
            .unwrap_or_else(|| DEFAULT_DATABASE_PATH.to_owned())
            .into();
        let secret = match std::env::var_os(SECRET_ENV) {
            Some(_) => Secret::from_env(SECRET_ENV).map_err(SettingsError::SecretEnv)?,
            None => Secret::from_manifest_file(manifest_path()).map_err(|source| {
                SettingsError::Secret {
                    manifest: manifest_path(),
                    source,
                }
            })?,
        };
        let invoke = invoke_client(&secret, var(INVOKE_BASE_URL_ENV).as_deref())?;
        Ok(Settings {
            bind_addr,
            database_path,
            secret,
            invoke,
        })
    }
}

/// The Invoke client for `base_url` (the Desk host, or a local stand-in),
/// signing with `secret`; `None` without a base URL.
pub fn invoke_client(
    secret: &Secret,
    base_url: Option<&str>,
) -> Result<Option<InvokeClient>, SettingsError> {
    let Some(url) = base_url else {
        return Ok(None);
    };
    // Zoho wants a callback answered within a few seconds: give each call
    // 3 s, and a GET one retry.
    let client = InvokeClient::builder(secret.clone())
        .base_url(url)
        .desk_url(url)
        .timeout(Duration::from_secs(3))
        .retry(RetryPolicy::default().max_retries(1))
        .build()?;
    Ok(Some(client))
}

fn manifest_path() -> String {
    std::env::var("MANIFEST_PATH").unwrap_or_else(|_| DEFAULT_MANIFEST_PATH.to_owned())
}
