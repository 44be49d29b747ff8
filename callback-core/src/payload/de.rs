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
///
/// The documented payload takes a fast path first (`parse_plain`, about a
/// tenth of a small callback, issue 8); anything else, errors included, is
/// read by the full parser, so results and messages are the full parser's.
pub(super) fn parse<'de, C>(body: &'de [u8]) -> Result<Fields<C>, PayloadError>
where
    C: de::Deserialize<'de>,
{
    match parse_plain(body) {
        Some(fields) => Ok(fields),
        None => parse_full(body),
    }
}

/// The full parser: every field kept, every refusal with its message.
fn parse_full<'de, C>(body: &'de [u8]) -> Result<Fields<C>, PayloadError>
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

/// The documented payload and nothing else: an object with `event`, a
/// numeric `orgId` and an optional `securityContext`, no other field, no
/// escape in the strings. What serde's derive reads fastest.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Plain<'a> {
    event: &'a str,
    #[serde(rename = "orgId")]
    org_id: u64,
    #[serde(rename = "securityContext", borrow)]
    security_context: Option<&'a str>,
}

/// The fast path: `Some` only for a body the full parser reads the same
/// way. Anything else (other fields, escapes, an `orgId` string, an unknown
/// event, any error) returns `None`, and the full parser decides, with its
/// own error messages. An array is refused first: a derived struct would
/// read one as a sequence of its fields.
fn parse_plain<'de, C: de::Deserialize<'de>>(body: &'de [u8]) -> Option<Fields<C>> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    let plain: Plain<'de> = serde_json::from_slice(body).ok()?;
    let event = Event::from_wire_name(plain.event)?;
    let security_context = match plain.security_context {
        None => None,
        Some(raw) => Some(
            C::deserialize(de::value::BorrowedStrDeserializer::<serde_json::Error>::new(raw))
                .ok()?,
        ),
    };
    Some(Fields {
        event,
        org_id: OrgId::new(plain.org_id),
        security_context,
        extra: None,
    })
}

#[cfg(test)]
mod tests {
    //! The fast path against the full parser: it may decline any body, but
    //! a body it reads must read the same in the full parser.

    use super::*;
    use crate::payload::security_context::BorrowedContext;
    use proptest::prelude::*;

    /// Event, org id, security context and extra fields, compared whole.
    type Seen = (Event, OrgId, Option<String>, Option<Map<String, Value>>);

    fn seen(fields: Fields<BorrowedContext<'_>>) -> Seen {
        (
            fields.event,
            fields.org_id,
            fields.security_context.map(|c| c.0.into_owned()),
            fields.extra,
        )
    }

    fn plain(body: &str) -> Option<Seen> {
        parse_plain::<BorrowedContext<'_>>(body.as_bytes()).map(seen)
    }

    fn full(body: &str) -> Result<Seen, PayloadError> {
        parse_full::<BorrowedContext<'_>>(body.as_bytes()).map(seen)
    }

    #[test]
    fn the_documented_payload_takes_the_fast_path() {
        let body = r#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#;
        assert_eq!(plain(body), Some(full(body).expect("valid")));
        let body = " {\"orgId\": 1, \"event\": \"onTPAAuthorize\", \"securityContext\": null}\n";
        assert_eq!(plain(body), Some(full(body).expect("valid")));
        let body = r#"{"event":"onInstall","orgId":0}"#;
        assert_eq!(plain(body), Some(full(body).expect("valid")));
    }

    #[test]
    fn anything_else_goes_to_the_full_parser() {
        for body in [
            // other fields, escapes, an org id string, an unknown event
            r#"{"event":"onInstall","orgId":1,"configParams":{}}"#,
            r#"{"event":"onInstall","orgId":1,"securityContext":"a\"b"}"#,
            r#"{"event":"on\u0049nstall","orgId":1}"#,
            r#"{"event":"onInstall","orgId":"1"}"#,
            r#"{"event":"onInstal","orgId":1}"#,
            // a repeated field, an array, a number too large, trailing bytes
            r#"{"event":"onInstall","orgId":1,"orgId":2}"#,
            r#"["onInstall",1,"ctx"]"#,
            r#"{"event":"onInstall","orgId":18446744073709551616}"#,
            r#"{"event":"onInstall","orgId":1} x"#,
            "\u{feff}{\"event\":\"onInstall\",\"orgId\":1}",
        ] {
            assert_eq!(plain(body), None, "{body}");
        }
    }

    /// A JSON value as text, for the fields' values.
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            Just("-0".to_owned()),
            Just("1.0".to_owned()),
            Just("1e3".to_owned()),
            Just("18446744073709551616".to_owned()),
            Just("[]".to_owned()),
            Just("{}".to_owned()),
            "[a-zA-Z0-9]{0,12}".prop_map(|s| format!("\"{s}\"")),
            prop::sample::select(vec![
                "onInstall",
                "onZohoAuthorise",
                "onZohoAuthorize",
                "onTPAAuthorize",
                "onUninstall",
                "oninstall",
            ])
            .prop_map(|s| format!("\"{s}\"")),
            Just(r#""a\"b""#.to_owned()),
            Just(r#""on\u0049nstall""#.to_owned()),
        ]
    }

    /// A field name: the three documented ones (some escaped), or others.
    fn key() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "event",
            "orgId",
            "securityContext",
            "\\u0065vent",
            "OrgId",
            "configParams",
            "",
        ])
        .prop_map(|k| format!("\"{k}\""))
    }

    /// Mostly well-formed payloads, with every kind of deviation: about a
    /// third take the fast path.
    fn body() -> impl Strategy<Value = String> {
        let name = prop::sample::select(vec![
            "onInstall",
            "onZohoAuthorise",
            "onZohoAuthorize",
            "onTPAAuthorise",
            "onTPAAuthorize",
            "onUninstall",
        ])
        .prop_map(|s| format!("\"{s}\""));
        let event = prop_oneof![4 => name, 1 => value()];
        let org = prop_oneof![4 => any::<u64>().prop_map(|n| n.to_string()), 1 => value()];
        let ctx = prop::option::of(prop_oneof![
            4 => "[a-zA-Z0-9]{0,40}".prop_map(|s| format!("\"{s}\"")),
            1 => value(),
        ]);
        let extra = prop_oneof![
            4 => Just(Vec::new()),
            1 => prop::collection::vec((key(), value()), 1..4),
        ];
        let wrap = prop_oneof![4 => Just(0u8), 1 => 1..4u8];
        (event, org, ctx, extra, any::<bool>(), wrap).prop_map(
            |(event, org, ctx, extra, shuffle, wrap)| {
                if wrap == 2 {
                    // The fields' values as an array, which a derived
                    // struct would read as its fields in order.
                    let ctx = ctx.map(|c| format!(",{c}")).unwrap_or_default();
                    return format!("[{event},{org}{ctx}]");
                }
                let mut all = vec![format!("\"event\":{event}"), format!("\"orgId\":{org}")];
                if let Some(ctx) = ctx {
                    all.push(format!("\"securityContext\":{ctx}"));
                }
                all.extend(extra.into_iter().map(|(k, v)| format!("{k}:{v}")));
                if shuffle {
                    all.reverse();
                }
                let inner = all.join(",");
                match wrap {
                    0 => format!("{{{inner}}}"),
                    1 => format!(" \n{{ {inner} }}\t"),
                    _ => format!("{{{inner}}},"),
                }
            },
        )
    }

    #[test]
    fn the_fast_path_reads_what_the_full_parser_reads() {
        use proptest::test_runner::{Config, TestRunner};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (fast, all) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut runner = TestRunner::new(Config::with_cases(2_000));
        runner
            .run(&body(), |body| {
                all.fetch_add(1, Ordering::Relaxed);
                if let Some(seen) = plain(&body) {
                    fast.fetch_add(1, Ordering::Relaxed);
                    prop_assert_eq!(Ok(seen), full(&body), "{}", body);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        // Both paths were taken often enough for the comparison to mean
        // something.
        let (fast, all) = (fast.into_inner(), all.into_inner());
        assert!(
            fast * 5 > all && fast * 5 < all * 4,
            "{fast} of {all} bodies took the fast path"
        );
    }
}
