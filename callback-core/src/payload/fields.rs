//! A parsed payload that still borrows from the body: what the router reads
//! to route and what extractors of plain values read, so that a handler
//! asking only for an [`Event`] or an [`OrgId`] costs no allocation.

use super::{OrgId, Payload, SecurityContext};
use crate::Event;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The fields of a valid payload, the security context borrowed from the
/// body unless it had to be unescaped. Crate-private: handlers see
/// [`Payload`], built from this on first use. No `Debug`: the security
/// context is in the clear here.
pub(crate) struct Fields<'b> {
    pub(crate) event: Event,
    pub(crate) org_id: OrgId,
    pub(crate) security_context: Option<Cow<'b, str>>,
    /// `None` when the payload has no other field: an empty map still costs
    /// a drop (issue 8).
    pub(crate) extra: Option<Map<String, Value>>,
}

impl Fields<'_> {
    /// The owned payload: the security context copied out of the body.
    pub(crate) fn into_payload(mut self) -> Payload {
        let extra = self.extra.take().unwrap_or_default();
        self.payload_with(extra)
    }

    /// The same from a shared borrow, for a payload built on first use: the
    /// other fields, if any, are cloned (Zoho's documented payload has none).
    pub(crate) fn to_payload(&self) -> Payload {
        self.payload_with(self.extra.clone().unwrap_or_default())
    }

    /// The security context, copied out of the body.
    pub(crate) fn security_context(&self) -> Option<SecurityContext> {
        self.security_context.as_deref().map(SecurityContext::new)
    }

    fn payload_with(&self, extra: Map<String, Value>) -> Payload {
        Payload {
            event: self.event,
            org_id: self.org_id,
            security_context: self.security_context(),
            extra,
        }
    }
}
