//! Writing `callbackListener` into an existing `plugin-manifest.json`,
//! leaving every other byte as it was.

use super::{CallbackListener, json_error_reason};
use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::{Range, Ranged};

/// The manifest key this crate owns.
const KEY: &str = "callbackListener";

/// Why a manifest could not be merged. Needs the `merge` feature.
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

/// Returns `manifest` with its `callbackListener` set to `listener`. Needs
/// the `merge` feature (callback-build and the `callback` CLI turn it on).
///
/// Only that one value changes: every other key, its order, its value and
/// the file's indentation stay byte for byte. A missing `callbackListener`
/// is appended as the last key. When the manifest already holds exactly
/// this listener (same events, URLs and order), the text is returned
/// unchanged, so a second merge is a no-op.
///
/// ```
/// use callback_core::manifest::{merge_listener, CallbackListener};
/// use callback_core::{Event, HandlerInfo};
///
/// let manifest = "{\n    \"service\": \"DESK\",\n    \"secret\": \"s\"\n}\n";
/// let listener = CallbackListener::new(
///     "https://ext.example.com",
///     &[HandlerInfo::new(Event::Install, "/callbacks/onInstall", "h", "ext")],
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

/// The top-level object of a manifest `text`, with the byte range of every
/// member, or `None` if `text` is not an object (or not JSON even for the
/// lenient parser).
fn top_level_object(text: &str) -> Option<Object<'_>> {
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default()).ok()?;
    match parsed.value? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

/// The UTF-8 byte-order mark.
const BOM: char = '\u{feff}';

fn merge_without_bom(manifest: &str, listener: &CallbackListener) -> Result<String, MergeError> {
    // Strict JSON first: the syntax-tree parser is lenient (comments,
    // trailing commas).
    let value: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| MergeError::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: json_error_reason(&e),
        })?;
    if !value.is_object() {
        return Err(MergeError::NotAnObject);
    }
    let object = top_level_object(manifest)
        .expect("text that is strict JSON is also valid for the lenient parser");

    let mut found = object.properties.iter().filter(|p| p.name.as_str() == KEY);
    let (existing, count) = (found.next(), 1 + found.count());
    if existing.is_some() && count > 1 {
        return Err(MergeError::DuplicateKey { count });
    }
    let style = Style::of(manifest, &object);
    let merged = match existing {
        Some(prop) if already_holds(&prop.value, listener) => return Ok(manifest.to_owned()),
        // Replace the value's bytes, nothing else.
        Some(prop) => splice(manifest, prop.value.range(), &style.render(listener)),
        // Insert a member after the last one, nothing else.
        None => {
            let (at, member) = match object.properties.last() {
                Some(last) => (
                    last.range.end,
                    format!("{}{}", style.separator, style.member(listener)),
                ),
                None => (
                    object.range.start + 1,
                    format!(
                        "{}{}{}",
                        style.newline,
                        style.member(listener),
                        style.newline
                    ),
                ),
            };
            splice(manifest, Range { start: at, end: at }, &member)
        }
    };
    Ok(merged)
}

/// `text` with the bytes of `range` replaced by `with`.
fn splice(text: &str, range: Range, with: &str) -> String {
    [&text[..range.start], with, &text[range.end..]].concat()
}

/// How the manifest lays out its top-level members, so the inserted text
/// looks like the rest.
struct Style {
    /// Between two members: `,` then a newline and the indentation, or `,`
    /// alone in a one-line object.
    separator: String,
    /// A newline and the members' indentation; empty in a one-line object.
    newline: String,
    /// The members' indentation (one level).
    indent: String,
    /// The text between a key and its value, such as `: ` or `:`.
    colon: String,
    /// `\n` or `\r\n`.
    line_end: &'static str,
}

impl Style {
    fn of(text: &str, object: &Object<'_>) -> Style {
        let line_end = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let one_line = !text[object.range.start..object.range.end].contains('\n');
        // The indentation of the last member, if it starts its own line.
        let indent = object
            .properties
            .last()
            .and_then(|p| {
                let line_start = text[..p.range.start].rfind('\n').map_or(0, |i| i + 1);
                let before = &text[line_start..p.range.start];
                before
                    .chars()
                    .all(|c| c == ' ' || c == '\t')
                    .then(|| before.to_owned())
            })
            .unwrap_or_else(|| "  ".to_owned());
        let colon = object
            .properties
            .last()
            .map_or(": ", |p| &text[p.name.range().end..p.value.range().start])
            .to_owned();
        let newline = if one_line && !object.properties.is_empty() {
            String::new()
        } else {
            format!("{line_end}{indent}")
        };
        Style {
            separator: format!(",{newline}"),
            newline,
            indent,
            colon,
            line_end,
        }
    }

    /// `"callbackListener": {…}`.
    fn member(&self, listener: &CallbackListener) -> String {
        format!("{}{}{}", quote(KEY), self.colon, self.render(listener))
    }

    /// The listener object, one entry a line one level deeper than the
    /// members, or on one line in a one-line manifest.
    fn render(&self, listener: &CallbackListener) -> String {
        if listener.is_empty() {
            return "{}".to_owned();
        }
        let entries = listener.entries().map(|(event, url)| {
            format!("{}{}{}", quote(event.wire_name()), self.colon, quote(url))
        });
        if self.newline.is_empty() {
            return format!("{{{}}}", entries.collect::<Vec<_>>().join(","));
        }
        let inner = format!("{}{}{}", self.line_end, self.indent, self.indent);
        let body: Vec<String> = entries.map(|e| format!("{inner}{e}")).collect();
        format!("{{{}{}{}}}", body.join(","), self.line_end, self.indent)
    }
}

fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Whether `existing` has exactly the listener's entries, in its order.
fn already_holds(existing: &Value<'_>, listener: &CallbackListener) -> bool {
    let Value::Object(existing) = existing else {
        return false;
    };
    existing.properties.len() == listener.entries().len()
        && existing
            .properties
            .iter()
            .zip(listener.entries())
            .all(|(prop, (event, url))| {
                prop.name.as_str() == event.wire_name()
                    && prop.value.as_string_lit().map(|s| s.value.as_ref()) == Some(url)
            })
}
