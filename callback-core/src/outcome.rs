//! What became of one callback or one Desk delivery, and the one table
//! that maps it to HTTP.

use crate::{Event, OrgId};
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

/// Declares [`RejectionKind`] with its status and code from one table.
macro_rules! rejection_kinds {
    ($( $(#[$doc:meta])* $kind:ident => $status:literal, $code:literal; )*) => {
        /// Why a callback was not handled. Each kind has one HTTP status and
        /// one stable machine-readable code, the same in every adapter.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum RejectionKind {
            $( $(#[$doc])* $kind, )*
            /// The application chose the status and code itself: an
            /// extractor's own rejection made with [`Rejection::custom`],
            /// or a handler error's [`ErrorStatus`](crate::ErrorStatus). A rejection of this kind answers with
            /// the status and code it was made with; the kind has none of
            /// its own, so it is not in [`ALL`](Self::ALL), and
            /// [`status`](Self::status) and [`code`](Self::code) give
            /// `500` and `"custom"` for it.
            Custom,
        }

        impl RejectionKind {
            /// Every kind the framework decides, each with its own status
            /// and code: all but [`Custom`](Self::Custom). For
            /// documentation and exhaustive tests.
            pub const ALL: &'static [RejectionKind] = &[$(RejectionKind::$kind),*];

            /// The HTTP status code.
            pub const fn status(self) -> u16 {
                match self {
                    $(RejectionKind::$kind => $status,)*
                    RejectionKind::Custom => 500,
                }
            }

            /// The stable code sent as `"error"` in the response body.
            pub const fn code(self) -> &'static str {
                match self {
                    $(RejectionKind::$kind => $code,)*
                    RejectionKind::Custom => "custom",
                }
            }
        }
    };
}

rejection_kinds! {
    /// No callback is mounted at the request's path.
    NotFound => 404, "not_found";
    /// The method is not `POST`.
    MethodNotAllowed => 405, "method_not_allowed";
    /// No `HASH` header.
    MissingSignature => 401, "missing_signature";
    /// More than one `HASH` header.
    RepeatedSignature => 401, "repeated_signature";
    /// An empty `HASH` header.
    EmptySignature => 401, "empty_signature";
    /// A `HASH` header of the wrong length or not hex.
    MalformedSignature => 401, "malformed_signature";
    /// A well-formed `HASH` that does not match the body.
    SignatureMismatch => 401, "signature_mismatch";
    /// `Content-Type` missing or not `application/json`.
    UnsupportedMediaType => 415, "unsupported_media_type";
    /// The body is larger than the configured limit.
    PayloadTooLarge => 413, "payload_too_large";
    /// The body could not be read (the client went away, or lied about its length).
    BodyUnreadable => 400, "body_unreadable";
    /// The body is not JSON.
    InvalidJson => 400, "invalid_json";
    /// The body is JSON but lacks a field or has one of the wrong type.
    InvalidPayload => 400, "invalid_payload";
    /// The payload's `event` is not one of the eight.
    UnknownEvent => 400, "unknown_event";
    /// The payload's event is known but no handler at this path handles it.
    EventNotHandledHere => 400, "event_not_handled";
    /// The same signed body was handled within the replay guard's window.
    Replayed => 409, "replayed_callback";
    /// The callback carries the security context of an installation that
    /// has ended (a replayed `onInstall` after `onUninstall`, an old
    /// installation's callback after a reinstall): the installation store
    /// changed nothing, and no handler ran.
    StaleCallback => 409, "stale_callback";
    /// The installation store could not be reached, or did not answer in
    /// time: nothing was answered `200`; a retry may succeed.
    StoreUnavailable => 503, "store_unavailable";
    /// The installation store refused for another reason than its
    /// availability (a key it lacks, a row it cannot read).
    StoreFailed => 500, "store_failed";
    /// A Desk delivery for an org the installation store knows as
    /// uninstalled: `410 Gone`, and no handler ran.
    OrgUninstalled => 410, "org_uninstalled";
    /// A handler takes an `Installation` of an org the installation store
    /// has no callback from (take `Option<Installation>` to run without).
    UnknownInstallation => 409, "unknown_installation";
    /// The handler returned an error.
    HandlerFailed => 500, "handler_error";
    /// The handler panicked.
    HandlerPanicked => 500, "handler_panicked";
    /// The handler needs state that was not provided.
    MissingState => 500, "missing_state";
    /// The handler did not finish before the deadline (for a Desk delivery:
    /// the batch did not).
    DeadlineExceeded => 503, "handler_timeout";
    /// A Desk delivery's query has no `orgId`, one that is not a number,
    /// two of them or two `securityContext`s; or a handler needs the
    /// `securityContext` the query does not carry.
    InvalidQuery => 400, "invalid_query";
    /// A Desk delivery without an `X-ZDesk-JWT` header.
    MissingToken => 401, "missing_token";
    /// More than one `X-ZDesk-JWT` header.
    RepeatedToken => 401, "repeated_token";
    /// An `X-ZDesk-JWT` that is not a compact JWS with a JSON header and claims.
    MalformedToken => 401, "malformed_token";
    /// A token signed with another algorithm than RS256 (`none` and HS256 included).
    UnsupportedAlgorithm => 401, "unsupported_algorithm";
    /// A token whose header names no key (`kid`).
    MissingKeyId => 401, "missing_key_id";
    /// A token naming a key the key set does not hold (after the refetch it may trigger).
    UnknownKey => 401, "unknown_key";
    /// A token naming a key that is not an RSA signing key for RS256.
    WrongKeyType => 401, "wrong_key_type";
    /// A token whose signature the key it names does not verify.
    TokenSignatureMismatch => 401, "token_signature_mismatch";
    /// A token without `iss`, `exp` or `iat`, or with one of the wrong type.
    InvalidClaims => 401, "invalid_claims";
    /// A token whose `exp` has passed.
    TokenExpired => 401, "token_expired";
    /// A token whose `iat` is further ahead than the leeway.
    TokenIssuedInFuture => 401, "token_issued_in_future";
    /// A token whose `iss` is not `orgId:<the query's orgId>`.
    WrongIssuer => 401, "wrong_issuer";
    /// A token whose `aud` is not `webhookId:<the configured id>`.
    WrongAudience => 401, "wrong_audience";
    /// An event of a Desk delivery whose `orgId` is not the query's.
    OrgMismatch => 401, "org_mismatch";
    /// No key to check the token with: the key set could not be fetched
    /// (host down, too slow, not a key set) and none is cached for its `kid`.
    KeysUnavailable => 503, "keys_unavailable";
    /// A Desk event handler answered `410 Gone`: Zoho drops the subscription.
    Gone => 410, "gone";
    /// A Desk event handler takes an argument the event does not carry (a
    /// `Ticket` for a comment event): the server's code is wrong.
    ArgumentMismatch => 500, "argument_mismatch";
}

/// A refused or failed callback: its kind, a message safe to send to the
/// caller, and (for handler failures) a detail that is logged, never sent.
///
/// No message ever holds the secret, the expected MAC or the security context.
#[derive(Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectionKind,
    /// The status and code of a [`RejectionKind::Custom`] rejection.
    custom: Option<(u16, &'static str)>,
    message: String,
    detail: Option<String>,
}

impl Rejection {
    /// A rejection with a message for the caller, answered with the
    /// kind's status and code.
    pub fn new(kind: RejectionKind, message: impl Into<String>) -> Self {
        Rejection {
            kind,
            custom: None,
            message: message.into(),
            detail: None,
        }
    }

    /// A rejection of the application's own choosing
    /// ([`RejectionKind::Custom`]): answered with `status` and `code`, in
    /// the same body as every other (`{"error": code, "message":
    /// message}`). `status` must be `400` to `599`; `code` 1 to 64 of
    /// `a-z`, `0-9` and `_`, and not a code of the framework's own table
    /// (for those, use [`Rejection::new`] with their
    /// [`RejectionKind`], so that a code always means one thing).
    /// Otherwise the error says which is wrong; turned into a rejection
    /// (`Rejection::from`), it answers `500 handler_error` and logs why.
    ///
    /// ```
    /// use callback_core::{CustomRejectionError, Rejection, RejectionKind};
    ///
    /// let busy = Rejection::custom(429, "too_busy", "every connection is in use; retry later")?;
    /// assert_eq!((busy.kind(), busy.status(), busy.code()), (RejectionKind::Custom, 429, "too_busy"));
    /// assert_eq!(
    ///     busy.body(),
    ///     r#"{"error":"too_busy","message":"every connection is in use; retry later"}"#
    /// );
    ///
    /// let ok = Rejection::custom(200, "fine", "…").unwrap_err();
    /// assert_eq!(ok, CustomRejectionError::Status(200));
    /// assert_eq!(Rejection::from(ok).code(), "handler_error");
    /// # Ok::<(), CustomRejectionError>(())
    /// ```
    pub fn custom(
        status: u16,
        code: &'static str,
        message: impl Into<String>,
    ) -> Result<Self, CustomRejectionError> {
        check_custom(status, code)?;
        Ok(Rejection {
            kind: RejectionKind::Custom,
            custom: Some((status, code)),
            message: message.into(),
            detail: None,
        })
    }

    /// The same rejection with another message for the caller (its kind,
    /// status, code and detail kept).
    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Adds a detail for the server log that is not sent to the caller.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The kind.
    pub fn kind(&self) -> RejectionKind {
        self.kind
    }

    /// The HTTP status: the kind's, or a custom rejection's own.
    pub fn status(&self) -> u16 {
        self.custom.map_or(self.kind.status(), |(status, _)| status)
    }

    /// The stable code: the kind's, or a custom rejection's own.
    pub fn code(&self) -> &'static str {
        self.custom.map_or(self.kind.code(), |(_, code)| code)
    }

    /// The message sent to the caller.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The detail for the server log only, if any.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The response body: `{"error": "<code>", "message": "<message>"}`.
    pub fn body(&self) -> String {
        serde_json::json!({ "error": self.code(), "message": self.message }).to_string()
    }
}

impl fmt::Debug for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejection")
            .field("kind", &self.kind)
            .field("status", &self.status())
            .field("code", &self.code())
            .field("message", &self.message)
            .field("detail", &self.detail.as_ref().map(|_| "<logged>"))
            .finish()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message)
    }
}

impl std::error::Error for Rejection {}

/// Why [`Rejection::custom`] refused a status or a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CustomRejectionError {
    /// The status is not an error status (`400` to `599`).
    #[error("status {0} is not an error status: a rejection answers 400 to 599")]
    Status(u16),
    /// The code is empty, longer than 64 bytes, or holds another
    /// character than `a-z`, `0-9` and `_`.
    #[error("code `{0}` is not 1 to 64 of a-z, 0-9 and _")]
    Code(&'static str),
    /// The code is one of the framework's own table (or `ok`).
    #[error(
        "code `{0}` is the framework's own; answer it with `Rejection::new(RejectionKind::…)`, \
         or choose another code"
    )]
    Reserved(&'static str),
}

/// The longest code [`Rejection::custom`] accepts, in bytes.
const MAX_CODE_LEN: usize = 64;

fn check_custom(status: u16, code: &'static str) -> Result<(), CustomRejectionError> {
    if !(400..=599).contains(&status) {
        return Err(CustomRejectionError::Status(status));
    }
    let well_formed = (1..=MAX_CODE_LEN).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !well_formed {
        return Err(CustomRejectionError::Code(code));
    }
    if code == "ok" || RejectionKind::ALL.iter().any(|kind| kind.code() == code) {
        return Err(CustomRejectionError::Reserved(code));
    }
    Ok(())
}

/// An invalid custom rejection is the application's mistake: `500
/// handler_error`, with why in the log.
impl From<CustomRejectionError> for Rejection {
    fn from(err: CustomRejectionError) -> Self {
        Rejection::new(
            RejectionKind::HandlerFailed,
            "the handler failed; see the server log",
        )
        .with_detail(format!("an invalid custom rejection: {err}"))
    }
}

/// What an extractor's refusal turns into: the [`Rejection`] the caller is
/// answered with (its status, code and message).
///
/// An extractor's own rejection type implements it, most often with
/// [`Rejection::custom`] to choose its status and code, or with
/// [`Rejection::new`] to answer as one of the framework's kinds.
/// [`Rejection`] is one; [`Infallible`](std::convert::Infallible) is the
/// rejection of an extractor that never refuses.
pub trait IntoRejection {
    /// The rejection answered.
    fn into_rejection(self) -> Rejection;
}

impl IntoRejection for Rejection {
    fn into_rejection(self) -> Rejection {
        self
    }
}

impl IntoRejection for std::convert::Infallible {
    fn into_rejection(self) -> Rejection {
        match self {}
    }
}

/// So that `?` on an infallible extraction works where a `Rejection` is
/// returned.
impl From<std::convert::Infallible> for Rejection {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

/// A callback its handler completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handled {
    /// The event handled.
    pub event: Event,
    /// The organisation it came from.
    pub org_id: OrgId,
}

impl Handled {
    /// The JSON response body: `{"event":"onInstall","ok":true}`.
    ///
    /// Written once per event for the life of the process, so that it is
    /// sent without formatting on each callback, with the documented key
    /// order whatever features `serde_json` is built with. Wire names need
    /// no escaping.
    pub fn body(&self) -> &'static str {
        static BODIES: OnceLock<[String; Event::COUNT]> = OnceLock::new();
        BODIES.get_or_init(|| {
            Event::ALL.map(|event| [r#"{"event":""#, event.wire_name(), r#"","ok":true}"#].concat())
        })[self.event.index()]
        .as_str()
    }
}

/// What became of one callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The handler ran and succeeded: `200`.
    Handled(Handled),
    /// Refused, or the handler failed: see [`Rejection::status`].
    Rejected(Rejection),
}

impl Outcome {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Handled(_) => 200,
            Outcome::Rejected(r) => r.status(),
        }
    }

    /// `"ok"`, or the rejection's code.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Handled(_) => "ok",
            Outcome::Rejected(r) => r.code(),
        }
    }

    /// The JSON response body: `{"event":"onInstall","ok":true}` on success,
    /// [`Rejection::body`] otherwise.
    pub fn body(&self) -> Cow<'static, str> {
        match self {
            Outcome::Handled(h) => Cow::Borrowed(h.body()),
            Outcome::Rejected(r) => Cow::Owned(r.body()),
        }
    }

    /// The response headers every adapter sends with this outcome:
    /// `Content-Type: application/json`, and `Allow: POST` on a `405`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        let allow =
            matches!(self, Outcome::Rejected(r) if r.kind() == RejectionKind::MethodNotAllowed);
        [("content-type", "application/json")]
            .into_iter()
            .chain(allow.then_some(("allow", crate::ALLOWED_METHOD)))
    }
}

/// What an adapter sends for an outcome, whatever it was the outcome of
/// (a callback's [`Outcome`], a Desk delivery's
/// [`DeskOutcome`](crate::desk::DeskOutcome)): the adapter translates these
/// three and decides nothing.
pub trait Reply {
    /// The HTTP status.
    fn status(&self) -> u16;
    /// The response headers (`Content-Type`, and `Allow` on a `405`).
    fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)>;
    /// The JSON body.
    fn body(&self) -> Cow<'static, str>;
}

impl Reply for Outcome {
    fn status(&self) -> u16 {
        Outcome::status(self)
    }

    fn headers(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        Outcome::headers(self)
    }

    fn body(&self) -> Cow<'static, str> {
        Outcome::body(self)
    }
}

impl From<Rejection> for Outcome {
    fn from(r: Rejection) -> Self {
        Outcome::Rejected(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut codes: Vec<_> = RejectionKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
        assert!(RejectionKind::ALL.iter().all(|k| k.status() >= 400));
    }

    #[test]
    fn a_custom_rejection_answers_its_own_status_and_code() {
        let r = Rejection::custom(503, "try_later", "come back soon").unwrap();
        assert_eq!(
            (r.kind(), r.status(), r.code()),
            (RejectionKind::Custom, 503, "try_later")
        );
        assert_eq!(
            r.body(),
            r#"{"error":"try_later","message":"come back soon"}"#
        );
        assert_eq!(r.to_string(), "try_later: come back soon");
        assert!(!RejectionKind::ALL.contains(&RejectionKind::Custom));
    }

    #[test]
    fn a_custom_rejection_refuses_a_status_or_code_it_cannot_answer() {
        for status in [0, 200, 302, 399, 600, 999] {
            assert_eq!(
                Rejection::custom(status, "x", "m"),
                Err(CustomRejectionError::Status(status))
            );
        }
        let long: &'static str = "a".repeat(65).leak();
        for code in ["", "Too_Busy", "too-busy", "too busy", "é", long] {
            assert_eq!(
                Rejection::custom(429, code, "m"),
                Err(CustomRejectionError::Code(code))
            );
        }
        for code in ["ok", "handler_error", "invalid_payload", "gone"] {
            assert_eq!(
                Rejection::custom(400, code, "m"),
                Err(CustomRejectionError::Reserved(code))
            );
        }
        let longest: &'static str = "a".repeat(64).leak();
        assert!(Rejection::custom(400, longest, "m").is_ok());
        assert!(Rejection::custom(599, "a_1", "m").is_ok());
        let fallback = Rejection::from(CustomRejectionError::Status(200));
        assert_eq!((fallback.status(), fallback.code()), (500, "handler_error"));
        assert_eq!(
            fallback.detail(),
            Some(
                "an invalid custom rejection: status 200 is not an error status: a rejection answers 400 to 599"
            )
        );
        assert_eq!(
            fallback.body(),
            r#"{"error":"handler_error","message":"the handler failed; see the server log"}"#
        );
    }

    #[test]
    fn detail_is_not_sent() {
        let r = Rejection::new(RejectionKind::HandlerFailed, "the handler failed")
            .with_detail("db password wrong");
        assert_eq!(
            r.body(),
            r#"{"error":"handler_error","message":"the handler failed"}"#
        );
        assert!(!format!("{r:?}").contains("password"));
    }
}
