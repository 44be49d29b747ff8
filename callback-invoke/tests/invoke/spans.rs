//! The `tracing` output of Invoke calls, captured on the test's thread
//! (`support::logs`).

use crate::support::{fake_zoho, logs};
use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{Invoke, InvokeClient, Method, RetryPolicy};
use fake_zoho::{FakeZoho, Reply};
use logs::Logs;
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "tracing-test-secret-41c7e2";
const CONTEXT: &str = "sc-tracing-test-b83f19aa27";

fn zoho(fake: &FakeZoho) -> Invoke {
    InvokeClient::builder(Secret::new(SECRET).unwrap())
        .base_url(fake.url())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
        .bind(OrgId::new(387238), SecurityContext::new(CONTEXT))
}

#[actix_web::test]
async fn each_call_is_one_span_with_method_host_status_and_latency_never_the_context() {
    let fake = FakeZoho::start(SECRET);
    let (logs, _guard) = Logs::capture(tracing::Level::INFO);

    fake.then(Reply::Zoho(503, "busy".into()));
    zoho(&fake)
        .desk_get("/api/v1/tickets")
        .send()
        .await
        .unwrap();
    fake.then(Reply::Target(404, json!({"message": "no"})));
    let _ = zoho(&fake)
        .external(Method::POST, "https://user:pw@api.example.com/x?token=abc")
        .send()
        .await;

    let text = logs.text();
    // Only this crate's lines (the fake's server logs its start lazily).
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("callback_invoke"))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("retrying the Zoho Invoke call"), "{text}");
    let done = lines[1];
    for field in [
        "zoho_invoke{",
        "method=GET",
        "target_host=desk.zoho.com",
        "org_id=387238",
        "status=200",
        "zoho_status=200",
        "attempts=2",
        "latency_ms=",
        "Zoho Invoke call answered",
    ] {
        assert!(done.contains(field), "{field} missing: {done}");
    }
    let failed = lines[2];
    for field in [
        "WARN",
        "method=POST",
        "target_host=api.example.com",
        "status=404",
        "attempts=1",
        "Zoho Invoke call failed",
    ] {
        assert!(failed.contains(field), "{field} missing: {failed}");
    }
    for secret in [CONTEXT, SECRET, "user:pw", "token=abc"] {
        assert!(!text.contains(secret), "{secret} logged: {text}");
    }
}
