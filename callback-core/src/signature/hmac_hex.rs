//! The default scheme: HMAC-SHA256 over the raw body, hex digest.

use super::{SchemeKey, SignatureError, SignatureScheme, Tag};
use crate::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 keyed with the UTF-8 bytes of the secret, over the exact body
/// bytes received, as 64 hex digits.
///
/// Reading accepts lower, upper or mixed case; signing writes lowercase (what
/// Zoho's and PHP's `hash_hmac` produce). Nothing is trimmed or normalised:
/// HTTP already strips the whitespace around a header value, and anything
/// else is refused as malformed.
///
/// ```
/// use callback_core::{Secret, Signer};
///
/// // RFC 4231, test case 2.
/// let signer = Signer::new(&Secret::new("Jefe")?);
/// assert_eq!(
///     signer.sign(b"what do ya want for nothing?"),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
/// );
/// # Ok::<(), callback_core::SecretError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct HmacSha256Hex;

/// Hex digits in a SHA-256 MAC.
const HEX_LEN: usize = 64;

impl SignatureScheme for HmacSha256Hex {
    fn decode(&self, header: &[u8]) -> Result<Tag, SignatureError> {
        if header.is_empty() {
            return Err(SignatureError::Empty);
        }
        if header.len() != HEX_LEN {
            return Err(SignatureError::WrongLength {
                found: header.len(),
                expected: HEX_LEN,
            });
        }
        let mut raw = [0u8; HEX_LEN / 2];
        hex::decode_to_slice(header, &mut raw).map_err(|_| SignatureError::NotHex {
            index: header
                .iter()
                .position(|b| !b.is_ascii_hexdigit())
                .unwrap_or_default(),
        })?;
        Ok(Tag::new(&raw).expect("32 bytes fit in a tag"))
    }

    fn key(&self, secret: &Secret) -> Box<dyn SchemeKey> {
        let mac = HmacSha256::new_from_slice(secret.expose().as_bytes())
            .expect("HMAC takes a key of any length");
        Box::new(KeyedHmac(mac))
    }
}

/// An HMAC state keyed once; each request clones it rather than re-keying.
struct KeyedHmac(HmacSha256);

impl SchemeKey for KeyedHmac {
    fn matches(&self, body: &[u8], tag: &Tag) -> bool {
        let mut mac = self.0.clone();
        mac.update(body);
        // `verify_slice` compares in constant time.
        mac.verify_slice(tag.as_bytes()).is_ok()
    }

    fn sign(&self, body: &[u8]) -> String {
        let mut mac = self.0.clone();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }
}
