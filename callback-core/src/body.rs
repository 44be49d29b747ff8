//! Reading a request body up to a limit and within a time, for any adapter.

use crate::outcome::{Rejection, RejectionKind};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use std::fmt;
use std::task::Poll;
use std::time::Duration;

/// Reads a whole body from `chunks`, the body stream of any HTTP stack.
///
/// Refuses with `413 payload_too_large` as soon as the body is known to be
/// larger than `limit` (from `declared`, the `Content-Length`, before
/// reading anything; or while streaming a chunked body), and with
/// `400 body_unreadable` when the stream fails, ends before the length it
/// declared (an incomplete message, RFC 9112 6.3), or is not complete
/// within `timeout`: HTTP servers time out the request head, not the body,
/// so a client announcing a length it never sends would otherwise hold its
/// connection and a task forever.
///
/// Nothing is reserved before bytes arrive: a client that announces the
/// limit and sends nothing holds no buffer of that size. A body that comes
/// in one chunk (the usual callback) is that chunk, not a copy of it. Must
/// run inside a Tokio runtime (for the timer).
pub async fn read_body<S, B, E>(
    chunks: S,
    declared: Option<u64>,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Rejection>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: fmt::Display,
{
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large(limit));
    }
    let deadline = tokio::time::Instant::now() + timeout;
    let mut read = std::pin::pin!(read_all(chunks, limit));
    // The timer is armed only for a body not complete by the second poll:
    // HTTP servers call the handler as soon as the head is parsed and feed
    // the body that came with it right after, so nearly every body is read
    // by then, and registering and cancelling a timer for each would be a
    // fifth of what the framework adds to a request (BENCHMARKS.md,
    // "HTTP"). The task wakes itself after the first `Pending`, so the
    // second poll comes even when the client sends nothing more.
    let mut polled = false;
    let early = std::future::poll_fn(|cx| match read.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending if !polled => {
            polled = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Poll::Pending => Poll::Ready(None),
    })
    .await;
    let body = match early {
        Some(result) => result?,
        None => tokio::time::timeout_at(deadline, read)
            .await
            .map_err(|_| {
                Rejection::new(
                    RejectionKind::BodyUnreadable,
                    format!(
                        "the request body did not arrive within {} ms",
                        timeout.as_millis()
                    ),
                )
            })??,
    };
    match declared {
        Some(declared) if (body.len() as u64) < declared => Err(Rejection::new(
            RejectionKind::BodyUnreadable,
            format!(
                "the body ended after {} of the {declared} bytes its Content-Length announced",
                body.len()
            ),
        )),
        _ => Ok(body),
    }
}

async fn read_all<S, B, E>(chunks: S, limit: usize) -> Result<Bytes, Rejection>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: fmt::Display,
{
    let mut chunks = std::pin::pin!(chunks);
    let mut first: Option<Bytes> = None;
    let mut more = BytesMut::new();
    while let Some(chunk) = chunks.next().await {
        let chunk: Bytes = chunk
            .map_err(|err| {
                Rejection::new(
                    RejectionKind::BodyUnreadable,
                    "the request body could not be read",
                )
                .with_detail(err.to_string())
            })?
            .into();
        let read = first.as_ref().map_or(0, Bytes::len) + more.len();
        if read + chunk.len() > limit {
            return Err(too_large(limit));
        }
        match &first {
            None => first = Some(chunk),
            Some(head) => {
                if more.is_empty() {
                    more.extend_from_slice(head);
                }
                more.extend_from_slice(&chunk);
            }
        }
    }
    Ok(if more.is_empty() {
        first.unwrap_or_default()
    } else {
        more.freeze()
    })
}

fn too_large(limit: usize) -> Rejection {
    Rejection::new(
        RejectionKind::PayloadTooLarge,
        format!("the body is larger than the limit of {limit} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    type Chunk = Result<&'static [u8], String>;

    async fn read(chunks: Vec<Chunk>, declared: Option<u64>) -> Result<Vec<u8>, RejectionKind> {
        read_body(stream::iter(chunks), declared, 8, Duration::from_secs(5))
            .await
            .map(|body| body.to_vec())
            .map_err(|r| r.kind())
    }

    #[tokio::test]
    async fn a_body_in_one_chunk_is_that_chunk() {
        let chunk = Bytes::from_static(b"abc");
        let body = read_body(
            stream::iter([Ok::<_, String>(chunk.clone())]),
            Some(3),
            8,
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        assert_eq!(body.as_ptr(), chunk.as_ptr());
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let body = read(vec![Ok(b"abc"), Ok(b"defgh")], Some(8)).await;
        assert_eq!(body, Ok(b"abcdefgh".to_vec()));
        assert_eq!(read(vec![Ok(b"ab")], None).await, Ok(b"ab".to_vec()));
    }

    #[tokio::test]
    async fn too_large_is_413_from_the_header_or_while_reading() {
        let never: Vec<Chunk> = vec![Err("not read".into())];
        assert_eq!(
            read(never, Some(9)).await,
            Err(RejectionKind::PayloadTooLarge)
        );
        let chunked = vec![Ok(&b"abcde"[..]), Ok(b"fghi")];
        assert_eq!(
            read(chunked, None).await,
            Err(RejectionKind::PayloadTooLarge)
        );
    }

    #[tokio::test]
    async fn a_short_or_broken_body_is_unreadable() {
        assert_eq!(
            read(vec![Ok(b"abc")], Some(5)).await,
            Err(RejectionKind::BodyUnreadable)
        );
        assert_eq!(
            read(vec![Ok(b"abc"), Err("reset".into())], None).await,
            Err(RejectionKind::BodyUnreadable)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_never_ends_is_cut_at_the_timeout() {
        let pending = stream::pending::<Chunk>();
        let err = read_body(pending, Some(4), 8, Duration::from_secs(3))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), RejectionKind::BodyUnreadable);
        assert_eq!(
            err.message(),
            "the request body did not arrive within 3000 ms"
        );
    }
}
