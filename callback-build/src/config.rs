//! The one call a build script makes.

use crate::drift::{HANDLERS_FILE, scan_json};
use crate::manifest_checks::{WebhookManifestError, check_webhook_manifest, storage_warning};
use crate::output::{ManifestError, ManifestUpdate, listener, write_if_changed};
use crate::resources::{ResourcesError, ResourcesUpdate, WEBHOOK_FILE, Webhooks, WebhooksError};
use crate::{Location, ScanError, ScannedDeskHandler, ScannedHandler, Scanner};
use callback_core::base_url::without_credentials;
use callback_core::manifest::{CallbackListener, ListenerError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable the base URL is read from when
/// [`Config::base_url`] is not called.
pub const BASE_URL_ENV: &str = "CALLBACK_BASE_URL";

/// The base URL of a debug build when neither [`Config::base_url`] nor
/// [`BASE_URL_ENV`] gives one: where the examples' servers listen by
/// default. A release build has no default (see [`resolve_base_url`]).
pub const DEV_BASE_URL: &str = "http://127.0.0.1:8080";

/// The profile name Cargo gives build scripts of debug builds (`PROFILE`):
/// `debug` for every profile that inherits from `dev`.
pub const DEBUG_PROFILE: &str = "debug";

/// The base URL a build uses, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BaseUrl {
    /// The URL, as given (checked later, when the section is built).
    pub url: String,
    /// `Some(message)` when it is [`DEV_BASE_URL`] because none was given:
    /// the `cargo::warning=` a build script prints, saying how to set one.
    pub warning: Option<String>,
}

/// The base URL of a build: `given` ([`Config::base_url`]) if any, else
/// `env` (the value of [`BASE_URL_ENV`]) unless it is blank, else, when
/// `profile` (Cargo's `PROFILE`) is [`DEBUG_PROFILE`], [`DEV_BASE_URL`]
/// with a warning. Any other profile (`release`, or none outside Cargo) is
/// [`BuildError::MissingBaseUrl`], so a release build never writes a local
/// URL into the manifest.
///
/// ```
/// use callback_build::{BuildError, DEV_BASE_URL, resolve_base_url};
///
/// let dev = resolve_base_url(None, None, Some("debug")).unwrap();
/// assert_eq!(dev.url, DEV_BASE_URL);
/// assert!(dev.warning.is_some());
/// let set = resolve_base_url(None, Some("https://ext.example.com"), Some("release")).unwrap();
/// assert_eq!((set.url.as_str(), set.warning), ("https://ext.example.com", None));
/// assert!(matches!(
///     resolve_base_url(None, None, Some("release")),
///     Err(BuildError::MissingBaseUrl)
/// ));
/// ```
pub fn resolve_base_url(
    given: Option<&str>,
    env: Option<&str>,
    profile: Option<&str>,
) -> Result<BaseUrl, BuildError> {
    if let Some(url) = given.or(env.filter(|v| !v.trim().is_empty())) {
        return Ok(BaseUrl {
            url: url.to_owned(),
            warning: None,
        });
    }
    if profile != Some(DEBUG_PROFILE) {
        return Err(BuildError::MissingBaseUrl);
    }
    Ok(BaseUrl {
        url: DEV_BASE_URL.to_owned(),
        warning: Some(format!(
            "{BASE_URL_ENV} is not set: callbackListener and the webhooks point at \
             {DEV_BASE_URL}, the default of debug builds; set {BASE_URL_ENV} to the \
             server's public URL (for example `{BASE_URL_ENV}=https://ext.example.com \
             cargo build`, or under [env] in .cargo/config.toml) before packaging the \
             extension; a release build requires it"
        )),
    })
}

/// The file in `OUT_DIR` holding the `callbackListener` section.
pub const LISTENER_FILE: &str = "callback-listener.json";

/// Why generating the manifest failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL was given, in a build other than a debug one (which
    /// uses [`DEV_BASE_URL`]).
    #[error(
        "no base URL for callbackListener in a release build: set the {BASE_URL_ENV} \
         environment variable to the server's public URL (for example \
         `{BASE_URL_ENV}=https://ext.example.com cargo build --release`, or under [env] in \
         .cargo/config.toml), or call `.base_url(\"https://ext.example.com\")` in build.rs \
         (debug builds default to {DEV_BASE_URL})"
    )]
    MissingBaseUrl,
    /// An environment variable Cargo sets for build scripts is missing.
    #[error(
        "the environment variable {0} is not set: run this from a build script, or set the \
         directory on the Config"
    )]
    MissingCargoEnv(&'static str),
    /// The sources could not be scanned.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The section could not be built (the base URL is not usable).
    #[error(transparent)]
    Listener(#[from] ListenerError),
    /// The manifest could not be updated.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The webhooks could not be built from the Desk event handlers.
    #[error(transparent)]
    Webhooks(#[from] WebhooksError),
    /// The manifest does not allow extension webhooks (not an org
    /// extension, or no `Desk.events.ALL` scope).
    #[error(transparent)]
    WebhookManifest(#[from] WebhookManifestError),
    /// `resources.json` could not be updated.
    #[error(transparent)]
    Resources(#[from] ResourcesError),
    /// A file in `OUT_DIR` could not be written.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        reason: String,
    },
}

impl BuildError {
    /// One line per problem, for `cargo::error=` (which takes one line each).
    pub fn lines(&self) -> Vec<String> {
        self.to_string().lines().map(str::to_owned).collect()
    }
}

/// What a successful run produced.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The callback handlers found.
    pub handlers: Vec<ScannedHandler>,
    /// The Desk event handlers found.
    pub desk_handlers: Vec<ScannedDeskHandler>,
    /// The `callbackListener` section.
    pub listener: CallbackListener,
    /// The webhook resources of the Desk event handlers.
    pub webhooks: Webhooks,
    /// `OUT_DIR/callback-listener.json`.
    pub listener_file: PathBuf,
    /// `OUT_DIR/callback-handlers.json`.
    pub handlers_file: PathBuf,
    /// `OUT_DIR/resources-webhook.json`.
    pub webhook_file: PathBuf,
    /// Whether the manifest was rewritten (`None` without
    /// [`Config::merge_into`]).
    pub manifest_written: Option<bool>,
    /// Whether `resources.json` was rewritten (`None` without
    /// [`Config::resources_into`]).
    pub resources_written: Option<bool>,
    /// Every source file read.
    pub files: Vec<PathBuf>,
    /// Things worth saying that did not stop the build.
    pub warnings: Vec<String>,
}

/// Generates the `callbackListener` section from a build script.
///
/// Everything has a default taken from the environment Cargo gives build
/// scripts: the crate's directory (`CARGO_MANIFEST_DIR`), its name
/// (`CARGO_PKG_NAME`), `OUT_DIR`, and the base URL ([`BASE_URL_ENV`]; in a
/// debug build without it, [`DEV_BASE_URL`] with a warning, in a release
/// build an error: see [`resolve_base_url`]).
///
/// ```no_run
/// // build.rs
/// fn main() {
///     callback_build::Config::new()
///         .merge_into("plugin-manifest.json")
///         .run_or_exit();
/// }
/// ```
///
/// Its `Debug` shows the base URL without any `user:password@` it carries
/// (which [`Config::run`] refuses).
#[derive(Clone, Default)]
#[must_use = "a Config does nothing until `run` or `run_or_exit`"]
pub struct Config {
    base_url: Option<String>,
    crate_dir: Option<PathBuf>,
    crate_name: Option<String>,
    out_dir: Option<PathBuf>,
    roots: Vec<PathBuf>,
    manifest: Option<PathBuf>,
    resources: Option<PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "base_url",
                &self.base_url.as_deref().map(without_credentials),
            )
            .field("crate_dir", &self.crate_dir)
            .field("crate_name", &self.crate_name)
            .field("out_dir", &self.out_dir)
            .field("roots", &self.roots)
            .field("manifest", &self.manifest)
            .field("resources", &self.resources)
            .finish()
    }
}

impl Config {
    /// A configuration with every default.
    pub fn new() -> Self {
        Config::default()
    }

    /// The base URL every handler's path is appended to, instead of the
    /// [`BASE_URL_ENV`] environment variable (and of [`DEV_BASE_URL`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Merges the section into this `plugin-manifest.json` (relative to the
    /// crate's directory), keeping every other byte of it. The file is
    /// written only when its content changes.
    pub fn merge_into(mut self, manifest: impl Into<PathBuf>) -> Self {
        self.manifest = Some(manifest.into());
        self
    }

    /// Merges the webhook resources of the Desk event handlers into this
    /// `resources.json` (relative to the crate's directory; created when it
    /// does not exist), keeping every byte but those of its `webhook` key:
    /// of each webhook, `url` and `subscriptions` are written, and its
    /// `name` (the `resourceName` for a new one), `description`,
    /// `ignoreSourceId` and any other member kept. With no Desk event
    /// handler, the `webhook` key is removed. The file is written only when
    /// its content changes.
    pub fn resources_into(mut self, resources: impl Into<PathBuf>) -> Self {
        self.resources = Some(resources.into());
        self
    }

    /// Scans this root file (relative to the crate's directory) instead of
    /// `src/lib.rs` and `src/main.rs`; call it once per root.
    pub fn root(mut self, file: impl Into<PathBuf>) -> Self {
        self.roots.push(file.into());
        self
    }

    /// The crate's name as `module_path!()` starts with it, instead of
    /// `CARGO_PKG_NAME`: needed when `[lib] name` differs from the package.
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// The crate's directory, instead of `CARGO_MANIFEST_DIR`.
    pub fn crate_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.crate_dir = Some(dir.into());
        self
    }

    /// Where to write the generated files, instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Scans, writes `callback-listener.json`, `resources-webhook.json` and
    /// `callback-handlers.json` to `OUT_DIR`, merges into the manifest and
    /// `resources.json` if asked, and prints the `cargo::rerun-if-…` lines
    /// for every file read and the base URL variable. Nothing is written
    /// unless everything could be prepared.
    ///
    /// With Desk event handlers and a manifest ([`Config::merge_into`]), the
    /// manifest must be `"type": "org"` with `Desk.events.ALL` among its
    /// `zohoAuthorisation` scopes. With a manifest, sources that call
    /// extension storage while it lacks `"storage": true` give a warning.
    pub fn run(&self) -> Result<Generated, BuildError> {
        self.run_to(&mut std::io::stdout().lock())
    }

    /// [`Config::run`], printing any warning as `cargo::warning=` and, on
    /// failure, each problem as `cargo::error=`, then ending the build
    /// script.
    ///
    /// A failed run ends the process with status 0 on purpose: Cargo fails
    /// the build on the `cargo::error=` lines alone ("build script logged
    /// errors") and shows only them, where a non-zero status would add its
    /// "failed to run custom build command" note with a dump of everything
    /// the script printed under our messages.
    pub fn run_or_exit(&self) {
        let mut out = std::io::stdout().lock();
        match self.run_to(&mut out) {
            Ok(generated) => {
                for warning in &generated.warnings {
                    let _ = writeln!(out, "cargo::warning={warning}");
                }
            }
            Err(e) => {
                for line in e.lines() {
                    let _ = writeln!(out, "cargo::error={line}");
                }
                let _ = out.flush();
                // Cargo fails the build on the errors; see above.
                std::process::exit(0);
            }
        }
    }

    fn run_to(&self, out: &mut dyn Write) -> Result<Generated, BuildError> {
        let _ = writeln!(out, "cargo::rerun-if-env-changed={BASE_URL_ENV}");
        let env = std::env::var(BASE_URL_ENV).ok();
        let profile = std::env::var("PROFILE").ok();
        let BaseUrl {
            url: base_url,
            warning: base_url_warning,
        } = resolve_base_url(self.base_url.as_deref(), env.as_deref(), profile.as_deref())?;
        let crate_dir = dir_or_env(&self.crate_dir, "CARGO_MANIFEST_DIR")?;
        let out_dir = dir_or_env(&self.out_dir, "OUT_DIR")?;
        let crate_name = match &self.crate_name {
            Some(name) => name.clone(),
            None => std::env::var("CARGO_PKG_NAME")
                .map_err(|_| BuildError::MissingCargoEnv("CARGO_PKG_NAME"))?,
        };

        let mut scanner = Scanner::new(&crate_dir).crate_name(&crate_name);
        for root in &self.roots {
            scanner = scanner.root(root);
        }
        let mut scan = scanner.scan()?;
        scan.warnings.extend(base_url_warning);
        if scan.handlers.is_empty() && scan.desk_handlers.is_empty() {
            scan.warnings.push(
                "no handler attributes (#[on_install], #[desk_event(…)], …) found; \
                 callbackListener is empty"
                    .to_owned(),
            );
        }
        for file in &scan.files {
            let _ = writeln!(out, "cargo::rerun-if-changed={}", file.display());
        }

        let section = listener(&base_url, &scan.handlers)?;
        let webhooks = Webhooks::new(&base_url, scan.desk_handlers.iter().map(|h| &h.info))?;
        let manifest = match &self.manifest {
            Some(manifest) => {
                let path = crate_dir.join(manifest);
                let _ = writeln!(out, "cargo::rerun-if-changed={}", path.display());
                let update = ManifestUpdate::prepare(&path, &section)?;
                check_manifest(
                    &update,
                    &scan.storage_calls,
                    !webhooks.is_empty(),
                    &mut scan.warnings,
                )?;
                Some(update)
            }
            None => None,
        };
        let resources = match &self.resources {
            Some(resources) => {
                let path = crate_dir.join(resources);
                let _ = writeln!(out, "cargo::rerun-if-changed={}", path.display());
                Some(ResourcesUpdate::prepare(&path, &webhooks)?)
            }
            None => None,
        };

        let listener_file = out_dir.join(LISTENER_FILE);
        let handlers_file = out_dir.join(HANDLERS_FILE);
        let webhook_file = out_dir.join(WEBHOOK_FILE);
        write_out(&listener_file, &section.to_json_pretty())?;
        write_out(
            &handlers_file,
            &scan_json(&scan.handlers, &scan.desk_handlers),
        )?;
        let webhook_section = match &resources {
            Some(update) => update.section().to_owned(),
            None => webhooks.to_json_pretty(),
        };
        write_out(&webhook_file, &webhook_section)?;
        let manifest_written = manifest.map(|update| update.write()).transpose()?;
        let resources_written = resources.map(|update| update.write()).transpose()?;

        Ok(Generated {
            handlers: scan.handlers,
            desk_handlers: scan.desk_handlers,
            listener: section,
            webhooks,
            listener_file,
            handlers_file,
            webhook_file,
            manifest_written,
            resources_written,
            files: scan.files,
            warnings: scan.warnings,
        })
    }
}

/// What the manifest must say for the sources: with Desk event handlers
/// (`webhooks`), an org extension with the events scope (an error); with
/// storage calls, `"storage": true` (a warning).
pub(crate) fn check_manifest(
    update: &ManifestUpdate,
    storage_calls: &[Location],
    webhooks: bool,
    warnings: &mut Vec<String>,
) -> Result<(), WebhookManifestError> {
    if webhooks {
        check_webhook_manifest(update.path(), update.current())?;
    }
    warnings.extend(storage_warning(
        storage_calls,
        update.path(),
        update.current(),
    ));
    Ok(())
}

fn dir_or_env(given: &Option<PathBuf>, var: &'static str) -> Result<PathBuf, BuildError> {
    match given {
        Some(dir) => Ok(dir.clone()),
        None => std::env::var_os(var)
            .map(PathBuf::from)
            .ok_or(BuildError::MissingCargoEnv(var)),
    }
}

fn write_out(path: &Path, contents: &str) -> Result<bool, BuildError> {
    write_if_changed(path, contents).map_err(|e| BuildError::Write {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}
