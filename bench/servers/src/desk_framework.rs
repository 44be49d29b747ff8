//! The framework's Desk server: one no-op `Ticket_Add` handler made by the
//! real attribute, mounted with `.desk_events(desk_events![noop])` and the
//! fixed TEST key set (never fetched).

use callback_actix::callback_core::testing::desk::test_keys;
use callback_actix::prelude::*;
use std::hint::black_box;

/// Does nothing with the event but take its org id.
#[desk_event(Ticket_Add)]
pub(crate) async fn noop(org: OrgId) {
    black_box(org);
}

/// The routes: the default webhook path, tokens checked against the TEST
/// key set.
pub fn routes() -> CallbackRoutes {
    Callbacks::new(callbacks![])
        .desk_events(desk_events![noop])
        .desk_keys(test_keys())
        .build()
        .expect("a valid configuration")
}
