//! One delivered event, and the delivery it came in.

use super::time::EventTime;
use crate::{OrgId, SecurityContext};
use callback_spec::DeskEventKind;
use serde_json::{Map, Value};

/// What a delivery says about itself, apart from its events: the org and
/// its security context from the URL's query.
///
/// `Debug` shows the org and whether there is a context, never the context.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub(crate) org_id: OrgId,
    pub(crate) security_context: Option<SecurityContext>,
}

impl Delivery {
    /// A delivery for `org_id`, carrying `security_context` if given.
    /// Built by the router; public for tests of handlers.
    pub fn new(org_id: OrgId, security_context: Option<SecurityContext>) -> Self {
        Delivery {
            org_id,
            security_context,
        }
    }

    /// The org the delivery is for (the query's `orgId`, which the token's
    /// issuer and every event's `orgId` match).
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }

    /// The security context from the query, if the URL carried one.
    pub fn security_context(&self) -> Option<&SecurityContext> {
        self.security_context.as_ref()
    }
}

/// One event of a delivery, as Desk sent it: its type, org, time, the
/// current state (`payload`), the state before an update (`prevState`, on
/// subscriptions that ask for it), and every other field kept.
#[derive(Clone, Debug, PartialEq)]
pub struct DeskEvent {
    pub(crate) kind: DeskEventKind,
    pub(crate) org_id: OrgId,
    pub(crate) event_time: Option<EventTime>,
    pub(crate) payload: Value,
    pub(crate) prev_state: Option<Value>,
    pub(crate) extra: Map<String, Value>,
}

impl DeskEvent {
    /// An event of `kind` in `org_id` with `payload`, for tests of handlers.
    pub fn new(kind: DeskEventKind, org_id: OrgId, payload: Value) -> Self {
        DeskEvent {
            kind,
            org_id,
            event_time: None,
            payload,
            prev_state: None,
            extra: Map::new(),
        }
    }

    /// Its type (`Ticket_Add`, …, or one the table does not know).
    pub fn kind(&self) -> &DeskEventKind {
        &self.kind
    }

    /// The org it happened in.
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }

    /// When it happened, if Desk said.
    pub fn event_time(&self) -> Option<EventTime> {
        self.event_time
    }

    /// The record's current state.
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    /// The record's state before the update, on subscriptions with
    /// `include_prev_state`.
    pub fn prev_state(&self) -> Option<&Value> {
        self.prev_state.as_ref()
    }

    /// Every field other than `eventType`, `orgId`, `eventTime`, `payload`
    /// and `prevState`.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// Sets when it happened.
    pub fn with_event_time(mut self, time: EventTime) -> Self {
        self.event_time = Some(time);
        self
    }

    /// Sets the state before the update.
    pub fn with_prev_state(mut self, prev_state: Value) -> Self {
        self.prev_state = Some(prev_state);
        self
    }

    /// Adds a field beyond the five documented ones (a documented name is
    /// ignored).
    pub fn with_extra(mut self, name: impl Into<String>, value: Value) -> Self {
        let name = name.into();
        if !super::batch::is_known_field(&name) {
            self.extra.insert(name, value);
        }
        self
    }
}

impl serde::Serialize for DeskEvent {
    /// The event as Desk sends it: `eventType`, `orgId` (a string),
    /// `eventTime` (epoch milliseconds, a string) when known, `payload`,
    /// `prevState` when present, then every other field.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("eventType", self.kind.wire_name())?;
        map.serialize_entry("orgId", &self.org_id.to_string())?;
        if let Some(time) = &self.event_time {
            map.serialize_entry("eventTime", time)?;
        }
        map.serialize_entry("payload", &self.payload)?;
        if let Some(prev) = &self.prev_state {
            map.serialize_entry("prevState", prev)?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
