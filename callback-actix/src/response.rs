//! An outcome to an `HttpResponse`: translation only.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use callback_core::Reply;

/// The response for an outcome (a callback's or a Desk delivery's): its
/// status, its headers, its JSON body.
pub(crate) fn respond(outcome: &impl Reply) -> HttpResponse {
    let status =
        StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    for header in outcome.headers() {
        response.insert_header(header);
    }
    response.body(outcome.body())
}
