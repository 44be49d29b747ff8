//! When a failed call is tried again, how long to wait first, and how long
//! a call may take in all.

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use reqwest::Method;
use std::time::{Duration, SystemTime};

/// The time budget of one call, every attempt and every wait included,
/// unless [`RetryPolicy::budget`] says otherwise.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(30);

/// The least time of the budget a retry must have left after its wait: an
/// attempt with less would only time out, and hide the failure that asked
/// for it.
pub const MIN_ATTEMPT_TIME: Duration = Duration::from_millis(100);

/// Retries with bounded exponential backoff, for idempotent methods only,
/// within a time budget for the whole call.
///
/// A call is tried again only when all of these hold:
///
/// - the target's method is idempotent: `GET`, `HEAD`, `PUT`, `DELETE`,
///   `OPTIONS` (never `POST` or `PATCH`, which could act twice);
/// - the attempt failed in transport (no answer: connection refused or
///   reset, or the per-attempt timeout passed), or Zoho answered `429` or
///   `5xx`, or Zoho relayed a `429` or `5xx` from the target;
/// - fewer than [`max_retries`](Self::max_retries) retries were made;
/// - at least [`MIN_ATTEMPT_TIME`] (100 ms) of the
///   [`budget`](Self::budget) is left once the wait is over.
///
/// The wait before retry *n* (1-based) is `initial_backoff × 2^(n-1)`,
/// capped at `max_backoff`, then drawn at random from its upper half so that
/// many clients do not retry in step (`backon`'s exponential backoff with
/// jitter). A `Retry-After` in Zoho's answer, in seconds or as an HTTP-date,
/// replaces that wait: it is Zoho's own word on when to come back, so it is
/// not capped by `max_backoff`, only by the budget. A wait that would not
/// leave [`MIN_ATTEMPT_TIME`] of the budget is not made: the call ends at
/// once with the failure that asked for it.
///
/// The budget (default [`DEFAULT_BUDGET`], 30 s) bounds the whole call from
/// its first byte sent: each attempt's timeout is the client's per-attempt
/// timeout or what is left of the budget, whichever is shorter. It does not
/// include the time a storage call waits for the client-side rate limit
/// (see [`StorageSettings`](crate::StorageSettings)).
///
/// ```
/// use callback_invoke::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_retries_value(), 2);
/// assert_eq!(policy.budget_value(), Duration::from_secs(30));
/// let quick = RetryPolicy::default()
///     .max_retries(3)
///     .initial_backoff(Duration::from_millis(1))
///     .max_backoff(Duration::from_millis(5))
///     .budget(Duration::from_secs(2));
/// assert_eq!(RetryPolicy::none().max_retries_value(), 0);
/// # let _ = quick;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, waiting about 200 ms then 400 ms, never more than 2 s
    /// (unless Zoho's `Retry-After` says so), all within 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            budget: DEFAULT_BUDGET,
        }
    }
}

impl RetryPolicy {
    /// Never retry (the budget still bounds the one attempt).
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// At most `n` retries (so `n + 1` attempts).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The wait before the first retry, doubled for each one after.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts that this policy computes (a
    /// `Retry-After` of Zoho's may ask for longer, within the budget).
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// How long one call may take in all: every attempt and every wait
    /// (default [`DEFAULT_BUDGET`], 30 s). Zero is refused by
    /// [`InvokeClientBuilder::build`](crate::InvokeClientBuilder::build).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The configured number of retries.
    pub fn max_retries_value(&self) -> u32 {
        self.max_retries
    }

    /// The configured time budget of one call.
    pub fn budget_value(&self) -> Duration {
        self.budget
    }

    /// Whether calls with `method` may be retried at all.
    pub fn is_idempotent(method: &Method) -> bool {
        [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ]
        .contains(method)
    }

    /// Whether a status (Zoho's, or the target's relayed by Zoho) is worth
    /// another attempt.
    pub(crate) fn is_retryable_status(status: u16) -> bool {
        status == 429 || (500..=599).contains(&status)
    }

    /// The waits before each retry, at most `max_retries` of them. `backon`
    /// adds a random 0–100 % to each delay, so it is given half of each:
    /// the wait before retry *n* is drawn from the upper half of
    /// `min(initial × 2^(n-1), max)`.
    pub(crate) fn backoffs(&self) -> ExponentialBackoff {
        let first = self.initial_backoff.min(self.max_backoff);
        ExponentialBuilder::new()
            .with_min_delay(first / 2)
            .with_max_delay(self.max_backoff / 2)
            .with_max_times(usize::try_from(self.max_retries).unwrap_or(usize::MAX))
            .with_jitter()
            .build()
    }

    /// The wait before the next retry: Zoho's `Retry-After` if it gave one,
    /// else the backoff's; `None` when it would not leave
    /// [`MIN_ATTEMPT_TIME`] of the budget (`left` is what remains of it).
    pub(crate) fn wait(
        backoff: Duration,
        retry_after: Option<Duration>,
        left: Duration,
    ) -> Option<Duration> {
        let wait = retry_after.unwrap_or(backoff);
        (wait.saturating_add(MIN_ATTEMPT_TIME) <= left).then_some(wait)
    }
}

/// A `Retry-After` value: whole seconds (`120`) or an HTTP-date (`Wed, 21
/// Oct 2015 07:28:00 GMT`, read by `httpdate`, counted from `now`; a date
/// already past is no wait). `None` for anything else.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_retry() {
        for m in ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"] {
            assert!(RetryPolicy::is_idempotent(&m.parse().unwrap()), "{m}");
        }
        for m in ["POST", "PATCH", "CONNECT", "TRACE"] {
            assert!(!RetryPolicy::is_idempotent(&m.parse().unwrap()), "{m}");
        }
    }

    #[test]
    fn only_429_and_5xx_retry() {
        assert!(RetryPolicy::is_retryable_status(429));
        assert!(RetryPolicy::is_retryable_status(500));
        assert!(RetryPolicy::is_retryable_status(503));
        assert!(!RetryPolicy::is_retryable_status(400));
        assert!(!RetryPolicy::is_retryable_status(401));
        assert!(!RetryPolicy::is_retryable_status(404));
        assert!(!RetryPolicy::is_retryable_status(200));
    }

    #[test]
    fn backoff_doubles_within_bounds_and_stops_after_max_retries() {
        let ms = Duration::from_millis;
        let p = RetryPolicy::default()
            .max_retries(4)
            .initial_backoff(ms(100))
            .max_backoff(ms(300));
        for _ in 0..50 {
            let waits: Vec<Duration> = p.backoffs().collect();
            assert_eq!(waits.len(), 4);
            let bounds = [(50, 100), (100, 200), (150, 300), (150, 300)];
            for (wait, (low, high)) in waits.iter().zip(bounds) {
                assert!(*wait >= ms(low) && *wait <= ms(high), "{waits:?}");
            }
        }
        assert_eq!(RetryPolicy::none().backoffs().count(), 0);
        // An initial backoff above the maximum is capped too.
        let capped = RetryPolicy::default()
            .initial_backoff(ms(900))
            .max_backoff(ms(100));
        assert!(capped.backoffs().all(|w| w <= ms(100)));
    }

    #[test]
    fn retry_after_replaces_the_backoff_and_the_budget_caps_both() {
        let s = Duration::from_secs;
        assert_eq!(RetryPolicy::wait(s(1), None, s(30)), Some(s(1)));
        assert_eq!(RetryPolicy::wait(s(1), Some(s(20)), s(30)), Some(s(20)));
        assert_eq!(RetryPolicy::wait(s(9), Some(s(0)), s(30)), Some(s(0)));
        assert_eq!(RetryPolicy::wait(s(1), Some(s(30)), s(30)), None);
        assert_eq!(RetryPolicy::wait(s(5), None, s(4)), None);
        // An attempt needs 100 ms of the budget after the wait.
        let ms = Duration::from_millis;
        assert_eq!(RetryPolicy::wait(ms(50), None, ms(150)), Some(ms(50)));
        assert_eq!(RetryPolicy::wait(ms(50), None, ms(149)), None);
        assert_eq!(RetryPolicy::wait(ms(50), Some(Duration::MAX), s(30)), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let s = Duration::from_secs;
        assert_eq!(parse_retry_after("120", now), Some(s(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(s(0)));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::MAX)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now),
            Some(s(5))
        );
        // Both obsolete forms HTTP allows.
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now),
            Some(s(60))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:10 2015", now),
            Some(s(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in ["", "-1", "1.5", "soon", "Wed, 32 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
