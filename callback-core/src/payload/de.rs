//! Reading a payload from JSON bytes in one pass, keeping unknown fields.

use super::{OrgId, Payload, PayloadError, SecurityContext};
use crate::Event;
use callback_spec::UnknownEvent;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

const EVENT: &str = "event";
const ORG_ID: &str = "orgId";
const SECURITY_CONTEXT: &str = "securityContext";

pub(super) fn is_known_field(name: &str) -> bool {
    matches!(name, EVENT | ORG_ID | SECURITY_CONTEXT)
}

/// Parses a callback body. An unknown event name is reported apart from
/// other data errors, so that it can get its own rejection code.
pub(super) fn parse(body: &[u8]) -> Result<Payload, PayloadError> {
    let wire: Wire = serde_json::from_slice(body).map_err(PayloadError::from_json)?;
    Ok(Payload {
        event: wire.event.map_err(PayloadError::unknown_event)?,
        org_id: wire.org_id,
        security_context: wire.security_context,
        extra: wire.extra,
    })
}

/// What the visitor reads: the event kept even when unknown.
struct Wire {
    event: Result<Event, UnknownEvent>,
    org_id: OrgId,
    security_context: Option<SecurityContext>,
    extra: Map<String, Value>,
}

impl<'de> de::Deserialize<'de> for Wire {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(WireVisitor)
    }
}

struct WireVisitor;

impl<'de> Visitor<'de> for WireVisitor {
    type Value = Wire;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a callback payload object with `event` and `orgId`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Wire, A::Error> {
        let mut event = None;
        let mut org_id = None;
        let mut security_context = None;
        let mut extra = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Event => set_once(&mut event, map.next_value::<EventName>()?.0, EVENT)?,
                Key::OrgId => set_once(&mut org_id, map.next_value()?, ORG_ID)?,
                Key::SecurityContext => set_once(
                    &mut security_context,
                    map.next_value::<Option<SecurityContext>>()?,
                    SECURITY_CONTEXT,
                )?,
                Key::Other(name) => {
                    let value = map.next_value()?;
                    if extra.insert(name, value).is_some() {
                        return Err(de::Error::custom("a field appears twice"));
                    }
                }
            }
        }
        Ok(Wire {
            event: event.ok_or_else(|| de::Error::missing_field(EVENT))?,
            org_id: org_id.ok_or_else(|| de::Error::missing_field(ORG_ID))?,
            security_context: security_context.flatten(),
            extra,
        })
    }
}

fn set_once<T, E: de::Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.replace(value).is_some() {
        return Err(E::duplicate_field(name));
    }
    Ok(())
}

enum Key {
    Event,
    OrgId,
    SecurityContext,
    Other(String),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            EVENT => Key::Event,
            ORG_ID => Key::OrgId,
            SECURITY_CONTEXT => Key::SecurityContext,
            other => Key::Other(other.to_owned()),
        })
    }
}

/// An event name, kept even when unknown so the caller can tell it apart.
struct EventName(Result<Event, UnknownEvent>);

impl<'de> de::Deserialize<'de> for EventName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(EventNameVisitor)
    }
}

struct EventNameVisitor;

impl Visitor<'_> for EventNameVisitor {
    type Value = EventName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event name string such as \"onInstall\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EventName, E> {
        Ok(EventName(v.parse()))
    }
}
