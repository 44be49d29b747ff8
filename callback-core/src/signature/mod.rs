//! The `HASH` header: signing schemes, the signer and the verifier.
//!
//! What Zoho documents, and what it does not, is set out in the crate docs
//! (see "The HASH scheme"). The default, [`HmacSha256Hex`], is HMAC-SHA256
//! over the raw body bytes with a hex digest in either case. A platform that
//! signs another canonical input or encoding plugs in its own
//! [`SignatureScheme`] without forking.

mod error;
mod hmac_hex;
mod scheme;
mod signer;
mod verifier;

pub use error::SignatureError;
pub use hmac_hex::HmacSha256Hex;
pub use scheme::{SchemeKey, SignatureHeader, SignatureScheme, Tag};
pub use signer::Signer;
pub use verifier::{Verified, Verifier};
