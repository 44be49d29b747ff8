//! The handler trait that the attribute macros implement, and the list that
//! `callbacks![]` builds.

use crate::HandlerInfo;
use crate::extract::CallContext;
use crate::outcome::Rejection;
use crate::state::{MissingState, StateMap};
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// The future a handler's call returns: its arguments extracted, then the
/// function awaited, borrowing the callback for as long as it runs.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Rejection>> + Send + 'a>>;

/// A callback handler. The attribute macros (`#[on_install]`, …) implement it
/// for a companion type of each annotated function; implement it by hand only
/// to build handlers some other way.
pub trait Handler: Send + Sync + 'static {
    /// The handler's event, path and name.
    fn info(&self) -> &'static HandlerInfo;

    /// Checks that the state its arguments need is present.
    fn check_state(&self, state: &StateMap) -> Result<(), MissingState>;

    /// Extracts the arguments, then runs the handler. An argument that
    /// cannot be extracted refuses the callback before the handler runs; an
    /// error the handler returns is a
    /// [`HandlerFailed`](crate::RejectionKind::HandlerFailed) rejection with
    /// the error as its logged detail.
    fn call<'a>(&'a self, cx: &'a CallContext<'a>) -> HandlerFuture<'a>;
}

impl fmt::Debug for dyn Handler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.info(), f)
    }
}

/// A handler known at compile time, so that `callbacks![]` can check for
/// duplicate events in a `const` assertion.
pub trait StaticHandler {
    /// The handler's event, path and name.
    const INFO: &'static HandlerInfo;
    /// The handler itself.
    const HANDLER: &'static dyn Handler;
}

/// The handlers of one extension: what mounting and the manifest both read.
///
/// Built with `callbacks![a, path::to::b]`, which also rejects at compile
/// time a list with two handlers for one event.
#[derive(Clone, Debug, Default)]
pub struct HandlerList {
    handlers: Vec<&'static dyn Handler>,
}

impl HandlerList {
    /// A list of `handlers`. Duplicate events are refused when the list is
    /// mounted (`callbacks![]` refuses them at compile time already).
    pub fn new(handlers: &[&'static dyn Handler]) -> Self {
        HandlerList {
            handlers: handlers.to_vec(),
        }
    }

    /// The handlers, in the order given.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static dyn Handler> + '_ {
        self.handlers.iter().copied()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.handlers.is_empty()
    }

    /// The number of handlers.
    pub fn len(&self) -> usize {
        self.handlers.len()
    }

    /// What each handler is, in the order given.
    pub fn infos(&self) -> impl ExactSizeIterator<Item = &'static HandlerInfo> + '_ {
        self.iter().map(Handler::info)
    }

    /// The `callbackListener` section for `base_url`.
    pub fn callback_listener(
        &self,
        base_url: &str,
    ) -> Result<crate::manifest::CallbackListener, crate::manifest::ListenerError> {
        crate::manifest::CallbackListener::new(base_url, self.infos())
    }
}

/// The error a handler may return: anything that converts into a boxed
/// error (`?` on any error type, or `"message".into()`).
///
/// Handlers may also return `Result<(), E>` for any `E: Display`
/// (`anyhow::Error`, their own types): this type is a convenience, not a
/// requirement. The message is logged, never sent; the caller sees `500
/// handler_error`, or the status and code an error chose through
/// [`ErrorStatus`] ([`HandlerError::with_status`]).
pub struct HandlerError {
    error: Box<dyn std::error::Error + Send + Sync>,
    /// The status and code an [`ErrorStatus`] chose.
    answer: Option<(u16, &'static str)>,
}

/// How a handler's error answers the caller: a status and a code, `500
/// handler_error` unless it says otherwise. Its message is still logged
/// only, never sent.
///
/// Implement it for your error type, and turn the error into a
/// [`HandlerError`] with [`HandlerError::with_status`] (`map_err` before
/// `?`). A handler returning `Result<(), YourError>` directly answers `500
/// handler_error` whatever the impl says: `with_status` is where the
/// status is read.
///
/// The status must be `400` to `599` and the code 1 to 64 of `a-z`, `0-9`
/// and `_`, not one of the framework's own (as for
/// [`Rejection::custom`]); otherwise the caller gets `500 handler_error`,
/// and the log says why.
///
/// ```
/// use callback_core::{ErrorStatus, HandlerError};
///
/// #[derive(Debug, thiserror::Error)]
/// enum SaveError {
///     #[error("org {0} is saved by another request")]
///     Busy(u64),
///     #[error("the database is down")]
///     Down,
///     #[error("the row is corrupt")]
///     Corrupt,
/// }
///
/// impl ErrorStatus for SaveError {
///     fn status(&self) -> u16 {
///         match self {
///             SaveError::Busy(_) => 409,
///             SaveError::Down => 503,
///             SaveError::Corrupt => 500,
///         }
///     }
///
///     fn code(&self) -> &'static str {
///         match self {
///             SaveError::Busy(_) => "conflict",
///             SaveError::Down => "try_later",
///             SaveError::Corrupt => "handler_error",
///         }
///     }
/// }
///
/// async fn save(org: u64) -> Result<(), SaveError> {
///     Err(SaveError::Busy(org))
/// }
///
/// // In a handler: `#[on_config_param_add] async fn saved(org: OrgId) -> Result<(), HandlerError>`.
/// async fn saved(org: u64) -> Result<(), HandlerError> {
///     save(org).await.map_err(HandlerError::with_status)?; // 409 conflict
///     Ok(())
/// }
/// # let err = futures_util::FutureExt::now_or_never(saved(7)).unwrap().unwrap_err();
/// # assert_eq!(err.answer(), (409, "conflict"));
/// # assert_eq!(HandlerError::with_status(SaveError::Down).answer(), (503, "try_later"));
/// # assert_eq!(HandlerError::msg("x").answer(), (500, "handler_error"));
/// ```
pub trait ErrorStatus {
    /// The HTTP status: `500` unless the error says otherwise.
    fn status(&self) -> u16 {
        500
    }

    /// The code sent as `"error"`: `handler_error` unless the error says
    /// otherwise.
    fn code(&self) -> &'static str {
        "handler_error"
    }
}

impl HandlerError {
    /// An error with `message`.
    pub fn msg(message: impl fmt::Display) -> Self {
        HandlerError::new(message.to_string().into())
    }

    fn new(error: Box<dyn std::error::Error + Send + Sync>) -> Self {
        HandlerError {
            error,
            answer: None,
        }
    }

    /// `err`, answering with the status and code its [`ErrorStatus`]
    /// chooses (its message logged, never sent).
    pub fn with_status<E>(err: E) -> Self
    where
        E: ErrorStatus + std::error::Error + Send + Sync + 'static,
    {
        let answer = Some((err.status(), err.code()));
        HandlerError {
            error: Box::new(err),
            answer,
        }
    }

    /// The status and code this error asks to answer with: its
    /// [`ErrorStatus`]'s, or `(500, "handler_error")`. (A Desk event
    /// handler's [`Gone`] answers `410 gone` whatever this says.)
    pub fn answer(&self) -> (u16, &'static str) {
        self.answer.unwrap_or((500, "handler_error"))
    }

    /// The error a Desk event handler returns to answer the delivery with
    /// `410 Gone`, which makes Zoho drop the webhook's subscription: see
    /// [`Gone`]. A callback handler that returns it fails as any error does
    /// (`500 handler_error`): callbacks have no subscription to drop.
    pub fn gone() -> Self {
        HandlerError::new(Box::new(Gone))
    }

    /// Whether this is [`HandlerError::gone`] (or a [`Gone`] converted with
    /// `?` or `.into()`).
    pub fn is_gone(&self) -> bool {
        self.error.is::<Gone>()
    }
}

/// A Desk event handler's answer "stop sending me this": the delivery is
/// answered `410 Gone` and Zoho drops the webhook's subscription (the events
/// of the batch after this one are not run). Return
/// `Err(HandlerError::gone())`, `Err(Gone)` from a handler returning
/// `Result<(), Gone>`, or `Err(Gone.into())` where the error type is a
/// `Box<dyn Error + Send + Sync>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("the handler answered 410 Gone: Zoho drops the webhook's subscription")]
pub struct Gone;

impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for HandlerError {
    fn from(err: E) -> Self {
        HandlerError::new(err.into())
    }
}

impl fmt::Display for HandlerError {
    /// The error and its sources, separated by `: `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        let mut source = self.error.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

/// A handler's return type: `()` or `Result<(), E>` with `E: Display`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a callback handler return type",
    label = "return `()` or `Result<(), E>` where `E: Display`",
    note = "for example `Result<(), HandlerError>` or `anyhow::Result<()>`"
)]
pub trait IntoHandlerResult {
    /// Converts the return value.
    fn into_handler_result(self) -> Result<(), HandlerError>;
}

impl IntoHandlerResult for () {
    fn into_handler_result(self) -> Result<(), HandlerError> {
        Ok(())
    }
}

/// A [`HandlerError`], a [`Gone`] or a boxed error is kept as it is (so
/// that [`HandlerError::is_gone`] still tells); any other error becomes its
/// message (`{e:#}`, which shows `anyhow`'s chain of causes).
impl<E: fmt::Display + 'static> IntoHandlerResult for Result<(), E> {
    fn into_handler_result(self) -> Result<(), HandlerError> {
        self.map_err(into_handler_error)
    }
}

fn into_handler_error<E: fmt::Display + 'static>(err: E) -> HandlerError {
    let mut slot = Some(err);
    let any: &mut dyn Any = &mut slot;
    if let Some(err) = any
        .downcast_mut::<Option<HandlerError>>()
        .and_then(Option::take)
    {
        return err;
    }
    if let Some(gone) = any.downcast_mut::<Option<Gone>>().and_then(Option::take) {
        return HandlerError::from(gone);
    }
    if let Some(boxed) = any
        .downcast_mut::<Option<Box<dyn std::error::Error + Send + Sync>>>()
        .and_then(Option::take)
    {
        return HandlerError::new(boxed);
    }
    match slot {
        Some(err) => HandlerError::msg(format_args!("{err:#}")),
        None => HandlerError::msg("the handler failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gone_survives_every_way_a_handler_returns_it() {
        let boxed: Box<dyn std::error::Error + Send + Sync> = Gone.into();
        for result in [
            Err::<(), _>(HandlerError::gone()).into_handler_result(),
            Err::<(), _>(Gone).into_handler_result(),
            Err::<(), _>(boxed).into_handler_result(),
            Err::<(), HandlerError>(Gone.into()).into_handler_result(),
        ] {
            assert!(result.unwrap_err().is_gone());
        }
        let other = Err::<(), _>("gone").into_handler_result().unwrap_err();
        assert!(!other.is_gone());
        assert_eq!(other.to_string(), "gone");
        assert!(!HandlerError::msg("x").is_gone());
    }
}
