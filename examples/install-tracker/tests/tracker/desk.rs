//! Desk events over real HTTP, as Desk sends them (signed with the TEST
//! key, whose key set the test serves on 127.0.0.1 as `ZOHO_DESK_JWKS_URL`):
//! each subscribed event type recorded per org in arrival order, shown as
//! `deskEvents`; a redelivered batch acknowledged and recorded once; an
//! event type nobody subscribed acknowledged and not recorded; a forged
//! token refused; an uninstalled org answered `410`.

use crate::common;

use callback_actix::callback_core::DeskEventType;
use callback_actix::callback_core::testing::desk::{TestDelivery, ticket_event};
use callback_actix::prelude::Event;
use common::{Tracker, client, deliver, get, org_of, send_event, serve_test_jwks};
use serde_json::json;

/// The org the test's callbacks and deliveries come from.
fn org() -> u64 {
    org_of(0)
}

fn batch(ids: &[(DeskEventType, u64)]) -> TestDelivery {
    TestDelivery::new(org()).events(
        ids.iter()
            .map(|&(ty, id)| ticket_event(ty, org(), id))
            .collect::<Vec<_>>(),
    )
}

#[tokio::test]
async fn subscribed_events_are_recorded_once_in_arrival_order_and_an_uninstalled_org_is_410() {
    let dir = tempfile::tempdir().unwrap();
    let jwks = serve_test_jwks();
    let server = Tracker::start_with(
        &dir.path().join("t.db"),
        &[("ZOHO_DESK_JWKS_URL", jwks.as_str())],
    );
    let base = server.base_url.clone();
    let client = client();
    assert_eq!(
        send_event(
            &client,
            &base,
            Event::Install,
            org(),
            "load-security-context-0"
        )
        .await,
        Ok((200, "ok".to_owned()))
    );
    let first = batch(&[
        (DeskEventType::TicketAdd, 1),
        (DeskEventType::TicketUpdate, 1),
        // Nobody subscribed: acknowledged, not recorded.
        (DeskEventType::TicketDelete, 1),
        (DeskEventType::TicketCommentAdd, 1),
    ]);
    assert_eq!(
        deliver(&client, &base, &first).await,
        Ok((200, "ok".to_owned()))
    );
    // Zoho delivers the same batch again (it has no delivery id), and a
    // new one with an event seen before.
    assert_eq!(
        deliver(&client, &base, &first).await,
        Ok((200, "ok".to_owned()))
    );
    let second = batch(&[
        (DeskEventType::TicketUpdate, 1),
        (DeskEventType::TicketAdd, 2),
    ]);
    assert_eq!(
        deliver(&client, &base, &second).await,
        Ok((200, "ok".to_owned()))
    );
    let (status, state) = get(&base, &format!("/orgs/{}", org()), &[]);
    assert_eq!(status, 200, "{state}");
    assert_eq!(
        state["deskEvents"],
        json!([
            "Ticket_Add",
            "Ticket_Update",
            "Ticket_Comment_Add",
            "Ticket_Add"
        ])
    );
    assert_eq!(state["events"], json!(["onInstall"]));

    // A delivery signed by another key: refused, nothing recorded.
    let forged = batch(&[(DeskEventType::TicketAdd, 3)]).signed_with_other_key();
    assert_eq!(
        deliver(&client, &base, &forged).await,
        Ok((401, "token_signature_mismatch".to_owned()))
    );

    // Uninstalled: Desk is told the subscription is gone.
    assert_eq!(
        send_event(
            &client,
            &base,
            Event::Uninstall,
            org(),
            "load-security-context-0"
        )
        .await,
        Ok((200, "ok".to_owned()))
    );
    let third = batch(&[(DeskEventType::TicketAdd, 4)]);
    assert_eq!(
        deliver(&client, &base, &third).await,
        Ok((410, "org_uninstalled".to_owned()))
    );
    let (_, state) = get(&base, &format!("/orgs/{}", org()), &[]);
    assert_eq!(state["deskEvents"].as_array().map(Vec::len), Some(4));

    // The query's security context is never logged.
    drop(client); // its keep-alive connections would hold the graceful stop
    let printed = server.printed();
    assert!(!printed.contains("test-security-context"), "{printed}");
    // Off this runtime, whose thread would otherwise be blocked while the
    // client's connections need it to close.
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
}
