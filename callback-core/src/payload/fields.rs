//! What one pass over a body reads, the security context held as `C`:
//! borrowed from the body for the router, so that a handler asking only for
//! an [`Event`] or an [`OrgId`] costs no allocation, or owned for
//! [`Payload`].

use super::security_context::BorrowedContext;
use super::{OrgId, Payload, SecurityContext};
use crate::Event;
use serde_json::{Map, Value};

/// The fields of a valid payload. Crate-private: handlers see [`Payload`].
/// No `Debug`: the security context may be in the clear here.
pub(crate) struct Fields<C> {
    pub(crate) event: Event,
    pub(crate) org_id: OrgId,
    pub(crate) security_context: Option<C>,
    /// `None` when the payload has no other field: an empty map still costs
    /// a drop (issue 8).
    pub(crate) extra: Option<Map<String, Value>>,
}

/// The router's parse: the security context borrowed from the body unless
/// it had to be unescaped.
pub(crate) type BorrowedFields<'b> = Fields<BorrowedContext<'b>>;

impl Fields<SecurityContext> {
    /// The payload, by moving every field.
    pub(crate) fn into_payload(self) -> Payload {
        Payload {
            event: self.event,
            org_id: self.org_id,
            security_context: self.security_context,
            extra: self.extra.unwrap_or_default(),
        }
    }
}

impl BorrowedFields<'_> {
    /// An owned payload, for a callback built on first use: the security
    /// context copied out of the body, the other fields, if any, cloned
    /// (Zoho's documented payload has none).
    pub(crate) fn to_payload(&self) -> Payload {
        Payload {
            event: self.event,
            org_id: self.org_id,
            security_context: self.security_context(),
            extra: self.extra.clone().unwrap_or_default(),
        }
    }

    /// The security context, copied out of the body.
    pub(crate) fn security_context(&self) -> Option<SecurityContext> {
        self.security_context
            .as_ref()
            .map(|c| SecurityContext::new(&*c.0))
    }
}
