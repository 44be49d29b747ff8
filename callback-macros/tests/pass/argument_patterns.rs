//! Arguments bound by patterns, not just names: `mut`, `ref`, destructuring
//! tuple structs (`State(db)`, `Extra(fields)`), `_`, and parentheses.
#![deny(warnings)]

mod support;

use callback_core::{Callback, Event, Extra, OrgId, State, StateMap, callbacks};
use callback_macros::{on_install, on_update};

#[derive(Clone)]
struct Db {
    name: &'static str,
}

#[on_install]
async fn installed(mut cb: Callback, State(db): State<Db>, _: OrgId, ref event: Event) {
    cb = Callback::new(cb.payload().clone(), 1);
    support::ran(format!(
        "{} {} {} {event}",
        cb.secret_index(),
        db.name,
        cb.org_id()
    ));
}

#[on_update]
#[allow(unused_parens)]
async fn updated(State(Db { name }): State<Db>, Extra(fields): Extra, (org): OrgId, _event: Event) {
    support::ran(format!("{name} {} {org}", fields.len()));
}

fn main() {
    let mut state = StateMap::new();
    state.insert(Db { name: "main-db" });
    let handlers = callbacks![installed, updated];
    for (handler, event) in handlers.iter().zip([Event::Install, Event::Update]) {
        support::run(handler, event, 11, &state).unwrap();
    }
    assert_eq!(
        support::take_ran(),
        ["1 main-db 11 onInstall", "main-db 0 11"]
    );

    // A missing `State<Db>` is found before any call.
    assert_eq!(
        support::run(
            handlers.iter().next().unwrap(),
            Event::Install,
            11,
            &StateMap::new()
        ),
        Err(format!(
            "no state of type `{}::Db` was provided; add `.state(value)` where the callbacks \
             are mounted",
            module_path!()
        ))
    );
}
