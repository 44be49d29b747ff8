//! The security context: a credential for Zoho's Invoke API.

use serde::de::{self, Visitor};
use std::fmt;
use std::sync::Arc;

/// The `securityContext` of a callback: an extension-specific encrypted
/// token that authenticates the extension when it calls Zoho's Invoke API.
///
/// It is a credential. `Debug` and `Display` print `<redacted>`; the value is
/// reached only through [`SecurityContext::expose`]. Cloning is cheap.
///
/// ```
/// use callback_core::SecurityContext;
///
/// let ctx = SecurityContext::new("2398deio3qwnx3c9xwi3nc3njkh9jfico");
/// assert_eq!(format!("{ctx} {ctx:?}"), "<redacted> SecurityContext(<redacted>)");
/// assert_eq!(ctx.expose(), "2398deio3qwnx3c9xwi3nc3njkh9jfico");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecurityContext(Arc<str>);

impl SecurityContext {
    /// Wraps a security context.
    pub fn new(value: impl Into<Arc<str>>) -> Self {
        SecurityContext(value.into())
    }

    /// The token itself, for a request to Zoho. Named so that every use is
    /// visible in review; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecurityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityContext(<redacted>)")
    }
}

impl fmt::Display for SecurityContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Deserialises without ever quoting the value in an error: a context sent
/// with the wrong type is still a credential.
impl<'de> serde::Deserialize<'de> for SecurityContext {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContextVisitor)
    }
}

struct ContextVisitor;

const EXPECTED: &str = "securityContext must be a string";

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = SecurityContext;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SecurityContext, E> {
        Ok(SecurityContext::new(v))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<SecurityContext, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<SecurityContext, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<SecurityContext, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<SecurityContext, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_unit<E: de::Error>(self) -> Result<SecurityContext, E> {
        Err(E::custom(EXPECTED))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<SecurityContext, A::Error> {
        Err(de::Error::custom(EXPECTED))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<SecurityContext, A::Error> {
        Err(de::Error::custom(EXPECTED))
    }
}
