//! Desk deliveries as Desk sends them, signed with a TEST key or
//! deliberately broken, and the key set to hand the router: no network.
//!
//! The TEST key pair (`desk-test-key.pem`, RSA 2048, PKCS#8) was made once
//! with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`; its
//! public half is `desk-test-public-key.pem` (`openssl rsa -pubout`) and
//! its JWK is in `desk-test-jwks.json` (the modulus from `openssl rsa
//! -modulus`, base64url), beside an EC key under [`TEST_EC_KEY_ID`] (a key
//! of the wrong type). `desk-other-test-key.pem` is a second pair, for
//! "signed by another key". The private keys are public test material:
//! never trust them anywhere but in tests.
//!
//! ```
//! use callback_core::desk::DeskRequest;
//! use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
//! use callback_core::DeskEventType;
//!
//! let delivery = TestDelivery::new(387238)
//!     .event(ticket_event(DeskEventType::TicketAdd, 387238, 1892000000143237))
//!     .build();
//! assert_eq!(delivery.path, "/desk/deskEvents");
//! assert!(delivery.query.starts_with("orgId=387238&securityContext="));
//! let request: DeskRequest<'_> = delivery.as_request();
//! # let _ = (request, test_keys());
//! ```

use crate::desk::{DeskEvent, DeskKeys};
use crate::signature::SignatureHeader;
use crate::testing::TEST_SECURITY_CONTEXT;
use crate::{DEFAULT_WEBHOOK, DeskEventKind, DeskEventType, OrgId, default_webhook_path};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The TEST private key (PEM, PKCS#8): what [`TestDelivery`] signs with.
pub const TEST_PRIVATE_KEY_PEM: &str = include_str!("desk-test-key.pem");
/// Its public key (PEM, SubjectPublicKeyInfo).
pub const TEST_PUBLIC_KEY_PEM: &str = include_str!("desk-test-public-key.pem");
/// The `kid` of the TEST key in [`TEST_JWKS`].
pub const TEST_KEY_ID: &str = "callback-test-key-1";
/// The `kid` of an EC key in [`TEST_JWKS`]: a key that cannot verify RS256.
pub const TEST_EC_KEY_ID: &str = "callback-test-ec-key";
/// The TEST key set: the TEST key (RSA, RS256) and an EC key.
pub const TEST_JWKS: &str = include_str!("desk-test-jwks.json");
/// Another private key, which no key set here holds.
pub const OTHER_TEST_PRIVATE_KEY_PEM: &str = include_str!("desk-other-test-key.pem");
/// The key set of that other key alone, under [`OTHER_TEST_KEY_ID`].
pub const OTHER_TEST_JWKS: &str = include_str!("desk-other-test-jwks.json");
/// The `kid` of the other key in [`OTHER_TEST_JWKS`].
pub const OTHER_TEST_KEY_ID: &str = "callback-test-key-2";
/// How long a TEST token is valid for, from its `iat`.
pub const TEST_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// The TEST key set as [`DeskKeys`], fixed (never fetched): hand it to
/// `.desk_keys(...)` in tests.
pub fn test_keys() -> DeskKeys {
    DeskKeys::from_jwks(TEST_JWKS).expect("the committed TEST key set is valid")
}

/// A ticket as an event payload: `id`, a subject, a status and a
/// department, as Desk writes them (ids as strings).
pub fn sample_ticket(id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "ticketNumber": "101",
        "subject": "Printer on fire",
        "status": "Open",
        "statusType": "Open",
        "departmentId": "1892000000006907",
        "contactId": "1892000000042001",
        "channel": "Email",
        "createdTime": "2023-11-14T22:13:20.000Z",
    })
}

/// An event of type `ty` in `org_id`: for the ticket events a payload of
/// the matching shape (a [`sample_ticket`], a thread or a comment on it),
/// for the others `{"id": "<id>"}`; `eventTime` 2023-11-14T22:13:20.123Z.
pub fn ticket_event(ty: DeskEventType, org_id: u64, id: u64) -> DeskEvent {
    let payload = match ty {
        DeskEventType::TicketThreadAdd => json!({
            "id": (id + 1).to_string(), "ticketId": id.to_string(), "direction": "in",
            "channel": "EMAIL", "summary": "It is still on fire", "contentType": "text/html",
        }),
        DeskEventType::TicketCommentAdd | DeskEventType::TicketCommentUpdate => json!({
            "id": (id + 2).to_string(), "ticketId": id.to_string(), "content": "Extinguisher sent",
            "isPublic": false, "commenterId": "1892000000000199",
        }),
        DeskEventType::TicketAdd | DeskEventType::TicketUpdate | DeskEventType::TicketDelete => {
            sample_ticket(id)
        }
        _ => json!({ "id": id.to_string() }),
    };
    DeskEvent::new(DeskEventKind::Known(ty), OrgId::new(org_id), payload).with_event_time(
        crate::desk::EventTime::from_unix_millis(1_700_000_000_123).expect("in range"),
    )
}

#[derive(Clone)]
enum TokenMode {
    /// RS256 with the TEST key (or the other key, under the header's `kid`).
    Rs256 {
        other_key: bool,
    },
    /// `alg: none`, no signature.
    AlgNone,
    /// HS256 keyed with the TEST public key's PEM: the classic confusion.
    Hs256WithPublicKey,
    Missing,
    Custom(String),
}

/// Builds a [`TestDelivery`]'s request: by default a POST to
/// `/desk/deskEvents` for `org_id` with [`TEST_SECURITY_CONTEXT`], the
/// events given (none: an empty batch), and a token signed RS256 with the
/// TEST key under [`TEST_KEY_ID`], `iss` `orgId:<org_id>`, `iat` now and
/// `exp` [`TEST_TOKEN_LIFETIME`] later (in seconds).
///
/// Every setter breaks or changes one thing, for the test of a refusal.
/// `Debug` shows the org, the path and the number of events, never the
/// security context or a token.
#[derive(Clone)]
pub struct TestDelivery {
    org_id: u64,
    path: String,
    security_context: Option<String>,
    query: Option<String>,
    events: Vec<DeskEvent>,
    body: Option<Vec<u8>>,
    token: TokenMode,
    kid: Option<String>,
    issuer: Option<String>,
    audience: Option<Value>,
    issued_at: Option<SystemTime>,
    expires: Option<SystemTime>,
    millis: bool,
    claims: Option<Value>,
}

impl fmt::Debug for TestDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDelivery")
            .field("org_id", &self.org_id)
            .field("path", &self.path)
            .field("events", &self.events.len())
            .finish_non_exhaustive()
    }
}

impl TestDelivery {
    /// A correctly signed, empty delivery for `org_id`.
    pub fn new(org_id: u64) -> Self {
        TestDelivery {
            org_id,
            path: default_webhook_path(DEFAULT_WEBHOOK),
            security_context: Some(TEST_SECURITY_CONTEXT.to_owned()),
            query: None,
            events: Vec::new(),
            body: None,
            token: TokenMode::Rs256 { other_key: false },
            kid: Some(TEST_KEY_ID.to_owned()),
            issuer: None,
            audience: None,
            issued_at: None,
            expires: None,
            millis: false,
            claims: None,
        }
    }

    /// Adds an event to the batch.
    pub fn event(mut self, event: DeskEvent) -> Self {
        self.events.push(event);
        self
    }

    /// Adds events to the batch.
    pub fn events(mut self, events: impl IntoIterator<Item = DeskEvent>) -> Self {
        self.events.extend(events);
        self
    }

    /// Posts to `path` instead of `/desk/deskEvents`.
    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// Sends `body` instead of the serialised events.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Sets the query's security context.
    pub fn security_context(mut self, context: &str) -> Self {
        self.security_context = Some(context.to_owned());
        self
    }

    /// Sends no security context in the query.
    pub fn without_security_context(mut self) -> Self {
        self.security_context = None;
        self
    }

    /// Sends this raw query string instead of `orgId=…&securityContext=…`.
    pub fn query(mut self, query: &str) -> Self {
        self.query = Some(query.to_owned());
        self
    }

    /// Signs with the other TEST key, under the header's `kid` (the TEST
    /// key's unless changed): a forgery under a known `kid`.
    pub fn signed_with_other_key(mut self) -> Self {
        self.token = TokenMode::Rs256 { other_key: true };
        self
    }

    /// An unsigned token, `alg: none`.
    pub fn alg_none(mut self) -> Self {
        self.token = TokenMode::AlgNone;
        self
    }

    /// A token signed HS256 with the TEST public key's PEM as the secret.
    pub fn hs256_with_public_key(mut self) -> Self {
        self.token = TokenMode::Hs256WithPublicKey;
        self
    }

    /// Sends no `X-ZDesk-JWT`.
    pub fn without_token(mut self) -> Self {
        self.token = TokenMode::Missing;
        self
    }

    /// Sends this `X-ZDesk-JWT` value.
    pub fn token(mut self, token: &str) -> Self {
        self.token = TokenMode::Custom(token.to_owned());
        self
    }

    /// Names `kid` in the token's header.
    pub fn kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.to_owned());
        self
    }

    /// Names no `kid`.
    pub fn without_kid(mut self) -> Self {
        self.kid = None;
        self
    }

    /// Sets `iss` (default `orgId:<org_id>`).
    pub fn issuer(mut self, issuer: &str) -> Self {
        self.issuer = Some(issuer.to_owned());
        self
    }

    /// Sets `aud` to `webhookId:<id>`.
    pub fn webhook_id(mut self, id: &str) -> Self {
        self.audience = Some(json!(format!("webhookId:{id}")));
        self
    }

    /// Sets `iat`.
    pub fn issued_at(mut self, at: SystemTime) -> Self {
        self.issued_at = Some(at);
        self
    }

    /// Sets `exp`.
    pub fn expires_at(mut self, at: SystemTime) -> Self {
        self.expires = Some(at);
        self
    }

    /// Writes `iat` and `exp` in milliseconds, as Desk documents them.
    pub fn times_in_millis(mut self) -> Self {
        self.millis = true;
        self
    }

    /// Signs exactly these claims instead.
    pub fn claims(mut self, claims: Value) -> Self {
        self.claims = Some(claims);
        self
    }

    /// The body: the events as Desk sends them, or the one given.
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            Some(body) => body.clone(),
            None => serde_json::to_vec(&self.events).expect("events always serialise"),
        }
    }

    /// The claims the token carries.
    pub fn token_claims(&self) -> Value {
        if let Some(claims) = &self.claims {
            return claims.clone();
        }
        let now = SystemTime::now();
        let iat = self.issued_at.unwrap_or(now);
        let exp = self.expires.unwrap_or(iat + TEST_TOKEN_LIFETIME);
        let numeric = |at: SystemTime| {
            let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
            match self.millis {
                true => json!(since.as_millis() as u64),
                false => json!(since.as_secs()),
            }
        };
        let mut claims = json!({
            "iss": self.issuer.clone().unwrap_or_else(|| format!("orgId:{}", self.org_id)),
            "iat": numeric(iat),
            "exp": numeric(exp),
        });
        if let Some(aud) = &self.audience {
            claims["aud"] = aud.clone();
        }
        claims
    }

    /// The `X-ZDesk-JWT` value, if one is sent.
    pub fn token_value(&self) -> Option<String> {
        let claims = self.token_claims();
        match &self.token {
            TokenMode::Missing => None,
            TokenMode::Custom(token) => Some(token.clone()),
            TokenMode::Rs256 { other_key } => {
                let pem = match other_key {
                    true => OTHER_TEST_PRIVATE_KEY_PEM,
                    false => TEST_PRIVATE_KEY_PEM,
                };
                let key = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("a TEST key");
                Some(self.encode(Algorithm::RS256, &claims, &key))
            }
            TokenMode::Hs256WithPublicKey => {
                let key = EncodingKey::from_secret(TEST_PUBLIC_KEY_PEM.as_bytes());
                Some(self.encode(Algorithm::HS256, &claims, &key))
            }
            TokenMode::AlgNone => {
                use base64::Engine;
                let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
                let mut header = json!({"alg": "none", "typ": "JWT"});
                if let Some(kid) = &self.kid {
                    header["kid"] = json!(kid);
                }
                Some(format!(
                    "{}.{}.",
                    b64.encode(header.to_string()),
                    b64.encode(claims.to_string())
                ))
            }
        }
    }

    fn encode(&self, alg: Algorithm, claims: &Value, key: &EncodingKey) -> String {
        let mut header = Header::new(alg);
        header.kid = self.kid.clone();
        jsonwebtoken::encode(&header, claims, key).expect("a TEST token signs")
    }

    /// The query string: `orgId=<org_id>&securityContext=<context>`, or the
    /// one given.
    pub fn query_string(&self) -> String {
        if let Some(query) = &self.query {
            return query.clone();
        }
        let mut query = format!("orgId={}", self.org_id);
        if let Some(context) = &self.security_context {
            let encoded: String =
                url::form_urlencoded::byte_serialize(context.as_bytes()).collect();
            query.push_str("&securityContext=");
            query.push_str(&encoded);
        }
        query
    }

    /// The request.
    pub fn build(&self) -> TestDeskRequest {
        TestDeskRequest {
            path: self.path.clone(),
            query: self.query_string(),
            token: self.token_value(),
            body: self.body_bytes(),
        }
    }
}

/// A Desk delivery to send in a test: path, query, token and body.
///
/// `Debug` shows the path and the lengths of the rest.
#[derive(Clone, PartialEq, Eq)]
pub struct TestDeskRequest {
    /// The path to POST to.
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    /// The `X-ZDesk-JWT` header, if any.
    pub token: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl TestDeskRequest {
    /// `path?query`, what an HTTP client requests.
    pub fn uri(&self) -> String {
        match self.query.is_empty() {
            true => self.path.clone(),
            false => format!("{}?{}", self.path, self.query),
        }
    }

    /// What an adapter would hand the router for it.
    pub fn as_request(&self) -> crate::desk::DeskRequest<'_> {
        crate::desk::DeskRequest {
            path: &self.path,
            query: (!self.query.is_empty()).then_some(self.query.as_str()),
            token: self.token.as_deref().map_or(SignatureHeader::Absent, |t| {
                SignatureHeader::One(t.as_bytes())
            }),
            body: &self.body,
        }
    }
}

impl fmt::Debug for TestDeskRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDeskRequest")
            .field("path", &self.path)
            .field("query_len", &self.query.len())
            .field("token_len", &self.token.as_ref().map(String::len))
            .field("body_len", &self.body.len())
            .finish()
    }
}
