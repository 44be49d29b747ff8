//! Producing `HASH` values: for tests, tools and the local Zoho stand-in.

use super::{HmacSha256Hex, SchemeKey, SignatureScheme};
use crate::Secret;
use std::fmt;

/// Computes the `HASH` header value Zoho would send for a body.
///
/// ```
/// use callback_core::{Secret, Signer, Verifier};
///
/// let secret = Secret::new("s3cr3t")?;
/// let body = br#"{"event":"onInstall","orgId":1}"#;
/// let hash = Signer::new(&secret).sign(body);
/// assert!(Verifier::new(secret).verify(hash.as_str().into(), body).is_ok());
/// # Ok::<(), callback_core::SecretError>(())
/// ```
pub struct Signer {
    key: Box<dyn SchemeKey>,
}

impl Signer {
    /// A signer using the default scheme, [`HmacSha256Hex`].
    pub fn new(secret: &Secret) -> Self {
        Signer::with_scheme(&HmacSha256Hex, secret)
    }

    /// A signer using `scheme`.
    pub fn with_scheme(scheme: &dyn SignatureScheme, secret: &Secret) -> Self {
        Signer {
            key: scheme.key(secret),
        }
    }

    /// The `HASH` header value for `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        self.key.sign(body)
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}
