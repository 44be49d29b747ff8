//! Load with nothing lost: signed callbacks over real HTTP at concurrency
//! 64 against the `install-tracker` binary (its own process, port 0, a
//! temporary database), three in ten of them invalid (a wrong `HASH`, a body
//! that is not JSON, a body over the limit), each with its own org id.
//! Afterwards every callback got exactly its answer, no request failed at the
//! connection level, the database holds exactly the valid callbacks, each
//! once, and none of the invalid ones, and the server's memory did not grow
//! past a warm-up (on Linux, where `/proc` gives it; elsewhere the memory is
//! not measured, and the test says so).
//!
//! In CI: 2,000 callbacks after a 1,000-callback warm-up. The long run
//! (recorded in RELIABILITY.md):
//!
//! ```text
//! CALLBACK_BASE_URL=http://127.0.0.1:8080 LOAD_CALLBACKS=100000 \
//!     cargo test -p install-tracker --release --test load -- --nocapture
//! ```

use crate::common;

use common::{Answer, Kind, Tracker, client, event_of, org_count, org_of, send, stored};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Requests in flight at once.
const CONCURRENCY: usize = 64;
/// Callbacks sent before the memory baseline is read: a tenth of the run,
/// and at least 1,000, so that every connection, worker, blocking thread,
/// allocator arena and SQLite cache page the run will use exists already.
fn warm_up(callbacks: u64) -> u64 {
    (callbacks / 10).max(1_000)
}

/// Callbacks in the measured run unless `LOAD_CALLBACKS` says otherwise.
const CI_CALLBACKS: u64 = 2_000;

/// How much the resident memory may grow from after the warm-up to after
/// the run: 8 MiB, whatever the length of the run. What grows without a
/// leak: the allocator keeps freed pages and its per-thread arenas (actix
/// workers, the blocking pool that runs SQLite, which starts and retires
/// threads) reach their high-water marks a while after the warm-up; SQLite's
/// page cache is bounded at 2 MiB. Measured: 3 to 5 MiB (RELIABILITY.md).
/// A leak of 100 bytes a callback is 9.5 MiB over the long run and fails
/// it; the CI run is too short to see less than about 4 KiB a callback.
const RSS_TOLERANCE_KIB: u64 = 8 * 1024;

/// Sends callbacks `range` with `CONCURRENCY` tasks pulling the next index
/// from a shared counter; returns each callback's answer by index.
async fn run(
    client: &reqwest::Client,
    base_url: &str,
    range: std::ops::Range<u64>,
) -> HashMap<u64, Answer> {
    let next = Arc::new(AtomicU64::new(range.start));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (client, base_url, next) = (client.clone(), base_url.to_owned(), Arc::clone(&next));
        let end = range.end;
        tasks.spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= end {
                    return answers;
                }
                answers.push((i, send(&client, &base_url, i).await));
            }
        });
    }
    let mut answers = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        answers.extend(done.expect("a sending task does not panic"));
    }
    answers
}

/// Every callback of `range` got exactly the answer its kind calls for,
/// and none failed at the connection level.
fn check_answers(answers: &HashMap<u64, Answer>, range: std::ops::Range<u64>) {
    assert_eq!(answers.len() as u64, range.end - range.start);
    let errors: Vec<_> = answers
        .iter()
        .filter_map(|(i, a)| a.as_ref().err().map(|e| (i, e)))
        .collect();
    assert!(
        errors.is_empty(),
        "{} connection errors, such as {:?}",
        errors.len(),
        errors.first()
    );
    for i in range {
        let (status, code) = answers[&i].as_ref().expect("checked");
        let (want_status, want_code) = Kind::of(i).expected();
        assert_eq!(
            (*status, code.as_str()),
            (want_status, want_code),
            "callback {i} ({:?})",
            Kind::of(i)
        );
    }
}

#[tokio::test]
async fn every_valid_callback_is_stored_once_no_invalid_one_is_and_memory_stays_flat() {
    let callbacks: u64 = std::env::var("LOAD_CALLBACKS")
        .ok()
        .map(|n| n.parse().expect("LOAD_CALLBACKS is a number"))
        .unwrap_or(CI_CALLBACKS);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = dir.path().join("load.db");
    let server = Tracker::start(&database);
    let client = client();

    let warm = warm_up(callbacks);
    let answers = run(&client, &server.base_url, 0..warm).await;
    check_answers(&answers, 0..warm);
    let rss_before = server.rss_kib();

    // The run, in ten chunks, reading the memory after each: the curve says
    // more than two points (a leak climbs steadily; a cache levels off).
    let total = warm + callbacks;
    let chunk = callbacks.div_ceil(10);
    let mut rss: Vec<u64> = rss_before.into_iter().collect();
    let started = Instant::now();
    for start in (warm..total).step_by(chunk as usize) {
        let range = start..(start + chunk).min(total);
        let answers = run(&client, &server.base_url, range.clone()).await;
        check_answers(&answers, range);
        rss.extend(server.rss_kib());
    }
    let elapsed = started.elapsed();
    // Let the last blocking tasks and connections settle before measuring.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rss_after = server.rss_kib();
    println!("load: VmRSS (KiB) after the warm-up and each tenth of the run: {rss:?}");
    let memory = match (rss_before, rss_after) {
        (Some(before), Some(after)) => {
            format!("VmRSS {before} KiB after the warm-up, {after} KiB after the run")
        }
        _ => "memory not measured (VmRSS is read from /proc, on Linux only)".to_owned(),
    };

    // The database: exactly the valid callbacks, each once, with its own
    // event and sequence number; nothing of the invalid ones.
    let stored = stored(&database);
    let valid: Vec<u64> = (0..total).filter(|&i| Kind::of(i) == Kind::Valid).collect();
    for &i in &valid {
        let rows = stored
            .get(&org_of(i))
            .unwrap_or_else(|| panic!("valid callback {i} was answered 200 and is not stored"));
        assert_eq!(
            rows,
            &vec![(event_of(i).wire_name().to_owned(), i)],
            "callback {i}"
        );
    }
    assert_eq!(
        stored.len(),
        valid.len(),
        "rows that are not valid callbacks"
    );
    for i in (0..total).filter(|&i| Kind::of(i) != Kind::Valid) {
        assert!(
            !stored.contains_key(&org_of(i)),
            "invalid callback {i} is stored"
        );
    }
    assert_eq!(org_count(&database), valid.len() as u64);
    // The store keeps every context encrypted: none is in any of the
    // database's files (the write-ahead log included).
    common::assert_no_plaintext_context(&database);

    let per_second = callbacks as f64 / elapsed.as_secs_f64();
    println!(
        "load: {callbacks} callbacks ({} valid) after a {warm} warm-up, concurrency \
         {CONCURRENCY}, in {elapsed:.2?}: {per_second:.0}/s; 0 connection errors; \
         {memory}; database: {} callbacks, {} orgs",
        (warm..total)
            .filter(|&i| Kind::of(i) == Kind::Valid)
            .count(),
        stored.values().map(Vec::len).sum::<usize>(),
        stored.len(),
    );
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        assert!(
            after <= before + RSS_TOLERANCE_KIB,
            "the server grew from {before} KiB to {after} KiB over {callbacks} callbacks \
             (tolerance {RSS_TOLERANCE_KIB} KiB)"
        );
    }
}
