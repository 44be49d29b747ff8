use callback_core::desk::DeskEvent;
use callback_macros::desk_event;

#[desk_event(Ticket_Add)]
fn added(event: DeskEvent) {
    let _ = event;
}

fn main() {}
