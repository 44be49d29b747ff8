//! Answers that echo the call's credentials back, in every spelling: none
//! reaches an error's `Display` or `Debug`, or any log line of this
//! thread's at `TRACE` (`support::logs`).

use crate::support::{fake_zoho, logs, spellings};
use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{
    HmacSha256Fields, InvokeClient, InvokeError, InvokeFields, InvokeHashScheme, RetryPolicy,
};
use fake_zoho::{FakeZoho, Reply};
use logs::Logs;
use serde_json::{Value, json};
use spellings::spellings;
use std::time::Duration;

/// Both hold the characters other spellings change: `+/=`, a space, `&`,
/// `%`, a quote, a backslash, `<>`, a non-ASCII letter and one beyond the
/// basic plane.
const SECRET: &str = "k3y+/=&% \"\\é🔑-redaction-secret";
const CONTEXT: &str = "SC-a+b/c=d e&f%\"\\<é>🔑123-redaction-context";
const ORG: u64 = 387238;

/// The `HASH` of `desk_get("/x")`, as the client computes it.
fn hash_of_the_call() -> String {
    let context = SecurityContext::new(CONTEXT);
    let fields = InvokeFields {
        security_context: &context,
        request_url: "https://desk.zoho.com/x",
        request_type: "GET",
        query_params: None,
        post_body: None,
        headers: Some(r#"{"orgId":"387238"}"#),
        connection_link_name: None,
    };
    HmacSha256Fields::default()
        .key(&Secret::new(SECRET).unwrap())
        .hash(&fields)
}

fn zoho_error(message: &str) -> String {
    format!("Zoho's Invoke API answered 400 Bad Request for GET desk.zoho.com: {message}")
}

#[actix_web::test]
async fn no_spelling_of_a_credential_reaches_an_error_or_a_log_line() {
    let (logs, _guard) = Logs::capture(tracing::Level::TRACE);

    let fake = FakeZoho::start(SECRET);
    let zoho = InvokeClient::builder(Secret::new(SECRET).unwrap())
        .base_url(fake.url())
        .retry(
            RetryPolicy::default()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap()
        .bind(OrgId::new(ORG), SecurityContext::new(CONTEXT));
    let hash = hash_of_the_call();
    let credentials = [CONTEXT, SECRET, hash.as_str()];
    let mut errors = Vec::new();
    let mut failed = 0;

    // Zoho quoting the request as it received it: the context as the
    // client form-encoded it, and the HASH header.
    let request = "request securityContext=<redacted>&requestURL=https%3A%2F%2Fdesk.zoho.com%2Fx\
                   &requestType=GET&headers=%7B%22orgId%22%3A%22387238%22%7D HASH <redacted>";
    fake.then(Reply::EchoRequestText(400))
        .then(Reply::EchoRequestJson(400));
    for expected in [
        zoho_error(request),
        zoho_error(&format!("INVALID_DATA: {request}")),
    ] {
        let err = zoho.desk_get("/x").send().await.unwrap_err();
        assert_eq!(err.to_string(), expected);
        errors.push(err);
        failed += 1;
    }
    assert_eq!(fake.received()[0].hash.as_deref(), Some(hash.as_str()));
    assert_eq!(fake.received()[0].field("securityContext"), Some(CONTEXT));

    for credential in credentials {
        for spelled in spellings(credential) {
            // In a text answer, a JSON error's message, and a JSON error
            // written with the spelling's own escapes.
            let own_escapes = format!(r#"{{"message":"refused: {spelled}"}}"#);
            let from_own = match serde_json::from_str::<Value>(&own_escapes) {
                Ok(_) => "refused: <redacted>",
                Err(_) => r#"{"message":"refused: <redacted>"}"#,
            };
            fake.then(Reply::Zoho(400, format!("refused: {spelled} (text)")))
                .then(Reply::Zoho(
                    400,
                    json!({"errorCode": "INVALID", "message": format!("refused: {spelled}")})
                        .to_string(),
                ))
                .then(Reply::Zoho(400, own_escapes.clone()));
            for expected in [
                zoho_error("refused: <redacted> (text)"),
                zoho_error("INVALID: refused: <redacted>"),
                zoho_error(from_own),
            ] {
                let err = zoho.desk_get("/x").send().await.unwrap_err();
                assert_eq!(err.to_string(), expected, "{spelled}");
                errors.push(err);
                failed += 1;
            }

            // In a target's error body, in a key and in a value.
            fake.then(Reply::Target(
                404,
                json!({"echo": spelled, spelled.clone(): 1}),
            ));
            let err = zoho.desk_get("/x").send().await.unwrap_err();
            let InvokeError::Target { body, .. } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(body, &json!({"echo": "<redacted>", "<redacted>": 1}));
            errors.push(err);
            failed += 1;

            // In the error of an attempt that is retried, which is logged.
            fake.then(Reply::Zoho(503, format!("busy with {spelled}")));
            zoho.desk_get("/x").send().await.unwrap();
        }
    }

    let text = logs.text();
    assert_eq!(
        text.matches("Zoho Invoke call failed").count(),
        failed,
        "every failure is logged"
    );
    assert!(text.contains("refused: <redacted> (text)"), "{text}");
    assert!(text.contains("busy with <redacted>"), "{text}");
    let shown: Vec<String> = errors.iter().map(|e| format!("{e} {e:?}")).collect();
    for credential in credentials {
        for spelled in spellings(credential) {
            for line in text.lines() {
                assert!(!line.contains(&spelled), "{spelled} logged: {line}");
            }
            for error in &shown {
                assert!(!error.contains(&spelled), "{spelled} shown: {error}");
            }
        }
    }
}
