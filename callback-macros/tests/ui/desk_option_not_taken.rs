use callback_macros::desk_event;

#[desk_event(Ticket_Add, include_prev_state)]
async fn added() {}

#[desk_event(Ticket_Comment_Update, fields = ["content"])]
async fn comment_updated() {}

#[desk_event(Ticket_Update, direction = "in")]
async fn updated() {}

#[desk_event(any, include_prev_state)]
async fn every_event() {}

fn main() {}
