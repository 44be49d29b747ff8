//! The handlers, called directly as ordinary functions, change the org's
//! state as each event means.

use callback_actix::prelude::*;
use install_tracker::Db;
use install_tracker::handlers::*;

fn callback(event: Event, org: u64) -> Callback {
    let payload = Payload::new(event, OrgId::new(org))
        .with_security_context(SecurityContext::new("ctx-for-tests"));
    Callback::new(payload, 0)
}

fn temp_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db")).unwrap();
    (dir, db)
}

#[actix_web::test]
async fn each_event_changes_the_state_it_means() {
    let (_dir, db) = temp_db();
    let org = 9_007_199_254_740_993; // beyond 2^53: stays exact
    installed(callback(Event::Install, org), State(db.clone()))
        .await
        .unwrap();
    zoho_authorised(callback(Event::ZohoAuthorise, org), State(db.clone()))
        .await
        .unwrap();
    tpa_authorised(callback(Event::TpaAuthorise, org), State(db.clone()))
        .await
        .unwrap();
    for _ in 0..2 {
        let no_invoke = None; // ZOHO_INVOKE_BASE_URL unset
        config_param_added(
            callback(Event::ConfigParamAdd, org),
            State(db.clone()),
            no_invoke,
        )
        .await
        .unwrap();
    }
    config_param_deleted(callback(Event::ConfigParamDelete, org), State(db.clone()))
        .await
        .unwrap();
    updated(callback(Event::Update, org), State(db.clone()))
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
    assert_eq!(
        db.security_context(OrgId::new(org))
            .await
            .unwrap()
            .as_deref(),
        Some("ctx-for-tests")
    );

    tpa_revoked(callback(Event::TpaRevoke, org), State(db.clone()))
        .await
        .unwrap();
    uninstalled(callback(Event::Uninstall, org), State(db.clone()))
        .await
        .unwrap();
    let state = db.org(OrgId::new(org)).await.unwrap().unwrap();
    assert!(!state.installed && !state.zoho_authorised && !state.tpa_authorised);
    assert_eq!(db.security_context(OrgId::new(org)).await.unwrap(), None);
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
    let (_dir, db) = temp_db();
    assert_eq!(db.org(OrgId::new(1)).await.unwrap(), None);
}

#[actix_web::test]
async fn state_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let db = Db::open(&path).unwrap();
    installed(callback(Event::Install, 5), State(db.clone()))
        .await
        .unwrap();
    drop(db);
    let reopened = Db::open(&path).unwrap();
    assert!(
        reopened
            .org(OrgId::new(5))
            .await
            .unwrap()
            .unwrap()
            .installed
    );
}
