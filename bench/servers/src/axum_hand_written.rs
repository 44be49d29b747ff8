//! The same work written by hand with axum, hmac, sha2, hex and serde_json:
//! what a careful person writes on axum without the framework. The body is
//! axum's `Bytes` extractor under a `DefaultBodyLimit` of the framework's
//! 64 KiB; the rest is `hand_written`'s work, step for step.

use crate::hand_written::Payload;
use crate::{BODY_LIMIT, OK_BODY, PATH};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hint::black_box;
use std::sync::Arc;

type HmacSha256 = Hmac<Sha256>;

/// The handler at [`PATH`], with the HMAC state keyed once for all
/// requests.
pub fn app(secret: &str) -> axum::Router {
    let key = HmacSha256::new_from_slice(secret.as_bytes()).expect("any key length");
    axum::Router::new()
        .route(PATH, post(on_zoho_authorise))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(key))
}

async fn on_zoho_authorise(
    State(key): State<Arc<HmacSha256>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut hashes = headers.get_all("hash").iter();
    let (Some(hash), None) = (hashes.next(), hashes.next()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut tag = [0u8; 32];
    if hex::decode_to_slice(hash.as_bytes(), &mut tag).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut mac = HmacSha256::clone(&key);
    mac.update(&body);
    if mac.verify_slice(&tag).is_err() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let json = headers
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"application/json"));
    if !json {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Ok(payload) = serde_json::from_slice::<Payload<'_>>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if payload.event != "onZohoAuthorise" {
        return StatusCode::BAD_REQUEST.into_response();
    }
    black_box((payload.org_id, payload.security_context));
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        OK_BODY,
    )
        .into_response()
}
