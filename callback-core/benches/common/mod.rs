//! What the benches and the allocation test share: the sample callback, the
//! framework's router with a no-op handler made by the real attribute macro,
//! and the hand-written baseline it is measured against.
//!
//! The baseline is what a careful person writes without the framework: an
//! HMAC-SHA256 state keyed once and cloned per request, the `HASH` decoded
//! from hex and compared in constant time, a byte comparison of the
//! `Content-Type`, and one `serde_json` parse into a struct that borrows from
//! the body. No copy of the body, no second parse, no re-keying.

// Each bench binary uses a different part of this module.
#![allow(dead_code, unreachable_pub)]

use callback_core::__private::StaticHandler;
use callback_core::{
    Callback, CallbackRequest, Handled, HandlerList, OrgId, Outcome, Router, Secret,
    SignatureHeader, Signer, callbacks,
};
use callback_macros::on_zoho_authorise;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;

/// The sample payload of Zoho's documentation, 98 bytes.
pub const SAMPLE: &[u8] = br#"{"event":"onZohoAuthorise","orgId":387238,"securityContext":"2398deio3qwnx3c9xwi3nc3njkh9jfico"}"#;

/// The secret both sides are keyed with.
pub const SECRET: &str = "bench-secret-of-plugin-manifest";

/// The no-op handler, expanded by the real `#[on_zoho_authorise]`.
#[on_zoho_authorise]
async fn noop(org: OrgId) {
    black_box(org);
}

/// The same with the whole [`Callback`] as its argument, as most handlers
/// take it: its extractor clones the router's callback (the security
/// context is shared, not copied).
#[on_zoho_authorise]
async fn whole(callback: Callback) {
    black_box(callback);
}

/// The path `noop` (and `whole`) is mounted at (the default for the event).
pub fn noop_path() -> &'static str {
    &<noop as StaticHandler>::INFO.path
}

/// The `HASH` header value for `body` under [`SECRET`].
pub fn sign(body: &[u8]) -> String {
    Signer::new(&secret()).sign(body)
}

/// [`SECRET`] as a [`Secret`].
pub fn secret() -> Secret {
    Secret::new(SECRET).expect("a valid secret")
}

/// The framework: `callbacks![noop]` behind a router with [`SECRET`].
pub fn router() -> Router {
    router_for(callbacks![noop])
}

/// The same with `callbacks![whole]`.
pub fn router_taking_callback() -> Router {
    router_for(callbacks![whole])
}

fn router_for(handlers: HandlerList) -> Router {
    // No deadline: the benches and the allocation test poll the router
    // without a runtime (`now_or_never`), and a deadline needs Tokio's timer.
    Router::builder(handlers)
        .secret(secret())
        .no_timeout()
        .build()
        .expect("a valid router")
}

/// The request the router gets for `body` signed with `hash`.
pub fn request<'a>(hash: &'a str, body: &'a [u8]) -> CallbackRequest<'a> {
    CallbackRequest {
        path: noop_path(),
        signature: SignatureHeader::One(hash.as_bytes()),
        content_type: Some(b"application/json"),
        body,
    }
}

/// Dispatches `request` to completion without a runtime: the no-op handler
/// never waits, so the future is ready on its first poll (the routers here
/// have no deadline, whose timer would need Tokio).
pub fn dispatch(router: &Router, request: CallbackRequest<'_>) -> Outcome {
    futures_util::FutureExt::now_or_never(router.dispatch(request))
        .expect("the no-op handler completes on the first poll")
}

type HmacSha256 = Hmac<Sha256>;

/// The hand-written baseline.
#[derive(Clone)]
pub struct HandWritten {
    key: HmacSha256,
}

/// The payload fields, borrowed from the body.
#[derive(serde::Deserialize)]
struct Wire<'a> {
    event: &'a str,
    #[serde(rename = "orgId")]
    org_id: u64,
    #[serde(rename = "securityContext", borrow)]
    security_context: Option<&'a str>,
}

/// Why the baseline refused a request (no detail: it is the baseline).
#[derive(Debug, PartialEq, Eq)]
pub struct Refused;

impl HandWritten {
    /// Keys the HMAC state once.
    pub fn new() -> Self {
        HandWritten {
            key: HmacSha256::new_from_slice(SECRET.as_bytes()).expect("any key length"),
        }
    }

    /// Only the signature check: decode the hex `HASH`, clone the keyed
    /// state, MAC the body, compare in constant time.
    pub fn verify(&self, hash: &[u8], body: &[u8]) -> Result<(), Refused> {
        let mut tag = [0u8; 32];
        hex::decode_to_slice(hash, &mut tag).map_err(|_| Refused)?;
        let mut mac = self.key.clone();
        mac.update(body);
        mac.verify_slice(&tag).map_err(|_| Refused)
    }

    /// The whole callback: verify, check the media type, parse, route on
    /// the event, "call" a no-op handler.
    pub fn handle(&self, hash: &[u8], content_type: &[u8], body: &[u8]) -> Result<OrgId, Refused> {
        self.verify(hash, body)?;
        if !content_type.eq_ignore_ascii_case(b"application/json") {
            return Err(Refused);
        }
        let (event, org_id, security_context) = parse_borrowed(body)?;
        if event != "onZohoAuthorise" {
            return Err(Refused);
        }
        black_box(security_context);
        Ok(black_box(OrgId::new(org_id)))
    }
}

/// The baseline as an async server calls a handler: the same work, then a
/// no-op `async fn` behind `Pin<Box<dyn Future>>`, all of it one future
/// polled once. Not the baseline the framework is held to (that is
/// [`HandWritten::handle`]): it measures what any design with boxed async
/// handlers pays before doing anything of its own.
pub fn handle_async_boxed(
    baseline: &HandWritten,
    hash: &[u8],
    content_type: &[u8],
    body: &[u8],
) -> Result<OrgId, Refused> {
    // Called through a pointer the compiler cannot see through, as a
    // router calls a handler: otherwise it inlines the handler and drops
    // the allocation.
    let start: StartHandler = black_box(start_noop_by_hand);
    let call = async {
        let org = baseline.handle(hash, content_type, body)?;
        start(org).await;
        Ok(org)
    };
    futures_util::FutureExt::now_or_never(call).expect("nothing waits")
}

type StartHandler = fn(OrgId) -> Pin<Box<dyn Future<Output = ()> + Send>>;

fn start_noop_by_hand(org: OrgId) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        black_box(org);
    })
}

/// The baseline's parse: one `serde_json` pass into borrowed fields.
pub fn parse_borrowed(body: &[u8]) -> Result<(&str, u64, Option<&str>), Refused> {
    let wire: Wire<'_> = serde_json::from_slice(body).map_err(|_| Refused)?;
    Ok((wire.event, wire.org_id, wire.security_context))
}

/// Checks, before anything is measured, that both sides accept the sample.
pub fn assert_both_accept(router: &Router, baseline: &HandWritten, hash: &str) {
    let outcome = dispatch(router, request(hash, SAMPLE));
    assert!(
        matches!(outcome, Outcome::Handled(Handled { org_id, .. }) if org_id.get() == 387238),
        "the framework refused the sample: {outcome:?}"
    );
    assert_eq!(
        baseline.handle(hash.as_bytes(), b"application/json", SAMPLE),
        Ok(OrgId::new(387238))
    );
}
