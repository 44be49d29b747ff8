//! Zoho's answer: the wrapper around the target's answer, and its reading.

use crate::error::{InvokeCall, InvokeError};
use crate::redact::Redactor;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Where in Zoho's answer the target's answer and status are.
///
/// # The shape of Zoho's answer
///
/// Zoho documents that the Invoke API answers `200` with a JSON object.
/// Zoho's own sample extension servers show the rest: the object's
/// `response` field is a JSON *string*, and the target's answer is the
/// `statusMessage` of the object that string holds:
///
/// ```text
/// {"response": "{\"statusMessage\": {\"data\": [{\"name\": \"Twilio_SID\", \"value\": \"AC…\"}]}}"}
/// ```
///
/// - PHP, `twilio/subscribe.php` of the public repository
///   `thisvijay/zohodesk-marketplace-apps`: `json_decode(json_decode($answer)->response)`,
///   then `->statusMessage->data` for the installation's config params;
/// - Java, the same author's Spring samples (GitHub and YouTube channel
///   integrations): `new JSONObject(new JSONObject(answer).getString("response"))`,
///   then `.getJSONObject("statusMessage")`, in four places.
///
/// So by default ([`ResponseFormat::default`]):
///
/// 1. the wrapper's `response` field is read; when it is a string holding
///    JSON, that JSON (a string that is not JSON is the target's text);
/// 2. when that is an object with a `statusMessage` field, the target's
///    answer is that field; a `response` without `statusMessage` is itself
///    the target's answer;
/// 3. the target's status is a numeric `statusCode` next to
///    `statusMessage`, else one in the wrapper, else Zoho's own status.
///    Where Zoho puts the target's status is not documented, and the
///    samples do not read it; a `statusCode` inside a `response` without
///    `statusMessage` is the target's own field, and is not read.
///
/// Each name can be changed here if Zoho's answers say otherwise.
///
/// ```
/// use callback_invoke::ResponseFormat;
///
/// let format = ResponseFormat::default();
/// assert_eq!(format.response_field_name(), "response");
/// assert_eq!(format.answer_field_name(), Some("statusMessage"));
/// assert_eq!(format.status_field_name(), Some("statusCode"));
/// let custom = ResponseFormat::default()
///     .answer_field(None::<&str>)
///     .status_field(Some("status"));
/// assert_eq!(custom.answer_field_name(), None);
/// assert_eq!(custom.status_field_name(), Some("status"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseFormat {
    response_field: Cow<'static, str>,
    answer_field: Option<Cow<'static, str>>,
    status_field: Option<Cow<'static, str>>,
}

impl Default for ResponseFormat {
    fn default() -> Self {
        ResponseFormat {
            response_field: Cow::Borrowed("response"),
            answer_field: Some(Cow::Borrowed("statusMessage")),
            status_field: Some(Cow::Borrowed("statusCode")),
        }
    }
}

/// Zoho's 2xx answer, read: the target's status and answer, where the
/// answer was found, and the wrapper's other fields.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) path: String,
    pub(crate) wrapper: Map<String, Value>,
}

impl ResponseFormat {
    /// The wrapper's field holding the target's answer (default
    /// `response`).
    pub fn response_field(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.response_field = name.into();
        self
    }

    /// The field, inside the wrapper's `response`, holding the target's
    /// answer (default `statusMessage`), or `None` to take the `response`
    /// itself. A `response` without it is taken itself either way.
    pub fn answer_field(mut self, name: Option<impl Into<Cow<'static, str>>>) -> Self {
        self.answer_field = name.map(Into::into);
        self
    }

    /// The field holding the target's status (default `statusCode`), or
    /// `None` to always take Zoho's status.
    pub fn status_field(mut self, name: Option<impl Into<Cow<'static, str>>>) -> Self {
        self.status_field = name.map(Into::into);
        self
    }

    /// The name of the wrapper's field holding the target's answer.
    pub fn response_field_name(&self) -> &str {
        &self.response_field
    }

    /// The name of the field inside `response` holding the target's
    /// answer, if one is read.
    pub fn answer_field_name(&self) -> Option<&str> {
        self.answer_field.as_deref()
    }

    /// The name of the field holding the target's status, if one is read.
    pub fn status_field_name(&self) -> Option<&str> {
        self.status_field.as_deref()
    }

    /// Reads a 2xx answer of Zoho's.
    pub(crate) fn read(
        &self,
        zoho_status: u16,
        bytes: &[u8],
        redact: &Redactor,
    ) -> Result<Answer, String> {
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
        let response = wrapper
            .remove(self.response_field.as_ref())
            .ok_or_else(|| format!("it has no `{}` field", self.response_field))?;
        let mut response = unwrap_nested(response);
        let mut path = self.response_field.to_string();
        // The target's answer inside `response`, and the object around it
        // (where the target's status is looked for first).
        let inside = match (&self.answer_field, &mut response) {
            (Some(name), Value::Object(fields)) => fields.remove(name.as_ref()).map(|b| (b, name)),
            _ => None,
        };
        let (body, envelope) = match inside {
            Some((body, name)) => {
                path = format!("{path}.{name}");
                (body, Some(response))
            }
            None => (response, None),
        };
        let status = match self.status_field.as_deref() {
            None => zoho_status,
            Some(name) => {
                let response_field = &self.response_field;
                let candidates = [
                    envelope
                        .as_ref()
                        .and_then(|e| e.get(name))
                        .map(|v| (v, format!("{response_field}.{name}"))),
                    wrapper.get(name).map(|v| (v, name.to_owned())),
                ];
                match candidates.into_iter().flatten().find(|(v, _)| !v.is_null()) {
                    None => zoho_status,
                    Some((value, at)) => http_status(value).ok_or_else(|| {
                        format!("its `{at}` is a {}, not an HTTP status", kind(value))
                    })?,
                }
            }
        };
        Ok(Answer {
            status,
            body,
            path,
            wrapper,
        })
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

/// The JSON kind of `value`, as errors name it.
pub(crate) fn kind(value: &Value) -> &'static str {
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
///
/// `Debug` shows the answer with the call's credentials, and the values of
/// config params it set, redacted.
#[derive(Clone)]
pub struct InvokeResponse {
    call: InvokeCall,
    status: u16,
    zoho_status: u16,
    body: Value,
    path: String,
    wrapper: Map<String, Value>,
    attempts: u32,
    /// The call's credentials, to redact from any text kept from the body.
    redact: Arc<Redactor>,
}

impl fmt::Debug for InvokeResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvokeResponse")
            .field("call", &self.call)
            .field("status", &self.status)
            .field("zoho_status", &self.zoho_status)
            .field("body", &self.redact.value(self.body.clone()))
            .field("path", &self.path)
            .field(
                "wrapper",
                &self.redact.value(Value::Object(self.wrapper.clone())),
            )
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl InvokeResponse {
    pub(crate) fn new(
        call: InvokeCall,
        answer: Answer,
        zoho_status: u16,
        attempts: u32,
        redact: Arc<Redactor>,
    ) -> Self {
        InvokeResponse {
            call,
            status: answer.status,
            zoho_status,
            body: answer.body,
            path: answer.path,
            wrapper: answer.wrapper,
            attempts,
            redact,
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

    /// The target's answer read as `T`. A failure names the type and what
    /// did not fit, with the call's credentials redacted from it.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, InvokeError> {
        self.decode(&self.body, &Redactor::new(&[]))
    }

    /// Where in Zoho's answer the target's answer was found:
    /// `response.statusMessage` ([`ResponseFormat`]'s default shape), or
    /// `response` for an answer without `statusMessage`.
    pub fn answer_path(&self) -> &str {
        &self.path
    }

    /// `value` (part of this answer) read as `T`; the error's text has the
    /// call's credentials and each of `also` redacted.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        value: &Value,
        also: &Redactor,
    ) -> Result<T, InvokeError> {
        T::deserialize(value).map_err(|e| InvokeError::Decode {
            call: self.call.clone(),
            type_name: std::any::type_name::<T>(),
            reason: also.text(&self.redact.text(&e.to_string())),
        })
    }

    /// The array at `field` of the target's answer, or an
    /// [`InvokeError::UnexpectedAnswer`] naming where it was looked for.
    pub(crate) fn array_field(&self, field: &str) -> Result<&[Value], InvokeError> {
        let found = match &self.body {
            Value::Object(fields) => fields.get(field),
            _ => None,
        };
        match found {
            Some(Value::Array(items)) => Ok(items),
            other => Err(InvokeError::UnexpectedAnswer {
                call: self.call.clone(),
                field: format!("{}.{field}", self.path),
                expected: "an array",
                found: match other {
                    Some(value) => format!("a JSON {}", kind(value)),
                    None => format!("no such field in a JSON {}", kind(&self.body)),
                },
            }),
        }
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

    fn read(format: &ResponseFormat, body: &str) -> Result<Answer, String> {
        format.read(200, body.as_bytes(), &Redactor::new(&["CTX", "SECRET"]))
    }

    /// Status, body and path.
    fn parts(answer: Answer) -> (u16, Value, String) {
        (answer.status, answer.body, answer.path)
    }

    #[test]
    fn the_answer_is_the_status_message_of_the_string_encoded_response() {
        let f = ResponseFormat::default();
        let zoho = r#"{"response":"{\"statusMessage\":{\"data\":[1]},\"statusCode\":201}","x":1}"#;
        let answer = read(&f, zoho).unwrap();
        assert_eq!(Value::Object(answer.wrapper.clone()), json!({"x": 1}));
        assert_eq!(
            parts(answer),
            (201, json!({"data": [1]}), "response.statusMessage".into())
        );
        // As a value rather than a string, and with the status outside.
        let zoho = r#"{"response":{"statusMessage":"ok"},"statusCode":"404"}"#;
        assert_eq!(
            parts(read(&f, zoho).unwrap()),
            (404, json!("ok"), "response.statusMessage".into())
        );
        // Next to statusMessage first, then in the wrapper.
        let zoho = r#"{"response":{"statusMessage":null,"statusCode":502},"statusCode":200}"#;
        assert_eq!(read(&f, zoho).unwrap().status, 502);
    }

    #[test]
    fn a_response_without_status_message_is_the_answer_itself() {
        let f = ResponseFormat::default();
        let (status, body, path) =
            parts(read(&f, r#"{"response":{"a":1},"statusCode":201,"x":true}"#).unwrap());
        assert_eq!(
            (status, body, path),
            (201, json!({"a": 1}), "response".into())
        );
        let (status, body, _) = parts(read(&f, r#"{"response":"{\"a\":[1,2]}"}"#).unwrap());
        assert_eq!((status, body), (200, json!({"a": [1, 2]})));
        let (_, body, _) = parts(read(&f, r#"{"response":"plain text"}"#).unwrap());
        assert_eq!(body, json!("plain text"));
        let (status, _, _) = parts(read(&f, r#"{"response":null,"statusCode":"404"}"#).unwrap());
        assert_eq!(status, 404);
        // The target's own `statusCode` is its data, not a status.
        let (status, body, _) =
            parts(read(&f, r#"{"response":"{\"statusCode\":\"x\"}"}"#).unwrap());
        assert_eq!((status, body), (200, json!({"statusCode": "x"})));
    }

    #[test]
    fn malformed_wrappers_are_exact_errors() {
        let f = ResponseFormat::default();
        let err = |body| read(&f, body).unwrap_err();
        assert_eq!(
            err("<html>CTX</html>"),
            "not JSON (expected value at line 1 column 1) in 16 bytes"
        );
        assert_eq!(err("[1]"), "a JSON array, not an object");
        assert_eq!(err(r#"{"statusCode":200}"#), "it has no `response` field");
        assert_eq!(
            err(r#"{"response":1,"statusCode":"ok"}"#),
            "its `statusCode` is a string, not an HTTP status"
        );
        assert_eq!(
            err(r#"{"response":1,"statusCode":700}"#),
            "its `statusCode` is a number, not an HTTP status"
        );
        assert_eq!(
            err(r#"{"response":{"statusMessage":1,"statusCode":true}}"#),
            "its `response.statusCode` is a boolean, not an HTTP status"
        );
    }

    #[test]
    fn field_names_are_configurable() {
        let f = ResponseFormat::default()
            .response_field("data")
            .status_field(None::<&str>);
        let (status, body, _) = parts(read(&f, r#"{"data":[1],"statusCode":500}"#).unwrap());
        assert_eq!((status, body), (200, json!([1])));
        let f = ResponseFormat::default().answer_field(None::<&str>);
        let (_, body, path) = parts(read(&f, r#"{"response":{"statusMessage":{"a":1}}}"#).unwrap());
        assert_eq!(
            (body, path),
            (json!({"statusMessage": {"a": 1}}), "response".into())
        );
    }
}
