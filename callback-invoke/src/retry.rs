//! When a failed call is tried again, and how long to wait first.

use reqwest::Method;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Retries with bounded exponential backoff, for idempotent methods only.
///
/// A call is tried again only when all of these hold:
///
/// - the target's method is idempotent: `GET`, `HEAD`, `PUT`, `DELETE`,
///   `OPTIONS` (never `POST` or `PATCH`, which could act twice);
/// - the attempt failed in transport (no answer: connection refused or
///   reset, or the per-attempt timeout passed), or Zoho answered `429` or
///   `5xx`, or Zoho relayed a `429` or `5xx` from the target;
/// - fewer than [`max_retries`](Self::max_retries) retries were made.
///
/// The wait before retry *n* (1-based) is `initial_backoff × 2^(n-1)`,
/// capped at `max_backoff`, then drawn at random from its upper half so that
/// many clients do not retry in step; a `Retry-After` of whole seconds from
/// Zoho replaces it, still capped at `max_backoff`.
///
/// ```
/// use callback_invoke::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_retries_value(), 2);
/// let quick = RetryPolicy::default()
///     .max_retries(3)
///     .initial_backoff(Duration::from_millis(1))
///     .max_backoff(Duration::from_millis(5));
/// assert_eq!(RetryPolicy::none().max_retries_value(), 0);
/// # let _ = quick;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, waiting about 200 ms then 400 ms, never more than 2 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
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

    /// The longest wait between two attempts.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The configured number of retries.
    pub fn max_retries_value(&self) -> u32 {
        self.max_retries
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

    /// How long to wait before retry number `retry` (1-based).
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        // Equal jitter: half fixed, half random.
        let half = full / 2;
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(random % nanos.saturating_add(1))
    }
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
    fn backoff_doubles_within_bounds_and_honours_retry_after() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for _ in 0..50 {
            let first = p.backoff(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = p.backoff(2, None);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = p.backoff(30, None);
            assert!(capped >= Duration::from_millis(150) && capped <= Duration::from_millis(300));
        }
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(60))),
            Duration::from_millis(300)
        );
        assert_eq!(p.backoff(1, Some(Duration::from_millis(0))), Duration::ZERO);
    }
}
