//! Checking a `HASH` header against the exact bytes received.

use super::{HmacSha256Hex, SchemeKey, SignatureError, SignatureHeader, SignatureScheme};
use crate::Secret;
use crate::payload::{Payload, PayloadError};
use std::fmt;
use std::sync::Arc;

/// Checks `HASH` headers against one or more secrets.
///
/// Each secret is keyed once, when the verifier is built. Several secrets
/// allow rotation without downtime: configure the new and the old one, and
/// [`Verified::secret_index`] says which one matched, so you can tell when
/// the old one stops being used.
///
/// ```
/// use callback_core::{Secret, Signer, Verifier, SignatureError};
///
/// let old = Secret::new("old-secret")?;
/// let new = Secret::new("new-secret")?;
/// let verifier = Verifier::with_secrets([new, old.clone()]).expect("at least one secret");
///
/// let body = br#"{"event":"onInstall","orgId":1}"#;
/// let hash = Signer::new(&old).sign(body);
/// let verified = verifier.verify(hash.as_str().into(), body)?;
/// assert_eq!(verified.secret_index(), 1);
///
/// let payload = verified.parse().expect("a valid payload");
/// assert_eq!(payload.org_id().get(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    scheme: Arc<dyn SignatureScheme>,
    keys: Arc<[Box<dyn SchemeKey>]>,
}

impl Verifier {
    /// A verifier for one secret with the default scheme, [`HmacSha256Hex`].
    pub fn new(secret: Secret) -> Self {
        Verifier::with_secrets([secret]).expect("one secret is given")
    }

    /// A verifier that accepts any of `secrets` (in order of preference),
    /// with the default scheme. `None` if `secrets` is empty.
    pub fn with_secrets(secrets: impl IntoIterator<Item = Secret>) -> Option<Self> {
        Verifier::with_scheme(Arc::new(HmacSha256Hex), secrets)
    }

    /// A verifier with another [`SignatureScheme`]. `None` if `secrets` is
    /// empty.
    pub fn with_scheme(
        scheme: Arc<dyn SignatureScheme>,
        secrets: impl IntoIterator<Item = Secret>,
    ) -> Option<Self> {
        let keys: Arc<[Box<dyn SchemeKey>]> = secrets.into_iter().map(|s| scheme.key(&s)).collect();
        (!keys.is_empty()).then_some(Verifier { scheme, keys })
    }

    /// Checks `header` against `body`, the exact bytes received, before
    /// anything looks inside them.
    ///
    /// Only the returned [`Verified`] can be parsed into a payload.
    pub fn verify<'b>(
        &self,
        header: SignatureHeader<'_>,
        body: &'b [u8],
    ) -> Result<Verified<'b>, SignatureError> {
        let raw = match header {
            SignatureHeader::Absent => return Err(SignatureError::Missing),
            SignatureHeader::Repeated => return Err(SignatureError::Repeated),
            SignatureHeader::One(raw) => raw,
        };
        let tag = self.scheme.decode(raw)?;
        self.keys
            .iter()
            .position(|key| key.matches(body, &tag))
            .map(|secret_index| Verified { body, secret_index })
            .ok_or(SignatureError::Mismatch)
    }

    /// How many secrets this verifier accepts.
    pub fn secret_count(&self) -> usize {
        self.keys.len()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field("secrets", &format_args!("<{} redacted>", self.keys.len()))
            .finish()
    }
}

/// A body whose `HASH` was verified: the only way to a [`Payload`].
#[derive(Clone, Copy)]
pub struct Verified<'b> {
    body: &'b [u8],
    secret_index: usize,
}

impl<'b> Verified<'b> {
    /// Parses the verified bytes, as they are: nothing is re-serialised.
    pub fn parse(&self) -> Result<Payload, PayloadError> {
        Payload::from_verified_bytes(self.body)
    }

    /// The verified body.
    pub fn body(&self) -> &'b [u8] {
        self.body
    }

    /// Which configured secret matched (0 is the first given).
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("body_len", &self.body.len())
            .field("secret_index", &self.secret_index)
            .finish()
    }
}
