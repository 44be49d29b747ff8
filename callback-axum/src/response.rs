//! An outcome to an axum `Response`: translation only.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use callback_core::Reply;
use std::borrow::Cow;

/// The response for an outcome (a callback's or a Desk delivery's): its
/// status, its headers, its JSON body.
pub(crate) fn respond(outcome: &impl Reply) -> Response {
    let status =
        StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match outcome.body() {
        Cow::Borrowed(text) => Body::from(text),
        Cow::Owned(text) => Body::from(text),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in outcome.headers() {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}
