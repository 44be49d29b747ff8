//! Building callbacks as Zoho sends them, correctly signed or deliberately
//! broken, for tests of extensions and of adapters.
//!
//! Adapters wrap [`TestRequest`] in their framework's test request type
//! (`callback_actix::test` does so for actix-web). Desk deliveries, signed
//! with a TEST key, and the key set to check them with: [`desk`].

pub mod desk;

use crate::{Event, OrgId, Payload, Secret, SecurityContext, Signer, default_path};
use serde_json::Value;
use std::fmt;

/// A callback request to send in a test: path, headers and body.
///
/// `Debug` shows the path, the content type and the lengths of the `HASH`
/// and the body, never their bytes: a test log is a log too.
#[derive(Clone, PartialEq, Eq)]
pub struct TestRequest {
    /// The path to POST to.
    pub path: String,
    /// The `HASH` header, if any.
    pub hash: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl fmt::Debug for TestRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestRequest")
            .field("path", &self.path)
            .field("hash_len", &self.hash.as_ref().map(String::len))
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[derive(Clone)]
enum HashMode {
    Signed,
    SignedWith(Secret),
    Missing,
    Custom(String),
}

/// Builds a [`TestRequest`] for one event: by default signed with the given
/// secret, `Content-Type: application/json`, posted to the event's default
/// path, for org 1 with security context `test-security-context`.
///
/// ```
/// use callback_core::{testing::TestCallback, Event, Secret, Signer};
///
/// let secret = Secret::new("s3cr3t")?;
/// let req = TestCallback::new(Event::Install, &secret).org_id(42).build();
/// assert_eq!(req.path, "/callbacks/onInstall");
/// assert_eq!(req.hash.as_deref(), Some(Signer::new(&secret).sign(&req.body).as_str()));
///
/// let forged = TestCallback::new(Event::Install, &secret).tamper_body().build();
/// assert_ne!(forged.hash.as_deref(), Some(Signer::new(&secret).sign(&forged.body).as_str()));
/// # Ok::<(), callback_core::SecretError>(())
/// ```
///
/// `Debug` shows the event and the org id, never the security context, the
/// secret or a body.
#[derive(Clone)]
pub struct TestCallback {
    event: Event,
    org_id: u64,
    security_context: Option<String>,
    extra: Vec<(String, Value)>,
    secret: Secret,
    path: Option<String>,
    body: Option<Vec<u8>>,
    hash: HashMode,
    content_type: Option<String>,
    tamper: bool,
}

impl fmt::Debug for TestCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCallback")
            .field("event", &self.event)
            .field("org_id", &self.org_id)
            .field("path", &self.path)
            .field("tamper", &self.tamper)
            .finish_non_exhaustive()
    }
}

/// The security context test callbacks carry unless told otherwise.
pub const TEST_SECURITY_CONTEXT: &str = "test-security-context";

impl TestCallback {
    /// A correctly signed callback for `event`.
    pub fn new(event: Event, secret: &Secret) -> Self {
        TestCallback {
            event,
            org_id: 1,
            security_context: Some(TEST_SECURITY_CONTEXT.to_owned()),
            extra: Vec::new(),
            secret: secret.clone(),
            path: None,
            body: None,
            hash: HashMode::Signed,
            content_type: Some("application/json".to_owned()),
            tamper: false,
        }
    }

    /// Sets the org id.
    pub fn org_id(mut self, org_id: u64) -> Self {
        self.org_id = org_id;
        self
    }

    /// Sets the security context.
    pub fn security_context(mut self, context: &str) -> Self {
        self.security_context = Some(context.to_owned());
        self
    }

    /// Sends no security context.
    pub fn without_security_context(mut self) -> Self {
        self.security_context = None;
        self
    }

    /// Adds a field beyond the documented three.
    pub fn extra(mut self, name: &str, value: Value) -> Self {
        self.extra.push((name.to_owned(), value));
        self
    }

    /// Posts to `path` instead of the event's default path.
    pub fn path(mut self, path: &str) -> Self {
        self.path = Some(path.to_owned());
        self
    }

    /// Sends `body` instead of the serialised payload (still signed).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Signs with another secret (the server should answer 401).
    pub fn signed_with(mut self, secret: &Secret) -> Self {
        self.hash = HashMode::SignedWith(secret.clone());
        self
    }

    /// Sends this `HASH` value instead of the right one.
    pub fn hash(mut self, hash: &str) -> Self {
        self.hash = HashMode::Custom(hash.to_owned());
        self
    }

    /// Sends no `HASH` header.
    pub fn without_hash(mut self) -> Self {
        self.hash = HashMode::Missing;
        self
    }

    /// Signs the body, then changes its last byte, as a forger would.
    pub fn tamper_body(mut self) -> Self {
        self.tamper = true;
        self
    }

    /// Sends this `Content-Type`.
    pub fn content_type(mut self, content_type: &str) -> Self {
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// Sends no `Content-Type`.
    pub fn without_content_type(mut self) -> Self {
        self.content_type = None;
        self
    }

    /// The request.
    pub fn build(&self) -> TestRequest {
        let mut body = match &self.body {
            Some(body) => body.clone(),
            None => serde_json::to_vec(&self.payload()).expect("a payload always serialises"),
        };
        let hash = match &self.hash {
            HashMode::Signed => Some(Signer::new(&self.secret).sign(&body)),
            HashMode::SignedWith(other) => Some(Signer::new(other).sign(&body)),
            HashMode::Missing => None,
            HashMode::Custom(h) => Some(h.clone()),
        };
        if self.tamper {
            if let Some(last) = body.last_mut() {
                *last ^= 0x01;
            } else {
                body.push(b' ');
            }
        }
        TestRequest {
            path: self
                .path
                .clone()
                .unwrap_or_else(|| default_path(self.event)),
            hash,
            content_type: self.content_type.clone(),
            body,
        }
    }
}

impl TestCallback {
    /// The payload this callback carries (unless [`TestCallback::body`]
    /// replaced it).
    pub fn payload(&self) -> Payload {
        let mut payload = Payload::new(self.event, OrgId::new(self.org_id));
        if let Some(context) = &self.security_context {
            payload = payload.with_security_context(SecurityContext::new(context.as_str()));
        }
        self.extra
            .iter()
            .fold(payload, |p, (k, v)| p.with_extra(k.clone(), v.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CallbackRequest, SignatureHeader};

    #[test]
    fn debug_of_request_types_shows_lengths_not_bytes() {
        let secret = Secret::new("debug-secret-xyz").unwrap();
        let test = TestCallback::new(Event::Install, &secret).security_context("SC-a+b/c=123");
        let request = test.build();
        let hash = request.hash.clone().unwrap();
        let raw = CallbackRequest {
            path: &request.path,
            signature: SignatureHeader::One(hash.as_bytes()),
            content_type: Some(b"application/json"),
            body: &request.body,
        };
        for shown in [
            format!("{test:?}"),
            format!("{request:?}"),
            format!("{raw:?}"),
        ] {
            for secret_bytes in ["SC-a+b/c=123", "debug-secret-xyz", &hash, "\"event\""] {
                assert!(
                    !shown.contains(secret_bytes),
                    "{shown} shows {secret_bytes}"
                );
            }
            // `{"` as a derived `Debug` of the body's bytes would print it.
            assert!(!shown.contains("123, 34"), "{shown} shows the body");
        }
        assert!(format!("{raw:?}").contains(&format!("body_len: {}", request.body.len())));
        assert!(format!("{request:?}").contains("hash_len: Some(64)"));
    }
}
