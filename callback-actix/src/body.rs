//! Reading a request body up to a limit, without buffering past it.

use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::rt::time::{Instant, sleep_until};
use actix_web::web::{self, BytesMut};
use callback_core::{Rejection, RejectionKind};
use futures_util::StreamExt;
use futures_util::future::{Either, select};
use std::task::Poll;
use std::time::Duration;

/// Reads the whole body, refusing with `413` as soon as it is known to be
/// larger than `limit` (from `Content-Length`, or while streaming a chunked
/// body), and with `400` when the client stops sending: when it closes the
/// connection before the end of the body (even if actix reports a clean
/// end), or when the body is not complete within `timeout` (a
/// `Content-Length` larger than what is sent would otherwise be awaited
/// forever: actix-web's own timeouts stop at the request head).
pub(crate) async fn read_limited(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    timeout: Duration,
) -> Result<BytesMut, Rejection> {
    let deadline = Instant::now() + timeout;
    let mut read = std::pin::pin!(read_within(req, payload, limit));

    // actix-web calls the handler as soon as the head is parsed and feeds
    // the body right after, so the body is nearly always complete by the
    // second poll. Arming the timer only then saves its registration and
    // cancellation in the runtime's timer wheel: about 700 of the 2,000
    // instructions the framework added to a request over HTTP (issue 8,
    // callgrind). Waking the task after the first `Pending` makes sure the
    // second poll comes even from a client that never sends its body.
    let mut first = true;
    let early = std::future::poll_fn(|cx| match read.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending if first => {
            first = false;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Poll::Pending => Poll::Ready(None),
    })
    .await;
    if let Some(result) = early {
        return result;
    }

    let expired = std::pin::pin!(sleep_until(deadline));
    match select(read, expired).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(Rejection::new(
            RejectionKind::BodyUnreadable,
            format!(
                "the request body did not arrive within {} ms",
                timeout.as_millis()
            ),
        )),
    }
}

async fn read_within(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<BytesMut, Rejection> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limit));
    }

    // Nothing is reserved before the body's bytes arrive: a client that
    // announces the limit and sends nothing holds no buffer of that size.
    // A body that arrives in one chunk (the usual callback) is still one
    // allocation of its exact size.
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| {
            Rejection::new(
                RejectionKind::BodyUnreadable,
                "the request body could not be read",
            )
            .with_detail(err.to_string())
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    // actix ends the payload without an error when the client closes its
    // side early: a body shorter than announced is an incomplete message
    // (RFC 9112, 6.3) and must not reach the router.
    if let Some(declared) = declared.filter(|&len| (body.len() as u64) < len) {
        return Err(Rejection::new(
            RejectionKind::BodyUnreadable,
            format!(
                "the body ended after {} of the {declared} bytes its Content-Length announced",
                body.len()
            ),
        ));
    }
    Ok(body)
}

fn too_large(limit: usize) -> Rejection {
    Rejection::new(
        RejectionKind::PayloadTooLarge,
        format!("the body is larger than the limit of {limit} bytes"),
    )
}
