// A callback's argument is not a Desk event handler's: the error names the
// trait and points at the type.
use callback_core::Callback;
use callback_macros::desk_event;

#[desk_event(Ticket_Add)]
async fn added(cb: Callback) {
    let _ = cb;
}

fn main() {}
