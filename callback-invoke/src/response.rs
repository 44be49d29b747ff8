//! Zoho's answer: the wrapper around the target's answer, and its reading.

use crate::error::{InvokeCall, InvokeError};
use crate::redact::Redactor;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Where in Zoho's answer the target's answer and status are.
///
/// Zoho documents that the Invoke API answers `200` with a JSON object, and
/// public code reads the target's answer from its `response` field, which
/// may hold the answer itself or the answer as a JSON string (both are
/// handled). Where the target's status is, is not documented: by default a
/// numeric `statusCode` field of the wrapper is read, and when there is none
/// the target's status is taken to be Zoho's. Change either name here if
/// Zoho's answers say otherwise.
///
/// ```
/// use callback_invoke::ResponseFormat;
///
/// let format = ResponseFormat::default();
/// assert_eq!(format.response_field_name(), "response");
/// assert_eq!(format.status_field_name(), Some("statusCode"));
/// let custom = ResponseFormat::default().status_field(Some("status"));
/// assert_eq!(custom.status_field_name(), Some("status"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseFormat {
    response_field: Cow<'static, str>,
    status_field: Option<Cow<'static, str>>,
}

impl Default for ResponseFormat {
    fn default() -> Self {
        ResponseFormat {
            response_field: Cow::Borrowed("response"),
            status_field: Some(Cow::Borrowed("statusCode")),
        }
    }
}

impl ResponseFormat {
    /// The field holding the target's answer (default `response`).
    pub fn response_field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.response_field = name.into();
        self
    }

    /// The field holding the target's status (default `statusCode`), or
    /// `None` to always take Zoho's status.
    pub fn status_field(mut self, name: Option<impl Into<Cow<'static, str>>>) -> Self {
        self.status_field = name.map(Into::into);
        self
    }

    /// The name of the field holding the target's answer.
    pub fn response_field_name(&self) -> &str {
        &self.response_field
    }

    /// The name of the field holding the target's status, if one is read.
    pub fn status_field_name(&self) -> Option<&str> {
        self.status_field.as_deref()
    }

    /// Reads a 2xx answer of Zoho's into the target's status, the target's
    /// answer and the wrapper's other fields.
    pub(crate) fn read(
        &self,
        zoho_status: u16,
        bytes: &[u8],
        redact: &Redactor,
    ) -> Result<(u16, Value, Map<String, Value>), String> {
        let wrapper: Value = serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not JSON ({}) in {} bytes",
                redact.text(&e.to_string()),
                bytes.len()
            )
        })?;
        let Value::Object(mut wrapper) = wrapper else {
            return Err(format!("a JSON {}, not an object", kind(&wrapper)));
        };
        let status = match self.status_field.as_deref() {
            None => zoho_status,
            Some(name) => match wrapper.get(name) {
                None | Some(Value::Null) => zoho_status,
                Some(value) => http_status(value).ok_or_else(|| {
                    format!("its `{name}` is a {}, not an HTTP status", kind(value))
                })?,
            },
        };
        let response = wrapper
            .remove(self.response_field.as_ref())
            .ok_or_else(|| format!("it has no `{}` field", self.response_field))?;
        Ok((status, unwrap_nested(response), wrapper))
    }
}

/// The answer itself, when Zoho sent it as a JSON string; the value as it is
/// otherwise (a string that is not JSON is the target's text).
fn unwrap_nested(response: Value) -> Value {
    match response {
        Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        other => other,
    }
}

/// A status from a JSON integer or a string of digits, within 100..=599.
fn http_status(value: &Value) -> Option<u16> {
    let n = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()?
        }
        _ => return None,
    };
    (100..=599).contains(&n).then_some(n as u16)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What the target answered, through Zoho: its status and its body, read as
/// a type on request.
///
/// ```
/// # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
/// #[derive(serde::Deserialize)]
/// struct Tickets {
///     data: Vec<serde_json::Value>,
/// }
///
/// let answer = zoho.desk_get("/api/v1/tickets").query("limit", "10").send().await?;
/// assert!((200..300).contains(&answer.status()));
/// let tickets: Tickets = answer.json()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct InvokeResponse {
    call: InvokeCall,
    status: u16,
    zoho_status: u16,
    body: Value,
    wrapper: Map<String, Value>,
    attempts: u32,
}

impl InvokeResponse {
    pub(crate) fn new(
        call: InvokeCall,
        (status, body, wrapper): (u16, Value, Map<String, Value>),
        zoho_status: u16,
        attempts: u32,
    ) -> Self {
        InvokeResponse {
            call,
            status,
            zoho_status,
            body,
            wrapper,
            attempts,
        }
    }

    /// The target's status (see [`ResponseFormat`] for where it is read).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The status of Zoho's own answer.
    pub fn zoho_status(&self) -> u16 {
        self.zoho_status
    }

    /// The target's answer, unwrapped (and parsed, when Zoho sent it as a
    /// JSON string).
    pub fn body(&self) -> &Value {
        &self.body
    }

    /// The target's answer, owned.
    pub fn into_body(self) -> Value {
        self.body
    }

    /// The target's answer read as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, InvokeError> {
        T::deserialize(&self.body).map_err(|e| InvokeError::Decode {
            call: self.call.clone(),
            type_name: std::any::type_name::<T>(),
            reason: e.to_string(),
        })
    }

    /// The fields of Zoho's answer other than the target's answer.
    pub fn wrapper(&self) -> &Map<String, Value> {
        &self.wrapper
    }

    /// How many attempts it took (1 unless a retry happened).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The call answered.
    pub fn call(&self) -> &InvokeCall {
        &self.call
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(
        format: &ResponseFormat,
        body: &str,
    ) -> Result<(u16, Value, Map<String, Value>), String> {
        format.read(200, body.as_bytes(), &Redactor::new(&["CTX", "SECRET"]))
    }

    #[test]
    fn the_answer_may_be_a_value_or_a_json_string() {
        let f = ResponseFormat::default();
        let (status, body, rest) =
            read(&f, r#"{"response":{"a":1},"statusCode":201,"x":true}"#).unwrap();
        assert_eq!((status, body), (201, json!({"a": 1})));
        assert_eq!(Value::Object(rest), json!({"statusCode": 201, "x": true}));
        let (status, body, _) = read(&f, r#"{"response":"{\"a\":[1,2]}"}"#).unwrap();
        assert_eq!((status, body), (200, json!({"a": [1, 2]})));
        let (_, body, _) = read(&f, r#"{"response":"plain text"}"#).unwrap();
        assert_eq!(body, json!("plain text"));
        let (status, _, _) = read(&f, r#"{"response":null,"statusCode":"404"}"#).unwrap();
        assert_eq!(status, 404);
    }

    #[test]
    fn malformed_wrappers_are_exact_errors() {
        let f = ResponseFormat::default();
        assert_eq!(
            read(&f, "<html>CTX</html>").unwrap_err(),
            "not JSON (expected value at line 1 column 1) in 16 bytes"
        );
        assert_eq!(read(&f, "[1]").unwrap_err(), "a JSON array, not an object");
        assert_eq!(
            read(&f, r#"{"statusCode":200}"#).unwrap_err(),
            "it has no `response` field"
        );
        assert_eq!(
            read(&f, r#"{"response":1,"statusCode":"ok"}"#).unwrap_err(),
            "its `statusCode` is a string, not an HTTP status"
        );
        assert_eq!(
            read(&f, r#"{"response":1,"statusCode":700}"#).unwrap_err(),
            "its `statusCode` is a number, not an HTTP status"
        );
    }

    #[test]
    fn field_names_are_configurable() {
        let f = ResponseFormat::default()
            .response_field("data")
            .status_field(None::<&str>);
        let (status, body, _) = read(&f, r#"{"data":[1],"statusCode":500}"#).unwrap();
        assert_eq!((status, body), (200, json!([1])));
    }
}
