//! The client against a fake Invoke API on 127.0.0.1 that recomputes every
//! `HASH` with its own code and refuses a mismatch with 401.

use crate::support::fake_zoho;
use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{
    HmacSha256Fields, Invoke, InvokeCall, InvokeClient, InvokeClientBuilder, InvokeError,
    InvokeField, Method, RetryPolicy,
};
use fake_zoho::{FakeZoho, Reply};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const SECRET: &str = "invoke-test-secret-6d1f0a";
const CONTEXT: &str = "sc-invoke-test-9e2b7c41d0";
const ORG: u64 = 387238;

fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

/// A client for `fake`, quick to give up and to retry.
fn builder(fake: &FakeZoho) -> InvokeClientBuilder {
    InvokeClient::builder(secret())
        .base_url(fake.url())
        .timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
}

fn zoho(fake: &FakeZoho) -> Invoke {
    bind(builder(fake).build().unwrap())
}

fn bind(client: InvokeClient) -> Invoke {
    client.bind(OrgId::new(ORG), SecurityContext::new(CONTEXT))
}

/// The one call `fake` received, which must have passed its `HASH` check.
fn the_call(fake: &FakeZoho) -> fake_zoho::Received {
    let received = fake.received();
    let [call] = &received[..] else {
        panic!("one call expected, got {received:?}")
    };
    assert!(call.hash_ok, "{call:?}");
    call.clone()
}

fn call(method: &str, host: &str) -> InvokeCall {
    InvokeCall {
        method: method.to_owned(),
        host: host.to_owned(),
    }
}

#[actix_web::test]
async fn a_desk_get_sends_the_documented_form_and_a_hash_the_fake_accepts() {
    let fake = FakeZoho::start(SECRET);
    let answer = zoho(&fake)
        .desk_get("/api/v1/tickets/1")
        .send()
        .await
        .unwrap();

    let got = &the_call(&fake);
    assert_eq!(got.path, "/api/v1/invoke");
    assert_eq!(got.org_id.as_deref(), Some("387238"));
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        got.field_names(),
        ["securityContext", "requestURL", "requestType", "headers"]
    );
    assert_eq!(got.field("securityContext"), Some(CONTEXT));
    assert_eq!(
        got.field("requestURL"),
        Some("https://desk.zoho.com/api/v1/tickets/1")
    );
    assert_eq!(got.field("requestType"), Some("GET"));
    assert_eq!(got.field("headers"), Some(r#"{"orgId":"387238"}"#));

    assert_eq!(
        (answer.status(), answer.zoho_status(), answer.attempts()),
        (200, 200, 1)
    );
    assert_eq!(
        answer.body()["url"],
        "https://desk.zoho.com/api/v1/tickets/1"
    );
    assert_eq!(answer.body()["method"], "GET");
}

#[actix_web::test]
async fn a_desk_post_sends_its_json_body_with_a_json_content_type() {
    let fake = FakeZoho::start(SECRET);
    let ticket = json!({"subject": "Printer on fire", "priority": "High"});
    let answer = zoho(&fake)
        .desk_post("api/v1/tickets") // the leading slash is optional
        .json(&ticket)
        .send()
        .await
        .unwrap();

    let got = &the_call(&fake);
    assert_eq!(got.field("requestType"), Some("POST"));
    assert_eq!(
        got.field("requestURL"),
        Some("https://desk.zoho.com/api/v1/tickets")
    );
    assert_eq!(got.json_field("postBody"), Some(ticket.clone()));
    assert_eq!(
        got.field("headers"),
        Some(r#"{"orgId":"387238","Content-Type":"application/json"}"#)
    );
    assert_eq!(answer.body()["body"], ticket);
}

#[actix_web::test]
async fn an_external_call_goes_through_the_named_connection() {
    let fake = FakeZoho::start(SECRET);
    let url = "https://example.atlassian.net/rest/webhooks/1.0/webhook";
    zoho(&fake)
        .external(Method::POST, url)
        .connection("jira_conn")
        .json(&json!({"name": "desk"}))
        .send()
        .await
        .unwrap();

    let got = &the_call(&fake);
    assert_eq!(got.field("requestURL"), Some(url));
    assert_eq!(got.field("connectionLinkName"), Some("jira_conn"));
    // No Desk orgId header for an external API.
    assert_eq!(
        got.field("headers"),
        Some(r#"{"Content-Type":"application/json"}"#)
    );
}

#[actix_web::test]
async fn query_params_are_sent_as_a_json_object_in_order() {
    let fake = FakeZoho::start(SECRET);
    let answer = zoho(&fake)
        .desk_get("/api/v1/tickets")
        .query("limit", 10)
        .query("from", 0)
        .query("limit", 20) // replaces the first
        .query("searchStr", "a&b=c d")
        .send()
        .await
        .unwrap();

    let got = &the_call(&fake);
    assert_eq!(
        got.field("queryParams"),
        Some(r#"{"limit":"20","from":"0","searchStr":"a&b=c d"}"#)
    );
    assert_eq!(
        answer.body()["query"],
        json!({"limit": "20", "from": "0", "searchStr": "a&b=c d"})
    );
}

#[actix_web::test]
async fn headers_are_sent_as_a_json_object_and_replace_case_insensitively() {
    let fake = FakeZoho::start(SECRET);
    zoho(&fake)
        .desk_get("/api/v1/tickets")
        .header("X-Trace", "1")
        .header("ORGID", "42") // replaces the automatic orgId, keeping its place
        .header("x-trace", "2")
        .send()
        .await
        .unwrap();

    let got = &the_call(&fake);
    assert_eq!(
        got.field("headers"),
        Some(r#"{"orgId":"42","X-Trace":"2"}"#)
    );
}

#[actix_web::test]
async fn a_response_nested_as_a_json_string_is_unwrapped_and_parsed_on_request() {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Echo {
        method: String,
        #[serde(rename = "orgId")]
        org_id: String,
    }
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Echo).then(Reply::EchoValue);
    let zoho = zoho(&fake);

    // {"response": "{\"statusMessage\":{\"method\":\"GET\",…},…}"}: the
    // string is parsed, and the answer is its statusMessage.
    let nested = zoho.desk_get("/x").send().await.unwrap();
    // {"response": {"statusMessage":{"method":"GET",…},…}}: taken as it is.
    let plain = zoho.desk_get("/x").send().await.unwrap();
    assert_eq!(nested.body(), plain.body());
    let expected = Echo {
        method: "GET".into(),
        org_id: "387238".into(),
    };
    assert_eq!(nested.json::<Echo>().unwrap(), expected);
    assert_eq!(plain.json::<Echo>().unwrap(), expected);
    for answer in [&nested, &plain] {
        assert_eq!(answer.answer_path(), "response.statusMessage");
        assert!(answer.wrapper().is_empty(), "{answer:?}");
    }
}

#[actix_web::test]
async fn a_response_of_the_wrong_shape_is_an_exact_decode_error() {
    let fake = FakeZoho::start(SECRET);
    let answer = zoho(&fake).desk_get("/x").send().await.unwrap();
    let err = answer.json::<Vec<String>>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the answer of GET desk.zoho.com is not a `alloc::vec::Vec<alloc::string::String>`: invalid type: map, expected a sequence"
    );
}

/// A local URL nothing listens on: a port bound, then released.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

#[actix_web::test]
async fn a_closed_port_is_a_transport_error() {
    let client = InvokeClient::builder(secret())
        .base_url(closed_port_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = bind(client).desk_get("/x").send().await.unwrap_err();
    let InvokeError::Transport { call: c, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(c, &call("GET", "desk.zoho.com"));
    assert!(reason.contains("Connection refused"), "{reason}");
    assert!(
        err.to_string()
            .starts_with("Zoho's Invoke API could not be reached for GET desk.zoho.com: "),
        "{err}"
    );
}

#[actix_web::test]
async fn a_slow_zoho_is_a_timeout() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Sleep(Duration::from_secs(3)));
    let client = builder(&fake)
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = bind(client).desk_get("/x").send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(&err, InvokeError::Timeout { timeout, .. } if *timeout == Duration::from_millis(200)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "Zoho's Invoke API did not answer GET desk.zoho.com within 200ms"
    );
}

#[actix_web::test]
async fn a_non_2xx_from_zoho_is_a_zoho_error_with_its_message() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Zoho(
        400,
        r#"{"errorCode":"INVALID_DATA","message":"requestURL is not allowed"}"#.into(),
    ));
    let err = zoho(&fake).desk_get("/x").send().await.unwrap_err();
    assert!(
        matches!(&err, InvokeError::Zoho { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "Zoho's Invoke API answered 400 Bad Request for GET desk.zoho.com: INVALID_DATA: requestURL is not allowed"
    );
    assert_eq!(fake.calls(), 1, "a 400 is not retried");
}

#[actix_web::test]
async fn a_wrong_secret_is_refused_by_the_fake_with_401() {
    let fake = FakeZoho::start(SECRET);
    let client = builder(&fake).build().unwrap();
    let other = InvokeClient::builder(Secret::new("another secret").unwrap())
        .base_url(fake.url())
        .build()
        .unwrap();
    let err = bind(other).desk_get("/x").send().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Zoho's Invoke API answered 401 Unauthorized for GET desk.zoho.com: INVALID_HASH: the HASH does not match the request"
    );
    assert!(!fake.received()[0].hash_ok);
    bind(client).desk_get("/x").send().await.unwrap();
}

#[actix_web::test]
async fn a_non_2xx_from_the_target_is_a_target_error_with_its_body() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Target(
        404,
        json!({"errorCode": "URL_NOT_FOUND", "message": "The URL is wrong"}),
    ));
    let err = zoho(&fake)
        .desk_get("/api/v1/nothing")
        .send()
        .await
        .unwrap_err();
    let InvokeError::Target { status, body, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 404);
    assert_eq!(body["errorCode"], "URL_NOT_FOUND");
    assert_eq!(
        err.to_string(),
        "GET desk.zoho.com answered 404 Not Found through Zoho's Invoke API"
    );
}

#[actix_web::test]
async fn malformed_wrappers_are_exact_errors() {
    let fake = FakeZoho::start(SECRET);
    let cases = [
        (
            "<html>oops</html>",
            "not JSON (expected value at line 1 column 1) in 17 bytes",
        ),
        (r#"["response"]"#, "a JSON array, not an object"),
        (r#"{"statusCode":200}"#, "it has no `response` field"),
        (
            r#"{"response":{},"statusCode":"OK"}"#,
            "its `statusCode` is a string, not an HTTP status",
        ),
    ];
    let zoho = zoho(&fake);
    for (body, reason) in cases {
        fake.then(Reply::Raw(body.into()));
        let err = zoho.desk_get("/x").send().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Zoho's Invoke API answer for GET desk.zoho.com is malformed: {reason}"),
            "{body}"
        );
        assert!(matches!(err, InvokeError::MalformedWrapper { .. }));
    }
    assert_eq!(
        fake.calls(),
        cases.len(),
        "a malformed wrapper is not retried"
    );
}

#[actix_web::test]
async fn a_body_that_does_not_serialise_is_refused_before_sending() {
    let fake = FakeZoho::start(SECRET);
    let mut bad = std::collections::HashMap::new();
    bad.insert((1, 2), "a map with non-string keys");
    let err = zoho(&fake)
        .desk_post("/x")
        .json(&bad)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the Invoke API call POST desk.zoho.com cannot be sent: the JSON body does not serialise: key must be a string"
    );
    assert_eq!(fake.calls(), 0);
}

#[actix_web::test]
async fn a_get_is_retried_after_503s_then_succeeds() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Zoho(503, "busy".into()))
        .then(Reply::Zoho(503, "busy".into()));
    let answer = zoho(&fake).desk_get("/x").send().await.unwrap();
    assert_eq!(answer.attempts(), 3);
    assert_eq!(fake.calls(), 3);
    assert!(fake.received().iter().all(|r| r.hash_ok));
}

#[actix_web::test]
async fn a_429_or_a_503_from_the_target_is_retried_too() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Target(429, json!({"message": "slow down"})))
        .then(Reply::Target(503, json!({})));
    let answer = zoho(&fake).desk_delete("/x").send().await.unwrap();
    assert_eq!((answer.attempts(), fake.calls()), (3, 3));
}

#[actix_web::test]
async fn a_timed_out_get_is_retried() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Sleep(Duration::from_secs(3)));
    let client = builder(&fake)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let answer = bind(client).desk_get("/x").send().await.unwrap();
    assert_eq!((answer.attempts(), fake.calls()), (2, 2));
}

#[actix_web::test]
async fn retries_are_bounded() {
    let fake = FakeZoho::start(SECRET);
    for _ in 0..5 {
        fake.then(Reply::Zoho(500, "down".into()));
    }
    let err = zoho(&fake).desk_put("/x").send().await.unwrap_err();
    assert!(
        matches!(err, InvokeError::Zoho { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(fake.calls(), 3, "max_retries(2): three attempts");
}

#[actix_web::test]
async fn a_post_is_never_retried() {
    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Zoho(503, "busy".into()));
    let err = zoho(&fake)
        .desk_post("/api/v1/tickets")
        .json(&json!({"subject": "once"}))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, InvokeError::Zoho { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(fake.calls(), 1, "exactly one attempt");

    let fake = FakeZoho::start(SECRET);
    fake.then(Reply::Target(503, json!({})));
    let err = zoho(&fake)
        .external(Method::PATCH, "https://api.example.com/x")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, InvokeError::Target { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(fake.calls(), 1, "exactly one attempt");
}

#[actix_web::test]
async fn another_canonical_form_can_be_plugged_in() {
    let with_query = [
        "requestURL",
        "requestType",
        "queryParams",
        "postBody",
        "headers",
        "connectionLinkName",
    ];
    let fake = FakeZoho::start_hashing(SECRET, &with_query);
    let default = zoho(&fake);
    let err = default
        .desk_get("/x")
        .query("a", 1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, InvokeError::Zoho { status: 401, .. }),
        "{err:?}"
    );

    // Every field but the security context, in the order they are sent.
    let scheme = HmacSha256Fields::with_order(&InvokeField::ALL[1..]);
    let plugged = bind(builder(&fake).hash_scheme(scheme).build().unwrap());
    plugged.desk_get("/x").query("a", 1).send().await.unwrap();
    assert!(fake.received()[1].hash_ok);
}

/// Every kind of failure, with answers that quote the security context and
/// the secret back: neither reaches a message, `Debug` included.
#[actix_web::test]
async fn no_error_message_includes_the_security_context_or_the_secret() {
    let fake = FakeZoho::start(SECRET);
    let quoted = format!("context {CONTEXT} secret {SECRET}");
    fake.then(Reply::Zoho(400, json!({"message": quoted}).to_string()))
        .then(Reply::Zoho(502, quoted.clone()))
        .then(Reply::Target(404, json!({"echo": quoted, CONTEXT: SECRET})))
        .then(Reply::Raw(quoted.clone()))
        .then(Reply::Raw(json!({"statusCode": quoted}).to_string()))
        .then(Reply::Sleep(Duration::from_secs(3)));
    let quick = bind(
        builder(&fake)
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none())
            .build()
            .unwrap(),
    );
    let mut errors = Vec::new();
    for _ in 0..6 {
        errors.push(quick.desk_get("/x").send().await.unwrap_err());
    }
    let closed = InvokeClient::builder(secret())
        .base_url(closed_port_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(bind(closed).desk_get("/x").send().await.unwrap_err());
    let mut answer = Value::Null;
    if let InvokeError::Target { body, .. } = &errors[2] {
        answer = body.clone();
    }
    assert_eq!(
        answer,
        json!({"echo": "context <redacted> secret <redacted>", "<redacted>": "<redacted>"})
    );
    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            InvokeError::Transport { .. } => "transport",
            InvokeError::Timeout { .. } => "timeout",
            InvokeError::Zoho { .. } => "zoho",
            InvokeError::Target { .. } => "target",
            InvokeError::MalformedWrapper { .. } => "malformed",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "zoho",
            "zoho",
            "target",
            "malformed",
            "malformed",
            "timeout",
            "transport"
        ]
    );
    for err in &errors {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(CONTEXT), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
    assert!(
        errors[0]
            .to_string()
            .ends_with(": context <redacted> secret <redacted>")
    );
}
