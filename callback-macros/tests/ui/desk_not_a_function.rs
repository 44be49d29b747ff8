use callback_macros::desk_event;

#[desk_event(Ticket_Add)]
struct Added;

fn main() {}
