//! Desk events exactly once: claims by content digest.

use crate::support::{TestDb, at, on_both, options};
use callback_store::{Claim, DEFAULT_CLAIM_RETENTION, EventDigest, InstallationStore};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn digest(n: u64) -> EventDigest {
    EventDigest::new(
        "Ticket_Add",
        1,
        Some(at(n)),
        &json!({ "id": n.to_string() }),
    )
}

/// The lease of the tests' claims: a handler's few seconds.
const LEASE: Duration = Duration::from_secs(10);

on_both!(
    claim_once_then_already_claimed_until_released,
    claims_expire_after_the_retention_and_cleanup_removes_them,
    concurrent_claims_from_two_instances_have_one_winner,
    an_unfinished_claim_is_taken_again_after_its_lease_and_a_completed_one_is_not,
);

/// Claims `digest` at `now` (it must be free), and completes the claim, as
/// a handler that succeeded does.
async fn claim_and_complete(store: &dyn InstallationStore, digest: EventDigest, now: SystemTime) {
    assert_eq!(
        store.claim(digest, now, LEASE).await.unwrap(),
        Claim::Claimed
    );
    store.complete(digest).await.unwrap();
}

async fn claim_once_then_already_claimed_until_released(db: &TestDb) {
    let store = db.open().await;
    assert_eq!(store.claim_retention(), DEFAULT_CLAIM_RETENTION);
    assert_eq!(
        store.claim(digest(1), at(0), LEASE).await.unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        store.claim(digest(1), at(1), LEASE).await.unwrap(),
        Claim::AlreadyClaimed
    );
    // Another instance sees the claim.
    let other = db.open().await;
    assert_eq!(
        other.claim(digest(1), at(2), LEASE).await.unwrap(),
        Claim::AlreadyClaimed
    );
    assert_eq!(
        other.claim(digest(2), at(2), LEASE).await.unwrap(),
        Claim::Claimed
    );
    // The handler failed: released, so the redelivery runs.
    store.release(digest(1)).await.unwrap();
    assert_eq!(
        other.claim(digest(1), at(3), LEASE).await.unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        store.claim(digest(2), at(3), LEASE).await.unwrap(),
        Claim::AlreadyClaimed
    );
    // Releasing what is not claimed is fine.
    store.release(digest(99)).await.unwrap();
}

async fn claims_expire_after_the_retention_and_cleanup_removes_them(db: &TestDb) {
    let hour = Duration::from_secs(3600);
    let store = db.open_with(options().claim_retention(hour)).await;
    claim_and_complete(&*store, digest(1), at(0)).await;
    claim_and_complete(&*store, digest(2), at(0) + hour / 2).await;
    let just_before = at(0) + hour - Duration::from_millis(1);
    assert_eq!(
        store.claim(digest(1), just_before, LEASE).await.unwrap(),
        Claim::AlreadyClaimed
    );
    // Nothing is old enough yet.
    assert_eq!(store.cleanup(at(0) + hour).await.unwrap(), 0);
    // Past the retention, a redelivery is a new event, cleaned up or not.
    let past = at(0) + hour + Duration::from_millis(1);
    claim_and_complete(&*store, digest(1), past).await;
    assert_eq!(
        store.claim(digest(1), past, LEASE).await.unwrap(),
        Claim::AlreadyClaimed
    );
    // digest(2) (claimed at half an hour) goes; digest(1), claimed again, stays.
    let later = at(0) + hour + hour / 2 + Duration::from_millis(1);
    assert_eq!(store.cleanup(later).await.unwrap(), 1);
    let mut raw = db.raw().await;
    assert_eq!(
        raw.number("SELECT COUNT(*) FROM desk_event_claims").await,
        1
    );
    assert_eq!(
        store.claim(digest(1), later, LEASE).await.unwrap(),
        Claim::AlreadyClaimed
    );
}

async fn concurrent_claims_from_two_instances_have_one_winner(db: &TestDb) {
    let stores = [db.open().await, db.open().await];
    for round in 0..10u64 {
        let barrier = Arc::new(tokio::sync::Barrier::new(16));
        let tasks: Vec<_> = (0..16)
            .map(|n| {
                let store = Arc::clone(&stores[n % 2]);
                let barrier = Arc::clone(&barrier);
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.claim(digest(round), at(round), LEASE).await.unwrap()
                })
            })
            .collect();
        let mut claimed = 0;
        for task in tasks {
            if task.await.unwrap() == Claim::Claimed {
                claimed += 1;
            }
        }
        assert_eq!(claimed, 1, "round {round}");
    }
}

async fn an_unfinished_claim_is_taken_again_after_its_lease_and_a_completed_one_is_not(
    db: &TestDb,
) {
    let stores = [db.open().await, db.open().await];
    let lease_end = at(0) + LEASE;
    let just = Duration::from_millis(1);
    // Claimed by one instance, whose process then dies: no completion, no
    // release.
    assert_eq!(
        stores[0].claim(digest(1), at(0), LEASE).await.unwrap(),
        Claim::Claimed
    );
    // Within the lease the handler may still be running: not run again.
    assert_eq!(
        stores[1]
            .claim(digest(1), lease_end - just, LEASE)
            .await
            .unwrap(),
        Claim::AlreadyClaimed
    );
    // Past it, a redelivery takes the claim over and runs it.
    assert_eq!(
        stores[1]
            .claim(digest(1), lease_end + just, LEASE)
            .await
            .unwrap(),
        Claim::Claimed
    );
    // ... under a new lease, from the moment it was taken.
    assert_eq!(
        stores[0]
            .claim(digest(1), lease_end + LEASE, LEASE)
            .await
            .unwrap(),
        Claim::AlreadyClaimed
    );

    // Completed: never run again within the retention, lease or no lease.
    claim_and_complete(&*stores[0], digest(2), at(0)).await;
    for now in [
        at(0),
        lease_end + just,
        at(0) + DEFAULT_CLAIM_RETENTION - just,
    ] {
        assert_eq!(
            stores[1].claim(digest(2), now, LEASE).await.unwrap(),
            Claim::AlreadyClaimed,
            "{now:?}"
        );
    }
    let mut raw = db.raw().await;
    assert_eq!(
        raw.number("SELECT COUNT(*) FROM desk_event_claims WHERE lease_until IS NULL")
            .await,
        1
    );
}

/// The digest is SHA-256 over the documented encoding, byte for byte.
#[test]
fn the_digest_is_sha256_of_the_documented_encoding() {
    let payload = json!({"subject": "Hi", "id": "17", "nested": {"b": [1, 2.5, null], "a": true}});
    let time = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
    let mut input = b"callback-store desk event v1\0".to_vec();
    input.extend_from_slice(&10u64.to_be_bytes());
    input.extend_from_slice(b"Ticket_Add");
    input.extend_from_slice(&42u64.to_be_bytes());
    input.push(1);
    input.extend_from_slice(&1_700_000_000_123_000_000i128.to_be_bytes());
    input.extend_from_slice(br#"{"id":"17","nested":{"a":true,"b":[1,2.5,null]},"subject":"Hi"}"#);
    let expected: [u8; 32] = Sha256::digest(&input).into();
    let digest = EventDigest::new("Ticket_Add", 42, Some(time), &payload);
    assert_eq!(digest.as_bytes(), &expected);
    assert_eq!(EventDigest::from_bytes(expected), digest);

    // No time: a zero byte instead.
    let mut input = b"callback-store desk event v1\0".to_vec();
    input.extend_from_slice(&3u64.to_be_bytes());
    input.extend_from_slice(b"X_Y");
    input.extend_from_slice(&0u64.to_be_bytes());
    input.push(0);
    input.extend_from_slice(b"[]");
    let expected: [u8; 32] = Sha256::digest(&input).into();
    assert_eq!(
        EventDigest::new("X_Y", 0, None, &json!([])).as_bytes(),
        &expected
    );
}

#[test]
fn every_part_changes_the_digest_and_member_order_does_not() {
    let time = Some(at(5));
    let payload = json!({"a": 1, "b": {"c": "d", "e": "f"}});
    let base = EventDigest::new("Ticket_Add", 1, time, &payload);
    let reordered = json!({"b": {"e": "f", "c": "d"}, "a": 1});
    assert_eq!(EventDigest::new("Ticket_Add", 1, time, &reordered), base);
    for other in [
        EventDigest::new("Ticket_Update", 1, time, &payload),
        EventDigest::new("Ticket_Add", 2, time, &payload),
        EventDigest::new("Ticket_Add", 1, Some(at(6)), &payload),
        EventDigest::new("Ticket_Add", 1, None, &payload),
        EventDigest::new("Ticket_Add", 1, time, &json!({"a": 1, "b": {"c": "d"}})),
        EventDigest::new(
            "Ticket_Add",
            1,
            time,
            &json!({"a": "1", "b": {"c": "d", "e": "f"}}),
        ),
    ] {
        assert_ne!(other, base);
    }
    // Shown short: enough to correlate logs.
    let shown = format!("{base} {base:?}");
    assert_eq!(
        shown.len(),
        "123456789abc… EventDigest(123456789abc…)".len()
    );
    assert!(shown.starts_with(&hex::encode(&base.as_bytes()[..6])));
}
