use callback_macros::desk_event;

#[desk_event(Ticket_Ad)]
async fn added() {}

#[desk_event(Event_Upd)]
async fn updated() {}

#[desk_event(ticket_update)]
async fn case() {}

#[desk_event("Ticket_Add")]
async fn quoted() {}

fn main() {}
