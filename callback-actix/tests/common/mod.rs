//! In-process helpers: the shared fixture, and running [`Case`]s through
//! `actix_web::test`.
#![allow(dead_code, unreachable_pub)] // each test binary uses a different part

pub mod fixture;

use actix_web::dev::{Payload, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{App, test, web};
use callback_actix::CallbackRoutes;
pub use fixture::*;
use futures_util::{StreamExt, stream};

/// Sends each case in turn to one app serving `routes` (mounted with
/// `App::service`) and checks everything it expects. A chunked case is
/// streamed in small pieces without `Content-Length`; a stalled one sends
/// its body and then nothing, never ending; a truncated one announces 100
/// bytes more than its body.
pub async fn run_on(routes: CallbackRoutes, calls: &Calls, cases: &[Case]) {
    let app = test::init_service(App::new().service(routes)).await;
    for case in cases {
        let request = &case.request;
        let method = Method::from_bytes(request.method.as_bytes()).expect("a valid method");
        let mut test = test::TestRequest::default()
            .method(method)
            .uri(&request.path);
        for (name, value) in &request.headers {
            test = test.append_header((*name, value.as_str()));
        }
        let mut req = test.set_payload(request.body.clone()).to_request();
        if request.framing == Framing::Truncated {
            let announced = request.body.len() + 100;
            req.headers_mut().insert(CONTENT_LENGTH, announced.into());
        } else if request.framing != Framing::Length {
            let chunks: Vec<Result<web::Bytes, PayloadError>> = request
                .body
                .chunks(100)
                .map(|c| Ok(web::Bytes::copy_from_slice(c)))
                .collect();
            let body = stream::iter(chunks);
            let payload = match request.framing {
                Framing::Stalled => body.chain(stream::pending()).boxed_local(),
                _ => body.boxed_local(),
            };
            req.headers_mut().remove(CONTENT_LENGTH);
            *req.payload() = Payload::Stream { payload };
        }
        let before = snapshot(calls);
        let response = read(test::call_service(&app, req).await).await;
        case.check(&response, &before, calls);
    }
}

/// [`run_on`] the fixture's routes.
pub async fn run(calls: &Calls, cases: &[Case]) {
    run_on(routes(calls), calls, cases).await;
}

/// Sends `case` to a fresh fixture app and checks everything it expects.
pub async fn check(case: Case) {
    run(&Calls::default(), &[case]).await;
}

/// What an in-process response says, for [`Case::check`].
pub async fn read(response: ServiceResponse) -> Response {
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &actix_web::http::header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let (status, content_type, allow) = (
        response.status().as_u16(),
        header(CONTENT_TYPE),
        header(ALLOW),
    );
    let body = test::read_body(response).await.to_vec();
    Response {
        status,
        content_type,
        allow,
        body,
    }
}
