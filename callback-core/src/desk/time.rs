//! A Desk event's `eventTime`, as a typed instant.

use serde::de::{self, Visitor};
use std::fmt;
use std::time::SystemTime;
use time::format_description::well_known::Iso8601;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// When a Desk event happened, in UTC.
///
/// Desk sends `eventTime` as epoch milliseconds (a JSON number or a string
/// of digits) or as an ISO 8601 date and time; both are read exactly (a
/// number never goes through `f64`). An ISO 8601 time without an offset is
/// taken as UTC, which is what Desk's own timestamps (`…Z`) are. Anything
/// else (a negative number, a fraction, text that is not a date) is refused,
/// so a delivery is never handled with a time it did not say.
///
/// ```
/// use callback_core::desk::EventTime;
///
/// let ms: EventTime = serde_json::from_str(r#""1700000000123""#)?;
/// let iso: EventTime = serde_json::from_str(r#""2023-11-14T22:13:20.123Z""#)?;
/// assert_eq!(ms, iso);
/// assert_eq!(ms.unix_millis(), 1_700_000_000_123);
/// assert!(serde_json::from_str::<EventTime>("-1").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventTime(OffsetDateTime);

impl EventTime {
    /// The instant `millis` milliseconds after the Unix epoch, if `time`
    /// can represent it (years up to 9999).
    pub fn from_unix_millis(millis: u64) -> Option<Self> {
        let nanos = i128::from(millis) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(EventTime)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(self) -> i128 {
        self.0.unix_timestamp_nanos() / 1_000_000
    }

    /// The instant as a `time` date and time in UTC.
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.0
    }

    /// The instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        SystemTime::from(self.0)
    }

    /// Reads the text form: digits are epoch milliseconds, anything else
    /// must be ISO 8601.
    fn parse(text: &str) -> Result<Self, &'static str> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text
                .parse::<u64>()
                .ok()
                .and_then(EventTime::from_unix_millis)
                .ok_or(OUT_OF_RANGE);
        }
        if let Ok(at) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
            return Ok(EventTime(at.to_offset(UtcOffset::UTC)));
        }
        PrimitiveDateTime::parse(text, &Iso8601::DEFAULT)
            .map(|at| EventTime(at.assume_utc()))
            .map_err(|_| EXPECTED)
    }
}

impl From<EventTime> for SystemTime {
    fn from(time: EventTime) -> Self {
        time.to_system_time()
    }
}

impl From<EventTime> for OffsetDateTime {
    fn from(time: EventTime) -> Self {
        time.0
    }
}

impl fmt::Display for EventTime {
    /// RFC 3339, in UTC: `2023-11-14T22:13:20.123Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use time::format_description::well_known::Rfc3339;
        match self.0.format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{} ms after the Unix epoch", self.unix_millis()),
        }
    }
}

const EXPECTED: &str = "eventTime must be epoch milliseconds (a number or a string of digits) or an ISO 8601 date and time";
const OUT_OF_RANGE: &str = "eventTime is beyond the year 9999";

impl<'de> serde::Deserialize<'de> for EventTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EventTimeVisitor)
    }
}

impl serde::Serialize for EventTime {
    /// Epoch milliseconds as a string of digits, as Desk sends it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.unix_millis())
    }
}

struct EventTimeVisitor;

impl Visitor<'_> for EventTimeVisitor {
    type Value = EventTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EventTime, E> {
        EventTime::from_unix_millis(v).ok_or_else(|| E::custom(OUT_OF_RANGE))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EventTime, E> {
        u64::try_from(v)
            .map_err(|_| E::custom(EXPECTED))
            .and_then(|v| self.visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<EventTime, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EventTime, E> {
        EventTime::parse(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<i128, String> {
        serde_json::from_str::<EventTime>(json)
            .map(EventTime::unix_millis)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn milliseconds_as_number_or_string_and_iso_8601_with_or_without_offset() {
        for json in [
            "1700000000123",
            r#""1700000000123""#,
            r#""2023-11-14T22:13:20.123Z""#,
            r#""2023-11-15T03:43:20.123+05:30""#,
            r#""2023-11-14T22:13:20.123""#,
        ] {
            assert_eq!(read(json), Ok(1_700_000_000_123), "{json}");
        }
        assert_eq!(read("0"), Ok(0));
    }

    #[test]
    fn everything_else_is_refused_with_the_message() {
        for json in [
            "-1",
            "1.5",
            "1e3",
            r#""""#,
            r#""yesterday""#,
            r#""+17""#,
            "true",
            "[]",
        ] {
            let err = read(json).unwrap_err();
            assert!(
                err.starts_with("eventTime must be") || err.starts_with("invalid type"),
                "{json}: {err}"
            );
        }
        assert_eq!(
            read("18446744073709551615").unwrap_err(),
            "eventTime is beyond the year 9999 at line 1 column 20"
        );
    }

    #[test]
    fn displays_rfc_3339_and_serialises_as_milliseconds() {
        let time = EventTime::from_unix_millis(1_700_000_000_123).unwrap();
        assert_eq!(time.to_string(), "2023-11-14T22:13:20.123Z");
        assert_eq!(serde_json::to_string(&time).unwrap(), r#""1700000000123""#);
        assert_eq!(
            time.to_system_time(),
            SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123)
        );
    }
}
