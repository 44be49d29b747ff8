//! Why a verified body is not a callback payload.

use callback_spec::UnknownEvent;

/// What kind of problem a [`PayloadError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadErrorKind {
    /// The body is not JSON (or not UTF-8, or truncated).
    Syntax,
    /// The body is JSON, but a field is missing, repeated or of the wrong type.
    Data,
    /// The `event` field names no known event.
    UnknownEvent,
}

/// Why a verified body is not a callback payload.
///
/// The message never quotes the security context.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PayloadError {
    kind: PayloadErrorKind,
    message: String,
    position: Option<(usize, usize)>,
}

impl PayloadError {
    pub(crate) fn from_json(err: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let kind = match err.classify() {
            Category::Data => PayloadErrorKind::Data,
            Category::Syntax | Category::Eof | Category::Io => PayloadErrorKind::Syntax,
        };
        let position = (err.line() > 0).then(|| (err.line(), err.column()));
        PayloadError {
            kind,
            message: err.to_string(),
            position,
        }
    }

    pub(crate) fn unknown_event(err: UnknownEvent) -> Self {
        PayloadError {
            kind: PayloadErrorKind::UnknownEvent,
            message: err.to_string(),
            position: None,
        }
    }

    pub(crate) fn invalid(message: &str) -> Self {
        PayloadError {
            kind: PayloadErrorKind::Data,
            message: message.to_owned(),
            position: None,
        }
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> PayloadErrorKind {
        self.kind
    }

    /// The 1-based line and column where parsing stopped, when known.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.position
    }
}
