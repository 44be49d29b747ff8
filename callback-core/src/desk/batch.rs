//! Reading a delivery's body: a JSON array of events, in one pass, every
//! field kept.

use super::event::DeskEvent;
use super::time::EventTime;
use crate::OrgId;
use crate::outcome::{Rejection, RejectionKind};
use callback_spec::DeskEventKind;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

const EVENT_TYPE: &str = "eventType";
const ORG_ID: &str = "orgId";
const EVENT_TIME: &str = "eventTime";
const PAYLOAD: &str = "payload";
const PREV_STATE: &str = "prevState";

/// Whether `name` is one of the five fields [`DeskEvent`] reads itself.
pub(super) fn is_known_field(name: &str) -> bool {
    matches!(
        name,
        EVENT_TYPE | ORG_ID | EVENT_TIME | PAYLOAD | PREV_STATE
    )
}

/// What kind of problem a [`BatchError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchErrorKind {
    /// The body is not JSON (or not UTF-8, or truncated): `400 invalid_json`.
    Syntax,
    /// The body is JSON but not an array of events, or an event lacks a
    /// field, repeats one or has one of the wrong type:
    /// `400 invalid_payload`.
    Data,
}

/// Why a delivery's body is not a batch of Desk events.
///
/// The message says which event (by its position, from 0) and which field,
/// and where parsing stopped; of the body it quotes at most a number, a
/// boolean or a string found where another type belongs (as `serde_json`
/// does). A delivery's body holds no credential: the security context is
/// in its URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BatchError {
    kind: BatchErrorKind,
    message: String,
}

impl BatchError {
    fn from_json(err: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let kind = match err.classify() {
            Category::Data => BatchErrorKind::Data,
            Category::Syntax | Category::Eof | Category::Io => BatchErrorKind::Syntax,
        };
        BatchError {
            kind,
            message: err.to_string(),
        }
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> BatchErrorKind {
        self.kind
    }

    /// The rejection a delivery with this body gets: `400 invalid_json` or
    /// `400 invalid_payload`, with this message.
    pub fn rejection(&self) -> Rejection {
        let kind = match self.kind {
            BatchErrorKind::Syntax => RejectionKind::InvalidJson,
            BatchErrorKind::Data => RejectionKind::InvalidPayload,
        };
        Rejection::new(kind, self.message.clone())
    }
}

/// Parses a delivery's body: a JSON array (possibly empty) of events.
///
/// Each event needs `eventType` (a string; a type the table does not know
/// is kept as [`DeskEventKind::Other`] and never breaks the batch), `orgId`
/// (a number or a string of digits, exact to `u64`) and `payload` (any
/// JSON); `eventTime` ([`EventTime`]) and `prevState` may be absent or
/// `null`; every other field is kept in [`DeskEvent::extra`]. A field given
/// twice is refused. Nothing is checked against the delivery's org here:
/// the router does that.
///
/// ```
/// use callback_core::desk::parse_batch;
/// use callback_core::{DeskEventKind, DeskEventType};
///
/// let events = parse_batch(br#"[
///   {"eventType": "Ticket_Add", "orgId": "9007199254740993", "eventTime": "1700000000123",
///    "payload": {"id": "1892000000143237"}},
///   {"eventType": "Ticket_Teleported", "orgId": 9007199254740993, "payload": null}
/// ]"#)?;
/// assert_eq!(events[0].kind(), &DeskEventKind::Known(DeskEventType::TicketAdd));
/// assert_eq!(events[0].org_id().get(), 9_007_199_254_740_993);
/// assert_eq!(events[1].kind(), &DeskEventKind::Other("Ticket_Teleported".into()));
/// assert!(parse_batch(b"[]")?.is_empty());
/// # Ok::<(), callback_core::desk::BatchError>(())
/// ```
pub fn parse_batch(body: &[u8]) -> Result<Vec<DeskEvent>, BatchError> {
    serde_json::from_slice::<Batch>(body)
        .map(|batch| batch.0)
        .map_err(BatchError::from_json)
}

struct Batch(Vec<DeskEvent>);

impl<'de> de::Deserialize<'de> for Batch {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(BatchVisitor)
    }
}

struct BatchVisitor;

impl<'de> Visitor<'de> for BatchVisitor {
    type Value = Batch;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of Desk events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Batch, A::Error> {
        // No capacity from the size hint: it is the sender's to choose.
        let mut events = Vec::new();
        while let Some(event) = seq.next_element_seed(EventSeed {
            index: events.len(),
        })? {
            events.push(event);
        }
        Ok(Batch(events))
    }
}

/// One event, knowing its position for messages.
struct EventSeed {
    index: usize,
}

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = DeskEvent;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<DeskEvent, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventSeed {
    type Value = DeskEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} to be an object with `eventType`, `orgId` and `payload`",
            self.index
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DeskEvent, A::Error> {
        let index = self.index;
        let at = |field: &str, err: A::Error| -> A::Error {
            de::Error::custom(format_args!("event {index}, `{field}`: {err}"))
        };
        let mut kind: Option<DeskEventKind> = None;
        let mut org_id: Option<OrgId> = None;
        let mut event_time: Option<Option<EventTime>> = None;
        let mut payload: Option<Value> = None;
        let mut prev_state: Option<Option<Value>> = None;
        let mut extra = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let twice = match key.as_str() {
                EVENT_TYPE => {
                    let name = map
                        .next_value::<TypeName>()
                        .map_err(|e| at(EVENT_TYPE, e))?;
                    kind.replace(DeskEventKind::from_wire_name(&name.0))
                        .is_some()
                }
                ORG_ID => org_id
                    .replace(map.next_value().map_err(|e| at(ORG_ID, e))?)
                    .is_some(),
                EVENT_TIME => event_time
                    .replace(map.next_value().map_err(|e| at(EVENT_TIME, e))?)
                    .is_some(),
                PAYLOAD => payload
                    .replace(map.next_value().map_err(|e| at(PAYLOAD, e))?)
                    .is_some(),
                PREV_STATE => prev_state
                    .replace(map.next_value().map_err(|e| at(PREV_STATE, e))?)
                    .is_some(),
                _ => {
                    let value = map.next_value().map_err(|e| at(&key, e))?;
                    extra.insert(key.clone(), value).is_some()
                }
            };
            if twice {
                return Err(de::Error::custom(format_args!(
                    "event {index}: the field `{key}` appears twice"
                )));
            }
        }
        let missing =
            |field: &str| de::Error::custom(format_args!("event {index}: no `{field}` field"));
        Ok(DeskEvent {
            kind: kind.ok_or_else(|| missing(EVENT_TYPE))?,
            org_id: org_id.ok_or_else(|| missing(ORG_ID))?,
            event_time: event_time.flatten(),
            payload: payload.ok_or_else(|| missing(PAYLOAD))?,
            prev_state: prev_state.flatten(),
            extra,
        })
    }
}

/// An `eventType`: a string, whatever it names.
struct TypeName(String);

impl<'de> de::Deserialize<'de> for TypeName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TypeNameVisitor)
    }
}

struct TypeNameVisitor;

impl Visitor<'_> for TypeNameVisitor {
    type Value = TypeName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event type name such as \"Ticket_Add\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeName, E> {
        Ok(TypeName(v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callback_spec::DeskEventType;

    fn refused(body: &str) -> (BatchErrorKind, String) {
        let err = parse_batch(body.as_bytes()).unwrap_err();
        (err.kind(), err.to_string())
    }

    #[test]
    fn every_field_is_read_and_every_other_kept() {
        let events = parse_batch(
            br#"[{"eventType":"Ticket_Update","orgId":"123","eventTime":"2023-11-14T22:13:20.123Z",
                "payload":{"id":"1"},"prevState":{"status":"Open"},"source":"x"}]"#,
        )
        .unwrap();
        let event = &events[0];
        assert_eq!(
            event.kind(),
            &DeskEventKind::Known(DeskEventType::TicketUpdate)
        );
        assert_eq!(event.org_id(), OrgId::new(123));
        assert_eq!(
            event.event_time().map(EventTime::unix_millis),
            Some(1_700_000_000_123)
        );
        assert_eq!(event.payload(), &serde_json::json!({"id": "1"}));
        assert_eq!(
            event.prev_state(),
            Some(&serde_json::json!({"status": "Open"}))
        );
        assert_eq!(event.extra().get("source"), Some(&serde_json::json!("x")));
    }

    #[test]
    fn null_time_and_prev_state_are_none() {
        let events = parse_batch(
            br#"[{"eventType":"Ticket_Add","orgId":1,"payload":{},"eventTime":null,"prevState":null}]"#,
        )
        .unwrap();
        assert_eq!(events[0].event_time(), None);
        assert_eq!(events[0].prev_state(), None);
    }

    #[test]
    fn each_refusal_names_the_event_and_the_field() {
        let cases = [
            (
                "{}",
                BatchErrorKind::Data,
                "invalid type: map, expected a JSON array of Desk events at line 1 column 0",
            ),
            (
                "[1]",
                BatchErrorKind::Data,
                "invalid type: integer `1`, expected event 0 to be an object with `eventType`, `orgId` and `payload` at line 1 column 2",
            ),
            (
                r#"[{"orgId":1,"payload":{}}]"#,
                BatchErrorKind::Data,
                "event 0: no `eventType` field at line 1 column 25",
            ),
            (
                r#"[{"eventType":"Ticket_Add","payload":{}}]"#,
                BatchErrorKind::Data,
                "event 0: no `orgId` field at line 1 column 40",
            ),
            (
                r#"[{"eventType":"Ticket_Add","orgId":1}]"#,
                BatchErrorKind::Data,
                "event 0: no `payload` field at line 1 column 37",
            ),
            (
                r#"[{"eventType":7,"orgId":1,"payload":{}}]"#,
                BatchErrorKind::Data,
                "event 0, `eventType`: invalid type: integer `7`, expected an event type name such as \"Ticket_Add\" at line 1 column 15",
            ),
            (
                r#"[{"eventType":"a","orgId":-1,"payload":{}}]"#,
                BatchErrorKind::Data,
                "event 0, `orgId`: orgId must not be negative at line 1 column 28",
            ),
            (
                r#"[{"eventType":"a","orgId":1.5,"payload":{}}]"#,
                BatchErrorKind::Data,
                "event 0, `orgId`: orgId must be a whole number no larger than 18446744073709551615 at line 1 column 29",
            ),
            (
                r#"[{"eventType":"a","orgId":1,"payload":{},"eventTime":"soon"}]"#,
                BatchErrorKind::Data,
                "event 0, `eventTime`: eventTime must be epoch milliseconds (a number or a string of digits) or an ISO 8601 date and time at line 1 column 59",
            ),
            (
                r#"[{"eventType":"a","orgId":1,"payload":{}},{"eventType":"a","eventType":"b","orgId":1,"payload":{}}]"#,
                BatchErrorKind::Data,
                "event 1: the field `eventType` appears twice at line 1 column 74",
            ),
            (
                r#"[{"eventType":"a","orgId":1,"payload":{},"x":1,"x":2}]"#,
                BatchErrorKind::Data,
                "event 0: the field `x` appears twice at line 1 column 53",
            ),
            (
                "[",
                BatchErrorKind::Syntax,
                "EOF while parsing a list at line 1 column 1",
            ),
            (
                "",
                BatchErrorKind::Syntax,
                "EOF while parsing a value at line 1 column 0",
            ),
            (
                "[] x",
                BatchErrorKind::Syntax,
                "trailing characters at line 1 column 4",
            ),
        ];
        for (body, kind, message) in cases {
            assert_eq!(refused(body), (kind, message.to_owned()), "{body}");
        }
    }

    #[test]
    fn the_rejection_has_the_code_of_the_kind() {
        let syntax = parse_batch(b"[").unwrap_err().rejection();
        assert_eq!((syntax.status(), syntax.code()), (400, "invalid_json"));
        let data = parse_batch(b"{}").unwrap_err().rejection();
        assert_eq!((data.status(), data.code()), (400, "invalid_payload"));
    }
}
