//! What each lifecycle callback does to an installation, on both backends.

use crate::support::{TestDb, at, callback, on_both};
use callback_store::{Applied, Event, Installation, Status};
use std::sync::Arc;

/// The installation a recorded callback gave.
#[track_caller]
fn recorded(applied: Applied) -> Installation {
    match applied {
        Applied::Recorded(installation) => installation,
        Applied::Stale(installation) => panic!("stale: {installation:?}"),
    }
}

on_both!(
    each_event_changes_what_it_says,
    a_repeated_install_leaves_the_same_state,
    identical_callbacks_are_counted_twice,
    uninstall_revokes_context_and_authorisations,
    callback_without_context_keeps_the_latest,
    installation_reads_back_what_apply_committed,
    times_never_move_backwards,
    concurrent_callbacks_of_one_org_from_two_instances_are_all_counted,
    list_pages_in_numeric_order,
);

async fn each_event_changes_what_it_says(db: &TestDb) {
    let store = db.open().await;
    let org = 387_238;
    let ctx = Some("ctx-1");

    let i = recorded(
        store
            .apply(callback(Event::Install, org, ctx, 10))
            .await
            .unwrap(),
    );
    assert_eq!(
        (
            i.org_id,
            i.status,
            i.generation,
            i.callbacks,
            i.is_installed()
        ),
        (org, Status::Installed, 1, 1, true)
    );
    assert_eq!(i.security_context.as_ref().unwrap().expose(), "ctx-1");
    assert_eq!((i.first_seen_at, i.last_callback_at), (at(10), at(10)));
    assert_eq!(i.last_at(Event::Install), Some(at(10)));
    assert_eq!(i.last_at(Event::ZohoAuthorise), None);

    let i = recorded(
        store
            .apply(callback(Event::ZohoAuthorise, org, ctx, 20))
            .await
            .unwrap(),
    );
    assert!(i.zoho_authorised && !i.tpa_authorised);
    let i = recorded(
        store
            .apply(callback(Event::TpaAuthorise, org, ctx, 30))
            .await
            .unwrap(),
    );
    assert!(i.zoho_authorised && i.tpa_authorised);
    let i = recorded(
        store
            .apply(callback(Event::Update, org, ctx, 40))
            .await
            .unwrap(),
    );
    assert_eq!(i.updates, 1);
    let i = recorded(
        store
            .apply(callback(Event::ConfigParamAdd, org, ctx, 50))
            .await
            .unwrap(),
    );
    assert_eq!((i.config_param_adds, i.config_param_deletes), (1, 0));
    let i = recorded(
        store
            .apply(callback(Event::ConfigParamDelete, org, ctx, 60))
            .await
            .unwrap(),
    );
    assert_eq!((i.config_param_adds, i.config_param_deletes), (1, 1));
    let i = recorded(
        store
            .apply(callback(Event::TpaRevoke, org, ctx, 70))
            .await
            .unwrap(),
    );
    assert!(i.zoho_authorised && !i.tpa_authorised);
    assert_eq!(
        (
            i.status,
            i.updates,
            i.callbacks,
            i.first_seen_at,
            i.last_callback_at
        ),
        (Status::Installed, 1, 7, at(10), at(70))
    );
    // Every event has its own time (one column per event of `Event::ALL`).
    for (event, ms) in [
        (Event::Install, 10),
        (Event::ZohoAuthorise, 20),
        (Event::TpaAuthorise, 30),
        (Event::Update, 40),
        (Event::ConfigParamAdd, 50),
        (Event::ConfigParamDelete, 60),
        (Event::TpaRevoke, 70),
    ] {
        assert_eq!(i.last_at(event), Some(at(ms)), "{event:?}");
    }
    let i = recorded(
        store
            .apply(callback(Event::Uninstall, org, ctx, 80))
            .await
            .unwrap(),
    );
    assert_eq!(i.last_at(Event::Uninstall), Some(at(80)));
    assert_eq!(
        Event::ALL.len(),
        8,
        "a new event needs its column in both migrations"
    );
}

async fn a_repeated_install_leaves_the_same_state(db: &TestDb) {
    let store = db.open().await;
    let first = recorded(
        store
            .apply(callback(Event::Install, 1, Some("c"), 1))
            .await
            .unwrap(),
    );
    let second = recorded(
        store
            .apply(callback(Event::Install, 1, Some("c"), 1))
            .await
            .unwrap(),
    );
    // The same state; only the count of callbacks says there were two.
    assert_eq!(second.callbacks, 2);
    let mut expected = first;
    expected.callbacks = 2;
    assert_eq!(second, expected);
    assert_eq!((second.status, second.generation), (Status::Installed, 1));
}

async fn identical_callbacks_are_counted_twice(db: &TestDb) {
    let store = db.open().await;
    for _ in 0..2 {
        store
            .apply(callback(Event::Update, 5, Some("c"), 1))
            .await
            .unwrap();
        store
            .apply(callback(Event::ConfigParamAdd, 5, Some("c"), 1))
            .await
            .unwrap();
        store
            .apply(callback(Event::ConfigParamDelete, 5, Some("c"), 1))
            .await
            .unwrap();
    }
    let i = store.installation(5).await.unwrap().unwrap();
    assert_eq!(
        (
            i.updates,
            i.config_param_adds,
            i.config_param_deletes,
            i.callbacks
        ),
        (2, 2, 2, 6)
    );
    // Before any onInstall, the installation is pending.
    assert_eq!(i.status, Status::Pending);
}

async fn uninstall_revokes_context_and_authorisations(db: &TestDb) {
    let store = db.open().await;
    for event in [Event::Install, Event::ZohoAuthorise, Event::TpaAuthorise] {
        store
            .apply(callback(event, 9, Some("c9"), 1))
            .await
            .unwrap();
    }
    let i = recorded(
        store
            .apply(callback(Event::Uninstall, 9, Some("c9"), 2))
            .await
            .unwrap(),
    );
    assert_eq!(
        (
            i.status,
            i.zoho_authorised,
            i.tpa_authorised,
            i.security_context.is_none()
        ),
        (Status::Uninstalled, false, false, true)
    );
    assert!(!i.is_installed());
    assert_eq!(store.installation(9).await.unwrap().unwrap(), i);
    // Nothing of the context is left in the row.
    let mut raw = db.raw().await;
    assert_eq!(
        raw.number(
            "SELECT COUNT(*) FROM installations WHERE context IS NULL AND context_key IS NULL"
        )
        .await,
        1
    );
}

async fn callback_without_context_keeps_the_latest(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 3, Some("old"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Update, 3, Some("new"), 2))
        .await
        .unwrap();
    let i = recorded(
        store
            .apply(callback(Event::ConfigParamAdd, 3, None, 3))
            .await
            .unwrap(),
    );
    assert_eq!(i.security_context.unwrap().expose(), "new");
    assert_eq!(i.config_param_adds, 1);
}

async fn installation_reads_back_what_apply_committed(db: &TestDb) {
    let store = db.open().await;
    assert_eq!(store.installation(77).await.unwrap(), None);
    let applied = recorded(
        store
            .apply(callback(Event::Install, 77, Some("c"), 5))
            .await
            .unwrap(),
    );
    // Another instance (another pool) reads the same.
    let other = db.open().await;
    assert_eq!(other.installation(77).await.unwrap(), Some(applied));
    assert_eq!(other.installation(78).await.unwrap(), None);
}

async fn times_never_move_backwards(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Update, 4, None, 500))
        .await
        .unwrap();
    // Received a moment earlier by another instance, committed later.
    let i = recorded(
        store
            .apply(callback(Event::Update, 4, None, 400))
            .await
            .unwrap(),
    );
    assert_eq!(
        (
            i.first_seen_at,
            i.last_callback_at,
            i.last_at(Event::Update),
            i.updates
        ),
        (at(400), at(500), Some(at(500)), 2)
    );
}

async fn concurrent_callbacks_of_one_org_from_two_instances_are_all_counted(db: &TestDb) {
    let stores = [db.open().await, db.open().await];
    let mut tasks = Vec::new();
    for n in 0..40u64 {
        let store = Arc::clone(&stores[(n % 2) as usize]);
        tasks.push(tokio::spawn(async move {
            let event = if n % 4 == 0 {
                Event::ConfigParamAdd
            } else {
                Event::Update
            };
            store
                .apply(callback(event, 11, Some("c"), n))
                .await
                .unwrap()
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let i = stores[0].installation(11).await.unwrap().unwrap();
    assert_eq!(
        (i.updates, i.config_param_adds, i.callbacks, i.generation),
        (30, 10, 40, 1)
    );
    assert_eq!(stores[1].installation(11).await.unwrap().unwrap(), i);
}

async fn list_pages_in_numeric_order(db: &TestDb) {
    let store = db.open().await;
    let orgs = [
        100,
        9,
        u64::MAX,
        10,
        9_007_199_254_740_993,
        (1 << 63) + 5,
        1,
    ];
    for org in orgs {
        store
            .apply(callback(Event::Install, org, None, 1))
            .await
            .unwrap();
    }
    let mut sorted = orgs.to_vec();
    sorted.sort_unstable();
    let all: Vec<u64> = store
        .list(None, 100)
        .await
        .unwrap()
        .iter()
        .map(|i| i.org_id)
        .collect();
    assert_eq!(all, sorted);
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store.list(after, 3).await.unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some(last.org_id);
        paged.extend(page.iter().map(|i| i.org_id));
    }
    assert_eq!(paged, sorted);
    assert_eq!(store.list(Some(u64::MAX), 10).await.unwrap(), vec![]);
}
