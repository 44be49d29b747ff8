//! The verify-then-parse path: `Verifier::verify`, `Verified::parse` and
//! `Router::dispatch`, against an oracle for each step.
//!
//! Input format (text, so that seeds are readable; see FUZZING.md):
//!
//! ```text
//! line 1: the secrets, separated by TAB (rotation: index 0 is the first)
//! line 2: the HASH header: `absent`, `repeated`, `sign` (the right MAC under
//!         the first secret), `sign2` (under the last), `upper` (the right
//!         MAC in upper case), `flip N` (the right MAC with hex digit N
//!         changed), `trunc N` (its first N digits), or anything else: those
//!         bytes, as received
//! line 3: the Content-Type header (an empty line: none)
//! line 4: the request path
//! rest:   the body
//! ```
//!
//! Properties:
//! - `verify` returns exactly what the documented rules say: `Missing`,
//!   `Repeated`, `Empty`, `WrongLength`, `NotHex` at the first non-hex byte,
//!   `Ok(i)` for the first secret whose MAC equals the header in any case,
//!   `Mismatch` otherwise. The right MAC always verifies.
//! - Errors, and the `Debug` of the verifier, signer, secrets and verified
//!   body, do not depend on the secret: the same with a reference secret.
//!   No error or outcome text holds a secret or an expected MAC that the
//!   request did not hold itself.
//! - `parse` succeeds exactly when the body is one JSON object with no
//!   repeated key, `event` a known event name, `orgId` a non-negative integer
//!   (number or digit string), `securityContext` absent, null or a string;
//!   the payload then holds those values and every other field unchanged,
//!   and survives serialise, sign, verify, parse. A syntax error is one an
//!   independent JSON reading also finds. An error never depends on the
//!   security context's value.
//! - `Router::dispatch` never panics, completes without a runtime, and runs
//!   the handler exactly when every step passed: the path is mounted, the
//!   HASH verifies, the body parses and its event is handled at that path.
//!   The handler sees the verified payload and secret index.

#![no_main]

mod common;

use callback_core::payload::PayloadErrorKind;
use callback_core::{
    CallContext, Callback, CallbackRequest, Event, Extra, FromCallback, Handler, HandlerFuture,
    HandlerInfo, HandlerList, MissingState, OrgId, Outcome, Payload, Router, Secret,
    SecurityContext, SignatureError, SignatureHeader, Signer, StateMap, Verifier,
};
use common::Members;
use futures_util::FutureExt;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use std::cell::RefCell;

/// A secret no fuzz input is compared with: the reference for "does not
/// depend on the secret".
const REFERENCE_SECRET: &str = "reference-secret-never-in-an-input";

fuzz_target!(|data: &[u8]| run(data));

fn run(data: &[u8]) {
    let mut lines = data.splitn(5, |&b| b == b'\n');
    let (Some(secrets_line), header_line, ct_line, path_line, body) = (
        lines.next(),
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
    ) else {
        return;
    };
    let Ok(secrets_text) = std::str::from_utf8(secrets_line) else {
        return;
    };
    let mut secrets = Vec::new();
    for raw in secrets_text.split('\t').take(3) {
        match Secret::new(raw) {
            Ok(secret) => {
                assert_eq!(secret.expose(), raw, "a secret is kept as given");
                secrets.push(secret);
            }
            Err(e) => assert!(
                raw.trim().is_empty(),
                "only an empty or whitespace secret is refused, not {raw:?}: {e}"
            ),
        }
    }
    if secrets.is_empty() {
        return;
    }
    let content_type = (!ct_line.is_empty()).then_some(ct_line);
    let path = String::from_utf8_lossy(path_line);

    let macs: Vec<String> = secrets.iter().map(|s| Signer::new(s).sign(body)).collect();
    for mac in &macs {
        assert!(
            mac.len() == 64 && mac.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "the signer writes 64 lowercase hex digits: {mac}"
        );
    }
    let header_bytes = header_from_spec(header_line, &macs);
    let header = match &header_bytes {
        Spec::Absent => SignatureHeader::Absent,
        Spec::Repeated => SignatureHeader::Repeated,
        Spec::One(bytes) => SignatureHeader::One(bytes),
    };

    let verifier = Verifier::with_secrets(secrets.iter().cloned()).expect("at least one secret");
    let reference = Verifier::with_secrets(
        secrets
            .iter()
            .map(|_| Secret::new(REFERENCE_SECRET).expect("not empty")),
    )
    .expect("at least one secret");
    check_redacted_debug(&secrets, &verifier, &reference);

    // 1. The header as given.
    let verified = verifier.verify(header, body);
    assert_eq!(
        verified
            .as_ref()
            .map(|v| v.secret_index())
            .map_err(Clone::clone),
        expected_verify(header, &macs),
        "verify disagrees with the documented rules for header {header:?}"
    );
    match &verified {
        Ok(v) => {
            assert!(
                std::ptr::eq(v.body(), body),
                "the verified body is the body"
            );
            check_parse(&verifier, &secrets, v.secret_index(), body);
        }
        Err(e) => check_secret_free_error(e, header, body, &reference, &macs),
    }

    // 2. The right MAC always verifies (and then parses, or not, without
    // panicking), under whichever secret signed it first.
    for (i, mac) in macs.iter().enumerate() {
        let first = macs
            .iter()
            .position(|m| m == mac)
            .expect("it is in the list");
        let v = verifier
            .verify(SignatureHeader::One(mac.as_bytes()), body)
            .unwrap_or_else(|e| panic!("the right MAC of secret {i} was refused: {e}"));
        assert_eq!(v.secret_index(), first);
    }
    check_parse(&verifier, &secrets, 0, body);

    // 3. The router, with the header as given and with the right one; and
    // a router with the reference secret, for "nothing depends on it".
    let router = Router::builder(HandlerList::new(HANDLERS))
        .secrets(secrets.iter().cloned())
        .build()
        .expect("the fuzz router is valid");
    let reference_router = Router::builder(HandlerList::new(HANDLERS))
        .secret(Secret::new(REFERENCE_SECRET).expect("not empty"))
        .build()
        .expect("the reference router is valid");
    let routers = (&router, &reference_router);
    let request = CallbackRequest {
        path: &path,
        signature: header,
        content_type,
        body,
    };
    check_dispatch(routers, request, &verifier, &macs);
    let signed = CallbackRequest {
        signature: SignatureHeader::One(macs[0].as_bytes()),
        ..request
    };
    check_dispatch(routers, signed, &verifier, &macs);
}

enum Spec {
    Absent,
    Repeated,
    One(Vec<u8>),
}

/// The header a spec line asks for.
fn header_from_spec(line: &[u8], macs: &[String]) -> Spec {
    let number = |prefix: &[u8]| -> Option<usize> {
        std::str::from_utf8(line.strip_prefix(prefix)?)
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let first = macs[0].as_bytes();
    match line {
        b"absent" => Spec::Absent,
        b"repeated" => Spec::Repeated,
        b"sign" => Spec::One(first.to_vec()),
        b"sign2" => Spec::One(macs[macs.len() - 1].as_bytes().to_vec()),
        b"upper" => Spec::One(first.to_ascii_uppercase()),
        _ => {
            if let Some(n) = number(b"flip ") {
                let mut mac = first.to_vec();
                let i = n % mac.len();
                mac[i] = if mac[i] == b'0' { b'1' } else { b'0' };
                Spec::One(mac)
            } else if let Some(n) = number(b"trunc ") {
                Spec::One(first[..n % first.len()].to_vec())
            } else {
                Spec::One(line.to_vec())
            }
        }
    }
}

/// What `verify` must return, from the documented rules alone.
fn expected_verify(header: SignatureHeader<'_>, macs: &[String]) -> Result<usize, SignatureError> {
    let raw = match header {
        SignatureHeader::Absent => return Err(SignatureError::Missing),
        SignatureHeader::Repeated => return Err(SignatureError::Repeated),
        SignatureHeader::One(raw) => raw,
    };
    if raw.is_empty() {
        return Err(SignatureError::Empty);
    }
    if raw.len() != 64 {
        return Err(SignatureError::WrongLength {
            found: raw.len(),
            expected: 64,
        });
    }
    if let Some(index) = raw.iter().position(|b| !b.is_ascii_hexdigit()) {
        return Err(SignatureError::NotHex { index });
    }
    macs.iter()
        .position(|mac| mac.as_bytes().eq_ignore_ascii_case(raw))
        .ok_or(SignatureError::Mismatch)
}

/// `Debug` of everything keyed with a secret is the same under another one.
fn check_redacted_debug(secrets: &[Secret], verifier: &Verifier, reference: &Verifier) {
    assert_eq!(format!("{verifier:?}"), format!("{reference:?}"));
    let reference_secret = Secret::new(REFERENCE_SECRET).expect("not empty");
    for secret in secrets {
        assert_eq!(format!("{secret:?}"), format!("{reference_secret:?}"));
        assert_eq!(
            format!("{:?}", Signer::new(secret)),
            format!("{:?}", Signer::new(&reference_secret))
        );
    }
}

/// A refused header: the error is the one a verifier with another secret
/// gives, so nothing in it comes from the secret.
fn check_secret_free_error(
    err: &SignatureError,
    header: SignatureHeader<'_>,
    body: &[u8],
    reference: &Verifier,
    macs: &[String],
) {
    let text = format!("{err} {err:?} {}", err.code());
    if let Err(reference_err) = reference.verify(header, body) {
        assert_eq!(
            text,
            format!("{reference_err} {reference_err:?} {}", reference_err.code()),
            "a signature error depends on the secret"
        );
    }
    assert_no_mac(&text, macs, &[]);
}

/// `text` holds no expected MAC, unless one of `inputs` (what the request
/// itself carried) holds it too. (Whether it holds the secret is checked by
/// comparing with the text made under a reference secret: a secret may be
/// any string, even a word of the messages, such as "application/json".)
fn assert_no_mac(text: &str, macs: &[String], inputs: &[&[u8]]) {
    let lower = text.to_ascii_lowercase();
    let carried = |needle: &[u8]| {
        inputs.iter().any(|input| {
            input
                .to_ascii_lowercase()
                .windows(needle.len())
                .any(|w| w == needle.to_ascii_lowercase())
        })
    };
    for mac in macs {
        if lower.contains(mac.as_str()) && !carried(mac.as_bytes()) {
            panic!("a message holds an expected MAC: {text}");
        }
    }
}

/// What a payload is, read independently of `callback_core`.
#[derive(Debug, PartialEq)]
struct Expected {
    event: Event,
    org_id: u64,
    security_context: Option<String>,
    extra: Map<String, Value>,
}

/// Whether `members` make a payload, by the documented rules.
fn expected_payload(members: &[(String, Value)]) -> Option<Expected> {
    let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let get = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let event = match get("event")? {
        Value::String(s) => s.parse::<Event>().ok()?,
        _ => return None,
    };
    let org_id = match get("orgId")? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()?
        }
        _ => return None,
    };
    let security_context = match get("securityContext") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return None,
    };
    let extra = members
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "event" | "orgId" | "securityContext"))
        .cloned()
        .collect();
    Some(Expected {
        event,
        org_id,
        security_context,
        extra,
    })
}

/// Parses `body` (already known to verify) and checks the payload or the
/// error against the independent reading.
fn check_parse(verifier: &Verifier, secrets: &[Secret], index: usize, body: &[u8]) {
    let mac = Signer::new(&secrets[index]).sign(body);
    let verified = verifier
        .verify(SignatureHeader::One(mac.as_bytes()), body)
        .expect("signed with a configured secret");
    let parsed = verified.parse();
    let members = serde_json::from_slice::<Members>(body);
    let expected = members.as_ref().ok().and_then(|m| expected_payload(&m.0));

    match &parsed {
        Ok(payload) => {
            let expected = expected.unwrap_or_else(|| {
                panic!(
                    "parse accepted a body the rules refuse: {:?}",
                    String::from_utf8_lossy(body)
                )
            });
            let got = Expected {
                event: payload.event(),
                org_id: payload.org_id().get(),
                security_context: payload.security_context().map(|c| c.expose().to_owned()),
                extra: payload.extra().clone(),
            };
            assert_eq!(got, expected, "the payload differs from the body");
            if let Some(c) = payload.security_context() {
                assert_eq!(
                    format!("{c} {c:?}"),
                    "<redacted> SecurityContext(<redacted>)",
                    "the security context prints"
                );
            }

            // Serialise, sign, verify, parse: the same payload.
            let text = serde_json::to_vec(payload).expect("a payload serialises");
            let mac = Signer::new(&secrets[0]).sign(&text);
            let again = verifier
                .verify(SignatureHeader::One(mac.as_bytes()), &text)
                .expect("signed with the first secret")
                .parse()
                .unwrap_or_else(|e| {
                    panic!(
                        "a serialised payload does not parse: {e}: {}",
                        String::from_utf8_lossy(&text)
                    )
                });
            assert_eq!(again.event(), payload.event());
            assert_eq!(again.org_id(), payload.org_id());
            assert_eq!(again.security_context(), payload.security_context());
            assert!(
                same_json(
                    &Value::Object(again.extra().clone()),
                    &Value::Object(payload.extra().clone())
                ),
                "extra fields changed in a round trip"
            );
        }
        Err(err) => {
            assert!(
                expected.is_none(),
                "parse refused a valid body ({err}): {:?}",
                String::from_utf8_lossy(body)
            );
            match err.kind() {
                PayloadErrorKind::Syntax => assert!(
                    serde_json::from_slice::<Value>(body).is_err(),
                    "a syntax error in JSON that parses: {err}"
                ),
                PayloadErrorKind::UnknownEvent => {
                    let m = &members.as_ref().expect("an object with an event").0;
                    let event = m.iter().find(|(k, _)| k == "event").map(|(_, v)| v);
                    assert!(
                        matches!(event, Some(Value::String(s)) if s.parse::<Event>().is_err()),
                        "unknown_event for a body whose event is {event:?}"
                    );
                }
                _ => {}
            }
            if let Some((line, column)) = err.position() {
                assert!(line >= 1 && column <= body.len() + 1, "{line}:{column}");
            }
            check_context_free_error(verifier, secrets, body, &err.to_string());
        }
    }
}

/// A parse error does not depend on the security context's value: the body
/// with the context's letters and digits changed gives the same error.
fn check_context_free_error(verifier: &Verifier, secrets: &[Secret], body: &[u8], message: &str) {
    let Ok(members) = serde_json::from_slice::<Members>(body) else {
        return;
    };
    let Some((_, Value::String(context))) = members.0.iter().find(|(k, _)| k == "securityContext")
    else {
        return;
    };
    if context.is_empty() || !context.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return;
    }
    // The context must appear exactly once, as a whole unescaped string.
    let quoted = format!("\"{context}\"");
    let starts: Vec<usize> = body
        .windows(quoted.len())
        .enumerate()
        .filter(|(i, w)| *w == quoted.as_bytes() && (*i == 0 || body[i - 1] != b'\\'))
        .map(|(i, _)| i)
        .collect();
    let [start] = starts[..] else {
        return;
    };
    let mut changed = body.to_vec();
    for b in &mut changed[start + 1..start + 1 + context.len()] {
        *b = match *b {
            b'z' => b'a',
            b'Z' => b'A',
            b'9' => b'0',
            other => other + 1,
        };
    }
    let mac = Signer::new(&secrets[0]).sign(&changed);
    let other = verifier
        .verify(SignatureHeader::One(mac.as_bytes()), &changed)
        .expect("signed with the first secret")
        .parse();
    match other {
        Err(e) => assert_eq!(
            e.to_string(),
            message,
            "a payload error depends on the security context's value"
        ),
        Ok(_) => panic!("changing the security context's letters made the body valid"),
    }
}

/// JSON equality, allowing the last bits of a float to move in a round trip
/// (serde_json parses floats fast, not exactly, without `float_roundtrip`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= f64::EPSILON * 4.0 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same_json(vx, vy))
        }
        _ => a == b,
    }
}

// --- The router ----------------------------------------------------------

/// A handler that records its call and succeeds at once. Those for
/// onInstall and onConfigParamAdd run the owned extractors before asking
/// for `cx.callback()`, the others after, so that both ways of building the
/// owned values from the router's parse are taken.
struct Recorder(&'static HandlerInfo);

/// What a handler call saw: the context's event and org id, its callback,
/// and what each owned extractor gave (`Callback`, `Payload`, `Extra`,
/// `SecurityContext`).
#[derive(Debug, PartialEq)]
struct Seen {
    event: Event,
    org_id: OrgId,
    callback: Callback,
    extracted: Callback,
    payload: Payload,
    extra: Extra,
    security_context: Option<SecurityContext>,
}

thread_local! {
    /// What the last handler call saw.
    static CALLED: RefCell<Option<Seen>> = const { RefCell::new(None) };
}

impl Handler for Recorder {
    fn info(&self) -> &'static HandlerInfo {
        self.0
    }

    fn check_state(&self, _: &StateMap) -> Result<(), MissingState> {
        Ok(())
    }

    fn call<'a>(&'a self, cx: &'a CallContext<'a>) -> HandlerFuture<'a> {
        Box::pin(async move {
            let built_first = !matches!(self.0.event, Event::Install | Event::ConfigParamAdd);
            let early = built_first.then(|| cx.callback().clone());
            let seen = Seen {
                event: cx.event(),
                org_id: cx.org_id(),
                extracted: Callback::from_callback(cx).await?,
                payload: Payload::from_callback(cx).await?,
                extra: Extra::from_callback(cx).await?,
                security_context: Option::<SecurityContext>::from_callback(cx).await?,
                callback: early.unwrap_or_else(|| cx.callback().clone()),
            };
            CALLED.with(|c| {
                assert!(c.borrow_mut().replace(seen).is_none(), "called twice");
            });
            Ok(())
        })
    }
}

const fn info(event: Event, path: &'static str, name: &'static str) -> HandlerInfo {
    HandlerInfo::new(event, path, name, "fuzz")
}

static INSTALL: HandlerInfo = info(Event::Install, "/callbacks/onInstall", "installed");
static CONFIG_ADD: HandlerInfo = info(Event::ConfigParamAdd, "/zoho/config", "config_added");
static CONFIG_DELETE: HandlerInfo =
    info(Event::ConfigParamDelete, "/zoho/config", "config_deleted");
static UNINSTALL: HandlerInfo = info(Event::Uninstall, "/callbacks/onUninstall", "uninstalled");
static HANDLERS: &[&dyn Handler] = &[
    &Recorder(&INSTALL),
    &Recorder(&CONFIG_ADD),
    &Recorder(&CONFIG_DELETE),
    &Recorder(&UNINSTALL),
];

/// Dispatches `request` and checks the outcome against each step's own
/// answer: route, signature, media type, payload, event at this path. Then
/// dispatches it to the reference router, signed for it when `request` was
/// signed right: the outcome must be the same, so nothing in it comes from
/// the secret.
fn check_dispatch(
    (router, reference_router): (&Router, &Router),
    request: CallbackRequest<'_>,
    verifier: &Verifier,
    macs: &[String],
) {
    CALLED.with(|c| c.borrow_mut().take());
    let outcome = router
        .dispatch(request)
        .now_or_never()
        .expect("a ready handler and no deadline: dispatch never waits");
    let called = CALLED.with(|c| c.borrow_mut().take());

    let handlers_here: Vec<&HandlerInfo> = HANDLERS
        .iter()
        .map(|h| h.info())
        .filter(|i| i.path == request.path)
        .collect();
    let verified = verifier.verify(request.signature, request.body);
    let signed_right = verified.is_ok();
    let plainly_json = matches!(
        request.content_type,
        Some(b"application/json" | b"application/json; charset=utf-8")
    );

    match &outcome {
        Outcome::Handled(handled) => {
            let verified = verified.expect("the handler ran for a refused signature");
            let payload = verified.parse().expect("the handler ran for a bad payload");
            assert!(
                request.content_type.is_some(),
                "handled without Content-Type"
            );
            assert!(
                handlers_here.iter().any(|i| i.event == payload.event()),
                "handled an event not mounted at {}",
                request.path
            );
            assert_eq!(
                (handled.event, handled.org_id),
                (payload.event(), payload.org_id())
            );
            // Every way a handler reads the callback gives what
            // `Verified::parse` gives, whichever is built first.
            let expected = Callback::new(payload.clone(), verified.secret_index());
            assert_eq!(
                called,
                Some(Seen {
                    event: payload.event(),
                    org_id: payload.org_id(),
                    callback: expected.clone(),
                    extracted: expected,
                    extra: Extra(payload.extra().clone()),
                    security_context: payload.security_context().cloned(),
                    payload,
                }),
                "the handler did not see the verified payload"
            );
        }
        Outcome::Rejected(rejection) => {
            assert_eq!(called, None, "the handler ran for a rejected callback");
            let kind = rejection.code();
            if handlers_here.is_empty() {
                assert_eq!(kind, "not_found");
            } else if let Err(e) = &verified {
                assert_eq!((rejection.status(), kind), (401, e.code()));
            } else if plainly_json {
                let payload = verified.expect("checked").parse();
                match payload {
                    Err(e) => {
                        assert_eq!(rejection.status(), 400);
                        assert_eq!(rejection.message(), e.to_string());
                    }
                    Ok(p) => {
                        assert!(handlers_here.iter().all(|i| i.event != p.event()));
                        assert_eq!(kind, "event_not_handled");
                    }
                }
            } else {
                assert_ne!(kind, "ok");
            }
            let text = format!("{} {:?} {}", outcome.body(), rejection, rejection.message());
            assert_no_mac(
                &text,
                macs,
                &[
                    request.body,
                    request.path.as_bytes(),
                    request.content_type.unwrap_or_default(),
                ],
            );
        }
    }
    // The same request to a router with another secret.
    let reference_mac =
        Signer::new(&Secret::new(REFERENCE_SECRET).expect("not empty")).sign(request.body);
    let reference_request = CallbackRequest {
        signature: if signed_right {
            SignatureHeader::One(reference_mac.as_bytes())
        } else {
            request.signature
        },
        ..request
    };
    let reference = reference_router
        .dispatch(reference_request)
        .now_or_never()
        .expect("a ready handler and no deadline: dispatch never waits");
    CALLED.with(|c| c.borrow_mut().take());
    assert_eq!(
        (outcome.status(), outcome.body(), format!("{outcome:?}")),
        (
            reference.status(),
            reference.body(),
            format!("{reference:?}")
        ),
        "the outcome depends on the secret"
    );
}
