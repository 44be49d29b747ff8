//! `Invoke` as a handler argument.

use crate::client::InvokeClient;
use crate::request::Invoke;
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
        let Some(client) = cx.state().get::<InvokeClient>() else {
            let missing = MissingState {
                type_name: std::any::type_name::<InvokeClient>(),
            };
            return Err(
                Rejection::new(RejectionKind::MissingState, "the server is misconfigured")
                    .with_detail(missing.to_string()),
            );
        };
        client
            .for_callback(cx.callback())
            .ok_or_else(|| Rejection::new(RejectionKind::InvalidPayload, NO_SECURITY_CONTEXT))
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<InvokeClient>()
    }
}
