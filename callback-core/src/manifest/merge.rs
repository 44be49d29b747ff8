//! Writing `callbackListener` into an existing `plugin-manifest.json`,
//! leaving every other byte as it was.

use super::{CallbackListener, json_error_reason};
use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};

/// The manifest key this crate owns.
const KEY: &str = "callbackListener";

/// Why a manifest could not be merged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The existing manifest is not valid JSON.
    #[error("the manifest is not valid JSON at line {line}, column {column}: {reason}")]
    InvalidJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        reason: String,
    },
    /// The existing manifest is JSON but not an object.
    #[error("the manifest must be a JSON object")]
    NotAnObject,
    /// The manifest has more than one top-level `callbackListener` key:
    /// readers disagree on which one counts, so none is edited.
    #[error("the manifest has {count} top-level \"callbackListener\" keys; keep one")]
    DuplicateKey {
        /// How many there are.
        count: usize,
    },
}

/// Returns `manifest` with its `callbackListener` set to `listener`.
///
/// Only that one value changes: every other key, its order, its value and
/// the file's indentation stay byte for byte. A missing `callbackListener`
/// is appended as the last key. When the manifest already holds exactly
/// this listener (same events, URLs and order), the text is returned
/// unchanged, so a second merge is a no-op.
///
/// ```
/// use callback_core::manifest::{merge_listener, CallbackListener, Registration};
/// use callback_core::Event;
///
/// let manifest = "{\n    \"service\": \"DESK\",\n    \"secret\": \"s\"\n}\n";
/// let listener = CallbackListener::new(
///     "https://ext.example.com",
///     [Registration { event: Event::Install, path: "/callbacks/onInstall".into(), handler: "h".into() }],
/// )?;
/// let merged = merge_listener(manifest, &listener)?;
/// assert!(merged.starts_with("{\n    \"service\": \"DESK\",\n    \"secret\": \"s\",\n"));
/// assert!(merged.contains("\"onInstall\": \"https://ext.example.com/callbacks/onInstall\""));
/// assert_eq!(merge_listener(&merged, &listener)?, merged);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_listener(manifest: &str, listener: &CallbackListener) -> Result<String, MergeError> {
    // Editors on Windows may start the file with a byte-order mark: keep it.
    match manifest.strip_prefix(BOM) {
        Some(rest) => merge_listener(rest, listener).map(|merged| format!("{BOM}{merged}")),
        None => merge_without_bom(manifest, listener),
    }
}

/// The UTF-8 byte-order mark.
const BOM: char = '\u{feff}';

fn merge_without_bom(manifest: &str, listener: &CallbackListener) -> Result<String, MergeError> {
    // Strict JSON first: the CST parser is lenient (comments, trailing commas).
    let value: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| MergeError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: json_error_reason(&e),
        })?;
    if !value.is_object() {
        return Err(MergeError::NotAnObject);
    }

    let root = CstRootNode::parse(manifest, &Default::default())
        .expect("text that is strict JSON is also valid for the lenient CST parser");
    let object = root
        .object_value()
        .expect("the value was checked to be an object");

    let count = super::count_keys(&object, KEY);
    if count > 1 {
        return Err(MergeError::DuplicateKey { count });
    }

    match object.get(KEY) {
        Some(prop) if already_holds(prop.object_value().as_ref(), listener) => {
            return Ok(manifest.to_owned());
        }
        Some(prop) => prop.set_value(to_input(listener)),
        None => {
            object.append(KEY, to_input(listener));
        }
    }
    Ok(root.to_string())
}

fn to_input(listener: &CallbackListener) -> CstInputValue {
    CstInputValue::Object(
        listener
            .entries()
            .map(|(event, url)| {
                (
                    event.wire_name().to_owned(),
                    CstInputValue::String(url.to_owned()),
                )
            })
            .collect(),
    )
}

/// Whether `existing` has exactly the listener's entries, in its order.
fn already_holds(existing: Option<&CstObject>, listener: &CallbackListener) -> bool {
    let Some(existing) = existing else {
        return false;
    };
    let props = existing.properties();
    props.len() == listener.entries().len()
        && props
            .iter()
            .zip(listener.entries())
            .all(|(prop, (event, url))| {
                prop.name().and_then(|n| n.decoded_value().ok()).as_deref()
                    == Some(event.wire_name())
                    && prop
                        .value()
                        .and_then(|v| v.as_string_lit())
                        .and_then(|s| s.decoded_value().ok())
                        .as_deref()
                        == Some(url)
            })
}
