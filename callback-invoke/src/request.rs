//! `Invoke` (a client bound to one callback) and the request builder.

use crate::client::InvokeClient;
use crate::error::{InvokeCall, InvokeError};
use crate::hash::{InvokeField, InvokeFields};
use crate::redact::Redactor;
use crate::response::InvokeResponse;
use crate::retry::{RetryPolicy, parse_retry_after};
use backon::Retryable;
use callback_core::{OrgId, SecurityContext};
use reqwest::Method;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;
use tracing::field::Empty;

/// The Invoke API bound to one organisation and its security context: what
/// a handler takes as an argument to call Zoho back.
///
/// As a handler argument it is extracted from the callback (its `orgId` and
/// `securityContext`) and the [`InvokeClient`] provided as state; see the
/// crate docs. Outside a handler, get one from [`InvokeClient::bind`].
///
/// `Debug` never shows the security context or the secret.
#[derive(Clone, Debug)]
pub struct Invoke {
    client: InvokeClient,
    org_id: OrgId,
    security_context: SecurityContext,
}

impl Invoke {
    pub(crate) fn new(
        client: InvokeClient,
        org_id: OrgId,
        security_context: SecurityContext,
    ) -> Self {
        Invoke {
            client,
            org_id,
            security_context,
        }
    }

    /// The organisation calls are made for (`orgId`).
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }

    /// The client.
    pub fn client(&self) -> &InvokeClient {
        &self.client
    }

    /// A call to a Desk API: `path` (such as `/api/v1/tickets`) on the
    /// client's Desk URL, or a full `https://…` URL as it is, with an
    /// `orgId` header (which [`InvokeRequest::header`] may replace).
    pub fn desk(&self, method: Method, path: &str) -> InvokeRequest {
        let url = if path.starts_with("https://") || path.starts_with("http://") {
            path.to_owned()
        } else {
            let slash = if path.starts_with('/') { "" } else { "/" };
            format!("{}{slash}{path}", self.client.desk_url())
        };
        InvokeRequest::new(self.clone(), method, url).header("orgId", self.org_id.to_string())
    }

    /// `GET` a Desk API.
    pub fn desk_get(&self, path: &str) -> InvokeRequest {
        self.desk(Method::GET, path)
    }

    /// `POST` to a Desk API.
    pub fn desk_post(&self, path: &str) -> InvokeRequest {
        self.desk(Method::POST, path)
    }

    /// `PUT` to a Desk API.
    pub fn desk_put(&self, path: &str) -> InvokeRequest {
        self.desk(Method::PUT, path)
    }

    /// `PATCH` a Desk API.
    pub fn desk_patch(&self, path: &str) -> InvokeRequest {
        self.desk(Method::PATCH, path)
    }

    /// `DELETE` on a Desk API.
    pub fn desk_delete(&self, path: &str) -> InvokeRequest {
        self.desk(Method::DELETE, path)
    }

    /// A call to any other API, at `url`, usually through a connection
    /// ([`InvokeRequest::connection`]) whose authorisation Zoho applies.
    pub fn external(&self, method: Method, url: impl Into<String>) -> InvokeRequest {
        InvokeRequest::new(self.clone(), method, url.into())
    }
}

/// One Invoke API call being built; [`send`](Self::send) makes it.
///
/// ```
/// # async fn run(zoho: callback_invoke::Invoke) -> Result<(), callback_invoke::InvokeError> {
/// use callback_invoke::Method;
///
/// let hook = serde_json::json!({"name": "desk", "url": "https://ext.example.com/jira"});
/// let created = zoho
///     .external(Method::POST, "https://example.atlassian.net/rest/webhooks/1.0/webhook")
///     .connection("jira_conn")
///     .header("Accept", "application/json")
///     .json(&hook)
///     .send()
///     .await?;
/// println!("Jira answered {}", created.status());
/// # Ok(()) }
/// ```
///
/// `Debug` shows the method, the target's host, the names of the query
/// parameters and headers and the length of the body, never their values
/// (a header may carry a token, a body a secure config param).
#[must_use = "a request does nothing until it is sent"]
pub struct InvokeRequest {
    invoke: Invoke,
    method: Method,
    url: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    connection: Option<String>,
    invalid: Option<String>,
    /// Values redacted from any text kept from the answer, besides the
    /// call's credentials (the values of secure config params sent).
    sensitive: Vec<String>,
}

impl fmt::Debug for InvokeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |pairs: &[(String, String)]| -> Vec<String> {
            pairs.iter().map(|(name, _)| name.clone()).collect()
        };
        f.debug_struct("InvokeRequest")
            .field("invoke", &self.invoke)
            .field("method", &self.method)
            .field("target_host", &target_host(&self.url))
            .field("query", &names(&self.query))
            .field("headers", &names(&self.headers))
            .field("body_bytes", &self.body.as_ref().map(String::len))
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

impl InvokeRequest {
    fn new(invoke: Invoke, method: Method, url: String) -> Self {
        InvokeRequest {
            invoke,
            method,
            url,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            connection: None,
            invalid: None,
            sensitive: Vec::new(),
        }
    }

    /// The call this request makes, as errors name it.
    pub(crate) fn call(&self) -> InvokeCall {
        InvokeCall {
            method: self.method.to_string(),
            host: target_host(&self.url).to_owned(),
        }
    }

    /// Also redacts each of `values` from any text kept from the answer.
    pub(crate) fn sensitive(mut self, values: impl IntoIterator<Item = String>) -> Self {
        self.sensitive
            .extend(values.into_iter().filter(|v| !v.is_empty()));
        self
    }

    /// Adds a query parameter for the target (sent in `queryParams`); a
    /// second value for the same name replaces the first.
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        set(&mut self.query, name.into(), value.to_string(), str::eq);
        self
    }

    /// Adds a header for the target (sent in `headers`); a second value for
    /// the same name, in any case, replaces the first.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        set(
            &mut self.headers,
            name.into(),
            value.into(),
            str::eq_ignore_ascii_case,
        );
        self
    }

    /// Sends `body` as JSON (`postBody`), with `Content-Type:
    /// application/json` unless a content type was set. A value that does
    /// not serialise makes [`send`](Self::send) fail without sending.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_string(body) {
            Ok(text) => {
                self.body = Some(text);
                if !self
                    .headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                {
                    self = self.header("Content-Type", "application/json");
                }
            }
            Err(e) => self.invalid = Some(format!("the JSON body does not serialise: {e}")),
        }
        self
    }

    /// Sends `body` as it is (`postBody`).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Asks Zoho to apply the authorisation of the connection named `name`
    /// (`connectionLinkName`, as in the extension's connectors).
    pub fn connection(mut self, name: impl Into<String>) -> Self {
        self.connection = Some(name.into());
        self
    }

    /// The method the target is called with.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The target URL (`requestURL`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes the call, with the client's timeout and retry policy, in one
    /// `zoho_invoke` tracing span (method, target host, org id, statuses,
    /// attempts, latency; never the security context).
    ///
    /// `Ok` only when Zoho answered 2xx with a well-formed wrapper and the
    /// target answered 2xx; every other outcome is an [`InvokeError`].
    pub async fn send(self) -> Result<InvokeResponse, InvokeError> {
        let call = self.call();
        let span = tracing::info_span!(
            "zoho_invoke",
            method = %call.method,
            target_host = %call.host,
            org_id = self.invoke.org_id.get(),
            status = Empty,
            zoho_status = Empty,
            attempts = Empty,
            latency_ms = Empty,
        );
        let started = Instant::now();
        let result = self.run(call).instrument(span.clone()).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("latency_ms", latency_ms);
        let _entered = span.enter();
        match &result {
            Ok(answer) => {
                span.record("status", answer.status());
                span.record("zoho_status", answer.zoho_status());
                span.record("attempts", answer.attempts());
                tracing::info!("Zoho Invoke call answered");
            }
            Err(err) => {
                if let Some(status) = err.status() {
                    let field = if err.is_zoho_status() {
                        "zoho_status"
                    } else {
                        "status"
                    };
                    span.record(field, status);
                }
                tracing::warn!(error = %err, "Zoho Invoke call failed");
            }
        }
        result
    }

    async fn run(self, call: InvokeCall) -> Result<InvokeResponse, InvokeError> {
        if let Some(reason) = self.invalid {
            return Err(InvokeError::InvalidRequest { call, reason });
        }
        let inner = self.invoke.client.inner();
        let query_params = json_object(&self.query);
        let headers = json_object(&self.headers);
        let fields = InvokeFields {
            security_context: &self.invoke.security_context,
            request_url: &self.url,
            request_type: self.method.as_str(),
            query_params: query_params.as_deref(),
            post_body: self.body.as_deref(),
            headers: headers.as_deref(),
            connection_link_name: self.connection.as_deref(),
        };
        let hash = inner.key.hash(&fields);
        let form: Vec<(&str, &str)> = InvokeField::ALL
            .iter()
            .filter_map(|&f| fields.value(f).map(|v| (f.name(), v)))
            .collect();
        let mut redacted = vec![
            self.invoke.security_context.expose(),
            inner.secret.expose(),
            &hash,
        ];
        redacted.extend(self.sensitive.iter().map(String::as_str));
        let deadline = Instant::now() + inner.retry.budget_value();
        let attempt = &Attempt {
            client: &self.invoke.client,
            call: &call,
            org_id: self.invoke.org_id.to_string(),
            hash: &hash,
            form: &form,
            redact: Arc::new(Redactor::new(&redacted)),
            deadline,
        };
        let may_retry = RetryPolicy::is_idempotent(&self.method);
        // Counted here rather than by `backon`, which does not say.
        let attempts = &AtomicU32::new(0);
        let result = (|| attempt.once(attempts.fetch_add(1, Ordering::Relaxed) + 1))
            .retry(inner.retry.backoffs())
            .sleep(tokio::time::sleep)
            .when(|failure: &Failure| may_retry && failure.retryable)
            .adjust(|failure, backoff| {
                let left = deadline.saturating_duration_since(Instant::now());
                let wait = RetryPolicy::wait(backoff?, failure.retry_after, left);
                if wait.is_none() {
                    tracing::info!(
                        attempt = attempts.load(Ordering::Relaxed),
                        left_ms = millis(left),
                        retry_after_ms = failure.retry_after.map(millis),
                        "not retrying the Zoho Invoke call: the wait would leave too little of its time budget"
                    );
                }
                wait
            })
            .notify(|failure, wait| {
                tracing::info!(
                    attempt = attempts.load(Ordering::Relaxed),
                    wait_ms = millis(wait),
                    error = %failure.error,
                    "retrying the Zoho Invoke call"
                );
            })
            .await;
        result.map_err(|failure| {
            tracing::Span::current().record("attempts", attempts.load(Ordering::Relaxed));
            failure.error
        })
    }
}

/// `wait` in whole milliseconds, for a log field.
fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

/// Everything one attempt needs; the same for every attempt.
struct Attempt<'a> {
    client: &'a InvokeClient,
    call: &'a InvokeCall,
    org_id: String,
    hash: &'a str,
    form: &'a [(&'a str, &'a str)],
    redact: Arc<Redactor>,
    /// When the call's time budget ends.
    deadline: Instant,
}

/// A failed attempt, and whether another may be made.
struct Failure {
    error: InvokeError,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Failure {
    fn new(error: InvokeError, retryable: bool) -> Self {
        Failure {
            error,
            retryable,
            retry_after: None,
        }
    }
}

impl Attempt<'_> {
    async fn once(&self, attempts: u32) -> Result<InvokeResponse, Failure> {
        let inner = self.client.inner();
        let left = self.deadline.saturating_duration_since(Instant::now());
        let timeout = inner.timeout.min(left);
        if timeout.is_zero() {
            let call = self.call.clone();
            return Err(Failure::new(InvokeError::Timeout { call, timeout }, false));
        }
        let sent = inner
            .http
            .post(&inner.invoke_url)
            .query(&[("orgId", self.org_id.as_str())])
            .header("HASH", self.hash)
            .timeout(timeout)
            .form(self.form)
            .send()
            .await;
        let answer = sent.map_err(|e| self.transport(e, timeout))?;
        let zoho_status = answer.status().as_u16();
        if (300..400).contains(&zoho_status) {
            // Not followed (the client's policy is `none`), and not read.
            let call = self.call.clone();
            let status = zoho_status;
            return Err(Failure::new(InvokeError::Redirect { call, status }, false));
        }
        let retry_after = answer
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let bytes = self.read_body(answer, zoho_status, timeout).await?;
        if !(200..300).contains(&zoho_status) {
            let error = InvokeError::Zoho {
                call: self.call.clone(),
                status: zoho_status,
                message: zoho_message(&bytes, &self.redact),
            };
            return Err(Failure {
                error,
                retryable: RetryPolicy::is_retryable_status(zoho_status),
                retry_after,
            });
        }
        let answer = inner
            .format
            .read(zoho_status, &bytes, &self.redact)
            .map_err(|reason| {
                let call = self.call.clone();
                Failure::new(InvokeError::MalformedWrapper { call, reason }, false)
            })?;
        if !(200..300).contains(&answer.status) {
            let error = InvokeError::Target {
                call: self.call.clone(),
                status: answer.status,
                body: self.redact.value(answer.body),
            };
            return Err(Failure::new(
                error,
                RetryPolicy::is_retryable_status(answer.status),
            ));
        }
        Ok(InvokeResponse::new(
            self.call.clone(),
            answer,
            zoho_status,
            attempts,
            Arc::clone(&self.redact),
        ))
    }

    /// The body of `answer`, chunk by chunk, refused as soon as it is known
    /// to be longer than the client's limit: from its `Content-Length`
    /// before reading, else when a chunk would pass the limit.
    async fn read_body(
        &self,
        mut answer: reqwest::Response,
        status: u16,
        timeout: Duration,
    ) -> Result<Vec<u8>, Failure> {
        let limit = self.client.inner().max_response_bytes;
        let too_large = || {
            let call = self.call.clone();
            Failure::new(
                InvokeError::TooLarge {
                    call,
                    status,
                    limit,
                },
                false,
            )
        };
        let declared = answer.content_length();
        if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
            return Err(too_large());
        }
        let capacity = declared.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = answer
            .chunk()
            .await
            .map_err(|e| self.transport(e, timeout))?
        {
            if chunk.len() > limit - body.len() {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// No answer: a timeout (after `timeout`), or any other transport
    /// failure. Both may be retried (for idempotent methods): nothing was
    /// answered.
    fn transport(&self, err: reqwest::Error, timeout: Duration) -> Failure {
        let call = self.call.clone();
        if err.is_timeout() {
            return Failure::new(InvokeError::Timeout { call, timeout }, true);
        }
        let reason = self.redact.text(&error_chain(&err.without_url()));
        Failure::new(InvokeError::Transport { call, reason }, true)
    }
}

/// The error and its sources, `: `-separated.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// The longest message kept from an error answer of Zoho's, in characters.
const MESSAGE_LIMIT: usize = 200;

/// Zoho's `errorCode` and `message`, or the start of its text: a redacted
/// excerpt of at most [`MESSAGE_LIMIT`] characters.
fn zoho_message(bytes: &[u8], redact: &Redactor) -> Option<String> {
    let text = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(json) => {
            let field = |name: &str| {
                json.get(name)
                    .and_then(|v| v.as_str())
                    .filter(|s| !s.is_empty())
            };
            match (field("errorCode"), field("message")) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(one), None) | (None, Some(one)) => one.to_owned(),
                (None, None) => return None,
            }
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    };
    redact.excerpt(&text, MESSAGE_LIMIT)
}

/// Replaces the value of `name` (as `same` compares names), or appends it.
fn set(
    pairs: &mut Vec<(String, String)>,
    name: String,
    value: String,
    same: impl Fn(&str, &str) -> bool,
) {
    match pairs.iter_mut().find(|(k, _)| same(k, &name)) {
        Some(pair) => pair.1 = value,
        None => pairs.push((name, value)),
    }
}

/// `{"name":"value",…}` in the order given, or `None` when empty. Written
/// by hand: a `serde_json::Map` would sort the keys, and what is sent is
/// what is hashed, so the order must be the caller's.
fn json_object(pairs: &[(String, String)]) -> Option<String> {
    if pairs.is_empty() {
        return None;
    }
    let quoted = |s: &str| serde_json::Value::from(s).to_string();
    let members: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", quoted(k), quoted(v)))
        .collect();
    Some(format!("{{{}}}", members.join(",")))
}

/// The host (and port) of `url`, without scheme, credentials, path or
/// query: all a log or an error message may show of a target.
pub(crate) fn target_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.is_empty() { "<no host>" } else { host }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_host_of_a_target_is_shown() {
        assert_eq!(
            target_host("https://desk.zoho.com/api/v1/x?y=1"),
            "desk.zoho.com"
        );
        assert_eq!(
            target_host("https://user:pw@h.example:8443/p"),
            "h.example:8443"
        );
        assert_eq!(
            target_host("https://{{domain}}.atlassian.net/rest"),
            "{{domain}}.atlassian.net"
        );
        assert_eq!(target_host("/relative"), "<no host>");
    }

    #[test]
    fn debug_shows_names_never_values() {
        let client = InvokeClient::builder(callback_core::Secret::new("s3cr3t").unwrap())
            .build()
            .unwrap();
        let zoho = client.bind(OrgId::new(1), SecurityContext::new("ctx-9f2"));
        let request = zoho
            .external(Method::POST, "https://api.example.com/hooks?token=t0k3n")
            .header("Authorization", "Bearer b3ar3r")
            .query("apiKey", "k3y")
            .body("{\"password\":\"pa55\"}");
        let shown = format!("{request:?}");
        for hidden in ["s3cr3t", "ctx-9f2", "t0k3n", "b3ar3r", "k3y", "pa55"] {
            assert!(!shown.contains(hidden), "{hidden}: {shown}");
        }
        for name in [
            "api.example.com",
            "\"Authorization\"",
            "\"apiKey\"",
            "body_bytes: Some(19)",
        ] {
            assert!(shown.contains(name), "{name}: {shown}");
        }
    }

    #[test]
    fn json_objects_keep_the_order_given_and_escape() {
        let pairs = vec![
            ("b".to_owned(), "1".to_owned()),
            ("a\"".to_owned(), "x\ny".to_owned()),
        ];
        assert_eq!(json_object(&pairs).unwrap(), r#"{"b":"1","a\"":"x\ny"}"#);
        assert_eq!(json_object(&[]), None);
    }

    #[test]
    fn zoho_messages_are_short_and_redacted() {
        let r = &Redactor::new(&["CTX", "SECRET"]);
        assert_eq!(
            zoho_message(br#"{"errorCode":"INVALID_HASH","message":"bad CTX"}"#, r).unwrap(),
            "INVALID_HASH: bad <redacted>"
        );
        assert_eq!(zoho_message(br#"{"x":1}"#, r), None);
        assert_eq!(zoho_message(b"  ", r), None);
        let long = "é".repeat(300);
        let kept = zoho_message(long.as_bytes(), r).unwrap();
        assert_eq!(kept.chars().count(), MESSAGE_LIMIT + 1);
    }
}
