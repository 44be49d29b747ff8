//! The rows of the contract, one function per row, named after what they
//! send; [`all`] is the whole table.

use crate::fixture::path_of;
use crate::fixture::{
    AUDITED_PATH, AUDITED_WEBHOOK_ID, BODY_LIMIT, DESK_BODY_LIMIT, ORG_ID, SECURITY_CONTEXT,
    callback, delivery, foreign_secret, old_secret, ticket_with_subject,
};
use crate::table::{Case, Expect, Framing, Request};
use callback_core::Event;
use callback_core::desk::DeskEvent;
use callback_core::testing::TestCallback;
use callback_core::testing::desk::{OTHER_TEST_KEY_ID, TEST_EC_KEY_ID, TestDelivery, ticket_event};
use callback_core::{DeskEventKind, DeskEventType, OrgId};
use serde_json::json;
use std::time::{Duration, SystemTime};

fn post(callback: TestCallback) -> Request {
    Request::from_callback(&callback)
}

/// A valid callback for `event`: handled by its own handler.
pub fn handled(event: Event) -> Case {
    Case::new("handled", post(callback(event)), Expect::Handled(event))
}

/// Every event, each handled by its own handler (the two config events at
/// one shared path).
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

fn rejected(name: &'static str, request: Request, status: u16, code: &'static str) -> Case {
    Case::new(name, request, Expect::Rejected(status, code))
}

/// No `HASH`.
pub fn missing_hash() -> Case {
    let cb = callback(Event::Install).without_hash();
    rejected("missing hash", post(cb), 401, "missing_signature")
}

/// Two `HASH` headers, both correct.
pub fn repeated_hash() -> Case {
    let request = post(callback(Event::Install));
    let hash = request.headers[0].1.clone();
    let request = request.header("HASH", &hash);
    rejected("repeated hash", request, 401, "repeated_signature")
}

/// An empty `HASH`.
pub fn empty_hash() -> Case {
    let cb = callback(Event::Install).hash("");
    rejected("empty hash", post(cb), 401, "empty_signature")
}

/// A `HASH` of the wrong length.
pub fn short_hash() -> Case {
    let cb = callback(Event::Install).hash("0123abcd");
    rejected("short hash", post(cb), 401, "malformed_signature")
}

/// A `HASH` of the right length that is not hex.
pub fn non_hex_hash() -> Case {
    let cb = callback(Event::Install).hash(&"z".repeat(64));
    rejected("non-hex hash", post(cb), 401, "malformed_signature")
}

/// Signed with a secret the server does not hold.
pub fn wrong_hash() -> Case {
    let cb = callback(Event::Install).signed_with(&foreign_secret());
    rejected("wrong hash", post(cb), 401, "signature_mismatch")
}

/// Signed, then one byte of the body changed.
pub fn tampered_body() -> Case {
    let cb = callback(Event::Install).tamper_body();
    rejected("tampered body", post(cb), 401, "signature_mismatch")
}

/// No `Content-Type`.
pub fn missing_content_type() -> Case {
    let cb = callback(Event::Install).without_content_type();
    rejected("no content type", post(cb), 415, "unsupported_media_type")
}

/// `Content-Type: text/plain`.
pub fn text_plain() -> Case {
    let cb = callback(Event::Install).content_type("text/plain");
    rejected("text/plain", post(cb), 415, "unsupported_media_type")
}

fn oversized() -> Request {
    post(callback(Event::Install).extra("padding", json!("x".repeat(2 * BODY_LIMIT))))
}

/// A body over the limit, with `Content-Length`.
pub fn too_large_with_length() -> Case {
    rejected("too large", oversized(), 413, "payload_too_large")
}

/// A body over the limit, without `Content-Length`.
pub fn too_large_chunked() -> Case {
    let request = oversized().framing(Framing::Chunked);
    rejected("too large, chunked", request, 413, "payload_too_large")
}

/// A valid callback whose body stops arriving before its end.
pub fn stalled_body() -> Case {
    let request = post(callback(Event::Install)).framing(Framing::Stalled);
    rejected("stalled body", request, 400, "body_unreadable")
}

/// A valid callback whose body ends before the length it announced.
pub fn truncated_body() -> Case {
    let request = post(callback(Event::Install)).framing(Framing::Truncated);
    rejected("truncated body", request, 400, "body_unreadable")
}

/// A signed body that is not JSON.
pub fn not_json() -> Case {
    let cb = callback(Event::Install).body("{\"event\": \"onInstall\", ");
    rejected("not JSON", post(cb), 400, "invalid_json")
}

/// A signed payload without `orgId`.
pub fn missing_org_id() -> Case {
    let body = json!({"event": "onInstall", "securityContext": SECURITY_CONTEXT});
    let cb = callback(Event::Install).body(body.to_string());
    rejected("no orgId", post(cb), 400, "invalid_payload")
}

/// A signed payload whose `orgId` is a boolean.
pub fn org_id_bool() -> Case {
    let body = json!({"event": "onInstall", "orgId": true, "securityContext": SECURITY_CONTEXT});
    let cb = callback(Event::Install).body(body.to_string());
    rejected("orgId bool", post(cb), 400, "invalid_payload")
}

/// A signed payload naming no known event.
pub fn unknown_event() -> Case {
    let body =
        json!({"event": "onReinstall", "orgId": ORG_ID, "securityContext": SECURITY_CONTEXT});
    let cb = callback(Event::Install).body(body.to_string());
    rejected("unknown event", post(cb), 400, "unknown_event")
}

/// An `onInstall` payload posted to the `onUninstall` path.
pub fn event_not_handled_here() -> Case {
    let cb = callback(Event::Install).path(&path_of(Event::Uninstall));
    rejected("not handled here", post(cb), 400, "event_not_handled")
}

/// A correctly signed callback sent with `method`: `405` with `Allow: POST`.
pub fn wrong_method(method: &'static str) -> Case {
    let request = post(callback(Event::Install)).method(method);
    rejected("wrong method", request, 405, "method_not_allowed")
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
        wrong_method("PATCH"),
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

/// Each failure, then a valid `onInstall`: the server serves on after an
/// error, a panic and a missed deadline.
pub fn failures_each_followed_by_a_success() -> Vec<Case> {
    failures()
        .into_iter()
        .flat_map(|failure| [failure, handled(Event::Install)])
        .collect()
}

fn deliver(delivery: TestDelivery) -> Request {
    Request::from_delivery(&delivery)
}

fn ticket() -> DeskEvent {
    ticket_with_subject("Printer on fire")
}

/// A delivery refused before any handler ran.
fn desk_rejected(
    name: &'static str,
    delivery: TestDelivery,
    status: u16,
    code: &'static str,
) -> Case {
    rejected(name, deliver(delivery), status, code)
}

/// The Desk rows that succeed: a `GET`, an empty batch, one event, an
/// unknown type beside a known one, the audited webhook with its `aud`.
pub fn desk_successes() -> Vec<Case> {
    let unknown = DeskEvent::new(
        DeskEventKind::Other("Ticket_Teleported".to_owned()),
        OrgId::new(ORG_ID),
        json!({"id": "1"}),
    );
    let get = deliver(delivery([])).method("GET");
    vec![
        Case::new("desk GET", get, Expect::Validated),
        Case::new(
            "desk empty batch",
            deliver(delivery([])),
            Expect::Delivered(0),
        ),
        Case::new(
            "desk one ticket",
            deliver(delivery([ticket()])),
            Expect::Delivered(1),
        ),
        Case::new(
            "desk unknown type kept",
            deliver(delivery([unknown, ticket()])),
            Expect::Delivered(2),
        ),
        Case::new(
            "desk audited webhook",
            deliver(
                delivery([ticket()])
                    .path(AUDITED_PATH)
                    .webhook_id(AUDITED_WEBHOOK_ID),
            ),
            Expect::Delivered(1),
        ),
    ]
}

/// Every refusal of a delivery: the query, the token, the body; no
/// handler runs.
pub fn desk_rejections() -> Vec<Case> {
    let now = SystemTime::now();
    let signed = || delivery([ticket()]);
    let comment = ticket_event(DeskEventType::TicketCommentAdd, ORG_ID, 7);
    let repeated = {
        let request = deliver(signed());
        let token = request.headers[1].1.clone();
        request.header("X-ZDesk-JWT", &token)
    };
    let oversized = ticket_with_subject(&"x".repeat(2 * DESK_BODY_LIMIT));
    vec![
        rejected(
            "desk PUT",
            deliver(signed()).method("PUT"),
            405,
            "method_not_allowed",
        ),
        desk_rejected(
            "desk no orgId",
            signed().query("securityContext=x"),
            400,
            "invalid_query",
        ),
        desk_rejected(
            "desk no token",
            signed().without_token(),
            401,
            "missing_token",
        ),
        rejected("desk two tokens", repeated, 401, "repeated_token"),
        desk_rejected(
            "desk not a JWT",
            signed().token("not-a-jwt"),
            401,
            "malformed_token",
        ),
        desk_rejected(
            "desk alg none",
            signed().alg_none(),
            401,
            "unsupported_algorithm",
        ),
        desk_rejected(
            "desk HS256 with the public key",
            signed().hs256_with_public_key(),
            401,
            "unsupported_algorithm",
        ),
        desk_rejected("desk no kid", signed().without_kid(), 401, "missing_key_id"),
        desk_rejected(
            "desk unknown kid",
            signed().kid(OTHER_TEST_KEY_ID),
            401,
            "unknown_key",
        ),
        desk_rejected(
            "desk EC key",
            signed().kid(TEST_EC_KEY_ID),
            401,
            "wrong_key_type",
        ),
        desk_rejected(
            "desk another key",
            signed().signed_with_other_key(),
            401,
            "token_signature_mismatch",
        ),
        desk_rejected(
            "desk no iat",
            signed().claims(json!({"iss": format!("orgId:{ORG_ID}"), "exp": u32::MAX})),
            401,
            "invalid_claims",
        ),
        desk_rejected(
            "desk expired",
            signed()
                .issued_at(now - Duration::from_secs(600))
                .expires_at(now - Duration::from_secs(60)),
            401,
            "token_expired",
        ),
        desk_rejected(
            "desk issued ahead",
            signed().issued_at(now + Duration::from_secs(600)),
            401,
            "token_issued_in_future",
        ),
        desk_rejected(
            "desk another issuer",
            signed().issuer("orgId:1"),
            401,
            "wrong_issuer",
        ),
        desk_rejected(
            "desk wrong audience",
            signed().path(AUDITED_PATH).webhook_id("1"),
            401,
            "wrong_audience",
        ),
        desk_rejected(
            "desk event of another org",
            delivery([ticket_event(DeskEventType::TicketAdd, ORG_ID + 1, 1)]),
            401,
            "org_mismatch",
        ),
        desk_rejected(
            "desk too large",
            delivery([oversized.clone()]),
            413,
            "payload_too_large",
        ),
        rejected(
            "desk too large, chunked",
            deliver(delivery([oversized])).framing(Framing::Chunked),
            413,
            "payload_too_large",
        ),
        desk_rejected("desk not JSON", signed().body("[{"), 400, "invalid_json"),
        desk_rejected(
            "desk not an array",
            signed().body("{}"),
            400,
            "invalid_payload",
        ),
        desk_rejected(
            "desk argument mismatch",
            delivery([comment]),
            500,
            "argument_mismatch",
        ),
    ]
}

/// A `Ticket_Add` whose handler behaves as `subject` says.
fn desk_misbehaving(subject: &str, name: &'static str, status: u16, code: &'static str) -> Case {
    let request = deliver(delivery([ticket_with_subject(subject), ticket()]));
    Case::new(name, request, Expect::Failed(status, code))
}

/// The Desk handler-failure rows: the first event's handler runs and
/// fails, the second does not run; each followed by a handled delivery.
pub fn desk_failures_each_followed_by_a_success() -> Vec<Case> {
    [
        desk_misbehaving("fail", "desk handler error", 500, "handler_error"),
        desk_misbehaving("panic", "desk handler panic", 500, "handler_panicked"),
        desk_misbehaving("sleep", "desk batch timeout", 503, "handler_timeout"),
        desk_misbehaving("gone", "desk handler gone", 410, "gone"),
    ]
    .into_iter()
    .flat_map(|failure| {
        let success = Case::new(
            "desk after a failure",
            deliver(delivery([ticket()])),
            Expect::Delivered(1),
        );
        [failure, success]
    })
    .collect()
}

/// Every Desk row.
pub fn desk() -> Vec<Case> {
    let mut desk = desk_successes();
    desk.extend(desk_rejections());
    desk.extend(desk_failures_each_followed_by_a_success());
    desk
}

/// The whole table, in the order [`crate::run_contract`] sends it.
pub fn all() -> Vec<Case> {
    let mut all = every_event();
    all.extend(other_successes());
    all.extend(rejections());
    all.extend(failures_each_followed_by_a_success());
    all.extend(desk());
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use callback_core::RejectionKind;

    #[test]
    fn the_config_events_share_a_path_and_each_has_its_own_row() {
        let add = handled(Event::ConfigParamAdd);
        let delete = handled(Event::ConfigParamDelete);
        assert_eq!(add.request.path, delete.request.path);
        let expected: Vec<Expect> = Event::ALL.into_iter().map(Expect::Handled).collect();
        let every: Vec<Expect> = every_event().into_iter().map(|c| c.expect).collect();
        assert_eq!(every, expected);
    }

    #[test]
    fn the_table_reaches_every_rejection_a_request_to_the_fixture_can_cause() {
        // Not reachable over HTTP with the fixture: an unmounted path is the
        // HTTP stack's own 404; missing state is refused when building; the
        // fixture has no replay guard; its key set is fixed, never
        // unavailable (core's `desk_keys` tests serve one on 127.0.0.1); it
        // keeps no installation store (core's `store` tests decide those
        // kinds, and install-tracker's answer them over HTTP).
        let unreachable = [
            RejectionKind::NotFound,
            RejectionKind::MissingState,
            RejectionKind::Replayed,
            RejectionKind::KeysUnavailable,
            RejectionKind::StaleCallback,
            RejectionKind::StoreUnavailable,
            RejectionKind::StoreFailed,
            RejectionKind::OrgUninstalled,
            RejectionKind::UnknownInstallation,
        ];
        let rows: Vec<(u16, &str)> = all()
            .into_iter()
            .filter_map(|case| match case.expect {
                Expect::Rejected(status, code) | Expect::Failed(status, code) => {
                    Some((status, code))
                }
                Expect::Handled(_) | Expect::Delivered(_) | Expect::Validated => None,
            })
            .collect();
        for kind in RejectionKind::ALL {
            if unreachable.contains(kind) {
                continue;
            }
            assert!(
                rows.contains(&(kind.status(), kind.code())),
                "no row of the table expects {} {}",
                kind.status(),
                kind.code()
            );
        }
    }

    #[test]
    fn every_method_but_post_is_a_row_and_each_failure_is_followed_by_a_success() {
        let all = all();
        let methods: Vec<(bool, &str)> = all
            .iter()
            .filter(|c| c.request.method != "POST")
            .map(|c| (c.request.is_desk(), c.request.method))
            .collect();
        assert_eq!(
            methods,
            [
                (false, "GET"),
                (false, "PUT"),
                (false, "DELETE"),
                (false, "PATCH"),
                (true, "GET"),
                (true, "PUT")
            ]
        );
        for (i, case) in all.iter().enumerate() {
            if let Expect::Failed(..) = case.expect {
                let success = match case.request.is_desk() {
                    true => Expect::Delivered(1),
                    false => Expect::Handled(Event::Install),
                };
                assert_eq!(all[i + 1].expect, success, "after {}", case.name);
            }
        }
    }
}
