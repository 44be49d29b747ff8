//! The `X-ZDesk-JWT` token: what is checked, in which order, and why each
//! refusal is refused.

use super::keys::{DeskKeys, KeyEntry};
use crate::OrgId;
use crate::outcome::{Rejection, RejectionKind};
use crate::signature::SignatureHeader;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::Value;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The header Desk sends its token in (lower case; names are
/// case-insensitive).
pub const TOKEN_HEADER: &str = "x-zdesk-jwt";

/// The default leeway for `iat`: a token issued up to 60 s ahead of this
/// server's clock is accepted.
pub const DEFAULT_IAT_LEEWAY: Duration = Duration::from_secs(60);

/// Whether a delivery must carry a verified token.
///
/// Zoho does not document whether extension webhooks carry `X-ZDesk-JWT`,
/// so the choice is explicit: [`TokenPolicy::Require`] (the default) or the
/// opt-out named for what it does, which the router logs as a warning when
/// it is built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenPolicy {
    /// Every `POST` must carry one valid token (`401` otherwise); the
    /// router needs [`DeskKeys`].
    #[default]
    Require,
    /// Deliveries are handled without any token check, a token sent or
    /// not: anyone who learns a webhook's URL can post events to it.
    InsecureAcceptUnverified,
}

/// Why a token is refused. Each variant is one row of the outcome table
/// ([`TokenError::kind`]): `401`, except `503 keys_unavailable`. No message
/// quotes the token, its claims or its `kid`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// No `X-ZDesk-JWT` header.
    #[error("the delivery has no X-ZDesk-JWT header")]
    Missing,
    /// More than one.
    #[error("the delivery has more than one X-ZDesk-JWT header")]
    Repeated,
    /// Not a compact JWS with a JSON header and claims.
    #[error("the X-ZDesk-JWT header is not a signed JWT: {0}")]
    Malformed(&'static str),
    /// Signed with another algorithm than RS256 (`none`, HS256, …).
    #[error("the token is signed with {0}; only RS256 is accepted")]
    UnsupportedAlgorithm(String),
    /// The header names no key.
    #[error("the token's header has no `kid`")]
    MissingKeyId,
    /// The key set holds no key by the token's `kid`.
    #[error("the token names a key that is not in Desk's key set")]
    UnknownKey,
    /// The key by that `kid` is not an RSA signing key for RS256.
    #[error("the token names a key that cannot verify RS256: {0}")]
    WrongKeyType(&'static str),
    /// The key does not verify the signature.
    #[error("the token's signature does not verify")]
    SignatureMismatch,
    /// A claim is missing or of the wrong type.
    #[error("the token's `{0}` claim is missing or not what Desk sends")]
    InvalidClaims(&'static str),
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `iat` is further ahead than the leeway.
    #[error("the token is issued in the future (beyond the leeway)")]
    IssuedInFuture,
    /// `iss` is not `orgId:<the query's orgId>`.
    #[error("the token's issuer is not the org of the webhook URL")]
    WrongIssuer,
    /// `aud` is not `webhookId:<the configured id>`.
    #[error("the token's audience is not this webhook")]
    WrongAudience,
    /// No key to check it with: the key set is unavailable.
    #[error("Desk's key set is unavailable; the token cannot be checked now")]
    KeysUnavailable,
}

impl TokenError {
    /// The outcome table's row for it.
    pub fn kind(&self) -> RejectionKind {
        match self {
            TokenError::Missing => RejectionKind::MissingToken,
            TokenError::Repeated => RejectionKind::RepeatedToken,
            TokenError::Malformed(_) => RejectionKind::MalformedToken,
            TokenError::UnsupportedAlgorithm(_) => RejectionKind::UnsupportedAlgorithm,
            TokenError::MissingKeyId => RejectionKind::MissingKeyId,
            TokenError::UnknownKey => RejectionKind::UnknownKey,
            TokenError::WrongKeyType(_) => RejectionKind::WrongKeyType,
            TokenError::SignatureMismatch => RejectionKind::TokenSignatureMismatch,
            TokenError::InvalidClaims(_) => RejectionKind::InvalidClaims,
            TokenError::Expired => RejectionKind::TokenExpired,
            TokenError::IssuedInFuture => RejectionKind::TokenIssuedInFuture,
            TokenError::WrongIssuer => RejectionKind::WrongIssuer,
            TokenError::WrongAudience => RejectionKind::WrongAudience,
            TokenError::KeysUnavailable => RejectionKind::KeysUnavailable,
        }
    }

    /// The stable code (`missing_token`, …).
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// The rejection a delivery with this token gets.
    pub fn rejection(&self) -> Rejection {
        Rejection::new(self.kind(), self.to_string())
    }
}

/// What a verified token said.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The org it was issued for (`iss`).
    pub org_id: OrgId,
    /// When it expires.
    pub expires: SystemTime,
}

/// Checks `X-ZDesk-JWT` tokens against a key set.
///
/// In order: exactly one header; a compact JWS whose header names RS256
/// (anything else, `none` and HS256 included, is refused before a key is
/// looked at) and a `kid`; the key by that `kid` ([`DeskKeys`]: fetched
/// once if unknown), which must be an RSA key for RS256; the signature
/// (by `jsonwebtoken`); then the claims: `exp` in the future (seconds or
/// milliseconds since the epoch; Desk documents one and sends the other),
/// `iat` at most the leeway ahead, `iss` exactly `orgId:<org>`, and `aud`
/// `webhookId:<id>` (a string, or an array holding it) when an id is given.
/// `exp`, `iat` and `iss` are required.
///
/// The token signs its header and claims, not the body: the router checks
/// each event's `orgId` against the org the token is for.
#[derive(Clone, Debug)]
pub struct TokenVerifier {
    keys: DeskKeys,
    iat_leeway: Duration,
}

/// A NumericDate at or above this is milliseconds: in seconds it would be
/// past the year 5000, in milliseconds it is after March 1973.
const MILLIS_FROM: u64 = 100_000_000_000;

impl TokenVerifier {
    /// A verifier over `keys` with the default `iat` leeway.
    pub fn new(keys: DeskKeys) -> Self {
        TokenVerifier {
            keys,
            iat_leeway: DEFAULT_IAT_LEEWAY,
        }
    }

    /// How far ahead of this server's clock `iat` may be.
    pub fn iat_leeway(mut self, leeway: Duration) -> Self {
        self.iat_leeway = leeway;
        self
    }

    /// The key set.
    pub fn keys(&self) -> &DeskKeys {
        &self.keys
    }

    /// Verifies the token of `header` for a delivery to `org_id`, now.
    pub async fn verify(
        &self,
        header: SignatureHeader<'_>,
        org_id: OrgId,
        audience: Option<&str>,
    ) -> Result<VerifiedToken, TokenError> {
        self.verify_at(header, org_id, audience, SystemTime::now())
            .await
    }

    /// [`TokenVerifier::verify`] as if the time were `now`.
    pub async fn verify_at(
        &self,
        header: SignatureHeader<'_>,
        org_id: OrgId,
        audience: Option<&str>,
        now: SystemTime,
    ) -> Result<VerifiedToken, TokenError> {
        let token = match header {
            SignatureHeader::Absent => return Err(TokenError::Missing),
            SignatureHeader::Repeated => return Err(TokenError::Repeated),
            SignatureHeader::One(token) => token,
        };
        let token = std::str::from_utf8(token)
            .map_err(|_| TokenError::Malformed("it is not ASCII"))?
            .trim();
        let kid = check_header(token)?;
        let key = self.keys.key(&kid).await?;
        let key = match &*key {
            KeyEntry::Rsa(key) => key,
            KeyEntry::Unusable(why) => return Err(TokenError::WrongKeyType(why)),
        };
        let claims = jsonwebtoken::decode::<Value>(token, key, &validation())
            .map_err(|err| decode_error(err.kind()))?
            .claims;
        check_claims(&claims, org_id, audience, now, self.iat_leeway)
    }
}

/// Whether `jsonwebtoken` can verify at all: it panics on the first
/// verification when built with both of its backends or neither (another
/// crate of the build may turn on `aws_lc_rs`), so the router asks once,
/// when it is built, with a token whose key is of the wrong family (which
/// a provider refuses with an error, and no provider with a panic).
pub(crate) fn crypto_provider_installed() -> bool {
    const RS256_HEADER_ONLY: &str = "eyJhbGciOiJSUzI1NiJ9.e30.AA";
    let key = jsonwebtoken::DecodingKey::from_secret(b"not an RSA key");
    std::panic::catch_unwind(|| {
        jsonwebtoken::decode::<Value>(RS256_HEADER_ONLY, &key, &validation())
    })
    .is_ok()
}

/// Only the signature and the algorithm: the claims are checked here, as
/// Desk writes them (`exp` in seconds or milliseconds).
fn validation() -> Validation {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation
}

/// The token's `kid`, once its header is known to name RS256.
fn check_header(token: &str) -> Result<String, TokenError> {
    if token.is_empty() {
        return Err(TokenError::Malformed("it is empty"));
    }
    if token.split('.').count() != 3 {
        return Err(TokenError::Malformed(
            "it is not three base64url parts joined by dots",
        ));
    }
    match jsonwebtoken::decode_header(token) {
        Ok(header) if header.alg != Algorithm::RS256 => Err(TokenError::UnsupportedAlgorithm(
            format!("{:?}", header.alg),
        )),
        Ok(header) => header.kid.ok_or(TokenError::MissingKeyId),
        // `jsonwebtoken` knows no `alg` it does not implement (`none`
        // among them): read the name to refuse it as what it is.
        Err(_) => match named_algorithm(token) {
            Some(alg) => Err(TokenError::UnsupportedAlgorithm(alg)),
            None => Err(TokenError::Malformed(
                "its header is not base64url JSON naming an algorithm",
            )),
        },
    }
}

/// The `alg` a header names that `jsonwebtoken` does not read, quoted
/// only if it is a short name (it is the sender's text).
fn named_algorithm(token: &str) -> Option<String> {
    use base64::Engine;
    let header = token.split('.').next()?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    let header: Value = serde_json::from_slice(&json).ok()?;
    let alg = header.get("alg")?.as_str()?;
    let printable = alg.len() <= 16 && alg.bytes().all(|b| b.is_ascii_alphanumeric());
    Some(match printable {
        true => format!("`{alg}`"),
        false => "an algorithm it does not name plainly".to_owned(),
    })
}

fn decode_error(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidSignature => TokenError::SignatureMismatch,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => {
            TokenError::WrongKeyType("it does not verify RS256")
        }
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
            TokenError::Malformed("its header or claims are not JSON")
        }
        ErrorKind::Base64(_) => TokenError::Malformed("a part is not base64url"),
        _ => TokenError::Malformed("it is not a JWT jsonwebtoken reads"),
    }
}

/// A NumericDate (seconds, or milliseconds at or past [`MILLIS_FROM`]).
fn instant(claims: &Value, name: &'static str) -> Result<SystemTime, TokenError> {
    let invalid = || TokenError::InvalidClaims(name);
    let number = claims
        .get(name)
        .and_then(Value::as_number)
        .ok_or_else(invalid)?;
    let whole = match number.as_u64() {
        Some(whole) => whole,
        None => {
            let float = number.as_f64().filter(|f| f.is_finite() && *f >= 0.0);
            // Truncated: a fraction of a second changes nothing here.
            float.map(|f| f as u64).ok_or_else(invalid)?
        }
    };
    let since_epoch = match whole >= MILLIS_FROM {
        true => Duration::from_millis(whole),
        false => Duration::from_secs(whole),
    };
    UNIX_EPOCH.checked_add(since_epoch).ok_or_else(invalid)
}

fn check_claims(
    claims: &Value,
    org_id: OrgId,
    audience: Option<&str>,
    now: SystemTime,
    iat_leeway: Duration,
) -> Result<VerifiedToken, TokenError> {
    if !claims.is_object() {
        return Err(TokenError::Malformed("its claims are not a JSON object"));
    }
    let expires = instant(claims, "exp")?;
    if expires <= now {
        return Err(TokenError::Expired);
    }
    let issued = instant(claims, "iat")?;
    if issued > now + iat_leeway {
        return Err(TokenError::IssuedInFuture);
    }
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or(TokenError::InvalidClaims("iss"))?;
    let issued_for = issuer
        .strip_prefix("orgId:")
        .and_then(crate::payload::exact_u64)
        .map(OrgId::new);
    if issued_for != Some(org_id) {
        return Err(TokenError::WrongIssuer);
    }
    if let Some(id) = audience {
        let expected = format!("webhookId:{id}");
        let matches = match claims.get("aud") {
            Some(Value::String(aud)) => *aud == expected,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(&expected)),
            _ => false,
        };
        if !matches {
            return Err(TokenError::WrongAudience);
        }
    }
    Ok(VerifiedToken { org_id, expires })
}

impl fmt::Display for TokenPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenPolicy::Require => "require a verified X-ZDesk-JWT",
            TokenPolicy::InsecureAcceptUnverified => "accept deliveries without checking any token",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: u64 = 1_700_000_000;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn check(claims: Value, audience: Option<&str>) -> Result<VerifiedToken, TokenError> {
        check_claims(
            &claims,
            OrgId::new(42),
            audience,
            at(NOW),
            DEFAULT_IAT_LEEWAY,
        )
    }

    #[test]
    fn exp_in_seconds_or_milliseconds() {
        let secs = check(
            json!({"iss": "orgId:42", "iat": NOW, "exp": NOW + 60}),
            None,
        );
        assert_eq!(secs.unwrap().expires, at(NOW + 60));
        let millis = check(
            json!({"iss": "orgId:42", "iat": NOW * 1000, "exp": (NOW + 60) * 1000}),
            None,
        );
        assert_eq!(millis.unwrap().expires, at(NOW + 60));
        for exp in [json!(NOW), json!(NOW - 1), json!(NOW * 1000)] {
            let claims = json!({"iss": "orgId:42", "iat": NOW, "exp": exp});
            assert_eq!(check(claims, None), Err(TokenError::Expired), "{exp}");
        }
    }

    #[test]
    fn iat_up_to_the_leeway_ahead() {
        let ok = json!({"iss": "orgId:42", "iat": NOW + 60, "exp": NOW + 120});
        assert!(check(ok, None).is_ok());
        let ahead = json!({"iss": "orgId:42", "iat": NOW + 61, "exp": NOW + 120});
        assert_eq!(check(ahead, None), Err(TokenError::IssuedInFuture));
    }

    #[test]
    fn each_claim_is_required_and_typed() {
        let base = json!({"iss": "orgId:42", "iat": NOW, "exp": NOW + 60});
        for (claim, bad) in [
            ("exp", json!("soon")),
            ("exp", json!(-1)),
            ("iat", json!(null)),
            ("iss", json!(42)),
        ] {
            let mut claims = base.clone();
            claims[claim] = bad;
            assert_eq!(check(claims, None), Err(TokenError::InvalidClaims(claim)));
            let mut claims = base.clone();
            claims.as_object_mut().unwrap().remove(claim);
            assert_eq!(check(claims, None), Err(TokenError::InvalidClaims(claim)));
        }
    }

    #[test]
    fn the_issuer_is_the_org_and_the_audience_the_webhook() {
        let claims =
            |iss: &str, aud: Value| json!({"iss": iss, "aud": aud, "iat": NOW, "exp": NOW + 60});
        for iss in ["orgId:43", "orgId:", "42", "orgId:+42", "orgid:42"] {
            assert_eq!(
                check(claims(iss, json!(null)), None),
                Err(TokenError::WrongIssuer),
                "{iss}"
            );
        }
        assert!(check(claims("orgId:042", json!(null)), None).is_ok());
        let aud = Some("77");
        assert!(check(claims("orgId:42", json!("webhookId:77")), aud).is_ok());
        assert!(check(claims("orgId:42", json!(["x", "webhookId:77"])), aud).is_ok());
        for wrong in [
            json!("webhookId:78"),
            json!(null),
            json!(["webhookId:7"]),
            json!(77),
        ] {
            assert_eq!(
                check(claims("orgId:42", wrong.clone()), aud),
                Err(TokenError::WrongAudience),
                "{wrong}"
            );
        }
    }

    #[test]
    fn every_error_has_its_row() {
        assert_eq!(TokenError::Missing.code(), "missing_token");
        assert_eq!(TokenError::KeysUnavailable.rejection().status(), 503);
        assert_eq!(TokenError::SignatureMismatch.rejection().status(), 401);
    }
}
