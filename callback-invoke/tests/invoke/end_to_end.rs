//! A signed `onConfigParamAdd` callback, mounted with the adapter (its
//! `invoke` feature on), whose handler calls the fake Invoke API with the
//! callback's own org id and security context, reading the installation's
//! config params into a struct of its own.

use crate::support::fake_zoho;
use actix_web::{App, test};
use callback_actix::prelude::*;
use callback_actix::test::request;
use callback_core::testing::TestCallback;
use callback_invoke::{NO_SECURITY_CONTEXT, SecureParam};
use fake_zoho::{FakeZoho, Reply};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const SECRET: &str = "end-to-end-secret-3a9d";
const CONTEXT: &str = "sc-e2e-77f0c2d94be1";
const ORG: u64 = 9_007_199_254_740_993; // beyond 2^53: stays exact

/// The manifest's config params, as the platform's own example names them.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct JiraConfig {
    domain: String,
    jira_auth_key: SecureParam,
}

/// What the handler read back through Zoho: the domain and the key.
#[derive(Clone, Default)]
struct Fetched(Arc<Mutex<Vec<(String, String)>>>);

#[on_config_param_add]
async fn config_added(zoho: Invoke, fetched: State<Fetched>) -> Result<(), HandlerError> {
    let config: JiraConfig = zoho.config_params().get_as().await?;
    let key = config.jira_auth_key.expose().to_owned();
    fetched.0.0.lock().unwrap().push((config.domain, key));
    Ok(())
}

fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

/// The handler mounted with a client for `fake`, recording into `fetched`.
fn routes(fake: &FakeZoho, fetched: &Fetched) -> CallbackRoutes {
    let zoho = InvokeClient::builder(secret())
        .base_url(fake.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    Callbacks::new(callbacks![config_added])
        .secret(secret())
        .state(zoho)
        .state(fetched.clone())
        .build()
        .unwrap()
}

fn callback() -> TestCallback {
    TestCallback::new(Event::ConfigParamAdd, &secret())
        .org_id(ORG)
        .security_context(CONTEXT)
}

#[actix_web::test]
async fn a_signed_callback_calls_zoho_with_its_own_org_and_security_context() {
    let fake = FakeZoho::start(SECRET);
    fake.config_params(&[
        ("domain", "example.atlassian.net"),
        ("jiraAuthKey", "k-81f2"),
    ]);
    let fetched = Fetched::default();
    let app = test::init_service(App::new().service(routes(&fake, &fetched))).await;

    let resp = test::call_service(&app, request(&callback()).to_request()).await;
    assert_eq!(resp.status(), 200);

    let [got] = &fake.received()[..] else {
        panic!("one Invoke call expected")
    };
    assert!(got.hash_ok);
    assert_eq!(got.field("securityContext"), Some(CONTEXT));
    assert_eq!(got.org_id.as_deref(), Some("9007199254740993"));
    assert_eq!(
        got.field("requestURL"),
        Some("https://desk.zoho.com/api/v1/installedExtensions/{{installationId}}/configParams")
    );
    assert_eq!(
        got.field("headers"),
        Some(r#"{"orgId":"9007199254740993"}"#)
    );
    assert_eq!(
        fetched.0.lock().unwrap()[..],
        [("example.atlassian.net".to_owned(), "k-81f2".to_owned())]
    );
}

#[actix_web::test]
async fn a_callback_without_a_security_context_is_400_and_calls_nobody() {
    let fake = FakeZoho::start(SECRET);
    let app = test::init_service(App::new().service(routes(&fake, &Fetched::default()))).await;

    let cb = callback().without_security_context();
    let body: Value = test::call_and_read_body_json(&app, request(&cb).to_request()).await;
    assert_eq!(
        body,
        json!({"error": "invalid_payload", "message": NO_SECURITY_CONTEXT})
    );
    assert_eq!(fake.calls(), 0);
}

#[actix_web::test]
async fn a_failed_invoke_call_fails_the_callback_with_500() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Zoho(401, r#"{"errorCode":"INVALID_HASH"}"#.into()));
    let app = test::init_service(App::new().service(routes(&fake, &Fetched::default()))).await;

    let resp = test::call_service(&app, request(&callback()).to_request()).await;
    assert_eq!(resp.status(), 500);
    let body: Value = test::read_body_json(resp).await;
    assert_eq!(body["error"], "handler_error");
}

#[actix_web::test]
async fn mounting_without_an_invoke_client_fails_naming_it() {
    let err = Callbacks::new(callbacks![config_added])
        .secret(secret())
        .state(Fetched::default())
        .build()
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("callback_invoke::client::InvokeClient"),
        "{message}"
    );
}
