//! The organisation id.

use serde::de::{self, Visitor};
use std::fmt;
use std::str::FromStr;

/// A Zoho Desk organisation (portal) id.
///
/// Read from a JSON number or a string of decimal digits, exactly, up to
/// `u64::MAX` (ids beyond 2^53, where JavaScript loses precision, stay
/// exact). Negative numbers, fractions and exponents are refused.
///
/// ```
/// use callback_core::OrgId;
/// assert_eq!("9007199254740993".parse::<OrgId>()?.get(), 9_007_199_254_740_993);
/// assert!("-1".parse::<OrgId>().is_err());
/// # Ok::<(), callback_core::payload::PayloadError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgId(u64);

impl OrgId {
    /// An org id.
    pub const fn new(id: u64) -> Self {
        OrgId(id)
    }

    /// The id as a number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for OrgId {
    fn from(id: u64) -> Self {
        OrgId(id)
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

const EXPECTED: &str = "orgId must be a non-negative integer (a JSON number or a string of digits)";

impl FromStr for OrgId {
    type Err = crate::payload::PayloadError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_digits(s).ok_or_else(|| crate::payload::PayloadError::invalid(EXPECTED))
    }
}

fn parse_digits(s: &str) -> Option<OrgId> {
    exact_u64(s).map(OrgId)
}

/// `s` as a `u64` if it is one or more decimal digits and fits: the rule
/// for every id Zoho sends as a string (`u64::from_str` alone would accept
/// a leading `+`).
pub(crate) fn exact_u64(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl serde::Serialize for OrgId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for OrgId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrgIdVisitor)
    }
}

struct OrgIdVisitor;

impl<'de> Visitor<'de> for OrgIdVisitor {
    type Value = OrgId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<OrgId, E> {
        Ok(OrgId(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<OrgId, E> {
        u64::try_from(v)
            .map(OrgId)
            .map_err(|_| E::custom("orgId must not be negative"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<OrgId, E> {
        // serde_json hands fractions, exponents and integers beyond u64 here.
        Err(E::custom(
            "orgId must be a whole number no larger than 18446744073709551615",
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<OrgId, E> {
        parse_digits(v).ok_or_else(|| E::custom(EXPECTED))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<OrgId, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_unit<E: de::Error>(self) -> Result<OrgId, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<OrgId, A::Error> {
        Err(de::Error::custom(EXPECTED))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<OrgId, A::Error> {
        Err(de::Error::custom(EXPECTED))
    }
}
