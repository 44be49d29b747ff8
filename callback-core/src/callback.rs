//! One verified, parsed callback, as handlers see it.

use crate::payload::BorrowedFields;
use crate::{Event, OrgId, Payload, SecurityContext};
use serde_json::{Map, Value};
use std::cell::OnceCell;
use std::fmt;

/// A callback that passed verification and parsing: the payload, and which
/// configured secret signed it.
///
/// Take it as a handler argument to get everything at once.
#[derive(Clone, Debug, PartialEq)]
pub struct Callback {
    payload: Payload,
    secret_index: usize,
}

impl Callback {
    /// A callback for `payload`, as signed by the configured secret at
    /// `secret_index`. Built by the router; public for tests of handlers.
    pub fn new(payload: Payload, secret_index: usize) -> Self {
        Callback {
            payload,
            secret_index,
        }
    }

    /// The event.
    pub fn event(&self) -> Event {
        self.payload.event()
    }

    /// The organisation.
    pub fn org_id(&self) -> OrgId {
        self.payload.org_id()
    }

    /// The security context, if the payload carries one.
    pub fn security_context(&self) -> Option<&SecurityContext> {
        self.payload.security_context()
    }

    /// Every payload field other than the three documented ones.
    pub fn extra(&self) -> &Map<String, Value> {
        self.payload.extra()
    }

    /// The whole payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// Which configured secret signed it (0 is the first given).
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }

    /// The payload, by value.
    pub fn into_payload(self) -> Payload {
        self.payload
    }
}

/// A callback as the router holds it while a handler's arguments are
/// extracted: the fields borrowed from the body, and the owned [`Callback`]
/// built only if an extractor asks for it. A handler taking only an
/// [`Event`], an [`OrgId`] or state costs no copy of the security context
/// (issue 8).
pub(crate) struct LazyCallback<'b> {
    fields: &'b BorrowedFields<'b>,
    secret_index: usize,
    built: OnceCell<Callback>,
}

impl<'b> LazyCallback<'b> {
    pub(crate) fn new(fields: &'b BorrowedFields<'b>, secret_index: usize) -> Self {
        LazyCallback {
            fields,
            secret_index,
            built: OnceCell::new(),
        }
    }

    pub(crate) fn event(&self) -> Event {
        self.fields.event
    }

    pub(crate) fn org_id(&self) -> OrgId {
        self.fields.org_id
    }

    /// The owned callback, built on the first call and kept.
    pub(crate) fn get(&self) -> &Callback {
        self.built.get_or_init(|| self.build())
    }

    /// An owned callback for an extractor: a clone of the one kept, or a
    /// new one, not kept (keeping it would cost a clone the usual handler,
    /// with one `Callback` argument, does not need).
    pub(crate) fn to_callback(&self) -> Callback {
        self.built.get().cloned().unwrap_or_else(|| self.build())
    }

    /// The security context alone, copied out of the body unless the
    /// callback was built already.
    pub(crate) fn security_context(&self) -> Option<SecurityContext> {
        match self.built.get() {
            Some(callback) => callback.security_context().cloned(),
            None => self.fields.security_context(),
        }
    }

    /// The fields other than the documented three.
    pub(crate) fn extra(&self) -> Map<String, Value> {
        self.fields.extra.clone().unwrap_or_default()
    }

    fn build(&self) -> Callback {
        Callback::new(self.fields.to_payload(), self.secret_index)
    }
}

impl fmt::Debug for LazyCallback<'_> {
    /// Event, org id and secret index; never the security context.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyCallback")
            .field("event", &self.fields.event)
            .field("org_id", &self.fields.org_id)
            .field("secret_index", &self.secret_index)
            .finish_non_exhaustive()
    }
}
