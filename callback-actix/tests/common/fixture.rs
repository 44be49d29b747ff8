//! The extension every contract test mounts, and the HTTP contract's cases as
//! data, shared by the in-process tests (`callback-actix/tests`) and the
//! black-box tests over real HTTP (`tests/`), so both prove the same table.
//!
//! Each handler records the event it is declared for (not the payload's), so
//! a count proves which handler ran; the payload's `behave` field makes it
//! fail, panic or sleep past the deadline.

use callback_actix::prelude::*;
use callback_core::Signer;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The secret callbacks are signed with.
pub const SECRET: &str = "fixture-secret-5f1c9a0e7b3d";
/// The previous secret, still accepted during a rotation.
pub const OLD_SECRET: &str = "fixture-old-secret-c4e8d2a61f90";
/// A secret the server does not know.
pub const FOREIGN_SECRET: &str = "fixture-foreign-secret-0b7e3";
/// The security context every fixture callback carries.
pub const SECURITY_CONTEXT: &str = "sc-2398deio3qwnx3c9xwi3nc3njkh9jfico";
/// The body limit of the fixture's routes.
pub const BODY_LIMIT: usize = 1024;
/// The handler deadline of the fixture's routes.
pub const TIMEOUT: Duration = Duration::from_millis(50);
/// How long the fixture's routes wait for a body that stops arriving.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(1);
/// The path both config events share.
pub const SHARED_PATH: &str = "/cfg";
/// What the failing handler says: logged, never sent.
pub const HANDLER_ERROR_MESSAGE: &str = "the database refused user app_rw";

/// The fixture's current secret.
pub fn secret() -> Secret {
    Secret::new(SECRET).expect("non-empty")
}

/// The fixture's previous secret.
pub fn old_secret() -> Secret {
    Secret::new(OLD_SECRET).expect("non-empty")
}

/// How many times each handler ran, by the event it is declared for.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<[AtomicUsize; Event::COUNT]>);

impl Calls {
    fn record(&self, event: Event) {
        self.0[event.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// Calls of the handler for `event`.
    pub fn of(&self, event: Event) -> usize {
        self.0[event.index()].load(Ordering::SeqCst)
    }

    /// Calls of all handlers.
    pub fn total(&self) -> usize {
        Event::ALL.iter().map(|&e| self.of(e)).sum()
    }
}

/// Records the call, then behaves as the payload's `behave` field says.
async fn behave(declared: Event, extra: Extra, calls: State<Calls>) -> Result<(), String> {
    calls.record(declared);
    match extra.get("behave").and_then(Value::as_str) {
        None => Ok(()),
        Some("fail") => Err(HANDLER_ERROR_MESSAGE.to_owned()),
        Some("panic") => panic!("the fixture handler panics on purpose"),
        Some("sleep") => {
            actix_web::rt::time::sleep(Duration::from_secs(10)).await;
            Ok(())
        }
        Some(other) => Err(format!("unknown behaviour {other}")),
    }
}

/// Declares one fixture handler for `$event` with attribute `$attr`.
macro_rules! handler {
    ($name:ident, #[$($attr:tt)*], $event:expr) => {
        #[$($attr)*]
        async fn $name(extra: Extra, calls: State<Calls>) -> Result<(), String> {
            behave($event, extra, calls).await
        }
    };
}

handler!(installed, #[on_install], Event::Install);
handler!(zoho_authorised, #[on_zoho_authorise], Event::ZohoAuthorise);
handler!(tpa_authorised, #[on_tpa_authorise], Event::TpaAuthorise);
handler!(tpa_revoked, #[on_tpa_revoke], Event::TpaRevoke);
handler!(updated, #[on_update], Event::Update);
handler!(config_added, #[on_config_param_add(path = "/cfg")], Event::ConfigParamAdd);
handler!(config_deleted, #[on_config_param_delete(path = "/cfg")], Event::ConfigParamDelete);
handler!(uninstalled, #[on_uninstall], Event::Uninstall);

/// The fixture's configuration: all eight handlers, two secrets (a
/// rotation), `calls` as state, a 1 KiB body limit, a 50 ms deadline and a
/// 1 s body timeout.
pub fn callbacks(calls: &Calls) -> Callbacks {
    Callbacks::new(callbacks![
        installed,
        zoho_authorised,
        tpa_authorised,
        tpa_revoked,
        updated,
        config_added,
        config_deleted,
        uninstalled,
    ])
    .secrets([secret(), old_secret()])
    .state(calls.clone())
    .body_limit(BODY_LIMIT)
    .timeout(TIMEOUT)
    .body_timeout(BODY_TIMEOUT)
}

/// The fixture's routes.
pub fn routes(calls: &Calls) -> CallbackRoutes {
    callbacks(calls).build().expect("the fixture is valid")
}

/// Where the fixture mounts `event`.
pub fn path_of(event: Event) -> String {
    match event {
        Event::ConfigParamAdd | Event::ConfigParamDelete => SHARED_PATH.to_owned(),
        other => callback_core::default_path(other),
    }
}

/// A correctly signed callback for `event`, at the fixture's path for it.
pub fn callback(event: Event) -> TestCallback {
    TestCallback::new(event, &secret())
        .org_id(387238)
        .security_context(SECURITY_CONTEXT)
        .path(&path_of(event))
}

/// How the body is framed on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// With `Content-Length`.
    Length,
    /// Without it: `Transfer-Encoding: chunked` over the wire, a streamed
    /// payload in process.
    Chunked,
    /// The body, then nothing, the request never ending: over the wire a
    /// `Content-Length` larger than the bytes sent on a connection kept open.
    Stalled,
    /// A `Content-Length` larger than the body, which then ends: over the
    /// wire the client closes its side of the connection.
    Truncated,
}

/// One HTTP request, independent of any client.
#[derive(Clone, Debug)]
pub struct Request {
    /// The method.
    pub method: &'static str,
    /// The path.
    pub path: String,
    /// The headers, in order; a name may repeat.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How the body is framed.
    pub framing: Framing,
}

impl Request {
    /// The `POST` a test callback describes.
    pub fn from_callback(callback: &TestCallback) -> Self {
        let built = callback.build();
        let mut headers = Vec::new();
        if let Some(hash) = built.hash {
            headers.push(("HASH", hash));
        }
        if let Some(content_type) = built.content_type {
            headers.push(("Content-Type", content_type));
        }
        Request {
            method: "POST",
            path: built.path,
            headers,
            body: built.body,
            framing: Framing::Length,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }

    fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }
}

/// What a case expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `200`, and the handler declared for this event ran once.
    Handled(Event),
    /// A rejection: this status and code, and no handler ran.
    Rejected(u16, &'static str),
    /// A handler failure: this status and code, and exactly one handler ran.
    Failed(u16, &'static str),
}

/// One row of the contract: a request and what must come of it.
#[derive(Clone, Debug)]
pub struct Case {
    /// A name for failure messages.
    pub name: &'static str,
    /// The request.
    pub request: Request,
    /// The expected outcome.
    pub expect: Expect,
}

/// What came back, whatever the client.
#[derive(Clone, Debug)]
pub struct Response {
    /// The status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Allow` header.
    pub allow: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Case {
    fn new(name: &'static str, request: Request, expect: Expect) -> Self {
        Case {
            name,
            request,
            expect,
        }
    }

    fn rejected(name: &'static str, request: Request, status: u16, code: &'static str) -> Self {
        Case::new(name, request, Expect::Rejected(status, code))
    }

    /// Asserts `response` and the handler calls it caused (`before` and
    /// `after` are [`Calls`] snapshots taken around the request).
    pub fn check(&self, response: &Response, before: &[usize], calls: &Calls) {
        let name = self.name;
        let body: Value = serde_json::from_slice(&response.body).unwrap_or_else(|e| {
            panic!(
                "{name}: the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&response.body)
            )
        });
        assert_eq!(
            response.content_type.as_deref(),
            Some("application/json"),
            "{name}: Content-Type"
        );
        let after: Vec<usize> = Event::ALL.iter().map(|&e| calls.of(e)).collect();
        let ran: usize = after.iter().sum::<usize>() - before.iter().sum::<usize>();
        match self.expect {
            Expect::Handled(event) => {
                assert_eq!(response.status, 200, "{name}: status; body {body}");
                assert_eq!(
                    body,
                    json!({"ok": true, "event": event.wire_name()}),
                    "{name}"
                );
                assert_eq!(
                    after[event.index()] - before[event.index()],
                    1,
                    "{name}: the handler for {event} ran once"
                );
                assert_eq!(ran, 1, "{name}: no other handler ran");
            }
            Expect::Rejected(status, code) | Expect::Failed(status, code) => {
                assert_eq!(response.status, status, "{name}: status; body {body}");
                assert_eq!(body["error"], code, "{name}: error code; body {body}");
                assert!(body["message"].is_string(), "{name}: message; body {body}");
                let expected_runs = usize::from(matches!(self.expect, Expect::Failed(..)));
                assert_eq!(ran, expected_runs, "{name}: handlers that ran");
            }
        }
        if response.status == 405 {
            assert_eq!(response.allow.as_deref(), Some("POST"), "{name}: Allow");
        }
        let text = String::from_utf8_lossy(&response.body);
        assert!(
            !text.contains(HANDLER_ERROR_MESSAGE),
            "{name}: the handler's message must not be sent: {text}"
        );
    }
}

/// A snapshot of [`Calls`] for [`Case::check`].
pub fn snapshot(calls: &Calls) -> Vec<usize> {
    Event::ALL.iter().map(|&e| calls.of(e)).collect()
}

/// Every body any case sends, and the MAC of each under each secret the
/// server holds: none of these may ever be logged.
pub fn expected_macs(cases: &[Case]) -> Vec<String> {
    let signers = [Signer::new(&secret()), Signer::new(&old_secret())];
    cases
        .iter()
        .flat_map(|case| signers.iter().map(|s| s.sign(&case.request.body)))
        .collect()
}

/// The cases, one function per row, named after what they send.
pub mod cases {
    use super::*;

    fn post(callback: TestCallback) -> Request {
        Request::from_callback(&callback)
    }

    /// A valid callback for `event`: handled.
    pub fn handled(event: Event) -> Case {
        Case::new("handled", post(callback(event)), Expect::Handled(event))
    }

    /// Every event, each handled by its own handler.
    pub fn every_event() -> Vec<Case> {
        Event::ALL.into_iter().map(handled).collect()
    }

    /// Signed with the previous secret during a rotation: handled.
    pub fn signed_with_old_secret() -> Case {
        let cb = callback(Event::Install).signed_with(&old_secret());
        Case::new("old secret", post(cb), Expect::Handled(Event::Install))
    }

    /// `application/json; charset=utf-8`: handled.
    pub fn json_with_charset() -> Case {
        let cb = callback(Event::Update).content_type("application/json; charset=utf-8");
        Case::new("charset", post(cb), Expect::Handled(Event::Update))
    }

    /// `Application/JSON`: handled (media types are case-insensitive).
    pub fn json_in_capitals() -> Case {
        let cb = callback(Event::Update).content_type("Application/JSON");
        Case::new("capitals", post(cb), Expect::Handled(Event::Update))
    }

    /// No `HASH`.
    pub fn missing_hash() -> Case {
        let cb = callback(Event::Install).without_hash();
        Case::rejected("missing hash", post(cb), 401, "missing_signature")
    }

    /// Two `HASH` headers, both correct.
    pub fn repeated_hash() -> Case {
        let request = post(callback(Event::Install));
        let hash = request.headers[0].1.clone();
        let request = request.header("HASH", &hash);
        Case::rejected("repeated hash", request, 401, "repeated_signature")
    }

    /// An empty `HASH`.
    pub fn empty_hash() -> Case {
        let cb = callback(Event::Install).hash("");
        Case::rejected("empty hash", post(cb), 401, "empty_signature")
    }

    /// A `HASH` of the wrong length.
    pub fn short_hash() -> Case {
        let cb = callback(Event::Install).hash("0123abcd");
        Case::rejected("short hash", post(cb), 401, "malformed_signature")
    }

    /// A `HASH` of the right length that is not hex.
    pub fn non_hex_hash() -> Case {
        let cb = callback(Event::Install).hash(&"z".repeat(64));
        Case::rejected("non-hex hash", post(cb), 401, "malformed_signature")
    }

    /// Signed with a secret the server does not hold.
    pub fn wrong_hash() -> Case {
        let foreign = Secret::new(FOREIGN_SECRET).expect("non-empty");
        let cb = callback(Event::Install).signed_with(&foreign);
        Case::rejected("wrong hash", post(cb), 401, "signature_mismatch")
    }

    /// Signed, then one byte of the body changed.
    pub fn tampered_body() -> Case {
        let cb = callback(Event::Install).tamper_body();
        Case::rejected("tampered body", post(cb), 401, "signature_mismatch")
    }

    /// No `Content-Type`.
    pub fn missing_content_type() -> Case {
        let cb = callback(Event::Install).without_content_type();
        Case::rejected("no content type", post(cb), 415, "unsupported_media_type")
    }

    /// `Content-Type: text/plain`.
    pub fn text_plain() -> Case {
        let cb = callback(Event::Install).content_type("text/plain");
        Case::rejected("text/plain", post(cb), 415, "unsupported_media_type")
    }

    fn oversized() -> Request {
        post(callback(Event::Install).extra("padding", json!("x".repeat(2 * BODY_LIMIT))))
    }

    /// A body over the limit, with `Content-Length`.
    pub fn too_large_with_length() -> Case {
        Case::rejected("too large", oversized(), 413, "payload_too_large")
    }

    /// A body over the limit, without `Content-Length`.
    pub fn too_large_chunked() -> Case {
        let request = oversized().framing(Framing::Chunked);
        Case::rejected("too large, chunked", request, 413, "payload_too_large")
    }

    /// A valid callback whose body stops arriving before its end.
    pub fn stalled_body() -> Case {
        let request = post(callback(Event::Install)).framing(Framing::Stalled);
        Case::rejected("stalled body", request, 400, "body_unreadable")
    }

    /// A valid callback whose body ends before the length it announced.
    pub fn truncated_body() -> Case {
        let request = post(callback(Event::Install)).framing(Framing::Truncated);
        Case::rejected("truncated body", request, 400, "body_unreadable")
    }

    /// A signed body that is not JSON.
    pub fn not_json() -> Case {
        let cb = callback(Event::Install).body("{\"event\": \"onInstall\", ");
        Case::rejected("not JSON", post(cb), 400, "invalid_json")
    }

    /// A signed payload without `orgId`.
    pub fn missing_org_id() -> Case {
        let body = json!({"event": "onInstall", "securityContext": SECURITY_CONTEXT});
        let cb = callback(Event::Install).body(body.to_string());
        Case::rejected("no orgId", post(cb), 400, "invalid_payload")
    }

    /// A signed payload whose `orgId` is a boolean.
    pub fn org_id_bool() -> Case {
        let body =
            json!({"event": "onInstall", "orgId": true, "securityContext": SECURITY_CONTEXT});
        let cb = callback(Event::Install).body(body.to_string());
        Case::rejected("orgId bool", post(cb), 400, "invalid_payload")
    }

    /// A signed payload naming no known event.
    pub fn unknown_event() -> Case {
        let body =
            json!({"event": "onReinstall", "orgId": 387238, "securityContext": SECURITY_CONTEXT});
        let cb = callback(Event::Install).body(body.to_string());
        Case::rejected("unknown event", post(cb), 400, "unknown_event")
    }

    /// An `onInstall` payload posted to the `onUninstall` path.
    pub fn event_not_handled_here() -> Case {
        let cb = callback(Event::Install).path(&path_of(Event::Uninstall));
        Case::rejected("not handled here", post(cb), 400, "event_not_handled")
    }

    /// A correctly signed callback sent with `method`.
    pub fn wrong_method(method: &'static str) -> Case {
        let request = post(callback(Event::Install)).method(method);
        Case::rejected("wrong method", request, 405, "method_not_allowed")
    }

    /// An `onInstall` whose handler behaves as `behave` says.
    fn misbehaving(behave: &str, name: &'static str, status: u16, code: &'static str) -> Case {
        let cb = callback(Event::Install).extra("behave", json!(behave));
        Case::new(name, post(cb), Expect::Failed(status, code))
    }

    /// A handler that returns an error.
    pub fn handler_error() -> Case {
        misbehaving("fail", "handler error", 500, "handler_error")
    }

    /// A handler that panics.
    pub fn handler_panicked() -> Case {
        misbehaving("panic", "handler panic", 500, "handler_panicked")
    }

    /// A handler that sleeps past the deadline.
    pub fn handler_timeout() -> Case {
        misbehaving("sleep", "handler timeout", 503, "handler_timeout")
    }

    /// Every rejection row of the table: the handler never runs.
    pub fn rejections() -> Vec<Case> {
        vec![
            missing_hash(),
            repeated_hash(),
            empty_hash(),
            short_hash(),
            non_hex_hash(),
            wrong_hash(),
            tampered_body(),
            missing_content_type(),
            text_plain(),
            too_large_with_length(),
            too_large_chunked(),
            stalled_body(),
            truncated_body(),
            not_json(),
            missing_org_id(),
            org_id_bool(),
            unknown_event(),
            event_not_handled_here(),
            wrong_method("GET"),
            wrong_method("PUT"),
            wrong_method("DELETE"),
        ]
    }

    /// The handler-failure rows: the handler runs and fails.
    pub fn failures() -> Vec<Case> {
        vec![handler_error(), handler_panicked(), handler_timeout()]
    }

    /// The successes beyond one per event.
    pub fn other_successes() -> Vec<Case> {
        vec![
            signed_with_old_secret(),
            json_with_charset(),
            json_in_capitals(),
        ]
    }

    /// The whole table.
    pub fn all() -> Vec<Case> {
        let mut all = every_event();
        all.extend(other_successes());
        all.extend(rejections());
        all.extend(failures());
        all
    }
}
