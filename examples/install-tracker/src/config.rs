//! Settings, from the environment.

use crate::api::{AdminToken, AdminTokenError};
use callback_actix::callback_core::callback_store::{self, KEY_ENV, KeyError, StoreError};
use callback_actix::callback_core::desk::DEFAULT_JWKS_URL;
use callback_actix::callback_core::{BaseUrl, BaseUrlError, SecretError};
use callback_actix::prelude::{Secret, StoreKeys};
use callback_invoke::{BuildError, InvokeClient, RetryPolicy};
use std::env::VarError;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the server listens unless `BIND_ADDR` says otherwise.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
/// The variable naming the database: `sqlite://PATH` (one instance) or
/// `postgres://…` (several instances share it).
pub const DATABASE_URL_ENV: &str = "DATABASE_URL";
/// The database unless `DATABASE_URL` says otherwise: a SQLite file in the
/// working directory, created on first start, so the quick start needs no
/// setup.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://install-tracker.db";
/// The variable naming Desk's key set (JWKS), which checks the
/// `X-ZDesk-JWT` of every Desk delivery.
pub const DESK_JWKS_URL_ENV: &str = "ZOHO_DESK_JWKS_URL";
/// What the development key file's name adds to the database file's.
pub const DEVELOPMENT_KEY_SUFFIX: &str = ".key";
/// The variable holding the extension's secret.
pub const SECRET_ENV: &str = "ZOHO_EXTENSION_SECRET";
/// The variable that switches on calls back to Zoho: the Desk host (for
/// example `https://desk.zoho.eu`) whose Invoke API is called, and on which
/// Desk API URLs are built. Unset, nothing calls out.
pub const INVOKE_BASE_URL_ENV: &str = "ZOHO_INVOKE_BASE_URL";
/// The manifest read for the secret when `ZOHO_EXTENSION_SECRET` is unset.
pub const DEFAULT_MANIFEST_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/plugin-manifest.json");
/// The `secret` of the committed `plugin-manifest.json`: public, so anyone
/// can sign callbacks with it. A release build refuses it
/// ([`check_secret`]).
pub const DEMO_SECRET: &str = "install-tracker-demo-secret-change-me";
/// What a debug build says (in the log and on standard error) when it runs
/// with [`DEMO_SECRET`].
pub const DEMO_SECRET_WARNING: &str = "install-tracker is signed with the demo secret \
     committed in its plugin-manifest.json: anyone can send it callbacks it accepts. Set \
     ZOHO_EXTENSION_SECRET to your extension's own secret; a release build refuses to start \
     with the demo secret";
/// The variable holding the token that `GET /orgs/{orgId}` requires
/// (`Authorization: Bearer <ADMIN_TOKEN>`).
pub const ADMIN_TOKEN_ENV: &str = "ADMIN_TOKEN";
/// The variable capping the connections each worker serves at once, from
/// [`MIN_MAX_CONNECTIONS`] up.
pub const MAX_CONNECTIONS_ENV: &str = "MAX_CONNECTIONS";
/// The lowest `MAX_CONNECTIONS` taken: with a limit of 1, the actix-server
/// this example is built with (2.6) never accepts again once its one
/// connection closes (actix/actix-net#951).
pub const MIN_MAX_CONNECTIONS: usize = 2;
/// Connections each worker serves at once unless `MAX_CONNECTIONS` says
/// otherwise: ample for Zoho's callbacks, and far below what would exhaust
/// file descriptors (actix-web's own default is 25 000).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// The variable setting how many worker threads serve requests (default:
/// one per CPU the process may use).
pub const WORKERS_ENV: &str = "WORKERS";
/// How long a client has, from connecting, to send a request's headers
/// before it gets `408` (actix-web's default is 5 s). Zoho sends a whole
/// callback at once; a client that trickles its headers only holds a
/// connection.
pub const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// How long closing a connection may take before it is dropped (actix-web's
/// default is 5 s).
pub const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// `DATABASE_URL`, which may hold a password: `Debug` shows it without
/// credentials (the store names the database without them too, in its
/// `location()`).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, for opening the database.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = callback_actix::callback_core::base_url::without_credentials(&self.0);
        f.debug_tuple("DatabaseUrl").field(&shown).finish()
    }
}

/// Where the key of the installation store comes from.
#[derive(Clone, Debug)]
pub enum StoreKeySource {
    /// `ZOHO_STORE_KEY` (`Debug` shows key ids only).
    Env(StoreKeys),
    /// A debug build without `ZOHO_STORE_KEY` on a SQLite database: a
    /// development key in this file beside the database, made on first
    /// start (mode `0600`), with a warning naming it.
    DevelopmentFile(PathBuf),
}

/// What the server needs to start.
#[derive(Debug)]
pub struct Settings {
    /// `BIND_ADDR`.
    pub bind_addr: SocketAddr,
    /// `DATABASE_URL`.
    pub database_url: DatabaseUrl,
    /// The installation store's key: `ZOHO_STORE_KEY`, or a development key
    /// file.
    pub store_key: StoreKeySource,
    /// `ZOHO_DESK_JWKS_URL`, default Desk's own key set (US data centre).
    pub desk_jwks_url: String,
    /// `ZOHO_EXTENSION_SECRET`, else the manifest's `secret`.
    pub secret: Secret,
    /// Whether [`secret`](Self::secret) is [`DEMO_SECRET`] (only ever true
    /// in a debug build, which then warns with [`DEMO_SECRET_WARNING`]).
    pub secret_is_demo: bool,
    /// `ZOHO_INVOKE_BASE_URL`, parsed: it carries no credentials.
    pub invoke_base_url: Option<BaseUrl>,
    /// A client for Zoho's Invoke API when `ZOHO_INVOKE_BASE_URL` is set.
    pub invoke: Option<InvokeClient>,
    /// `ADMIN_TOKEN` (its `Debug` does not show it).
    pub admin_token: Option<AdminToken>,
    /// `MAX_CONNECTIONS` and `WORKERS`.
    pub limits: Limits,
}

/// How many connections the server serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections each worker serves at once: `MAX_CONNECTIONS`, default
    /// [`DEFAULT_MAX_CONNECTIONS`]. When every worker has this many, the
    /// server stops accepting: further clients wait in the listen backlog
    /// until a connection closes.
    pub max_connections: usize,
    /// Worker threads: `WORKERS`, default one per available CPU.
    pub workers: usize,
}

/// Which build is running: a release build refuses [`DEMO_SECRET`], a
/// debug build warns about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildKind {
    /// Built with debug assertions (`cargo run`, `cargo test`).
    Debug,
    /// Built without them (`cargo build --release`).
    Release,
}

impl BuildKind {
    /// The build this code is part of.
    pub const CURRENT: BuildKind = if cfg!(debug_assertions) {
        BuildKind::Debug
    } else {
        BuildKind::Release
    };
}

/// Which kind of secret [`check_secret`] let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    /// Any secret but [`DEMO_SECRET`].
    Own,
    /// [`DEMO_SECRET`], in a debug build: warn and go on.
    Demo,
}

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `BIND_ADDR` is not `host:port`.
    #[error("BIND_ADDR={0:?} is not an address such as 127.0.0.1:8080")]
    BindAddr(String),
    /// `DATABASE_URL` is not one the store opens (the message never repeats
    /// it: it may hold a password).
    #[error("{DATABASE_URL_ENV}: {0}")]
    DatabaseUrl(StoreError),
    /// `DATABASE_URL` names a database in memory: the tracker's own tables
    /// would be in another one than the store's.
    #[error(
        "{DATABASE_URL_ENV}: install-tracker keeps its state in a file or in PostgreSQL, not in \
         memory; give sqlite://PATH or postgres://…"
    )]
    InMemory,
    /// `ZOHO_STORE_KEY` is missing where it is required, or unusable.
    #[error("{0}")]
    StoreKey(KeyError),
    /// `ZOHO_STORE_KEY` is unset in a release build, which does not make a
    /// development key.
    #[error("{KEY_ENV} is not set, and a release build does not make a development key: {0}")]
    ReleaseStoreKey(KeyError),
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
    /// A release build was given [`DEMO_SECRET`], from the variable or the
    /// manifest.
    #[error(
        "the secret is the demo secret committed with install-tracker's plugin-manifest.json, \
         with which anyone can sign callbacks; a release build does not start with it. Set \
         {SECRET_ENV} to your extension's own secret (the \"secret\" of the plugin-manifest.json \
         Zoho generated for your extension), or point MANIFEST_PATH at that manifest"
    )]
    DemoSecret,
    /// `ZOHO_INVOKE_BASE_URL` is not a usable base URL (the message shows
    /// it without any credentials it carried).
    #[error("{INVOKE_BASE_URL_ENV}: {0}")]
    InvokeBaseUrl(BaseUrlError),
    /// The Invoke client could not be built from `ZOHO_INVOKE_BASE_URL`.
    #[error("{INVOKE_BASE_URL_ENV}: {0}")]
    Invoke(#[from] BuildError),
    /// `ADMIN_TOKEN` is set but unusable.
    #[error("{ADMIN_TOKEN_ENV}: {0}")]
    AdminToken(AdminTokenError),
    /// A count (`MAX_CONNECTIONS`, `WORKERS`) is not an integer from its
    /// least value up.
    #[error("{name}={value:?} is not a whole number from {min} up")]
    Count {
        /// The variable.
        name: &'static str,
        /// What it holds.
        value: String,
        /// The least value taken.
        min: usize,
    },
}

impl Settings {
    /// Reads `BIND_ADDR`, `DATABASE_URL`, `ZOHO_STORE_KEY`,
    /// `ZOHO_DESK_JWKS_URL`, `ZOHO_EXTENSION_SECRET`, `MANIFEST_PATH`,
    /// `ZOHO_INVOKE_BASE_URL`, `ADMIN_TOKEN`, `MAX_CONNECTIONS` and
    /// `WORKERS` from the environment, for this build.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_vars(|name| std::env::var(name), BuildKind::CURRENT)
    }

    /// [`Settings::from_env`] with each variable read through `var` (which
    /// answers as [`std::env::var`] does), for a `build`.
    pub fn from_vars(
        var: impl Fn(&str) -> Result<String, VarError>,
        build: BuildKind,
    ) -> Result<Settings, SettingsError> {
        let set = |name: &str| var(name).ok().filter(|v| !v.is_empty());
        let bind = set("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned());
        let bind_addr = bind.parse().map_err(|_| SettingsError::BindAddr(bind))?;
        let secret = match var(SECRET_ENV) {
            Ok(value) => Secret::new(value)
                .map_err(|_| SettingsError::SecretEnv(SecretError::EmptyEnv(SECRET_ENV.into())))?,
            Err(VarError::NotUnicode(_)) => {
                return Err(SettingsError::SecretEnv(SecretError::NotUnicodeEnv(
                    SECRET_ENV.into(),
                )));
            }
            Err(VarError::NotPresent) => {
                let manifest =
                    set("MANIFEST_PATH").unwrap_or_else(|| DEFAULT_MANIFEST_PATH.to_owned());
                Secret::from_manifest_file(&manifest)
                    .map_err(|source| SettingsError::Secret { manifest, source })?
            }
        };
        let secret_is_demo = check_secret(&secret, build)? == SecretKind::Demo;
        let database_url = set(DATABASE_URL_ENV).unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let database_file = match callback_store::sqlite_file(&database_url) {
            Ok(file) => file,
            Err(error) => return Err(SettingsError::DatabaseUrl(error)),
        };
        if database_file.is_none() && database_url.starts_with("sqlite:") {
            return Err(SettingsError::InMemory);
        }
        let store_key = match (var(KEY_ENV), database_file, build) {
            (Ok(text), _, _) if !text.trim().is_empty() => StoreKeySource::Env(
                StoreKeys::parse_var(&text, KEY_ENV).map_err(SettingsError::StoreKey)?,
            ),
            (Err(VarError::NotUnicode(_)), _, _) => {
                return Err(SettingsError::StoreKey(KeyError::NotUnicode {
                    var: KEY_ENV.into(),
                }));
            }
            (_, Some(file), BuildKind::Debug) => {
                let mut key_file = file.into_os_string();
                key_file.push(DEVELOPMENT_KEY_SUFFIX);
                StoreKeySource::DevelopmentFile(key_file.into())
            }
            (_, _, build) => {
                let missing = KeyError::Missing {
                    var: KEY_ENV.into(),
                };
                return Err(match build {
                    BuildKind::Release => SettingsError::ReleaseStoreKey(missing),
                    BuildKind::Debug => SettingsError::StoreKey(missing),
                });
            }
        };
        let desk_jwks_url = set(DESK_JWKS_URL_ENV).unwrap_or_else(|| DEFAULT_JWKS_URL.to_owned());
        let invoke_base_url = set(INVOKE_BASE_URL_ENV)
            .map(|url| BaseUrl::parse(&url))
            .transpose()
            .map_err(SettingsError::InvokeBaseUrl)?;
        let invoke = invoke_client(&secret, invoke_base_url.as_ref().map(BaseUrl::as_str))?;
        let admin_token = match var(ADMIN_TOKEN_ENV) {
            Ok(token) => Some(AdminToken::new(token).map_err(SettingsError::AdminToken)?),
            Err(VarError::NotUnicode(_)) => {
                return Err(SettingsError::AdminToken(AdminTokenError::NotPrintable));
            }
            Err(VarError::NotPresent) => None,
        };
        let count = |name: &'static str, default: usize, min: usize| match set(name) {
            None => Ok(default),
            Some(value) => match value.parse::<usize>() {
                Ok(n) if n >= min => Ok(n),
                _ => Err(SettingsError::Count { name, value, min }),
            },
        };
        let limits = Limits {
            max_connections: count(
                MAX_CONNECTIONS_ENV,
                DEFAULT_MAX_CONNECTIONS,
                MIN_MAX_CONNECTIONS,
            )?,
            workers: count(
                WORKERS_ENV,
                std::thread::available_parallelism().map_or(1, usize::from),
                1,
            )?,
        };
        Ok(Settings {
            bind_addr,
            database_url: DatabaseUrl(database_url),
            store_key,
            desk_jwks_url,
            secret,
            secret_is_demo,
            invoke_base_url,
            invoke,
            admin_token,
            limits,
        })
    }
}

/// Whether `secret` may sign this `build`'s callbacks: [`DEMO_SECRET`] is
/// refused by a release build ([`SettingsError::DemoSecret`]) and let
/// through as [`SecretKind::Demo`] by a debug build, so that the quick start
/// (`cargo run -p install-tracker`) runs as committed.
pub fn check_secret(secret: &Secret, build: BuildKind) -> Result<SecretKind, SettingsError> {
    // The demo secret is public: comparing it in constant time would hide
    // nothing.
    match (secret.expose() == DEMO_SECRET, build) {
        (false, _) => Ok(SecretKind::Own),
        (true, BuildKind::Debug) => Ok(SecretKind::Demo),
        (true, BuildKind::Release) => Err(SettingsError::DemoSecret),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const OWN_SECRET: &str = "an-extension's-own-secret";

    /// Settings from exactly `vars`, for `build`.
    fn settings(vars: &[(&str, &str)], build: BuildKind) -> Result<Settings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_vars(
            |name| vars.get(name).cloned().ok_or(VarError::NotPresent),
            build,
        )
    }

    /// A store key (the base64 of 32 bytes of 7).
    const STORE_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

    fn own() -> Vec<(&'static str, &'static str)> {
        vec![(SECRET_ENV, OWN_SECRET), (KEY_ENV, STORE_KEY)]
    }

    #[test]
    fn the_database_defaults_to_a_sqlite_file_here_with_a_development_key_beside_it() {
        let debug = settings(&[(SECRET_ENV, OWN_SECRET)], BuildKind::Debug).unwrap();
        assert_eq!(debug.database_url.expose(), "sqlite://install-tracker.db");
        assert!(
            matches!(&debug.store_key, StoreKeySource::DevelopmentFile(path)
                if path == std::path::Path::new("install-tracker.db.key")),
            "{:?}",
            debug.store_key
        );
        let elsewhere = settings(
            &[
                (SECRET_ENV, OWN_SECRET),
                (DATABASE_URL_ENV, "sqlite:///var/lib/tracker/t.db"),
            ],
            BuildKind::Debug,
        )
        .unwrap();
        assert!(
            matches!(&elsewhere.store_key, StoreKeySource::DevelopmentFile(path)
                if path == std::path::Path::new("/var/lib/tracker/t.db.key"))
        );
        // With ZOHO_STORE_KEY, that key, whatever the build.
        for build in [BuildKind::Debug, BuildKind::Release] {
            let with_key = settings(&own(), build).unwrap();
            let StoreKeySource::Env(keys) = &with_key.store_key else {
                panic!("{:?}", with_key.store_key)
            };
            let expected = StoreKeys::parse(STORE_KEY).unwrap();
            assert_eq!(keys.encrypting(), expected.encrypting());
        }
    }

    #[test]
    fn without_a_store_key_a_release_build_and_postgres_refuse_saying_how_to_make_one() {
        let how = "set it to the base64 of 32 random bytes, e.g. `export \
            ZOHO_STORE_KEY=\"$(openssl rand -base64 32)\"`, and keep it as secret as the \
            database's password; to rotate, put the new key first: ZOHO_STORE_KEY=NEW,OLD";
        let missing = format!(
            "ZOHO_STORE_KEY is not set: it holds the key that encrypts the security contexts \
             the store keeps; {how}"
        );
        let err = settings(&[(SECRET_ENV, OWN_SECRET)], BuildKind::Release).unwrap_err();
        assert!(matches!(err, SettingsError::ReleaseStoreKey(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "ZOHO_STORE_KEY is not set, and a release build does not make a development key: {missing}"
            )
        );
        let postgres = [
            (SECRET_ENV, OWN_SECRET),
            (DATABASE_URL_ENV, "postgres://app:hunter2@127.0.0.1/app"),
        ];
        let err = settings(&postgres, BuildKind::Debug).unwrap_err();
        assert_eq!(err.to_string(), missing);
        let mut bad = postgres.to_vec();
        bad.push((KEY_ENV, "not*base64"));
        let err = settings(&bad, BuildKind::Debug).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("key 1 of ZOHO_STORE_KEY is not base64; {how}")
        );
    }

    #[test]
    fn a_database_url_the_store_does_not_open_is_refused_without_repeating_it() {
        let mut vars = own();
        vars.push((DATABASE_URL_ENV, "mysql://app:hunter2@db/app"));
        let err = settings(&vars, BuildKind::Debug).unwrap_err();
        assert_eq!(
            err.to_string(),
            "DATABASE_URL: the database URL must be sqlite://PATH or postgres://…, not mysql:…"
        );
        let mut vars = own();
        vars.push((DATABASE_URL_ENV, "sqlite::memory:"));
        let err = settings(&vars, BuildKind::Debug).unwrap_err();
        assert!(matches!(err, SettingsError::InMemory), "{err:?}");
    }

    #[test]
    fn the_database_password_never_shows_and_the_desk_key_set_defaults_to_desk_zoho_com() {
        let mut vars = own();
        vars.push((
            DATABASE_URL_ENV,
            "postgres://app:hunter2@127.0.0.1:5432/app",
        ));
        let with_password = settings(&vars, BuildKind::Debug).unwrap();
        let shown = format!("{with_password:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("DatabaseUrl(\"postgres://127.0.0.1:5432/app\")"),
            "{shown}"
        );
        assert!(!shown.contains(STORE_KEY), "{shown}");
        assert_eq!(
            with_password.desk_jwks_url,
            "https://desk.zoho.com/.well-known/jwks.json"
        );
        let mut vars = own();
        vars.push((
            DESK_JWKS_URL_ENV,
            "https://desk.zoho.eu/.well-known/jwks.json",
        ));
        assert_eq!(
            settings(&vars, BuildKind::Debug).unwrap().desk_jwks_url,
            "https://desk.zoho.eu/.well-known/jwks.json"
        );
    }

    #[test]
    fn the_demo_secret_is_the_committed_manifests() {
        let committed = Secret::from_manifest_file(DEFAULT_MANIFEST_PATH).unwrap();
        assert_eq!(committed.expose(), DEMO_SECRET);
    }

    #[test]
    fn a_release_build_refuses_the_demo_secret_and_a_debug_build_lets_it_through() {
        let demo = Secret::new(DEMO_SECRET).unwrap();
        let err = check_secret(&demo, BuildKind::Release).unwrap_err();
        assert!(matches!(err, SettingsError::DemoSecret), "{err:?}");
        assert_eq!(
            err.to_string(),
            "the secret is the demo secret committed with install-tracker's plugin-manifest.json, \
             with which anyone can sign callbacks; a release build does not start with it. Set \
             ZOHO_EXTENSION_SECRET to your extension's own secret (the \"secret\" of the \
             plugin-manifest.json Zoho generated for your extension), or point MANIFEST_PATH at \
             that manifest"
        );
        assert!(!err.to_string().contains(DEMO_SECRET));
        assert_eq!(
            check_secret(&demo, BuildKind::Debug).unwrap(),
            SecretKind::Demo
        );
        let own = Secret::new(OWN_SECRET).unwrap();
        for build in [BuildKind::Debug, BuildKind::Release] {
            assert_eq!(check_secret(&own, build).unwrap(), SecretKind::Own);
        }
    }

    #[test]
    fn the_demo_secret_is_refused_from_the_manifest_and_from_the_variable() {
        // No ZOHO_EXTENSION_SECRET: the committed manifest's secret.
        let err = settings(&[], BuildKind::Release).unwrap_err();
        assert!(matches!(err, SettingsError::DemoSecret), "{err:?}");
        let err = settings(&[(SECRET_ENV, DEMO_SECRET)], BuildKind::Release).unwrap_err();
        assert!(matches!(err, SettingsError::DemoSecret), "{err:?}");

        let debug = settings(&[], BuildKind::Debug).unwrap();
        assert!(debug.secret_is_demo);
        assert_eq!(debug.secret.expose(), DEMO_SECRET);
        let debug = settings(&[(SECRET_ENV, DEMO_SECRET)], BuildKind::Debug).unwrap();
        assert!(debug.secret_is_demo);
        let release = settings(&own(), BuildKind::Release).unwrap();
        assert!(!release.secret_is_demo);
        assert_eq!(release.secret.expose(), OWN_SECRET);
    }

    #[test]
    fn max_connections_and_workers_are_read_and_default() {
        let defaults = settings(&own(), BuildKind::Debug).unwrap().limits;
        assert_eq!(defaults.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert_eq!(defaults.max_connections, 1024);
        assert_eq!(
            defaults.workers,
            std::thread::available_parallelism().unwrap().get()
        );

        let mut vars = own();
        vars.extend([(MAX_CONNECTIONS_ENV, "2"), (WORKERS_ENV, "3")]);
        assert_eq!(
            settings(&vars, BuildKind::Debug).unwrap().limits,
            Limits {
                max_connections: 2,
                workers: 3
            }
        );
    }

    #[test]
    fn a_count_that_is_not_a_positive_integer_is_an_exact_error() {
        for (name, value, min) in [
            (MAX_CONNECTIONS_ENV, "0", 2),
            (MAX_CONNECTIONS_ENV, "1", 2),
            (MAX_CONNECTIONS_ENV, "many", 2),
            (MAX_CONNECTIONS_ENV, "-1", 2),
            (WORKERS_ENV, "0", 1),
            (WORKERS_ENV, "1.5", 1),
        ] {
            let mut vars = own();
            vars.push((name, value));
            let err = settings(&vars, BuildKind::Debug).unwrap_err();
            assert!(
                matches!(&err, SettingsError::Count { name: n, value: v, min: m }
                    if *n == name && v == value && *m == min),
                "{err:?}"
            );
            assert_eq!(
                err.to_string(),
                format!("{name}={value:?} is not a whole number from {min} up")
            );
        }
    }

    #[test]
    fn credentials_in_the_invoke_base_url_are_refused_without_being_shown() {
        let mut vars = own();
        vars.push((INVOKE_BASE_URL_ENV, "http://u:hunter2@127.0.0.1:9"));
        let err = settings(&vars, BuildKind::Debug).unwrap_err();
        assert!(matches!(err, SettingsError::InvokeBaseUrl(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            "ZOHO_INVOKE_BASE_URL: the base URL \"http://127.0.0.1:9\" is not usable: it must \
             not carry credentials (user:password@): URLs are printed and logged; give \
             credentials another way; give one such as \"https://ext.example.com\""
        );
        assert!(!format!("{err:?}").contains("hunter2"));
    }

    #[test]
    fn the_invoke_base_url_is_kept_in_its_normal_form() {
        let mut vars = own();
        vars.push((INVOKE_BASE_URL_ENV, "HTTP://127.0.0.1:9/"));
        let settings = settings(&vars, BuildKind::Debug).unwrap();
        assert_eq!(
            settings.invoke_base_url.as_ref().map(BaseUrl::as_str),
            Some("http://127.0.0.1:9")
        );
        assert!(settings.invoke.is_some());
    }

    #[test]
    fn the_admin_token_is_read_and_never_shown() {
        let mut vars = own();
        vars.push((ADMIN_TOKEN_ENV, "tok-3f9a1c77e2"));
        let settings = settings(&vars, BuildKind::Debug).unwrap();
        assert!(settings.admin_token.is_some());
        let debug = format!("{settings:?}");
        assert!(!debug.contains("tok-3f9a1c77e2"), "{debug}");
        assert!(debug.contains("AdminToken(<redacted>)"), "{debug}");
    }

    #[test]
    fn a_blank_or_unprintable_admin_token_is_an_exact_error() {
        for (token, expected) in [
            (
                "",
                "ADMIN_TOKEN: it is empty; set it to a long random string (for example the \
                 output of `openssl rand -hex 32`), or unset it",
            ),
            (
                "two words",
                "ADMIN_TOKEN: it must be printable ASCII without spaces, as an Authorization \
                 header carries it",
            ),
        ] {
            let mut vars = own();
            vars.push((ADMIN_TOKEN_ENV, token));
            let err = settings(&vars, BuildKind::Debug).unwrap_err();
            assert!(matches!(err, SettingsError::AdminToken(_)), "{err:?}");
            assert_eq!(err.to_string(), expected);
        }
    }
}
