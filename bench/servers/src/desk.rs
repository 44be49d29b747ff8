//! The Desk delivery both Desk servers answer alike, and what they share:
//! `N` `Ticket_Add` events of one org, signed with the TEST key by
//! `callback_core::testing::desk`, valid for years so that a token made
//! once serves a whole run.

use callback_actix::callback_core::DeskEventType;
use callback_actix::callback_core::testing::desk::{TestDelivery, TestDeskRequest, ticket_event};
use std::time::{Duration, SystemTime};

/// The org of every delivery.
pub const ORG_ID: u64 = 387238;

/// The first ticket's id; the others follow it.
const FIRST_TICKET: u64 = 1_892_000_000_143_237;

/// How long a delivery's token stays valid: ten years.
const VALID_FOR: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// A delivery of `events` `Ticket_Add` events to the default webhook path,
/// its token valid for ten years.
pub fn delivery(events: u64) -> TestDelivery {
    TestDelivery::new(ORG_ID)
        .events(
            (0..events).map(|i| ticket_event(DeskEventType::TicketAdd, ORG_ID, FIRST_TICKET + i)),
        )
        .expires_at(SystemTime::now() + VALID_FOR)
}

/// The request of [`delivery`]`(events)`.
pub fn request(events: u64) -> TestDeskRequest {
    delivery(events).build()
}

/// The body both answer a delivery of `events` events with.
pub fn ok_body(events: usize) -> String {
    format!(r#"{{"ok":true,"events":{events}}}"#)
}
