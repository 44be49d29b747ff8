//! Zoho's answer is read up to the client's limit and no further, whether
//! its length is declared (`Content-Length`) or not (chunked).

use crate::support::raw_http;
use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{
    BuildError, DEFAULT_MAX_RESPONSE_BYTES, Invoke, InvokeClient, InvokeClientBuilder, InvokeError,
};
use raw_http::{RawReply, RawServer, answer, chunked, chunked_unfinished, declared};
use std::time::{Duration, Instant};

const SECRET: &str = "limit-test-secret-0f3a8e";
const LIMIT: usize = 1024;

fn builder(zoho: &RawServer) -> InvokeClientBuilder {
    InvokeClient::builder(Secret::new(SECRET).unwrap())
        .base_url(zoho.url())
        .timeout(Duration::from_secs(5))
        .max_response_bytes(LIMIT)
}

fn bind(client: InvokeClient) -> Invoke {
    client.bind(OrgId::new(387238), SecurityContext::new("sc-limit-test"))
}

/// The documented wrapper, its `response` padded so that the whole is
/// `len` bytes.
fn wrapper_of(len: usize) -> Vec<u8> {
    let empty = r#"{"response":"","statusCode":200}"#.len();
    format!(
        r#"{{"response":"{}","statusCode":200}}"#,
        "x".repeat(len - empty)
    )
    .into_bytes()
}

/// `body` in chunks of 100 bytes.
fn pieces(body: &[u8]) -> Vec<&[u8]> {
    body.chunks(100).collect()
}

async fn call(
    reply: RawReply,
) -> (
    Result<callback_invoke::InvokeResponse, InvokeError>,
    RawServer,
) {
    let zoho = RawServer::start([reply]).await;
    let result = bind(builder(&zoho).build().unwrap())
        .desk_get("/x")
        .send()
        .await;
    (result, zoho)
}

fn assert_too_large(result: Result<callback_invoke::InvokeResponse, InvokeError>, status: u16) {
    let err = result.unwrap_err();
    assert!(
        matches!(err, InvokeError::TooLarge { status: s, limit: LIMIT, .. } if s == status),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(status));
}

#[test]
fn the_default_limit_is_4_mib() {
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 4 * 1024 * 1024);
    let client = InvokeClient::builder(Secret::new(SECRET).unwrap())
        .build()
        .unwrap();
    assert_eq!(client.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
}

#[test]
fn a_limit_of_zero_is_refused() {
    let err = InvokeClient::builder(Secret::new(SECRET).unwrap())
        .max_response_bytes(0)
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::ZeroResponseLimit);
    assert_eq!(
        err.to_string(),
        "the response size limit must be larger than zero"
    );
}

#[tokio::test]
async fn exactly_the_limit_is_read_with_a_length_and_chunked() {
    let body = wrapper_of(LIMIT);
    assert_eq!(body.len(), LIMIT);
    for reply in [answer(200, &[], &body), chunked(200, &pieces(&body))] {
        let (result, _) = call(RawReply::Bytes(reply)).await;
        let answer = result.unwrap();
        assert_eq!(answer.body().as_str().map(str::len), Some(LIMIT - 32));
    }
}

#[tokio::test]
async fn one_byte_over_the_limit_is_too_large_with_a_length_and_chunked() {
    let body = wrapper_of(LIMIT + 1);
    for reply in [answer(200, &[], &body), chunked(200, &pieces(&body))] {
        let (result, zoho) = call(RawReply::Bytes(reply)).await;
        let err = result.as_ref().unwrap_err();
        assert_eq!(
            err.to_string(),
            "Zoho's Invoke API answered 200 OK for GET desk.zoho.com with more than 1024 bytes, \
             the client's limit"
        );
        assert_too_large(result, 200);
        assert_eq!(
            zoho.requests().len(),
            1,
            "a too large answer is not retried"
        );
    }
}

/// The body never comes: only a refusal from the `Content-Length` alone
/// ends the call before its timeout.
#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let started = Instant::now();
    let (result, _) = call(RawReply::Hold(declared(200, LIMIT + 1, b"{"))).await;
    assert_too_large(result, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// A chunked body that passes the limit and never ends: reading stops at
/// the limit, before the timeout.
#[tokio::test]
async fn a_chunked_body_is_refused_once_it_passes_the_limit() {
    let body = vec![b' '; LIMIT + 1];
    let started = Instant::now();
    let (result, _) = call(RawReply::Hold(chunked_unfinished(200, &pieces(&body)))).await;
    assert_too_large(result, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_error_answer_is_bounded_too() {
    let body = vec![b'e'; LIMIT + 1];
    let (result, zoho) = call(RawReply::Bytes(answer(503, &[], &body))).await;
    assert_too_large(result, 503);
    assert_eq!(zoho.requests().len(), 1);
}
