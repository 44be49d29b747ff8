//! What can go wrong building a client or calling Zoho.

use crate::storage::StorageError;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// Which call an error is about: the target's method and host (never the
/// path, query or credentials).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvokeCall {
    /// The method Zoho was asked to call the target with, for example `GET`.
    pub method: String,
    /// The target's host (and port), for example `desk.zoho.com`.
    pub host: String,
}

impl fmt::Display for InvokeCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.host)
    }
}

/// Why an Invoke API call failed.
///
/// Every message names the call ([`InvokeCall`]: method and target host) and
/// what went wrong; none contains the security context, the secret or the
/// call's `HASH`: text taken from an answer has each of them replaced with
/// `<redacted>` in any spelling (as it is, percent- or form-encoded,
/// JSON-escaped) before it is kept, and a message taken from an answer is
/// at most 200 characters.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvokeError {
    /// Zoho's Invoke API could not be reached, or the connection broke
    /// before an answer came (connection refused, DNS, TLS, reset).
    #[error("Zoho's Invoke API could not be reached for {call}: {reason}")]
    Transport {
        /// The call.
        call: InvokeCall,
        /// What the HTTP client reported (without the URL).
        reason: String,
    },
    /// Zoho's Invoke API did not answer in time.
    #[error("Zoho's Invoke API did not answer {call} within {timeout:?}")]
    Timeout {
        /// The call.
        call: InvokeCall,
        /// The time the last attempt had: the per-attempt timeout, or what
        /// was left of the call's budget
        /// ([`RetryPolicy::budget`](crate::RetryPolicy::budget)) when that
        /// was shorter.
        timeout: Duration,
    },
    /// Zoho's Invoke API itself answered with a non-2xx status (for example
    /// 401 for a `HASH` it does not accept).
    #[error("Zoho's Invoke API answered {} for {call}{}", status_text(*status), detail(message))]
    Zoho {
        /// The call.
        call: InvokeCall,
        /// Zoho's HTTP status.
        status: u16,
        /// Zoho's error message or code, if its answer had one (redacted,
        /// at most 200 characters).
        message: Option<String>,
    },
    /// Zoho's Invoke API answered with a redirect (`3xx`), which is not
    /// followed: following it would send the call's form (with the security
    /// context) and its `HASH` to wherever the answer points. Its `Location`
    /// is not kept, as it may carry anything.
    #[error(
        "Zoho's Invoke API answered {} for {call}, a redirect, which is not followed: \
         the call carries the security context and the HASH",
        status_text(*status)
    )]
    Redirect {
        /// The call.
        call: InvokeCall,
        /// Zoho's HTTP status, from 300 to 399.
        status: u16,
    },
    /// Zoho's answer is longer than the client's limit
    /// ([`InvokeClientBuilder::max_response_bytes`](crate::InvokeClientBuilder::max_response_bytes)):
    /// reading stopped at the limit, or before reading when its
    /// `Content-Length` was larger. Not retried.
    #[error(
        "Zoho's Invoke API answered {} for {call} with more than {limit} bytes, the client's limit",
        status_text(*status)
    )]
    TooLarge {
        /// The call.
        call: InvokeCall,
        /// Zoho's HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// Zoho called the target, and the target answered with a non-2xx
    /// status.
    #[error("{call} answered {} through Zoho's Invoke API", status_text(*status))]
    Target {
        /// The call.
        call: InvokeCall,
        /// The target's status.
        status: u16,
        /// The target's answer (redacted), for inspection; not in the message.
        body: Value,
    },
    /// Zoho answered 2xx with something that is not the wrapper expected
    /// (not JSON, no `response` field, a status that is not a number).
    #[error("Zoho's Invoke API answer for {call} is malformed: {reason}")]
    MalformedWrapper {
        /// The call.
        call: InvokeCall,
        /// What is wrong with it.
        reason: String,
    },
    /// The target's answer does not have the shape a typed call reads (for
    /// example config params without their `data` array). Nothing of the
    /// answer is kept but the kind of what was found.
    #[error(
        "the answer of {call} does not have the expected shape: `{field}` should be {expected}, found {found}"
    )]
    UnexpectedAnswer {
        /// The call.
        call: InvokeCall,
        /// Where the field was looked for, from Zoho's wrapper down, for
        /// example `response.statusMessage.data`.
        field: String,
        /// What it should be, for example `an array`.
        expected: &'static str,
        /// What was found instead, for example `a JSON string` or `no such
        /// field in a JSON object`.
        found: String,
    },
    /// A storage call breaks one of the documented limits of extension
    /// storage, checked before sending; nothing was sent.
    #[error("the storage call {call} was not sent: {error}")]
    Storage {
        /// The call.
        call: InvokeCall,
        /// Which limit, and by how much.
        error: StorageError,
    },
    /// The log group already holds a parent and 9 children, Zoho's limit
    /// per reference; nothing was sent.
    #[error(
        "the extension log was not sent: the group {reference:?} already has {limit} logs \
         (a parent and {} children), Zoho's limit per reference",
        limit - 1
    )]
    LogGroupFull {
        /// The call.
        call: InvokeCall,
        /// The group's reference.
        reference: String,
        /// The most logs a reference groups (10).
        limit: usize,
    },
    /// [`InvokeResponse::json`](crate::InvokeResponse::json) could not read
    /// the target's answer as the type asked for.
    #[error("the answer of {call} is not a `{type_name}`: {reason}")]
    Decode {
        /// The call.
        call: InvokeCall,
        /// The type asked for.
        type_name: &'static str,
        /// Why not.
        reason: String,
    },
    /// The request could not be built (for example a `.json(…)` body that
    /// does not serialise); nothing was sent.
    #[error("the Invoke API call {call} cannot be sent: {reason}")]
    InvalidRequest {
        /// The call.
        call: InvokeCall,
        /// Why not.
        reason: String,
    },
}

impl InvokeError {
    /// The call the error is about.
    pub fn call(&self) -> &InvokeCall {
        match self {
            InvokeError::Transport { call, .. }
            | InvokeError::Timeout { call, .. }
            | InvokeError::Zoho { call, .. }
            | InvokeError::Redirect { call, .. }
            | InvokeError::TooLarge { call, .. }
            | InvokeError::Target { call, .. }
            | InvokeError::MalformedWrapper { call, .. }
            | InvokeError::UnexpectedAnswer { call, .. }
            | InvokeError::Storage { call, .. }
            | InvokeError::LogGroupFull { call, .. }
            | InvokeError::Decode { call, .. }
            | InvokeError::InvalidRequest { call, .. } => call,
        }
    }

    /// The HTTP status involved: Zoho's for [`InvokeError::Zoho`],
    /// [`InvokeError::Redirect`] and [`InvokeError::TooLarge`], the
    /// target's for [`InvokeError::Target`].
    pub fn status(&self) -> Option<u16> {
        match self {
            InvokeError::Zoho { status, .. }
            | InvokeError::Redirect { status, .. }
            | InvokeError::TooLarge { status, .. }
            | InvokeError::Target { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the status of [`status`](Self::status) is Zoho's own
    /// rather than the target's.
    pub(crate) fn is_zoho_status(&self) -> bool {
        matches!(
            self,
            InvokeError::Zoho { .. } | InvokeError::Redirect { .. } | InvokeError::TooLarge { .. }
        )
    }
}

/// Why an [`InvokeClient`](crate::InvokeClient) could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL without
    /// credentials, query or fragment.
    #[error("invalid Invoke base URL {url:?}: {reason}")]
    BaseUrl {
        /// The URL given, without any credentials it carried.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The Desk API URL is not an absolute `http` or `https` URL without
    /// credentials, query or fragment.
    #[error("invalid Desk API URL {url:?}: {reason}")]
    DeskUrl {
        /// The URL given, without any credentials it carried.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A timeout of zero would fail every call.
    #[error("the {0} timeout must be longer than zero")]
    ZeroTimeout(&'static str),
    /// A response size limit of zero would fail every call.
    #[error("the response size limit must be larger than zero")]
    ZeroResponseLimit,
    /// A time budget of zero would fail every call.
    #[error("the time budget of a call must be longer than zero")]
    ZeroBudget,
    /// A storage rate limit over a period of zero means nothing.
    #[error("the storage rate limit for {0} must be over a period longer than zero")]
    ZeroRatePeriod(&'static str),
    /// The HTTP client could not be created (TLS initialisation).
    #[error("the HTTP client could not be created: {0}")]
    HttpClient(String),
}

/// `404 Not Found`, or just the number for a status without a reason.
fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn detail(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_as_people_say_them() {
        let call = InvokeCall {
            method: "GET".into(),
            host: "desk.zoho.com".into(),
        };
        let err = InvokeError::Zoho {
            call: call.clone(),
            status: 401,
            message: Some("INVALID_HASH".into()),
        };
        assert_eq!(
            err.to_string(),
            "Zoho's Invoke API answered 401 Unauthorized for GET desk.zoho.com: INVALID_HASH"
        );
        let err = InvokeError::Target {
            call,
            status: 599,
            body: Value::Null,
        };
        assert_eq!(
            err.to_string(),
            "GET desk.zoho.com answered 599 through Zoho's Invoke API"
        );
        assert_eq!(err.status(), Some(599));
    }
}
