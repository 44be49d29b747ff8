//! What an adapter hands the router for one Desk delivery, and reading the
//! org and security context from its query.

use super::event::Delivery;
use crate::outcome::{Rejection, RejectionKind};
use crate::signature::SignatureHeader;
use crate::{OrgId, SecurityContext};
use std::borrow::Cow;
use std::fmt;

/// The methods a webhook path answers: `GET` (Zoho's check of the URL,
/// answered `200` without running anything) and `POST` (a delivery). Every
/// other method gets `405` with `Allow` set to this.
pub const DESK_ALLOWED_METHODS: &str = "GET, POST";

/// What an HTTP layer hands the router for one `POST` to a webhook path.
///
/// `Debug` shows the path and the lengths of the rest: the query holds the
/// security context, and the token is a credential.
#[derive(Clone, Copy)]
pub struct DeskRequest<'a> {
    /// The path the webhook is mounted at, such as `/desk/deskEvents`.
    pub path: &'a str,
    /// The raw query string (without `?`), if any: Desk appends `orgId`
    /// and `securityContext` to the webhook's URL.
    pub query: Option<&'a str>,
    /// The `X-ZDesk-JWT` header(s), by the same zero-one-several rule as
    /// the `HASH` ([`signature_header`](crate::signature_header)).
    pub token: SignatureHeader<'a>,
    /// The body, exactly as received.
    pub body: &'a [u8],
}

impl fmt::Debug for DeskRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeskRequest")
            .field("path", &self.path)
            .field("query_len", &self.query.map(str::len))
            .field("token", &self.token)
            .field("body_len", &self.body.len())
            .finish()
    }
}

const ORG_ID: &str = "orgId";
const SECURITY_CONTEXT: &str = "securityContext";

/// The delivery's org and security context from its query: exactly one
/// `orgId` (digits), at most one `securityContext` (an empty one is none);
/// other parameters are ignored. Values are percent-decoded; a `+` stays a
/// `+` (a security context is not form text). No message quotes the query.
pub(crate) fn parse_query(query: Option<&str>) -> Result<Delivery, Rejection> {
    let invalid = |message: &'static str| Rejection::new(RejectionKind::InvalidQuery, message);
    let mut org_id: Option<Cow<'_, str>> = None;
    let mut context: Option<Cow<'_, str>> = None;
    for pair in query.unwrap_or_default().split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (slot, name) = match decode(name).as_ref() {
            ORG_ID => (&mut org_id, ORG_ID),
            SECURITY_CONTEXT => (&mut context, SECURITY_CONTEXT),
            _ => continue,
        };
        if slot.replace(decode(value)).is_some() {
            return Err(Rejection::new(
                RejectionKind::InvalidQuery,
                format!("the webhook URL's query has {name} twice"),
            ));
        }
    }
    let org_id = org_id.ok_or_else(|| {
        invalid("the webhook URL's query has no orgId (Desk appends it to the URL)")
    })?;
    let org_id = crate::payload::exact_u64(&org_id)
        .map(OrgId::new)
        .ok_or_else(|| invalid("the webhook URL's orgId is not a number"))?;
    let context = context
        .filter(|c| !c.is_empty())
        .map(|c| SecurityContext::new(c.as_ref()));
    Ok(Delivery::new(org_id, context))
}

fn decode(text: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: Option<&str>) -> Result<(u64, Option<String>), String> {
        parse_query(query)
            .map(|d| {
                (
                    d.org_id().get(),
                    d.security_context().map(|c| c.expose().to_owned()),
                )
            })
            .map_err(|r| format!("{} {}", r.code(), r.message()))
    }

    #[test]
    fn org_and_context_from_the_query_with_others_ignored() {
        assert_eq!(
            read(Some(
                "orgId=9007199254740993&securityContext=a%2Bb+c%3D&x=1"
            )),
            Ok((9_007_199_254_740_993, Some("a+b+c=".to_owned())))
        );
        assert_eq!(read(Some("x&orgId=7")), Ok((7, None)));
        assert_eq!(read(Some("orgId=7&securityContext=")), Ok((7, None)));
    }

    #[test]
    fn every_refusal_is_invalid_query_and_quotes_nothing() {
        for (query, message) in [
            (
                None,
                "the webhook URL's query has no orgId (Desk appends it to the URL)",
            ),
            (
                Some(""),
                "the webhook URL's query has no orgId (Desk appends it to the URL)",
            ),
            (
                Some("orgid=7"),
                "the webhook URL's query has no orgId (Desk appends it to the URL)",
            ),
            (
                Some("orgId=7&orgId=7"),
                "the webhook URL's query has orgId twice",
            ),
            (
                Some("orgId=x-secret"),
                "the webhook URL's orgId is not a number",
            ),
            (Some("orgId=-7"), "the webhook URL's orgId is not a number"),
            (
                Some("orgId=7&securityContext=s1&securityContext=s2"),
                "the webhook URL's query has securityContext twice",
            ),
        ] {
            assert_eq!(
                read(query),
                Err(format!("invalid_query {message}")),
                "{query:?}"
            );
        }
    }

    #[test]
    fn debug_shows_lengths_only() {
        let request = DeskRequest {
            path: "/desk/deskEvents",
            query: Some("orgId=1&securityContext=sc-secret-value"),
            token: SignatureHeader::One(b"eyJ.secret.token"),
            body: b"[]",
        };
        let shown = format!("{request:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("query_len: Some(39)"), "{shown}");
    }
}
