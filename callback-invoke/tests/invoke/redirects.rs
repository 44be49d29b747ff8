//! A `3xx` answer of the Invoke API is never followed: the call's form
//! carries the security context, and its `HASH` header is signed with the
//! secret. Each test points the redirect at a second local listener and
//! counts the connections it accepted.

use crate::support::raw_http;
use callback_core::{OrgId, Secret, SecurityContext};
use callback_invoke::{Invoke, InvokeCall, InvokeClient, InvokeClientBuilder, InvokeError};
use raw_http::{RawReply, RawServer, answer};

const SECRET: &str = "redirect-test-secret-5b0e71";
const CONTEXT: &str = "sc-redirect-test-c41d9a7e02";

fn builder(zoho: &RawServer) -> InvokeClientBuilder {
    InvokeClient::builder(Secret::new(SECRET).unwrap()).base_url(zoho.url())
}

fn bind(client: InvokeClient) -> Invoke {
    client.bind(OrgId::new(387238), SecurityContext::new(CONTEXT))
}

/// A server that answers `status` with a `Location` on `elsewhere`, and
/// the `Location` it names.
async fn redirecting(status: u16, elsewhere: &RawServer) -> (RawServer, String) {
    let location = format!("{}/collect?token=abc", elsewhere.url());
    let reply = answer(status, &[("location", &location)], b"");
    (RawServer::start([RawReply::Bytes(reply)]).await, location)
}

fn redirect_message(status: &str, method: &str) -> String {
    format!(
        "Zoho's Invoke API answered {status} for {method} desk.zoho.com, a redirect, which is not \
         followed: the call carries the security context and the HASH"
    )
}

#[tokio::test]
async fn a_307_to_another_listener_is_not_followed_and_is_a_typed_error() {
    let elsewhere = RawServer::start([]).await;
    let (zoho, location) = redirecting(307, &elsewhere).await;
    let err = bind(builder(&zoho).build().unwrap())
        .desk_get("/api/v1/tickets")
        .send()
        .await
        .unwrap_err();

    let InvokeError::Redirect { call, status } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        call,
        &InvokeCall {
            method: "GET".into(),
            host: "desk.zoho.com".into()
        }
    );
    assert_eq!(*status, 307);
    assert_eq!(err.status(), Some(307));
    assert_eq!(
        err.to_string(),
        redirect_message("307 Temporary Redirect", "GET")
    );
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(&location) && !shown.contains("token=abc"),
        "{shown}"
    );
    assert_eq!(elsewhere.connections(), 0, "the redirect was followed");
    assert_eq!(zoho.requests().len(), 1, "a redirect is not retried");
}

#[tokio::test]
async fn no_redirect_status_is_followed() {
    for (status, text) in [
        (300, "300 Multiple Choices"),
        (301, "301 Moved Permanently"),
        (302, "302 Found"),
        (303, "303 See Other"),
        (307, "307 Temporary Redirect"),
        (308, "308 Permanent Redirect"),
    ] {
        let elsewhere = RawServer::start([]).await;
        let (zoho, _) = redirecting(status, &elsewhere).await;
        let err = bind(builder(&zoho).build().unwrap())
            .desk_post("/api/v1/tickets")
            .json(&serde_json::json!({"subject": "once"}))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, InvokeError::Redirect { status: s, .. } if s == status),
            "{status}: {err:?}"
        );
        assert_eq!(err.to_string(), redirect_message(text, "POST"));
        assert_eq!(elsewhere.connections(), 0, "{status} was followed");
    }
}

#[tokio::test]
async fn a_supplied_client_without_redirects_gives_the_same_typed_error() {
    let elsewhere = RawServer::start([]).await;
    let (zoho, _) = redirecting(308, &elsewhere).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let err = bind(builder(&zoho).http_client(http).build().unwrap())
        .desk_get("/x")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, InvokeError::Redirect { status: 308, .. }),
        "{err:?}"
    );
    assert_eq!(elsewhere.connections(), 0);
}

/// What the documentation of `InvokeClientBuilder::http_client` warns of: a
/// supplied client keeps its own redirect policy, and `reqwest`'s default
/// re-sends the form and the `HASH` to the `Location`.
#[tokio::test]
async fn a_supplied_client_that_follows_redirects_resends_the_credentials_as_documented() {
    let wrapper = br#"{"response":{},"statusCode":200}"#;
    let elsewhere = RawServer::start([RawReply::Bytes(answer(200, &[], wrapper))]).await;
    let (zoho, _) = redirecting(307, &elsewhere).await;
    let zoho_client = bind(
        builder(&zoho)
            .http_client(reqwest::Client::new())
            .build()
            .unwrap(),
    );
    zoho_client.desk_get("/x").send().await.unwrap();

    let [resent] = &elsewhere.requests()[..] else {
        panic!("one request expected at the redirect's target")
    };
    let hash = zoho.requests()[0]
        .head
        .lines()
        .find_map(|l| l.strip_prefix("hash: ").map(str::to_owned))
        .expect("a HASH header");
    let text = resent.text();
    assert!(text.starts_with("POST /collect?token=abc "), "{text}");
    assert!(
        text.contains(&format!("securityContext={CONTEXT}")),
        "{text}"
    );
    assert!(text.contains(&format!("hash: {hash}")), "{text}");
}
