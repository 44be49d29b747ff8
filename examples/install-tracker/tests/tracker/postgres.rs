//! Several instances on one PostgreSQL, as behind a load balancer: two
//! `install-tracker` processes share every org's state (lifecycle
//! callbacks of many orgs spread over both give one consistent state per
//! org, the same from either), one Desk batch delivered to both at once is
//! recorded once, PostgreSQL stopped mid-load (`pg_ctl -m immediate`) gives
//! no `200` while it is down and loses no `200` given, and service resumes
//! by itself when it returns; a `pg_dump` holds no security context.
//!
//! They need PostgreSQL: `scripts/with-postgres.sh cargo test -p
//! install-tracker` (CI runs them so); without it they are skipped with
//! one line saying so, unless CALLBACK_TEST_POSTGRES_REQUIRED=1.

#[path = "../../../../callback-store/tests/common/postgres.rs"]
mod pg;

use crate::common;

use callback_actix::callback_core::DeskEventType;
use callback_actix::callback_core::testing::desk::{TestDelivery, ticket_event};
use callback_actix::prelude::Event;
use common::{Answer, Tracker, client, deliver, get, send, send_event, serve_test_jwks};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Two instances on the database at `url`, Desk's TEST key set served to
/// both.
fn two_instances(url: &str) -> (Tracker, Tracker) {
    let jwks = serve_test_jwks();
    let vars = [("ZOHO_DESK_JWKS_URL", jwks.as_str())];
    (
        Tracker::start_url(url, &vars),
        Tracker::start_url(url, &vars),
    )
}

/// Stops both instances, off this runtime (whose thread the clients'
/// connections need to close).
async fn stop_both(a: Tracker, b: Tracker) {
    tokio::task::spawn_blocking(move || {
        a.stop();
        b.stop();
    })
    .await
    .unwrap();
}

/// The lifecycle each org of the consistency test goes through, in order.
const LIFECYCLE: [Event; 7] = [
    Event::Install,
    Event::ZohoAuthorise,
    Event::TpaAuthorise,
    Event::ConfigParamAdd,
    Event::Update,
    Event::TpaRevoke,
    Event::ConfigParamAdd,
];

/// `GET /orgs/{org}` of `base`, the times left out (each instance reads the
/// same rows, so they agree too; they are compared separately).
fn state(base: &str, org: u64) -> Value {
    let (status, state) = get(base, &format!("/orgs/{org}"), &[]);
    assert_eq!(status, 200, "{state}");
    state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_consistent_state_per_org() {
    let Some(url) = pg::new_database().await else {
        return;
    };
    let (a, b) = two_instances(&url);
    let bases = [a.base_url.clone(), b.base_url.clone()];
    let client = client();
    const ORGS: u64 = 40;
    // Each org's callbacks in lifecycle order, each to the other instance
    // than the one before; the orgs all at once.
    let mut tasks = tokio::task::JoinSet::new();
    for org in 0..ORGS {
        let (client, bases) = (client.clone(), bases.clone());
        tasks.spawn(async move {
            let org = common::ORG_BASE + 500_000 + org;
            for (step, event) in LIFECYCLE.iter().enumerate() {
                let base = &bases[(org as usize + step) % 2];
                let answer = send_event(&client, base, *event, org, "pg-shared-context").await;
                assert_eq!(answer, Ok((200, "ok".to_owned())), "org {org} {event}");
            }
            org
        });
    }
    let mut orgs = Vec::new();
    while let Some(org) = tasks.join_next().await {
        orgs.push(org.unwrap());
    }
    let (a_base, b_base) = (bases[0].clone(), bases[1].clone());
    let states = tokio::task::spawn_blocking(move || {
        orgs.iter()
            .map(|&org| (org, state(&a_base, org), state(&b_base, org)))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for (org, from_a, from_b) in states {
        assert_eq!(from_a, from_b, "org {org}: the two instances disagree");
        let mut shown = from_a.clone();
        shown.as_object_mut().unwrap().remove("receivedAt");
        assert_eq!(
            shown,
            json!({
                "orgId": org.to_string(),
                "installed": true,
                "zohoAuthorised": true,
                "tpaAuthorised": false,
                "updates": 1,
                "configParamAdds": 2,
                "configParamDeletes": 0,
                "events": LIFECYCLE.map(Event::wire_name),
                "deskEvents": [],
            }),
            "org {org}"
        );
    }
    // A replayed onInstall after an uninstall is refused by either.
    let org = common::ORG_BASE + 500_000;
    let uninstall = send_event(
        &client,
        &bases[0],
        Event::Uninstall,
        org,
        "pg-shared-context",
    );
    assert_eq!(uninstall.await, Ok((200, "ok".to_owned())));
    let replay = send_event(&client, &bases[1], Event::Install, org, "pg-shared-context");
    assert_eq!(replay.await, Ok((409, "stale_callback".to_owned())));

    // No security context in a dump of the database.
    let dump = pg::pg_dump(&url);
    assert!(common::contains(&dump, b"installations"));
    assert!(!common::contains(&dump, b"pg-shared-context"));
    assert!(!common::contains(
        &dump,
        hex_of("pg-shared-context").as_bytes()
    ));
    drop(client);
    stop_both(a, b).await;
}

/// `text` as PostgreSQL dumps a `bytea` holding it: lowercase hex.
fn hex_of(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_batch_delivered_to_both_instances_at_once_is_recorded_once() {
    let Some(url) = pg::new_database().await else {
        return;
    };
    let (a, b) = two_instances(&url);
    let client = client();
    let org = common::ORG_BASE + 600_000;
    let install = send_event(&client, &a.base_url, Event::Install, org, "pg-desk-context");
    assert_eq!(install.await, Ok((200, "ok".to_owned())));
    for round in 0..5u64 {
        let batch = TestDelivery::new(org).events([
            ticket_event(DeskEventType::TicketAdd, org, round * 10 + 1),
            ticket_event(DeskEventType::TicketUpdate, org, round * 10 + 1),
            ticket_event(DeskEventType::TicketCommentAdd, org, round * 10 + 1),
        ]);
        let (one, two) = tokio::join!(
            deliver(&client, &a.base_url, &batch),
            deliver(&client, &b.base_url, &batch)
        );
        assert_eq!(one, Ok((200, "ok".to_owned())), "round {round}");
        assert_eq!(two, Ok((200, "ok".to_owned())), "round {round}");
    }
    let (a_base, b_base) = (a.base_url.clone(), b.base_url.clone());
    let (from_a, from_b) =
        tokio::task::spawn_blocking(move || (state(&a_base, org), state(&b_base, org)))
            .await
            .unwrap();
    assert_eq!(from_a, from_b);
    let once: Vec<&str> = ["Ticket_Add", "Ticket_Update", "Ticket_Comment_Add"].repeat(5);
    assert_eq!(from_a["deskEvents"], json!(once));
    // Both instances acknowledged; between them each event's handler ran
    // once (the logs say which instance ran which).
    drop(client);
    stop_both(a, b).await;
}

/// How long the fault test keeps PostgreSQL down.
const DOWN: Duration = Duration::from_secs(6);

/// One callback of the PostgreSQL fault test: when it was sent, when it
/// was answered, and how.
struct Sent {
    at: Instant,
    answered: Instant,
    answer: Answer,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_mid_load_gives_no_200_loses_no_200_and_service_resumes() {
    let Some(cluster) = pg::OwnCluster::start() else {
        return;
    };
    let url = pg::create_database(&cluster.url).await;
    let server = Tracker::start_url(&url, &[]);
    let base = server.base_url.clone();
    let client = client();
    let log: Arc<Mutex<BTreeMap<u64, Sent>>> = Arc::default();
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (client, base, log, next, running) = (
            client.clone(),
            base.clone(),
            Arc::clone(&log),
            Arc::clone(&next),
            Arc::clone(&running),
        );
        tasks.spawn(async move {
            while running.load(std::sync::atomic::Ordering::SeqCst) {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // The valid callbacks of the common set only (seven in
                // ten), each of its own org.
                let i = n / 7 * 10 + n % 7;
                let at = Instant::now();
                let answer = send(&client, &base, i).await;
                let answered = Instant::now();
                let ok = matches!(answer, Ok((200, _)));
                log.lock().unwrap().insert(
                    i,
                    Sent {
                        at,
                        answered,
                        answer,
                    },
                );
                if !ok {
                    // Not hammering a database that is down.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        });
    }
    let count_200 = |log: &Mutex<BTreeMap<u64, Sent>>| {
        log.lock()
            .unwrap()
            .values()
            .filter(|s| matches!(s.answer, Ok((200, _))))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while count_200(&log) < 200 {
        assert!(Instant::now() < deadline, "too few callbacks answered");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A crash of the database: no checkpoint, every connection cut.
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop("immediate");
        cluster
    })
    .await
    .unwrap();
    let stopped = Instant::now();
    // Down for a few rounds of the store's acquire timeout (2 s).
    tokio::time::sleep(DOWN).await;
    let restarting = Instant::now();
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart();
        cluster
    })
    .await
    .unwrap();
    // Service resumes by itself: 200s again within a few seconds.
    let resumed_from = count_200(&log);
    let deadline = Instant::now() + Duration::from_secs(15);
    while count_200(&log) < resumed_from + 100 {
        assert!(
            Instant::now() < deadline,
            "service did not resume after PostgreSQL returned"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    running.store(false, std::sync::atomic::Ordering::SeqCst);
    while let Some(task) = tasks.join_next().await {
        task.unwrap();
    }
    let log = Arc::try_unwrap(log).ok().unwrap().into_inner().unwrap();

    let mut down = BTreeMap::new();
    for (i, sent) in &log {
        // Nothing is answered 200 while the database is down.
        if sent.answered > stopped && sent.answered < restarting {
            assert!(
                !matches!(sent.answer, Ok((200, _))),
                "callback {i} was answered 200 while PostgreSQL was down"
            );
        }
        // Sent once the database was down, answered before it returned:
        // 503 within the request's deadline.
        if sent.at > stopped && sent.answered < restarting {
            let answer = sent.answer.as_ref().map(|(s, c)| (*s, c.as_str()));
            *down.entry(format!("{answer:?}")).or_insert(0) += 1;
            assert_eq!(
                answer,
                Ok((503, "store_unavailable")),
                "callback {i} while PostgreSQL was down"
            );
            assert!(
                sent.answered - sent.at < Duration::from_secs(4),
                "callback {i} took {:?} while PostgreSQL was down",
                sent.answered - sent.at
            );
        }
        assert!(
            sent.answer.is_ok(),
            "callback {i}: no answer at all: {:?}",
            sent.answer
        );
    }
    assert!(
        !down.is_empty(),
        "nothing was sent while PostgreSQL was down"
    );
    // Every 200 is kept: its org is installed in the store, and listed.
    let acked: Vec<u64> = log
        .iter()
        .filter(|(_, s)| matches!(s.answer, Ok((200, _))))
        .map(|(i, _)| *i)
        .collect();
    let all_states = tokio::task::spawn_blocking({
        let base = base.clone();
        let acked = acked.clone();
        move || {
            acked
                .iter()
                .map(|&i| (i, get(&base, &format!("/orgs/{}", common::org_of(i)), &[])))
                .collect::<Vec<_>>()
        }
    })
    .await
    .unwrap();
    for (i, (status, state)) in all_states {
        assert_eq!(status, 200, "callback {i} was answered 200: {state}");
        assert_eq!(
            state["events"],
            json!([common::event_of(i).wire_name()]),
            "callback {i}"
        );
    }
    println!(
        "postgres fault: {} callbacks, {} answered 200 ({} after the restart); while down: {down:?}",
        log.len(),
        acked.len(),
        acked.len() - resumed_from,
    );
    drop(client);
    tokio::task::spawn_blocking(move || {
        server.stop();
        drop(cluster);
    })
    .await
    .unwrap();
}
