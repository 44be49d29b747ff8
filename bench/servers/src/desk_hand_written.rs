//! A Desk delivery's work written by hand with actix-web, jsonwebtoken and
//! serde_json: what a careful person writes without the framework.
//!
//! `orgId` and `securityContext` read from the query; exactly one
//! `X-ZDesk-JWT`, verified RS256 with one `DecodingKey` made at start (the
//! TEST public key), `exp` checked by jsonwebtoken and `iss` compared with
//! `orgId:<org>`; the body parsed as a JSON array of events (`eventType`,
//! `orgId` from a number or a string, `eventTime`, `payload` as a JSON
//! value), each of the query's org, each dispatched by `eventType` to a
//! no-op; then `{"ok":true,"events":N}`.

use crate::desk::ok_body;
use actix_web::{HttpRequest, HttpResponse, web};
use callback_actix::callback_core::testing::desk::TEST_PUBLIC_KEY_PEM;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::hint::black_box;

/// The webhook path (the framework's default for the default webhook).
pub const DESK_PATH: &str = "/desk/deskEvents";

/// The largest body accepted, the framework's default for deliveries.
pub const DESK_BODY_LIMIT: usize = 1024 * 1024;

/// The key and validation, made once.
pub struct Verifier {
    key: DecodingKey,
    validation: Validation,
}

impl Verifier {
    /// RS256 with the TEST public key; `exp` required and checked.
    pub fn new() -> Verifier {
        Verifier {
            key: DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY_PEM.as_bytes())
                .expect("the TEST public key is a PEM RSA key"),
            validation: Validation::new(Algorithm::RS256),
        }
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

#[derive(Deserialize)]
struct Query {
    #[serde(rename = "orgId")]
    org_id: u64,
    #[serde(rename = "securityContext")]
    security_context: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "eventType", borrow)]
    event_type: Cow<'a, str>,
    #[serde(rename = "orgId", deserialize_with = "number_or_string")]
    org_id: u64,
    #[serde(
        rename = "eventTime",
        default,
        deserialize_with = "some_number_or_string"
    )]
    event_time: Option<u64>,
    payload: serde_json::Value,
}

/// A `u64` written as a JSON number or as a string of digits, as Desk
/// writes ids and times.
fn number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct NumberOrString;
    impl Visitor<'_> for NumberOrString {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number, or a string of digits")
        }
        fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<u64, E> {
            value.parse().map_err(E::custom)
        }
    }
    deserializer.deserialize_any(NumberOrString)
}

fn some_number_or_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    number_or_string(deserializer).map(Some)
}

/// Mounts the handler at [`DESK_PATH`].
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .app_data(web::Data::new(Verifier::new()))
        .app_data(web::PayloadConfig::new(DESK_BODY_LIMIT))
        .route(DESK_PATH, web::post().to(on_delivery));
}

async fn on_delivery(
    req: HttpRequest,
    body: web::Bytes,
    verifier: web::Data<Verifier>,
) -> HttpResponse {
    let Ok(query) = web::Query::<Query>::from_query(req.query_string()) else {
        return HttpResponse::BadRequest().finish();
    };
    let mut tokens = req.headers().get_all("x-zdesk-jwt");
    let (Some(token), None) = (tokens.next(), tokens.next()) else {
        return HttpResponse::Unauthorized().finish();
    };
    let Ok(token) = token.to_str() else {
        return HttpResponse::Unauthorized().finish();
    };
    let Ok(claims) = jsonwebtoken::decode::<Claims>(token, &verifier.key, &verifier.validation)
    else {
        return HttpResponse::Unauthorized().finish();
    };
    let issued_for = claims.claims.iss.strip_prefix("orgId:");
    if issued_for.and_then(|org| org.parse::<u64>().ok()) != Some(query.org_id) {
        return HttpResponse::Unauthorized().finish();
    }
    let Ok(events) = serde_json::from_slice::<Vec<Event<'_>>>(&body) else {
        return HttpResponse::BadRequest().finish();
    };
    if events.iter().any(|event| event.org_id != query.org_id) {
        return HttpResponse::BadRequest().finish();
    }
    for event in &events {
        if event.event_type == "Ticket_Add" {
            ticket_added(event, query.security_context.as_deref()).await;
        }
    }
    HttpResponse::Ok()
        .content_type("application/json")
        .body(ok_body(events.len()))
}

/// Does nothing with the event but look at its org.
async fn ticket_added(event: &Event<'_>, security_context: Option<&str>) {
    black_box((
        event.org_id,
        event.event_time,
        &event.payload,
        security_context,
    ));
}
