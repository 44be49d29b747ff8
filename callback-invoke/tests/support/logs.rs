//! Capturing what `tracing` logs on the test's own thread, while the other
//! tests of the binary run (and log nowhere) on theirs.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex, OnceLock};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::{DefaultGuard, Interest};
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// A `tracing` writer that keeps what is logged.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    /// Logs up to `level` from this thread into a new [`Logs`], until the
    /// guard is dropped. `#[actix_web::test]` and `#[tokio::test]` poll
    /// every future of the test on its thread.
    pub fn capture(level: tracing::Level) -> (Logs, DefaultGuard) {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(level)
            .finish();
        (logs, capture_on_this_thread(subscriber))
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A subscriber that takes nothing, and says so (`max_level_hint` is
/// `OFF`): see [`capture_on_this_thread`].
struct TakesNothing;

impl Subscriber for TakesNothing {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::never()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::OFF)
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Installs `subscriber` as this thread's default until the guard drops.
///
/// `tracing` caches, per log statement, whether any subscriber wants it,
/// for the whole process; while one subscriber exists, a statement first
/// reached on a thread without one (another test's) would be cached as
/// wanted by nobody, and this test would lose its lines. So a second
/// subscriber, [`TakesNothing`], exists for the life of the process from
/// before the first capture: with two, `tracing` asks every subscriber
/// rather than the reaching thread's, and decides per line on the thread
/// that logs it.
fn capture_on_this_thread(subscriber: impl Subscriber + Send + Sync) -> DefaultGuard {
    static SECOND: OnceLock<Dispatch> = OnceLock::new();
    SECOND.get_or_init(|| Dispatch::new(TakesNothing));
    tracing::subscriber::set_default(subscriber)
}
