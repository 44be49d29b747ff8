use callback_macros::desk_event;

#[desk_event]
async fn bare() {}

#[desk_event(webhook = "tickets")]
async fn options_only() {}

#[desk_event(Ticket_Add, Ticket_Update)]
async fn two_events() {}

fn main() {}
