//! The HTTP contract as data: a [`Request`] independent of any client, what
//! it must lead to ([`Expect`]), and the check of a [`Response`] against it.

use crate::fixture::{BODY_TIMEOUT, Calls, HANDLER_ERROR_MESSAGE, HANDLER_SLEEP, TIMEOUT};
use callback_core::Event;
use callback_core::testing::TestCallback;
use callback_core::testing::desk::TestDelivery;
use serde_json::{Value, json};
use std::time::Duration;

/// How the body is framed on the wire (see [`crate::peer::wire_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// With a `Content-Length` of the body's length.
    Length,
    /// `Transfer-Encoding: chunked`, in chunks of 100 bytes.
    Chunked,
    /// A `Content-Length` 100 bytes larger than the body, which is sent
    /// whole on a connection then kept open: the request never ends.
    Stalled,
    /// A `Content-Length` 100 bytes larger than the body, which is sent
    /// whole; then the client closes its side of the connection.
    Truncated,
}

/// One HTTP request, independent of any client.
#[derive(Clone, Debug)]
pub struct Request {
    /// The method.
    pub method: &'static str,
    /// The path.
    pub path: String,
    /// The headers, in order; a name may repeat. `Host` and the framing
    /// headers are added on the wire.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How the body is framed.
    pub framing: Framing,
}

impl Request {
    /// The `POST` a test callback describes, with `Content-Length`.
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

    /// The `POST` a test delivery describes: its path and query, its
    /// `X-ZDesk-JWT` (if any), `Content-Type: application/json`, with
    /// `Content-Length`.
    pub fn from_delivery(delivery: &TestDelivery) -> Self {
        let built = delivery.build();
        let mut headers = vec![("Content-Type", "application/json".to_owned())];
        if let Some(token) = &built.token {
            headers.push(("X-ZDesk-JWT", token.clone()));
        }
        Request {
            method: "POST",
            path: built.uri(),
            headers,
            body: built.body,
            framing: Framing::Length,
        }
    }

    /// Whether it is sent to a webhook path (which answers `GET` too).
    pub fn is_desk(&self) -> bool {
        self.path.starts_with("/desk/")
    }

    /// Adds a header after the others (a name already present repeats).
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Sends it with `method` instead.
    pub fn method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }

    /// Frames the body as `framing` says.
    pub fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }
}

/// What a case expects. Statuses and codes are written out, not taken from
/// the core's `RejectionKind`: the table is the contract the core is
/// checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `200`, and the handler declared for this event ran once.
    Handled(Event),
    /// A Desk delivery: `200` with `{"ok":true,"events":N}`, and a Desk
    /// event handler ran for each of its N events.
    Delivered(usize),
    /// A `GET` of a webhook path: `200` with `{"ok":true}`, nothing ran.
    Validated,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status.
    pub status: u16,
    /// Every header, in the order received, names in lower case; a
    /// repeated header appears once per line.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Response {
    /// Every value of the header `name` (any case), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).into_iter().next()
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The `Allow` header.
    pub fn allow(&self) -> Option<&str> {
        self.header("allow")
    }
}

impl Case {
    /// A case.
    pub fn new(name: &'static str, request: Request, expect: Expect) -> Self {
        Case {
            name,
            request,
            expect,
        }
    }

    /// Asserts `response` and the handler calls it caused: `before` is
    /// [`Calls::snapshot`] taken before the request, `calls` counts on.
    ///
    /// Every answer is JSON with exactly one `Content-Type:
    /// application/json`; a `405` has exactly one `Allow: POST`; no body
    /// holds the failing handler's message.
    pub fn check(&self, response: &Response, before: &[usize], calls: &Calls) {
        let name = self.name;
        let body: Value = serde_json::from_slice(&response.body).unwrap_or_else(|e| {
            panic!(
                "{name}: status {}, the body is not JSON ({e}): {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
        });
        assert_eq!(
            response.header_values("content-type"),
            ["application/json"],
            "{name}: Content-Type"
        );
        let after = calls.snapshot();
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
            Expect::Delivered(events) => {
                assert_eq!(response.status, 200, "{name}: status; body {body}");
                assert_eq!(body, json!({"ok": true, "events": events}), "{name}");
                assert_eq!(ran, events, "{name}: one handler ran per event");
            }
            Expect::Validated => {
                assert_eq!(response.status, 200, "{name}: status; body {body}");
                assert_eq!(body, json!({"ok": true}), "{name}");
                assert_eq!(ran, 0, "{name}: nothing ran");
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
            let allow = match self.request.is_desk() {
                true => "GET, POST",
                false => "POST",
            };
            assert_eq!(response.header_values("allow"), [allow], "{name}: Allow");
        }
        let text = String::from_utf8_lossy(&response.body);
        assert!(
            !text.contains(HANDLER_ERROR_MESSAGE),
            "{name}: the handler's message must not be sent: {text}"
        );
    }

    /// Asserts how long the answer took, `elapsed` from before connecting,
    /// where the case fixes it: a stalled body is answered no sooner than
    /// the body timeout (the timeout ended it, nothing earlier), and a
    /// hanging handler no sooner than its deadline and long before it would
    /// have finished.
    pub fn check_elapsed(&self, elapsed: Duration) {
        let name = self.name;
        if self.request.framing == Framing::Stalled {
            assert!(
                elapsed >= BODY_TIMEOUT,
                "{name}: answered after {elapsed:?}, before the body timeout"
            );
        }
        if matches!(self.expect, Expect::Failed(_, "handler_timeout")) {
            assert!(
                elapsed >= TIMEOUT,
                "{name}: answered after {elapsed:?}, before the deadline"
            );
            assert!(
                elapsed < HANDLER_SLEEP / 2,
                "{name}: answered after {elapsed:?}: the hanging handler was waited for"
            );
        }
    }
}
