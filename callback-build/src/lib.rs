//! Keeps an extension's `plugin-manifest.json` in step with its code.
//!
//! Called from the extension's `build.rs`, it scans the crate's sources for
//! functions carrying a handler attribute (`#[on_install]`,
//! `#[on_config_param_add(path = "/zoho/config")]`, … in any import form),
//! and writes the `callbackListener` section: each event mapped to the base
//! URL plus the handler's path.
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     callback_build::Config::new()
//!         .merge_into("plugin-manifest.json")
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
//!   ([`callback_spec::recognise_attribute`]) and the same default path
//!   ([`callback_spec::default_path`]), so the two cannot disagree;
//! - writes `OUT_DIR/callback-listener.json` (the section, for
//!   `include_str!`) and `OUT_DIR/callback-handlers.json` (the handlers
//!   found, for the drift check);
//! - with [`Config::merge_into`], sets `callbackListener` in the manifest and
//!   leaves every other byte as it was, writing the file only when it
//!   changes;
//! - prints `cargo::rerun-if-changed` for every file read and the manifest,
//!   and `cargo::rerun-if-env-changed=CALLBACK_BASE_URL`.
//!
//! A missing base URL, two handlers for one event, an attribute that does
//! not parse or a file that is not valid Rust fails the build with a
//! `cargo::error=` line naming the file and line.
//!
//! Tie the manifest to what is really mounted with a test (with
//! `callback-build` among the dev-dependencies too):
//!
//! ```ignore
//! #[test]
//! fn manifest_matches_the_mounted_handlers() {
//!     callback_build::check_drift(
//!         &callbacks![installed, config::added],
//!         include_str!(concat!(env!("OUT_DIR"), "/callback-handlers.json")),
//!     )
//!     .unwrap();
//! }
//! ```
//!
//! The scanner is also a library function ([`scan_crate`], [`Scanner`]),
//! which the `callback manifest` command uses.

// The examples show a whole build.rs, `fn main` included.
#![allow(clippy::needless_doctest_main)]

mod config;
mod drift;
mod error;
mod modules;
mod output;
mod scan;

pub use config::{BASE_URL_ENV, BuildError, Config, Generated, LISTENER_FILE};
pub use drift::{
    Drift, DriftError, HANDLERS_FILE, HandlerRecord, check_drift, handlers_json, read_handlers,
};
pub use error::{Location, Problem, ScanError};
pub use output::{ManifestError, ManifestUpdate, listener, write_if_changed};
pub use scan::{Scan, ScannedHandler, Scanner, scan_crate};
