//! Setting one top-level member of a JSON file, leaving every other byte as
//! it was: the same technique as callback-core's `merge_listener` (byte
//! ranges from jsonc-parser, strict JSON checked first with serde_json, the
//! file's own indentation, colon and line ends for the inserted text), for
//! a member of any shape.

use jsonc_parser::ast::{Object, ObjectProp, Value};
use jsonc_parser::common::{Range, Ranged};

/// A JSON value with its object members in the order written (serde_json's
/// `Value` sorts them) and its numbers as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of a syntax tree node.
    pub(crate) fn from_ast(value: &Value<'_>) -> Json {
        match value {
            Value::StringLit(s) => Json::String(s.value.to_string()),
            Value::NumberLit(n) => Json::Number(n.value.to_owned()),
            Value::BooleanLit(b) => Json::Bool(b.value),
            Value::Object(o) => Json::Object(
                o.properties
                    .iter()
                    .map(|p| (p.name.as_str().to_owned(), Json::from_ast(&p.value)))
                    .collect(),
            ),
            Value::Array(a) => Json::Array(a.elements.iter().map(Json::from_ast).collect()),
            Value::NullKeyword(_) => Json::Null,
        }
    }

    /// A string.
    pub(crate) fn str(s: &str) -> Json {
        Json::String(s.to_owned())
    }

    /// The first member named `key`, of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// Two-space indented, as the files in `OUT_DIR` are written.
    pub(crate) fn to_pretty(&self) -> String {
        self.render(&Layout::default(), 0)
    }

    /// On one line, for messages.
    pub(crate) fn to_compact(&self) -> String {
        self.render(
            &Layout {
                one_line: true,
                ..Layout::default()
            },
            0,
        )
    }

    /// The value laid out as `layout` says, `depth` levels in: an object
    /// one member a line (on one line in a one-line file), an array of
    /// scalars on one line, any other array one element a line.
    fn render(&self, layout: &Layout, depth: usize) -> String {
        match self {
            Json::Null => "null".to_owned(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.clone(),
            Json::String(s) => quote(s),
            Json::Array(items) if items.is_empty() => "[]".to_owned(),
            Json::Array(items) if layout.one_line || items.iter().all(Json::is_scalar) => {
                let items: Vec<String> = items.iter().map(|i| i.render(layout, depth)).collect();
                format!("[{}]", items.join(", "))
            }
            Json::Array(items) => {
                let items = items.iter().map(|i| i.render(layout, depth + 1));
                layout.block('[', items, ']', depth)
            }
            Json::Object(members) if members.is_empty() => "{}".to_owned(),
            Json::Object(members) => {
                let members = members.iter().map(|(k, v)| {
                    format!(
                        "{}{}{}",
                        quote(k),
                        layout.colon,
                        v.render(layout, depth + 1)
                    )
                });
                layout.block('{', members, '}', depth)
            }
        }
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Json::Array(_) | Json::Object(_))
    }
}

fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// How a file lays out its top-level members, so that inserted text looks
/// like the rest.
#[derive(Clone, Debug)]
struct Layout {
    /// The whole object is on one line.
    one_line: bool,
    /// One level of indentation (the top-level members').
    indent: String,
    /// Between a key and its value, such as `: ` or `:`.
    colon: String,
    /// `\n` or `\r\n`.
    line_end: &'static str,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            one_line: false,
            indent: "  ".to_owned(),
            colon: ": ".to_owned(),
            line_end: "\n",
        }
    }
}

impl Layout {
    fn of(text: &str, object: &Object<'_>) -> Layout {
        let line_end = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let one_line = !text[object.range.start..object.range.end].contains('\n')
            && !object.properties.is_empty();
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
            .filter(|indent| !indent.is_empty())
            .unwrap_or_else(|| "  ".to_owned());
        let colon = object
            .properties
            .last()
            .map_or(": ", |p| &text[p.name.range().end..p.value.range().start])
            .to_owned();
        Layout {
            one_line,
            indent,
            colon,
            line_end,
        }
    }

    /// `open`, the entries one a line one level deeper than `depth`, and
    /// `close` at `depth`; on one line in a one-line file.
    fn block(
        &self,
        open: char,
        entries: impl Iterator<Item = String>,
        close: char,
        depth: usize,
    ) -> String {
        let entries: Vec<String> = entries.collect();
        if self.one_line {
            return format!("{open}{}{close}", entries.join(", "));
        }
        let inner = format!("{}{}", self.line_end, self.indent.repeat(depth + 1));
        let outer = format!("{}{}", self.line_end, self.indent.repeat(depth));
        format!(
            "{open}{inner}{}{outer}{close}",
            entries.join(&format!(",{inner}"))
        )
    }

    /// A newline and the members' indentation, or nothing in a one-line
    /// file.
    fn member_start(&self) -> String {
        if self.one_line {
            " ".to_owned()
        } else {
            format!("{}{}", self.line_end, self.indent)
        }
    }
}

/// Why a file is not a JSON object whose members can be edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DocumentError {
    /// Not valid JSON.
    InvalidJson {
        line: usize,
        column: usize,
        reason: String,
    },
    /// JSON, but not an object.
    NotAnObject,
}

/// The UTF-8 byte-order mark, which editors on Windows may start a file
/// with: kept.
const BOM: &str = "\u{feff}";

/// A JSON file whose top level is an object, with the byte range of every
/// member.
pub(crate) struct Document<'t> {
    bom: &'static str,
    text: &'t str,
    object: Object<'t>,
    layout: Layout,
}

impl<'t> Document<'t> {
    pub(crate) fn parse(text: &'t str) -> Result<Self, DocumentError> {
        let (bom, text) = match text.strip_prefix(BOM) {
            Some(rest) => (BOM, rest),
            None => ("", text),
        };
        // Strict JSON first: the syntax-tree parser is lenient (comments,
        // trailing commas).
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| DocumentError::InvalidJson {
                line: e.line(),
                column: e.column(),
                reason: json_error_reason(&e),
            })?;
        if !value.is_object() {
            return Err(DocumentError::NotAnObject);
        }
        let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default())
            .ok()
            .and_then(|parsed| parsed.value);
        let Some(Value::Object(object)) = parsed else {
            unreachable!("text that is a strict JSON object is one for the lenient parser too");
        };
        let layout = Layout::of(text, &object);
        Ok(Document {
            bom,
            text,
            object,
            layout,
        })
    }

    /// The top-level members, in file order (repeated keys kept).
    pub(crate) fn members(&self) -> impl Iterator<Item = (&str, Json)> + '_ {
        self.object
            .properties
            .iter()
            .map(|p| (p.name.as_str(), Json::from_ast(&p.value)))
    }

    /// How many top-level members are named `key`.
    pub(crate) fn count(&self, key: &str) -> usize {
        self.object
            .properties
            .iter()
            .filter(|p| p.name.as_str() == key)
            .count()
    }

    /// The whole text with the member `key` set to `value`, or removed for
    /// `None`, and every other byte as it was. The first member named `key`
    /// is the one edited (callers refuse a file with two). A member that
    /// already holds `value` leaves the text unchanged; a new member is
    /// appended as the last.
    pub(crate) fn with_member(&self, key: &str, value: Option<&Json>) -> String {
        let props = &self.object.properties;
        let found = props.iter().position(|p| p.name.as_str() == key);
        let edited = match (found, value) {
            (None, None) => None,
            (Some(i), Some(value)) if Json::from_ast(&props[i].value) == *value => None,
            (Some(i), Some(value)) => Some((props[i].value.range(), self.render(value))),
            (Some(i), None) => Some((self.removal(i), String::new())),
            (None, Some(value)) => Some(self.insertion(key, value)),
        };
        match edited {
            None => format!("{}{}", self.bom, self.text),
            Some((range, with)) => format!(
                "{}{}{with}{}",
                self.bom,
                &self.text[..range.start],
                &self.text[range.end..]
            ),
        }
    }

    fn render(&self, value: &Json) -> String {
        value.render(&self.layout, 1)
    }

    /// Where a new last member goes, and its text with the separator.
    fn insertion(&self, key: &str, value: &Json) -> (Range, String) {
        let member = format!("{}{}{}", quote(key), self.layout.colon, self.render(value));
        let start = self.layout.member_start();
        match self.object.properties.last() {
            Some(last) => (
                Range {
                    start: last.range.end,
                    end: last.range.end,
                },
                format!(",{start}{member}"),
            ),
            None => {
                let at = self.object.range.start + 1;
                let end = if self.layout.one_line {
                    String::new()
                } else {
                    self.layout.line_end.to_owned()
                };
                let range = Range {
                    start: at,
                    end: self.object.range.end - 1,
                };
                (range, format!("{start}{member}{end}"))
            }
        }
    }

    /// The bytes to cut to remove member `i` with one separator: from the
    /// end of the member before it, or to the start of the one after it,
    /// or the object's whole inside.
    fn removal(&self, i: usize) -> Range {
        let props: &[ObjectProp<'_>] = &self.object.properties;
        match (i.checked_sub(1).map(|j| &props[j]), props.get(i + 1)) {
            (Some(before), _) => Range {
                start: before.range.end,
                end: props[i].range.end,
            },
            (None, Some(after)) => Range {
                start: props[i].range.start,
                end: after.range.start,
            },
            (None, None) => Range {
                start: self.object.range.start + 1,
                end: self.object.range.end - 1,
            },
        }
    }
}

/// A new file holding the one member `key`: two-space indented.
pub(crate) fn new_document(key: &str, value: &Json) -> String {
    let object = Json::Object(vec![(key.to_owned(), value.clone())]);
    format!("{}\n", object.to_pretty())
}

/// The reason in a serde_json error, without the " at line L column C"
/// that the caller reports in its own words.
fn json_error_reason(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, key: &str, value: Option<&Json>) -> String {
        Document::parse(text).unwrap().with_member(key, value)
    }

    fn webhook() -> Json {
        Json::Object(vec![
            ("resourceName".into(), Json::str("w")),
            (
                "subscriptions".into(),
                Json::Object(vec![
                    ("Ticket_Add".into(), Json::Null),
                    (
                        "Ticket_Update".into(),
                        Json::Object(vec![(
                            "fields".into(),
                            Json::Array(vec![Json::str("a"), Json::str("b")]),
                        )]),
                    ),
                ]),
            ),
        ])
    }

    #[test]
    fn a_new_member_is_appended_in_the_files_layout() {
        let text = "{\n    \"a\": 1,\n    \"b\" :[1,2]\n}\n";
        assert_eq!(
            set(text, "webhook", Some(&webhook())),
            "{\n    \"a\": 1,\n    \"b\" :[1,2],\n    \"webhook\" :{\n        \"resourceName\" :\"w\",\n        \"subscriptions\" :{\n            \"Ticket_Add\" :null,\n            \"Ticket_Update\" :{\n                \"fields\" :[\"a\", \"b\"]\n            }\n        }\n    }\n}\n"
        );
        assert_eq!(
            set("{}", "k", Some(&Json::Array(vec![]))),
            "{\n  \"k\": []\n}"
        );
        assert_eq!(
            set("{\"a\": 1}", "k", Some(&webhook())),
            "{\"a\": 1, \"k\": {\"resourceName\": \"w\", \"subscriptions\": {\"Ticket_Add\": null, \"Ticket_Update\": {\"fields\": [\"a\", \"b\"]}}}}"
        );
    }

    #[test]
    fn only_the_members_value_is_replaced_and_the_same_value_changes_nothing() {
        let text = "\u{feff}{\r\n\t\"webhook\": {\"old\": true},\r\n\t\"z\": 0\r\n}";
        let merged = set(
            text,
            "webhook",
            Some(&Json::Object(vec![(
                "n".into(),
                Json::Number("1.50".into()),
            )])),
        );
        assert_eq!(
            merged,
            "\u{feff}{\r\n\t\"webhook\": {\r\n\t\t\"n\": 1.50\r\n\t},\r\n\t\"z\": 0\r\n}"
        );
        // Laid out otherwise but equal, in the same order: kept as it is.
        let same = "{\"webhook\":{ \"n\" :1.50 }}";
        assert_eq!(
            set(
                same,
                "webhook",
                Some(&Json::Object(vec![(
                    "n".into(),
                    Json::Number("1.50".into())
                )]))
            ),
            same
        );
    }

    #[test]
    fn removing_a_member_takes_one_separator_with_it() {
        let text = "{\n  \"a\": 1,\n  \"webhook\": {},\n  \"b\": 2\n}";
        assert_eq!(set(text, "webhook", None), "{\n  \"a\": 1,\n  \"b\": 2\n}");
        assert_eq!(
            set("{\"webhook\": 1, \"b\": 2}", "webhook", None),
            "{\"b\": 2}"
        );
        assert_eq!(set("{ \"webhook\": 1 }", "webhook", None), "{}");
        assert_eq!(set("{\"a\": 1}", "webhook", None), "{\"a\": 1}");
    }

    #[test]
    fn what_is_not_a_json_object_is_refused() {
        assert_eq!(
            Document::parse("[1]").err(),
            Some(DocumentError::NotAnObject)
        );
        assert_eq!(
            Document::parse("{\"a\": 1,}").err(),
            Some(DocumentError::InvalidJson {
                line: 1,
                column: 9,
                reason: "trailing comma".into()
            })
        );
    }
}
