//! The id of a Desk record (ticket, thread, comment, department, …).

use crate::payload::exact_u64;
use serde::de::{self, Visitor};
use std::fmt;
use std::str::FromStr;

/// The id of a Desk record: a ticket, a thread, a comment, a department, a
/// contact, an agent.
///
/// Desk's ids are 17 to 19 digit numbers, sent as strings (beyond 2^53, a
/// JSON number read through `f64` would lose digits). Read exactly from a
/// string of digits or a JSON integer, up to `u64::MAX`; written back as a
/// string, as Desk sends it.
///
/// ```
/// use callback_core::desk::DeskId;
///
/// let id: DeskId = serde_json::from_str(r#""1892000000143237""#)?;
/// assert_eq!(id.get(), 1_892_000_000_143_237);
/// assert_eq!(serde_json::to_string(&id)?, r#""1892000000143237""#);
/// assert!(serde_json::from_str::<DeskId>("1.5").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeskId(u64);

impl DeskId {
    /// An id.
    pub const fn new(id: u64) -> Self {
        DeskId(id)
    }

    /// The id as a number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for DeskId {
    fn from(id: u64) -> Self {
        DeskId(id)
    }
}

impl fmt::Display for DeskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

const EXPECTED: &str = "a Desk id (a string of digits or a non-negative integer)";

/// Why a text is not a [`DeskId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not {EXPECTED}")]
pub struct InvalidDeskId;

impl FromStr for DeskId {
    type Err = InvalidDeskId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        exact_u64(s).map(DeskId).ok_or(InvalidDeskId)
    }
}

impl serde::Serialize for DeskId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for DeskId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = DeskId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DeskId, E> {
        Ok(DeskId(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DeskId, E> {
        u64::try_from(v)
            .map(DeskId)
            .map_err(|_| E::custom("a Desk id must not be negative"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<DeskId, E> {
        Err(E::custom(
            "a Desk id must be a whole number no larger than 18446744073709551615",
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DeskId, E> {
        v.parse()
            .map_err(|_| E::custom(format_args!("expected {EXPECTED}")))
    }
}

/// An optional id, as Desk writes one that is not set: absent, `null` or
/// `""` are all `None`.
pub(crate) mod optional {
    use super::DeskId;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Id(DeskId),
        Empty(EmptyString),
    }

    struct EmptyString;

    impl<'de> Deserialize<'de> for EmptyString {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
            if text.is_empty() {
                Ok(EmptyString)
            } else {
                Err(serde::de::Error::custom("not empty"))
            }
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DeskId>, D::Error> {
        match Option::<Wire>::deserialize(deserializer) {
            Ok(Some(Wire::Id(id))) => Ok(Some(id)),
            Ok(Some(Wire::Empty(_)) | None) => Ok(None),
            Err(_) => Err(serde::de::Error::custom(format_args!(
                "expected {}, empty or null",
                super::EXPECTED
            ))),
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        id: &Option<DeskId>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        id.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_beyond_f64_precision_stay_exact() {
        let id: DeskId = serde_json::from_str("9007199254740993").unwrap();
        assert_eq!(id.get(), 9_007_199_254_740_993);
        let id: DeskId = serde_json::from_str(r#""1892000000143237019""#).unwrap();
        assert_eq!(id.to_string(), "1892000000143237019");
        for bad in [
            "-1",
            "1.0",
            r#""+1""#,
            r#""""#,
            r#""1a""#,
            "18446744073709551616",
        ] {
            assert!(serde_json::from_str::<DeskId>(bad).is_err(), "{bad}");
        }
    }
}
