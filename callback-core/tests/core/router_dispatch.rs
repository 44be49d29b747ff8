//! The framework-agnostic router: every rejection it decides (status, code,
//! and the handler never completing), the `405` adapters ask it for,
//! success, several events on one path, the limits the builder sets, and the
//! configuration errors `build` reports.

use crate::common;

use callback_core::ReplayGuard;
use callback_core::manifest::ListenerError;
use callback_core::{
    BuildError, CallbackRequest, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, DEFAULT_DESK_BODY_LIMIT,
    DEFAULT_TIMEOUT, Event, Handled, HandlerInfo, HandlerList, MissingState, OrgId, Outcome,
    Rejection, RejectionKind, Router, SignatureHeader,
};
use common::{
    ADAPTER_KINDS, Behaviour, CALL_PANIC, CONFIG_ADD, CONFIG_DELETE, FAILURE, FUTURE_PANIC, Hits,
    INSTALL, MODULE, SECRET, SECURITY_CONTEXT, SHARED_PATH, TestHandler, Unprovided, dispatch,
    info, rejection_table, secret, signed, table_handlers, table_router,
};
use std::collections::BTreeSet;
use std::time::Duration;

/// The status and code each kind must map to, written out independently of
/// the crate's own table.
fn expected_status_and_code(kind: RejectionKind) -> (u16, &'static str) {
    use RejectionKind as K;
    match kind {
        K::NotFound => (404, "not_found"),
        K::MethodNotAllowed => (405, "method_not_allowed"),
        K::MissingSignature => (401, "missing_signature"),
        K::RepeatedSignature => (401, "repeated_signature"),
        K::EmptySignature => (401, "empty_signature"),
        K::MalformedSignature => (401, "malformed_signature"),
        K::SignatureMismatch => (401, "signature_mismatch"),
        K::UnsupportedMediaType => (415, "unsupported_media_type"),
        K::PayloadTooLarge => (413, "payload_too_large"),
        K::BodyUnreadable => (400, "body_unreadable"),
        K::InvalidJson => (400, "invalid_json"),
        K::InvalidPayload => (400, "invalid_payload"),
        K::UnknownEvent => (400, "unknown_event"),
        K::EventNotHandledHere => (400, "event_not_handled"),
        K::Replayed => (409, "replayed_callback"),
        K::HandlerFailed => (500, "handler_error"),
        K::HandlerPanicked => (500, "handler_panicked"),
        K::MissingState => (500, "missing_state"),
        K::DeadlineExceeded => (503, "handler_timeout"),
        other => panic!("{other:?} is new: add its status and code to this test"),
    }
}

#[test]
fn the_table_covers_every_kind_the_router_decides() {
    let covered: BTreeSet<_> = rejection_table()
        .iter()
        .filter_map(|c| c.expect)
        .map(|k| k.code())
        .collect();
    let decided: BTreeSet<_> = RejectionKind::ALL
        .iter()
        .filter(|k| !ADAPTER_KINDS.contains(k))
        // Decided on a second request, with a guard configured: tested by
        // `a_replayed_body_is_refused_*` below.
        .filter(|k| **k != RejectionKind::Replayed)
        // Decided for Desk deliveries only: `desk_dispatch` covers them.
        .filter(|k| !crate::desk_dispatch::DESK_ONLY_KINDS.contains(k))
        // Decided with an installation store only: `store` covers them.
        .filter(|k| !crate::store::STORE_KINDS.contains(k))
        .map(|k| k.code())
        .collect();
    assert_eq!(covered, decided);
}

#[tokio::test]
async fn each_rejection_has_its_status_and_code_and_no_handler_completes() {
    for case in rejection_table() {
        let Some(kind) = case.expect else { continue };
        let (router, hits) = table_router();
        let outcome = case.dispatch(&router).await;
        let (status, code) = expected_status_and_code(kind);
        let Outcome::Rejected(rejection) = &outcome else {
            panic!("{}: expected {code}, got {outcome:?}", case.name);
        };
        assert_eq!(rejection.kind(), kind, "{}", case.name);
        assert_eq!(outcome.status(), status, "{}", case.name);
        assert_eq!(outcome.code(), code, "{}", case.name);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&rejection.body()).expect("JSON"),
            serde_json::json!({ "error": code, "message": rejection.message() }),
            "{}",
            case.name
        );
        assert_eq!(
            hits.handled_count(),
            0,
            "{}: a handler completed",
            case.name
        );
        assert_eq!(
            hits.entered(),
            usize::from(case.enters_handler),
            "{}: handler bodies started",
            case.name
        );
    }
}

#[tokio::test]
async fn a_signed_callback_is_handled_once_with_200() {
    for case in rejection_table().iter().filter(|c| c.expect.is_none()) {
        let (router, hits) = table_router();
        let outcome = case.dispatch(&router).await;
        assert_eq!(
            outcome,
            Outcome::Handled(Handled {
                event: Event::Install,
                org_id: OrgId::new(387238),
            }),
            "{}",
            case.name
        );
        assert_eq!(outcome.status(), 200);
        assert_eq!(outcome.code(), "ok");
        // Compared as JSON: key order depends on serde_json's features.
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&outcome.body()).expect("JSON"),
            serde_json::json!({ "ok": true, "event": "onInstall" })
        );
        let handled = hits.handled();
        assert_eq!(handled.len(), 1, "{}", case.name);
        assert_eq!(handled[0].event(), Event::Install);
        assert_eq!(handled[0].secret_index(), 0);
        assert_eq!(
            handled[0].security_context().map(|c| c.expose()),
            Some(SECURITY_CONTEXT)
        );
    }
}

#[tokio::test]
async fn media_type_names_are_case_insensitive() {
    // RFC 9110 8.3.1: type and subtype are case-insensitive.
    let (router, hits) = table_router();
    let callback = signed(Event::Install).content_type("Application/JSON; Charset=UTF-8");
    let outcome = dispatch(&router, &callback.build()).await;
    assert_eq!(outcome.status(), 200, "{outcome:?}");
    assert_eq!(hits.handled_count(), 1);
}

#[tokio::test]
async fn events_sharing_a_path_go_to_their_own_handler() {
    let (router, hits) = table_router();
    assert!(router.paths().any(|p| p == SHARED_PATH));
    for (event, expected_count) in [
        (Event::ConfigParamAdd, 1),
        (Event::ConfigParamDelete, 2),
        (Event::ConfigParamAdd, 3),
    ] {
        let outcome = dispatch(&router, &signed(event).path(SHARED_PATH).build()).await;
        assert_eq!(outcome.status(), 200, "{event}: {outcome:?}");
        assert_eq!(hits.handled_count(), expected_count);
    }
    let events: Vec<Event> = hits.handled().iter().map(|c| c.event()).collect();
    assert_eq!(
        events,
        [
            Event::ConfigParamAdd,
            Event::ConfigParamDelete,
            Event::ConfigParamAdd
        ]
    );
}

/// Dispatches the first table case expecting `kind` (and matching `also`)
/// and returns its rejection.
async fn table_rejection(kind: RejectionKind, also: impl Fn(&common::Case) -> bool) -> Rejection {
    let (router, _hits) = table_router();
    let case = rejection_table()
        .into_iter()
        .find(|c| c.expect == Some(kind) && also(c))
        .expect("in the table");
    match case.dispatch(&router).await {
        Outcome::Rejected(rejection) => rejection,
        other => panic!("{}: {other:?}", case.name),
    }
}

#[tokio::test]
async fn a_handler_failure_is_logged_not_sent() {
    let rejection = table_rejection(RejectionKind::HandlerFailed, |_| true).await;
    assert_eq!(
        rejection.message(),
        "the handler failed; see the server log"
    );
    assert_eq!(rejection.detail(), Some(FAILURE));
    assert!(!rejection.body().contains(FAILURE), "{}", rejection.body());
    assert!(!format!("{rejection:?}").contains(FAILURE));
}

#[tokio::test]
async fn panics_are_caught_with_their_message_kept_for_the_log() {
    for (event, message) in [
        (Event::TpaRevoke, FUTURE_PANIC),
        (Event::TpaAuthorise, CALL_PANIC),
    ] {
        let rejection = table_rejection(RejectionKind::HandlerPanicked, |c| {
            c.request.path.ends_with(event.wire_name())
        })
        .await;
        assert_eq!(
            rejection.message(),
            "the handler panicked; see the server log"
        );
        assert_eq!(rejection.detail(), Some(message));
    }
}

#[tokio::test]
async fn state_missing_at_call_time_names_the_type_in_the_log_only() {
    let rejection = table_rejection(RejectionKind::MissingState, |_| true).await;
    assert_eq!(rejection.message(), "the server is misconfigured");
    let detail = format!(
        "no state of type `{}` was provided; add `.state(value)` where the callbacks are mounted",
        std::any::type_name::<Unprovided>()
    );
    assert_eq!(rejection.detail(), Some(detail.as_str()));
}

#[test]
fn adapter_decided_rejections_come_back_unchanged() {
    let (router, _hits) = table_router();
    for kind in ADAPTER_KINDS {
        let outcome = router.reject("/callbacks/onInstall", Rejection::new(kind, "refused"));
        let (status, code) = expected_status_and_code(kind);
        assert_eq!(outcome, Outcome::Rejected(Rejection::new(kind, "refused")));
        assert_eq!((outcome.status(), outcome.code()), (status, code));
    }
}

#[test]
fn another_method_is_405_with_allow_post_and_only_then() {
    let (router, hits) = table_router();
    let outcome = router.method_not_allowed("/callbacks/onInstall", "GET");
    assert_eq!(
        outcome,
        Outcome::Rejected(Rejection::new(
            RejectionKind::MethodNotAllowed,
            "GET is not allowed; callbacks are POSTed"
        ))
    );
    assert_eq!(
        (outcome.status(), outcome.code()),
        expected_status_and_code(RejectionKind::MethodNotAllowed)
    );
    assert_eq!(
        outcome.headers().collect::<Vec<_>>(),
        [("content-type", "application/json"), ("allow", "POST")]
    );
    assert_eq!(hits.entered(), 0);

    // Every other outcome is JSON, without `Allow`.
    let handled = Outcome::Handled(Handled {
        event: Event::Install,
        org_id: OrgId::new(1),
    });
    let too_large = router.reject(
        "/callbacks/onInstall",
        Rejection::new(RejectionKind::PayloadTooLarge, "refused"),
    );
    for outcome in [handled, too_large] {
        assert_eq!(
            outcome.headers().collect::<Vec<_>>(),
            [("content-type", "application/json")],
            "{outcome:?}"
        );
    }
}

#[test]
fn the_limits_are_the_defaults_unless_set() {
    let defaults = Router::builder(HandlerList::new(&[&INSTALL]))
        .secret(secret(SECRET))
        .state(Hits::default())
        .build()
        .expect("builds");
    let limits = defaults.limits();
    assert_eq!(
        (
            limits.body_limit,
            limits.desk_body_limit,
            limits.body_timeout,
            limits.timeout
        ),
        (
            DEFAULT_BODY_LIMIT,
            DEFAULT_DESK_BODY_LIMIT,
            DEFAULT_BODY_TIMEOUT,
            Some(DEFAULT_TIMEOUT)
        )
    );
    assert_eq!(
        (
            DEFAULT_BODY_LIMIT,
            DEFAULT_DESK_BODY_LIMIT,
            DEFAULT_BODY_TIMEOUT,
            DEFAULT_TIMEOUT
        ),
        (
            64 * 1024,
            1024 * 1024,
            Duration::from_secs(3),
            Duration::from_secs(4)
        )
    );

    let set = Router::builder(HandlerList::new(&[&INSTALL]))
        .secret(secret(SECRET))
        .state(Hits::default())
        .body_limit(1024)
        .body_timeout(Duration::from_millis(500))
        .timeout(Duration::from_secs(2))
        .desk_body_limit(2048)
        .build()
        .expect("builds");
    let limits = set.limits();
    assert_eq!(
        (
            limits.body_limit,
            limits.desk_body_limit,
            limits.body_timeout,
            limits.timeout
        ),
        (
            1024,
            2048,
            Duration::from_millis(500),
            Some(Duration::from_secs(2))
        )
    );
    let none = Router::builder(HandlerList::new(&[&INSTALL]))
        .secret(secret(SECRET))
        .state(Hits::default())
        .timeout(Duration::from_secs(2))
        .no_timeout()
        .build()
        .expect("builds");
    assert_eq!(none.limits().timeout, None);
}

#[test]
fn build_refuses_a_router_without_a_secret() {
    let err = Router::builder(HandlerList::new(&[&INSTALL]))
        .state(Hits::default())
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::NoSecret);
    assert_eq!(
        err.to_string(),
        "no secret is configured; call `.secret(...)` with your plugin-manifest.json secret"
    );
}

static SECOND_INSTALL_INFO: HandlerInfo = info(Event::Install, "/other/install", "installed_again");
static SECOND_INSTALL: TestHandler = TestHandler::new(&SECOND_INSTALL_INFO, Behaviour::Succeed);

#[test]
fn build_refuses_two_handlers_for_one_event_naming_both() {
    let err = Router::builder(HandlerList::new(&[&INSTALL, &CONFIG_ADD, &SECOND_INSTALL]))
        .secret(secret(SECRET))
        .state(Hits::default())
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::Handlers(ListenerError::DuplicateEvent {
            event: Event::Install,
            first: format!("{MODULE}::installed"),
            second: format!("{MODULE}::installed_again"),
        })
    );
    assert_eq!(
        err.to_string(),
        format!(
            "two handlers for onInstall: `{MODULE}::installed` and `{MODULE}::installed_again`; keep one"
        )
    );
}

static NEEDS_UNPROVIDED_INFO: HandlerInfo = info(
    Event::Uninstall,
    "/callbacks/onUninstall",
    "needs_unprovided",
);
static NEEDS_UNPROVIDED: TestHandler =
    TestHandler::new(&NEEDS_UNPROVIDED_INFO, Behaviour::RequiresUnprovidedState);

#[test]
fn build_refuses_a_handler_whose_state_is_missing() {
    let err = Router::builder(HandlerList::new(&[&INSTALL, &NEEDS_UNPROVIDED]))
        .secret(secret(SECRET))
        .state(Hits::default())
        .build()
        .unwrap_err();
    let handler = format!("{MODULE}::needs_unprovided");
    let missing = MissingState {
        type_name: std::any::type_name::<Unprovided>(),
    };
    assert_eq!(
        err.to_string(),
        format!("`{handler}` needs state that is missing: {missing}")
    );
    assert_eq!(
        err,
        BuildError::MissingState {
            handler,
            source: missing
        }
    );

    // Without any state, the first handler is the one reported.
    let err = Router::builder(HandlerList::new(&[&CONFIG_DELETE, &INSTALL]))
        .secret(secret(SECRET))
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingState {
            handler: format!("{MODULE}::config_deleted"),
            source: MissingState {
                type_name: std::any::type_name::<Hits>()
            },
        }
    );
}

#[tokio::test]
async fn a_header_value_is_checked_before_the_content_type() {
    // A forged request learns nothing about the content type it should use.
    let (router, hits) = table_router();
    let request = signed(Event::Install).build();
    let outcome = router
        .dispatch(CallbackRequest {
            path: &request.path,
            signature: SignatureHeader::Absent,
            content_type: Some(b"text/plain"),
            body: &request.body,
        })
        .await;
    assert_eq!(outcome.code(), "missing_signature");
    assert_eq!(hits.entered(), 0);
}

/// How many onInstall callbacks were handled.
fn installs(hits: &Hits) -> usize {
    let handled = hits.handled();
    handled
        .iter()
        .filter(|c| c.event() == Event::Install)
        .count()
}

/// A router over the table handlers with a replay guard.
fn guarded_router(guard: ReplayGuard) -> (Router, Hits) {
    let hits = Hits::default();
    let router = Router::builder(table_handlers())
        .secret(secret(SECRET))
        .state(hits.clone())
        .replay_guard(guard)
        .build()
        .expect("builds");
    (router, hits)
}

#[tokio::test]
async fn without_a_guard_a_replayed_body_runs_its_handler_again() {
    let (router, hits) = table_router();
    let install = signed(Event::Install).build();
    for _ in 0..2 {
        assert_eq!(dispatch(&router, &install).await.status(), 200);
    }
    assert_eq!(installs(&hits), 2);
}

#[tokio::test]
async fn a_replayed_body_is_refused_with_409_and_no_handler_runs() {
    let (router, hits) = guarded_router(ReplayGuard::new(Duration::from_secs(600)));
    // The captured onInstall, replayed after another callback was handled.
    let install = signed(Event::Install).build();
    assert_eq!(dispatch(&router, &install).await.status(), 200);
    let config = signed(Event::ConfigParamAdd).path(SHARED_PATH).build();
    assert_eq!(dispatch(&router, &config).await.status(), 200);
    let replayed = dispatch(&router, &install).await;
    let Outcome::Rejected(rejection) = &replayed else {
        panic!("a replay was handled: {replayed:?}");
    };
    assert_eq!(rejection.kind(), RejectionKind::Replayed);
    assert_eq!(
        (replayed.status(), replayed.code()),
        (409, "replayed_callback")
    );
    assert_eq!(installs(&hits), 1);
    // Another org's install is another body: handled.
    let other = signed(Event::Install).org_id(7).build();
    assert_eq!(dispatch(&router, &other).await.status(), 200);
    assert_eq!(installs(&hits), 2);
}

#[tokio::test]
async fn a_replayed_body_is_refused_only_after_its_handler_succeeded() {
    let (router, hits) = guarded_router(ReplayGuard::new(Duration::from_secs(600)));
    // onUpdate's handler fails: the claim is released, so a retry runs it.
    let update = signed(Event::Update).build();
    for _ in 0..2 {
        assert_eq!(dispatch(&router, &update).await.code(), "handler_error");
    }
    assert_eq!(hits.entered(), 2);
    // A refusal before the handler (a bad HASH) claims nothing either.
    let forged = signed(Event::Install).hash(&"0".repeat(64)).build();
    assert_eq!(
        dispatch(&router, &forged).await.code(),
        "signature_mismatch"
    );
    let install = signed(Event::Install).build();
    assert_eq!(dispatch(&router, &install).await.status(), 200);
}

#[tokio::test]
async fn a_replay_after_the_window_is_handled_again() {
    let (router, hits) = guarded_router(ReplayGuard::new(Duration::from_millis(20)));
    let install = signed(Event::Install).build();
    assert_eq!(dispatch(&router, &install).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(40)).await;
    assert_eq!(dispatch(&router, &install).await.status(), 200);
    assert_eq!(installs(&hits), 2);
}
