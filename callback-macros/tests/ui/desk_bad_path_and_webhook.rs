use callback_macros::desk_event;

#[desk_event(Ticket_Add, path = "desk/events")]
async fn no_slash() {}

#[desk_event(Ticket_Add, path = "/desk/{org}")]
async fn placeholder() {}

#[desk_event(Ticket_Add, "/desk/events")]
async fn positional() {}

#[desk_event(Ticket_Add, webhook = "my hooks")]
async fn webhook_with_a_space() {}

fn main() {}
