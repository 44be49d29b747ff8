//! What an Invoke client is bound to: an org, and the security context
//! Zoho gave for it.

use crate::desk::Delivery;
use crate::{Callback, OrgId, SecurityContext};

/// Something that names an org and may carry a security context of it: a
/// verified [`Callback`], a Desk [`Delivery`], or (feature `store`) an
/// installation the store keeps. `callback-invoke`'s
/// `InvokeClient::for_installation` binds a client to any of them, so that
/// a background job calls Zoho for an org without a request in hand.
pub trait InvokeTarget {
    /// The org and its security context; `None` when there is no context to
    /// call Zoho with (a callback without one, an uninstalled org).
    fn invoke_target(&self) -> Option<(OrgId, SecurityContext)>;
}

impl InvokeTarget for Callback {
    fn invoke_target(&self) -> Option<(OrgId, SecurityContext)> {
        Some((self.org_id(), self.security_context()?.clone()))
    }
}

impl InvokeTarget for Delivery {
    fn invoke_target(&self) -> Option<(OrgId, SecurityContext)> {
        Some((self.org_id(), self.security_context()?.clone()))
    }
}

/// The org's latest security context, which `onUninstall` revokes.
#[cfg(feature = "store")]
impl InvokeTarget for callback_store::Installation {
    fn invoke_target(&self) -> Option<(OrgId, SecurityContext)> {
        let context = self.security_context.as_ref()?;
        Some((
            OrgId::new(self.org_id),
            SecurityContext::new(context.expose()),
        ))
    }
}
