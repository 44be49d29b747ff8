//! Each of the eight attributes dispatches its event through the core router,
//! extractors receive the right values, and the functions stay callable.

use crate::Seen;
use callback_core::testing::{TEST_SECURITY_CONTEXT, TestCallback};
use callback_core::{
    CallbackRequest, Event, Extra, HandlerError, OrgId, Outcome, Router, Secret, SecurityContext,
    State, callbacks,
};
use callback_macros::*;

#[on_install]
async fn installed(event: Event, org: OrgId, seen: State<Seen>) {
    seen.push(format!("{event} {org}"));
}

#[on_zoho_authorise]
async fn zoho_authorised(
    cb: callback_core::Callback,
    seen: State<Seen>,
) -> Result<(), HandlerError> {
    seen.push(format!("{} {}", cb.event(), cb.org_id()));
    Ok(())
}

#[on_tpa_authorise]
async fn tpa_authorised(ctx: SecurityContext, seen: State<Seen>) -> anyhow::Result<()> {
    seen.push(format!("onTPAAuthorise ctx={}", ctx.expose()));
    Ok(())
}

#[on_tpa_revoke]
async fn tpa_revoked(extra: Extra, seen: State<Seen>) -> Result<(), std::io::Error> {
    seen.push(format!(
        "onTPARevoke extra={}",
        serde_json::Value::Object(extra.0)
    ));
    Ok(())
}

#[on_update]
async fn updated(event: Event, seen: State<Seen>) {
    seen.push(event.to_string());
}

#[on_config_param_add(path = "/zoho/config")]
async fn config_added(event: Event, seen: State<Seen>) {
    seen.push(format!("{event} at /zoho/config"));
}

#[on_config_param_delete(path = "/zoho/config")]
async fn config_deleted(event: Event, seen: State<Seen>) {
    seen.push(format!("{event} at /zoho/config"));
}

#[on_uninstall]
async fn uninstalled(payload: callback_core::Payload, seen: State<Seen>) -> Result<(), String> {
    seen.push(format!("{} {}", payload.event(), payload.org_id()));
    Ok(())
}

fn secret() -> Secret {
    Secret::new("macro-test-secret").unwrap()
}

fn router(seen: &Seen) -> Router {
    Router::builder(callbacks![
        installed,
        zoho_authorised,
        tpa_authorised,
        tpa_revoked,
        updated,
        config_added,
        config_deleted,
        uninstalled,
    ])
    .secret(secret())
    .state(seen.clone())
    .build()
    .unwrap()
}

async fn send(router: &Router, callback: TestCallback) -> Outcome {
    let req = callback.build();
    router
        .dispatch(CallbackRequest {
            path: &req.path,
            signature: req.hash.as_deref().map(str::as_bytes).into(),
            content_type: req.content_type.as_deref().map(str::as_bytes),
            body: &req.body,
        })
        .await
}

#[tokio::test]
async fn every_attribute_dispatches_its_event() {
    let seen = Seen::default();
    let router = router(&seen);
    for event in Event::ALL {
        let mut cb = TestCallback::new(event, &secret()).org_id(387238);
        if matches!(event, Event::ConfigParamAdd | Event::ConfigParamDelete) {
            cb = cb.path("/zoho/config");
        }
        if event == Event::TpaRevoke {
            cb = cb.extra("connection", serde_json::json!({"name": "jira"}));
        }
        let outcome = send(&router, cb).await;
        assert_eq!(outcome.status(), 200, "{event}: {outcome:?}");
    }
    assert_eq!(
        seen.take(),
        [
            "onInstall 387238".to_owned(),
            "onZohoAuthorise 387238".to_owned(),
            format!("onTPAAuthorise ctx={TEST_SECURITY_CONTEXT}"),
            r#"onTPARevoke extra={"connection":{"name":"jira"}}"#.to_owned(),
            "onUpdate".to_owned(),
            "onConfigParamAdd at /zoho/config".to_owned(),
            "onConfigParamDelete at /zoho/config".to_owned(),
            "onUninstall 387238".to_owned(),
        ]
    );
}

#[tokio::test]
async fn a_missing_security_context_refuses_before_the_handler_runs() {
    let seen = Seen::default();
    let router = router(&seen);
    let outcome = send(
        &router,
        TestCallback::new(Event::TpaAuthorise, &secret()).without_security_context(),
    )
    .await;
    assert_eq!(outcome.code(), "invalid_payload");
    assert!(seen.take().is_empty());
}

#[test]
fn info_carries_event_default_path_name_and_module() {
    use callback_core::StaticHandler;
    let info = <installed as StaticHandler>::INFO;
    assert_eq!(info.event, Event::Install);
    assert_eq!(info.path, "/callbacks/onInstall");
    assert_eq!(info.name, "installed");
    assert_eq!(info.module, "macros::dispatch");
    assert_eq!(<config_added as StaticHandler>::INFO.path, "/zoho/config");
}

#[test]
fn missing_state_is_refused_when_mounting() {
    let err = Router::builder(callbacks![installed])
        .secret(secret())
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`macros::dispatch::installed` needs state that is missing: no state of type \
         `macros::Seen` was provided; add `.state(value)` where the callbacks are mounted"
    );
}

#[tokio::test]
async fn annotated_functions_stay_callable() {
    let seen = Seen::default();
    installed(Event::Install, OrgId::new(5), State(seen.clone())).await;
    uninstalled(
        callback_core::Payload::new(Event::Uninstall, OrgId::new(6)),
        State(seen.clone()),
    )
    .await
    .unwrap();
    assert_eq!(seen.take(), ["onInstall 5", "onUninstall 6"]);
}

#[on_update]
async fn optional_arguments(ctx: Option<SecurityContext>, seen: State<Seen>) {
    seen.push(format!(
        "ctx={}",
        ctx.map_or("none".to_owned(), |c| c.expose().to_owned())
    ));
}

#[tokio::test]
async fn an_optional_argument_is_none_instead_of_a_refusal() {
    let seen = Seen::default();
    let router = Router::builder(callbacks![optional_arguments])
        .secret(secret())
        .state(seen.clone())
        .build()
        .unwrap();
    let with_ctx = send(&router, TestCallback::new(Event::Update, &secret())).await;
    let without = send(
        &router,
        TestCallback::new(Event::Update, &secret()).without_security_context(),
    )
    .await;
    assert_eq!((with_ctx.status(), without.status()), (200, 200));
    assert_eq!(
        seen.take(),
        [
            format!("ctx={TEST_SECURITY_CONTEXT}"),
            "ctx=none".to_owned()
        ]
    );
}
