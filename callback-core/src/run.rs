//! Running one handler: panics caught, deadline enforced.

use crate::extract::CallContext;
use crate::handler::{Handler, HandlerFuture};
use crate::outcome::{Handled, Outcome, Rejection, RejectionKind};
use futures_util::FutureExt;
use futures_util::future::{Either, select};
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// Extracts the arguments and starts the handler, turning a panic in an
/// extractor into a rejection.
pub(crate) fn start_handler(
    handler: &dyn Handler,
    cx: &CallContext<'_>,
) -> Result<HandlerFuture, Rejection> {
    std::panic::catch_unwind(AssertUnwindSafe(|| handler.call(cx)))
        .unwrap_or_else(|panic| Err(panicked(&*panic)))
}

/// Awaits the handler, or the deadline if it comes first.
pub(crate) async fn run_handler<D: Future<Output = ()>>(
    handled: Handled,
    future: HandlerFuture,
    deadline: Option<D>,
) -> Outcome {
    let guarded = AssertUnwindSafe(future).catch_unwind();
    let result = match deadline {
        None => guarded.await,
        Some(deadline) => {
            let deadline = std::pin::pin!(deadline);
            match select(guarded, deadline).await {
                Either::Left((result, _)) => result,
                Either::Right(((), _)) => {
                    return Outcome::Rejected(Rejection::new(
                        RejectionKind::DeadlineExceeded,
                        "the handler did not finish in time",
                    ));
                }
            }
        }
    };
    match result {
        Ok(Ok(())) => Outcome::Handled(handled),
        Ok(Err(err)) => Outcome::Rejected(
            Rejection::new(
                RejectionKind::HandlerFailed,
                "the handler failed; see the server log",
            )
            .with_detail(err.to_string()),
        ),
        Err(panic) => Outcome::Rejected(panicked(&*panic)),
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
