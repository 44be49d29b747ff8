//! The `callbackListener` section of `plugin-manifest.json`: built from the
//! registered handlers, merged into an existing manifest without touching
//! anything else in it, and read back from one.

mod drift;
mod listener;
mod merge;
mod read;

pub use drift::{Drift, DriftError, HANDLERS_FILE, HandlerRecord, ScannedHandlers, check_drift};
pub use listener::{CallbackListener, ListenerError, Registration};
pub use merge::{MergeError, merge_listener};
pub use read::ReadListenerError;

/// The reason in a serde_json error, without the " at line L column C" that
/// the caller reports in its own words.
pub(crate) fn json_error_reason(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

/// The top-level object of a manifest `text`, with the byte range of every
/// member, or `None` if `text` is not an object (or not JSON even for the
/// lenient parser).
pub(crate) fn top_level_object(text: &str) -> Option<jsonc_parser::ast::Object<'_>> {
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default()).ok()?;
    match parsed.value? {
        jsonc_parser::ast::Value::Object(object) => Some(object),
        _ => None,
    }
}

/// How many top-level keys named `key` the manifest `text` has (0 when it
/// is not an object). JSON readers disagree on which of two equal keys
/// counts (serde_json and `JSON.parse` keep the last, others the first), so
/// a key this crate reads or writes must appear once.
pub(crate) fn count_top_level_keys(text: &str, key: &str) -> usize {
    top_level_object(text).map_or(0, |object| {
        object
            .properties
            .iter()
            .filter(|p| p.name.as_str() == key)
            .count()
    })
}
