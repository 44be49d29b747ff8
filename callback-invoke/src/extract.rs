//! `Invoke` as a handler argument, and bound to an org outside requests.

use crate::client::InvokeClient;
use crate::request::Invoke;
use callback_core::desk::{DeskContext, FromDeskEvent, OptionalFromDeskEvent};
use callback_core::{
    CallContext, FromCallback, InvokeTarget, MissingState, OptionalFromCallback, Rejection,
    RejectionKind, StateMap,
};

impl InvokeClient {
    /// This client bound to an org and its latest security context, for
    /// calls outside a request (a background job, a webhook of another
    /// service): most often an installation the installation store keeps
    /// (callback-core's feature `store`), also a `Callback` or a Desk
    /// `Delivery`. `None` when there is no context to call Zoho with (an
    /// uninstalled org: `onUninstall` revokes it).
    ///
    /// ```ignore
    /// let installation = store.installation(org_id).await?.ok_or("unknown org")?;
    /// let zoho = client.for_installation(&installation).ok_or("uninstalled")?;
    /// let params = zoho.config_params().get().await?;
    /// ```
    pub fn for_installation(&self, installation: &impl InvokeTarget) -> Option<Invoke> {
        let (org_id, context) = installation.invoke_target()?;
        Some(self.bind(org_id, context))
    }
}

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
    type Rejection = Rejection;

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
    type Rejection = Rejection;

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

/// `None` for a callback without `securityContext`; the client is still
/// needed (mounting fails without it: to run without a client, provide an
/// `Option<InvokeClient>` and take `State<Option<InvokeClient>>`).
impl OptionalFromCallback for Invoke {
    type Rejection = Rejection;

    async fn from_callback_optional(cx: &CallContext<'_>) -> Result<Option<Self>, Rejection> {
        Ok(client(cx.state())?.for_callback(cx.callback()))
    }

    fn check_state(state: &StateMap) -> Result<(), MissingState> {
        state.require::<InvokeClient>()
    }
}

/// `None` for a delivery whose URL carries no `securityContext`; the
/// client is still needed, as for [`Invoke`].
impl OptionalFromDeskEvent for Invoke {
    type Rejection = Rejection;

    async fn from_desk_event_optional(cx: &DeskContext<'_>) -> Result<Option<Self>, Rejection> {
        let client = client(cx.state())?;
        let delivery = cx.delivery();
        Ok(delivery
            .security_context()
            .cloned()
            .map(|context| client.bind(delivery.org_id(), context)))
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
