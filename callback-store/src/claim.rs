//! Desk events exactly once: claims by content digest.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a claim is kept by default: a redelivery within 7 days of the
/// first delivery is recognised.
pub const DEFAULT_CLAIM_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The label that starts every digest's input, so that no other SHA-256 in
/// the system shares its inputs.
const LABEL: &[u8] = b"callback-store desk event v1\0";

/// The content digest of a Desk event: Desk sends no delivery id, so a
/// redelivered event is recognised by what it says.
///
/// SHA-256 over this canonical encoding of the event's parts:
///
/// 1. the label `callback-store desk event v1` and a zero byte;
/// 2. the length of `eventType` in bytes (8 bytes, big-endian), then its
///    UTF-8 bytes;
/// 3. `orgId` (8 bytes, big-endian);
/// 4. `eventTime`: a zero byte when absent, else a one byte and the
///    nanoseconds since the Unix epoch (16 bytes, big-endian, two's
///    complement), so that one instant written two ways has one digest;
/// 5. `payload` as canonical JSON: no whitespace, the members of every
///    object sorted by the UTF-8 bytes of their names, strings escaped and
///    numbers written as `serde_json` writes them. The same content in
///    another member order has the same digest; the JSON is last, so it
///    needs no length.
///
/// `Debug` and `Display` show the first 12 hex digits.
///
/// ```
/// use callback_store::EventDigest;
/// use serde_json::json;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let at = Some(UNIX_EPOCH + Duration::from_millis(1_700_000_000_000));
/// let one = EventDigest::new("Ticket_Add", 42, at, &json!({"id": "1", "subject": "Hi"}));
/// let same = EventDigest::new("Ticket_Add", 42, at, &json!({"subject": "Hi", "id": "1"}));
/// let other = EventDigest::new("Ticket_Add", 43, at, &json!({"id": "1", "subject": "Hi"}));
/// assert_eq!(one, same);
/// assert_ne!(one, other);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventDigest([u8; 32]);

impl EventDigest {
    /// The digest of an event of type `event_type` in `org_id`, which
    /// happened at `event_time` (if Desk said), with `payload`.
    pub fn new(
        event_type: &str,
        org_id: u64,
        event_time: Option<SystemTime>,
        payload: &Value,
    ) -> EventDigest {
        let mut hash = Sha256::new();
        hash.update(LABEL);
        hash.update((event_type.len() as u64).to_be_bytes());
        hash.update(event_type.as_bytes());
        hash.update(org_id.to_be_bytes());
        match event_time {
            None => hash.update([0]),
            Some(at) => {
                hash.update([1]);
                hash.update(nanos_since_epoch(at).to_be_bytes());
            }
        }
        write_canonical(&mut hash, payload);
        EventDigest(hash.finalize().into())
    }

    /// A digest from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> EventDigest {
        EventDigest(bytes)
    }

    /// Its 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for EventDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…", hex::encode(&self.0[..6]))
    }
}

impl fmt::Debug for EventDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventDigest({self})")
    }
}

/// What [`claim`](crate::InstallationStore::claim) found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This call claimed the event: run its handler, then
    /// [`complete`](crate::InstallationStore::complete) the claim (or
    /// [`release`](crate::InstallationStore::release) it if the handler
    /// failed, so that a redelivery runs it).
    Claimed,
    /// The event was claimed before, within the retention, and that claim
    /// was completed or is within its lease (its handler is running
    /// elsewhere): do not run its handler again.
    AlreadyClaimed,
}

fn nanos_since_epoch(at: SystemTime) -> i128 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// Writes `value` as canonical JSON (see [`EventDigest`]) into `hash`.
fn write_canonical(hash: &mut Sha256, value: &Value) {
    match value {
        Value::Object(members) => {
            let mut members: Vec<_> = members.iter().collect();
            members.sort_unstable_by(|(a, _), (b, _)| a.as_bytes().cmp(b.as_bytes()));
            hash.update(b"{");
            for (index, (name, member)) in members.into_iter().enumerate() {
                if index > 0 {
                    hash.update(b",");
                }
                write_string(hash, name);
                hash.update(b":");
                write_canonical(hash, member);
            }
            hash.update(b"}");
        }
        Value::Array(items) => {
            hash.update(b"[");
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    hash.update(b",");
                }
                write_canonical(hash, item);
            }
            hash.update(b"]");
        }
        leaf => write_leaf(hash, leaf),
    }
}

/// A string, number, boolean or null, as `serde_json` writes it.
fn write_leaf(hash: &mut Sha256, leaf: &Value) {
    serde_json::to_writer(&mut *hash, leaf).expect("a hash takes every byte");
}

/// A member name, as `serde_json` writes a string.
fn write_string(hash: &mut Sha256, text: &str) {
    serde_json::to_writer(&mut *hash, text).expect("a hash takes every byte");
}
