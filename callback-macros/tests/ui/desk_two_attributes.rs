// One function, one event: the error names both attributes and the fix, and
// nothing else is reported (the other attribute still makes the companion).
use callback_macros::{desk_event, on_install};

#[desk_event(Ticket_Add)]
#[on_install]
async fn both() {}

#[desk_event(Ticket_Add)]
#[callback_macros::desk_event(Ticket_Update)]
async fn two_events() {}

fn main() {}
