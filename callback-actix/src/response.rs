//! `Outcome` to `HttpResponse`: translation only.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use callback_core::{Outcome, RejectionKind};

/// The response for an outcome: its status, a JSON body, and `Allow: POST`
/// on a `405`.
pub(crate) fn respond(outcome: &Outcome) -> HttpResponse {
    let status =
        StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    response.insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")));
    if let Outcome::Rejected(r) = outcome {
        if r.kind() == RejectionKind::MethodNotAllowed {
            response.insert_header((ALLOW, HeaderValue::from_static("POST")));
        }
    }
    match outcome {
        // A `&'static str`: sent without allocating (issue 8).
        Outcome::Handled(handled) => response.body(handled.body()),
        Outcome::Rejected(_) => response.body(outcome.body()),
    }
}
