use callback_core::State;
use callback_core::desk::PrevState;
use callback_macros::{desk_event, on_install};

#[derive(Clone)]
struct Db;

// State is never optional: a missing `.state(db)` would be `None` forever.
#[on_install]
async fn installed(db: Option<State<Db>>) {
    let _ = db;
}

#[desk_event(Ticket_Add)]
async fn added(db: Option<State<Db>>, prev: Option<PrevState>) {
    let _ = (db, prev);
}

fn main() {}
