use callback_macros::desk_event;

#[desk_event(Ticket_Add, include_prev_state, path = "x")]
fn added<T>(_value: impl Sized) {}

fn main() {}
