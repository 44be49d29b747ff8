//! Replays never move an installation backwards: a callback with a
//! security context of an installation that has ended is stale.

use crate::support::{TestDb, callback, on_both, options};
use callback_store::{Applied, Event, Status};

on_both!(
    replayed_install_after_uninstall_is_stale_and_changes_nothing,
    every_event_with_the_ended_installations_context_is_stale,
    reinstall_with_a_new_context_is_a_new_installation,
    old_installations_callbacks_after_a_reinstall_are_stale,
    a_repeated_uninstall_is_applied,
    contexts_are_remembered_across_instances_and_restarts,
    no_context_after_uninstall_begins_a_new_installation,
    a_new_context_within_an_installation_is_the_latest,
);

async fn replayed_install_after_uninstall_is_stale_and_changes_nothing(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 42, Some("revoked"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::ZohoAuthorise, 42, Some("revoked"), 2))
        .await
        .unwrap();
    store
        .apply(callback(Event::Uninstall, 42, Some("revoked"), 3))
        .await
        .unwrap();
    let before = store.installation(42).await.unwrap().unwrap();

    // The captured onInstall, sent again.
    let applied = store
        .apply(callback(Event::Install, 42, Some("revoked"), 4))
        .await
        .unwrap();
    assert_eq!(applied, Applied::Stale(before.clone()));
    assert!(applied.is_stale());
    assert_eq!(store.installation(42).await.unwrap().unwrap(), before);
    assert_eq!(
        (before.status, before.security_context, before.callbacks),
        (Status::Uninstalled, None, 3)
    );
}

async fn every_event_with_the_ended_installations_context_is_stale(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 8, Some("a"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Update, 8, Some("a2"), 2))
        .await
        .unwrap();
    store
        .apply(callback(Event::Uninstall, 8, Some("a2"), 3))
        .await
        .unwrap();
    let before = store.installation(8).await.unwrap().unwrap();
    // Either context the ended installation had, with any event but
    // onUninstall.
    for context in ["a", "a2"] {
        for event in Event::ALL.into_iter().filter(|e| *e != Event::Uninstall) {
            let applied = store
                .apply(callback(event, 8, Some(context), 9))
                .await
                .unwrap();
            assert_eq!(
                applied,
                Applied::Stale(before.clone()),
                "{event:?} {context}"
            );
        }
    }
    assert_eq!(store.installation(8).await.unwrap().unwrap(), before);
}

async fn reinstall_with_a_new_context_is_a_new_installation(db: &TestDb) {
    let store = db.open().await;
    for event in [Event::Install, Event::TpaAuthorise, Event::Uninstall] {
        store
            .apply(callback(event, 6, Some("first"), 1))
            .await
            .unwrap();
    }
    let Applied::Recorded(i) = store
        .apply(callback(Event::Install, 6, Some("second"), 2))
        .await
        .unwrap()
    else {
        panic!("a reinstall was refused");
    };
    assert_eq!(
        (i.status, i.generation, i.tpa_authorised, i.callbacks),
        (Status::Installed, 2, false, 4)
    );
    assert_eq!(i.security_context.unwrap().expose(), "second");
    // The new installation goes on as usual.
    let applied = store
        .apply(callback(Event::ZohoAuthorise, 6, Some("second"), 3))
        .await
        .unwrap();
    assert!(!applied.is_stale());
    assert!(applied.installation().zoho_authorised);
}

async fn old_installations_callbacks_after_a_reinstall_are_stale(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 7, Some("old"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Uninstall, 7, Some("old"), 2))
        .await
        .unwrap();
    store
        .apply(callback(Event::Install, 7, Some("new"), 3))
        .await
        .unwrap();
    let before = store.installation(7).await.unwrap().unwrap();
    // A replayed onUninstall of the old installation must not uninstall
    // the new one, nor a replayed onInstall bring the old context back.
    for event in [Event::Uninstall, Event::Install, Event::ConfigParamAdd] {
        let applied = store
            .apply(callback(event, 7, Some("old"), 4))
            .await
            .unwrap();
        assert_eq!(applied, Applied::Stale(before.clone()), "{event:?}");
    }
    let now = store.installation(7).await.unwrap().unwrap();
    assert_eq!(now, before);
    assert_eq!(
        (
            now.status,
            now.generation,
            now.security_context.unwrap().expose()
        ),
        (Status::Installed, 2, "new")
    );
}

async fn a_repeated_uninstall_is_applied(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 12, Some("c"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Uninstall, 12, Some("c"), 2))
        .await
        .unwrap();
    // Zoho sending onUninstall again (its first answer lost) is answered
    // as applied: it changes nothing but the count and the time.
    let applied = store
        .apply(callback(Event::Uninstall, 12, Some("c"), 3))
        .await
        .unwrap();
    let Applied::Recorded(i) = applied else {
        panic!("a repeated onUninstall was refused");
    };
    assert_eq!(
        (i.status, i.generation, i.callbacks, i.security_context),
        (Status::Uninstalled, 1, 3, None)
    );
}

async fn contexts_are_remembered_across_instances_and_restarts(db: &TestDb) {
    {
        let store = db.open().await;
        store
            .apply(callback(Event::Install, 13, Some("c"), 1))
            .await
            .unwrap();
        store
            .apply(callback(Event::Uninstall, 13, Some("c"), 2))
            .await
            .unwrap();
    }
    // A new process (a restart, or another instance) with the same keys.
    let store = db.open_with(options()).await;
    let applied = store
        .apply(callback(Event::Install, 13, Some("c"), 3))
        .await
        .unwrap();
    assert!(applied.is_stale());
}

async fn no_context_after_uninstall_begins_a_new_installation(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 14, Some("c"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Uninstall, 14, Some("c"), 2))
        .await
        .unwrap();
    // Without a context nothing tells a replay from a reinstall.
    let applied = store
        .apply(callback(Event::Install, 14, None, 3))
        .await
        .unwrap();
    let Applied::Recorded(i) = applied else {
        panic!("refused")
    };
    assert_eq!(
        (i.status, i.generation, i.security_context),
        (Status::Installed, 2, None)
    );
}

async fn a_new_context_within_an_installation_is_the_latest(db: &TestDb) {
    let store = db.open().await;
    store
        .apply(callback(Event::Install, 15, Some("one"), 1))
        .await
        .unwrap();
    store
        .apply(callback(Event::Update, 15, Some("two"), 2))
        .await
        .unwrap();
    // Within the installation an earlier context is not stale.
    let applied = store
        .apply(callback(Event::Update, 15, Some("one"), 3))
        .await
        .unwrap();
    let Applied::Recorded(i) = applied else {
        panic!("refused")
    };
    assert_eq!(
        (
            i.generation,
            i.updates,
            i.security_context.unwrap().expose()
        ),
        (1, 2, "one")
    );
}
