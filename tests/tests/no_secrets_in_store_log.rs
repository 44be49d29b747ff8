//! With an installation store: every outcome of the contract table's
//! `POST`s and of the store's own paths (a callback recorded, a stale
//! replay refused, the store locked and unavailable, a Desk event claimed
//! and its redelivery acknowledged, an uninstalled org) is clean, and so is
//! everything logged meanwhile at TRACE (the router's lines, the store's,
//! sqlx's): no run of 12 characters of a secret, a MAC, a security context
//! or the store's key. And the SQLite files hold no security context.
//!
//! A binary of its own: it installs the global subscriber.

use callback_contract::fixture::{self, SECURITY_CONTEXT, callback};
use callback_contract::in_process::dispatch;
use callback_contract::{Calls, Case, Forbidden, Framing, LogCapture, cases};
use callback_core::callback_store::{StoreKey, StoreKeys, StoreOptions, database_files};
use callback_core::testing::desk::ticket_event;
use callback_core::{CallbackRequest, DeskEventType, Event, Router, signature_header};
use sqlx::Connection;
use tracing_subscriber::filter::LevelFilter;

/// The store's key in this test: searched for in everything printed.
fn key() -> StoreKey {
    StoreKey::from_bytes(*b"K7f2Qx9Lm4Tz8Rw1Vb6Np3Hs5Jd0Gc2Y")
}

/// Dispatches a callback built by the fixture; its outcome's `Debug` and
/// body, and its code.
async fn send(router: &Router, request: &callback_core::testing::TestRequest) -> (String, String) {
    let outcome = router
        .dispatch(CallbackRequest {
            path: &request.path,
            signature: signature_header(request.hash.as_deref().map(str::as_bytes)),
            content_type: request.content_type.as_deref().map(str::as_bytes),
            body: &request.body,
        })
        .await;
    (
        format!("{outcome:?} {}", outcome.body()),
        outcome.code().to_owned(),
    )
}

/// Dispatches a Desk delivery built by the fixture.
async fn deliver(
    router: &Router,
    delivery: &callback_core::testing::desk::TestDelivery,
) -> (String, String) {
    let built = delivery.build();
    let outcome = router.dispatch_desk(built.as_request()).await;
    (
        format!("{outcome:?} {}", outcome.body()),
        outcome.code().to_owned(),
    )
}

#[tokio::test]
async fn everything_a_router_with_a_store_answers_and_logs_is_clean() {
    let capture = LogCapture::default();
    tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(LevelFilter::TRACE)
        .init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let url = format!("sqlite://{}", path.display());
    let store = StoreOptions::new(StoreKeys::new(key(), []))
        .timeout(std::time::Duration::from_secs(2))
        .open(&url)
        .await
        .expect("the store opens");
    let calls = Calls::default();
    let router: Router = fixture::callbacks(&calls)
        .installations(store.clone())
        .build()
        .expect("the fixture is valid");

    let table: Vec<Case> = cases::all()
        .into_iter()
        .filter(|c| c.request.method == "POST" && c.request.framing == Framing::Length)
        .collect();
    let forbidden = Forbidden::for_cases(&table)
        .with_secret("the store key", &key().expose_base64())
        .with_secret("the store key", "K7f2Qx9Lm4Tz8Rw1Vb6Np3Hs5Jd0Gc2Y");
    let mut codes = Vec::new();

    // The contract's requests, now each recorded (or refused) by the store.
    for case in &table {
        let (shown, rejection) = dispatch(&router, &case.request).await;
        codes.push(rejection.map_or("ok", |r| r.code()).to_owned());
        forbidden.assert_absent(case.name, &shown);
    }

    // The store's own paths.
    let install = callback(Event::Install).build();
    let uninstall = callback(Event::Uninstall).build();
    for request in [&install, &uninstall, &install] {
        let (shown, code) = send(&router, request).await;
        forbidden.assert_absent("a store outcome", &shown);
        codes.push(code);
    }
    let delivery = fixture::delivery([ticket_event(DeskEventType::TicketAdd, 387238, 1)]);
    let (shown, code) = deliver(&router, &delivery).await;
    forbidden.assert_absent("a delivery to an uninstalled org", &shown);
    codes.push(code);
    let reinstall = callback(Event::Install)
        .security_context("another-context-after-a-reinstall")
        .build();
    send(&router, &reinstall).await;
    let forbidden =
        forbidden.with_secret("the second context", "another-context-after-a-reinstall");
    for _ in 0..2 {
        let (shown, code) = deliver(&router, &delivery).await;
        forbidden.assert_absent("a delivery claimed", &shown);
        codes.push(code);
    }
    // A handler failing after its callback was recorded (the table's own
    // failing rows come after its onUninstall, and are stale).
    let failing = callback(Event::ConfigParamAdd)
        .security_context("another-context-after-a-reinstall")
        .extra("behave", serde_json::json!("fail"))
        .build();
    let (shown, code) = send(&router, &failing).await;
    forbidden.assert_absent("a handler error with the store", &shown);
    codes.push(code);
    // Locked by another connection: unavailable, the error logged.
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let (shown, code) = send(&router, &callback(Event::Update).build()).await;
    forbidden.assert_absent("the store unavailable", &shown);
    codes.push(code);
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    for code in [
        "ok",
        "stale_callback",
        "org_uninstalled",
        "store_unavailable",
        "signature_mismatch",
        "handler_error",
        "token_signature_mismatch",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} was not reached: {codes:?}"
        );
    }
    forbidden.assert_absent("the router's Debug", &format!("{router:?}"));
    forbidden.assert_absent("the store's Debug", &format!("{store:?}"));
    let log = capture.text();
    assert!(
        log.contains("store_unavailable"),
        "the log was captured: {log}"
    );
    assert!(log.contains("stale_callback"), "{log}");
    forbidden.assert_absent("the log", &log);

    // At rest, the contexts are sealed.
    drop(router);
    drop(store);
    for file in database_files(&path) {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        for context in [SECURITY_CONTEXT, "another-context-after-a-reinstall"] {
            assert!(
                !bytes
                    .windows(context.len())
                    .any(|w| w == context.as_bytes()),
                "{} holds a security context in plaintext",
                file.display()
            );
        }
    }
}
