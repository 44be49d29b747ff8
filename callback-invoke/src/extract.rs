//! `Invoke` as a handler argument.

use crate::client::InvokeClient;
use crate::request::Invoke;
use callback_core::desk::{DeskContext, FromDeskEvent};
use callback_core::{CallContext, FromCallback, MissingState, Rejection, RejectionKind, StateMap};

/// The message a callback without `securityContext` is refused with.
pub const NO_SECURITY_CONTEXT: &str =
    "the payload has no securityContext, which calling Zoho's Invoke API needs";

/// Extracted from the [`InvokeClient`] provided as state and the callback's
/// `orgId` and `securityContext`.
///
/// - No client provided: mounting fails (`check_state`), naming
///   `InvokeClient`.
/// - A callback without `securityContext`: refused with
///   `400 invalid_payload` before the handler runs.
impl FromCallback for Invoke {
    async fn from_callback(cx: &CallContext<'_>) -> Result<Self, Rejection> {
        client(cx.state())?
            .for_callback(cx.callback())
            .ok_or_else(|| Rejection::new(RejectionKind::InvalidPayload, NO_SECURITY_CONTEXT))
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<InvokeClient>()
    }
}

/// Extracted for a Desk event from the [`InvokeClient`] provided as state
/// and the delivery's `orgId` and `securityContext` (both from the
/// webhook URL's query).
///
/// - No client provided: mounting fails (`check_state`), naming
///   `InvokeClient`.
/// - A delivery whose URL carries no `securityContext`: that event fails
///   with `400 invalid_query` before its handler runs.
impl FromDeskEvent for Invoke {
    async fn from_desk_event(cx: &DeskContext<'_>) -> Result<Self, Rejection> {
        let client = client(cx.state())?;
        let delivery = cx.delivery();
        let context = delivery.security_context().cloned().ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidQuery,
                callback_core::desk::NO_SECURITY_CONTEXT,
            )
        })?;
        Ok(client.bind(delivery.org_id(), context))
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<InvokeClient>()
    }
}

/// The client provided as state, or the rejection for a server that was
/// not given one (which mounting refuses first).
fn client(state: &StateMap) -> Result<&InvokeClient, Rejection> {
    state.get::<InvokeClient>().ok_or_else(|| {
        let missing = MissingState {
            type_name: std::any::type_name::<InvokeClient>(),
        };
        Rejection::new(RejectionKind::MissingState, "the server is misconfigured")
            .with_detail(missing.to_string())
    })
}
