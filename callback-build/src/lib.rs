//! Keeps an extension's `plugin-manifest.json` and `resources.json` in step
//! with its code.
//!
//! Called from the extension's `build.rs`, it scans the crate's sources for
//! functions carrying a handler attribute (`#[on_install]`,
//! `#[on_config_param_add(path = "/zoho/config")]`, `#[desk_event(Ticket_Add)]`,
//! … in any import form), and writes the `callbackListener` section of the
//! manifest (each event mapped to the base URL plus the handler's path) and
//! the `webhook` resources of `resources.json` (see [Desk events](#desk-events-resourcesjson)).
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     callback_build::Config::new()
//!         .merge_into("plugin-manifest.json")
//!         .resources_into("resources.json")
//!         .run_or_exit();
//! }
//! ```
//!
//! With `CALLBACK_BASE_URL=https://ext.example.com cargo build`, this:
//!
//! - scans `src/lib.rs` and `src/main.rs` (each that exists) and every module
//!   they declare: `mod x;` in `x.rs` or `x/mod.rs`, `#[path = "…"]`, inline
//!   `mod x { … }`. Items under `#[cfg(test)]` are skipped; other `#[cfg]`s
//!   are not evaluated, which is what [`check_drift`] catches;
//! - reads each attribute with the grammar the attribute macros use
//!   ([`callback_spec::recognise_attribute`],
//!   [`callback_spec::recognise_desk_attribute`]) and the same default paths
//!   ([`callback_spec::default_path`], [`callback_spec::default_webhook_path`]),
//!   so the two cannot disagree;
//! - writes `OUT_DIR/callback-listener.json` (the section, for
//!   `include_str!`), `OUT_DIR/resources-webhook.json` (the `webhook`
//!   section) and `OUT_DIR/callback-handlers.json` (the handlers found, for
//!   the drift check);
//! - with [`Config::merge_into`], sets `callbackListener` in the manifest and
//!   leaves every other byte as it was; with [`Config::resources_into`], the
//!   same for `webhook` in `resources.json`; each file is written only when
//!   it changes, and nothing is written unless everything could be prepared;
//! - prints `cargo::rerun-if-changed` for every file read and both files,
//!   and `cargo::rerun-if-env-changed=CALLBACK_BASE_URL`.
//!
//! Without `CALLBACK_BASE_URL` (or [`Config::base_url`]), a debug build
//! uses [`DEV_BASE_URL`] (`http://127.0.0.1:8080`) and prints a
//! `cargo::warning=` saying so and how to set it, so `cargo build`,
//! `cargo test` and rust-analyzer need no environment in development; a
//! release build fails instead, so a local URL is never released.
//!
//! A missing base URL in a release build, two handlers for one event, an
//! attribute that does not parse or a file that is not valid Rust fails the
//! build with a `cargo::error=` line naming the file and line.
//!
//! Tie the manifests to what is really mounted with a test (with
//! `callback-build` among the dev-dependencies too):
//!
//! ```ignore
//! #[test]
//! fn manifests_match_the_mounted_handlers() {
//!     callback_build::DriftCheck::new(include_str!(concat!(
//!         env!("OUT_DIR"),
//!         "/callback-handlers.json"
//!     )))
//!     .callbacks(&callbacks![installed, config::added])
//!     .desk_events(&desk_events![ticket_added, ticket_updated])
//!     .check()
//!     .unwrap();
//! }
//! ```
//!
//! ([`check_drift`] is the same check for an extension without Desk event
//! handlers.)
//!
//! # Desk events: `resources.json`
//!
//! Each `#[desk_event(...)]` handler subscribes its webhook to its event
//! type, with the options the attribute names:
//!
//! ```ignore
//! #[desk_event(Ticket_Add)]
//! async fn ticket_added(event: DeskEvent) {}
//!
//! #[desk_event(Ticket_Update, include_prev_state, fields = ["status", "priority"])]
//! async fn ticket_updated(event: DeskEvent) {}
//! ```
//!
//! gives, in `resources.json` (beside `plugin-manifest.json`):
//!
//! ```json
//! "webhook": {
//!   "resourceName": "deskEvents",
//!   "url": "https://ext.example.com/desk/deskEvents",
//!   "name": "deskEvents",
//!   "subscriptions": {
//!     "Ticket_Add": null,
//!     "Ticket_Update": {
//!       "includePrevState": true,
//!       "fields": ["status", "priority"]
//!     }
//!   }
//! }
//! ```
//!
//! - `resourceName` is the handlers' `webhook = "..."` (`deskEvents` by
//!   default) and `url` the base URL plus their path (`/desk/<webhook>` by
//!   default). A subscription without options is `null`.
//! - Of a webhook already in the file, `url` and `subscriptions` are
//!   written; its `name`, `description`, `ignoreSourceId` and every other
//!   member are kept. A new webhook is named after its `resourceName`:
//!   rename it in the file, and the name stays.
//! - One webhook is an object, as Zoho documents it. Several (handlers
//!   naming several `webhook`s) are an **array** of such objects, in the
//!   file's order, new ones by name: Zoho documents no form for several
//!   webhook resources, and one key twice would be read differently by
//!   different JSON readers.
//! - A catch-all, `#[desk_event(any)]`, adds no subscription: it takes the
//!   events of its webhook that no other handler takes. The subscriptions
//!   the file lists that no handler names are kept for it (add one by hand,
//!   say for an event type this version does not know); a webhook without a
//!   catch-all drops them, as nobody would handle them.
//! - Refused, each with its fix: in `plugin-manifest.json`, a `type` other
//!   than `org` and a `zohoAuthorisation.scope` without `Desk.events.ALL`
//!   (Zoho creates extension webhooks only for org extensions with that
//!   scope); in `resources.json`, an `ignoreSourceId` that is not a UUID, a
//!   `resourceName` used twice, and `departmentIds` in a subscription (Zoho
//!   filters by the departments of the extension's configuration).
//!
//! # Extension storage
//!
//! When the sources call extension storage (`invoke.storage()`, or a string
//! holding [`STORAGE_PATH_PART`]) and the manifest lacks `"storage": true`,
//! the build prints a `cargo::warning=` naming the first place: Zoho refuses
//! the storage calls of an extension that has not turned storage on.
//!
//! The scanner is also a library function ([`scan_crate`], [`Scanner`]),
//! which the `callback manifest` command uses.

// The examples show a whole build.rs, `fn main` included.
#![allow(clippy::needless_doctest_main)]

mod config;
mod drift;
mod error;
mod json_merge;
mod manifest_checks;
mod modules;
mod output;
mod resources;
mod scan;
mod storage;

pub use config::{
    BASE_URL_ENV, BaseUrl, BuildError, Config, DEBUG_PROFILE, DEV_BASE_URL, Generated,
    LISTENER_FILE, resolve_base_url,
};
pub use drift::{
    DeskHandlerRecord, Drift, DriftCheck, DriftError, HANDLERS_FILE, HandlerRecord, check_drift,
    handlers_json, read_desk_handlers, read_handlers, scan_json,
};
pub use error::{Location, Problem, ScanError};
pub use manifest_checks::{
    DESK_EVENTS_SCOPE, WebhookManifestError, WebhookManifestProblem, check_webhook_manifest,
    storage_warning,
};
pub use output::{ManifestError, ManifestUpdate, listener, write_if_changed};
pub use resources::{
    ResourcesError, ResourcesProblem, ResourcesUpdate, Subscription, WEBHOOK_FILE, WEBHOOK_KEY,
    Webhook, Webhooks, WebhooksError,
};
pub use scan::{Scan, ScannedDeskHandler, ScannedHandler, Scanner, scan_crate};
pub use storage::STORAGE_PATH_PART;
