//! The `callbackListener` section of `plugin-manifest.json`: built from the
//! registered handlers, and merged into an existing manifest without
//! touching anything else in it.

mod drift;
mod listener;
mod merge;

pub use drift::{Drift, DriftError, HANDLERS_FILE, HandlerRecord, ScannedHandlers, check_drift};
pub use listener::{CallbackListener, ListenerError, Registration};
pub use merge::{MergeError, merge_listener};

/// The reason in a serde_json error, without the " at line L column C" that
/// the caller reports in its own words.
pub(crate) fn json_error_reason(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}
