//! The same work written by hand with actix-web, hmac, sha2, hex and
//! serde_json: what a careful person writes without the framework.

use crate::{BODY_LIMIT, OK_BODY, PATH};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hint::black_box;

/// The HMAC the `HASH` header is checked with.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The fields of the payload, borrowed from the body (the axum server's
/// too).
#[derive(serde::Deserialize)]
pub(crate) struct Payload<'a> {
    pub(crate) event: &'a str,
    #[serde(rename = "orgId")]
    pub(crate) org_id: u64,
    #[serde(rename = "securityContext", borrow)]
    pub(crate) security_context: Option<&'a str>,
}

/// Mounts the handler, with the HMAC state keyed once for all requests.
pub fn configure(config: &mut web::ServiceConfig, secret: &str) {
    let key = HmacSha256::new_from_slice(secret.as_bytes()).expect("any key length");
    config
        .app_data(web::Data::new(key))
        .app_data(web::PayloadConfig::new(BODY_LIMIT))
        .route(PATH, web::post().to(on_zoho_authorise));
}

async fn on_zoho_authorise(
    req: HttpRequest,
    body: web::Bytes,
    key: web::Data<HmacSha256>,
) -> HttpResponse {
    let payload = match checked(&req, &body, key.get_ref()) {
        Ok(payload) => payload,
        Err(refused) => return refused,
    };
    black_box((payload.org_id, payload.security_context));
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OK_BODY)
}

/// The sample callback's checks, in order: one `HASH` header of hex that
/// verifies against `body` under `key`, a JSON `Content-Type`, and a body
/// that parses as an `onZohoAuthorise` payload. The refusal (401, 415 or
/// 400) otherwise. The store's hand-written server checks the same way.
#[inline]
pub(crate) fn checked<'a>(
    req: &HttpRequest,
    body: &'a [u8],
    key: &HmacSha256,
) -> Result<Payload<'a>, HttpResponse> {
    let mut hashes = req.headers().get_all("hash");
    let (Some(hash), None) = (hashes.next(), hashes.next()) else {
        return Err(refuse(HttpResponse::Unauthorized()));
    };
    let mut tag = [0u8; 32];
    if hex::decode_to_slice(hash.as_bytes(), &mut tag).is_err() {
        return Err(refuse(HttpResponse::Unauthorized()));
    }
    let mut mac = key.clone();
    mac.update(body);
    if mac.verify_slice(&tag).is_err() {
        return Err(refuse(HttpResponse::Unauthorized()));
    }
    let json = req
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"application/json"));
    if !json {
        return Err(refuse(HttpResponse::UnsupportedMediaType()));
    }
    let Ok(payload) = serde_json::from_slice::<Payload<'_>>(body) else {
        return Err(refuse(HttpResponse::BadRequest()));
    };
    if payload.event != "onZohoAuthorise" {
        return Err(refuse(HttpResponse::BadRequest()));
    }
    Ok(payload)
}

fn refuse(mut status: actix_web::HttpResponseBuilder) -> HttpResponse {
    status.finish()
}
