//! The `HASH` header of an Invoke API call: a pluggable scheme, as for
//! callbacks (`callback_core::signature::SignatureScheme`).
//!
//! # What is known, and the default
//!
//! Zoho documents the `HASH` as "an HMAC sha256 encrypted string with the
//! key as app's secret (manifest.secret)" over the Invoke call's payload, and
//! does not document the exact input. Public code that calls the Invoke API
//! hashes
//!
//! ```text
//! requestURL=…&requestType=…&postBody=…&headers=…&connectionLinkName=…
//! ```
//!
//! in that fixed order, skipping absent (and empty) values, with the values
//! as sent but **not** URL-encoded, and writes lowercase hex. That is the
//! default, [`HmacSha256Fields::default`]. `securityContext` and
//! `queryParams` are sent as form fields but are not part of that input.
//!
//! This is the one part of the client that depends on an undocumented
//! detail. If Zoho turns out to hash another set or order of fields (for
//! example with `queryParams`, which a sample in Zoho's help lists among the
//! inputs), choose it with [`HmacSha256Fields::with_order`]; if it encodes
//! each value, with [`HmacSha256Fields::with_encoding`]; for any other
//! canonical form, implement [`InvokeHashScheme`] and pass it to
//! [`InvokeClientBuilder::hash_scheme`](crate::InvokeClientBuilder::hash_scheme).
//!
//! # What the default does not protect
//!
//! The default input is ambiguous, and it is kept because a `HASH` is only
//! useful if it is what Zoho computes:
//!
//! - Values are joined with `&` and `=` without encoding, so a value that
//!   holds `&name=` reads as two fields. A `postBody` of `x&headers={}` and
//!   no headers gives the same input, and so the same `HASH`, as a
//!   `postBody` of `x` with `headers` of `{}`: one `HASH` stands for both
//!   calls.
//! - `securityContext` and `queryParams` are not in the input: a call's
//!   `HASH` is the same with another security context or other query
//!   parameters.
//!
//! [`FieldEncoding::FormUrlencoded`] form-urlencodes each value before
//! joining, as the form body does, so that `&` and `=` in the input only
//! ever separate fields and every set of fields has its own input; adding
//! [`InvokeField::SecurityContext`] and [`InvokeField::QueryParams`] to the
//! order covers those too. Whether Zoho accepts either is not known: Zoho
//! answers `401` to a `HASH` it does not accept.

use callback_core::{Secret, SecurityContext};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::borrow::Cow;
use std::fmt;
use url::form_urlencoded;

type HmacSha256 = Hmac<Sha256>;

/// One field of an Invoke API call's form body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvokeField {
    /// `securityContext`: the callback's credential.
    SecurityContext,
    /// `requestURL`: the URL Zoho calls.
    RequestUrl,
    /// `requestType`: the HTTP method Zoho calls it with.
    RequestType,
    /// `queryParams`: a JSON object of query parameters.
    QueryParams,
    /// `postBody`: the body sent to the target.
    PostBody,
    /// `headers`: a JSON object of headers sent to the target.
    Headers,
    /// `connectionLinkName`: the connection whose authorisation Zoho applies.
    ConnectionLinkName,
}

impl InvokeField {
    /// Every field, in the order they are sent.
    pub const ALL: [InvokeField; 7] = [
        InvokeField::SecurityContext,
        InvokeField::RequestUrl,
        InvokeField::RequestType,
        InvokeField::QueryParams,
        InvokeField::PostBody,
        InvokeField::Headers,
        InvokeField::ConnectionLinkName,
    ];

    /// The form field's name, for example `requestURL`.
    pub const fn name(self) -> &'static str {
        match self {
            InvokeField::SecurityContext => "securityContext",
            InvokeField::RequestUrl => "requestURL",
            InvokeField::RequestType => "requestType",
            InvokeField::QueryParams => "queryParams",
            InvokeField::PostBody => "postBody",
            InvokeField::Headers => "headers",
            InvokeField::ConnectionLinkName => "connectionLinkName",
        }
    }
}

/// The form fields of one Invoke API call, exactly as they are sent.
///
/// `None` means the field is not sent. `Debug` never shows the security
/// context.
#[derive(Clone, Copy, Debug)]
pub struct InvokeFields<'a> {
    /// `securityContext`.
    pub security_context: &'a SecurityContext,
    /// `requestURL`.
    pub request_url: &'a str,
    /// `requestType` (an upper-case method name).
    pub request_type: &'a str,
    /// `queryParams`, a JSON object as text.
    pub query_params: Option<&'a str>,
    /// `postBody`.
    pub post_body: Option<&'a str>,
    /// `headers`, a JSON object as text.
    pub headers: Option<&'a str>,
    /// `connectionLinkName`.
    pub connection_link_name: Option<&'a str>,
}

impl<'a> InvokeFields<'a> {
    /// The value of `field`, or `None` when it is absent or empty (public
    /// code skips both).
    pub fn value(&self, field: InvokeField) -> Option<&'a str> {
        let value = match field {
            InvokeField::SecurityContext => Some(self.security_context.expose()),
            InvokeField::RequestUrl => Some(self.request_url),
            InvokeField::RequestType => Some(self.request_type),
            InvokeField::QueryParams => self.query_params,
            InvokeField::PostBody => self.post_body,
            InvokeField::Headers => self.headers,
            InvokeField::ConnectionLinkName => self.connection_link_name,
        };
        value.filter(|v| !v.is_empty())
    }
}

/// How the `HASH` header of an Invoke API call is computed.
///
/// Mirrors `callback_core::signature::SignatureScheme`: [`key`](Self::key)
/// precomputes what one secret needs once, when the client is built.
pub trait InvokeHashScheme: Send + Sync + fmt::Debug + 'static {
    /// Keys the scheme with `secret`.
    fn key(&self, secret: &Secret) -> Box<dyn InvokeHashKey>;
}

/// A scheme keyed with one secret.
pub trait InvokeHashKey: Send + Sync {
    /// The `HASH` header value for `fields`.
    fn hash(&self, fields: &InvokeFields<'_>) -> String;
}

/// How each value is written into the `HASH` input of [`HmacSha256Fields`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldEncoding {
    /// As sent, not encoded, as public code does (the default). Ambiguous: a
    /// value holding `&name=` reads as two fields (see [the module
    /// docs](crate::hash#what-the-default-does-not-protect)).
    #[default]
    AsSent,
    /// `application/x-www-form-urlencoded`, as in the form body (names and
    /// values; a space as `+`, every byte but ASCII letters, digits and
    /// `*-._` as `%XX`): `&` and `=` in the input only separate, so two
    /// different sets of fields never give the same input.
    FormUrlencoded,
}

/// HMAC-SHA256, keyed with the UTF-8 bytes of the secret, over
/// `name=value&name=value…` of chosen fields in a fixed order (absent and
/// empty ones skipped), as lowercase hex; values are written as sent by
/// default, or form-urlencoded ([`with_encoding`](Self::with_encoding)).
///
/// The default input is ambiguous and does not cover `securityContext` or
/// `queryParams`: a `postBody` of `x&headers={}` hashes as a `postBody` of
/// `x` with `headers` of `{}`. It is the default because it is what public
/// code sends Zoho; see [the module
/// docs](crate::hash#what-the-default-does-not-protect).
///
/// ```
/// use callback_invoke::{HmacSha256Fields, InvokeFields, InvokeHashScheme};
/// use callback_core::{Secret, SecurityContext};
///
/// let context = SecurityContext::new("not hashed");
/// let fields = InvokeFields {
///     security_context: &context,
///     request_url: "https://desk.zoho.com/api/v1/tickets",
///     request_type: "GET",
///     query_params: Some(r#"{"limit":"1"}"#), // sent, not hashed by default
///     post_body: None,
///     headers: Some(r#"{"orgId":"1"}"#),
///     connection_link_name: None,
/// };
/// let scheme = HmacSha256Fields::default();
/// assert_eq!(
///     scheme.canonical(&fields),
///     r#"requestURL=https://desk.zoho.com/api/v1/tickets&requestType=GET&headers={"orgId":"1"}"#
/// );
/// let hash = scheme.key(&Secret::new("s3cr3t")?).hash(&fields);
/// assert_eq!(hash.len(), 64);
/// # Ok::<(), callback_core::SecretError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HmacSha256Fields {
    order: Cow<'static, [InvokeField]>,
    encoding: FieldEncoding,
}

impl HmacSha256Fields {
    /// The fields public code hashes, in its order: `requestURL`,
    /// `requestType`, `postBody`, `headers`, `connectionLinkName`.
    pub const PUBLIC_CODE_ORDER: [InvokeField; 5] = [
        InvokeField::RequestUrl,
        InvokeField::RequestType,
        InvokeField::PostBody,
        InvokeField::Headers,
        InvokeField::ConnectionLinkName,
    ];

    /// Hashes `order` instead, for example with
    /// [`InvokeField::QueryParams`] after `requestType`, with values
    /// written as sent.
    pub fn with_order(order: impl Into<Vec<InvokeField>>) -> Self {
        HmacSha256Fields {
            order: Cow::Owned(order.into()),
            encoding: FieldEncoding::AsSent,
        }
    }

    /// The same fields, with each name and value written as `encoding`
    /// says.
    ///
    /// ```
    /// use callback_invoke::{FieldEncoding, HmacSha256Fields, InvokeFields};
    /// use callback_core::SecurityContext;
    ///
    /// let context = SecurityContext::new("not hashed");
    /// let fields = InvokeFields {
    ///     security_context: &context,
    ///     request_url: "https://desk.zoho.com/api/v1/tickets",
    ///     request_type: "POST",
    ///     query_params: None,
    ///     post_body: Some("a&b=c d"),
    ///     headers: None,
    ///     connection_link_name: None,
    /// };
    /// let scheme = HmacSha256Fields::default().with_encoding(FieldEncoding::FormUrlencoded);
    /// assert_eq!(
    ///     scheme.canonical(&fields),
    ///     "requestURL=https%3A%2F%2Fdesk.zoho.com%2Fapi%2Fv1%2Ftickets&requestType=POST&postBody=a%26b%3Dc+d"
    /// );
    /// ```
    pub fn with_encoding(mut self, encoding: FieldEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The fields hashed, in order.
    pub fn order(&self) -> &[InvokeField] {
        &self.order
    }

    /// How each value is written.
    pub fn encoding(&self) -> FieldEncoding {
        self.encoding
    }

    /// The exact string that is MACed for `fields`.
    pub fn canonical(&self, fields: &InvokeFields<'_>) -> String {
        let present = self
            .order
            .iter()
            .filter_map(|&field| fields.value(field).map(|value| (field.name(), value)));
        match self.encoding {
            FieldEncoding::AsSent => {
                let pairs: Vec<String> = present
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                pairs.join("&")
            }
            FieldEncoding::FormUrlencoded => form_urlencoded::Serializer::new(String::new())
                .extend_pairs(present)
                .finish(),
        }
    }
}

impl Default for HmacSha256Fields {
    fn default() -> Self {
        HmacSha256Fields {
            order: Cow::Borrowed(&Self::PUBLIC_CODE_ORDER),
            encoding: FieldEncoding::AsSent,
        }
    }
}

impl InvokeHashScheme for HmacSha256Fields {
    fn key(&self, secret: &Secret) -> Box<dyn InvokeHashKey> {
        let mac = HmacSha256::new_from_slice(secret.expose().as_bytes())
            .expect("HMAC takes a key of any length");
        Box::new(KeyedFields {
            scheme: self.clone(),
            mac,
        })
    }
}

/// An HMAC state keyed once; each call clones it rather than re-keying.
struct KeyedFields {
    scheme: HmacSha256Fields,
    mac: HmacSha256,
}

impl InvokeHashKey for KeyedFields {
    fn hash(&self, fields: &InvokeFields<'_>) -> String {
        let mut mac = self.mac.clone();
        mac.update(self.scheme.canonical(fields).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(context: &'a SecurityContext) -> InvokeFields<'a> {
        InvokeFields {
            security_context: context,
            request_url: "https://x.example/a b",
            request_type: "POST",
            query_params: Some(r#"{"q":"1&2"}"#),
            post_body: Some(""),
            headers: None,
            connection_link_name: Some("conn"),
        }
    }

    #[test]
    fn the_default_skips_absent_and_empty_values_and_does_not_encode() {
        let ctx = SecurityContext::new("ctx");
        assert_eq!(
            HmacSha256Fields::default().canonical(&fields(&ctx)),
            "requestURL=https://x.example/a b&requestType=POST&connectionLinkName=conn"
        );
    }

    #[test]
    fn another_order_hashes_other_fields() {
        let ctx = SecurityContext::new("ctx");
        let scheme = HmacSha256Fields::with_order([
            InvokeField::QueryParams,
            InvokeField::SecurityContext,
            InvokeField::RequestType,
        ]);
        assert_eq!(
            scheme.canonical(&fields(&ctx)),
            r#"queryParams={"q":"1&2"}&securityContext=ctx&requestType=POST"#
        );
        let secret = Secret::new("k").unwrap();
        assert_ne!(
            scheme.key(&secret).hash(&fields(&ctx)),
            HmacSha256Fields::default().key(&secret).hash(&fields(&ctx))
        );
    }

    /// Two different calls: a `postBody` that holds `&headers=`, and the
    /// same text split into a `postBody` and `headers`.
    fn ambiguous_pair<'a>(context: &'a SecurityContext) -> [InvokeFields<'a>; 2] {
        let base = InvokeFields {
            security_context: context,
            request_url: "https://desk.zoho.com/api/v1/tickets",
            request_type: "POST",
            query_params: None,
            post_body: None,
            headers: None,
            connection_link_name: None,
        };
        [
            InvokeFields {
                post_body: Some("x&headers={}"),
                ..base
            },
            InvokeFields {
                post_body: Some("x"),
                headers: Some("{}"),
                ..base
            },
        ]
    }

    /// A known property of the default, kept because it is what public
    /// code sends Zoho: one input, and one HASH, for both calls.
    #[test]
    fn the_default_gives_two_different_calls_one_input() {
        let ctx = SecurityContext::new("ctx");
        let [one, two] = ambiguous_pair(&ctx);
        let scheme = HmacSha256Fields::default();
        let same = "requestURL=https://desk.zoho.com/api/v1/tickets&requestType=POST&postBody=x&headers={}";
        assert_eq!(scheme.canonical(&one), same);
        assert_eq!(scheme.canonical(&two), same);
        let key = scheme.key(&Secret::new("k").unwrap());
        assert_eq!(key.hash(&one), key.hash(&two));
    }

    #[test]
    fn form_urlencoded_values_tell_the_two_calls_apart() {
        let ctx = SecurityContext::new("ctx");
        let [one, two] = ambiguous_pair(&ctx);
        let scheme = HmacSha256Fields::default().with_encoding(FieldEncoding::FormUrlencoded);
        assert_eq!(scheme.encoding(), FieldEncoding::FormUrlencoded);
        let url = "requestURL=https%3A%2F%2Fdesk.zoho.com%2Fapi%2Fv1%2Ftickets&requestType=POST";
        assert_eq!(
            scheme.canonical(&one),
            format!("{url}&postBody=x%26headers%3D%7B%7D")
        );
        assert_eq!(
            scheme.canonical(&two),
            format!("{url}&postBody=x&headers=%7B%7D")
        );
        let key = scheme.key(&Secret::new("k").unwrap());
        assert_ne!(key.hash(&one), key.hash(&two));
    }

    #[test]
    fn every_field_can_be_covered_form_urlencoded() {
        let ctx = SecurityContext::new("SC+/=");
        let scheme = HmacSha256Fields::with_order(InvokeField::ALL)
            .with_encoding(FieldEncoding::FormUrlencoded);
        assert_eq!(
            scheme.canonical(&fields(&ctx)),
            "securityContext=SC%2B%2F%3D&requestURL=https%3A%2F%2Fx.example%2Fa+b&requestType=POST\
             &queryParams=%7B%22q%22%3A%221%262%22%7D&connectionLinkName=conn"
        );
    }

    #[test]
    fn debug_never_shows_the_security_context() {
        let ctx = SecurityContext::new("ctx-value-123");
        assert!(!format!("{:?}", fields(&ctx)).contains("ctx-value-123"));
    }
}
