//! The handlers, called directly as ordinary functions after the store has
//! applied each callback (as the framework does before it calls them):
//! the org's state is what each event means, and its callbacks are listed
//! in order.

use crate::common::open_db;
use callback_actix::callback_core::callback_store::LifecycleCallback;
use callback_actix::prelude::*;
use install_tracker::Db;
use install_tracker::handlers::*;

/// The callback of `event` from `org`, applied to `db`'s store first, as
/// the framework applies every verified callback before its handler runs.
async fn callback(db: &Db, event: Event, org: u64) -> Callback {
    let applied = db
        .store()
        .apply(LifecycleCallback::new(
            event,
            org,
            Some("ctx-for-tests"),
            std::time::SystemTime::now(),
        ))
        .await
        .unwrap();
    assert!(!applied.is_stale());
    let payload = Payload::new(event, OrgId::new(org))
        .with_security_context(SecurityContext::new("ctx-for-tests"));
    Callback::new(payload, 0)
}

async fn temp_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = open_db(&dir.path().join("t.db")).await;
    (dir, db)
}

/// The security context the store holds for `org`, if any.
async fn context_of(db: &Db, org: u64) -> Option<String> {
    let installation = db.installation(OrgId::new(org)).await.unwrap()?;
    Some(installation.security_context?.expose().to_owned())
}

#[actix_web::test]
async fn each_event_changes_the_state_it_means() {
    let (_dir, db) = temp_db().await;
    let org = 9_007_199_254_740_993; // beyond 2^53: stays exact
    installed(callback(&db, Event::Install, org).await, State(db.clone()))
        .await
        .unwrap();
    zoho_authorised(
        callback(&db, Event::ZohoAuthorise, org).await,
        State(db.clone()),
    )
    .await
    .unwrap();
    tpa_authorised(
        callback(&db, Event::TpaAuthorise, org).await,
        State(db.clone()),
    )
    .await
    .unwrap();
    for _ in 0..2 {
        let no_invoke = State(None); // ZOHO_INVOKE_BASE_URL unset
        config_param_added(
            callback(&db, Event::ConfigParamAdd, org).await,
            State(db.clone()),
            no_invoke,
        )
        .await
        .unwrap();
    }
    config_param_deleted(
        callback(&db, Event::ConfigParamDelete, org).await,
        State(db.clone()),
    )
    .await
    .unwrap();
    updated(callback(&db, Event::Update, org).await, State(db.clone()))
        .await
        .unwrap();

    let state = db.org(OrgId::new(org)).await.unwrap().unwrap();
    assert_eq!(state.org_id, "9007199254740993");
    assert!(state.installed && state.zoho_authorised && state.tpa_authorised);
    assert_eq!(
        (
            state.config_param_adds,
            state.config_param_deletes,
            state.updates
        ),
        (2, 1, 1)
    );
    assert_eq!(context_of(&db, org).await.as_deref(), Some("ctx-for-tests"));

    tpa_revoked(
        callback(&db, Event::TpaRevoke, org).await,
        State(db.clone()),
    )
    .await
    .unwrap();
    uninstalled(
        callback(&db, Event::Uninstall, org).await,
        State(db.clone()),
    )
    .await
    .unwrap();
    let state = db.org(OrgId::new(org)).await.unwrap().unwrap();
    assert!(!state.installed && !state.zoho_authorised && !state.tpa_authorised);
    assert_eq!(context_of(&db, org).await, None);
    assert_eq!(
        state.events,
        [
            "onInstall",
            "onZohoAuthorise",
            "onTPAAuthorise",
            "onConfigParamAdd",
            "onConfigParamAdd",
            "onConfigParamDelete",
            "onUpdate",
            "onTPARevoke",
            "onUninstall"
        ]
    );
    assert_eq!(state.received_at.len(), state.events.len());
}

#[actix_web::test]
async fn an_unknown_org_has_no_state() {
    let (_dir, db) = temp_db().await;
    assert_eq!(db.org(OrgId::new(1)).await.unwrap(), None);
}

#[actix_web::test]
async fn state_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let db = open_db(&path).await;
    installed(callback(&db, Event::Install, 5).await, State(db.clone()))
        .await
        .unwrap();
    drop(db);
    let reopened = open_db(&path).await;
    assert!(
        reopened
            .org(OrgId::new(5))
            .await
            .unwrap()
            .unwrap()
            .installed
    );
}
