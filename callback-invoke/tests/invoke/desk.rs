//! A signed Desk delivery over real HTTP: a `Ticket_Add` handler taking
//! `Invoke`, mounted with the adapter on `127.0.0.1`, calls the fake Invoke
//! API with the delivery's own org id and the security context of the
//! webhook URL's query; a delivery whose query has none is refused before
//! the handler runs, and the context reaches no log line of the server's.

use crate::support::fake_zoho;
use crate::support::logs::Logs;
use crate::support::spellings::spellings;
use callback_actix::prelude::*;
use callback_core::testing::desk::{TestDelivery, test_keys, ticket_event};
use fake_zoho::FakeZoho;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tracing::subscriber::DefaultGuard;

const SECRET: &str = "desk-e2e-secret-5c1e";
/// Holds characters the query's and the form's encodings change (`+`, `/`,
/// `=`, `&`): it must arrive at Zoho exactly so.
const CONTEXT: &str = "sc-desk+e2e/9b4=d2&f07";
const ORG: u64 = 9_007_199_254_740_993; // beyond 2^53: stays exact
const TICKET: u64 = 1_892_000_000_143_237_019;

/// What the handler saw: the ticket's id and the target's answer Zoho
/// relayed for it.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, Value)>>>);

impl Seen {
    fn now(&self) -> Vec<(String, Value)> {
        self.0.lock().unwrap().clone()
    }
}

#[desk_event(Ticket_Add)]
async fn ticket_added(ticket: Ticket, zoho: Invoke, seen: State<Seen>) -> Result<(), HandlerError> {
    let answer = zoho
        .desk_get(&format!("/api/v1/tickets/{}", ticket.id))
        .send()
        .await?;
    let id = ticket.id.to_string();
    seen.0.0.lock().unwrap().push((id, answer.into_body()));
    Ok(())
}

/// The handler mounted with a client for `fake` and the TEST key set,
/// recording into `seen`.
fn routes(fake: &FakeZoho, seen: &Seen) -> CallbackRoutes {
    let zoho = InvokeClient::builder(Secret::new(SECRET).unwrap())
        .base_url(fake.url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    Callbacks::new(callbacks![])
        .desk_events(desk_events![ticket_added])
        .desk_keys(test_keys())
        .state(zoho)
        .state(seen.clone())
        .build()
        .unwrap()
}

thread_local! {
    /// The log capture of a server worker's thread, kept for its life.
    static CAPTURE: RefCell<Option<DefaultGuard>> = const { RefCell::new(None) };
}

/// Serves `routes` on `127.0.0.1:0` with one worker, in the test's actix
/// system. With `logs`, the worker's thread (where the delivery's spans,
/// the handler and its Invoke call run) logs everything up to `TRACE` into
/// a capture pushed there when the worker starts.
fn serve(routes: CallbackRoutes, logs: Option<Arc<Mutex<Vec<Logs>>>>) -> SocketAddr {
    fake_zoho::serve(move |app| {
        if let Some(logs) = &logs {
            let (captured, guard) = Logs::capture(tracing::Level::TRACE);
            logs.lock().unwrap().push(captured);
            CAPTURE.with(|slot| *slot.borrow_mut() = Some(guard));
        }
        app.service(routes.clone());
    })
}

/// Sends `delivery` as Desk does: a POST to `http://addr{path}?{query}`
/// with its `X-ZDesk-JWT`; the status and the JSON answer.
async fn send(addr: SocketAddr, delivery: &TestDelivery) -> (u16, Value) {
    let req = delivery.build();
    let mut post = reqwest::Client::new()
        .post(format!("http://{addr}{}", req.uri()))
        .header("content-type", "application/json")
        .body(req.body);
    if let Some(token) = req.token {
        post = post.header(callback_core::desk::TOKEN_HEADER, token);
    }
    let answer = post.send().await.expect("the server answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON answer"))
}

fn ticket_add() -> TestDelivery {
    TestDelivery::new(ORG)
        .security_context(CONTEXT)
        .event(ticket_event(DeskEventType::TicketAdd, ORG, TICKET))
}

#[actix_web::test]
async fn a_ticket_add_handler_calls_zoho_with_the_deliverys_org_and_security_context() {
    let fake = FakeZoho::start(SECRET);
    let seen = Seen::default();
    let addr = serve(routes(&fake, &seen), None);

    let (status, body) = send(addr, &ticket_add()).await;
    assert_eq!((status, body), (200, json!({"ok": true, "events": 1})));

    let [got] = &fake.received()[..] else {
        panic!("one Invoke call expected, got {}", fake.calls())
    };
    assert!(got.hash_ok, "{got:?}");
    assert_eq!(got.path, "/api/v1/invoke");
    assert_eq!(got.org_id.as_deref(), Some("9007199254740993"));
    assert_eq!(got.field("securityContext"), Some(CONTEXT));
    assert_eq!(got.field("requestType"), Some("GET"));
    assert_eq!(
        got.field("requestURL"),
        Some("https://desk.zoho.com/api/v1/tickets/1892000000143237019")
    );
    assert_eq!(
        got.field("headers"),
        Some(r#"{"orgId":"9007199254740993"}"#)
    );

    let [(ticket, answer)] = &seen.now()[..] else {
        panic!("the handler ran once")
    };
    assert_eq!(ticket, "1892000000143237019");
    assert_eq!(
        answer["url"],
        "https://desk.zoho.com/api/v1/tickets/1892000000143237019"
    );
    assert_eq!(answer["orgId"], "9007199254740993");
}

#[actix_web::test]
async fn a_delivery_without_a_security_context_is_400_invalid_query_and_calls_nobody() {
    let fake = FakeZoho::start(SECRET);
    let seen = Seen::default();
    let addr = serve(routes(&fake, &seen), None);

    let delivery = ticket_add().without_security_context();
    assert_eq!(delivery.build().query, "orgId=9007199254740993");
    let (status, body) = send(addr, &delivery).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({
                "error": "invalid_query",
                "message": format!(
                    "event 0 of 1 (Ticket_Add): {}; 0 handled before it, the rest not run",
                    callback_core::desk::NO_SECURITY_CONTEXT
                ),
            })
        )
    );
    assert_eq!(fake.calls(), 0);
    assert!(seen.now().is_empty(), "the handler ran");
}

#[actix_web::test]
async fn the_security_context_reaches_no_log_line_of_the_server_at_trace() {
    let fake = FakeZoho::start(SECRET);
    let seen = Seen::default();
    let captures = Arc::new(Mutex::new(Vec::new()));
    let addr = serve(routes(&fake, &seen), Some(Arc::clone(&captures)));

    let (status, _) = send(addr, &ticket_add()).await;
    assert_eq!(status, 200);
    let (status, _) = send(addr, &ticket_add().without_security_context()).await;
    assert_eq!(status, 400);
    assert_eq!(fake.calls(), 1);

    let text: String = captures.lock().unwrap().iter().map(Logs::text).collect();
    // the capture saw both deliveries and the Invoke call they made
    assert!(text.contains("desk_delivery"), "{text}");
    assert!(text.contains("zoho_invoke"), "{text}");
    assert!(text.contains("invalid_query"), "{text}");
    for spelling in spellings(CONTEXT) {
        assert!(!text.contains(&spelling), "{spelling:?} logged:\n{text}");
    }
}
