//! One Desk delivery through the router: the query, the token, the batch,
//! each event by its handler in order, and every refusal with its exact
//! status and code and no handler run.

use crate::desk_common::{
    self, AddedAgain, Anything, DEADLINE, DeskHits, ORG, TicketAdded, deliver, desk_builder,
    desk_router, status_code,
};
use callback_core::desk::{DeskOutcome, TokenPolicy};
use callback_core::testing::desk::{OTHER_TEST_KEY_ID, TEST_EC_KEY_ID, TestDelivery, ticket_event};
use callback_core::{BuildError, DeskEventKind, DeskEventType, OrgId, RejectionKind, Router};
use serde_json::json;
use std::time::{Duration, SystemTime};

/// The kinds only a Desk delivery can be refused with: the callback table
/// of `router_dispatch` leaves them to these tests.
pub(crate) const DESK_ONLY_KINDS: &[RejectionKind] = &[
    RejectionKind::InvalidQuery,
    RejectionKind::MissingToken,
    RejectionKind::RepeatedToken,
    RejectionKind::MalformedToken,
    RejectionKind::UnsupportedAlgorithm,
    RejectionKind::MissingKeyId,
    RejectionKind::UnknownKey,
    RejectionKind::WrongKeyType,
    RejectionKind::TokenSignatureMismatch,
    RejectionKind::InvalidClaims,
    RejectionKind::TokenExpired,
    RejectionKind::TokenIssuedInFuture,
    RejectionKind::WrongIssuer,
    RejectionKind::WrongAudience,
    RejectionKind::OrgMismatch,
    RejectionKind::KeysUnavailable,
    RejectionKind::Gone,
    RejectionKind::ArgumentMismatch,
];

fn ticket(ty: DeskEventType, id: u64) -> callback_core::desk::DeskEvent {
    ticket_event(ty, ORG, id)
}

fn signed() -> TestDelivery {
    TestDelivery::new(ORG)
}

#[tokio::test]
async fn an_empty_batch_is_200_and_runs_nothing() {
    let (router, hits) = desk_router();
    let outcome = deliver(&router, &signed()).await;
    assert_eq!(outcome.body(), r#"{"ok":true,"events":0}"#);
    assert_eq!(status_code(&outcome), (200, "ok"));
    assert!(hits.ran().is_empty());
}

#[tokio::test]
async fn each_event_runs_its_handler_in_array_order_with_its_typed_payload() {
    let (router, hits) = desk_router();
    let prev = ticket(DeskEventType::TicketUpdate, 7).with_prev_state(json!({"status": "Closed"}));
    let delivery = signed().events([
        ticket(DeskEventType::TicketAdd, 1_892_000_000_143_237_019),
        prev,
        ticket(DeskEventType::TicketThreadAdd, 7),
        ticket(DeskEventType::TicketCommentAdd, 7),
        ticket(DeskEventType::AccountAdd, 7),
    ]);
    let outcome = deliver(&router, &delivery).await;
    assert_eq!(status_code(&outcome), (200, "ok"), "{outcome:?}");
    assert_eq!(
        outcome,
        DeskOutcome::Handled(match outcome.clone() {
            DeskOutcome::Handled(h) => h,
            other => panic!("{other:?}"),
        })
    );
    assert_eq!(
        hits.ran(),
        [
            (
                "TicketAdded",
                "Ticket_Add 1892000000143237019 Some(\"Printer on fire\")".to_owned()
            ),
            ("TicketUpdated", "Ticket_Update was \"Closed\"".to_owned()),
            ("ThreadAdded", "Ticket_Thread_Add Some(\"in\")".to_owned()),
            (
                "CommentAdded",
                "Ticket_Comment_Add Some(\"Extinguisher sent\")".to_owned()
            ),
            ("AccountAdded", "Account_Add context of 21 bytes".to_owned()),
        ]
    );
}

#[tokio::test]
async fn an_unknown_event_type_goes_to_the_catch_all_and_breaks_nothing() {
    let (router, hits) = desk_router();
    let unknown = callback_core::desk::DeskEvent::new(
        DeskEventKind::Other("Ticket_Teleported".to_owned()),
        OrgId::new(ORG),
        json!({"id": "1"}),
    );
    let delivery = signed().events([unknown, ticket(DeskEventType::TicketAdd, 5)]);
    let outcome = deliver(&router, &delivery).await;
    assert_eq!(status_code(&outcome), (200, "ok"));
    let ran: Vec<&str> = hits.ran().iter().map(|(name, _)| *name).collect();
    assert_eq!(ran, ["Anything", "TicketAdded"]);
    assert_eq!(hits.ran()[0].1, "Ticket_Teleported");
}

#[tokio::test]
async fn without_a_catch_all_an_event_no_handler_takes_is_acknowledged() {
    let hits = DeskHits::default();
    let router = desk_builder(callback_core::desk_events![TicketAdded], &hits)
        .build()
        .unwrap();
    let unknown = callback_core::desk::DeskEvent::new(
        DeskEventKind::Other("Ticket_Teleported".to_owned()),
        OrgId::new(ORG),
        json!(null),
    );
    let delivery = signed().events([
        unknown,
        ticket(DeskEventType::ContactAdd, 1),
        ticket(DeskEventType::TicketAdd, 2),
    ]);
    let outcome = deliver(&router, &delivery).await;
    let DeskOutcome::Handled(handled) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(
        (handled.events, handled.handled, handled.unhandled),
        (3, 1, 2)
    );
    assert_eq!(hits.ran().len(), 1);
}

#[tokio::test]
async fn the_first_failing_event_stops_the_batch_and_names_itself() {
    for (failing, status, code) in [
        (DeskEventType::TicketDelete, 500, "handler_error"),
        (DeskEventType::ContactDelete, 500, "handler_panicked"),
        (DeskEventType::ContactAdd, 410, "gone"),
        (DeskEventType::CallAdd, 500, "argument_mismatch"),
    ] {
        let (router, hits) = desk_router();
        let delivery = signed().events([
            ticket(DeskEventType::TicketAdd, 1),
            ticket(failing, 2),
            ticket(DeskEventType::TicketAdd, 3),
        ]);
        let outcome = deliver(&router, &delivery).await;
        assert_eq!(status_code(&outcome), (status, code), "{failing}");
        let DeskOutcome::Rejected(rejected) = &outcome else {
            panic!()
        };
        assert_eq!(rejected.handled, 1, "{failing}");
        assert!(
            rejected
                .rejection
                .message()
                .starts_with(&format!("event 1 of 3 ({failing}): ")),
            "{}",
            rejected.rejection.message()
        );
        assert!(
            rejected
                .rejection
                .message()
                .ends_with("; 1 handled before it, the rest not run")
        );
        let ran: Vec<&str> = hits.ran().iter().map(|(n, _)| *n).collect();
        // The argument mismatch refuses before its handler runs; a panic
        // records nothing.
        let expected: &[&str] = match failing {
            DeskEventType::TicketDelete => &["TicketAdded", "TicketDeleted"],
            DeskEventType::ContactAdd => &["TicketAdded", "ContactAdded"],
            _ => &["TicketAdded"],
        };
        assert_eq!(ran, expected, "{failing}: the event after it did not run");
        assert!(!outcome.body().contains("db down"), "{}", outcome.body());
    }
}

#[tokio::test]
async fn a_mismatched_argument_says_which_in_its_logged_detail() {
    let (router, _) = desk_router();
    let outcome = deliver(&router, &signed().event(ticket(DeskEventType::CallAdd, 1))).await;
    assert_eq!(
        outcome.rejection().unwrap().detail(),
        Some(
            "a `Ticket` argument takes the payload of Ticket_Add, Ticket_Update, Ticket_Delete; this event is Call_Add"
        )
    );
}

#[tokio::test]
async fn a_missing_prev_state_or_security_context_refuses_at_that_event() {
    let (router, hits) = desk_router();
    let outcome = deliver(
        &router,
        &signed().event(ticket(DeskEventType::TicketUpdate, 1)),
    )
    .await;
    assert_eq!(status_code(&outcome), (400, "invalid_payload"));
    let outcome = deliver(
        &router,
        &signed()
            .without_security_context()
            .event(ticket(DeskEventType::AccountAdd, 1)),
    )
    .await;
    assert_eq!(status_code(&outcome), (400, "invalid_query"));
    assert!(hits.ran().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_batch_past_its_deadline_is_503_at_the_deadline() {
    let (router, hits) = desk_router();
    let started = tokio::time::Instant::now();
    let delivery = signed().events([
        ticket(DeskEventType::TicketAdd, 1),
        ticket(DeskEventType::TaskAdd, 2),
    ]);
    let outcome = deliver(&router, &delivery).await;
    assert_eq!(status_code(&outcome), (503, "handler_timeout"));
    assert_eq!(started.elapsed(), DEADLINE);
    assert_eq!(hits.ran().len(), 1);
}

#[tokio::test]
async fn an_event_of_another_org_refuses_the_whole_batch() {
    let (router, hits) = desk_router();
    let delivery = signed().events([
        ticket(DeskEventType::TicketAdd, 1),
        ticket_event(DeskEventType::TicketAdd, ORG + 1, 2),
    ]);
    let outcome = deliver(&router, &delivery).await;
    assert_eq!(status_code(&outcome), (401, "org_mismatch"));
    assert_eq!(
        outcome.rejection().unwrap().message(),
        "event 1 is of another org than the webhook URL's"
    );
    assert!(hits.ran().is_empty());
}

#[tokio::test]
async fn get_validates_other_methods_are_405_and_unmounted_paths_404() {
    let (router, hits) = desk_router();
    let get = router.desk_validation("/desk/deskEvents");
    assert_eq!((get.status(), get.body().as_ref()), (200, r#"{"ok":true}"#));
    let put = router.desk_method_not_allowed("/desk/deskEvents", "PUT");
    assert_eq!(status_code(&put), (405, "method_not_allowed"));
    let headers: Vec<_> = put.headers().collect();
    assert_eq!(
        headers,
        [("content-type", "application/json"), ("allow", "GET, POST")]
    );
    let elsewhere = deliver(&router, &signed().path("/desk/nowhere")).await;
    assert_eq!(status_code(&elsewhere), (404, "not_found"));
    assert_eq!(
        status_code(&router.desk_validation("/desk/nowhere")),
        (404, "not_found")
    );
    assert!(hits.ran().is_empty());
    // The other webhook is its own path.
    assert_eq!(
        router.desk_paths().collect::<Vec<_>>(),
        ["/desk/deskEvents", "/desk/other"]
    );
}

/// Each refusal before any handler, with the exact status and code.
#[tokio::test]
async fn every_refusal_of_query_token_and_body_is_exact_and_runs_nothing() {
    let (router, hits) = desk_router();
    let now = SystemTime::now();
    let event = ticket(DeskEventType::TicketAdd, 1);
    let with = || signed().event(event.clone());
    let cases: Vec<(&str, TestDelivery, u16, &str)> = vec![
        (
            "no orgId",
            with().query("securityContext=x"),
            400,
            "invalid_query",
        ),
        (
            "two orgIds",
            with().query(&format!("orgId={ORG}&orgId={ORG}")),
            400,
            "invalid_query",
        ),
        (
            "orgId not a number",
            with().query("orgId=abc"),
            400,
            "invalid_query",
        ),
        ("no token", with().without_token(), 401, "missing_token"),
        ("empty token", with().token(""), 401, "malformed_token"),
        ("two parts", with().token("abc.def"), 401, "malformed_token"),
        (
            "not base64",
            with().token("!!!.@@@.###"),
            401,
            "malformed_token",
        ),
        ("alg none", with().alg_none(), 401, "unsupported_algorithm"),
        (
            "HS256 with the public key",
            with().hs256_with_public_key(),
            401,
            "unsupported_algorithm",
        ),
        ("no kid", with().without_kid(), 401, "missing_key_id"),
        (
            "unknown kid",
            with().kid(OTHER_TEST_KEY_ID),
            401,
            "unknown_key",
        ),
        ("EC key", with().kid(TEST_EC_KEY_ID), 401, "wrong_key_type"),
        (
            "another key under a known kid",
            with().signed_with_other_key(),
            401,
            "token_signature_mismatch",
        ),
        (
            "expired",
            with()
                .issued_at(now - Duration::from_secs(600))
                .expires_at(now - Duration::from_secs(1)),
            401,
            "token_expired",
        ),
        (
            "expired, milliseconds",
            with()
                .times_in_millis()
                .issued_at(now - Duration::from_secs(600))
                .expires_at(now - Duration::from_secs(1)),
            401,
            "token_expired",
        ),
        (
            "issued in the future",
            with().issued_at(now + Duration::from_secs(120)),
            401,
            "token_issued_in_future",
        ),
        (
            "another org",
            with().issuer(&format!("orgId:{}", ORG + 1)),
            401,
            "wrong_issuer",
        ),
        (
            "no iss",
            with().claims(json!({"iat": 1, "exp": u64::MAX / 2})),
            401,
            "invalid_claims",
        ),
        (
            "claims not an object",
            with().claims(json!([1])),
            401,
            "malformed_token",
        ),
        ("body not JSON", with().body("[{"), 400, "invalid_json"),
        (
            "body not an array",
            with().body("{}"),
            400,
            "invalid_payload",
        ),
        (
            "event without orgId",
            with().body(r#"[{"eventType":"Ticket_Add","payload":{}}]"#),
            400,
            "invalid_payload",
        ),
    ];
    for (name, delivery, status, code) in cases {
        let outcome = deliver(&router, &delivery).await;
        assert_eq!(status_code(&outcome), (status, code), "{name}: {outcome:?}");
        assert!(
            outcome.body().contains(&format!(r#""error":"{code}""#)),
            "{name}"
        );
    }
    // Two headers: the adapter hands them over as `Repeated`.
    let built = with().build();
    let mut request = built.as_request();
    request.token = callback_core::SignatureHeader::Repeated;
    let outcome = router.dispatch_desk(request).await;
    assert_eq!(status_code(&outcome), (401, "repeated_token"));
    assert!(hits.ran().is_empty(), "{:?}", hits.ran());
}

#[tokio::test]
async fn a_token_with_times_in_milliseconds_is_accepted() {
    let (router, hits) = desk_router();
    let delivery = signed()
        .times_in_millis()
        .event(ticket(DeskEventType::TicketAdd, 1));
    assert_eq!(status_code(&deliver(&router, &delivery).await), (200, "ok"));
    assert_eq!(hits.ran().len(), 1);
}

#[tokio::test]
async fn the_audience_is_checked_when_the_webhook_id_is_configured() {
    let hits = DeskHits::default();
    let router = desk_builder(callback_core::desk_events![TicketAdded], &hits)
        .desk_webhook_id("deskEvents", "1892000000817001")
        .build()
        .unwrap();
    let event = ticket(DeskEventType::TicketAdd, 1);
    let right = signed().webhook_id("1892000000817001").event(event.clone());
    assert_eq!(status_code(&deliver(&router, &right).await), (200, "ok"));
    for wrong in [signed().webhook_id("1892000000817002"), signed()] {
        let outcome = deliver(&router, &wrong.event(event.clone())).await;
        assert_eq!(status_code(&outcome), (401, "wrong_audience"));
    }
    assert_eq!(hits.ran().len(), 1);
}

#[tokio::test]
async fn the_leeway_for_iat_is_configurable() {
    let hits = DeskHits::default();
    let router = desk_builder(callback_core::desk_events![TicketAdded], &hits)
        .desk_iat_leeway(Duration::from_secs(300))
        .build()
        .unwrap();
    let ahead = signed()
        .issued_at(SystemTime::now() + Duration::from_secs(120))
        .event(ticket(DeskEventType::TicketAdd, 1));
    assert_eq!(status_code(&deliver(&router, &ahead).await), (200, "ok"));
}

#[tokio::test]
async fn the_explicit_opt_out_handles_deliveries_without_a_token() {
    let hits = DeskHits::default();
    let router = Router::builder(Default::default())
        .desk_events(callback_core::desk_events![TicketAdded])
        .desk_token_policy(TokenPolicy::InsecureAcceptUnverified)
        .state(hits.clone())
        .build()
        .expect("no key set is needed");
    assert!(router.token_verifier().is_none());
    let delivery = signed()
        .without_token()
        .event(ticket(DeskEventType::TicketAdd, 1));
    assert_eq!(status_code(&deliver(&router, &delivery).await), (200, "ok"));
    // The org is still the query's.
    let other = signed()
        .without_token()
        .event(ticket_event(DeskEventType::TicketAdd, 1, 1));
    assert_eq!(
        status_code(&deliver(&router, &other).await),
        (401, "org_mismatch")
    );
}

#[test]
fn build_refuses_what_cannot_be_served() {
    let hits = DeskHits::default();
    let builder = || {
        Router::builder(Default::default())
            .desk_events(callback_core::desk_events![TicketAdded])
            .state(hits.clone())
    };
    let no_keys = builder().build().unwrap_err();
    assert_eq!(no_keys, BuildError::NoDeskKeys);
    assert!(no_keys.to_string().contains("`.desk_keys("), "{no_keys}");

    let unknown = builder()
        .desk_keys(callback_core::testing::desk::test_keys())
        .desk_webhook_id("nope", "1")
        .build()
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "a webhook id is configured for `nope`, which no Desk event handler belongs to"
    );

    let missing_state = Router::builder(Default::default())
        .desk_events(callback_core::desk_events![TicketAdded])
        .desk_keys(callback_core::testing::desk::test_keys())
        .build()
        .unwrap_err();
    assert!(
        matches!(missing_state, BuildError::MissingState { .. }),
        "{missing_state:?}"
    );

    // Two handlers for one event of one webhook, past the macro's check
    // (a list built by hand): refused at build.
    use callback_core::desk::{DeskHandlerList, StaticDeskHandler};
    let twice = builder()
        .desk_keys(callback_core::testing::desk::test_keys())
        .desk_events(DeskHandlerList::new(&[
            <TicketAdded as StaticDeskHandler>::HANDLER,
            <AddedAgain as StaticDeskHandler>::HANDLER,
        ]))
        .build()
        .unwrap_err();
    assert_eq!(
        twice.to_string(),
        "two handlers for Ticket_Add of webhook `deskEvents`: `desk_common::TicketAdded` and `desk_common::AddedAgain`; keep one"
    );
    let _ = Anything;
}

#[test]
fn a_webhook_at_a_callback_path_and_a_callback_free_router_without_a_secret() {
    use callback_core::HandlerList;
    let hits = DeskHits::default();
    let conflict = Router::builder(HandlerList::new(&[&crate::common::INSTALL]))
        .secret(crate::common::secret(crate::common::SECRET))
        .state(crate::common::Hits::default())
        .state(hits.clone())
        .desk_events(callback_core::desk_events![desk_common::AtInstallPath])
        .desk_keys(callback_core::testing::desk::test_keys())
        .build()
        .unwrap_err();
    assert_eq!(
        conflict.to_string(),
        "/callbacks/onInstall is both a callback path and a webhook path; give the webhook another `path`"
    );
    // Callbacks still need their secret when Desk events are mounted too.
    let no_secret = Router::builder(HandlerList::new(&[&crate::common::INSTALL]))
        .state(crate::common::Hits::default())
        .state(hits.clone())
        .desk_events(callback_core::desk_events![TicketAdded])
        .desk_keys(callback_core::testing::desk::test_keys())
        .build()
        .unwrap_err();
    assert_eq!(no_secret, BuildError::NoSecret);
}

#[test]
fn desk_events_lists_the_handlers_in_order() {
    let list = desk_common::all_handlers();
    assert_eq!(list.len(), 12);
    assert_eq!(
        list.infos().next().map(|i| i.name.as_ref()),
        Some("TicketAdded")
    );
}
