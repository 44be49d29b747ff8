//! One verified, parsed callback, as handlers see it.

use crate::{Event, OrgId, Payload, SecurityContext};
use serde_json::{Map, Value};

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
