//! The pluggable signing scheme.

use super::SignatureError;
use crate::Secret;
use std::fmt;

/// What the HTTP layer found in the `HASH` header position.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignatureHeader<'a> {
    /// No `HASH` header.
    Absent,
    /// Exactly one `HASH` header, with these bytes (already stripped of the
    /// surrounding whitespace HTTP allows).
    One(&'a [u8]),
    /// Two or more `HASH` headers: refused, as it is ambiguous which to check.
    Repeated,
}

impl fmt::Debug for SignatureHeader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureHeader::Absent => f.write_str("Absent"),
            SignatureHeader::One(v) => write!(f, "One(<{} bytes>)", v.len()),
            SignatureHeader::Repeated => f.write_str("Repeated"),
        }
    }
}

impl<'a> From<Option<&'a [u8]>> for SignatureHeader<'a> {
    fn from(value: Option<&'a [u8]>) -> Self {
        value.map_or(SignatureHeader::Absent, SignatureHeader::One)
    }
}

impl<'a> From<&'a str> for SignatureHeader<'a> {
    fn from(value: &'a str) -> Self {
        SignatureHeader::One(value.as_bytes())
    }
}

/// A decoded MAC, as received in a `HASH` header (at most 64 bytes).
///
/// `Debug` shows only its length.
#[derive(Clone, Copy)]
pub struct Tag {
    bytes: [u8; Tag::MAX_LEN],
    len: usize,
}

impl Tag {
    /// The longest tag a scheme may decode.
    pub const MAX_LEN: usize = 64;

    /// A tag holding `bytes`, or `None` if longer than [`Tag::MAX_LEN`].
    pub fn new(bytes: &[u8]) -> Option<Tag> {
        let mut tag = Tag {
            bytes: [0; Tag::MAX_LEN],
            len: bytes.len(),
        };
        tag.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(tag)
    }

    /// The decoded MAC bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag(<{} bytes>)", self.len)
    }
}

/// How callbacks are signed: how a `HASH` header is decoded, and how a MAC is
/// computed under one secret.
///
/// Implement it to verify a platform that signs a canonical string of the
/// payload's fields, or encodes in base64: the router, the adapters, the
/// signer and the CLI all take any scheme.
///
/// ```
/// use callback_core::signature::{HmacSha256Hex, SignatureError, SignatureScheme};
///
/// // `decode` checks the header's form before any MAC is computed.
/// assert_eq!(
///     HmacSha256Hex.decode(b"zz").unwrap_err(),
///     SignatureError::WrongLength { found: 2, expected: 64 }
/// );
/// ```
pub trait SignatureScheme: Send + Sync + fmt::Debug + 'static {
    /// Checks the form of a `HASH` header value and decodes it.
    fn decode(&self, header: &[u8]) -> Result<Tag, SignatureError>;

    /// Precomputes what signing and verifying with `secret` needs, once per
    /// secret (for HMAC: the keyed inner and outer states).
    fn key(&self, secret: &Secret) -> Box<dyn SchemeKey>;
}

/// A scheme keyed with one secret.
pub trait SchemeKey: Send + Sync {
    /// Whether `tag` is the MAC of `body`, compared in constant time.
    fn matches(&self, body: &[u8], tag: &Tag) -> bool;

    /// The `HASH` header value for `body`.
    fn sign(&self, body: &[u8]) -> String;
}
