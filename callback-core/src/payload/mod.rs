//! The JSON body of a callback.

mod de;
mod error;
mod org_id;
mod security_context;

pub use error::{PayloadError, PayloadErrorKind};
pub use org_id::OrgId;
pub(crate) use org_id::exact_u64;
pub use security_context::SecurityContext;

use crate::Event;
use serde_json::{Map, Value};

/// A parsed callback body: `event`, `orgId`, `securityContext`, and every
/// other field Zoho sent, kept as it came.
///
/// Only a [`Verified`](crate::Verified) body can be parsed into a `Payload`:
/// there is no public way to deserialise one from unverified bytes. Building
/// one (for tests and tools that send callbacks) goes through [`Payload::new`],
/// and serialising writes the documented field names.
///
/// ```
/// use callback_core::{Event, OrgId, Payload, SecurityContext};
///
/// let payload = Payload::new(Event::ZohoAuthorise, OrgId::new(387238))
///     .with_security_context(SecurityContext::new("2398deio3qwnx3c9xwi3nc3njkh9jfico"));
/// assert_eq!(
///     serde_json::to_string(&payload)?,
///     r#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#
/// );
/// // Debug never shows the security context.
/// assert!(!format!("{payload:?}").contains("2398de"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Payload {
    event: Event,
    org_id: OrgId,
    security_context: Option<SecurityContext>,
    extra: Map<String, Value>,
}

impl Payload {
    /// A payload for `event` in organisation `org_id`, without a security
    /// context or extra fields.
    pub fn new(event: Event, org_id: OrgId) -> Self {
        Payload {
            event,
            org_id,
            security_context: None,
            extra: Map::new(),
        }
    }

    /// Sets the security context.
    pub fn with_security_context(mut self, context: SecurityContext) -> Self {
        self.security_context = Some(context);
        self
    }

    /// Adds a field beyond the three documented ones. A name of a documented
    /// field (`event`, `orgId`, `securityContext`) is ignored.
    pub fn with_extra(mut self, name: impl Into<String>, value: Value) -> Self {
        let name = name.into();
        if !de::is_known_field(&name) {
            self.extra.insert(name, value);
        }
        self
    }

    /// Parses bytes whose signature was checked. Crate-private on purpose.
    pub(crate) fn from_verified_bytes(body: &[u8]) -> Result<Payload, PayloadError> {
        de::parse(body)
    }

    /// The event, as the payload names it.
    pub fn event(&self) -> Event {
        self.event
    }

    /// The organisation (portal) the event happened in.
    pub fn org_id(&self) -> OrgId {
        self.org_id
    }

    /// The security context, if the payload carries one.
    pub fn security_context(&self) -> Option<&SecurityContext> {
        self.security_context.as_ref()
    }

    /// Every field other than `event`, `orgId` and `securityContext`.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }
}

impl serde::Serialize for Payload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("event", &self.event)?;
        map.serialize_entry("orgId", &self.org_id)?;
        if let Some(ctx) = &self.security_context {
            map.serialize_entry("securityContext", ctx.expose())?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
