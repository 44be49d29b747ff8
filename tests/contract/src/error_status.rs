//! A handler's error choosing the answer's status and code through
//! `ErrorStatus`: handlers of their own, and the answers every adapter
//! must give them over real HTTP (`409 conflict` and `503 try_later` as
//! chosen, `500 handler_error` by default, the error's message never sent).
//!
//! An adapter's test serves `error_status::callbacks::<CallbackRoutes>()`
//! and runs [`run`] against it.

use crate::fixture::{callback, secret};
use crate::peer;
use crate::table::Request;
use callback_core::{
    ErrorStatus, Event, HandlerError, Router, RouterBuilder, callbacks, default_path,
};
use callback_macros::{on_config_param_add, on_install, on_uninstall, on_update};
use std::net::SocketAddr;

/// The message of every error here, which no answer may carry.
pub const PRIVATE: &str = "row 7 held by request 12 (db password hunter2)";

/// An error whose `ErrorStatus` chooses `409 conflict` or `503 try_later`.
#[derive(Debug)]
enum SaveError {
    Busy,
    Down,
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{PRIVATE} ({self:?})")
    }
}

impl std::error::Error for SaveError {}

impl ErrorStatus for SaveError {
    fn status(&self) -> u16 {
        match self {
            SaveError::Busy => 409,
            SaveError::Down => 503,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            SaveError::Busy => "conflict",
            SaveError::Down => "try_later",
        }
    }
}

async fn save(error: SaveError) -> Result<(), SaveError> {
    Err(error)
}

#[on_install]
async fn installed() -> Result<(), HandlerError> {
    save(SaveError::Busy)
        .await
        .map_err(HandlerError::with_status)?;
    Ok(())
}

#[on_update]
async fn updated() -> Result<(), HandlerError> {
    save(SaveError::Down)
        .await
        .map_err(HandlerError::with_status)?;
    Ok(())
}

/// Returns its error as it is: `ErrorStatus` is read by `with_status`
/// only, so this answers the default.
#[on_uninstall]
async fn uninstalled() -> Result<(), SaveError> {
    save(SaveError::Busy).await
}

/// A plain error: the default.
#[on_config_param_add]
async fn config_added() -> Result<(), String> {
    Err(PRIVATE.to_owned())
}

/// The handlers, each at its event's default path.
pub fn callbacks<R: From<Router>>() -> RouterBuilder<R> {
    RouterBuilder::new(callbacks![installed, updated, uninstalled, config_added]).secret(secret())
}

/// Each event, and the status and code its handler's error answers.
pub const EXPECTED: [(Event, u16, &str); 4] = [
    (Event::Install, 409, "conflict"),
    (Event::Update, 503, "try_later"),
    (Event::Uninstall, 500, "handler_error"),
    (Event::ConfigParamAdd, 500, "handler_error"),
];

/// Sends each event of [`EXPECTED`] to `addr`, which serves
/// [`callbacks()`], and checks its status and exact body.
pub fn run(addr: SocketAddr) {
    for (event, status, code) in EXPECTED {
        let request = Request::from_callback(&callback(event).path(&default_path(event)));
        let response = peer::send(addr, &request);
        let body = String::from_utf8(response.body).expect("UTF-8");
        assert_eq!(response.status, status, "{event}: {body}");
        assert_eq!(
            body,
            format!(r#"{{"error":"{code}","message":"the handler failed; see the server log"}}"#),
            "{event}"
        );
    }
}
