//! Why a `HASH` header was refused.

/// Why a `HASH` header was refused. Each maps to `401 Unauthorized`.
///
/// No variant carries the secret, the expected MAC or the received value:
/// the messages say what is wrong with the header, never what it should be.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no `HASH` header.
    #[error("the request has no HASH header")]
    Missing,
    /// The request has more than one `HASH` header.
    #[error("the request has more than one HASH header")]
    Repeated,
    /// The `HASH` header is empty.
    #[error("the HASH header is empty")]
    Empty,
    /// The `HASH` header does not have the length the scheme produces.
    #[error("the HASH header is {found} bytes long; expected {expected}")]
    WrongLength {
        /// Its length in bytes.
        found: usize,
        /// The length the scheme produces.
        expected: usize,
    },
    /// The `HASH` header holds a character that is not a hex digit.
    #[error("the HASH header is not hex: invalid character at position {index}")]
    NotHex {
        /// The 0-based byte offset of the first bad character.
        index: usize,
    },
    /// The header is well formed but is not the MAC of this body under any
    /// configured secret.
    #[error("the HASH header does not match the body under any configured secret")]
    Mismatch,
}

impl SignatureError {
    /// A stable, machine-readable code for this error (used in HTTP responses).
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Missing => "missing_signature",
            SignatureError::Repeated => "repeated_signature",
            SignatureError::Empty => "empty_signature",
            SignatureError::WrongLength { .. } | SignatureError::NotHex { .. } => {
                "malformed_signature"
            }
            SignatureError::Mismatch => "signature_mismatch",
        }
    }
}
