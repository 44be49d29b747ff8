//! What `plugin-manifest.json` must say for the handlers and calls the
//! sources hold: an org extension with the `Desk.events.ALL` scope for
//! extension webhooks, and `"storage": true` for extension storage.

use crate::error::Location;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The scope extension webhooks need in `zohoAuthorisation.scope`.
pub const DESK_EVENTS_SCOPE: &str = "Desk.events.ALL";

/// Something `plugin-manifest.json` lacks for extension webhooks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookManifestProblem {
    /// Its `type` is not `org`.
    #[error(
        "\"type\" is {found}; extension webhooks (#[desk_event] handlers) are only for org \
         extensions: set \"type\": \"org\""
    )]
    NotOrg {
        /// The `type` as written (JSON), or `missing`.
        found: String,
    },
    /// Its `zohoAuthorisation.scope` does not list `Desk.events.ALL`.
    #[error(
        "\"zohoAuthorisation\".\"scope\" lacks \"{DESK_EVENTS_SCOPE}\", which extension webhooks \
         (#[desk_event] handlers) need: add it"
    )]
    NoEventsScope,
}

/// Why the manifest does not fit the extension's webhooks: one line per
/// problem, each naming the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.iter().map(|p| format!("{}: {p}", path.display())).collect::<Vec<_>>().join("\n"))]
pub struct WebhookManifestError {
    /// The manifest.
    pub path: PathBuf,
    /// Every problem (never empty).
    pub problems: Vec<WebhookManifestProblem>,
}

/// Checks that the manifest `text` (at `path`, for messages) declares an
/// org extension with the `Desk.events.ALL` scope, which extension webhooks
/// need. The scope is looked for in `zohoAuthorisation.scope`, a list of
/// strings or one comma-separated string, in any case.
pub fn check_webhook_manifest(path: &Path, text: &str) -> Result<(), WebhookManifestError> {
    let manifest: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_default();
    let mut problems = Vec::new();
    match manifest.get("type") {
        Some(Value::String(t)) if t == "org" => {}
        Some(other) => problems.push(WebhookManifestProblem::NotOrg {
            found: other.to_string(),
        }),
        None => problems.push(WebhookManifestProblem::NotOrg {
            found: "missing".to_owned(),
        }),
    }
    let is_events = |s: &str| s.trim().eq_ignore_ascii_case(DESK_EVENTS_SCOPE);
    let scoped = match manifest.pointer("/zohoAuthorisation/scope") {
        Some(Value::Array(scopes)) => scopes.iter().filter_map(Value::as_str).any(is_events),
        Some(Value::String(scopes)) => scopes.split(',').any(is_events),
        _ => false,
    };
    if !scoped {
        problems.push(WebhookManifestProblem::NoEventsScope);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WebhookManifestError {
            path: path.to_owned(),
            problems,
        })
    }
}

/// The warning for sources that call extension storage (`calls`, from
/// [`Scan::storage_calls`](crate::Scan::storage_calls)) when the manifest
/// `text` (at `path`) does not have `"storage": true`; `None` when there is
/// no call or storage is on.
pub fn storage_warning(calls: &[Location], path: &Path, text: &str) -> Option<String> {
    let first = calls.first()?;
    let manifest: Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_default();
    if manifest.get("storage") == Some(&Value::Bool(true)) {
        return None;
    }
    let more = match calls.len() {
        1 => String::new(),
        2 => " (and 1 more place)".to_owned(),
        n => format!(" (and {} more places)", n - 1),
    };
    Some(format!(
        "{first}: this calls extension storage{more}, but {} does not have \"storage\": true, \
         without which Zoho refuses the extension's storage calls; add \"storage\": true to it",
        path.display()
    ))
}
