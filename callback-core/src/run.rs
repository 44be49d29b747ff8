//! Running one handler: panics caught, deadline enforced.

use crate::extract::CallContext;
use crate::handler::{Handler, HandlerFuture};
use crate::outcome::{Handled, Outcome, Rejection, RejectionKind};
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Extracts the arguments and starts the handler, turning a panic in an
/// extractor into a rejection.
pub(crate) fn start_handler(
    handler: &dyn Handler,
    cx: &CallContext<'_>,
) -> Result<HandlerFuture, Rejection> {
    std::panic::catch_unwind(AssertUnwindSafe(|| handler.call(cx)))
        .unwrap_or_else(|panic| Err(panicked(&*panic)))
}

/// Awaits the handler, or the deadline if it comes first, inside `span`
/// (entered around each poll, as `Instrument` would, unless it is
/// `Span::none()`).
///
/// One hand-written future rather than `catch_unwind`, `select` and
/// `Instrument` nested: each layer was an async state machine moved by
/// value and a result read back through memory, about a tenth of a small
/// callback in process (issue 8).
pub(crate) struct RunHandler<'a, D> {
    /// What the outcome reports when the handler succeeds.
    pub(crate) handled: Handled,
    /// The handler's future.
    pub(crate) future: HandlerFuture,
    /// The deadline's future, pinned by the caller, if there is one.
    pub(crate) deadline: Option<Pin<&'a mut D>>,
    /// The callback's span.
    pub(crate) span: &'a tracing::Span,
}

impl<D: Future<Output = ()>> Future for RunHandler<'_, D> {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let this = &mut *self;
        let _entered = (!this.span.is_none()).then(|| this.span.enter());
        let polled = std::panic::catch_unwind(AssertUnwindSafe(|| this.future.as_mut().poll(cx)));
        let result = match polled {
            Ok(Poll::Ready(result)) => result,
            Ok(Poll::Pending) => {
                return match this.deadline.as_mut().map(|d| d.as_mut().poll(cx)) {
                    Some(Poll::Ready(())) => Poll::Ready(Outcome::Rejected(Rejection::new(
                        RejectionKind::DeadlineExceeded,
                        "the handler did not finish in time",
                    ))),
                    _ => Poll::Pending,
                };
            }
            Err(panic) => return Poll::Ready(Outcome::Rejected(panicked(&*panic))),
        };
        Poll::Ready(match result {
            Ok(()) => Outcome::Handled(this.handled),
            Err(err) => Outcome::Rejected(
                Rejection::new(
                    RejectionKind::HandlerFailed,
                    "the handler failed; see the server log",
                )
                .with_detail(err.to_string()),
            ),
        })
    }
}

impl<D> Drop for RunHandler<'_, D> {
    /// Drops the handler's future (unfinished when its deadline came, or
    /// when the request was dropped) inside the span too, as `Instrument`
    /// would: a handler's `Drop` that logs keeps its callback's context.
    fn drop(&mut self) {
        if !self.span.is_none() {
            let _entered = self.span.enter();
            // `Pending` has no size: boxing it allocates nothing.
            let finished: HandlerFuture = Box::pin(std::future::pending());
            drop(std::mem::replace(&mut self.future, finished));
        }
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
