//! Running one handler: panics caught, deadline enforced, inside its span.

use crate::extract::CallContext;
use crate::handler::{Handler, HandlerFuture};
use crate::outcome::{Rejection, RejectionKind};
use futures_util::FutureExt;
use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::time::Duration;
use tracing::Instrument;

/// Extracts the handler's arguments and runs it, within `deadline` if there
/// is one, inside `span`: a panic (while extracting or running) is
/// `HandlerPanicked`, a missed deadline `DeadlineExceeded`. A handler future
/// left unfinished is dropped inside the span too, so that a `Drop` that
/// logs keeps its callback's context.
pub(crate) async fn run(
    handler: &dyn Handler,
    cx: &CallContext<'_>,
    deadline: Option<Duration>,
    span: &tracing::Span,
) -> Result<(), Rejection> {
    run_call(|| handler.call(cx), deadline, span).await
}

/// Makes the future with `call` and awaits it, as [`run`] says: the one way
/// every handler (a callback's, or a Desk event's) is run.
pub(crate) async fn run_call<'a>(
    call: impl FnOnce() -> HandlerFuture<'a>,
    deadline: Option<Duration>,
    span: &tracing::Span,
) -> Result<(), Rejection> {
    let future =
        std::panic::catch_unwind(AssertUnwindSafe(call)).map_err(|panic| panicked(&*panic))?;
    let guarded = AssertUnwindSafe(future).catch_unwind();
    // `Instrumented` costs a poll and a drop even around a disabled span.
    let result = if span.is_disabled() {
        within(deadline, guarded).await
    } else {
        within(deadline, guarded.instrument(span.clone())).await
    }?;
    result.unwrap_or_else(|panic| Err(panicked(&*panic)))
}

/// `future`, or `DeadlineExceeded` if `deadline` passes first.
pub(crate) async fn within<F: std::future::Future>(
    deadline: Option<Duration>,
    future: F,
) -> Result<F::Output, Rejection> {
    match deadline {
        None => Ok(future.await),
        Some(deadline) => tokio::time::timeout(deadline, future).await.map_err(|_| {
            Rejection::new(
                RejectionKind::DeadlineExceeded,
                "the handler did not finish in time",
            )
        }),
    }
}

fn panicked(panic: &(dyn Any + Send)) -> Rejection {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string panic payload");
    Rejection::new(
        RejectionKind::HandlerPanicked,
        "the handler panicked; see the server log",
    )
    .with_detail(message.to_owned())
}
