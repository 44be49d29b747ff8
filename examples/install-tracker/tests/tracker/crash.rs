//! A SIGKILL in the middle of a load run loses nothing that was answered:
//! `install-tracker` (its own process, port 0) takes signed callbacks at
//! concurrency 64, three in ten of them invalid, and is killed outright
//! once a few hundred were answered `200`; restarted on the same database,
//! it opens cleanly (SQLite's `integrity_check` is `ok`), every callback
//! answered `200` before the kill is stored exactly once, callbacks that
//! were in flight are stored at most once, and no invalid one is stored.
//! Three kills in a row, then a last restart that serves a new callback.

use crate::common;

use common::{Kind, Tracker, client, event_of, integrity, org_of, send, stored};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests in flight at once.
const CONCURRENCY: usize = 64;
/// How many `200`s each round waits for before the kill.
const ACKED_BEFORE_KILL: usize = 300;
/// Kills (and restarts) in a row.
const ROUNDS: u64 = 3;
/// Callbacks a round may send at most: a bound, never reached in practice.
const ROUND_LIMIT: u64 = 100_000;

/// What the clients saw in one round.
#[derive(Default)]
struct Seen {
    /// Callbacks sent, answered or not.
    sent: BTreeSet<u64>,
    /// Callbacks answered, whatever the answer.
    answered: BTreeSet<u64>,
    /// Valid callbacks answered `200`.
    acked: BTreeSet<u64>,
}

/// Sends callbacks from `first` on until the server is killed (the first
/// connection error ends a task), killing it once [`ACKED_BEFORE_KILL`]
/// were answered `200`.
async fn load_then_kill(server: Tracker, first: u64) -> Seen {
    let client = client();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let next = Arc::new(AtomicU64::new(first));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (client, next, seen) = (client.clone(), Arc::clone(&next), Arc::clone(&seen));
        let base_url = server.base_url.clone();
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= first + ROUND_LIMIT {
                    return;
                }
                seen.lock().unwrap().sent.insert(i);
                let Ok((status, code)) = send(&client, &base_url, i).await else {
                    return; // the server is gone
                };
                let (want_status, want_code) = Kind::of(i).expected();
                assert_eq!((status, code.as_str()), (want_status, want_code), "{i}");
                let mut seen = seen.lock().unwrap();
                seen.answered.insert(i);
                if status == 200 {
                    seen.acked.insert(i);
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.lock().unwrap().acked.len() < ACKED_BEFORE_KILL {
        assert!(Instant::now() < deadline, "too few callbacks were answered");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill();
    while let Some(task) = tasks.join_next().await {
        task.expect("a sending task does not panic");
    }
    Arc::try_unwrap(seen)
        .ok()
        .expect("every task has ended")
        .into_inner()
        .unwrap()
}

/// The database after a restart: sound, every acknowledged callback there
/// once (in the installation store and in the tracker's own list), nothing
/// there twice, nothing that was not sent, nothing invalid, no security
/// context in plaintext.
fn check(database: &Path, sent: &BTreeSet<u64>, acked: &BTreeSet<u64>) {
    assert_eq!(integrity(database), "ok");
    let stored = stored(database);
    let orgs = common::stored_orgs(database);
    for &i in acked {
        assert_eq!(
            stored.get(&org_of(i)),
            Some(&vec![(event_of(i).wire_name().to_owned(), i)]),
            "callback {i} was answered 200 before the kill"
        );
        assert!(
            orgs.contains(&org_of(i)),
            "callback {i}'s org is not in the store"
        );
    }
    // The store commits before the handler runs: what the tracker listed,
    // the store has (the store may have a callback in flight at the kill
    // that the tracker had not listed yet).
    for org in stored.keys() {
        assert!(
            orgs.contains(org),
            "org {org} is listed but not in the store"
        );
    }
    for &org in &orgs {
        let i = org - common::ORG_BASE;
        assert!(sent.contains(&i), "org {org} was never sent");
        assert_eq!(
            Kind::of(i),
            Kind::Valid,
            "invalid callback {i} is in the store"
        );
    }
    common::assert_no_plaintext_context(database);
    for (org, rows) in &stored {
        assert_eq!(rows.len(), 1, "org {org} is stored {} times", rows.len());
        let i = rows[0].1;
        assert_eq!(org_of(i), *org, "org {org} carries another callback's seq");
        assert!(sent.contains(&i), "callback {i} was never sent");
        assert_eq!(Kind::of(i), Kind::Valid, "invalid callback {i} is stored");
    }
}

#[tokio::test]
async fn every_callback_answered_200_before_a_sigkill_is_stored_once_after_a_restart() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = dir.path().join("crash.db");
    let (mut sent, mut acked) = (BTreeSet::new(), BTreeSet::new());
    let mut first = 0;
    // Per round: the callbacks sent and never answered, in flight at the
    // kill; valid ones whose commit beat the kill may be stored.
    let mut in_flight = Vec::new();
    for _ in 0..ROUNDS {
        // Starting at all is the first check: the server opens the
        // database the kill left behind and prints where it listens.
        let server = Tracker::start(&database);
        check(&database, &sent, &acked);
        let seen = load_then_kill(server, first).await;
        in_flight.push(
            seen.sent
                .difference(&seen.answered)
                .copied()
                .collect::<Vec<_>>(),
        );
        first = seen.sent.last().expect("something was sent") + 1;
        sent.extend(seen.sent);
        acked.extend(seen.acked);
    }

    let server = Tracker::start(&database);
    check(&database, &sent, &acked);
    let stored = stored(&database);
    let in_flight: Vec<(usize, usize)> = in_flight
        .iter()
        .map(|round| {
            let kept = round.iter().filter(|&&i| stored.contains_key(&org_of(i)));
            (round.len(), kept.count())
        })
        .collect();
    println!(
        "crash: {ROUNDS} kills; {} sent, {} answered 200, {} stored; \
         (in flight at the kill, of which stored) each round: {in_flight:?}",
        sent.len(),
        acked.len(),
        stored.len(),
    );
    // And it still serves.
    let client = client();
    let i = (first..)
        .find(|&i| Kind::of(i) == Kind::Valid)
        .expect("one");
    let answer = send(&client, &server.base_url, i).await;
    assert_eq!(answer, Ok((200, "ok".to_owned())));
    assert_eq!(
        common::stored(&database).get(&org_of(i)),
        Some(&vec![(event_of(i).wire_name().to_owned(), i)])
    );
}
