//! Calling Zoho back: with `ZOHO_INVOKE_BASE_URL`, `onConfigParamAdd` reads
//! the installation's config params through the Invoke API (here a fake on
//! 127.0.0.1 that checks every `HASH` and answers in Zoho's shape) into a
//! typed struct, and `GET /orgs/{orgId}` shows its `trackerLabel` as
//! `"label"`; without it, nothing calls out and there is no label.

#[path = "../../../../callback-invoke/tests/support/fake_zoho.rs"]
mod fake_zoho;

use crate::common;

use actix_web::App;
use actix_web::test as actix_test;
use callback_actix::callback_core::testing::TestCallback;
use callback_actix::callback_core::testing::desk::test_keys;
use callback_actix::prelude::*;
use callback_actix::test::request;
use fake_zoho::FakeZoho;
use install_tracker::config::{SettingsError, invoke_client};
use install_tracker::handlers::CONFIG_PARAMS_PATH;
use install_tracker::{Db, ReadAccess, app_config, callback_routes, callback_routes_with_invoke};
use serde_json::json;

const SECRET: &str = "install-tracker-invoke-secret";
const CONTEXT: &str = "sc-install-tracker-5c0e91";
const ORG: u64 = 387238;

fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

/// A temporary database and the routes, calling Zoho back at
/// `invoke_base_url` if given (as `ZOHO_INVOKE_BASE_URL` would).
async fn tracker(invoke_base_url: Option<&str>) -> (tempfile::TempDir, Db, CallbackRoutes) {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::open_db(&dir.path().join("t.db")).await;
    let routes = match invoke_client(&secret(), invoke_base_url).unwrap() {
        Some(zoho) => callback_routes_with_invoke(secret(), db.clone(), test_keys(), Some(zoho)),
        None => callback_routes(secret(), db.clone(), test_keys()),
    };
    (dir, db, routes.unwrap())
}

fn config_added() -> TestCallback {
    TestCallback::new(Event::ConfigParamAdd, &secret())
        .org_id(ORG)
        .security_context(CONTEXT)
}

/// `GET /orgs/{ORG}` of `app`, as JSON.
async fn org_view<S>(app: &S) -> serde_json::Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let get = actix_test::TestRequest::get()
        .uri(&format!("/orgs/{ORG}"))
        .to_request();
    actix_test::call_and_read_body_json(app, get).await
}

#[actix_web::test]
async fn config_params_are_read_into_a_struct_and_the_label_is_shown() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[
        ("jiraDomain", "example.atlassian.net"),
        ("trackerLabel", "Acme support"),
    ]);
    let (_dir, db, routes) = tracker(Some(&fake.url())).await;
    let app =
        actix_test::init_service(App::new().configure(app_config(&routes, &db, ReadAccess::Open)))
            .await;

    let resp = actix_test::call_service(&app, request(&config_added()).to_request()).await;
    assert_eq!(resp.status(), 200);

    let received = fake.received();
    let [call] = &received[..] else {
        panic!("one Invoke call expected, got {received:?}")
    };
    assert!(call.hash_ok);
    assert_eq!(call.org_id.as_deref(), Some("387238"));
    assert_eq!(call.field("securityContext"), Some(CONTEXT));
    assert_eq!(call.field("requestType"), Some("GET"));
    assert_eq!(
        call.field("requestURL"),
        Some(format!("{}{CONFIG_PARAMS_PATH}", fake.url()).as_str())
    );
    let state = db.org(OrgId::new(ORG)).await.unwrap().unwrap();
    assert_eq!(state.config_param_adds, 1);
    assert_eq!(state.label.as_deref(), Some("Acme support"));
    assert_eq!(org_view(&app).await["label"], json!("Acme support"));
}

#[actix_web::test]
async fn without_an_invoke_base_url_nothing_calls_out() {
    assert!(invoke_client(&secret(), None).unwrap().is_none());
    let fake = FakeZoho::start(SECRET); // listening, to catch any call
    let (_dir, db, routes) = tracker(None).await;
    let app =
        actix_test::init_service(App::new().configure(app_config(&routes, &db, ReadAccess::Open)))
            .await;

    let resp = actix_test::call_service(&app, request(&config_added()).to_request()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(fake.calls(), 0);
    let state = db.org(OrgId::new(ORG)).await.unwrap().unwrap();
    assert_eq!(state.config_param_adds, 1);
    assert_eq!(state.label, None);
    let view = org_view(&app).await;
    assert!(view.get("label").is_none(), "{view}");
    assert_eq!(view["configParamAdds"], json!(1));
}

#[actix_web::test]
async fn a_refused_invoke_call_fails_the_callback_but_it_is_still_recorded() {
    let fake = FakeZoho::start("not the extension's secret"); // every HASH is wrong
    let (_dir, db, routes) = tracker(Some(&fake.url())).await;
    let app =
        actix_test::init_service(App::new().configure(app_config(&routes, &db, ReadAccess::Open)))
            .await;

    let resp = actix_test::call_service(&app, request(&config_added()).to_request()).await;
    assert_eq!(resp.status(), 500);
    assert!(!fake.received()[0].hash_ok);
    assert_eq!(db.org(OrgId::new(ORG)).await.unwrap().unwrap().label, None);
    let state = db.org(OrgId::new(ORG)).await.unwrap().unwrap();
    assert_eq!(state.config_param_adds, 1);
}

#[test]
fn a_bad_invoke_base_url_is_an_exact_settings_error() {
    let err = invoke_client(&secret(), Some("desk.zoho.eu")).unwrap_err();
    assert!(matches!(err, SettingsError::Invoke(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "ZOHO_INVOKE_BASE_URL: invalid Invoke base URL \"desk.zoho.eu\": relative URL without a base"
    );
}

#[test]
fn credentials_in_the_invoke_base_url_stop_the_server_without_being_shown() {
    let mut command = common::Tracker::command("/nonexistent/never-opened.db".as_ref());
    command
        .env("ZOHO_EXTENSION_SECRET", SECRET)
        .env("ZOHO_INVOKE_BASE_URL", "http://u:hunter2@127.0.0.1:9");
    let output = common::run_to_exit(command);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("listening"), "{stdout}");
    assert_eq!(
        stderr,
        "error: ZOHO_INVOKE_BASE_URL: the base URL \"http://127.0.0.1:9\" is not usable: it \
         must not carry credentials (user:password@): URLs are printed and logged; give \
         credentials another way; give one such as \"https://ext.example.com\"\n"
    );
    assert!(!stdout.contains("hunter2") && !stderr.contains("hunter2"));
}

/// Outside requests: a background job lists the installations the store
/// keeps, and calls Zoho for each through `InvokeClient::for_installation`,
/// with the org's latest security context; an uninstalled org has none
/// (`onUninstall` revoked it), and nothing is called for it.
#[actix_web::test]
async fn a_background_job_calls_zoho_for_each_stored_installation_with_its_latest_context() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[("trackerLabel", "Acme support")]);
    let (_dir, db, routes) = tracker(None).await;
    let app =
        actix_test::init_service(App::new().configure(app_config(&routes, &db, ReadAccess::Open)))
            .await;
    for (event, org, context) in [
        (Event::Install, ORG, "sc-first"),
        (Event::Update, ORG, "sc-latest"),
        (Event::Install, ORG + 1, "sc-other"),
        (Event::Uninstall, ORG + 1, "sc-other"),
    ] {
        let cb = TestCallback::new(event, &secret())
            .org_id(org)
            .security_context(context);
        let resp = actix_test::call_service(&app, request(&cb).to_request()).await;
        assert_eq!(resp.status(), 200, "{event} {org}");
    }

    // The job, with a client of its own.
    let client = invoke_client(&secret(), Some(&fake.url()))
        .unwrap()
        .unwrap();
    let mut called = Vec::new();
    for installation in db.store().list(None, 100).await.unwrap() {
        let Some(zoho) = client.for_installation(&installation) else {
            assert!(!installation.is_installed());
            continue;
        };
        zoho.config_params().get().await.unwrap();
        called.push(installation.org_id);
    }
    assert_eq!(called, [ORG]);
    let [call] = &fake.received()[..] else {
        panic!("one call expected: {:?}", fake.received())
    };
    assert!(call.hash_ok);
    assert_eq!(call.org_id.as_deref(), Some("387238"));
    assert_eq!(call.field("securityContext"), Some("sc-latest"));
}
