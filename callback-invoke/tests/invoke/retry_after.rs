//! Zoho's `Retry-After`, in seconds and as an HTTP-date, replaces the
//! backoff; the time budget bounds every attempt and every wait of a call.
//! Every wait here is short or none: each case is built so that the wrong
//! reading would take the other way (a 20 s backoff that a `Retry-After:
//! 0` skips, a `Retry-After` past the budget that ends the call at once).

use crate::support::fake_zoho::{FakeZoho, Reply};
use crate::support::{bind, builder};
use callback_invoke::{BuildError, InvokeClient, InvokeError, InvokeResponse, RetryPolicy};
use std::time::{Duration, Instant, SystemTime};

/// Zoho's `503` asking to come back after `retry_after`.
fn busy(retry_after: &str) -> Reply {
    let headers = vec![("Retry-After".to_owned(), retry_after.to_owned())];
    Reply::ZohoWith(503, headers, r#"{"errorCode":"TOO_MANY_REQUESTS"}"#.into())
}

/// Three retries, each after `backoff` (drawn from its upper half) unless
/// Zoho says otherwise, within `budget`.
fn policy(backoff: Duration, budget: Duration) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .initial_backoff(backoff)
        .max_backoff(backoff)
        .budget(budget)
}

/// A `GET` through `fake` with `policy`: its result, how many calls the
/// fake got, and how long it took.
async fn get(
    fake: &FakeZoho,
    policy: RetryPolicy,
) -> (Result<InvokeResponse, InvokeError>, usize, Duration) {
    let zoho = bind(builder(fake).retry(policy).build().unwrap());
    let started = Instant::now();
    let result = zoho.desk_get("/x").send().await;
    (result, fake.calls(), started.elapsed())
}

/// [`get`] through a fake that first answers [`busy`]`(retry_after)`; and
/// the fake.
async fn busy_then(
    retry_after: &str,
    policy: RetryPolicy,
) -> (
    Result<InvokeResponse, InvokeError>,
    usize,
    Duration,
    FakeZoho,
) {
    let fake = FakeZoho::start(crate::support::SECRET);
    fake.then(busy(retry_after));
    let (result, calls, elapsed) = get(&fake, policy).await;
    (result, calls, elapsed, fake)
}

/// `Retry-After: 0` and a date already past: retried at once, where the
/// backoff would have waited 10–20 s.
#[actix_web::test]
async fn a_retry_after_in_seconds_or_as_a_date_replaces_the_backoff() {
    let past = SystemTime::now() - Duration::from_secs(60);
    let slow = policy(Duration::from_secs(20), Duration::from_secs(30));
    for retry_after in ["0".to_owned(), httpdate::fmt_http_date(past)] {
        let (result, calls, elapsed, _) = busy_then(&retry_after, slow).await;
        assert_eq!((result.unwrap().attempts(), calls), (2, 2), "{retry_after}");
        assert!(
            elapsed < Duration::from_secs(2),
            "{retry_after}: {elapsed:?}"
        );
    }
}

/// `Retry-After: 3` and a date an hour away, with 2 s of budget: the call
/// ends at once with Zoho's answer, where a backoff of 1 ms would have
/// retried (and a `3` read as milliseconds too).
#[actix_web::test]
async fn a_retry_after_past_the_budget_ends_the_call_at_once() {
    let later = SystemTime::now() + Duration::from_secs(3600);
    let quick = policy(Duration::from_millis(1), Duration::from_secs(2));
    for retry_after in ["3".to_owned(), httpdate::fmt_http_date(later)] {
        let (result, calls, elapsed, _) = busy_then(&retry_after, quick).await;
        assert_eq!(
            result.unwrap_err().to_string(),
            "Zoho's Invoke API answered 503 Service Unavailable for GET desk.zoho.com: \
             TOO_MANY_REQUESTS"
        );
        assert_eq!(calls, 1, "{retry_after}: retried before Zoho's time");
        assert!(elapsed < Duration::from_secs(1), "{retry_after}");
    }
}

/// An HTTP-date has whole seconds: the next one that is at least 300 ms
/// away is waited for, and the retry comes no earlier.
#[actix_web::test]
async fn a_retry_after_http_date_is_waited_for() {
    let (now, clock) = (SystemTime::now(), Instant::now());
    let since_epoch = now.duration_since(SystemTime::UNIX_EPOCH).unwrap();
    let mut date = SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs() + 1);
    if date.duration_since(now).unwrap() < Duration::from_millis(300) {
        date += Duration::from_secs(1);
    }
    let quick = policy(Duration::from_millis(1), Duration::from_secs(5));
    let (result, _, _, fake) = busy_then(&httpdate::fmt_http_date(date), quick).await;
    result.unwrap();
    let received = fake.received();
    let due = clock + date.duration_since(now).unwrap();
    // Two clocks read one after the other: a few milliseconds of slack.
    assert!(
        received[1].at + Duration::from_millis(5) >= due,
        "retried {:?} before the date",
        due - received[1].at
    );
}

#[actix_web::test]
async fn the_budget_bounds_an_attempt_shorter_than_its_timeout() {
    let fake = FakeZoho::start(crate::support::SECRET);
    fake.then(Reply::Sleep(Duration::from_secs(3)));
    // Per-attempt timeout 5 s (`builder`), budget 300 ms.
    let (result, calls, elapsed) = get(&fake, RetryPolicy::default().budget(ms(300))).await;
    let err = result.unwrap_err();
    let InvokeError::Timeout { timeout, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(*timeout <= ms(300), "{timeout:?}");
    assert!(elapsed >= ms(290) && elapsed < ms(1000), "{elapsed:?}");
    assert_eq!(calls, 1, "no time was left for another attempt");
}

/// Waits of 20–40 ms, each to leave 100 ms of a 200 ms budget: 2 to 6
/// attempts, then Zoho's own answer (not a timeout of a last attempt
/// squeezed into what was left).
#[actix_web::test]
async fn retries_stop_when_the_budget_is_spent() {
    let fake = FakeZoho::start(crate::support::SECRET);
    for _ in 0..50 {
        fake.then(Reply::Zoho(503, "busy".into()));
    }
    let (result, calls, elapsed) = get(&fake, policy(ms(40), ms(200)).max_retries(100)).await;
    let err = result.unwrap_err();
    assert!(
        matches!(err, InvokeError::Zoho { status: 503, .. }),
        "{err:?}"
    );
    assert!((2..=6).contains(&calls), "{calls} attempts");
    assert!(elapsed < ms(300), "{elapsed:?}");
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn a_budget_of_zero_is_refused() {
    let err = InvokeClient::builder(callback_core::Secret::new("s").unwrap())
        .retry(RetryPolicy::default().budget(Duration::ZERO))
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::ZeroBudget);
    assert_eq!(
        err.to_string(),
        "the time budget of a call must be longer than zero"
    );
}
