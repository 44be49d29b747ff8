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

/// How many properties of `object` are named `key`. JSON readers disagree on
/// which of two equal keys counts (serde_json and `JSON.parse` keep the last,
/// others the first), so a key this crate reads or writes must appear once.
pub(crate) fn count_keys(object: &jsonc_parser::cst::CstObject, key: &str) -> usize {
    object
        .properties()
        .iter()
        .filter(|p| p.name().and_then(|n| n.decoded_value().ok()).as_deref() == Some(key))
        .count()
}

/// How many top-level keys named `key` the manifest `text` has; 0 when it
/// is not an object. `text` must already be known to be valid JSON.
pub(crate) fn count_top_level_keys(text: &str, key: &str) -> usize {
    jsonc_parser::cst::CstRootNode::parse(text, &Default::default())
        .ok()
        .and_then(|root| root.object_value())
        .map_or(0, |object| count_keys(&object, key))
}
