//! Reading a payload from JSON bytes in one pass, keeping unknown fields.

use super::fields::Fields;
use super::{OrgId, PayloadError};
use crate::Event;
use callback_spec::UnknownEvent;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;

const EVENT: &str = "event";
const ORG_ID: &str = "orgId";
const SECURITY_CONTEXT: &str = "securityContext";

pub(super) fn is_known_field(name: &str) -> bool {
    matches!(name, EVENT | ORG_ID | SECURITY_CONTEXT)
}

/// Parses a callback body, the security context as `C` (borrowed or
/// owned). An unknown event name is reported apart from other data errors,
/// so that it can get its own rejection code.
pub(super) fn parse<'de, C>(body: &'de [u8]) -> Result<Fields<C>, PayloadError>
where
    C: de::Deserialize<'de>,
{
    let wire: Wire<C> = serde_json::from_slice(body).map_err(PayloadError::from_json)?;
    let event = wire.event.map_err(PayloadError::unknown_event)?;
    Ok(Fields {
        event,
        org_id: wire.org_id,
        security_context: wire.security_context,
        extra: wire.extra,
    })
}

struct Wire<C> {
    event: Result<Event, UnknownEvent>,
    org_id: OrgId,
    security_context: Option<C>,
    extra: Option<Map<String, Value>>,
}

impl<'de, C: de::Deserialize<'de>> de::Deserialize<'de> for Wire<C> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(WireVisitor(PhantomData))
    }
}

struct WireVisitor<C>(PhantomData<C>);

impl<'de, C: de::Deserialize<'de>> Visitor<'de> for WireVisitor<C> {
    type Value = Wire<C>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a callback payload object with `event` and `orgId`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Wire<C>, A::Error> {
        let mut event = None;
        let mut org_id = None;
        let mut security_context = None;
        let mut extra: Option<Map<String, Value>> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Event => set_once(&mut event, map.next_value::<EventName>()?.0, EVENT)?,
                Key::OrgId => set_once(&mut org_id, map.next_value()?, ORG_ID)?,
                Key::SecurityContext => set_once(
                    &mut security_context,
                    map.next_value::<Option<C>>()?,
                    SECURITY_CONTEXT,
                )?,
                Key::Other(name) => {
                    let value = map.next_value()?;
                    if extra.get_or_insert_default().insert(name, value).is_some() {
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
